// Bluesky Jetstream events: the real capture of ../shared/data/bluesky-jetstream (exact counts),
// the golden events, the edge-case fixture, and each quarantine reason.
#include <gtest/gtest.h>

#include <fstream>

#include "corpora/reader_ingest_util.hpp"
#include "corpora/reader_test_util.hpp"
#include "relais/corpora/store.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
namespace fs = std::filesystem;
using relais::testing::CountKind;
using relais::testing::FixturesDir;
using relais::testing::ReadText;
using relais::testing::ReadWith;

fs::path Fixture() { return FixturesDir() / "input" / "jetstream" / "edge_cases.jsonl"; }

TEST(JetstreamReader, RealCapture) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kBlueskyJetstream, data / "bluesky-jetstream" / "corpus" / "expected_v1.jsonl");
  // python over the 152 lines: 17 post and 15 repost creates are records; 105 like, 6 follow creates,
  // 3 follow deletes, 1 block, 2 status updates are not posts; 1 post delete; 1 identity, 1 account.
  EXPECT_EQ(r.total(), 152u);
  EXPECT_EQ(r.records.size(), 32u);
  EXPECT_EQ(r.by_reason["not-a-post"], 117);
  EXPECT_EQ(r.by_reason["deleted"], 1);
  EXPECT_EQ(r.by_reason["not-a-commit"], 2);
  EXPECT_EQ(CountKind(r, ItemKind::kRetweet), 15);
  EXPECT_EQ(CountKind(r, ItemKind::kReply), 8);
  EXPECT_EQ(CountKind(r, ItemKind::kOriginal), 9);
  std::size_t links = 0, tags = 0;
  for (const auto& rec : r.records) {
    links += rec.items[0].links.size();
    tags += rec.items[0].hashtags.size();
    EXPECT_EQ(rec.items[0].key.rfind("bluesky:at://did:", 0), 0u);
    EXPECT_EQ(rec.items[0].author.key.rfind("bluesky:did:", 0), 0u);
  }
  EXPECT_EQ(links, 5u);  // link facets and external embeds, distinct per post
  EXPECT_EQ(tags, 4u);
  bool found_delete = false;
  for (const auto& d : r.diagnostics)
    if (d.reason == "deleted")
      found_delete = d.message == "delete of at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p";
  EXPECT_TRUE(found_delete);
}

TEST(JetstreamReader, RealCaptureIngested) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto path = data / "bluesky-jetstream" / "corpus" / "expected_v1.jsonl";
  auto f = SniffFormat(path, ReadAll(path).substr(0, 4096));
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, Format::kBlueskyJetstream);
  auto s = relais::testing::IngestAndSummarise({path.string()});
  EXPECT_EQ(s.result.total.read, 152u);
  EXPECT_EQ(s.result.total.accepted, 32u);
  EXPECT_EQ(s.result.total.quarantined, 120u);
  EXPECT_EQ(s.flows("reply"), 2u);  // a self-thread of three posts; the other parents are outside the window
  EXPECT_EQ(s.flows("retweet"), 0u);
  EXPECT_EQ(s.flows("link"), 0u);  // no French outlet among the links
}

TEST(JetstreamReader, GoldenEvents) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kBlueskyJetstream, data / "bluesky-jetstream" / "subscribe-golden" / "golden_v1.jsonl");
  EXPECT_EQ(r.total(), 10u);
  EXPECT_EQ(r.records.size(), 2u);  // the reply and the repost
  EXPECT_EQ(r.by_reason["not-a-post"], 6);
  EXPECT_EQ(r.by_reason["not-a-commit"], 2);
}

TEST(JetstreamReader, EdgeCases) {
  auto r = ReadWith(Format::kBlueskyJetstream, Fixture());
  ASSERT_EQ(r.records.size(), 6u);
  EXPECT_EQ(r.by_reason["deleted"], 2);
  EXPECT_EQ(r.by_reason["not-a-post"], 1);
  EXPECT_EQ(r.by_reason["not-a-commit"], 1);
  const auto& p1 = r.records[0].items[0];
  EXPECT_EQ(p1.key, "bluesky:at://did:plc:aaaa/app.bsky.feed.post/p1");
  EXPECT_EQ(p1.author.key, "bluesky:did:plc:aaaa");
  EXPECT_EQ(p1.author.platform_id, "did:plc:aaaa");
  EXPECT_EQ(p1.lang, "fr");
  EXPECT_EQ(p1.time, 1610355600000);
  EXPECT_EQ(p1.mentions, std::vector<std::string>{"bob.bsky.social"});
  EXPECT_EQ(p1.hashtags, std::vector<std::string>{"Toulon"});
  EXPECT_EQ(p1.links, std::vector<std::string>{"https://www.varmatin.com/politique/conseil-municipal-123"});
  EXPECT_EQ(p1.url, "https://bsky.app/profile/did:plc:aaaa/post/p1");
  const auto& p2 = r.records[1].items[0];
  EXPECT_EQ(p2.kind, ItemKind::kReply);
  EXPECT_EQ(p2.time, 1610355900000);  // 10:05+01:00
  EXPECT_EQ(p2.refs.at(0).target_key, p1.key);
  const auto& p3 = r.records[2].items[0];
  EXPECT_EQ(p3.kind, ItemKind::kQuote);
  EXPECT_EQ(p3.refs.at(0).layer, Layer::kQuote);
  EXPECT_EQ(p3.refs.at(0).target_key, p1.key);
  const auto& rp = r.records[3].items[0];
  EXPECT_EQ(rp.kind, ItemKind::kRetweet);
  EXPECT_EQ(rp.key, "bluesky:at://did:plc:dddd/app.bsky.feed.repost/rp1");
  EXPECT_EQ(rp.refs.at(0).target_key, p1.key);
  EXPECT_EQ(r.records[4].items[0].key, p1.key);          // the update
  EXPECT_EQ(r.records[5].items[0].time, 1610358000123);  // no createdAt: time_us
  EXPECT_EQ(r.records[5].pos.line, 6u);
}

TEST(JetstreamReader, EdgeCasesIngested) {
  auto s = relais::testing::IngestAndSummarise({Fixture().string()});
  EXPECT_EQ(s.result.total.read, 10u);
  EXPECT_EQ(s.result.total.accepted, 5u);
  EXPECT_EQ(s.result.total.duplicates, 1u);  // the update of p1
  EXPECT_EQ(s.result.total.quarantined, 4u);
  EXPECT_EQ(s.result.by_reason.at("deleted"), 2u);
  // The deleted post stays with its flows.
  EXPECT_EQ(s.flows("reply"), 1u);
  EXPECT_EQ(s.flows("quote"), 1u);
  EXPECT_EQ(s.flows("retweet"), 1u);
  EXPECT_EQ(s.flows("link"), 1u);     // p1 shares a varmatin.com article
  EXPECT_EQ(s.flows("mention"), 0u);  // bob.bsky.social has no stored actor with that handle
}

// A Jetstream author is a DID: a registry row `bluesky:did:…,platform_id,…` gives it its class.
TEST(JetstreamReader, RegistryClassifiesADidAuthorByPlatformId) {
  relais::testing::TempDir tmp;
  const fs::path csv = tmp.path() / "actors.csv";
  {
    std::ofstream out(csv);
    out << "key,kind,actor_class,region,name\nbluesky:did:plc:aaaa,platform_id,journalist,,Alice\n";
  }
  Registry registry = Registry::Builtin();
  registry.LoadCsv(csv.string());
  auto store = Store::Open(tmp.path() / "store", OpenMode::kCreate);
  IngestOptions opt;
  opt.paths = {Fixture().string()};
  opt.threads = 2;
  opt.registry = &registry;
  Ingest(store, opt);
  const StoreStats stats = ComputeStats(store);
  // did:plc:aaaa wrote p1 (its update is a duplicate, its delete quarantined): one stored item.
  EXPECT_EQ(stats.by_class.at("journalist"), 1u);
}

TEST(JetstreamReader, EachQuarantineReason) {
  auto reasons = [](const std::string& line) { return ReadText(Format::kBlueskyJetstream, line, "x.jsonl").by_reason; };
  EXPECT_EQ(reasons(R"({"did":"did:plc:a","kind":"account","account":{}})")["not-a-commit"], 1);
  EXPECT_EQ(reasons(R"({"did":"did:plc:a","time_us":1})")["missing-field"], 1);
  EXPECT_EQ(reasons(R"({"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"x"}})")
                ["missing-field"],
            1);
  EXPECT_EQ(reasons(R"({"did":"did:plc:a","kind":"commit"})")["missing-field"], 1);
  EXPECT_EQ(
      reasons(
          R"({"did":"did:plc:a","kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post"}})")
          ["missing-field"],
      1);
  EXPECT_EQ(
      reasons(
          R"({"did":"did:plc:a","kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"x"}})")
          ["missing-field"],
      1);  // no record
  EXPECT_EQ(
      reasons(
          R"({"did":"did:plc:a","kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.repost","rkey":"x","record":{"createdAt":"2021-01-01T00:00:00Z"}}})")
          ["missing-field"],
      1);  // no subject
  EXPECT_EQ(
      reasons(
          R"({"did":"did:plc:a","kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"x","record":{"createdAt":"hier","text":"x"}}})")
          ["bad-timestamp"],
      1);
  EXPECT_EQ(
      reasons(
          R"({"did":"did:plc:a","kind":"commit","commit":{"operation":"delete","collection":"app.bsky.feed.post","rkey":"x"}})")
          ["deleted"],
      1);
  EXPECT_EQ(
      reasons(
          R"({"did":"did:plc:a","kind":"commit","commit":{"operation":"create","collection":"app.bsky.graph.follow","rkey":"x","record":{}}})")
          ["not-a-post"],
      1);
  EXPECT_EQ(reasons(R"(["not","an","object"])")["not-a-post"], 1);
  EXPECT_EQ(reasons(R"({"did":"did:plc:a",)")["invalid-json"], 1);
  EXPECT_EQ(reasons("{\"did\":\"\xff\"}")["invalid-utf8"], 1);
}

TEST(JetstreamReader, CompressedCaptureIsSniffed) {
  relais::testing::TempDir tmp;
  const fs::path zst = tmp.path() / "events.jsonl.zst";
  ASSERT_EQ(std::system(("zstd -q -c '" + Fixture().string() + "' > '" + zst.string() + "'").c_str()), 0);
  auto s = relais::testing::IngestAndSummarise({zst.string()});
  EXPECT_EQ(s.result.by_format.at("bluesky-jetstream").read, 10u);
}

}  // namespace
}  // namespace relais::corpora
