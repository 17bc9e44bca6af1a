#include "relais/graph/reorder.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "graph_test_util.hpp"
#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"
#include "relais/graph/csr_graph.hpp"
#include "relais/graph/pagerank.hpp"

namespace relais::graph {
namespace {

TEST(RelabelByDegree, HandWorkedStarAndPath) {
  // 0-1, 1-2, 3-1, 2-4, 3-2: degrees 0:1 1:3 2:3 3:2 4:1 → order 1, 2, 3, 0, 4.
  std::vector<NodeId> s{0, 1, 3, 2, 3}, d{1, 2, 1, 4, 2};
  auto old_of_new = RelabelByDegree(5, s, d);
  EXPECT_EQ(old_of_new, (std::vector<NodeId>{1, 2, 3, 0, 4}));
  EXPECT_EQ(s, (std::vector<NodeId>{3, 0, 2, 1, 2}));
  EXPECT_EQ(d, (std::vector<NodeId>{0, 1, 0, 4, 1}));
}

TEST(RelabelByDegree, RejectsOutOfRangeAndUnequalArrays) {
  std::vector<NodeId> s{0, 5}, d{1, 2};
  EXPECT_THROW(RelabelByDegree(3, s, d), Error);
  std::vector<NodeId> s2{0}, d2{1, 2};
  EXPECT_THROW(RelabelByDegree(3, s2, d2), Error);
}

// A random heavy-tailed graph: the relabelled graph is the same graph (arc multiset mapped back),
// degrees do not increase along new ids, and PageRank mapped back matches the original's.
TEST(RelabelByDegree, PreservesTheGraphAndPageRank) {
  const NodeId n = 3000;
  const std::size_t m = 40000;
  std::vector<NodeId> s(m), d(m);
  std::uint64_t x = 7;
  for (std::size_t i = 0; i < m; ++i) {
    x = SplitMix64(x);
    double u = static_cast<double>(x >> 11) * 0x1.0p-53;
    s[i] = static_cast<NodeId>(u * u * u * n);
    x = SplitMix64(x);
    d[i] = static_cast<NodeId>(x % n);
  }
  const CsrGraph original = CsrGraph::FromEdges(n, s, d, {}, true);
  std::vector<NodeId> rs = s, rd = d;
  const auto old_of_new = RelabelByDegree(n, rs, rd);
  const CsrGraph relabelled = CsrGraph::FromEdges(n, rs, rd, {}, true);
  relabelled.EnsureInEdges();
  for (NodeId v = 1; v < n; ++v) {
    EXPECT_GE(relabelled.out_degree(v - 1) + relabelled.in_degree(v - 1),
              relabelled.out_degree(v) + relabelled.in_degree(v));
  }
  std::vector<std::pair<NodeId, NodeId>> a, b;
  for (std::size_t i = 0; i < m; ++i) {
    a.emplace_back(s[i], d[i]);
    b.emplace_back(old_of_new[rs[i]], old_of_new[rd[i]]);
  }
  EXPECT_EQ(a, b);  // same order too: the arrays are renumbered in place
  const auto p0 = ComputePageRank(original);
  const auto p1 = ComputePageRank(relabelled);
  ASSERT_TRUE(p0.converged && p1.converged);
  for (NodeId v = 0; v < n; ++v) EXPECT_NEAR(p1.scores[v], p0.scores[old_of_new[v]], 1e-12) << v;
}

}  // namespace
}  // namespace relais::graph
