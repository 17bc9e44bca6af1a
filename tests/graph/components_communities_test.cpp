#include <gtest/gtest.h>

#include <boost/graph/dijkstra_shortest_paths.hpp>

#include "graph_test_util.hpp"
#include "relais/graph/bgl.hpp"
#include "relais/graph/communities.hpp"
#include "relais/graph/components.hpp"

namespace relais::graph {
namespace {

using testing::LoadFixture;
using testing::RandomGraph;
using testing::WithThreads;

TEST(Components, WeakAndStrongOnAHandGraph) {
  // 0→1→2→0 (a cycle), 2→3, 4→5, 6 alone.
  std::vector<NodeId> s = {0, 1, 2, 2, 4}, d = {1, 2, 0, 3, 5};
  auto g = CsrGraph::FromEdges(7, s, d, {}, true);
  auto w = WeakComponents(g);
  EXPECT_EQ(w.count, 3u);
  EXPECT_EQ(w.component, (std::vector<std::uint32_t>{0, 0, 0, 0, 1, 1, 2}));
  auto sc = StrongComponents(g);
  EXPECT_EQ(sc.count, 5u);
  EXPECT_EQ(sc.component, (std::vector<std::uint32_t>{0, 0, 0, 1, 2, 3, 4}));
}

TEST(Components, ParallelWeakMatchesReferenceWithAnyThreadCount) {
  auto g = RandomGraph(30000, 25000, 8, true);
  auto a = WithThreads(1, [&] { return WeakComponents(g); });
  auto b = WithThreads(2, [&] { return WeakComponents(g); });
  EXPECT_EQ(a.component, b.component);
  auto ref = WeakComponentsReference(g);
  EXPECT_EQ(a.component, ref.component);
  EXPECT_EQ(a.count, ref.count);
  EXPECT_GT(a.count, 1000u);
}

TEST(Bgl, DijkstraRunsOnTheCsrWithoutACopy) {
  // 0→1 (w 1), 1→2 (w 1), 0→2 (w 4): with lengths = weights the path via 1 is shorter.
  std::vector<NodeId> s = {0, 1, 0}, d = {1, 2, 2};
  std::vector<Weight> w = {1, 1, 4};
  auto g = CsrGraph::FromEdges(3, s, d, w, true);
  std::vector<double> dist(3);
  std::vector<NodeId> pred(3);
  boost::dijkstra_shortest_paths(
      g, NodeId{0},
      boost::distance_map(dist.data()).predecessor_map(pred.data()).weight_map(get(boost::edge_weight, g)));
  EXPECT_EQ(dist[2], 2.0);
  EXPECT_EQ(pred[2], 1u);
  // With inverse weights (strong ties are short) the heavy direct arc wins.
  boost::dijkstra_shortest_paths(
      g, NodeId{0}, boost::distance_map(dist.data()).predecessor_map(pred.data()).weight_map(ArcLengthMap{&g, true}));
  EXPECT_DOUBLE_EQ(dist[2], 0.25);
  EXPECT_EQ(pred[2], 0u);
}

TEST(Communities, KarateLeidenAndLouvainFindGoodSeededPartitions) {
  auto f = LoadFixture("karate", false);
  CommunityOptions o;
  o.seed = 42;
  auto leiden = DetectLeiden(f.g, o);
  auto again = DetectLeiden(f.g, o);
  EXPECT_EQ(leiden.membership, again.membership);  // seeded
  // Karate's best modularity is 0.4198 (Brandes et al. 2008); good heuristics get above 0.40.
  EXPECT_GT(leiden.modularity, 0.40);
  EXPECT_LE(leiden.modularity, 0.4198 + 1e-4);
  EXPECT_GE(leiden.count, 3u);
  auto louvain = DetectLouvain(f.g, o);
  EXPECT_GT(louvain.modularity, 0.40);
  EXPECT_EQ(louvain.membership, DetectLouvain(f.g, o).membership);
  // The two factions' leaders (0 and 33) are never together.
  EXPECT_NE(leiden.membership[0], leiden.membership[33]);
  EXPECT_NE(louvain.membership[0], louvain.membership[33]);
}

TEST(Communities, ModularityVerifierOnHandPartitions) {
  // Two triangles joined by one edge: the split into triangles has Q = 5/14.
  std::vector<NodeId> s = {0, 1, 2, 3, 4, 5, 2}, d = {1, 2, 0, 4, 5, 3, 3};
  auto g = CsrGraph::FromEdges(6, s, d, {}, false);
  EXPECT_NEAR(Modularity(g, {0, 0, 0, 1, 1, 1}, false), 5.0 / 14.0, 1e-12);
  EXPECT_NEAR(Modularity(g, {0, 0, 0, 0, 0, 0}, false), 0.0, 1e-12);
  auto leiden = DetectLeiden(g);
  EXPECT_EQ(leiden.count, 2u);
  EXPECT_NEAR(leiden.modularity, 5.0 / 14.0, 1e-12);
}

}  // namespace
}  // namespace relais::graph
