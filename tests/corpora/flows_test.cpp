// Flows at ingest: hand-made records through StoreWriter, then RecomputeFlows.
#include <gtest/gtest.h>

#include "relais/corpora/ingest.hpp"
#include "relais/corpora/stats.hpp"
#include "relais/corpora/url.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

ItemRecord Post(const std::string& id, const std::string& handle, TimeMs t, const std::string& text = "") {
  ItemRecord it;
  it.key = "twitter:" + id;
  it.platform = "twitter";
  it.channel = Channel::kSocial;
  it.author = ActorRecord{"@" + handle, "twitter", handle, handle, ""};
  it.time = t;
  it.text = text;
  return it;
}

ItemRecord Article(const std::string& url, const std::string& outlet, TimeMs t, const std::string& text = "") {
  ItemRecord it;
  it.platform = "press";
  it.channel = Channel::kPress;
  it.kind = ItemKind::kArticle;
  it.author = ActorRecord{outlet, "press", "", outlet, ""};
  it.time = t;
  it.url = url;
  it.title = "titre";
  it.text = text;
  return it;
}

PreparedRecord Rec(std::vector<ItemRecord> items) {
  ParsedRecord r;
  r.items = std::move(items);
  r.pos = InputPos{"test", 1, 0};
  return PrepareRecord(std::move(r));
}

struct Flow {
  std::string layer, src, dst, src_actor;
  std::int64_t latency;
  bool latency_null;
};

std::vector<Flow> Flows(Store& store) {
  std::vector<Flow> out;
  Statement st(store.db(),
               "SELECT f.layer, coalesce(s.key, ''), d.key, coalesce(a.key, ''), coalesce(f.latency, 0), "
               "f.latency IS NULL FROM flows f LEFT JOIN items s ON s.id = f.src_item JOIN items d ON d.id = "
               "f.dst_item LEFT JOIN actors a ON a.id = f.src_actor ORDER BY f.id");
  while (st.Step()) out.push_back(Flow{st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4), st.Int(5) != 0});
  return out;
}

class FlowsTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::make_unique<Store>(Store::Open(tmp_.path(), OpenMode::kCreate)); }
  void Write(std::vector<PreparedRecord> recs) {
    StoreWriter w(*store_, registry_);
    store_->Begin();
    for (auto& r : recs) w.Write(r);
    store_->Commit();
    RecomputeFlows(*store_);
  }
  testing::TempDir tmp_;
  Registry registry_;
  std::unique_ptr<Store> store_;
};

TEST_F(FlowsTest, RetweetQuoteReplyGoFromTheEarlierItemWithLatency) {
  auto orig = Post("1", "alice", 1000);
  auto rt = Post("2", "bob", 4000);
  rt.kind = ItemKind::kRetweet;
  rt.refs.push_back(ItemRef{Layer::kRetweet, "twitter:1", "alice"});
  auto reply = Post("3", "carol", 9000);
  reply.kind = ItemKind::kReply;
  reply.refs.push_back(ItemRef{Layer::kReply, "twitter:1", "alice"});
  auto quote = Post("4", "dan", 10000);
  quote.refs.push_back(ItemRef{Layer::kQuote, "twitter:2", "bob"});
  Write({Rec({orig}), Rec({rt}), Rec({reply}), Rec({quote})});
  auto f = Flows(*store_);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].layer, "retweet");
  EXPECT_EQ(f[0].src, "twitter:1");
  EXPECT_EQ(f[0].dst, "twitter:2");
  EXPECT_EQ(f[0].latency, 3000);
  EXPECT_EQ(f[1].layer, "reply");
  EXPECT_EQ(f[1].latency, 8000);
  EXPECT_EQ(f[2].layer, "quote");
  EXPECT_EQ(f[2].src, "twitter:2");
  EXPECT_EQ(f[2].src_actor, "@bob");
}

TEST_F(FlowsTest, ReplyToAnUnstoredPostFallsBackToTheKnownAuthorOrNothing) {
  auto alice = Post("1", "alice", 1000);
  auto reply = Post("3", "carol", 9000);
  reply.refs.push_back(ItemRef{Layer::kReply, "twitter:99", "Alice"});  // not stored, author known
  auto orphan = Post("4", "carol", 9500);
  orphan.refs.push_back(ItemRef{Layer::kReply, "twitter:98", "nobody"});  // nothing known
  Write({Rec({alice}), Rec({reply}), Rec({orphan})});
  auto f = Flows(*store_);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].layer, "reply");
  EXPECT_EQ(f[0].src, "");
  EXPECT_EQ(f[0].src_actor, "@alice");
  EXPECT_TRUE(f[0].latency_null);
}

TEST_F(FlowsTest, ReplyStoredBeforeItsTargetStillGetsItsFlow) {
  auto reply = Post("3", "carol", 9000);
  reply.refs.push_back(ItemRef{Layer::kReply, "twitter:1", "alice"});
  Write({Rec({reply})});
  EXPECT_TRUE(Flows(*store_).empty());  // no alice item nor actor yet: no flow at all
  Write({Rec({Post("1", "alice", 1000)})});
  auto f = Flows(*store_);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].src, "twitter:1");
  EXPECT_EQ(f[0].latency, 8000);
}

TEST_F(FlowsTest, MentionComesFromTheActorsLatestEarlierItem) {
  auto a1 = Post("1", "alice", 1000);
  auto a2 = Post("2", "alice", 2000);
  auto a3 = Post("5", "alice", 6000);  // after the mention: not the source
  auto m = Post("3", "bob", 5000, "hello @ALICE");
  m.mentions = {"@ALICE", "bob", "ghost"};  // self-mention and unknown handle give nothing
  auto early = Post("4", "carol", 500, "@alice first");
  early.mentions = {"alice"};  // alice has no earlier item: actor-only flow
  Write({Rec({a1}), Rec({a2}), Rec({a3}), Rec({m}), Rec({early})});
  auto f = Flows(*store_);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].layer, "mention");
  EXPECT_EQ(f[0].src, "twitter:2");
  EXPECT_EQ(f[0].dst, "twitter:3");
  EXPECT_EQ(f[0].latency, 3000);
  EXPECT_EQ(f[1].src, "");
  EXPECT_EQ(f[1].src_actor, "@alice");
  EXPECT_EQ(f[1].dst, "twitter:4");
}

TEST_F(FlowsTest, RetweetMentionIsCarriedByTheRetweetFlowOnly) {
  auto orig = Post("1", "alice", 1000);
  auto rt = Post("2", "bob", 2000, "RT @alice: x");
  rt.mentions = {"alice"};
  rt.refs.push_back(ItemRef{Layer::kRetweet, "twitter:1", "alice"});
  Write({Rec({orig}), Rec({rt})});
  auto f = Flows(*store_);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].layer, "retweet");
}

TEST_F(FlowsTest, LinkGoesToTheStoredArticleElseToTheOutletElseNowhere) {
  registry_.Add("domain", "varmatin.com",
                ActorInfo{"varmatin.com", "press-regional", "Provence-Alpes-Côte d'Azur", "Var-Matin"});
  ASSERT_GT(registry_.size(), 0u) << "Registry::Add() added nothing";
  auto art = Article("https://www.lemonde.fr/a/1", "lemonde.fr", 1000);
  auto p1 = Post("1", "alice", 5000);
  p1.links = {"https://www.lemonde.fr/a/1"};
  auto p2 = Post("2", "alice", 6000);
  p2.links = {"https://varmatin.com/b/2"};  // no stored article: the outlet (registry)
  auto p3 = Post("3", "alice", 7000);
  p3.links = {"https://unknown.example/x"};  // unknown host: no flow
  auto p4 = Post("4", "alice", 8000);
  p4.links = {"https://lemonde.fr/other"};  // no article, but lemonde.fr is a press actor in the store
  Write({Rec({art}), Rec({p1}), Rec({p2}), Rec({p3}), Rec({p4})});
  auto f = Flows(*store_);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].layer, "link");
  EXPECT_EQ(f[0].src, art.url.empty() ? "" : std::string(Rec({art}).record.items[0].key));
  EXPECT_EQ(f[0].dst, "twitter:1");
  EXPECT_EQ(f[0].latency, 4000);
  EXPECT_EQ(f[1].src, "");
  EXPECT_EQ(f[1].src_actor, "varmatin.com");
  EXPECT_EQ(f[2].src_actor, "lemonde.fr");
  EXPECT_EQ(f[2].dst, "twitter:4");
}

TEST_F(FlowsTest, AnArticleEmbeddingAPostIsItsTarget) {
  std::string key;
  ASSERT_TRUE(StatusUrlToItemKey("https://twitter.com/alice/status/1", &key)) << "status URL not recognised";
  auto post = Post("1", "alice", 1000);
  auto art = Article("https://www.lemonde.fr/a/1", "lemonde.fr", 5000,
                     "Elle a écrit (https://twitter.com/alice/status/1) puis…");
  Write({Rec({post}), Rec({art})});
  auto f = Flows(*store_);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].layer, "embed");
  EXPECT_EQ(f[0].src, "twitter:1");
  EXPECT_EQ(f[0].latency, 4000);
}

TEST_F(FlowsTest, AnArticleDoesNotLinkToItself) {
  auto art = Article("https://www.lemonde.fr/a/1", "lemonde.fr", 1000);
  art.links = {"https://www.lemonde.fr/a/1"};
  Write({Rec({art})});
  EXPECT_TRUE(Flows(*store_).empty());
}

TEST_F(FlowsTest, RecomputingKeepsReuseFlowsAndReplacesTheOthers) {
  auto orig = Post("1", "alice", 1000);
  auto rt = Post("2", "bob", 4000);
  rt.refs.push_back(ItemRef{Layer::kRetweet, "twitter:1", "alice"});
  Write({Rec({orig}), Rec({rt})});
  store_->Exec("INSERT INTO flows(layer, src_item, dst_item, score) VALUES('reuse', 1, 2, 0.9)");
  EXPECT_EQ(RecomputeFlows(*store_), 1u);
  EXPECT_EQ(RecomputeFlows(*store_), 1u);
  auto s = ComputeStats(*store_);
  EXPECT_EQ(s.flows_by_layer["retweet"], 1u);
  EXPECT_EQ(s.flows_by_layer["reuse"], 1u);
}

}  // namespace
}  // namespace relais::corpora
