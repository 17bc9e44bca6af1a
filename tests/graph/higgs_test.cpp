// The SNAP Higgs retweet graph against python3-igraph (PageRank to 1e-7, core numbers exact).
// Needs ../shared/data and a python3 with igraph (Debian's /usr/bin/python3); skips visibly otherwise.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <unordered_map>

#include "graph_test_util.hpp"
#include "relais/graph/kcore.hpp"
#include "relais/graph/pagerank.hpp"

namespace relais::graph {
namespace {

std::string PythonWithIgraph() {
  for (const char* py : {"/usr/bin/python3", "python3"}) {
    auto r = ::relais::testing::Run(std::string(py) + " -c 'import igraph'");
    if (r.exit_code == 0) return py;
  }
  return {};
}

TEST(Higgs, RetweetGraphMatchesIgraph) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  const auto edges = data / "snap-higgs-twitter" / "higgs-retweet_network.edgelist.gz";
  const std::string py = PythonWithIgraph();
  if (py.empty()) GTEST_SKIP() << "no python3 with igraph (apt-get install python3-igraph): Higgs check skipped";
  ::relais::testing::TempDir tmp;
  const auto out = tmp.path() / "higgs_ref.tsv";
  const auto script = std::filesystem::path(RELAIS_TEST_DIR) / "graph" / "reference" / "higgs_igraph.py";
  auto r = ::relais::testing::Run(py + " " + script.string() + " " + edges.string() + " " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;

  auto el = ReadEdgeList(edges);
  EXPECT_EQ(el.num_edges(), 328132u);
  auto g = CsrGraph::FromEdges(el.num_nodes(), el.src, el.dst, {}, true);
  auto pr = testing::WithThreads(2, [&] { return ComputePageRank(g); });
  auto core = ComputeCoreNumbers(g);
  std::unordered_map<std::string, NodeId> id;
  for (NodeId v = 0; v < el.num_nodes(); ++v) id[el.labels.Label(v)] = v;
  std::ifstream in(out);
  std::string label;
  double want_pr = 0;
  std::uint32_t want_core = 0;
  std::size_t rows = 0, pr_bad = 0, core_bad = 0;
  double worst = 0;
  while (in >> label >> want_pr >> want_core) {
    ++rows;
    auto it = id.find(label);
    ASSERT_NE(it, id.end()) << label;
    double diff = std::fabs(pr.scores[it->second] - want_pr);
    worst = std::max(worst, diff);
    pr_bad += diff > 1e-7;
    core_bad += core[it->second] != want_core;
  }
  EXPECT_EQ(rows, el.num_nodes());
  EXPECT_EQ(pr_bad, 0u) << "largest PageRank difference " << worst;
  EXPECT_EQ(core_bad, 0u);
  RecordProperty("largest_pagerank_difference", std::to_string(worst));
}

}  // namespace
}  // namespace relais::graph
