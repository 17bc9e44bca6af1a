// Shared by the event-study designs (its.cpp, rd.cpp, did.cpp) and their resampling inference
// (placebo.cpp): row handling, estimate conversion, placebo times and the moving-block bootstrap.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/toolkit/analysis/event.hpp"
#include "relais/toolkit/analysis/glm.hpp"

namespace relais::toolkit::event_detail {

/// A JSON number, or null when not finite.
nlohmann::json JsonNumber(double v);
/// Coefficient k of a fit as an Estimate (its interval and p value).
Estimate EstimateOf(const RegressionFit& fit, std::size_t k);
/// Rows sorted by time; validates lengths and finiteness.
std::vector<std::size_t> SortedRows(const SeriesInput& in);
/// The listed rows of a series (with their offsets and seasons).
SeriesInput Subset(const SeriesInput& in, const std::vector<std::size_t>& rows);
/// Throws kData unless there are at least min_side observations before and after the event.
void RequireBothSides(const SeriesInput& in, std::size_t min_side, const char* what);

/// The level change fitted on a (resampled or truncated) series.
using LevelFit = std::function<double(const SeriesInput&)>;
/// Circular moving-block bootstrap of the series' rows; percentile 95 % interval of fit_level.
BootstrapSummary RunBootstrap(const SeriesInput& in, int replicates, int block_length, std::uint64_t seed,
                              const LevelFit& fit_level);
/// Placebo event times drawn among the pre-event times, each fitted on pre-event data only.
PlaceboSummary RunPlacebos(const SeriesInput& in, int requested, std::size_t min_side, double actual,
                           std::uint64_t seed, const LevelFit& fit_level);

}  // namespace relais::toolkit::event_detail
