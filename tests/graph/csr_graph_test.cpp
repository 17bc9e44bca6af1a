#include "relais/graph/csr_graph.hpp"

#include <gtest/gtest.h>

#include "graph_test_util.hpp"
#include "relais/base/error.hpp"

namespace relais::graph {
namespace {

using testing::RandomGraph;
using testing::WithThreads;

TEST(CsrGraph, BuildsSortedRowsKeepingParallelArcsAndLoops) {
  std::vector<NodeId> s = {2, 0, 0, 1, 0, 2}, d = {0, 2, 1, 1, 2, 2};
  auto g = CsrGraph::FromEdges(3, s, d, {}, true);
  EXPECT_EQ(g.num_nodes(), 3u);
  EXPECT_EQ(g.num_arcs(), 6u);
  EXPECT_EQ(std::vector<NodeId>(g.out_neighbors(0).begin(), g.out_neighbors(0).end()), (std::vector<NodeId>{1, 2, 2}));
  EXPECT_EQ(std::vector<NodeId>(g.out_neighbors(1).begin(), g.out_neighbors(1).end()), (std::vector<NodeId>{1}));
  EXPECT_EQ(std::vector<NodeId>(g.out_neighbors(2).begin(), g.out_neighbors(2).end()), (std::vector<NodeId>{0, 2}));
  g.EnsureInEdges();
  EXPECT_EQ(std::vector<NodeId>(g.in_neighbors(2).begin(), g.in_neighbors(2).end()), (std::vector<NodeId>{0, 0, 2}));
  EXPECT_EQ(g.in_degree(0), 1u);
}

TEST(CsrGraph, UndirectedStoresBothArcsAndLoopsOnce) {
  std::vector<NodeId> s = {0, 1, 2}, d = {1, 2, 2};
  auto g = CsrGraph::FromEdges(3, s, d, {}, false);
  EXPECT_EQ(g.num_arcs(), 5u);
  EXPECT_EQ(g.out_degree(1), 2u);
  EXPECT_EQ(g.out_degree(2), 2u);  // 1 and the loop
  EXPECT_TRUE(g.has_in_edges());
}

TEST(CsrGraph, WeightsFollowTheirArcs) {
  std::vector<NodeId> s = {0, 0, 1}, d = {2, 1, 0};
  std::vector<Weight> w = {5, 3, 7};
  auto g = CsrGraph::FromEdges(3, s, d, w, true);
  ASSERT_TRUE(g.weighted());
  EXPECT_EQ(g.out_weights(0)[0], 3);  // arc 0→1
  EXPECT_EQ(g.out_weights(0)[1], 5);  // arc 0→2
  g.EnsureInEdges();
  EXPECT_EQ(g.in_weights(0)[0], 7);
  EXPECT_EQ(OutStrengths(g)[0], 8);
}

TEST(CsrGraph, RejectsBadInputWithAClearMessage) {
  std::vector<NodeId> s = {0, 5}, d = {1, 1};
  try {
    (void)CsrGraph::FromEdges(3, s, d, {}, true);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("edge 1 (5 -> 1)"), std::string::npos) << e.what();
  }
  std::vector<NodeId> s2 = {0}, d2 = {1};
  std::vector<Weight> w = {-1};
  EXPECT_THROW((void)CsrGraph::FromEdges(3, s2, d2, w, true), Error);
}

TEST(CsrGraph, SameArraysWithOneAndTwoThreads) {
  auto a = WithThreads(1, [] { return RandomGraph(5000, 60000, 3, true, true); });
  auto b = WithThreads(2, [] { return RandomGraph(5000, 60000, 3, true, true); });
  EXPECT_EQ(a.offsets(), b.offsets());
  EXPECT_EQ(a.targets(), b.targets());
  EXPECT_EQ(a.weights(), b.weights());
  WithThreads(1, [&] { a.EnsureInEdges(); });
  WithThreads(2, [&] { b.EnsureInEdges(); });
  for (NodeId v = 0; v < a.num_nodes(); ++v) {
    ASSERT_TRUE(std::equal(a.in_neighbors(v).begin(), a.in_neighbors(v).end(), b.in_neighbors(v).begin(),
                           b.in_neighbors(v).end()));
    ASSERT_TRUE(
        std::equal(a.in_weights(v).begin(), a.in_weights(v).end(), b.in_weights(v).begin(), b.in_weights(v).end()));
  }
}

TEST(CsrGraph, MemoryWithinBudget) {
  const NodeId n = 20000;
  const std::size_t m = 200000;
  auto g = RandomGraph(n, m, 9, true);
  g.EnsureInEdges();
  // Unweighted, both directions: <= 12 B/edge + 16 B/node.
  EXPECT_LE(g.MemoryBytes(), 12 * m + 16 * (n + 1)) << g.MemoryBytes();
  auto w = RandomGraph(n, m, 9, true, true);
  w.EnsureInEdges();
  EXPECT_LE(w.MemoryBytes(), 16 * m + 16 * (n + 1)) << w.MemoryBytes();
}

TEST(CsrGraph, FromCsrRejectsUnsortedRows) {
  EXPECT_THROW((void)CsrGraph::FromCsr({0, 2, 2}, {1, 0}, {}, true), Error);
  auto g = CsrGraph::FromCsr({0, 2, 2}, {0, 1}, {}, true);
  EXPECT_EQ(g.num_arcs(), 2u);
}

}  // namespace
}  // namespace relais::graph
