// Store statistics: exact counts on a hand-made store, stable JSON shape, purity.
#include "relais/corpora/stats.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "relais/corpora/ingest.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

TEST(Stats, EmptyStoreHasEveryKeyAndNullPeriod) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.path(), OpenMode::kCreate);
  auto j = nlohmann::json::parse(StatsToJson(ComputeStats(store)));
  EXPECT_EQ(j["items"], 0);
  EXPECT_EQ(j["actors"], 0);
  EXPECT_TRUE(j["first"].is_null());
  for (auto c : {"social", "press", "pr"}) EXPECT_EQ(j["by_channel"][c], 0);
  for (auto l : {"retweet", "quote", "reply", "mention", "link", "embed", "reuse"})
    EXPECT_EQ(j["flows_by_layer"][l], 0);
  EXPECT_EQ(j["by_class"].size(), std::size(kActorClasses));
}

TEST(Stats, CountsItemsByChannelAndClassAndFlowsByLayer) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.path(), OpenMode::kCreate);
  store.Exec(
      "INSERT INTO actors(id, key, actor_class) VALUES(1, '@a', 'public'), (2, 'varmatin.com', 'press-regional');"
      "INSERT INTO items(key, channel, kind, actor_id, time, expansion) VALUES"
      " ('twitter:1', 'social', 'original', 1, 1609459200000, 0),"
      " ('twitter:2', 'social', 'retweet', 1, 1609459260000, 1),"
      " ('https://varmatin.com/x', 'press', 'article', 2, 1609459100000, 0);"
      "INSERT INTO flows(layer, src_item, dst_item) VALUES ('retweet', 1, 2), ('link', 3, 1), ('link', 3, 2);");
  auto s = ComputeStats(store);
  EXPECT_EQ(s.items, 3u);
  EXPECT_EQ(s.expansions, 1u);
  EXPECT_EQ(s.actors, 2u);
  EXPECT_EQ(s.by_channel["social"], 2u);
  EXPECT_EQ(s.by_channel["press"], 1u);
  EXPECT_EQ(s.by_channel["pr"], 0u);
  EXPECT_EQ(s.by_class["public"], 2u);
  EXPECT_EQ(s.by_class["press-regional"], 1u);
  EXPECT_EQ(s.flows_by_layer["link"], 2u);
  EXPECT_EQ(s.flows_by_layer["retweet"], 1u);
  auto j = nlohmann::json::parse(StatsToJson(s));
  EXPECT_EQ(j["first"], "2020-12-31T23:58:20Z");
  EXPECT_EQ(j["last"], "2021-01-01T00:01:00Z");
  EXPECT_EQ(StatsToJson(ComputeStats(store)), StatsToJson(s));  // pure: same content, same answer
  EXPECT_NE(StatsToTable(s).find("press-regional"), std::string::npos);
}

}  // namespace
}  // namespace relais::corpora
