// e08_geography: are accounts' homes recovered from the evidence the records carry (geotags, places,
// profile locations), how well does the opt-in inference place the accounts without evidence, and does
// `who --audience-of` recover the planted local audience of the regional titles and its change at the event?
// Truth: truth.json "geography" (docs/synth.md "Geography").
#include <algorithm>
#include <map>
#include <sstream>
#include <string>

#include "e01_deplatforming/world.hpp"
#include "relais/corpora/geo_infer.hpp"
#include "relais/corpora/geo_store.hpp"
#include "relais/toolkit/who.hpp"

using namespace relais;
using namespace relais::experiments;

namespace {

struct TrueHome {
  std::string departement, region, evidence, cls;
  std::string planted;  // public accounts anchored to the région they amplify most: "anchored-local" when they
                        // live there, "anchored-away" when not (planted); "not-anchored" otherwise
};

struct Accuracy {
  std::int64_t n = 0, right = 0;
  void Add(bool ok) {
    ++n;
    right += ok ? 1 : 0;
  }
  double Rate() const { return n > 0 ? static_cast<double>(right) / static_cast<double>(n) : 0; }
};

std::map<std::string, TrueHome> TrueHomes(const nlohmann::json& truth) {
  std::map<std::string, TrueHome> out;
  for (const auto& h : truth["geography"]["homes"])
    out[h["actor"].get<std::string>()] = {h["departement"].get<std::string>(), h["region"].get<std::string>(),
                                          h["evidence"].get<std::string>(), h["class"].get<std::string>(),
                                          !h.contains("anchor")              ? "not-anchored"
                                          : h["anchor"]["local"].get<bool>() ? "anchored-local"
                                                                             : "anchored-away"};
  return out;
}

std::map<std::int64_t, std::string> ActorKeys(const corpora::Store& store) {
  std::map<std::int64_t, std::string> out;
  corpora::Statement st(store.db(), "SELECT id, key FROM actors");
  while (st.Step()) out[st.Int(0)] = st.Text(1);
  return out;
}

nlohmann::json AccuracyJson(const Accuracy& a) {
  const auto [lo, hi] = Wilson(static_cast<double>(a.right), static_cast<double>(a.n));
  return {{"n", a.n}, {"right", a.right}, {"accuracy", a.Rate()}, {"ci", {lo, hi}}};
}

// Observed homes (evidence or registry) against the planted ones: région and département accuracy, overall
// and by evidence kind.
void CheckObserved(Experiment& e, const corpora::Store& store, const std::map<std::int64_t, std::string>& keys,
                   const std::map<std::string, TrueHome>& truth) {
  const auto places = corpora::ActorPlaces(store);
  Accuracy region, departement;
  std::map<std::string, Accuracy> by_evidence;
  std::int64_t accounts = 0, located = 0, abroad = 0;
  for (const auto& [id, key] : keys) {
    auto t = truth.find(key);
    if (t == truth.end()) continue;
    ++accounts;
    auto p = places.find(id);
    if (p == places.end() || p->second.registry) continue;
    ++located;
    if (!p->second.country.empty() && p->second.country != "FR") {
      ++abroad;
      region.Add(false);
      continue;
    }
    if (p->second.region.empty()) continue;
    const bool ok = p->second.region == t->second.region;
    region.Add(ok);
    by_evidence[std::string(corpora::geo::EvidenceName(p->second.evidence))].Add(ok);
    if (!p->second.departement.empty()) departement.Add(p->second.departement == t->second.departement);
  }
  nlohmann::json j = {{"accounts_in_store", accounts},
                      {"located", located},
                      {"located_abroad", abroad},
                      {"region", AccuracyJson(region)},
                      {"departement", AccuracyJson(departement)}};
  for (const auto& [ev, a] : by_evidence) j["region_by_evidence"][ev] = AccuracyJson(a);
  e.result()["observed"] = j;
  e.CheckAtLeast("observed homes: région accuracy where evidence exists >= 0.95", 0.95, region.Rate());
}

// Inference on the accounts without evidence, against the planted homes.
void CheckInferred(Experiment& e, corpora::Store& store, const std::map<std::int64_t, std::string>& keys,
                   const std::map<std::string, TrueHome>& truth) {
  const auto summary = corpora::InferActorRegions(store);
  const auto inferred = corpora::InferredRegions(store);
  Accuracy acc;
  std::map<std::string, Accuracy> by_class, by_planted;
  Accuracy confident;  // confidence >= 0.9
  for (const auto& [id, r] : inferred) {
    auto k = keys.find(id);
    if (k == keys.end()) continue;
    auto t = truth.find(k->second);
    if (t == truth.end()) continue;
    const bool ok = r.region == t->second.region;
    acc.Add(ok);
    by_class[t->second.cls].Add(ok);
    by_planted[t->second.planted].Add(ok);
    if (r.confidence >= 0.9) confident.Add(ok);
  }
  const std::int64_t without_evidence = summary.inferred + summary.undecided;
  nlohmann::json j = {
      {"accounts", summary.accounts},
      {"observed", summary.observed},
      {"inferred", summary.inferred},
      {"undecided", summary.undecided},
      {"coverage",
       without_evidence > 0 ? static_cast<double>(summary.inferred) / static_cast<double>(without_evidence) : 0.0},
      {"seeds", summary.seeds},
      {"rounds", summary.rounds},
      {"converged", summary.converged},
      {"min_confidence", corpora::GeoInferOptions{}.min_confidence},
      {"region", AccuracyJson(acc)},
      {"region_confidence_ge_0_9", AccuracyJson(confident)}};
  for (const auto& w : summary.weights)
    j["weights"].push_back({{"tie", w.layer + " " + w.direction + " " + w.neighbour},
                            {"flows", w.flows},
                            {"agreement", w.agreement},
                            {"chance", w.chance},
                            {"weight", w.weight}});
  for (const auto& [c, a] : by_class) j["region_by_class"][c] = AccuracyJson(a);
  // Anchored-away accounts live, by construction, outside the région of what they relay: no flow-based
  // inference can place them; their share bounds the accuracy.
  for (const auto& [c, a] : by_planted) j["region_by_planted_home"][c] = AccuracyJson(a);
  e.result()["inferred"] = j;
  e.CheckAtLeast("inferred homes: région accuracy >= 0.7 (goal)", 0.7, acc.Rate());
}

// A reliability table: stated confidence in ten bins of width 0.1 against the share right in each, and the
// expected calibration error ECE = Σ_bins n_b / N × |accuracy_b − mean confidence_b|.
struct Stated {
  double confidence = 0;
  bool right = false;
};
nlohmann::json Reliability(const std::vector<Stated>& points) {
  struct Bin {
    std::int64_t n = 0, right = 0;
    double confidence = 0;
  };
  std::vector<Bin> bins(10);
  double confidence = 0, right = 0, ece = 0;
  for (const Stated& p : points) {
    Bin& b = bins[std::min<std::size_t>(9, static_cast<std::size_t>(p.confidence * 10))];
    ++b.n;
    b.right += p.right ? 1 : 0;
    b.confidence += p.confidence;
    confidence += p.confidence;
    right += p.right ? 1 : 0;
  }
  const double n = static_cast<double>(points.size());
  nlohmann::json table = nlohmann::json::array();
  for (std::size_t k = 0; k < bins.size(); ++k) {
    const Bin& b = bins[k];
    if (b.n == 0) continue;
    const double acc = static_cast<double>(b.right) / static_cast<double>(b.n), conf = b.confidence / double(b.n);
    ece += static_cast<double>(b.n) / n * std::abs(acc - conf);
    table.push_back(
        {{"bin", {0.1 * double(k), 0.1 * double(k + 1)}}, {"n", b.n}, {"mean_confidence", conf}, {"accuracy", acc}});
  }
  return {{"n", points.size()},
          {"mean_confidence", n > 0 ? confidence / n : 0.0},
          {"accuracy", n > 0 ? right / n : 0.0},
          {"ece", ece},
          {"bins", table}};
}

// Calibration of the inference's stated confidence (docs/geo.md "Calibration"): every account with a vote
// (min_confidence 0), under the naive posterior (GeoCalibration::Raw) and under the fitted default, against the
// planted homes; and the same at --min-confidence 0.7. calibration_points.csv holds, per account with a vote,
// the naive posterior's log-odds (recovered exactly from a run with slope 0.001), the number of régions and
// whether the winner is right: what the defaults are fitted on (experiments/e08_geography/fit_calibration.py).
void CheckCalibration(Experiment& e, corpora::Store& store, const std::map<std::int64_t, std::string>& keys,
                      const std::map<std::string, TrueHome>& truth) {
  auto run = [&](const corpora::GeoCalibration& c, std::int64_t* without_evidence, std::int64_t* regions) {
    corpora::GeoInferOptions o;
    o.min_confidence = 0;
    o.calibration = c;
    const auto summary = corpora::InferActorRegions(store, o);
    if (without_evidence) *without_evidence = summary.inferred + summary.undecided;
    if (regions) *regions = summary.regions;
    std::map<std::int64_t, Stated> out;
    for (const auto& [id, r] : corpora::InferredRegions(store)) {
      auto k = keys.find(id);
      if (k == keys.end()) continue;
      auto t = truth.find(k->second);
      if (t == truth.end()) continue;
      out[id] = {r.confidence, r.region == t->second.region};
    }
    return out;
  };
  std::int64_t without_evidence = 0, regions = 0;
  const auto raw = run(corpora::GeoCalibration::Raw(), &without_evidence, &regions);
  const auto fitted = run(corpora::GeoCalibration::Fitted(), nullptr, nullptr);
  const auto slow = run({0.001, 0, 0}, nullptr, nullptr);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [id, p] : slow) {
    const double c = std::clamp(p.confidence, 1e-300, 1 - 1e-16);
    rows.push_back({Num(1000 * std::log(c / (1 - c))), std::to_string(regions), p.right ? "1" : "0"});
  }
  e.WriteCsv("calibration_points", {"log_odds", "regions", "right"}, rows);
  nlohmann::json j = {{"accounts_without_evidence", without_evidence}, {"regions", regions}};
  const corpora::GeoCalibration f = corpora::GeoCalibration::Fitted();
  j["fitted"] = {{"slope", f.slope}, {"intercept", f.intercept}, {"elsewhere", f.elsewhere}};
  for (const auto& [name, points] : {std::pair{"raw", &raw}, std::pair{"calibrated", &fitted}}) {
    std::vector<Stated> all, decided;
    for (const auto& [id, p] : *points) {
      all.push_back(p);
      if (p.confidence >= corpora::GeoInferOptions{}.min_confidence) decided.push_back(p);
    }
    j[name]["all_with_a_vote"] = Reliability(all);
    j[name]["at_min_confidence"] = Reliability(decided);
    j[name]["at_min_confidence"]["coverage"] =
        without_evidence > 0 ? static_cast<double>(decided.size()) / static_cast<double>(without_evidence) : 0.0;
  }
  e.result()["calibration"] = j;
  const double ece = j["calibrated"]["all_with_a_vote"]["ece"].get<double>();
  e.result()["checks"].push_back({{"name", "calibrated inference: ECE over the accounts with a vote <= 0.05"},
                                  {"truth", 0.05},
                                  {"estimate", ece},
                                  {"ci", {ece, ece}},
                                  {"covered", ece <= 0.05}});
}

// Local audiences of the regional titles with the most amplifiers: who --audience-of against the realised truth.
void CheckAudiences(Experiment& e, const corpora::Store& store, const nlohmann::json& geo, TimeMs event) {
  std::vector<nlohmann::json> titles(geo["audiences"].begin(), geo["audiences"].end());
  std::erase_if(titles, [](const nlohmann::json& a) {
    return a["before"]["with_region"].get<int>() < 20 || a["after"]["with_region"].get<int>() < 20;
  });
  std::sort(titles.begin(), titles.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["all"]["amplifiers"].get<int>() > b["all"]["amplifiers"].get<int>();
  });
  if (titles.size() > 4) titles.resize(4);
  toolkit::WhoOptions wo;
  std::stringstream layers(geo["audience_layers"].get<std::string>());
  for (std::string layer; std::getline(layers, layer, ',');) wo.layers.push_back(layer);
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : titles) {
    const std::string key = t["actor"].get<std::string>();
    const auto j = toolkit::AudienceOf(store, key, event, wo);
    const auto& all = j["periods"][0];
    const auto& ch = j["change"]["region"];
    if (all["share_region"].is_null() || ch.is_null()) continue;
    const double truth_all = t["all"]["share_region"].get<double>();
    const double truth_change = t["change_region"].get<double>();
    e.Check("local share of " + key + "'s amplifiers (all)", truth_all, all["share_region"].get<double>(),
            all["ci_region"][0].get<double>(), all["ci_region"][1].get<double>());
    e.Check("change of the local share of " + key + "'s amplifiers at the event", truth_change,
            ch["estimate"].get<double>(), ch["ci"][0].get<double>(), ch["ci"][1].get<double>());
    rows.push_back({key, Num(t["all"]["amplifiers"].get<double>()), Num(all["located_region"].get<double>()),
                    Num(truth_all), Num(all["share_region"].get<double>()), Num(truth_change),
                    Num(ch["estimate"].get<double>()), Num(ch["ci"][0].get<double>()), Num(ch["ci"][1].get<double>())});
  }
  e.WriteCsv(
      "audiences",
      {"actor", "amplifiers", "located", "truth_share", "share", "truth_change", "change", "change_lo", "change_hi"},
      rows);
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp("e08_geography",
                 "Are accounts' homes, inferred régions and the local audiences of regional titles recovered?");
  return RunExperiment(argc, argv, exp, [](Experiment& e) {
    World w = PrepareWorld(e);
    if (!w.truth.contains("geography"))
      throw Error(ErrorKind::kData,
                  "the world's truth.json has no geography (a world cached by an older relais): delete it and rerun");
    const auto& geo = w.truth["geography"];
    e.params()["geography_model"] = geo["model"];
    e.params()["geography_model"].erase("places");
    e.result()["planted"] = {{"accounts", geo["accounts"]}, {"by_evidence", geo["by_evidence"]}};
    const auto truth = TrueHomes(w.truth);
    auto store = corpora::Store::Open(w.store_dir, corpora::OpenMode::kReadWrite);
    const auto keys = ActorKeys(store);
    CheckObserved(e, store, keys, truth);
    CheckAudiences(e, store, geo, w.event);
    CheckCalibration(e, store, keys, truth);
    CheckInferred(e, store, keys, truth);
  });
}
