// LSH banding: the S-curve against Monte Carlo, the parameter choice, band keys.
#include "relais/text/lsh.hpp"

#include <gtest/gtest.h>

#include "relais/base/error.hpp"

#include <cmath>
#include <random>

#include "relais/text/minhash.hpp"

namespace relais::text {
namespace {

TEST(Lsh, ProbabilityFormulaAtKnownPoints) {
  EXPECT_DOUBLE_EQ(LshProbability(0.0, 20, 5), 0.0);
  EXPECT_DOUBLE_EQ(LshProbability(1.0, 20, 5), 1.0);
  EXPECT_NEAR(LshProbability(0.5, 1, 1), 0.5, 1e-15);
  EXPECT_NEAR(LshProbability(0.8, 20, 5), 1.0 - std::pow(1.0 - std::pow(0.8, 5), 20), 1e-15);
  // MMDS's example: b = 20, r = 5, s = 0.8 gives 0.99965.
  EXPECT_NEAR(LshProbability(0.8, 20, 5), 0.99964, 1e-5);
}

// Idealised model: each signature position agrees with probability s, independently.
TEST(Lsh, ProbabilityMatchesMonteCarlo) {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int trials = 20000;
  for (auto [b, r] : {std::pair{16, 8}, std::pair{32, 4}, std::pair{9, 13}}) {
    for (double s : {0.2, 0.4, 0.5, 0.6, 0.8}) {
      int hits = 0;
      for (int t = 0; t < trials; ++t) {
        bool any = false;
        for (int band = 0; band < b && !any; ++band) {
          bool all = true;
          for (int row = 0; row < r; ++row) all = all && u(rng) < s;
          any = all;
        }
        hits += any;
      }
      const double p = LshProbability(s, b, r);
      const double sd = std::sqrt(p * (1 - p) / trials) + 1e-9;
      EXPECT_NEAR(hits / static_cast<double>(trials), p, 4 * sd + 1e-3) << "b=" << b << " r=" << r << " s=" << s;
    }
  }
}

// Real MinHash signatures of sets with Jaccard s, banded with BandKey: the collision rate follows the curve.
TEST(Lsh, BandKeysOfRealSignaturesFollowTheCurve) {
  std::mt19937_64 rng(3);
  const LshParams p = ChooseLshParams(0.5, 128);
  for (double target : {0.3, 0.5, 0.7}) {
    int hits = 0;
    const int trials = 400;
    for (int t = 0; t < trials; ++t) {
      const MinHasher mh(128, rng());
      const std::size_t total = 100, common = static_cast<std::size_t>(std::lround(2 * total * target / (1 + target)));
      std::vector<std::uint64_t> a, b;
      for (std::size_t k = 0; k < common; ++k) a.push_back(rng());
      b = a;
      while (a.size() < total) a.push_back(rng());
      while (b.size() < total) b.push_back(rng());
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      const double s = ExactJaccard(a, b);
      ASSERT_NEAR(s, target, 0.02);
      std::vector<std::uint32_t> sa(128), sb(128);
      mh.Sign(a, sa);
      mh.Sign(b, sb);
      bool any = false;
      for (int band = 0; band < p.bands; ++band) any = any || BandKey(sa, band, p.rows) == BandKey(sb, band, p.rows);
      hits += any;
    }
    const double expected = LshProbability(target, p.bands, p.rows);
    EXPECT_NEAR(hits / 400.0, expected, 4 * std::sqrt(expected * (1 - expected) / 400) + 0.03) << target;
  }
}

TEST(Lsh, ChoosesParametersAroundTheThreshold) {
  for (double t : {0.3, 0.5, 0.7, 0.8}) {
    const LshParams p = ChooseLshParams(t, 128);
    ASSERT_GT(p.bands, 0);
    ASSERT_GT(p.rows, 0);
    EXPECT_LE(p.bands * p.rows, 128);
    // The curve's steepest point (1/b)^(1/r) lies near the threshold.
    EXPECT_NEAR(std::pow(1.0 / p.bands, 1.0 / p.rows), t, 0.12) << t;
    // No other (b, r) has a smaller total error.
    const double best = LshFalsePositiveMass(t, p.bands, p.rows) + LshFalseNegativeMass(t, p.bands, p.rows);
    for (int b = 1; b <= 128; b += 7)
      for (int r = 1; b * r <= 128; ++r)
        EXPECT_GE(LshFalsePositiveMass(t, b, r) + LshFalseNegativeMass(t, b, r), best - 1e-12);
  }
  EXPECT_THROW(ChooseLshParams(0.0, 128), Error);
  EXPECT_THROW(ChooseLshParams(1.0, 128), Error);
}

TEST(Lsh, IntegralsOfTheCurve) {
  // With b = r = 1, P(s) = s: FP mass = t²/2, FN mass = (1 − t)²/2.
  EXPECT_NEAR(LshFalsePositiveMass(0.5, 1, 1), 0.125, 1e-9);
  EXPECT_NEAR(LshFalseNegativeMass(0.5, 1, 1), 0.125, 1e-9);
}

}  // namespace
}  // namespace relais::text
