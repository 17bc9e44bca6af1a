// Mastodon REST reader: timelines, single statuses, boosts, replies, quotes, cards, notifications,
// every body of the Mastodon.py cassettes, and each quarantine reason.
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

fs::path Bodies(const fs::path& data) { return data / "mastodon-api-cassettes" / "bodies"; }
const std::string kUserStatus = "mastodon:http://localhost:3000/ap/users/117020565966271181/statuses/";

TEST(MastodonReader, HomeTimelineArray) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kMastodon, Bodies(data) / "test_home_tl__01.json");
  ASSERT_EQ(r.records.size(), 13u);  // python: len(json.load(f)) == 13
  EXPECT_TRUE(r.diagnostics.empty());
  std::size_t mentions = 0;
  for (const auto& rec : r.records) {
    ASSERT_EQ(rec.items.size(), 1u);
    const auto& it = rec.items[0];
    EXPECT_EQ(it.platform, "mastodon");
    EXPECT_EQ(it.key.rfind("mastodon:http://localhost:3000/", 0), 0u) << it.key;
    EXPECT_EQ(it.text.find('<'), std::string::npos) << it.text;
    EXPECT_GT(it.time, 0);
    mentions += it.mentions.size();
  }
  EXPECT_EQ(mentions, 3u);  // python: sum(len(s["mentions"]))
  const auto& first = r.records[0].items[0];
  EXPECT_EQ(first.author.key, "mastodon:@mastodonpy_test@localhost");
  EXPECT_EQ(first.author.handle, "mastodonpy_test@localhost");
  EXPECT_EQ(first.author.name, "John Lennon");
  EXPECT_EQ(first.author.platform_id, "http://localhost:3000/ap/users/117020565966271181");
  EXPECT_GT(r.records[1].pos.line, r.records[0].pos.line);
}

TEST(MastodonReader, BoostIsARetweetWithTheBoostedStatusAsExpansion) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kMastodon, Bodies(data) / "test_status_reblog_unreblog__01.json");
  ASSERT_EQ(r.records.size(), 1u);
  const auto& items = r.records[0].items;
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, ItemKind::kRetweet);
  EXPECT_EQ(items[0].key, kUserStatus + "117020586027094262/activity");
  ASSERT_EQ(items[0].refs.size(), 1u);
  EXPECT_EQ(items[0].refs[0].layer, Layer::kRetweet);
  EXPECT_EQ(items[0].refs[0].target_key, kUserStatus + "117020586019094258");
  EXPECT_EQ(items[1].key, items[0].refs[0].target_key);
  EXPECT_TRUE(items[1].expansion);
  EXPECT_FALSE(items[0].expansion);
}

TEST(MastodonReader, ReplyOutsideTheDocumentGetsAnInstanceIdKey) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kMastodon, Bodies(data) / "test_status_reply__02.json");
  ASSERT_EQ(r.records.size(), 1u);
  const auto& it = r.records[0].items[0];
  EXPECT_EQ(it.kind, ItemKind::kReply);
  ASSERT_EQ(it.refs.size(), 1u);
  EXPECT_EQ(it.refs[0].layer, Layer::kReply);
  EXPECT_EQ(it.refs[0].target_key.rfind("mastodon:id:localhost/", 0), 0u) << it.refs[0].target_key;
}

TEST(MastodonReader, ReplyInsideTheDocumentResolvesToTheParentUri) {
  const std::string doc = R"([
 {"id":"1","uri":"https://ex.social/users/a/statuses/1","url":"https://ex.social/@a/1","created_at":"2021-01-08T10:00:00.000Z",
  "content":"<p>Premier</p>","account":{"id":"10","acct":"a","username":"a","url":"https://ex.social/@a"}},
 {"id":"2","uri":"https://ex.social/users/b/statuses/2","created_at":"2021-01-08T10:05:00.000Z","in_reply_to_id":"1",
  "in_reply_to_account_id":"10","content":"<p><span class=\"h-card\"><a href=\"https://ex.social/@a\" class=\"u-url mention\">@<span>a</span></a></span> r&eacute;ponse <a href=\"https://ex.social/tags/var\" class=\"mention hashtag\" rel=\"tag\">#<span>var</span></a> <a href=\"https://www.varmatin.com/x\">lien</a></p>",
  "account":{"id":"11","acct":"b@other.net","username":"b","url":"https://other.net/@b"},
  "mentions":[{"id":"10","acct":"a","url":"https://ex.social/@a"}],"tags":[{"name":"var","url":"https://ex.social/tags/var"}]}
])";
  auto r = ReadText(Format::kMastodon, doc);
  ASSERT_EQ(r.records.size(), 2u);
  const auto& reply = r.records[1].items[0];
  EXPECT_EQ(reply.kind, ItemKind::kReply);
  EXPECT_EQ(reply.refs[0].target_key, "mastodon:https://ex.social/users/a/statuses/1");
  EXPECT_EQ(reply.refs[0].target_author_handle, "a@ex.social");
  EXPECT_EQ(reply.author.key, "mastodon:@b@other.net");
  EXPECT_EQ(reply.text, "@a réponse #var lien");
  EXPECT_EQ(reply.mentions, std::vector<std::string>{"a@ex.social"});
  EXPECT_EQ(reply.hashtags, std::vector<std::string>{"var"});
  EXPECT_EQ(reply.links, std::vector<std::string>{"https://www.varmatin.com/x"});
  EXPECT_EQ(r.records[1].pos.line, 4u);
}

TEST(MastodonReader, QuoteWithReplyKeepsBothRefsAndDropsTheQuoteFallbackText) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kMastodon, Bodies(data) / "test_status_reply_with_quote__03.json");
  ASSERT_EQ(r.records.size(), 1u);
  const auto& items = r.records[0].items;
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, ItemKind::kQuote);
  EXPECT_TRUE(HasRef(items[0], Layer::kQuote));
  EXPECT_TRUE(HasRef(items[0], Layer::kReply));
  EXPECT_EQ(items[1].key, kUserStatus + "117020583121982310");
  EXPECT_TRUE(items[1].expansion);
  EXPECT_EQ(items[0].text, "@mastodonpy_test yoooo check this out");
  EXPECT_TRUE(items[0].links.empty());
}

TEST(MastodonReader, CardUrlIsALink) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kMastodon, Bodies(data) / "test_status_card__01.json");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].items[0].links, std::vector<std::string>{"http://example.org/"});
  EXPECT_EQ(r.records[0].items[0].text, "http://example.org/");
}

TEST(MastodonReader, NotificationsAccountsAndContainers) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto n = ReadWith(Format::kMastodon, Bodies(data) / "test_notifications__01.json");
  EXPECT_EQ(n.records.size(), 1u);
  EXPECT_TRUE(n.diagnostics.empty());
  auto a = ReadWith(Format::kMastodon, Bodies(data) / "test_account__00.json");
  EXPECT_TRUE(a.records.empty());
  ASSERT_EQ(a.diagnostics.size(), 1u);
  EXPECT_EQ(a.diagnostics[0].reason, "not-a-post");
  auto s = ReadWith(Format::kMastodon, Bodies(data) / "test_search__00.json");  // 0 statuses
  EXPECT_EQ(s.total(), 0u);
}

TEST(MastodonReader, EveryCassetteBodySniffedAsMastodon) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  std::size_t files = 0, records = 0, diagnostics = 0;
  for (const auto& f : ListInputFiles({Bodies(data).string()})) {
    std::string content = ReadAll(f);
    auto fmt = SniffFormat(f, content);
    if (!fmt || *fmt != Format::kMastodon) continue;
    ++files;
    auto r = ReadWith(Format::kMastodon, f);
    records += r.records.size();
    diagnostics += r.diagnostics.size();
    EXPECT_EQ(r.by_reason.count("invalid-json"), 0u) << f;
    for (const auto& d : r.diagnostics) EXPECT_EQ(d.reason, "not-a-post") << f << ": " << d.message;
  }
  // Counted independently with python (statuses, notification statuses, search/context members;
  // accounts and edit-history entries quarantined).
  EXPECT_EQ(files, 72u);
  EXPECT_EQ(records, 91u);
  EXPECT_EQ(diagnostics, 13u);
}

TEST(MastodonReader, QuarantineReasons) {
  const std::string doc =
      "[\n"
      R"({"id":"1","uri":"https://ex.social/users/a/statuses/1","created_at":"2021-01-08T10:00:00Z","content":"ok","account":{"acct":"a","url":"https://ex.social/@a"}},)"
      "\n"
      R"({"id":"2","created_at":"2021-01-08T10:00:00Z","content":"no uri","account":{"acct":"a","url":"https://ex.social/@a"}},)"
      "\n"
      R"({"id":"3","uri":"https://ex.social/users/a/statuses/3","created_at":"yesterday","content":"x","account":{"acct":"a"}},)"
      "\n"
      R"({"id":"4","uri":"https://ex.social/users/a/statuses/4","created_at":"2021-01-08T10:00:00Z","content":"caf)"
      "\xe9"
      R"(","account":{"acct":"a"}},)"
      "\n"
      R"({"acct":"a","username":"a","display_name":"A"},)"
      "\n"
      R"({"id":"6","uri":"https://ex.social/users/a/statuses/6" "created_at":"2021-01-08T10:00:00Z"},)"
      "\n"
      R"({"id":"7","uri":"https://ex.social/users/a/statuses/7","created_at":"2021-01-08T10:00:00Z","content":"last","account":{"acct":"a"}})"
      "\n]\n";
  auto r = ReadText(Format::kMastodon, doc, "bad.json");
  EXPECT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.total(), 7u);
  ASSERT_EQ(r.diagnostics.size(), 5u);
  EXPECT_EQ(r.diagnostics[0].reason, "missing-field");
  EXPECT_EQ(r.diagnostics[0].pos.line, 3u);
  EXPECT_NE(r.diagnostics[0].message.find("uri"), std::string::npos);
  EXPECT_EQ(r.diagnostics[1].reason, "bad-timestamp");
  EXPECT_NE(r.diagnostics[1].message.find("yesterday"), std::string::npos);
  EXPECT_EQ(r.diagnostics[2].reason, "invalid-utf8");
  EXPECT_EQ(r.diagnostics[2].pos.line, 5u);
  EXPECT_GT(r.diagnostics[2].pos.column, 90u);
  EXPECT_NE(r.diagnostics[2].excerpt.find("\\xe9"), std::string::npos) << r.diagnostics[2].excerpt;
  EXPECT_EQ(r.diagnostics[3].reason, "not-a-post");
  EXPECT_EQ(r.diagnostics[4].reason, "invalid-json");
  EXPECT_EQ(r.diagnostics[4].pos.line, 7u);
}

TEST(MastodonReader, JsonlAndCutArrays) {
  const std::string jsonl =
      R"({"id":"1","uri":"https://ex.social/users/a/statuses/1","created_at":"2021-01-08T10:00:00Z","content":"a","account":{"acct":"a","url":"https://ex.social/@a"}})"
      "\n\n"
      R"({"id":"2","uri":"https://ex.social/users/a/statuses/2","created_at":"2021-01-08T10:00:00Z","content":"b","account":{"acct":"a","url":"https://ex.social/@a"}})"
      "\n";
  auto r = ReadText(Format::kMastodon, jsonl);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].pos.line, 3u);
  auto cut = ReadText(Format::kMastodon, "[\n" + jsonl.substr(0, jsonl.find('\n')) + ",\n{\"id\": \"2\", \"uri\"");
  EXPECT_EQ(cut.records.size(), 1u);
  ASSERT_EQ(cut.diagnostics.size(), 1u);
  EXPECT_EQ(cut.diagnostics[0].reason, "invalid-json");
}

}  // namespace
}  // namespace relais::corpora
