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

}  // namespace
}  // namespace relais::corpora
