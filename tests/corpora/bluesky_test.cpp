// Bluesky reader: feeds with reposts and replies, searches, threads, raw records, twitwi's posts.
#include <gtest/gtest.h>

#include "corpora/reader_test_util.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
namespace fs = std::filesystem;
using relais::testing::CountKind;
using relais::testing::HasRef;
using relais::testing::ReadText;
using relais::testing::ReadWith;

fs::path Vcr(const fs::path& data) { return data / "bluesky-api-vcr" / "bodies"; }

TEST(BlueskyReader, AuthorFeedWithRepostsQuotesAndReplies) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kBluesky, Vcr(data) / "f_autfeed__00.json");
  // python: 50 feed items, 7 with reason#reasonRepost; of the 43 others 7 quote a post and
  // 24 reply (disjoint).
  EXPECT_TRUE(r.diagnostics.empty());
  ASSERT_EQ(r.records.size(), 50u);
  EXPECT_EQ(CountKind(r, ItemKind::kRetweet), 7);
  EXPECT_EQ(CountKind(r, ItemKind::kQuote), 7);
  EXPECT_EQ(CountKind(r, ItemKind::kReply), 24);
  for (const auto& rec : r.records) {
    const auto& it = rec.items[0];
    EXPECT_EQ(it.key.rfind("bluesky:", 0), 0u);
    EXPECT_FALSE(it.expansion);
    if (it.kind != ItemKind::kRetweet) continue;
    ASSERT_GE(rec.items.size(), 2u);
    EXPECT_EQ(it.refs.at(0).target_key, rec.items[1].key);
    EXPECT_TRUE(rec.items[1].expansion);
    EXPECT_EQ(it.author.key, "bluesky:@chriskenny.bsky.social");
  }
}

TEST(BlueskyReader, TimelineSearchAndOtherViews) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  struct Case {
    const char* file;
    std::size_t records;
    int reposts;
  };
  // python: feed/posts lengths and reasonRepost counts.
  for (const Case& c :
       {Case{"f_timeline__00.json", 49, 3}, Case{"f_feedfeed__00.json", 7, 0}, Case{"f_get_list_feed__00.json", 10, 0},
        Case{"f_getlikes__00.json", 7, 0}, Case{"f_search__00.json", 25, 0}, Case{"f_getposts__00.json", 1, 0},
        Case{"f_getquotes__00.json", 2, 0}, Case{"f_postthread__00.json", 1, 0}, Case{"r_getRecord__00.json", 1, 0}}) {
    auto r = ReadWith(Format::kBluesky, Vcr(data) / c.file);
    EXPECT_EQ(r.records.size(), c.records) << c.file;
    EXPECT_TRUE(r.diagnostics.empty()) << c.file;
    EXPECT_EQ(CountKind(r, ItemKind::kRetweet), c.reposts) << c.file;
  }
  auto quotes = ReadWith(Format::kBluesky, Vcr(data) / "f_getquotes__00.json");
  for (const auto& rec : quotes.records) EXPECT_TRUE(HasRef(rec.items[0], Layer::kQuote));
  auto search = ReadWith(Format::kBluesky, Vcr(data) / "f_search__00.json");
  int replies = 0;
  for (const auto& rec : search.records) replies += HasRef(rec.items[0], Layer::kReply);
  EXPECT_EQ(replies, 12);  // python
}

TEST(BlueskyReader, RawRecordsAndFacets) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kBluesky, Vcr(data) / "r_listrcd__00.json");
  // python: 50 app.bsky.feed.post records, 27 replies, 9 quotes, 27 link facets.
  ASSERT_EQ(r.records.size(), 50u);
  int replies = 0, quotes = 0;
  std::size_t links = 0;
  for (const auto& rec : r.records) {
    const auto& it = rec.items[0];
    replies += HasRef(it, Layer::kReply);
    quotes += HasRef(it, Layer::kQuote);
    links += it.links.size();
    EXPECT_EQ(it.author.key, "bluesky:did:plc:wpe35pganb6d4pg4ekmfy6u5");
    EXPECT_EQ(it.author.platform_id, "did:plc:wpe35pganb6d4pg4ekmfy6u5");
  }
  EXPECT_EQ(replies, 27);
  EXPECT_EQ(quotes, 9);
  EXPECT_GE(links, 27u);  // link facets plus external embeds
  auto one = ReadWith(Format::kBluesky, Vcr(data) / "r_post_repost__00.json");
  ASSERT_EQ(one.records.size(), 1u);
  const auto& q = one.records[0].items[0];
  EXPECT_EQ(q.kind, ItemKind::kQuote);
  EXPECT_EQ(q.refs[0].target_key, "bluesky:at://did:plc:5c2r73erhng4bszmxlfdtscf/app.bsky.feed.post/3kf24wd6cmb2a");
  EXPECT_EQ(q.mentions, std::vector<std::string>{"bskyr.bsky.social"});
  EXPECT_EQ(q.links, std::vector<std::string>{"https://christophertkenny.com/bskyr/"});
  EXPECT_EQ(q.time, *ParseIso8601("2023-11-25T21:31:23.378Z"));
  // A createRecord receipt is not a post.
  auto receipt = ReadWith(Format::kBluesky, Vcr(data) / "r_post_repost__01.json");
  ASSERT_EQ(receipt.diagnostics.size(), 1u);
  EXPECT_EQ(receipt.diagnostics[0].reason, "not-a-post");
}

TEST(BlueskyReader, NotificationsKeepOnlyPosts) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kBluesky, Vcr(data) / "n_notifications__00.json");
  // python: 50 notifications; 18 carry an app.bsky.feed.post record (11 mentions, 7 quotes).
  EXPECT_EQ(r.records.size(), 18u);
  EXPECT_EQ(r.by_reason["not-a-post"], 32);
}

TEST(BlueskyReader, TwitwiPosts) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kBluesky, data / "twitwi-tweets-bluesky" / "bluesky-posts.json");
  // python: 123 elements (110 post views, 13 feed items of which 2 are reposts); 33 have "fr"
  // as their first language.
  EXPECT_TRUE(r.diagnostics.empty());
  ASSERT_EQ(r.records.size(), 123u);
  EXPECT_EQ(CountKind(r, ItemKind::kRetweet), 2);
  int fr = 0;
  for (const auto& rec : r.records) {
    const auto& it = rec.items[0].kind == ItemKind::kRetweet ? rec.items[1] : rec.items[0];
    fr += it.lang == "fr";
  }
  EXPECT_EQ(fr, 33);
  const auto& first = r.records[0].items[0];
  EXPECT_EQ(first.author.key, "bluesky:@pecqueuxanthony.bsky.social");
  EXPECT_EQ(first.kind, ItemKind::kQuote);
  EXPECT_EQ(first.url, "https://bsky.app/profile/pecqueuxanthony.bsky.social/post/3lkizm6uvhc2b");
  EXPECT_NE(std::find(first.hashtags.begin(), first.hashtags.end(), "HCERES"), first.hashtags.end());
}

TEST(BlueskyReader, QuarantineReasons) {
  const std::string doc =
      "{\"posts\": [\n"
      R"({"uri":"at://did:plc:a/app.bsky.feed.post/1","author":{"did":"did:plc:a","handle":"a.bsky.social"},"record":{"$type":"app.bsky.feed.post","text":"ok","createdAt":"2024-01-01T00:00:00Z"}},)"
      "\n"
      R"({"uri":"at://did:plc:a/app.bsky.feed.post/2","author":{"did":"did:plc:a","handle":"a.bsky.social"},"record":{"$type":"app.bsky.feed.post","text":"no date"}},)"
      "\n"
      R"({"uri":"at://did:plc:a/app.bsky.feed.post/3","author":{"did":"did:plc:a","handle":"a.bsky.social"},"record":{"$type":"app.bsky.feed.post","text":"x","createdAt":"2024-13-45"}},)"
      "\n"
      R"({"did":"did:plc:a","handle":"a.bsky.social"},)"
      "\n"
      R"({"uri":"at://did:plc:a/app.bsky.feed.post/5","text":")"
      "\xff"
      R"("},)"
      "\n"
      R"({"uri":"at://did:plc:a/app.bsky.feed.post/6",,})"
      "\n]}";
  auto r = ReadText(Format::kBluesky, doc);
  EXPECT_EQ(r.records.size(), 1u);
  ASSERT_EQ(r.diagnostics.size(), 5u);
  EXPECT_EQ(r.diagnostics[0].reason, "missing-field");
  EXPECT_EQ(r.diagnostics[0].pos.line, 3u);
  EXPECT_EQ(r.diagnostics[1].reason, "bad-timestamp");
  EXPECT_NE(r.diagnostics[1].message.find("2024-13-45"), std::string::npos);
  EXPECT_EQ(r.diagnostics[2].reason, "not-a-post");
  EXPECT_EQ(r.diagnostics[3].reason, "invalid-utf8");
  EXPECT_EQ(r.diagnostics[4].reason, "invalid-json");
  EXPECT_EQ(r.diagnostics[4].pos.line, 7u);
}

}  // namespace
}  // namespace relais::corpora
