#include "relais/graph/pagerank.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "graph_test_util.hpp"
#include "relais/base/error.hpp"

namespace relais::graph {
namespace {

using testing::LoadFixture;
using testing::RandomGraph;
using testing::RefByNode;
using testing::WithThreads;

void ExpectNear(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "node " << i;
}

TEST(PageRank, KarateMatchesNetworkx) {
  auto f = LoadFixture("karate", false);
  auto r = ComputePageRank(f.g);
  EXPECT_TRUE(r.converged);
  ExpectNear(r.scores, RefByNode(f, "pagerank"), 1e-10);
  EXPECT_NEAR(std::accumulate(r.scores.begin(), r.scores.end(), 0.0), 1.0, 1e-12);
}

TEST(PageRank, SmallDirectedGraphWithDanglingNodeMatchesNetworkxAtDamping09) {
  auto f = LoadFixture("small_directed", true);
  PageRankOptions o;
  o.damping = 0.9;
  auto r = ComputePageRank(f.g, o);
  ExpectNear(r.scores, RefByNode(f, "pagerank_d09"), 1e-10);
  EXPECT_LT(PageRankResidual(f.g, r.scores, o), 1e-9);
}

TEST(PageRank, PersonalisedSpreadsDanglingMassUniformly) {
  auto f = LoadFixture("small_directed", true);
  std::vector<double> p(f.el.num_nodes(), 0.0);
  for (NodeId v = 0; v < f.el.num_nodes(); ++v) {
    if (f.el.labels.Label(v) == "0") p[v] = 3;
    if (f.el.labels.Label(v) == "5") p[v] = 1;
  }
  PageRankOptions o;
  o.damping = 0.9;
  o.personalization = p;
  auto r = ComputePageRank(f.g, o);
  ExpectNear(r.scores, RefByNode(f, "pagerank_personal_d09"), 1e-10);
}

TEST(PageRank, WeightedMultigraphMatchesNetworkx) {
  auto f = LoadFixture("weighted_directed", true, /*weighted=*/true);
  PageRankOptions o;
  o.weighted = true;
  ExpectNear(ComputePageRank(f.g, o).scores, RefByNode(f, "pagerank_weighted"), 1e-10);
  o.weighted = false;
  ExpectNear(ComputePageRank(f.g, o).scores, RefByNode(f, "pagerank"), 1e-10);
}

TEST(PageRank, RandomGraphsMatchIgraph) {
  for (auto [name, directed] : {std::pair{"random_directed", true}, std::pair{"random_ba", false}}) {
    auto f = LoadFixture(name, directed);
    auto r = ComputePageRank(f.g);
    // igraph's PageRank is over its whole vertex set; every vertex of these graphs has an edge.
    ASSERT_EQ(f.el.num_nodes(), f.ref["n"].get<NodeId>()) << name;
    ExpectNear(r.scores, RefByNode(f, "pagerank"), 1e-9);
  }
}

TEST(PageRank, ParallelMatchesSerialReferenceAndIsThreadCountIndependent) {
  // Large enough for the kernel to cut the nodes into several work blocks (~16k arcs + nodes each).
  for (bool directed : {true, false}) {
    for (bool weighted : {false, true}) {
      auto g = RandomGraph(20000, 200000, 11, directed, weighted);
      PageRankOptions o;
      o.weighted = weighted;
      auto a = WithThreads(1, [&] { return ComputePageRank(g, o); });
      auto b = WithThreads(2, [&] { return ComputePageRank(g, o); });
      EXPECT_EQ(a.scores, b.scores);  // bit-identical
      EXPECT_EQ(a.iterations, b.iterations);
      EXPECT_EQ(a.residual, b.residual);
      EXPECT_TRUE(a.converged);
      auto ref = ComputePageRankReference(g, o);
      ExpectNear(a.scores, ref.scores, 1e-11);
      EXPECT_LT(PageRankResidual(g, a.scores, o), 1e-9);
      EXPECT_NEAR(std::accumulate(a.scores.begin(), a.scores.end(), 0.0), 1.0, 1e-12);
    }
  }
}

TEST(PageRank, MixedPrecisionConvergesToTheDoubleFixpoint) {
  auto g = RandomGraph(20000, 200000, 3, true);
  PageRankOptions o;
  o.mixed_precision = false;
  auto exact = ComputePageRank(g, o);
  o.mixed_precision = true;
  auto mixed = ComputePageRank(g, o);
  ASSERT_TRUE(exact.converged && mixed.converged);
  EXPECT_LT(mixed.residual, o.tolerance);
  ExpectNear(mixed.scores, exact.scores, 1e-12);
  EXPECT_LT(PageRankResidual(g, mixed.scores, o), 1e-9);
  // A loose tolerance still ends on a double step, not inside the float phase.
  o.tolerance = 1e-3;
  auto loose = ComputePageRank(g, o);
  EXPECT_TRUE(loose.converged);
  EXPECT_LT(loose.residual, 1e-5);
}

TEST(PageRank, VerifierDetectsWrongScores) {
  auto g = RandomGraph(200, 1000, 5, true);
  auto r = ComputePageRank(g);
  ASSERT_NE(r.scores[0], r.scores[199]);
  std::swap(r.scores[0], r.scores[199]);
  EXPECT_GT(PageRankResidual(g, r.scores), 1e-6);
}

TEST(PageRank, RejectsBadOptions) {
  auto g = RandomGraph(10, 20, 1, true);
  PageRankOptions o;
  o.damping = 1.0;
  EXPECT_THROW(ComputePageRank(g, o), Error);
  o.damping = 0.85;
  std::vector<double> p(3, 1.0);
  o.personalization = p;
  EXPECT_THROW(ComputePageRank(g, o), Error);
  std::vector<double> zeros(10, 0.0);
  o.personalization = zeros;
  EXPECT_THROW(ComputePageRank(g, o), Error);
}

TEST(PageRank, EmptyAndEdgelessGraphs) {
  CsrGraph empty = CsrGraph::FromEdges(0, {}, {}, {}, true);
  EXPECT_TRUE(ComputePageRank(empty).scores.empty());
  CsrGraph lone = CsrGraph::FromEdges(4, {}, {}, {}, true);
  auto r = ComputePageRank(lone);
  for (double x : r.scores) EXPECT_DOUBLE_EQ(x, 0.25);
}

}  // namespace
}  // namespace relais::graph
