// The items' full-text index: French-aware queries, incremental updates, written by ingest.
#include "relais/corpora/search_index.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

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
  Statement mark(s.db(), "SELECT max_item FROM p0.items_fts_mark");
  ASSERT_TRUE(mark.Step());
  EXPECT_EQ(mark.Int(0), 2);
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

// Texts drawn from a small vocabulary with skewed word frequencies and varied lengths, so that bm25
// scores take many distinct values and documents of different lengths compete.
std::vector<std::string> Texts(int n) {
  const std::vector<std::string> vocab = {"énergie", "État",     "Toulon", "port",   "grève",    "mairie", "incendie",
                                          "forêt",   "école",    "budget", "région", "plage",    "train",  "tramway",
                                          "hôpital", "élection", "député", "marché", "quartier", "préfet"};
  std::vector<std::string> out;
  std::uint64_t x = 88172645463325252ULL;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int i = 0; i < n; ++i) {
    const int len = 2 + static_cast<int>(next() % 25);
    std::string t;
    for (int w = 0; w < len; ++w) {
      const double u = static_cast<double>(next() % 10000) / 10000.0;
      t += (w ? " " : "") + vocab[static_cast<std::size_t>(u * u * static_cast<double>(vocab.size()))];
    }
    out.push_back(t);
  }
  return out;
}

std::vector<std::string> Queries() {
  return {"energie",
          "etat",
          "toulon port",
          "greve mairie",
          "prefet",
          "ele",
          "tram",
          "hopital budget",
          "plage",
          "foret incendie",
          "region",
          "t",
          "marche quartier depute",
          "absent"};
}

void FillStore(Store& s, const std::vector<std::string>& texts) {
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const int p = static_cast<int>(i % static_cast<std::size_t>(s.partitions()));
    Statement ins(s.db(), "INSERT INTO " + Store::PartitionSchema(p) +
                              ".items(id, key, channel, kind, time, text) VALUES (?, ?, 'social', 'original', 1, ?)");
    ins.Bind(1, static_cast<std::int64_t>(i + 1)).Bind(2, "k" + std::to_string(i)).Bind(3, texts[i]);
    ins.Run();
  }
}

TEST(SearchIndex, RanksAsSqliteBm25DoesOnOneIndex) {
  testing::TempDir tmp;
  auto s = Store::Open(tmp.path(), OpenMode::kCreate);
  FillStore(s, Texts(600));
  ASSERT_EQ(UpdateSearchIndex(s), 600);
  for (const std::string& q : Queries()) {
    if (SearchExpression(q).empty()) {
      EXPECT_TRUE(SearchItems(s, q, 1000).empty()) << q;
      continue;
    }
    // The reference: FTS5's own bm25 ranking of the one partition's index.
    Statement ref(s.db(), "SELECT rowid FROM p0.items_fts WHERE items_fts MATCH ? ORDER BY rank, rowid");
    ref.Bind(1, SearchExpression(q));
    std::vector<std::int64_t> expected;
    while (ref.Step()) expected.push_back(ref.Int(0));
    std::int64_t total = -1;
    EXPECT_EQ(SearchItems(s, q, 1000, &total), expected) << q;
    EXPECT_EQ(total, static_cast<std::int64_t>(expected.size())) << q;
  }
  EXPECT_FALSE(SearchItems(s, "energie", 1000).empty());
}

TEST(SearchIndex, RankingDoesNotDependOnThePartitions) {
  const auto texts = Texts(600);
  testing::TempDir one_dir, three_dir;
  auto one = Store::Open(one_dir.path(), OpenMode::kCreate);
  auto three = Store::Open(three_dir.path(), OpenMode::kCreate);
  three.Repartition(3);
  ASSERT_EQ(three.partitions(), 3);
  FillStore(one, texts);
  FillStore(three, texts);
  ASSERT_EQ(UpdateSearchIndex(one), 600);
  ASSERT_EQ(UpdateSearchIndex(three), 600);
  for (const std::string& q : Queries()) {
    for (int limit : {5, 1000}) {
      std::int64_t total_one = -1, total_three = -2;
      const auto a = SearchItems(one, q, limit, &total_one);
      EXPECT_EQ(SearchItems(three, q, limit, &total_three), a) << q << " limit " << limit;
      EXPECT_EQ(total_three, total_one) << q;
    }
  }
}

TEST(SearchIndex, ReplacesTheCatalogIndexOfOlderStores) {
  testing::TempDir tmp;
  auto s = Store::Open(tmp.path(), OpenMode::kCreate);
  FillStore(s, {"la grève du port", "le budget de la mairie"});
  // Stores written before the index moved into the partitions kept one in the catalog.
  s.Exec(
      "CREATE VIRTUAL TABLE main.items_fts USING fts5(body, content='', tokenize = 'unicode61 remove_diacritics 2')");
  s.Exec("INSERT INTO main.items_fts(rowid, body) VALUES (1, 'la grève du port')");
  s.SetMeta("search_index_max_item", "1");
  EXPECT_FALSE(HasSearchIndex(s));
  EXPECT_EQ(UpdateSearchIndex(s), 2);
  EXPECT_TRUE(HasSearchIndex(s));
  Statement old(s.db(), "SELECT count(*) FROM main.sqlite_master WHERE name LIKE 'items_fts%'");
  ASSERT_TRUE(old.Step());
  EXPECT_EQ(old.Int(0), 0);
  EXPECT_EQ(s.GetMeta("search_index_max_item"), "");
  EXPECT_EQ(SearchItems(s, "budget", 10), std::vector<std::int64_t>{2});
  EXPECT_EQ(SearchItems(s, "greve", 10), std::vector<std::int64_t>{1});
}

}  // namespace
}  // namespace relais::corpora
