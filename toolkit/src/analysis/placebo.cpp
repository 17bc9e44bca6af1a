// Resampling inference of the event-study designs: placebo event times (a permutation p value) and the
// circular moving-block bootstrap.
#include <algorithm>
#include <cmath>

#include "event_internal.hpp"
#include "relais/base/error.hpp"
#include "relais/base/quantile.hpp"
#include "relais/toolkit/analysis/random.hpp"

namespace relais::toolkit::event_detail {

namespace {

// Circular moving-block bootstrap of rows.
std::vector<std::size_t> BlockResample(std::size_t n, std::size_t block, Rng& rng) {
  std::vector<std::size_t> rows;
  rows.reserve(n + block);
  while (rows.size() < n) {
    const auto start = static_cast<std::size_t>(rng.Below(n));
    for (std::size_t k = 0; k < block && rows.size() < n; ++k) rows.push_back((start + k) % n);
  }
  return rows;
}

std::size_t DefaultBlock(std::size_t n, int requested) {
  if (requested > 0) return static_cast<std::size_t>(requested);
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(std::cbrt(static_cast<double>(n)))));
}

}  // namespace

BootstrapSummary RunBootstrap(const SeriesInput& in, int replicates, int block_length, std::uint64_t seed,
                              const LevelFit& fit_level) {
  BootstrapSummary b;
  b.replicates = replicates;
  const std::size_t n = in.time.size();
  b.block_length = static_cast<int>(DefaultBlock(n, block_length));
  Rng rng(seed ^ 0xB005u);
  std::vector<double> est;
  for (int r = 0; r < replicates; ++r) {
    const auto rows = BlockResample(n, static_cast<std::size_t>(b.block_length), rng);
    try {
      est.push_back(fit_level(Subset(in, rows)));
    } catch (const Error&) {
      ++b.failed;
    }
  }
  if (est.empty()) throw Error(ErrorKind::kData, "every bootstrap resample was degenerate");
  b.lo = Quantile(est, 0.025);
  b.hi = Quantile(est, 0.975);
  return b;
}

// Placebo event times drawn among the pre-event times, each fitted on pre-event data only.
PlaceboSummary RunPlacebos(const SeriesInput& in, int requested, std::size_t min_side, double actual,
                           std::uint64_t seed, const LevelFit& fit_level) {
  PlaceboSummary ps;
  ps.requested = requested;
  std::vector<std::size_t> pre_rows;
  for (std::size_t i = 0; i < in.time.size(); ++i)
    if (in.time[i] < in.at) pre_rows.push_back(i);
  SeriesInput pre = Subset(in, pre_rows);
  std::vector<double> times(pre.time);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  std::vector<double> candidates;
  for (double t : times) {
    std::size_t left = 0, right = 0;
    for (double u : pre.time) (u < t ? left : right) += 1;
    if (left >= min_side && right >= min_side) candidates.push_back(t);
  }
  Rng rng(seed ^ 0x91ACEB0u);
  // Partial Fisher–Yates: a seeded sample without replacement.
  const std::size_t m = std::min<std::size_t>(candidates.size(), static_cast<std::size_t>(std::max(0, requested)));
  for (std::size_t k = 0; k < m; ++k) std::swap(candidates[k], candidates[k + rng.Below(candidates.size() - k)]);
  candidates.resize(m);
  std::sort(candidates.begin(), candidates.end());
  std::size_t extreme = 0;
  for (double t : candidates) {
    pre.at = t;
    try {
      const double e = fit_level(pre);
      ps.times.push_back(t);
      ps.estimates.push_back(e);
      if (std::abs(e) >= std::abs(actual)) ++extreme;
    } catch (const Error&) {
      // A singular placebo design is skipped; times/estimates list the ones fitted.
    }
  }
  ps.permutation_p = static_cast<double>(1 + extreme) / static_cast<double>(1 + ps.estimates.size());
  return ps;
}

}  // namespace relais::toolkit::event_detail
