// Smith–Waterman–Gotoh on hand-checked pairs (match +2, mismatch −1, gap open 5, extend 0.5; a gap of
// length L costs 5 + 0.5·(L − 1)), the seeded/banded version against the full one, edit distance.
#include "relais/text/align.hpp"

#include <gtest/gtest.h>

#include "relais/base/error.hpp"

#include <random>

namespace relais::text {
namespace {

using Seq = std::vector<std::uint64_t>;

void ExpectAlignment(const Alignment& al, double score, std::uint32_t ab, std::uint32_t ae, std::uint32_t bb,
                     std::uint32_t be) {
  EXPECT_DOUBLE_EQ(al.score, score);
  EXPECT_EQ(al.a_begin, ab);
  EXPECT_EQ(al.a_end, ae);
  EXPECT_EQ(al.b_begin, bb);
  EXPECT_EQ(al.b_end, be);
}

TEST(Align, IdenticalSequences) {
  const auto al = AlignLocal(Seq{1, 2, 3, 4}, Seq{1, 2, 3, 4});
  ExpectAlignment(al, 8.0, 0, 4, 0, 4);  // 4 matches × 2
  EXPECT_EQ(al.matches, 4u);
}

TEST(Align, LocalPartOnly) {
  ExpectAlignment(AlignLocal(Seq{9, 1, 2, 3, 9}, Seq{7, 1, 2, 3, 7}), 6.0, 1, 4, 1, 4);
  // Shifted: a's [2,5) against b's [0,3).
  ExpectAlignment(AlignLocal(Seq{8, 8, 1, 2, 3}, Seq{1, 2, 3, 7, 7, 7}), 6.0, 2, 5, 0, 3);
}

TEST(Align, BridgesAMismatch) {
  // 2 + 2 − 1 + 2 + 2 = 7 > 4 (either half alone).
  ExpectAlignment(AlignLocal(Seq{1, 2, 3, 4, 5}, Seq{1, 2, 9, 4, 5}), 7.0, 0, 5, 0, 5);
  // Mismatch (−1) beats a gap pair: 6 − 1 + 4 = 9.
  ExpectAlignment(AlignLocal(Seq{1, 2, 3, 4, 5, 6}, Seq{1, 2, 3, 8, 5, 6}), 9.0, 0, 6, 0, 6);
}

TEST(Align, OpensAGapWhenItPays) {
  // One inserted token in b: 6 − 5 + 6 = 7 > 6.
  ExpectAlignment(AlignLocal(Seq{1, 2, 3, 4, 5, 6}, Seq{1, 2, 3, 9, 4, 5, 6}), 7.0, 0, 6, 0, 7);
  // Two inserted tokens: 8 − (5 + 0.5) + 8 = 10.5.
  ExpectAlignment(AlignLocal(Seq{1, 2, 3, 4, 5, 6, 7, 8}, Seq{1, 2, 3, 4, 9, 9, 5, 6, 7, 8}), 10.5, 0, 8, 0, 10);
  // Three tokens deleted from b (gap in b): 8 − (5 + 1) + 8 = 10.
  ExpectAlignment(AlignLocal(Seq{1, 2, 3, 4, 7, 7, 7, 5, 6, 7, 8}, Seq{1, 2, 3, 4, 5, 6, 7, 8}), 10.0, 0, 11, 0, 8);
}

TEST(Align, DoesNotOpenAGapThatCostsMoreThanItGains) {
  // 4 − 6 + 2 = 0 < 4: the best is the first two tokens.
  ExpectAlignment(AlignLocal(Seq{1, 2, 3}, Seq{1, 2, 9, 9, 9, 3}), 4.0, 0, 2, 0, 2);
}

TEST(Align, EmptyAndDisjoint) {
  EXPECT_TRUE(AlignLocal(Seq{}, Seq{1, 2}).empty());
  EXPECT_TRUE(AlignLocal(Seq{1, 2}, Seq{3, 4}).empty());
}

TEST(Align, RejectsScoresThatAreNotHalfUnits) {
  AlignParams p;
  p.gap_extend = 0.3;
  EXPECT_THROW(AlignLocal(Seq{1}, Seq{1}, p), Error);
}

// A planted, edited copy inside long random sequences: the seeded band finds the same alignment as the
// full matrix.
TEST(Align, SeededBandEqualsFullMatrixOnPlantedCopies) {
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 40; ++trial) {
    Seq passage(60 + rng() % 100);
    for (auto& t : passage) t = rng() % 5000;
    Seq copy;
    for (auto t : passage) {
      const auto r = rng() % 100;
      if (r < 4) continue;                               // deletion
      copy.push_back(r < 8 ? 100000 + rng() % 50 : t);   // substitution
      if (r >= 96) copy.push_back(200000 + rng() % 50);  // insertion
    }
    Seq a, b;
    for (int k = 0; k < 150 + static_cast<int>(rng() % 200); ++k) a.push_back(300000 + rng() % 100000);
    const auto a_at = a.size();
    a.insert(a.end(), passage.begin(), passage.end());
    for (int k = 0; k < 100; ++k) a.push_back(300000 + rng() % 100000);
    for (int k = 0; k < 40 + static_cast<int>(rng() % 100); ++k) b.push_back(500000 + rng() % 100000);
    b.insert(b.end(), copy.begin(), copy.end());
    for (int k = 0; k < 30; ++k) b.push_back(500000 + rng() % 100000);
    // Seeds: positions of equal 5-token windows.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> seeds;
    for (std::uint32_t i = 0; i + 5 <= a.size(); ++i)
      for (std::uint32_t j = 0; j + 5 <= b.size(); ++j)
        if (std::equal(a.begin() + i, a.begin() + i + 5, b.begin() + j)) seeds.emplace_back(i, j);
    ASSERT_FALSE(seeds.empty());
    const Alignment full = AlignLocal(a, b), seeded = AlignSeeded(a, b, seeds, 5);
    EXPECT_DOUBLE_EQ(seeded.score, full.score);
    EXPECT_EQ(seeded.a_begin, full.a_begin);
    EXPECT_EQ(seeded.a_end, full.a_end);
    EXPECT_EQ(seeded.b_begin, full.b_begin);
    EXPECT_EQ(seeded.b_end, full.b_end);
    EXPECT_GE(full.a_begin + 2, a_at);
  }
}

TEST(EditDistance, CountsTokenEdits) {
  EXPECT_EQ(TokenEditDistance(Seq{1, 2, 3}, Seq{1, 3}), 1u);
  EXPECT_EQ(TokenEditDistance(Seq{}, Seq{1, 3}), 2u);
  // kitten → sitting: 3.
  EXPECT_EQ(TokenEditDistance(Seq{'k', 'i', 't', 't', 'e', 'n'}, Seq{'s', 'i', 't', 't', 'i', 'n', 'g'}), 3u);
  EXPECT_EQ(TokenEditDistance(Seq{4, 5, 6}, Seq{4, 5, 6}), 0u);
}

}  // namespace
}  // namespace relais::text
