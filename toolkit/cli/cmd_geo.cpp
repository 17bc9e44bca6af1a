// relais geo resolve: place names, postcodes, coordinates and profile locations → département, région,
// country (the shipped French gazetteer, corpora/include/relais/corpora/geo.hpp; docs/geo.md).
#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/geo.hpp"

namespace relais::cli {
namespace {

struct GeoOptions {
  std::vector<std::string> texts;
  bool json = false;
  std::string kind = "profile";
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
  (void)ctx;
}

}  // namespace relais::cli
