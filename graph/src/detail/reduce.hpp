// Deterministic parallel sums: the range is split at fixed points (simple_partitioner, fixed grain),
// so the additions happen in the same tree order whatever the number of threads.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include <cstddef>

namespace relais::graph::detail {

inline constexpr std::size_t kReduceGrain = 2048;

/// Sum of f(i) for i in [0, n), with additions in a fixed tree order.
template <typename F>
double DeterministicSum(std::size_t n, F&& f, std::size_t grain = kReduceGrain) {
  return tbb::parallel_deterministic_reduce(
      tbb::blocked_range<std::size_t>(0, n, grain), 0.0,
      [&](const tbb::blocked_range<std::size_t>& r, double acc) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) acc += f(i);
        return acc;
      },
      [](double a, double b) { return a + b; }, tbb::simple_partitioner());
}

}  // namespace relais::graph::detail
