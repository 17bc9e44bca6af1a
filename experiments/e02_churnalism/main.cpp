// e02_churnalism: does relais's text-reuse engine find the planted press/PR reuse? Precision and recall
// against truth.reuse_pairs overall and by edit level, and reuse by target class and region.
#include <map>
#include <set>
#include <unordered_map>

#include "e01_deplatforming/world.hpp"

using namespace relais;
using namespace relais::experiments;

int main(int argc, char** argv) {
  Experiment exp("e02_churnalism", "Does text reuse detection recover planted press/PR reuse (precision, recall)?");
  return RunExperiment(argc, argv, exp, [](Experiment& e) {
    World w = PrepareWorld(e);
    auto store = corpora::Store::Open(w.store_dir, corpora::OpenMode::kReadWrite);
    toolkit::ReuseRunOptions ro;
    ro.engine.threads = e.args().threads;
    ro.write = false;
    auto t0 = std::chrono::steady_clock::now();
    auto run = toolkit::RunReuse(store, ro);
    e.result()["reuse_seconds"] = SecondsSince(t0);
    e.result()["reuse_items"] = run.items;

    // Item key → (class, region) of its author.
    std::unordered_map<std::string, std::pair<std::string, std::string>> who;
    corpora::Statement st(store.db(),
                          "SELECT i.key, coalesce(a.actor_class, ''), coalesce(a.region, '') FROM items i "
                          "LEFT JOIN actors a ON a.id = i.actor_id WHERE i.channel IN ('press', 'pr')");
    while (st.Step()) who[st.Text(0)] = {st.Text(1), st.Text(2)};

    std::map<std::pair<std::string, std::string>, std::string> planted;  // (source, target) → level
    for (const auto& p : w.truth["reuse_pairs"]) planted[{p["source"], p["target"]}] = p["level"];
    // The world plants reuse only into press items (pr→press, agency→press, press→press); flows into social
    // posts (titles and ledes quoted by posts sharing an article) are counted separately, not scored.
    std::set<std::pair<std::string, std::string>> found;
    std::size_t tp = 0, scored = 0, social = 0;
    for (const auto& f : run.flows) {
      found.insert({f.source_key, f.target_key});
      if (!who.count(f.target_key)) {
        ++social;
        continue;
      }
      ++scored;
      tp += planted.count({f.source_key, f.target_key});
    }
    e.result()["flows_into_social_not_scored"] = social;
    const double nf = static_cast<double>(scored), np = static_cast<double>(planted.size());
    const double precision = nf ? static_cast<double>(tp) / nf : 0, recall = np ? static_cast<double>(tp) / np : 0;
    auto pci = Wilson(static_cast<double>(tp), nf), rci = Wilson(static_cast<double>(tp), np);
    e.CheckAtLeast("precision >= 0.95 (flows into press/PR items)", 0.95, precision);
    e.CheckAtLeast("recall >= 0.90", 0.90, recall);

    // By edit level (recall: planted pairs of that level found) and by target class / region.
    struct Tally {
      double planted = 0, found = 0;
    };
    std::map<std::string, Tally> by_level, by_class, by_region;
    for (const auto& [pair, level] : planted) {
      bool hit = found.count(pair) > 0;
      auto add = [&](Tally& t) {
        t.planted += 1;
        t.found += hit ? 1 : 0;
      };
      add(by_level[level]);
      auto it = who.find(pair.second);
      std::string cls = it == who.end() ? "unknown" : it->second.first;
      add(by_class[cls]);
      if (cls == "press-regional") add(by_region[it->second.second.empty() ? "unknown" : it->second.second]);
    }
    // Detected flows by target class (including false positives), for the detected-vs-planted table.
    std::map<std::string, double> detected_by_class;
    for (const auto& f : run.flows) {
      auto it = who.find(f.target_key);
      detected_by_class[it == who.end() ? "social" : it->second.first] += 1;
    }
    auto table = [&](const std::string& name, const std::string& col, const std::map<std::string, Tally>& m) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& [k, t] : m) {
        auto ci = Wilson(t.found, t.planted);
        rows.push_back(
            {k, Num(t.planted), Num(t.found), Num(t.planted ? t.found / t.planted : 0), Num(ci.first), Num(ci.second)});
      }
      e.WriteCsv(name, {col, "planted", "found", "recall", "lo", "hi"}, rows);
    };
    table("recall_by_level", "level", by_level);
    table("recall_by_class", "target_class", by_class);
    table("recall_by_region", "region", by_region);
    for (const auto& [k, t] : by_level) {
      auto ci = Wilson(t.found, t.planted);
      // A threshold check whose Wilson interval goes in the interval column ("kind" tells seeds.py so).
      const double recall_k = t.planted ? t.found / t.planted : 0;
      e.result()["checks"].push_back({{"name", "recall (" + k + ") >= 0.90"},
                                      {"kind", "threshold"},
                                      {"truth", 0.90},
                                      {"estimate", recall_k},
                                      {"ci", {ci.first, ci.second}},
                                      {"covered", recall_k >= 0.90}});
    }
    std::vector<std::vector<std::string>> det;
    for (const auto& [k, n] : detected_by_class)
      det.push_back({k, Num(n), Num(by_class.count(k) ? by_class[k].planted : 0)});
    e.WriteCsv("detected_by_class", {"target_class", "detected", "planted"}, det);

    // Score distribution of true and false positives (figure).
    std::vector<std::vector<std::string>> scores;
    for (const auto& f : run.flows)
      scores.push_back({Num(f.score), planted.count({f.source_key, f.target_key}) ? "1" : "0"});
    e.WriteCsv("scores", {"score", "planted"}, scores);
    e.WriteCsv("summary", {"metric", "value", "lo", "hi"},
               {{"flows_press_pr", Num(nf), Num(nf), Num(nf)},
                {"flows_social_not_scored", Num(static_cast<double>(social)), "", ""},
                {"planted", Num(np), Num(np), Num(np)},
                {"true_positives", Num(static_cast<double>(tp)), "", ""},
                {"precision", Num(precision), Num(pci.first), Num(pci.second)},
                {"recall", Num(recall), Num(rci.first), Num(rci.second)},
                {"candidates", Num(static_cast<double>(run.stats.candidates)), "", ""}});
    e.result()["planted_reuse_rates"] = w.truth["reuse_rates"];
  });
}
