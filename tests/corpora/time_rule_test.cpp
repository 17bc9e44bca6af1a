// The plausible-time rule (docs/time.md): IsPlausibleTime and ApplyTimeRule.
#include <gtest/gtest.h>

#include "relais/base/time.hpp"
#include "relais/corpora/record.hpp"

namespace relais::corpora {
namespace {

TimeMs At(const char* iso) { return *ParseIso8601(iso); }

ItemRecord Item(const char* key, const char* platform, TimeMs t) {
  ItemRecord it;
  it.key = key;
  it.platform = platform;
  it.time = t;
  return it;
}

TEST(PlausibleTime, BoundsPerPlatform) {
  EXPECT_TRUE(IsPlausibleTime(At("2021-01-08T23:21:00Z"), "twitter"));
  EXPECT_TRUE(IsPlausibleTime(At("2006-03-21T00:00:00Z"), "twitter"));
  EXPECT_FALSE(IsPlausibleTime(At("2006-03-20T23:59:59Z"), "bluesky"));
  EXPECT_FALSE(IsPlausibleTime(At("0000-10-14T15:06:10.730Z"), "bluesky"));
  EXPECT_TRUE(IsPlausibleTime(At("1944-12-19T00:00:00Z"), "press"));  // Le Monde's first issue
  EXPECT_FALSE(IsPlausibleTime(At("1899-12-31T00:00:00Z"), "press"));
  EXPECT_FALSE(IsPlausibleTime(At("2100-01-01T00:00:00Z"), "pr"));
  EXPECT_TRUE(IsPlausibleTime(At("2099-12-31T23:59:59Z"), "pr"));
  EXPECT_FALSE(IsPlausibleTime(0, "press"));  // the epoch: a "no date" default
  EXPECT_TRUE(IsPlausibleTime(1, "press"));
}

TEST(PlausibleTime, PlatformTimeStandsInForAnImplausibleTime) {
  ParsedRecord rec;
  rec.items.push_back(Item("bluesky:at://a/app.bsky.feed.post/1", "bluesky", At("0000-10-14T15:06:10Z")));
  rec.items[0].platform_time = At("2024-11-20T10:00:00Z");
  std::vector<std::string> notes;
  EXPECT_FALSE(ApplyTimeRule(rec, notes));
  EXPECT_EQ(rec.items[0].time, At("2024-11-20T10:00:00Z"));
  EXPECT_EQ(notes, std::vector<std::string>{"time-from-platform"});
}

TEST(PlausibleTime, NoPlausibleTimeQuarantinesTheRecordNamingTheTime) {
  ParsedRecord rec;
  rec.pos = InputPos{"posts.json", 7, 0};
  rec.items.push_back(Item("bluesky:at://a/app.bsky.feed.post/1", "bluesky", At("0000-10-14T15:06:10.730Z")));
  rec.items[0].platform_time = At("0000-10-14T15:06:10.730Z");
  std::vector<std::string> notes;
  const auto d = ApplyTimeRule(rec, notes);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, "implausible-time");
  EXPECT_EQ(d->pos.line, 7u);
  EXPECT_NE(d->message.find("0000-10-14T15:06:10.730Z"), std::string::npos) << d->message;
  EXPECT_NE(d->message.find("platform time"), std::string::npos) << d->message;
  EXPECT_EQ(d->excerpt, "0000-10-14T15:06:10.730Z");
}

TEST(PlausibleTime, AnExpansionWithoutAPlausibleTimeIsDroppedTheRecordKept) {
  ParsedRecord rec;
  rec.items.push_back(Item("twitter:2", "twitter", At("2021-01-08T23:21:00Z")));
  rec.items.push_back(Item("twitter:1", "twitter", 0));  // retweeted status with a zeroed date
  rec.items.push_back(Item("twitter:3", "twitter", At("2021-01-08T20:00:00Z")));
  std::vector<std::string> notes;
  EXPECT_FALSE(ApplyTimeRule(rec, notes));
  ASSERT_EQ(rec.items.size(), 2u);
  EXPECT_EQ(rec.items[0].key, "twitter:2");
  EXPECT_EQ(rec.items[1].key, "twitter:3");
  EXPECT_EQ(notes, std::vector<std::string>{"expansion-dropped-implausible-time"});
}

}  // namespace
}  // namespace relais::corpora
