// relais geo resolve: place names, postcodes, coordinates and profile locations → département, région,
// country (the shipped French gazetteer, corpora/include/relais/corpora/geo.hpp; docs/geo.md).
// relais geo infer: opt-in régions of accounts without evidence, from the régions of what they relay and who
// relays them, each kind of tie weighted by what the store's observed homes show it is worth
// (corpora/include/relais/corpora/geo_infer.hpp), into actor_geo_inferred.
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/geo.hpp"
#include "relais/corpora/geo_infer.hpp"
#include "relais/corpora/store.hpp"

namespace relais::cli {
namespace {

struct GeoOptions {
  std::vector<std::string> texts;
  bool json = false;
  std::string kind = "profile";
};

struct InferOptions {
  std::string store;
  bool json = false;
  corpora::GeoInferOptions infer;
};

std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void RunResolve(const GeoOptions& opts) {
  const auto kind = corpora::geo::ParseEvidence(opts.kind);
  if (!kind || *kind == corpora::geo::Evidence::kNone)
    throw Error(ErrorKind::kInvalidArgument,
                "--kind must be geotag, place, profile or dateline, not '" + opts.kind + "'");
  const auto& gaz = corpora::geo::Gazetteer::Builtin();
  std::ios::sync_with_stdio(false);
  auto one = [&](const std::string& query) {
    corpora::geo::Place p;
    if (const auto ll = corpora::geo::ParseLatLon(query))
      p = gaz.ResolvePoint(ll->first, ll->second,
                           *kind == corpora::geo::Evidence::kProfile ? corpora::geo::Evidence::kGeotag : *kind);
    else
      p = gaz.Resolve(query, *kind);
    const double conf = std::round(p.confidence * 1000) / 1000;
    if (opts.json) {
      nlohmann::ordered_json j = {{"query", query},
                                  {"departement", std::string(p.departement)},
                                  {"region", std::string(p.region)},
                                  {"country", std::string(p.country)},
                                  {"confidence", conf},
                                  {"evidence", std::string(corpora::geo::EvidenceName(p.evidence))},
                                  {"ambiguous", p.ambiguous}};
      std::cout << WithRanks(Dump(j), 1) << "\n";
    } else {
      auto dash = [](std::string_view s) { return s.empty() ? std::string("-") : std::string(s); };
      std::cout << query << "\t" << dash(p.departement) << "\t" << dash(p.region) << "\t" << dash(p.country) << "\t"
                << conf << (p.ambiguous ? "\tambiguous" : "") << "\n";
    }
  };
  if (!opts.texts.empty()) {
    for (const auto& t : opts.texts) one(t);
  } else {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      one(line);
    }
  }
  std::cout.flush();
}

void RunInfer(const InferOptions& opts) {
  if (!(opts.infer.min_confidence > 0 && opts.infer.min_confidence <= 1))
    throw Error(ErrorKind::kInvalidArgument, "--min-confidence must be in (0, 1]");
  if (opts.infer.max_rounds < 1) throw Error(ErrorKind::kInvalidArgument, "--rounds must be >= 1");
  auto store = corpora::Store::Open(opts.store, corpora::OpenMode::kReadWrite);
  const auto s = corpora::InferActorRegions(store, opts.infer);
  nlohmann::ordered_json by_region = nlohmann::ordered_json::object();
  for (const auto& [r, n] : s.by_region) by_region[r] = n;
  nlohmann::ordered_json weights = nlohmann::ordered_json::array();
  for (const auto& w : s.weights)
    weights.push_back({{"layer", w.layer},
                       {"direction", w.direction},
                       {"neighbour", w.neighbour},
                       {"flows", w.flows},
                       {"agreeing", w.agreeing},
                       {"agreement", w.agreement},
                       {"chance", w.chance},
                       {"weight", w.weight}});
  nlohmann::ordered_json j = {{"accounts", s.accounts},
                              {"observed", s.observed},
                              {"inferred", s.inferred},
                              {"undecided", s.undecided},
                              {"seeds", s.seeds},
                              {"rounds", s.rounds},
                              {"converged", s.converged},
                              {"min_confidence", opts.infer.min_confidence},
                              {"calibration",
                               {{"slope", opts.infer.calibration.slope},
                                {"intercept", opts.infer.calibration.intercept},
                                {"elsewhere", opts.infer.calibration.elsewhere}}},
                              {"layers", opts.infer.layers},
                              {"by_region", by_region},
                              {"weights", weights}};
  if (opts.json) {
    std::cout << WithRanks(Dump(j), 1) << "\n";
    return;
  }
  std::cout << "accounts " << s.accounts << ": observed " << s.observed << ", inferred " << s.inferred << ", undecided "
            << s.undecided << " (" << s.rounds << " rounds" << (s.converged ? ", converged, " : ", not converged, ")
            << s.seeds << " located seeds); table actor_geo_inferred\n";
  for (const auto& [r, n] : s.by_region) std::cout << "  " << r << "\t" << n << "\n";
}

}  // namespace

void RegisterGeo(CLI::App& app, CliContext& ctx) {
  auto opts = std::make_shared<GeoOptions>();
  auto* sub = app.add_subcommand("geo", "French gazetteer: places, postcodes, coordinates → département, région");
  sub->require_subcommand(1);
  auto* resolve = sub->add_subcommand(
      "resolve", "Resolve texts (\"Marseille 13\", \"PACA\", \"83000\", \"43.12,5.93\"); lines on stdin without TEXT");
  resolve->add_option("texts", opts->texts, "Place names, profile locations, postcodes or lat,lon");
  resolve->add_flag(
      "--json", opts->json,
      "One JSON object per input: {query, departement, region, country, confidence, evidence, ambiguous}");
  resolve->add_option("--kind", opts->kind, "Evidence the texts come from: profile (default), place, dateline, geotag");
  resolve->callback([opts] { RunResolve(*opts); });

  auto iopts = std::make_shared<InferOptions>();
  auto* infer = sub->add_subcommand(
      "infer",
      "Opt-in: régions of accounts without location evidence, from the régions of the "
      "actors they relay and are relayed by (weights learned from the observed homes), into actor_geo_inferred");
  infer->add_option("--store", iopts->store, "Store folder")->required();
  infer->add_flag(
      "--json", iopts->json,
      "One JSON object: {accounts, observed, inferred, undecided, seeds, rounds, converged, min_confidence, "
      "calibration, layers, by_region, weights}");
  infer->add_option("--min-confidence", iopts->infer.min_confidence,
                    "Least (calibrated) confidence of the winning région; below it the account stays undecided "
                    "(default 0.7)");
  infer->add_flag_function(
      "--uncalibrated", [iopts](std::int64_t) { iopts->infer.calibration = corpora::GeoCalibration::Raw(); },
      "State the naive-Bayes posterior itself as the confidence (over-confident; default: calibrated, docs/geo.md)");
  infer->add_option("--rounds", iopts->infer.max_rounds,
                    "Rounds (default 1: observed régions only; from round 2 on inferred labels vote too; stops when no "
                    "label changes)");
  infer
      ->add_option("--layers", iopts->infer.layers,
                   "Flow layers that count as relaying (default retweet,quote,reply,link)")
      ->delimiter(',');
  infer->callback([iopts] { RunInfer(*iopts); });
  (void)ctx;
}

}  // namespace relais::cli
