// MinHash: the vectorised kernel equals the scalar reference; estimates vs exact Jaccard within the bound.
#include "relais/text/minhash.hpp"

#include <gtest/gtest.h>

#include "relais/base/error.hpp"

#include <cmath>
#include <random>

namespace relais::text {
namespace {

std::vector<std::uint64_t> RandomSet(std::mt19937_64& rng, std::size_t size) {
  std::vector<std::uint64_t> s(size);
  for (auto& x : s) x = rng();
  std::sort(s.begin(), s.end());
  return s;
}

TEST(Shingles, CoverEveryWindowOrTheWholeShortText) {
  const std::vector<std::uint64_t> toks = {1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(ShingleHashes(toks, 5).size(), 3u);
  EXPECT_EQ(ShingleHashes(std::vector<std::uint64_t>{1, 2, 3}, 5).size(), 1u);
  EXPECT_TRUE(ShingleHashes(std::vector<std::uint64_t>{}, 5).empty());
  // Same window, same hash; order matters.
  const auto a = ShingleHashes(std::vector<std::uint64_t>{9, 1, 2, 3, 4, 5}, 5);
  const auto b = ShingleHashes(std::vector<std::uint64_t>{1, 2, 3, 4, 5, 8}, 5);
  EXPECT_EQ(a[1], b[0]);
  EXPECT_NE(ShingleHashes(std::vector<std::uint64_t>{1, 2}, 5), ShingleHashes(std::vector<std::uint64_t>{2, 1}, 5));
  EXPECT_THROW(ShingleHashes(toks, 0), Error);
}

TEST(Shingles, ExactMeasures) {
  const std::vector<std::uint64_t> a = {1, 2, 3, 4}, b = {3, 4, 5, 6, 7, 8};
  EXPECT_DOUBLE_EQ(ExactJaccard(a, b), 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(Containment(a, b), 2.0 / 4.0);
  EXPECT_EQ(IntersectionSize(a, b), 2u);
}

TEST(MinHash, VectorisedKernelEqualsScalarReference) {
  std::mt19937_64 rng(7);
  const MinHasher mh(128, 3);
  std::vector<std::uint32_t> fast(128), slow(128);
  for (std::size_t size : {0u, 1u, 5u, 31u, 200u}) {
    const auto set = RandomSet(rng, size);
    mh.Sign(set, fast);
    mh.SignReference(set, slow);
    EXPECT_EQ(fast, slow) << size;
  }
}

// |Ĵ − J| ≤ 4·sqrt(J(1−J)/k) + 1/k on 3,000 random pairs; the mean error is ~0 (unbiased) and the
// variance matches J(1−J)/k.
TEST(MinHash, EstimatesJaccardWithinTheStatedBound) {
  std::mt19937_64 rng(2024);
  const int k = 128;
  const MinHasher mh(k, 11);
  std::vector<std::uint32_t> sa(k), sb(k);
  int num_outside = 0;
  double sum_err = 0.0, sum_z2 = 0.0;
  int num_z = 0;
  const int num_pairs = 3000;
  for (int trial = 0; trial < num_pairs; ++trial) {
    const std::size_t common = rng() % 150, only_a = rng() % 150, only_b = rng() % 150;
    if (common + only_a + only_b == 0) continue;
    const auto shared = RandomSet(rng, common);
    auto a = RandomSet(rng, only_a), b = RandomSet(rng, only_b);
    a.insert(a.end(), shared.begin(), shared.end());
    b.insert(b.end(), shared.begin(), shared.end());
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    const double j = ExactJaccard(a, b);
    mh.Sign(a, sa);
    mh.Sign(b, sb);
    const double est = EstimateJaccard(sa, sb);
    const double sd = MinHashStdDev(j, k);
    if (std::abs(est - j) > 4 * sd + 1.0 / k) ++num_outside;
    sum_err += est - j;
    if (sd > 0.01) {
      sum_z2 += (est - j) * (est - j) / (sd * sd);
      ++num_z;
    }
  }
  EXPECT_LE(num_outside, 2) << "a 4-sigma bound is exceeded about once in 16,000 pairs";
  EXPECT_NEAR(sum_err / num_pairs, 0.0, 0.003);
  const double variance_ratio = sum_z2 / num_z;
  EXPECT_GT(variance_ratio, 0.8);
  EXPECT_LT(variance_ratio, 1.2);
}

TEST(MinHash, IdenticalSetsGiveOneAndDisjointSetsNearZero) {
  std::mt19937_64 rng(5);
  const MinHasher mh;
  std::vector<std::uint32_t> sa(128), sb(128);
  const auto a = RandomSet(rng, 40), b = RandomSet(rng, 40);
  mh.Sign(a, sa);
  mh.Sign(a, sb);
  EXPECT_DOUBLE_EQ(EstimateJaccard(sa, sb), 1.0);
  mh.Sign(b, sb);
  EXPECT_LT(EstimateJaccard(sa, sb), 0.05);
  EXPECT_THROW(MinHasher(0), Error);
}

}  // namespace
}  // namespace relais::text
