// Tests for the flow matrix, journalists' queries and exports on a hand-built store.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "relais/base/error.hpp"
#include "relais/base/json_writer.hpp"
#include "relais/toolkit/export.hpp"
#include "relais/toolkit/flow_matrix.hpp"
#include "relais/toolkit/who.hpp"
#include "test_util.hpp"

namespace relais::toolkit {
namespace {

using corpora::OpenMode;
using corpora::Statement;
using corpora::Store;

// A tiny world: a PR wire, two regional dailies, a national daily and three accounts.
// Release r1 (t=0) is copied by varmatin (t=1h) and nicematin (t=2h); accounts share the
// Var-Matin article; one account retweets another. Event at t=10h.
class FlowQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<Store>(Store::Open(tmp_.path() / "store", OpenMode::kCreate));
    Actor(1, "businesswire.com", "pr", "", 1);
    Actor(2, "varmatin.com", "press-regional", "Provence-Alpes-Côte d'Azur", 1);
    Actor(3, "nicematin.com", "press-regional", "Provence-Alpes-Côte d'Azur", 1);
    Actor(4, "lemonde.fr", "press-national", "", 1);
    Actor(5, "@alice", "public", "", 0);
    Actor(6, "@bob", "public", "", 0);
    Actor(7, "@carol", "public", "", 0);
    const TimeMs h = 3600000;
    Item(1, "https://businesswire.com/r1", "pr", 1, 0);
    Item(2, "https://varmatin.com/a1", "press", 2, 1 * h);
    Item(3, "https://nicematin.com/a1", "press", 3, 2 * h);
    Item(4, "twitter:10", "social", 5, 3 * h);
    Item(5, "twitter:11", "social", 6, 4 * h);
    Item(6, "twitter:12", "social", 7, 11 * h);
    Item(7, "twitter:13", "social", 6, 12 * h);
    Item(8, "https://lemonde.fr/a9", "press", 4, 13 * h);
    Flow("reuse", 1, 2, 1, 2, h);
    Flow("reuse", 1, 3, 1, 3, 2 * h);
    Flow("link", 2, 4, 2, 5, 2 * h);
    Flow("link", 2, 5, 2, 6, 3 * h);
    Flow("retweet", 4, 5, 5, 6, h);
    Flow("link", 2, 6, 2, 7, 10 * h);
    Flow("link", 2, 7, 2, 6, 11 * h);
    Flow("reuse", 3, 8, 3, 4, 11 * h);
    Statement(store_->db(),
              "INSERT INTO urls(item_id, url, raw_url) VALUES (4,'https://varmatin.com/a1',''),"
              "(5,'https://varmatin.com/a1',''),(6,'https://varmatin.com/a1','')")
        .Run();
  }
  void Actor(int id, const std::string& key, const std::string& cls, const std::string& region, int pub) {
    Statement st(store_->db(),
                 "INSERT INTO actors(id, key, platform, handle, name, actor_class, region, public) "
                 "VALUES (?,?,?,?,?,?,?,?)");
    st.Bind(1, std::int64_t{id}).Bind(2, key).Bind(3, key[0] == '@' ? "twitter" : "press");
    st.Bind(4, key[0] == '@' ? key.substr(1) : "").Bind(5, key).Bind(6, cls).Bind(7, region).Bind(8, std::int64_t{pub});
    st.Run();
  }
  void Item(int id, const std::string& key, const std::string& channel, int actor, TimeMs t) {
    Statement st(store_->db(), "INSERT INTO items(id, key, channel, kind, actor_id, time, url) VALUES (?,?,?,?,?,?,?)");
    st.Bind(1, std::int64_t{id}).Bind(2, key).Bind(3, channel).Bind(4, channel == "social" ? "original" : "article");
    st.Bind(5, std::int64_t{actor}).Bind(6, t).Bind(7, key.rfind("http", 0) == 0 ? key : "");
    st.Run();
  }
  void Flow(const std::string& layer, int src, int dst, int sa, int da, TimeMs latency) {
    Statement st(store_->db(),
                 "INSERT INTO flows(layer, src_item, dst_item, src_actor, dst_actor, latency) "
                 "VALUES (?,?,?,?,?,?)");
    st.Bind(1, layer).Bind(2, std::int64_t{src}).Bind(3, std::int64_t{dst}).Bind(4, std::int64_t{sa});
    st.Bind(5, std::int64_t{da}).Bind(6, latency).Run();
  }
  relais::testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(FlowQueriesTest, ClassMatrixCountsSharesAndLatency) {
  FlowMatrixOptions o;
  auto r = ComputeFlowMatrices(*store_, o);
  ASSERT_EQ(r.windows.size(), 1u);
  const auto& m = r.windows[0];
  EXPECT_EQ(m.total, 8);
  std::map<std::pair<std::string, std::string>, FlowCell> cells;
  for (const auto& c : m.cells) cells[{c.source, c.target}] = c;
  auto cell = [&](const char* a, const char* b) { return cells[{a, b}]; };
  EXPECT_EQ(cell("pr", "press-regional").count, 2);
  EXPECT_DOUBLE_EQ(*cell("pr", "press-regional").median_latency_s, 1.5 * 3600);
  EXPECT_EQ(cell("press-regional", "public").count, 4);
  EXPECT_DOUBLE_EQ(cell("press-regional", "public").share, 0.5);
  EXPECT_DOUBLE_EQ(cell("press-regional", "public").row_share, 0.8);  // 4 of varmatin+nicematin's 5
  EXPECT_EQ(cell("public", "public").count, 1);
}

TEST_F(FlowQueriesTest, BeforeAfterWindowsAndDifference) {
  FlowMatrixOptions o;
  o.at = 10 * 3600000;
  o.before = 10 * 3600000;
  o.after = 10 * 3600000;
  o.query.layers = {"link", "reuse"};
  auto r = ComputeFlowMatrices(*store_, o);
  ASSERT_EQ(r.windows.size(), 2u);
  EXPECT_EQ(r.windows[0].total, 4);  // reuse x2, link x2 before 10h
  EXPECT_EQ(r.windows[1].total, 3);  // link x2 + reuse to lemonde after
  bool seen = false;
  for (const auto& d : r.difference) {
    if (d["source"] == "press-regional" && d["target"] == "public") {
      EXPECT_EQ(d["count_before"], 2);
      EXPECT_EQ(d["count_after"], 2);
      EXPECT_NEAR(d["share_diff"].get<double>(), 2.0 / 3 - 0.5, 1e-12);
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
  FlowMatrixOptions bad;
  bad.by = "nonsense";
  EXPECT_THROW(ComputeFlowMatrices(*store_, bad), Error);
}

TEST_F(FlowQueriesTest, ActorMatrixPseudonymisesPrivateAccounts) {
  FlowMatrixOptions o;
  o.by = "actor";
  auto r = ComputeFlowMatrices(*store_, o);
  for (const auto& g : r.windows[0].groups) EXPECT_EQ(g.find("@"), std::string::npos) << g;
  o.pseudonymise = false;
  r = ComputeFlowMatrices(*store_, o);
  EXPECT_NE(std::find(r.windows[0].groups.begin(), r.windows[0].groups.end(), "@bob"), r.windows[0].groups.end());
}

// The streamed JSON (flows --json) is the same bytes as the tree's dump, for every grouping, with and
// without before/after windows (which add the difference rows).
TEST_F(FlowQueriesTest, StreamedJsonIsTheTreesDump) {
  for (const std::string by : {"class", "region", "actor"}) {
    for (const bool at : {false, true}) {
      FlowMatrixOptions o;
      o.by = by;
      if (at) {
        o.at = 10 * 3600000;
        o.before = o.after = 10 * 3600000;
      }
      const FlowComparison r = ComputeFlowMatrices(*store_, o);
      // The "geo" member (the store has no inferred régions to compute with; only the printing is tested).
      if (by == "region") o.regions = RegionSource::kWithInferred;
      std::ostringstream os;
      {
        JsonWriter w(os);
        w.BeginObject();
        WriteJsonMembers(w, r, o);
        w.EndObject();
      }
      EXPECT_EQ(os.str(), ToJson(r, o).dump()) << by << (at ? " with --at" : "");
    }
  }
}

TEST_F(FlowQueriesTest, AmplifiersRankedWithExamples) {
  WhoOptions o;
  o.pseudonymise = false;
  auto j = AmplifiersOf(*store_, "https://www.varmatin.com/", o);
  ASSERT_EQ(j["results"].size(), 3u);
  EXPECT_EQ(j["results"][0]["key"], "@bob");  // two links
  EXPECT_EQ(j["results"][0]["count"], 2);
  EXPECT_EQ(j["results"][0]["examples"][0]["item"], "twitter:11");
  EXPECT_THROW(AmplifiersOf(*store_, "@nobody", o), Error);
}

TEST_F(FlowQueriesTest, FirstSharersInTimeOrder) {
  WhoOptions o;
  o.pseudonymise = false;
  auto j = FirstSharers(*store_, "https://varmatin.com/a1", o);
  ASSERT_EQ(j["results"].size(), 3u);
  EXPECT_EQ(j["results"][0]["actor"]["key"], "@alice");
  EXPECT_DOUBLE_EQ(j["results"][0]["delay_s"].get<double>(), 2 * 3600.0);
  EXPECT_EQ(j["article"]["item"], "https://varmatin.com/a1");
}

TEST_F(FlowQueriesTest, StrongestPathWithEvidence) {
  WhoOptions o;
  o.pseudonymise = false;
  auto j = StrongestPath(*store_, "businesswire.com", "@bob", o);
  ASSERT_TRUE(j["found"].get<bool>());
  ASSERT_EQ(j["hops"].size(), 2u);  // wire -> varmatin -> bob
  EXPECT_EQ(j["hops"][0]["target"]["key"], "varmatin.com");
  EXPECT_EQ(j["hops"][1]["target"]["key"], "@bob");
  // wire splits 1/2 to varmatin; varmatin sends 2 of its 4 flows to bob: strength 0.25.
  EXPECT_NEAR(j["strength"].get<double>(), 0.25, 1e-12);
  EXPECT_FALSE(j["hops"][1]["evidence"].empty());
  auto none = StrongestPath(*store_, "@carol", "businesswire.com", o);
  EXPECT_FALSE(none["found"].get<bool>());
}

TEST_F(FlowQueriesTest, GexfParsesBackWithSpellsAndPseudonyms) {
  ExportOptions o;
  auto file = tmp_.path() / "g.gexf";
  auto s = ExportGraph(*store_, file, o);
  EXPECT_EQ(s.nodes, 7u);
  EXPECT_EQ(s.edges, 7u);  // bob->... pairs: (2,6) merged from two link flows
  std::string py =
      "python3 -c \"import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); "
      "ns={'g':'http://gexf.net/1.3'}; print(len(r.findall('.//g:node',ns)), "
      "len(r.findall('.//g:edge',ns)), len(r.findall('.//g:spell',ns)), "
      "sum(1 for n in r.findall('.//g:node',ns) if n.get('label').startswith('anon-')))\" " +
      file.string();
  auto r = relais::testing::Run(py);
  if (r.exit_code == 127) GTEST_SKIP() << "python3 not available to parse the GEXF back";
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  int nodes = 0, edges = 0, spells = 0, anon = 0;
  in >> nodes >> edges >> spells >> anon;
  EXPECT_EQ(nodes, 7);
  EXPECT_EQ(edges, 7);
  EXPECT_GE(spells, 7);
  EXPECT_EQ(anon, 3);  // alice, bob, carol
}

TEST_F(FlowQueriesTest, GraphmlAndCsv) {
  ExportOptions o;
  o.format = "graphml";
  o.pseudonymise = false;
  auto s = ExportGraph(*store_, tmp_.path() / "g.graphml", o);
  EXPECT_EQ(s.files.size(), 1u);
  o.format = "csv";
  s = ExportGraph(*store_, tmp_.path() / "g.csv", o);
  ASSERT_EQ(s.files.size(), 2u);
  std::ifstream edges(s.files[1]);
  std::string line;
  int n = 0;
  while (std::getline(edges, line)) ++n;
  EXPECT_EQ(n, 8);  // header + 7 edges
  o.format = "dot";
  EXPECT_THROW(ExportGraph(*store_, tmp_.path() / "g.dot", o), Error);
}

// The exported edges against an aggregation of the store's flows made here: weight, flows by layer and the
// number of spells (runs of consecutive active periods) of every actor pair.
TEST_F(FlowQueriesTest, ExportedEdgesEqualTheFlowsAggregated) {
  ExportOptions o;
  o.spell = 3600 * 1000;  // hours: the fixture's flows fall in several runs
  std::map<std::pair<std::int64_t, std::int64_t>, std::map<std::string, int>> layers;
  std::map<std::pair<std::int64_t, std::int64_t>, std::set<std::int64_t>> periods;
  ForEachFlow(*store_, o.query, [&](const FlowRow& f) {
    if (!f.src_actor || !f.dst_actor) return;
    ++layers[{f.src_actor, f.dst_actor}][f.layer];
    periods[{f.src_actor, f.dst_actor}].insert(f.time / o.spell);
  });
  std::map<std::string, std::string> expected;  // "nSRC,nDST" -> "weight,layer:count;…"
  std::size_t spells = 0;
  for (const auto& [pair, by_layer] : layers) {
    int weight = 0;
    std::string text;
    for (const auto& [layer, count] : by_layer) {
      weight += count;
      text += (text.empty() ? "" : ";") + layer + ":" + std::to_string(count);
    }
    expected["n" + std::to_string(pair.first) + ",n" + std::to_string(pair.second)] =
        std::to_string(weight) + "," + text;
    std::int64_t prev = -2;
    for (const std::int64_t p : periods[pair]) spells += p != prev + 1 ? 1 : 0, prev = p;
  }
  o.format = "csv";
  const auto csv = ExportGraph(*store_, tmp_.path() / "agg.csv", o);
  std::ifstream edges(csv.files[1]);
  std::string line;
  std::getline(edges, line);
  std::map<std::string, std::string> got;
  while (std::getline(edges, line)) {
    const auto second_comma = line.find(',', line.find(',') + 1);
    got[line.substr(0, second_comma)] = line.substr(second_comma + 1);
  }
  EXPECT_EQ(got, expected);
  o.format = "gexf";
  ExportGraph(*store_, tmp_.path() / "agg.gexf", o);
  std::ifstream gexf(tmp_.path() / "agg.gexf");
  const std::string text((std::istreambuf_iterator<char>(gexf)), std::istreambuf_iterator<char>());
  std::size_t found = 0;
  for (auto at = text.find("<spell "); at != std::string::npos; at = text.find("<spell ", at + 1)) ++found;
  EXPECT_EQ(found, spells);
  EXPECT_GT(spells, layers.size() / 2);
}

}  // namespace
}  // namespace relais::toolkit
