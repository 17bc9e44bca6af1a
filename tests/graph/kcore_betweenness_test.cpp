#include <gtest/gtest.h>

#include "graph_test_util.hpp"
#include "relais/graph/betweenness.hpp"
#include "relais/graph/kcore.hpp"

namespace relais::graph {
namespace {

using testing::LoadFixture;
using testing::RandomGraph;
using testing::RefByNode;
using testing::WithThreads;

TEST(KCore, KarateMatchesNetworkx) {
  auto f = LoadFixture("karate", false);
  auto core = ComputeCoreNumbers(f.g);
  auto want = RefByNode(f, "core");
  std::uint32_t mx = 0;
  for (NodeId v = 0; v < f.g.num_nodes(); ++v) {
    EXPECT_EQ(core[v], want[v]) << v;
    mx = std::max(mx, core[v]);
  }
  EXPECT_EQ(mx, 4u);
}

TEST(KCore, DirectionIgnoredLoopsAndParallelArcsDropped) {
  auto f = LoadFixture("small_directed", true);
  auto core = ComputeCoreNumbers(f.g);
  auto want = RefByNode(f, "core");
  for (NodeId v = 0; v < f.g.num_nodes(); ++v) EXPECT_EQ(core[v], want[v]) << f.el.labels.Label(v);
  // A triangle written with parallel arcs both ways and loops is still a 2-core.
  std::vector<NodeId> s = {0, 1, 1, 2, 0, 0, 0, 2}, d = {1, 0, 2, 1, 2, 0, 0, 0};
  auto g = CsrGraph::FromEdges(3, s, d, {}, true);
  EXPECT_EQ(ComputeCoreNumbers(g), (std::vector<std::uint32_t>{2, 2, 2}));
}

TEST(KCore, RandomGraphsMatchIgraphAndReference) {
  for (auto [name, directed] : {std::pair{"random_directed", true}, std::pair{"random_ba", false}}) {
    auto f = LoadFixture(name, directed);
    auto core = ComputeCoreNumbers(f.g);
    auto want = RefByNode(f, "core");
    for (NodeId v = 0; v < f.g.num_nodes(); ++v) ASSERT_EQ(core[v], want[v]) << name << " " << v;
  }
  auto g = RandomGraph(20000, 150000, 21, true);
  auto a = WithThreads(1, [&] { return ComputeCoreNumbers(g); });
  auto b = WithThreads(2, [&] { return ComputeCoreNumbers(g); });
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, ComputeCoreNumbersReference(g));
  EXPECT_EQ(VerifyCoreNumbers(SimpleUndirected(g), a), kNoNode);
  auto bad = a;
  bad[0] += 1;
  EXPECT_NE(VerifyCoreNumbers(SimpleUndirected(g), bad), kNoNode);
}

TEST(Betweenness, KarateAndFlorentineMatchNetworkx) {
  for (const char* name : {"karate", "florentine"}) {
    auto f = LoadFixture(name, false);
    auto bc = ComputeBetweenness(f.g);
    auto want = RefByNode(f, "betweenness");
    for (NodeId v = 0; v < f.g.num_nodes(); ++v) EXPECT_NEAR(bc[v], want[v], 1e-12) << name << " " << v;
  }
  auto f = LoadFixture("florentine", false);
  BetweennessOptions raw;
  raw.normalized = false;
  auto bc = ComputeBetweenness(f.g, raw);
  auto want = RefByNode(f, "betweenness_raw");
  for (NodeId v = 0; v < f.g.num_nodes(); ++v) EXPECT_NEAR(bc[v], want[v], 1e-9) << f.el.labels.Label(v);
  // Medici has the largest betweenness among the families (0.5219… in networkx).
  NodeId best = static_cast<NodeId>(std::max_element(bc.begin(), bc.end()) - bc.begin());
  EXPECT_EQ(f.el.labels.Label(best), "Medici");
}

TEST(Betweenness, DirectedMatchesNetworkxAndIgraph) {
  auto f = LoadFixture("small_directed", true);
  auto bc = ComputeBetweenness(f.g);
  auto want = RefByNode(f, "betweenness");
  for (NodeId v = 0; v < f.g.num_nodes(); ++v) EXPECT_NEAR(bc[v], want[v], 1e-12) << v;
  for (auto [name, directed] : {std::pair{"random_directed", true}, std::pair{"random_ba", false}}) {
    auto r = LoadFixture(name, directed);
    BetweennessOptions raw;
    raw.normalized = false;
    auto got = ComputeBetweenness(r.g, raw);
    auto ref = RefByNode(r, "betweenness_raw");
    for (NodeId v = 0; v < r.g.num_nodes(); ++v) ASSERT_NEAR(got[v], ref[v], 1e-7 * (1 + ref[v])) << name << v;
  }
}

TEST(Betweenness, ParallelMatchesReferenceBitForBitAcrossThreadCounts) {
  for (bool directed : {true, false}) {
    auto g = RandomGraph(1500, 6000, 17, directed);
    auto a = WithThreads(1, [&] { return ComputeBetweenness(g); });
    auto b = WithThreads(2, [&] { return ComputeBetweenness(g); });
    EXPECT_EQ(a, b);
    auto ref = ComputeBetweennessReference(g);
    for (NodeId v = 0; v < g.num_nodes(); ++v) ASSERT_NEAR(a[v], ref[v], 1e-12 + 1e-12 * ref[v]);
  }
}

TEST(Betweenness, SampledStaysWithinItsGuarantee) {
  auto g = RandomGraph(800, 4000, 23, false);
  auto exact = ComputeBetweenness(g);
  SampledBetweennessOptions o;
  o.epsilon = 0.02;
  o.delta = 0.05;
  o.seed = 7;
  auto a = WithThreads(1, [&] { return ComputeBetweennessSampled(g, o); });
  auto b = WithThreads(2, [&] { return ComputeBetweennessSampled(g, o); });
  EXPECT_EQ(a.scores, b.scores);
  EXPECT_GT(a.samples, 1000u);
  const double n = g.num_nodes();
  const double bound = o.epsilon * n / (n - 2);
  double worst = 0;
  for (NodeId v = 0; v < g.num_nodes(); ++v) worst = std::max(worst, std::fabs(a.scores[v] - exact[v]));
  EXPECT_LE(worst, bound);
  EXPECT_GT(worst, 0);  // it is an estimate
}

}  // namespace
}  // namespace relais::graph
