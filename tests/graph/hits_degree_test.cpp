#include <gtest/gtest.h>

#include "graph_test_util.hpp"
#include "relais/graph/degree.hpp"
#include "relais/graph/hits.hpp"

namespace relais::graph {
namespace {

using testing::LoadFixture;
using testing::RandomGraph;
using testing::RefByNode;
using testing::WithThreads;

TEST(Hits, KarateAuthoritiesMatchNetworkx) {
  auto f = LoadFixture("karate", false);
  auto r = ComputeHits(f.g);
  EXPECT_TRUE(r.converged);
  auto want = RefByNode(f, "hits_authority");
  for (NodeId v = 0; v < f.g.num_nodes(); ++v) EXPECT_NEAR(r.authorities[v], want[v], 1e-8) << v;
}

TEST(Hits, SmallDirectedHubsAndAuthoritiesMatchNetworkx) {
  auto f = LoadFixture("small_directed", true);
  auto r = ComputeHits(f.g);
  auto a = RefByNode(f, "hits_authority"), h = RefByNode(f, "hits_hub");
  for (NodeId v = 0; v < f.g.num_nodes(); ++v) {
    EXPECT_NEAR(r.authorities[v], a[v], 1e-8) << v;
    EXPECT_NEAR(r.hubs[v], h[v], 1e-8) << v;
  }
}

TEST(Hits, ParallelMatchesReferenceAndThreadCounts) {
  auto g = RandomGraph(2000, 20000, 4, true, true);
  HitsOptions o;
  o.weighted = true;
  auto a = WithThreads(1, [&] { return ComputeHits(g, o); });
  auto b = WithThreads(2, [&] { return ComputeHits(g, o); });
  EXPECT_EQ(a.authorities, b.authorities);
  EXPECT_EQ(a.hubs, b.hubs);
  auto ref = ComputeHitsReference(g, o);
  for (NodeId v = 0; v < g.num_nodes(); ++v) EXPECT_NEAR(a.authorities[v], ref.authorities[v], 1e-12);
}

TEST(Degree, InStrengthMatchesNetworkx) {
  auto f = LoadFixture("weighted_directed", true, true);
  auto d = ComputeDegrees(f.g, true);
  auto want = RefByNode(f, "in_strength");
  for (NodeId v = 0; v < f.g.num_nodes(); ++v) EXPECT_DOUBLE_EQ(d.in[v], want[v]) << v;
  auto k = LoadFixture("karate", false);
  auto dk = ComputeDegrees(k.g, false);
  auto wk = RefByNode(k, "degree");
  for (NodeId v = 0; v < k.g.num_nodes(); ++v) EXPECT_DOUBLE_EQ(dk.out[v], wk[v]);
}

}  // namespace
}  // namespace relais::graph
