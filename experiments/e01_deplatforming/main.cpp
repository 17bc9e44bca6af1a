// e01_deplatforming: a head of state's account is removed; do relais's event studies recover the planted
// effects? Flows before/after by class; ITS on regional press's share of link flows (planted increase);
// DiD on supporters (planted relative drop); RD in time on retweet flows (his retweets stop).
#include <array>
#include <cmath>
#include <map>

#include "e01_deplatforming/world.hpp"
#include "relais/toolkit/analysis/event.hpp"
#include "relais/toolkit/flow_matrix.hpp"

using namespace relais;
using namespace relais::experiments;

namespace {

constexpr TimeMs kDay = 86400000;

std::vector<std::string> EstimateRow(const std::string& name, const toolkit::EventResult& r) {
  return {name,           r.design,           r.model, Num(r.level.estimate), Num(r.level.lo), Num(r.level.hi),
          Num(r.level.p), std::to_string(r.n)};
}

// Daily series of an outcome over the event window (for the figures).
void SeriesTable(Experiment& exp, const corpora::Store& store, TimeMs at, const std::string& table) {
  corpora::Statement st(
      store.db(),
      "SELECT (i.time - ?1 + 1000 * ?2) / ?2 - 1000 AS d, "  // floor division (times before the event)
      "sum(f.layer = 'link' AND sa.actor_class = 'press-regional'), sum(f.layer = 'link'), "
      "sum(f.layer = 'retweet') FROM flows f JOIN items i ON i.id = f.dst_item "
      "LEFT JOIN actors sa ON sa.id = f.src_actor "
      "WHERE i.time >= ?1 - 45 * ?2 AND i.time < ?1 + 45 * ?2 GROUP BY d ORDER BY d");
  st.Bind(1, static_cast<std::int64_t>(at)).Bind(2, static_cast<std::int64_t>(kDay));
  std::vector<std::vector<std::string>> rows;
  while (st.Step()) {
    double d = static_cast<double>(st.Int(0));
    double reg = static_cast<double>(st.Int(1)), link = static_cast<double>(st.Int(2));
    rows.push_back({Num(d), Num(reg), Num(link), Num(link > 0 ? reg / link : 0), Num(static_cast<double>(st.Int(3)))});
  }
  exp.WriteCsv(table, {"day", "links_regional", "links_all", "share_regional", "retweets"}, rows);
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp("e01_deplatforming",
                 "Do ITS/DiD/RD on the item-level flows recover a planted deplatforming's effects?");
  return RunExperiment(argc, argv, exp, [](Experiment& e) {
    World w = PrepareWorld(e);
    auto store = corpora::Store::Open(w.store_dir, corpora::OpenMode::kReadOnly);
    const auto& effects = w.truth["event_effects"];

    // Flows before/after by class, 30 days either side.
    toolkit::FlowMatrixOptions fo;
    fo.at = w.event;
    fo.before = fo.after = 30 * kDay;
    auto cmp = toolkit::ComputeFlowMatrices(store, fo);
    std::map<std::pair<std::string, std::string>, std::array<double, 4>> cells;
    for (const auto& m : cmp.windows) {
      std::size_t k = m.name == "after" ? 1 : 0;
      for (const auto& c : m.cells) {
        auto& v = cells[{c.source, c.target}];
        v[k] = static_cast<double>(c.count);
        v[k + 2] = c.share;
      }
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& [st, v] : cells)
      rows.push_back({st.first, st.second, Num(v[0]), Num(v[1]), Num(v[2]), Num(v[3]), Num(v[3] - v[2])});
    e.WriteCsv("flows_before_after",
               {"source", "target", "before", "after", "share_before", "share_after", "share_diff"}, rows);
    SeriesTable(e, store, w.event, "daily");

    std::vector<std::vector<std::string>> est;
    // ITS: regional press's share of link flows (planted: alpha press-regional→public ×1.6).
    toolkit::StoreEventOptions eo;
    eo.at = w.event;
    eo.before = eo.after = 45 * kDay;
    eo.bin = kDay;
    eo.outcome = "share:link:press-regional";
    eo.design = "its";
    eo.its.model = toolkit::EventModel::kOls;
    auto share = toolkit::RunStoreEvent(store, eo);
    est.push_back(EstimateRow("share of link flows from regional press", share));
    CheckDirection(e, "ITS: regional press's share of link flows rises (planted alpha x1.6)", +1, share.level.estimate,
                   share.level.lo, share.level.hi);

    // DiD: supporters (retweeted the head of state ≥ 2 times before) vs other accounts, items per day.
    const std::string hos = w.truth["event"]["actor"].get<std::string>();
    toolkit::StoreEventOptions did = eo;
    did.outcome = "items";
    did.design = "did";
    did.treated = "retweeted:" + hos + ":2";
    auto d = toolkit::RunStoreEvent(store, did);
    est.push_back(EstimateRow("supporters' items per account-day (treated: retweeted " + hos + " at least twice)", d));
    CheckDirection(e, "DiD: supporters' activity drops", -1, d.level.estimate, d.level.lo, d.level.hi);
    // The planted relative drop against 1 − the rate ratio (treated post mean over its counterfactual).
    e.Check("DiD: supporters' relative drop", effects.value("supporter_activity_relative_drop", 0.0), 1 - d.rate_ratio,
            1 - d.rate_ratio_hi, 1 - d.rate_ratio_lo);
    e.result()["did_extra"] = d.extra;

    // RD in time: retweet flows per day (nobody retweets him afterwards; supporters retweet less).
    toolkit::StoreEventOptions rd = eo;
    rd.outcome = "flows:retweet";
    rd.design = "rd";
    auto r = toolkit::RunStoreEvent(store, rd);
    est.push_back(EstimateRow("retweet flows per day", r));
    CheckDirection(e, "RD: retweet flows drop at the removal", -1, r.level.estimate, r.level.lo, r.level.hi);
    // The head of state's realised retweets per day before the event: the jump should be at least this.
    const auto& rt = effects["realised"]["head_of_state_retweets_per_day"];
    double pre = 0;
    int n = 0;
    for (std::size_t i = 0; i < rt.size() / 2; ++i, ++n) pre += rt[i].get<double>();
    e.result()["head_of_state_retweets_per_day_before"] = n ? pre / n : 0;
    e.WriteCsv("estimates", {"outcome", "design", "model", "estimate", "lo", "hi", "p", "n"}, est);
  });
}
