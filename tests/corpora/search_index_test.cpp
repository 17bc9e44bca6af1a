// The items' full-text index: French-aware queries, incremental updates, written by ingest.
#include "relais/corpora/search_index.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace relais::corpora {
namespace {

TEST(SearchExpression, SplitsElisionsAndQuotesEveryWord) {
  EXPECT_EQ(SearchExpression("l'État"), "\"État\"*");
  EXPECT_EQ(SearchExpression("l’énergie d’EDF"), "\"énergie\" AND \"EDF\"*");
  EXPECT_EQ(SearchExpression("qu'il \"x\" OR NEAR(y)"), "\"il\" AND \"x\" AND \"OR\" AND \"NEAR\" AND \"y\"*");
  EXPECT_EQ(SearchExpression("' - ?"), "");
}

TEST(SearchIndex, FoldsDiacriticsAndGrowsIncrementally) {
  testing::TempDir tmp;
  auto s = Store::Open(tmp.path(), OpenMode::kCreate);
  EXPECT_FALSE(HasSearchIndex(s));
  s.Exec(
      "INSERT INTO items(id, key, channel, kind, time, title, text) VALUES "
      "(1, 'a', 'press', 'article', 1, 'Énergie : l’État relance', 'Le nucléaire à Nice-Matin'), "
      "(2, 'b', 'social', 'original', 2, NULL, 'rien à voir')");
  EXPECT_EQ(UpdateSearchIndex(s), 2);
  EXPECT_TRUE(HasSearchIndex(s));
  EXPECT_EQ(UpdateSearchIndex(s), 0);
  for (const char* q : {"energie", "ÉTAT", "l'etat relance", "nucleaire", "nice matin", "nice-matin", "relan"}) {
    std::int64_t total = 0;
    EXPECT_EQ(SearchItems(s, q, 10, &total), std::vector<std::int64_t>{1}) << q;
    EXPECT_EQ(total, 1) << q;
  }
  EXPECT_TRUE(SearchItems(s, "absent", 10).empty());
  s.Exec("INSERT INTO items(id, key, channel, kind, time, text) VALUES (3, 'c', 'social', 'original', 3, 'énergies')");
  EXPECT_EQ(UpdateSearchIndex(s), 1);
  EXPECT_EQ(SearchItems(s, "energie", 10).size(), 2u);  // prefix on the last word
}

TEST(SearchIndex, ReindexesExpansionsUpgradedByALaterIngest) {
  testing::TempDir tmp;
  auto s = Store::Open(tmp.path(), OpenMode::kCreate);
  // A retweet seen first: its original is stored as an expansion with the retweet's truncated text.
  s.Exec(
      "INSERT INTO items(id, key, channel, kind, time, text, expansion) VALUES "
      "(1, 'orig', 'social', 'original', 1, 'ancien texte tronqué', 1), "
      "(2, 'rt', 'social', 'retweet', 2, 'RT ancien texte tronqué', 0)");
  EXPECT_EQ(UpdateSearchIndex(s), 2);
  EXPECT_EQ(SearchItems(s, "tronque", 10), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(UpdateSearchIndex(s), 0);  // nothing changed
  // A later ingest reads the original itself (ingest_writer upgrades the expansion in place).
  s.Exec("UPDATE items SET text = 'nouveau texte complet sur l’énergie', expansion = 0 WHERE id = 1");
  EXPECT_EQ(UpdateSearchIndex(s), 1);
  EXPECT_EQ(SearchItems(s, "tronque", 10), std::vector<std::int64_t>{2});  // the old words are gone
  EXPECT_EQ(SearchItems(s, "energie", 10), std::vector<std::int64_t>{1});
  std::int64_t total = 0;
  EXPECT_EQ(SearchItems(s, "texte", 10, &total).size(), 2u);
  EXPECT_EQ(total, 2);
  EXPECT_EQ(UpdateSearchIndex(s), 0);  // upgraded items are no longer tracked
  Statement left(s.db(), "SELECT count(*) FROM items_fts_expansion");
  ASSERT_TRUE(left.Step());
  EXPECT_EQ(left.Int(0), 0);
  EXPECT_EQ(s.GetMeta("search_index_max_item"), "2");
}

TEST(SearchIndex, RebuildsAnIndexWrittenBeforeExpansionsWereTracked) {
  testing::TempDir tmp;
  auto s = Store::Open(tmp.path(), OpenMode::kCreate);
  s.Exec(
      "INSERT INTO items(id, key, channel, kind, time, text, expansion) VALUES (1, 'a', 'social', 'original', 1, "
      "'vieux', 1)");
  EXPECT_EQ(UpdateSearchIndex(s), 1);
  // The old layout: no side table, and the item upgraded after it was indexed.
  s.Exec("DROP TABLE items_fts_expansion");
  s.Exec("UPDATE items SET text = 'neuf', expansion = 0 WHERE id = 1");
  EXPECT_EQ(UpdateSearchIndex(s), 1);
  EXPECT_TRUE(SearchItems(s, "vieux", 10).empty());
  EXPECT_EQ(SearchItems(s, "neuf", 10), std::vector<std::int64_t>{1});
}

}  // namespace
}  // namespace relais::corpora
