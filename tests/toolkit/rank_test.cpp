#include "relais/toolkit/graph_view.hpp"

#include <gtest/gtest.h>

#include "graph_store_fixture.hpp"
#include "relais/base/error.hpp"
#include "relais/graph/rank.hpp"

namespace relais::toolkit {
namespace {

using graph::NodeId;

NodeId Find(const GraphView& v, const std::string& label) {
  for (NodeId i = 0; i < v.labels.size(); ++i)
    if (v.labels[i] == label) return i;
  ADD_FAILURE() << "no node " << label;
  return 0;
}

double ArcWeight(const GraphView& v, const std::string& a, const std::string& b) {
  NodeId u = Find(v, a), w = Find(v, b);
  auto nb = v.graph.out_neighbors(u);
  for (std::size_t k = 0; k < nb.size(); ++k)
    if (nb[k] == w) return v.graph.out_weights(u)[k];
  return 0;
}

class GraphViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = corpora::Store::Open(tmp_.path(), corpora::OpenMode::kCreate);
    testing::FillStore(s);
  }
  corpora::Store Open() { return corpora::Store::Open(tmp_.path(), corpora::OpenMode::kReadWrite); }
  ::relais::testing::TempDir tmp_;
};

TEST_F(GraphViewTest, ActorViewCountsFlowsAsWeights) {
  auto s = Open();
  GraphQuery q;
  auto v = BuildGraphView(s, q, false);
  EXPECT_EQ(v.graph.num_nodes(), 4u);
  EXPECT_EQ(v.flows, 7u);
  EXPECT_EQ(v.skipped_flows, 0u);
  EXPECT_EQ(ArcWeight(v, "lemonde.fr", "@bob"), 2);  // a retweet and a link
  EXPECT_EQ(ArcWeight(v, "@alice", "@bob"), 2);      // a retweet and a quote
  EXPECT_EQ(ArcWeight(v, "afp.com", "lemonde.fr"), 1);
  EXPECT_EQ(v.actor_class[Find(v, "afp.com")], "press-agency");
  EXPECT_EQ(v.is_public[Find(v, "@alice")], 0);
}

TEST_F(GraphViewTest, LayersWindowAndItemViewCountSkippedFlows) {
  auto s = Open();
  GraphQuery q;
  q.by = Aggregation::kItem;
  auto v = BuildGraphView(s, q, false);
  EXPECT_EQ(v.skipped_flows, 1u);  // the link flow has no source item
  EXPECT_EQ(v.flows, 6u);
  q.layers = {"retweet"};
  q.from = 2500;  // derived item's time
  v = BuildGraphView(s, q, false);
  EXPECT_EQ(v.flows, 2u);  // 1→3 and 4→5
  EXPECT_EQ(ArcWeight(v, "twitter:1", "twitter:3"), 1);
  q.to = 2500;
  EXPECT_THROW(BuildGraphView(s, q, false), Error);
  q.from.reset();
  q.layers = {"nope"};
  EXPECT_THROW(BuildGraphView(s, q, false), Error);
}

TEST_F(GraphViewTest, ClassAndRegionViews) {
  auto s = Open();
  GraphQuery q;
  q.by = Aggregation::kClass;
  auto v = BuildGraphView(s, q, false);
  EXPECT_EQ(ArcWeight(v, "press-agency", "press-national"), 1);
  EXPECT_EQ(ArcWeight(v, "press-national", "public"), 3);
  EXPECT_EQ(ArcWeight(v, "public", "public"), 3);
  q.by = Aggregation::kRegion;
  v = BuildGraphView(s, q, false);
  EXPECT_EQ(ArcWeight(v, "(none)", "Île-de-France"), 1);  // afp.com's empty region: the groups of flows --by region
  EXPECT_EQ(ArcWeight(v, "Île-de-France", "Bretagne"), 2);
}

TEST_F(GraphViewTest, CacheIsReusedAndRebuiltWhenTheStoreChanges) {
  auto s = Open();
  GraphQuery q;
  auto a = BuildGraphView(s, q);
  EXPECT_FALSE(a.from_cache);
  auto b = BuildGraphView(s, q);
  EXPECT_TRUE(b.from_cache);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.graph.targets(), b.graph.targets());
  EXPECT_EQ(a.graph.weights(), b.graph.weights());
  EXPECT_EQ(a.flows, b.flows);
  s.Exec("INSERT INTO flows(layer, src_item, dst_item, src_actor, dst_actor) VALUES ('mention', 4, 9, 2, 3)");
  auto c = BuildGraphView(s, q);
  EXPECT_FALSE(c.from_cache);
  EXPECT_EQ(c.flows, 8u);
  // A corrupt cache file is ignored, not trusted.
  for (const auto& e : std::filesystem::directory_iterator(s.cache_dir())) std::filesystem::resize_file(e.path(), 20);
  auto d = BuildGraphView(s, q);
  EXPECT_FALSE(d.from_cache);
  EXPECT_EQ(d.flows, 8u);
}

TEST_F(GraphViewTest, CreditGraphRanksTheSourceFirst) {
  auto s = Open();
  GraphQuery q;
  q.layers = {"retweet"};
  auto v = BuildGraphView(s, q, false);
  auto g = CreditGraph(v, true);
  graph::RankOptions o;
  o.metric = graph::Metric::kDegree;
  auto scores = graph::ComputeScores(g, o);
  EXPECT_EQ(scores[Find(v, "lemonde.fr")], 2);  // retweeted twice
  EXPECT_EQ(scores[Find(v, "@bob")], 0);
  o.metric = graph::Metric::kPageRank;
  scores = graph::ComputeScores(g, o);
  NodeId best = static_cast<NodeId>(std::max_element(scores.begin(), scores.end()) - scores.begin());
  EXPECT_EQ(v.labels[best], "lemonde.fr");
  EXPECT_NE(DisplayLabel(s, v, Find(v, "@alice"), Aggregation::kActor, true), "@alice");
  EXPECT_EQ(DisplayLabel(s, v, Find(v, "@alice"), Aggregation::kActor, false), "@alice");
  EXPECT_EQ(DisplayLabel(s, v, Find(v, "lemonde.fr"), Aggregation::kActor, true), "lemonde.fr");
}

}  // namespace
}  // namespace relais::toolkit

// --- relais rank, end to end ---------------------------------------------------------------------

#include <nlohmann/json.hpp>

namespace relais::toolkit {
namespace {

using ::relais::testing::RelaisBin;

std::string Karate() { return (::relais::testing::FixturesDir() / "graph" / "karate.tsv").string(); }

TEST(RankCli, KarateJsonIsSortedAndPageRankSumsToOne) {
  auto r = ::relais::testing::Run(RelaisBin() + " rank --edges " + Karate() +
                                  " --undirected --metric pagerank --top 0 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["metric"], "pagerank");
  ASSERT_EQ(j["results"].size(), 34u);
  double sum = 0, prev = 1;
  for (const auto& x : j["results"]) {
    sum += x["score"].get<double>();
    EXPECT_LE(x["score"].get<double>(), prev);
    prev = x["score"].get<double>();
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_EQ(j["results"][0]["node"], "33");  // networkx: node 33 has the highest PageRank (0.1009)
  EXPECT_EQ(j["results"][1]["node"], "0");
}

TEST(RankCli, TiesAreOrderedByLabelAndTopCuts) {
  auto r =
      ::relais::testing::Run(RelaisBin() + " rank --edges " + Karate() + " --undirected --metric kcore --top 5 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 5u);
  // Core 4: nodes 0 1 2 3 7 8 13 30 32 33 — the first five by label.
  std::vector<std::string> want = {"0", "1", "2", "3", "7"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(j["results"][i]["node"], want[i]);
    EXPECT_EQ(j["results"][i]["score"], 4);
  }
}

TEST(RankCli, ThreadCountDoesNotChangeTheOutput) {
  const std::string base = RelaisBin() + " rank --edges " + Karate() + " --metric betweenness --top 0 --json";
  auto a = ::relais::testing::Run(base + " --threads 1"), b = ::relais::testing::Run(base + " --threads 2");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
}

TEST(RankCli, UsageAndDataErrors) {
  EXPECT_EQ(::relais::testing::Run(RelaisBin() + " rank --edges " + Karate() + " --metric nope").exit_code, 2);
  EXPECT_EQ(::relais::testing::Run(RelaisBin() + " rank --metric pagerank").exit_code, 2);
  auto missing = ::relais::testing::Run(RelaisBin() + " rank --edges /nonexistent.tsv --metric pagerank");
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("relais: error:"), std::string::npos);
  ::relais::testing::TempDir tmp;
  auto bad = tmp.path() / "bad.tsv";
  std::FILE* f = std::fopen(bad.c_str(), "w");
  std::fputs("1 2\n3\n", f);
  std::fclose(f);
  auto r = ::relais::testing::Run(RelaisBin() + " rank --edges " + bad.string() + " --metric pagerank");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("bad.tsv:2:2"), std::string::npos) << r.err;
  EXPECT_EQ(::relais::testing::Run(RelaisBin() + " rank --store " + tmp.path().string() + "/none --metric pagerank")
                .exit_code,
            3);
}

TEST(RankCli, StoreRankingCreditsSourcesAndPseudonymises) {
  ::relais::testing::TempDir tmp;
  {
    auto s = corpora::Store::Open(tmp.path(), corpora::OpenMode::kCreate);
    testing::FillStore(s);
  }
  auto r = ::relais::testing::Run(RelaisBin() + " rank --store " + tmp.path().string() +
                                  " --metric degree --layers retweet,quote --top 0 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 3u);
  EXPECT_EQ(j["results"][0]["node"], "lemonde.fr");
  EXPECT_EQ(j["results"][0]["score"], 2);
  // alice is credited by one arc (bob retweeted and quoted her: one arc of weight 2), and is not
  // public: a pseudonym.
  std::string second = j["results"][1]["node"];
  EXPECT_EQ(second.rfind("anon-", 0), 0u) << second;
  EXPECT_EQ(j["results"][1]["score"], 1);
  r = ::relais::testing::Run(
      RelaisBin() + " rank --store " + tmp.path().string() +
      " --metric degree --weighted --layers retweet,quote --no-pseudonymise --top 0 --json --by actor");
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["results"][0]["node"], "@alice");  // tie at 2 flows with lemonde.fr: "@" sorts first
  EXPECT_EQ(j["results"][0]["score"], 2);
  r = ::relais::testing::Run(RelaisBin() + " rank --store " + tmp.path().string() +
                             " --metric pagerank --by class --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["results"].size(), 3u);
}

}  // namespace
}  // namespace relais::toolkit
