// ActivityPub outbox reader: the real Mastodon export (duplicate orderedItems trap), actor.json,
// and bad activities.
#include <gtest/gtest.h>

#include "corpora/reader_test_util.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
using relais::testing::CountKind;
using relais::testing::HasRef;
using relais::testing::ReadText;
using relais::testing::ReadWith;

TEST(ActivityPubReader, RealOutboxGivesEveryActivity) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kActivityPub, data / "mastodon-outbox" / "outbox.json.gz");
  // SOURCES.md and python (json.loads with object_pairs_hook, last "orderedItems"): 1586 items,
  // 1260 Create/Note, 326 Announce, 422 with inReplyTo.
  EXPECT_TRUE(r.diagnostics.empty());
  ASSERT_EQ(r.records.size(), 1586u);
  EXPECT_EQ(CountKind(r, ItemKind::kRetweet), 326);
  int replies = 0, originals_or_replies = 0;
  for (const auto& rec : r.records) {
    const auto& it = rec.items[0];
    replies += HasRef(it, Layer::kReply);
    originals_or_replies +=
        it.kind == ItemKind::kOriginal || it.kind == ItemKind::kReply || it.kind == ItemKind::kQuote;
    EXPECT_EQ(it.author.key, "mastodon:@dealingwith@indieweb.social");
  }
  EXPECT_EQ(replies, 422);
  EXPECT_EQ(originals_or_replies, 1260);
  const auto& first = r.records[0].items[0];
  EXPECT_EQ(first.key, "mastodon:https://indieweb.social/users/dealingwith/statuses/109305976208011760");
  EXPECT_EQ(first.url, "https://indieweb.social/@dealingwith/109305976208011760");
  EXPECT_EQ(first.lang, "en");
  EXPECT_EQ(first.time, *ParseIso8601("2022-11-08T03:07:14Z"));
  EXPECT_EQ(first.links, std::vector<std::string>{"https://daniel.industries/2022/11/07/less-twitter-more-indieweb/"});
  EXPECT_NE(first.text.find("daniel.industries/2022/11/07/less-twitter-more-indieweb/"), std::string::npos);
  EXPECT_EQ(first.text.find('<'), std::string::npos);
  // The author's display name comes from actor.json beside the outbox.
  EXPECT_FALSE(first.author.name.empty());
  EXPECT_EQ(first.author.platform_id, "https://indieweb.social/users/dealingwith");
  // The first boost (python: first Announce) points at its object.
  for (const auto& rec : r.records) {
    const auto& it = rec.items[0];
    if (it.kind != ItemKind::kRetweet) continue;
    EXPECT_EQ(it.key, "mastodon:https://indieweb.social/users/dealingwith/statuses/109449999597967268/activity");
    ASSERT_EQ(it.refs.size(), 1u);
    EXPECT_EQ(it.refs[0].target_key, "mastodon:https://mastodon.social/users/s0mmer/statuses/109440048909776763");
    EXPECT_EQ(it.refs[0].target_author_handle, "s0mmer@mastodon.social");
    break;
  }
}

TEST(ActivityPubReader, DuplicateOrderedItemsKeyAndBadActivities) {
  const std::string doc =
      R"({"@context":"https://www.w3.org/ns/activitystreams","type":"OrderedCollection","orderedItems":[],
"orderedItems":[
{"id":"https://ex.social/users/a/statuses/1/activity","type":"Create","actor":"https://ex.social/users/a","published":"2021-01-08T10:00:00Z",
 "object":{"id":"https://ex.social/users/a/statuses/1","type":"Note","inReplyTo":"https://other.net/users/b/statuses/9","published":"2021-01-08T10:00:00Z",
 "content":"<p><span class=\"h-card\"><a href=\"https://other.net/@b\" class=\"u-url mention\">@<span>b</span></a></span> oui <a href=\"https://other.net/tags/tag\" class=\"mention hashtag\" rel=\"tag\">#<span>tag</span></a></p>",
 "tag":[{"type":"Mention","href":"https://other.net/users/b","name":"@b@other.net"},{"type":"Hashtag","href":"https://other.net/tags/tag","name":"#tag"}]}},
{"id":"https://ex.social/users/a/statuses/2/activity","type":"Announce","actor":"https://ex.social/users/a","published":"not a date","object":"https://other.net/users/b/statuses/9"},
{"id":"https://ex.social/users/a#likes/1","type":"Like","actor":"https://ex.social/users/a","object":"https://other.net/users/b/statuses/9"},
"https://ex.social/users/a/statuses/3",
{"id":"https://ex.social/users/a/statuses/4/activity","type":"Create","actor":"https://ex.social/users/a","object":{"type":"Note","content":"no id","published":"2021-01-08T10:00:00Z"}}
]})";
  auto r = ReadText(Format::kActivityPub, doc, "/nonexistent/outbox.json");
  ASSERT_EQ(r.records.size(), 1u);
  const auto& it = r.records[0].items[0];
  EXPECT_EQ(it.kind, ItemKind::kReply);
  EXPECT_EQ(it.refs[0].target_key, "mastodon:https://other.net/users/b/statuses/9");
  EXPECT_EQ(it.refs[0].target_author_handle, "b@other.net");
  EXPECT_EQ(it.mentions, std::vector<std::string>{"b@other.net"});
  EXPECT_EQ(it.hashtags, std::vector<std::string>{"tag"});
  EXPECT_TRUE(it.links.empty());
  EXPECT_EQ(it.text, "@b oui #tag");
  EXPECT_EQ(it.author.key, "mastodon:@a@ex.social");
  ASSERT_EQ(r.diagnostics.size(), 4u);
  EXPECT_EQ(r.diagnostics[0].reason, "bad-timestamp");
  EXPECT_EQ(r.diagnostics[0].pos.line, 7u);
  EXPECT_EQ(r.diagnostics[1].reason, "not-a-post");
  EXPECT_NE(r.diagnostics[1].message.find("Like"), std::string::npos);
  EXPECT_EQ(r.diagnostics[2].reason, "not-a-post");
  EXPECT_EQ(r.diagnostics[3].reason, "missing-field");
}

TEST(ActivityPubReader, InvalidJsonAndUtf8InsideTheCollection) {
  std::string doc =
      "{\"type\":\"OrderedCollection\",\"orderedItems\":[\n"
      "{\"id\":\"https://ex.social/users/a/statuses/1\",\"type\":\"Note\",\"attributedTo\":\"https://ex.social/users/"
      "a\","
      "\"published\":\"2021-01-08T10:00:00Z\",\"content\":\"caf\xe9\"},\n"
      "{\"id\": tru},\n"
      "{\"id\":\"https://ex.social/users/a/statuses/3\",\"type\":\"Note\",\"attributedTo\":\"https://ex.social/users/"
      "a\","
      "\"published\":\"2021-01-08T10:00:00Z\",\"content\":\"ok\"}\n]}";
  auto r = ReadText(Format::kActivityPub, doc, "outbox.json");
  EXPECT_EQ(r.records.size(), 1u);
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].reason, "invalid-utf8");
  EXPECT_EQ(r.diagnostics[0].pos.line, 2u);
  EXPECT_EQ(r.diagnostics[1].reason, "invalid-json");
  EXPECT_EQ(r.diagnostics[1].pos.line, 3u);
}

}  // namespace
}  // namespace relais::corpora
