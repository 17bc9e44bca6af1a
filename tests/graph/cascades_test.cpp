#include "relais/graph/cascades.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

#include "graph_test_util.hpp"
#include "relais/base/error.hpp"

namespace relais::graph {
namespace {

std::vector<std::int64_t> Star(std::size_t leaves) {
  std::vector<std::int64_t> p(leaves + 1, 0);
  p[0] = kNoParent;
  return p;
}

std::vector<std::int64_t> Path(std::size_t n) {
  std::vector<std::int64_t> p(n);
  p[0] = kNoParent;
  for (std::size_t i = 1; i < n; ++i) p[i] = static_cast<std::int64_t>(i - 1);
  return p;
}

TEST(CascadeMetrics, StarHasViralityNearTwo) {
  // Star with k leaves: n = k+1, pairs leaf–leaf at distance 2, root–leaf at 1: ν = 2k/(k+1).
  for (std::size_t k : {1u, 2u, 5u, 100u}) {
    auto m = ComputeCascadeMetrics(Star(k));
    EXPECT_EQ(m.size, k + 1);
    EXPECT_EQ(m.depth, 1u);
    EXPECT_EQ(m.max_breadth, k);
    EXPECT_NEAR(m.structural_virality, 2.0 * k / (k + 1), 1e-12) << k;
  }
}

TEST(CascadeMetrics, PathHasViralityNPlusOneOverThree) {
  // Path of n nodes: mean distance (n+1)/3.
  for (std::size_t n : {2u, 3u, 10u, 1000u}) {
    auto m = ComputeCascadeMetrics(Path(n));
    EXPECT_EQ(m.depth, n - 1);
    EXPECT_EQ(m.max_breadth, 1u);
    EXPECT_NEAR(m.structural_virality, (n + 1) / 3.0, 1e-9) << n;
  }
}

TEST(CascadeMetrics, HandWorkedTree) {
  //        0
  //      / | \       distances by hand, per first node: 0: 1+1+1+2+2+2 = 9, 1: 2+2+1+1+3 = 9,
  //     1  2  3      2: 2+3+3+3 = 11, 3: 3+3+1 = 7, 4: 2+4 = 6, 5: 4 → 46 over 21 pairs.
  //    / \     \     (Wiener: subtree sizes 3,1,2,1,1,1 → 12+6+10+6+6+6 = 46.)
  //   4   5     6
  std::vector<std::int64_t> p = {kNoParent, 0, 0, 0, 1, 1, 3};
  auto m = ComputeCascadeMetrics(p);
  EXPECT_EQ(m.size, 7u);
  EXPECT_EQ(m.depth, 2u);
  EXPECT_EQ(m.max_breadth, 3u);
  EXPECT_NEAR(m.structural_virality, 46.0 / 21.0, 1e-12);
  EXPECT_NEAR(StructuralViralityReference(p), 46.0 / 21.0, 1e-12);
}

TEST(CascadeMetrics, SingleNodeAndRandomTreesAgreeWithReference) {
  EXPECT_EQ(ComputeCascadeMetrics(std::vector<std::int64_t>{kNoParent}).structural_virality, 0.0);
  std::uint64_t x = 5;
  for (int trial = 0; trial < 20; ++trial) {
    std::size_t n = 2 + trial * 7;
    std::vector<std::int64_t> p(n);
    p[0] = kNoParent;
    for (std::size_t i = 1; i < n; ++i) {
      x = SplitMix64(x);
      p[i] = static_cast<std::int64_t>(x % i);
    }
    EXPECT_NEAR(ComputeCascadeMetrics(p).structural_virality, StructuralViralityReference(p), 1e-9);
  }
}

TEST(CascadeMetrics, RejectsForestsAndCycles) {
  EXPECT_THROW(ComputeCascadeMetrics(std::vector<std::int64_t>{kNoParent, kNoParent}), Error);
  EXPECT_THROW(ComputeCascadeMetrics(std::vector<std::int64_t>{kNoParent, 2, 1}), Error);
  EXPECT_THROW(ComputeCascadeMetrics(std::vector<std::int64_t>{0, 0}), Error);
  EXPECT_THROW(ComputeCascadeMetrics(std::vector<std::int64_t>{kNoParent, 7}), Error);
}

TEST(Reconstruct, AttachesToLatestEarlierFollowedSharerElseRoot) {
  // Accounts: 0 root author, 1..4 sharers. Follows: 1→0, 2→1, 2→0, 3→2, 4 follows nobody.
  std::vector<NodeId> s = {1, 2, 2, 3}, d = {0, 1, 0, 2};
  auto follows = CsrGraph::FromEdges(5, s, d, {}, true);
  std::vector<Share> shares = {{3, 40}, {1, 10}, {2, 20}, {4, 30}};
  auto p = ReconstructCascade(0, 0, shares, &follows);
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0], kNoParent);
  EXPECT_EQ(p[2], 0);  // account 1 at t=10 follows the root author
  EXPECT_EQ(p[3], 2);  // account 2 at t=20 follows 1 (t=10) and 0 (t=0): latest is 1
  EXPECT_EQ(p[1], 3);  // account 3 at t=40 follows 2
  EXPECT_EQ(p[4], 0);  // account 4 follows nobody: root
  auto m = ComputeCascadeMetrics(p);
  EXPECT_EQ(m.depth, 3u);
  // Without a follower graph: a star.
  auto star = ReconstructCascade(0, 0, shares, nullptr);
  EXPECT_EQ(ComputeCascadeMetrics(star).depth, 1u);
}

TEST(Reconstruct, SimultaneousSharesAreNotEachOthersParents) {
  std::vector<NodeId> s = {1, 2}, d = {2, 1};
  auto follows = CsrGraph::FromEdges(3, s, d, {}, true);
  std::vector<Share> shares = {{1, 5}, {2, 5}};
  auto p = ReconstructCascade(0, 0, shares, &follows);
  EXPECT_EQ(p[1], 0);
  EXPECT_EQ(p[2], 0);
}

// The rule written out in O(k²): a share's parent is the latest strictly earlier share (the root counts, at
// root_time) by an account it follows; equal times go to the smaller tree node; else the root.
std::vector<std::int64_t> ReconstructReference(NodeId root_account, std::int64_t root_time,
                                               const std::vector<Share>& shares, const CsrGraph& follows) {
  auto follows_arc = [&](NodeId a, NodeId b) {
    if (a == kNoNode || b == kNoNode || a >= follows.num_nodes()) return false;
    auto nb = follows.out_neighbors(a);
    return std::find(nb.begin(), nb.end(), b) != nb.end();
  };
  std::vector<std::int64_t> parent(shares.size() + 1, 0);
  parent[0] = kNoParent;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    if (shares[i].time <= root_time) continue;
    std::int64_t best = 0, best_time = follows_arc(shares[i].account, root_account)
                                           ? root_time
                                           : std::numeric_limits<std::int64_t>::min();
    for (std::size_t j = 0; j < shares.size(); ++j) {
      if (shares[j].time >= shares[i].time || !follows_arc(shares[i].account, shares[j].account)) continue;
      const auto node = static_cast<std::int64_t>(j + 1);
      if (shares[j].time > best_time || (shares[j].time == best_time && node < best)) {
        best_time = shares[j].time;
        best = node;
      }
    }
    parent[i + 1] = best;
  }
  return parent;
}

TEST(Reconstruct, MatchesTheRuleWrittenOutOnRandomCascades) {
  // Random follower graphs; each account shares at most once (the store's retweets: one per account), some
  // shares have no known account, times collide and some precede the root.
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 200; ++trial) {
    const NodeId n = 5 + static_cast<NodeId>(rng() % 40);
    std::vector<NodeId> src, dst;
    for (NodeId a = 0; a < n; ++a)
      for (NodeId b = 0; b < n; ++b)
        if (a != b && rng() % 4 == 0) {
          src.push_back(a);
          dst.push_back(b);
        }
    auto follows = CsrGraph::FromEdges(n, src, dst, {}, true);
    std::vector<NodeId> accounts(n - 1);
    for (NodeId a = 1; a < n; ++a) accounts[a - 1] = a;
    std::shuffle(accounts.begin(), accounts.end(), rng);
    accounts.resize(rng() % accounts.size());
    std::vector<Share> shares;
    for (NodeId a : accounts)
      shares.push_back({rng() % 8 == 0 ? kNoNode : a, static_cast<std::int64_t>(rng() % 30) - 3});
    auto got = ReconstructCascade(0, 0, shares, &follows);
    ASSERT_EQ(got, ReconstructReference(0, 0, shares, follows)) << "trial " << trial;
    EXPECT_NO_THROW(ComputeCascadeMetrics(got));  // a tree
  }
}

TEST(TwitterTrees, SampleTreesParseIntoValidTrees) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto dir = data / "twitter15-16-trees" / "twitter16_tree_sample";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto t = ReadTwitterTree(entry.path());
    ++files;
    auto m = ComputeCascadeMetrics(t.parent);
    EXPECT_EQ(m.size, t.parent.size());
    EXPECT_GE(m.size, 2u) << entry.path();
    // Every kept edge respects time; the root is the earliest.
    for (std::size_t v = 1; v < t.parent.size(); ++v)
      ASSERT_LE(t.delay_min[static_cast<std::size_t>(t.parent[v])], t.delay_min[v]);
    EXPECT_NEAR(m.structural_virality, StructuralViralityReference(t.parent), 1e-9) << entry.path();
    // Every line is accounted for: the ROOT line, kept parent edges and each kind of left-out line.
    EXPECT_EQ(t.lines, 1 + t.parent_edges + t.duplicate_edges + t.loops + t.later_parent + t.extra_parent)
        << entry.path();
    EXPECT_LE(t.parent.size() - 1, t.parent_edges);
  }
  EXPECT_EQ(files, 20u);
}

TEST(TwitterTrees, HandWrittenTreeAndErrors) {
  ::relais::testing::TempDir tmp;
  auto p = tmp.path() / "t.txt";
  std::FILE* f = std::fopen(p.c_str(), "w");
  std::fputs(
      "['ROOT', 'ROOT', '0.0']->['1', '100', '0.0']\n"
      "['1', '100', '0.0']->['2', '100', '1.0']\n"
      "['1', '100', '0.0']->['2', '100', '1.0']\n"  // duplicate
      "['2', '100', '1.0']->['3', '100', '2.5']\n"
      "['3', '100', '2.5']->['4', '100', '0.5']\n"  // parent later than child
      "['1', '100', '0.0']->['4', '100', '0.5']\n"
      "['4', '100', '0.5']->['4', '100', '0.5']\n",  // loop
      f);
  std::fclose(f);
  auto t = ReadTwitterTree(p);
  EXPECT_EQ(t.parent.size(), 4u);
  EXPECT_EQ(t.duplicate_edges, 1u);
  EXPECT_EQ(t.later_parent, 1u);
  EXPECT_EQ(t.loops, 1u);
  auto m = ComputeCascadeMetrics(t.parent);
  EXPECT_EQ(m.depth, 2u);
  EXPECT_EQ(m.max_breadth, 2u);
  f = std::fopen(p.c_str(), "w");
  std::fputs("['ROOT', 'ROOT', '0.0']->['1', '100', '0.0']\n['1', '100' '0.0']->['2', '100', '1.0']\n", f);
  std::fclose(f);
  try {
    ReadTwitterTree(p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kParse);
    EXPECT_EQ(e.pos().line, 2u);
  }
}

}  // namespace
}  // namespace relais::graph
