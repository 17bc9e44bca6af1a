// e01_deplatforming: a head of state's account is removed; do relais's event studies recover the planted
// effects? Flows before/after by class; ITS on regional press's share of link flows (planted increase);
// DiD on supporters (planted relative drop); RD in time on retweet flows (his retweets stop).
#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <map>

#include "e01_deplatforming/world.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/toolkit/analysis/event.hpp"
#include "relais/toolkit/analysis/linalg.hpp"
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
  // Flows join their dst item in its own partition: per partition, sums added in partition order.
  using Sums = std::map<std::int64_t, std::array<std::int64_t, 5>>;
  const auto parts = corpora::MapPartitions<Sums>(store, [&](sqlite3* db, int) {
    corpora::Statement st(
        db,
        "SELECT (i.time - ?1 + 1000 * ?2) / ?2 - 1000 AS d, "  // floor division (times before the event)
        "sum(f.layer = 'link' AND sa.actor_class = 'press-regional'), sum(f.layer = 'link'), "
        "sum(f.layer = 'retweet'), sum(f.layer = 'link' AND da.actor_class = 'public' AND sa.actor_class = "
        "'press-regional'), sum(f.layer = 'link' AND da.actor_class = 'public') FROM flows f JOIN items i ON i.id = "
        "f.dst_item LEFT JOIN actors sa ON sa.id = f.src_actor LEFT JOIN actors da ON da.id = f.dst_actor "
        "WHERE i.time >= ?1 - 45 * ?2 AND i.time < ?1 + 45 * ?2 GROUP BY d ORDER BY d");  // series_window_days
    st.Bind(1, static_cast<std::int64_t>(at)).Bind(2, static_cast<std::int64_t>(kDay));
    Sums sums;
    while (st.Step())
      for (int c = 0; c < 5; ++c) sums[st.Int(0)][static_cast<std::size_t>(c)] = st.Int(c + 1);
    return sums;
  });
  Sums all;
  for (const Sums& part : parts)
    for (const auto& [d, v] : part)
      for (std::size_t c = 0; c < 5; ++c) all[d][c] += v[c];
  std::vector<std::vector<std::string>> rows;
  for (const auto& [day, v] : all) {
    double d = static_cast<double>(day);
    double reg = static_cast<double>(v[0]), link = static_cast<double>(v[1]);
    double preg = static_cast<double>(v[3]), plink = static_cast<double>(v[4]);
    rows.push_back({Num(d), Num(reg), Num(link), Num(link > 0 ? reg / link : 0), Num(static_cast<double>(v[2])),
                    Num(preg), Num(plink), Num(plink > 0 ? preg / plink : 0)});
  }
  exp.WriteCsv(table,
               {"day", "links_regional", "links_all", "share_regional", "retweets", "public_links_regional",
                "public_links_all", "public_share_regional"},
               rows);
}

// Expected share of public accounts' link shares that point to `cls`'s items, before and after the event,
// from truth.json: a Hawkes event of class c has alpha[c][public] expected public children, each sharing the
// parent's URL with the same probability whatever c, so share = N_cls α_cls / Σ_c N_c α_c (N = Hawkes events
// of the class on each side of the event, α = alpha / alpha_after).
struct PlantedShare {
  double before = 0, after = 0;
};
PlantedShare PlantedPublicLinkShare(const nlohmann::json& truth, const std::string& cls) {
  const auto& h = truth["hawkes"];
  auto share = [&](const char* alpha_key, const char* n_key) {
    double num = 0, den = 0;
    for (const auto& [c, n] : h[n_key].items()) {
      const std::string group = c;
      if (group != "press-national" && group != "press-regional" && group != "press-agency" && group != "pr")
        continue;  // only articles and releases have URLs to share
      const double x = n.get<double>() * h[alpha_key][group]["public"].get<double>();
      den += x;
      if (group == cls) num += x;
    }
    return den > 0 ? num / den : 0.0;
  };
  return {share("alpha", "events_per_group_before_event"), share("alpha_after", "events_per_group_after_event")};
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
    e.params()["flow_matrix_window_days"] = 30;
    e.params()["series_window_days"] = 45;
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
    // The whole world around the event (it starts and ends 60 days either side), less a day at each end.
    const TimeMs w_start = ParseIso8601(w.truth["period"]["start"].get<std::string>()).value_or(w.event - 60 * kDay);
    const TimeMs w_end = ParseIso8601(w.truth["period"]["end"].get<std::string>()).value_or(w.event + 60 * kDay);
    const DurationMs window = std::min((w.event - w_start) / kDay, (w_end - w.event) / kDay) * kDay - kDay;
    e.params()["its_window_days"] = window / kDay;
    // ITS: regional press's share of the public's link shares (planted: alpha press-regional→public ×1.6,
    // press-national→public ×0.8; no other class's links into public accounts change).
    toolkit::StoreEventOptions eo;
    eo.at = w.event;
    eo.before = eo.after = window;
    eo.bin = kDay;
    eo.outcome = "share:link:press-regional:public";
    eo.design = "its";
    eo.its.model = toolkit::EventModel::kOls;
    auto share = toolkit::RunStoreEvent(store, eo);
    est.push_back(EstimateRow("regional press's share of public accounts' link shares", share));
    const PlantedShare planted = PlantedPublicLinkShare(w.truth, "press-regional");
    // The planted change of excitation of the public by each press class (alpha_after / alpha), for the text.
    for (const char* cls : {"press-regional", "press-national"}) {
      const auto& h = w.truth["hawkes"];
      const double before = h["alpha"][cls]["public"].get<double>();
      e.result()["planted_alpha_ratio_to_public"][cls] =
          before > 0 ? h["alpha_after"][cls]["public"].get<double>() / before : 0.0;
    }
    // The fitted ITS line (level and trend before and after, day by day) for the figure.
    {
      std::vector<std::vector<std::string>> fit;
      const auto coef = [&](const std::string& term) {
        const auto it = std::find(share.terms.begin(), share.terms.end(), term);
        return it == share.terms.end() ? 0.0 : share.coef[static_cast<std::size_t>(it - share.terms.begin())];
      };
      for (std::int64_t d = -window / kDay; d < window / kDay; ++d) {
        const double t = static_cast<double>(d);
        fit.push_back({Num(t), Num(coef("const") + coef("time") * t + (d >= 0 ? coef("post") : 0.0))});
      }
      e.WriteCsv("its_fit", {"day", "fitted"}, fit);
      e.result()["its_terms"] = share.terms;
    }
    e.result()["its_planted_share"] = {{"before", planted.before}, {"after", planted.after}};
    CheckDirection(e, "ITS: regional press's share of public link shares rises (planted alpha x1.6)", +1,
                   share.level.estimate, share.level.lo, share.level.hi);
    e.Check("ITS: level change of that share = planted share after - before (from truth.json)",
            planted.after - planted.before, share.level.estimate, share.level.lo, share.level.hi);
    // The sign check's power by design (issue 18): with the interval's standard error, a level change equal to the
    // planted one is detected (interval above 0) with probability Φ(planted / se − 1.96). At small scale the public
    // accounts make ≈ 11 link shares a day, the days are close to binomial and uncorrelated, and the common trend
    // doubles the step's standard error (a step at mid-window is correlated with the trend): se ≈ 0.045 for a
    // planted ≈ 0.16, so the check cannot hold at 95 % of seeds at this scale (experiments/results/seeds.md).
    {
      const double se = (share.level.hi - share.level.lo) / (2 * 1.959964);
      const double change = planted.after - planted.before;
      e.result()["its_design_power"] = {
          {"se", se}, {"planted_change", change}, {"power_at_planted", toolkit::NormalCdf(change / se - 1.959964)}};
    }
    // The same share over all link flows (outlets' own shares included: planted unchanged, so the planted
    // shift is diluted to a few points). Reported, not checked: at small scale it is not detectable.
    toolkit::StoreEventOptions all_links = eo;
    all_links.outcome = "share:link:press-regional";
    est.push_back(EstimateRow("regional press's share of all link flows", toolkit::RunStoreEvent(store, all_links)));

    // DiD on the planted population: the supporters of truth.json (whose activity as authors and retweeters
    // is planted to drop by supporter_activity_relative_drop), their originals and retweets, without their
    // retweets of the removed account (which stop for everyone). Controls: matched other accounts.
    const std::string hos = w.truth["event"]["actor"].get<std::string>();
    const auto supporters_file = e.args().out / "supporters.txt";
    {
      std::ofstream f(supporters_file);
      for (const auto& k : w.truth["supporters"]) f << k.get<std::string>() << "\n";
    }
    toolkit::StoreEventOptions sup = eo;
    sup.outcome = "items:original+retweet:except:" + hos;
    sup.design = "did";
    sup.treated = "actors:" + supporters_file.string();
    auto ds = toolkit::RunStoreEvent(store, sup);
    est.push_back(EstimateRow("planted supporters' originals and retweets (not of " + hos + ") per account-day", ds));
    CheckDirection(e, "DiD: planted supporters' activity drops", -1, ds.level.estimate, ds.level.lo, ds.level.hi);
    // The planted relative drop against 1 − the rate ratio (treated post mean over its counterfactual).
    e.Check("DiD: planted supporters' relative drop", effects.value("supporter_activity_relative_drop", 0.0),
            1 - ds.rate_ratio, 1 - ds.rate_ratio_hi, 1 - ds.rate_ratio_lo);
    e.result()["did_supporters_extra"] = ds.extra;

    // DiD with an observable rule (what a study without the truth can do): accounts that retweeted the head of
    // state >= 2 times before, all their items. Most of them are not supporters, and the items include their
    // retweets of him, which stop: the drop mixes the removal itself with the supporters' planted drop, so
    // only its direction is checked.
    toolkit::StoreEventOptions did = eo;
    did.outcome = "items";
    did.design = "did";
    did.treated = "retweeted:" + hos + ":2";
    auto d = toolkit::RunStoreEvent(store, did);
    est.push_back(EstimateRow("items per account-day of accounts that retweeted " + hos + " at least twice", d));
    // Reported, not checked (issue 18): the rule selects the most active accounts, there are too few untreated
    // accounts as active (even matched on level and trend, the matched controls stay less active; a caliper
    // that drops the unmatched treated biases the estimate by regression to the mean), and their items include his
    // retweets, which follow his posting: the event study's pre-trend test rejects parallel trends at most seeds
    // (experiments/results/ seeds.md), so the design does not identify this drop. The planted-supporters DiD above is
    // the check.
    e.result()["did_rule_estimate"] = {
        {"estimate", d.level.estimate},
        {"ci", {d.level.lo, d.level.hi}},
        {"pretrend_p", d.extra.contains("pretrend_test") ? d.extra["pretrend_test"]["p"] : nlohmann::json(nullptr)}};
    e.result()["did_extra"] = d.extra;
    e.result()["did_rule_relative_drop"] = {{"estimate", 1 - d.rate_ratio},
                                            {"ci", {1 - d.rate_ratio_hi, 1 - d.rate_ratio_lo}}};

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
