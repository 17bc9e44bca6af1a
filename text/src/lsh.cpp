// LSH banding: the S-curve, the choice of (bands, rows), and band keys.
#include "relais/text/lsh.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"

namespace relais::text {
namespace {

// Simpson's rule on [lo, hi] with an even number of intervals.
template <typename F>
double Integrate(F&& f, double lo, double hi, int intervals = 512) {
  if (hi <= lo) return 0.0;
  const double h = (hi - lo) / intervals;
  double sum = f(lo) + f(hi);
  for (int i = 1; i < intervals; ++i) sum += f(lo + i * h) * (i % 2 ? 4.0 : 2.0);
  return sum * h / 3.0;
}

}  // namespace

double LshProbability(double similarity, int bands, int rows) {
  return 1.0 - std::pow(1.0 - std::pow(similarity, rows), bands);
}

double LshFalsePositiveMass(double threshold, int bands, int rows) {
  return Integrate([&](double s) { return LshProbability(s, bands, rows); }, 0.0, threshold);
}

double LshFalseNegativeMass(double threshold, int bands, int rows) {
  return Integrate([&](double s) { return 1.0 - LshProbability(s, bands, rows); }, threshold, 1.0);
}

LshParams ChooseLshParams(double threshold, int num_perm) {
  if (!(threshold > 0.0 && threshold < 1.0))
    throw Error(ErrorKind::kInvalidArgument, "LSH threshold must be in (0, 1), got " + std::to_string(threshold));
  if (num_perm < 1) throw Error(ErrorKind::kInvalidArgument, "number of permutations must be positive");
  LshParams best;
  double best_error = std::numeric_limits<double>::infinity();
  for (int b = 1; b <= num_perm; ++b) {
    for (int r = 1; b * r <= num_perm; ++r) {
      const double error = LshFalsePositiveMass(threshold, b, r) + LshFalseNegativeMass(threshold, b, r);
      if (error < best_error - 1e-12) {
        best_error = error;
        best = {b, r};
      }
    }
  }
  return best;
}

std::uint64_t BandKey(std::span<const std::uint32_t> signature, int band, int rows) {
  std::uint64_t h = SplitMix64(static_cast<std::uint64_t>(band) + 0x5bd1e995ULL);
  const auto start = static_cast<std::size_t>(band) * static_cast<std::size_t>(rows);
  for (std::size_t i = start; i < start + static_cast<std::size_t>(rows); ++i) h = SplitMix64(h ^ signature[i]);
  return h;
}

}  // namespace relais::text
