// X web GraphQL responses: every response of ../shared/data/twitter-graphql-samples (exact counts),
// visibility wrappers, tombstones, unavailable tweets, note tweets, cards, both author layouts,
// arrays and JSON lines of responses, and each quarantine reason.
#include <gtest/gtest.h>

#include "corpora/reader_ingest_util.hpp"
#include "corpora/reader_test_util.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
namespace fs = std::filesystem;
using relais::testing::CountKind;
using relais::testing::ReadText;
using relais::testing::ReadWith;

fs::path Samples(const fs::path& data) { return data / "twitter-graphql-samples"; }

std::vector<fs::path> JsonFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(TwitterGraphqlReader, SearchTimelinePage) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kTwitterGraphql, Samples(data) / "fxembed-mocks" / "SearchTimeline" / "neo.json");
  ASSERT_EQ(r.records.size(), 9u);  // 9 tweet-* entries; the people module and the cursors are no records
  EXPECT_TRUE(r.diagnostics.empty());
  int en = 0;
  for (const auto& rec : r.records) {
    const auto& it = rec.items[0];
    EXPECT_EQ(it.key.rfind("twitter:", 0), 0u);
    EXPECT_FALSE(it.author.handle.empty());  // 2026 layout: the handle under the user's core
    EXPECT_GT(it.time, 0);
    en += it.lang == "en";
  }
  EXPECT_EQ(en, 8);
}

TEST(TwitterGraphqlReader, QuoteInsideVisibilityWrapper) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r =
      ReadWith(Format::kTwitterGraphql, Samples(data) / "fxembed-mocks" / "TweetDetail" / "1902059299591090335.json");
  ASSERT_EQ(r.records.size(), 1u);
  const auto& items = r.records[0].items;
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].key, "twitter:1902059299591090335");
  EXPECT_EQ(items[0].author.handle, "carrionkid");
  EXPECT_EQ(items[0].author.platform_id, "1029169938588680193");
  EXPECT_EQ(items[0].kind, ItemKind::kQuote);
  ASSERT_EQ(items[0].refs.size(), 1u);
  EXPECT_EQ(items[0].refs[0].target_key, "twitter:1900793157786255768");
  EXPECT_EQ(items[1].key, "twitter:1900793157786255768");
  EXPECT_TRUE(items[1].expansion);
}

TEST(TwitterGraphqlReader, TombstonesAndUnavailable) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto detail = ReadWith(Format::kTwitterGraphql, Samples(data) / "fxembed-mocks" / "TweetDetail" / "991204.json");
  EXPECT_EQ(detail.records.size(), 2u);
  EXPECT_EQ(detail.by_reason["tombstone"], 1);
  EXPECT_EQ(CountKind(detail, ItemKind::kReply), 2);
  auto gone =
      ReadWith(Format::kTwitterGraphql, Samples(data) / "fxembed-mocks" / "TweetResultByRestId" / "991500.json");
  EXPECT_EQ(gone.by_reason["unavailable"], 1);
  // A quoted tweet that is unavailable: the quote keeps its ref by id, without an expansion.
  auto q = ReadWith(Format::kTwitterGraphql, Samples(data) / "fxembed-mocks" / "TweetResultByRestId" / "991001.json");
  ASSERT_EQ(q.records.size(), 1u);
  EXPECT_EQ(q.records[0].items.size(), 1u);
  EXPECT_EQ(q.records[0].items[0].kind, ItemKind::kQuote);
}

TEST(TwitterGraphqlReader, OldUserTweetsAndRepliesPage) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kTwitterGraphql, Samples(data) / "rettiwt-2022" / "user-tweets-and-replies.json");
  // 21 tweet entries (python); 22 tweets with the quoted one.
  ASSERT_EQ(r.records.size(), 21u);
  EXPECT_EQ(CountKind(r, ItemKind::kReply), 14);
  EXPECT_EQ(CountKind(r, ItemKind::kQuote), 1);
  EXPECT_EQ(CountKind(r, ItemKind::kOriginal), 6);
  std::size_t items = 0;
  for (const auto& rec : r.records) {
    items += rec.items.size();
    EXPECT_EQ(rec.items[0].author.handle, "elonmusk");  // 2022 layout: legacy.screen_name
  }
  EXPECT_EQ(items, 22u);
}

TEST(TwitterGraphqlReader, EverySampleCounted) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  std::map<std::string, int> reasons;
  std::size_t records = 0, expansions = 0;
  std::map<ItemKind, int> kinds;
  for (const auto& p : JsonFiles(Samples(data))) {
    auto r = ReadWith(Format::kTwitterGraphql, p);
    for (auto& [k, n] : r.by_reason) reasons[k] += n;
    records += r.records.size();
    for (const auto& rec : r.records) {
      expansions += rec.items.size() - 1;
      ++kinds[rec.items[0].kind];
    }
  }
  // python over the 50 JSON files: 67 tweet records (40 original, 20 reply, 7 quote),
  // 12 responses without tweets, 5 tombstones, 2 unavailable, 5 expansions.
  EXPECT_EQ(records, 67u);
  EXPECT_EQ(kinds[ItemKind::kOriginal], 40);
  EXPECT_EQ(kinds[ItemKind::kReply], 20);
  EXPECT_EQ(kinds[ItemKind::kQuote], 7);
  EXPECT_EQ(reasons["not-a-tweet"], 12);
  EXPECT_EQ(reasons["tombstone"], 5);
  EXPECT_EQ(reasons["unavailable"], 2);
  EXPECT_EQ(reasons.size(), 3u);
  EXPECT_EQ(expansions, 5u);
}

TEST(TwitterGraphqlReader, IngestedWithDuplicatesAcrossEndpoints) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  std::vector<std::string> paths;
  for (const auto& p : JsonFiles(Samples(data))) paths.push_back(p.string());
  auto s = relais::testing::IngestAndSummarise(paths, Format::kTwitterGraphql);
  EXPECT_EQ(s.result.total.read, 86u);
  EXPECT_EQ(s.result.total.accepted, 45u);    // distinct tweet ids (python)
  EXPECT_EQ(s.result.total.duplicates, 22u);  // the same tweets through up to four endpoints
  EXPECT_EQ(s.result.total.quarantined, 19u);
  // Sniffing: tweet-bearing responses are X GraphQL, not v2 pages.
  for (const char* rel : {"fxembed-mocks/SearchTimeline/neo.json", "fxembed-mocks/TweetDetail/20.json",
                          "fxembed-mocks/TweetResultsByIds/20.json", "rettiwt-2022/user-tweets-and-replies.json"}) {
    auto p = Samples(data) / rel;
    auto f = SniffFormat(p, ReadAll(p).substr(0, 65536));
    ASSERT_TRUE(f) << rel;
    EXPECT_EQ(*f, Format::kTwitterGraphql) << rel;
  }
}

const char* kTweet =
    R"({"__typename":"Tweet","rest_id":"11","core":{"user_results":{"result":{"rest_id":"7","core":{"screen_name":"varmatin","name":"Var-Matin"}}}},
 "note_tweet":{"note_tweet_results":{"result":{"text":"Texte long &amp; complet https://t.co/a","entity_set":{"urls":[{"url":"https://t.co/a","expanded_url":"https://www.varmatin.com/x"}],"hashtags":[{"text":"Toulon"}],"user_mentions":[]}}}},
 "card":{"rest_id":"https://t.co/b","legacy":{"binding_values":[{"key":"card_url","value":{"string_value":"https://t.co/b","type":"STRING"}}]}},
 "legacy":{"id_str":"11","created_at":"Mon Jan 11 09:00:00 +0000 2021","full_text":"Texte court https://t.co/a","lang":"fr",
  "entities":{"urls":[{"url":"https://t.co/b","expanded_url":"https://www.nicematin.com/y"}],"user_mentions":[{"screen_name":"nicematin"}],"hashtags":[]},
  "in_reply_to_status_id_str":"10","in_reply_to_screen_name":"nicematin",
  "retweeted_status_result":null}})";

TEST(TwitterGraphqlReader, NoteTweetCardsRepliesAndForms) {
  auto r = ReadText(Format::kTwitterGraphql, kTweet);
  ASSERT_EQ(r.records.size(), 1u);
  const auto& it = r.records[0].items[0];
  EXPECT_EQ(it.text, "Texte long & complet https://t.co/a");  // note_tweet wins over full_text
  EXPECT_EQ(it.links, (std::vector<std::string>{"https://www.varmatin.com/x", "https://www.nicematin.com/y"}));
  EXPECT_EQ(it.mentions, std::vector<std::string>{"nicematin"});
  EXPECT_EQ(it.hashtags, std::vector<std::string>{"Toulon"});
  EXPECT_EQ(it.kind, ItemKind::kReply);
  EXPECT_EQ(it.refs.at(0).target_key, "twitter:10");
  EXPECT_EQ(it.refs.at(0).target_author_handle, "nicematin");
  EXPECT_EQ(it.author.key, "@varmatin");
  EXPECT_EQ(it.author.name, "Var-Matin");
  // Arrays of responses and JSON lines of responses.
  const std::string response = std::string(R"({"data":{"tweetResult":{"result":)") + kTweet + "}}}";
  EXPECT_EQ(ReadText(Format::kTwitterGraphql, "[" + response + "," + response + "]").records.size(), 2u);
  std::string lines = response;
  lines.erase(std::remove(lines.begin(), lines.end(), '\n'), lines.end());
  EXPECT_EQ(ReadText(Format::kTwitterGraphql, lines + "\n" + lines + "\n").records.size(), 2u);
  // A retweet: the retweeted tweet is an expansion.
  std::string rt =
      R"({"__typename":"Tweet","rest_id":"12","core":{"user_results":{"result":{"rest_id":"8","legacy":{"screen_name":"bob","name":"Bob"}}}},
   "legacy":{"id_str":"12","created_at":"Mon Jan 11 10:00:00 +0000 2021","full_text":"RT @varmatin: Texte court","retweeted_status_result":{"result":)" +
      std::string(kTweet) + "}}}";
  auto rr = ReadText(Format::kTwitterGraphql, rt);
  ASSERT_EQ(rr.records.size(), 1u);
  ASSERT_EQ(rr.records[0].items.size(), 2u);
  EXPECT_EQ(rr.records[0].items[0].kind, ItemKind::kRetweet);
  EXPECT_EQ(rr.records[0].items[0].refs.at(0).target_key, "twitter:11");
  EXPECT_EQ(rr.records[0].items[0].refs.at(0).target_author_handle, "varmatin");
}

TEST(TwitterGraphqlReader, EachQuarantineReason) {
  auto one = [](const std::string& result) {
    return ReadText(Format::kTwitterGraphql, R"({"data":{"tweetResult":{"result":)" + result + "}}}").by_reason;
  };
  EXPECT_EQ(
      one(R"({"__typename":"TweetTombstone","tombstone":{"text":{"text":"This Tweet was deleted."}}})")["tombstone"],
      1);
  EXPECT_EQ(one(R"({"__typename":"TweetUnavailable","reason":"Suspended"})")["unavailable"], 1);
  EXPECT_EQ(one(R"({"__typename":"User","rest_id":"1"})")["not-a-tweet"], 1);
  EXPECT_EQ(one(R"({"__typename":"Tweet","rest_id":"1"})")["missing-field"], 1);
  EXPECT_EQ(one(R"({"__typename":"TweetWithVisibilityResults"})")["missing-field"], 1);
  EXPECT_EQ(
      one(R"({"__typename":"Tweet","rest_id":"1","legacy":{"created_at":"hier"},"core":{"user_results":{"result":{"legacy":{"screen_name":"a"}}}}})")
          ["bad-timestamp"],
      1);
  EXPECT_EQ(one(R"({"__typename":"Tweet","rest_id":"1","legacy":{"created_at":"Mon Jan 11 10:00:00 +0000 2021"}})")
                ["missing-field"],
            1);  // no author
  EXPECT_EQ(ReadText(Format::kTwitterGraphql, R"({"errors":[{"message":"Query too long"}]})").by_reason["not-a-tweet"],
            1);
  EXPECT_EQ(ReadText(Format::kTwitterGraphql, R"({"data":{"tweetResult":)").by_reason["invalid-json"], 1);
  EXPECT_EQ(ReadText(Format::kTwitterGraphql, "{\"data\":\"\xff\"}").by_reason["invalid-utf8"], 1);
}

}  // namespace
}  // namespace relais::corpora
