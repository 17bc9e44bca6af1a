// Press / PR CSV reader: RFC 4180 quoting, French headers, Windows-1252, --columns, --no-header.
#include <fstream>

#include <gtest/gtest.h>

#include "corpora/reader_test_util.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
using relais::testing::FixturesDir;
using relais::testing::ReadText;
using relais::testing::ReadWith;

TEST(ArticleCsvReader, FrenchHeadersQuotesAndBadRows) {
  auto r = ReadWith(Format::kPressCsv, FixturesDir() / "input" / "press.csv");
  // 6 data rows: lines 2 (two lines long), 4, 8 good; 5 unreadable date, 6 a field too many,
  // 7 neither title nor text.
  ASSERT_EQ(r.records.size(), 3u);
  ASSERT_EQ(r.diagnostics.size(), 3u);
  const auto& a = r.records[0].items[0];
  EXPECT_EQ(r.records[0].pos.line, 2u);
  EXPECT_EQ(a.title, "Incendie à Toulon");
  EXPECT_EQ(a.text, "Un incendie s'est déclaré \"hier\" soir.\nLes pompiers sont intervenus.");
  EXPECT_EQ(a.author.key, "varmatin.com");
  EXPECT_EQ(a.author.name, "Var-Matin");
  EXPECT_EQ(a.time, *ParseIso8601("2021-01-08T09:00:00Z"));
  EXPECT_EQ(r.records[1].pos.line, 4u);
  EXPECT_EQ(r.records[1].items[0].time, *ParseIso8601("2021-01-08T12:30:00Z"));
  EXPECT_EQ(r.records[2].pos.line, 8u);
  EXPECT_EQ(r.records[2].items[0].author.key, "Le Télégramme");
  EXPECT_TRUE(r.records[2].items[0].url.empty());
  EXPECT_EQ(r.diagnostics[0].pos.line, 5u);
  EXPECT_EQ(r.diagnostics[0].reason, "bad-timestamp");
  EXPECT_NE(r.diagnostics[0].message.find("le 8 janvier"), std::string::npos);
  EXPECT_EQ(r.diagnostics[1].pos.line, 6u);
  EXPECT_EQ(r.diagnostics[1].reason, "bad-row");
  EXPECT_NE(r.diagnostics[1].message.find("7 fields, expected 6"), std::string::npos) << r.diagnostics[1].message;
  EXPECT_EQ(r.diagnostics[2].pos.line, 7u);
  EXPECT_EQ(r.diagnostics[2].reason, "missing-field");
}

TEST(ArticleCsvReader, Windows1252WithSemicolonsIsDecoded) {
  auto r = ReadWith(Format::kPressCsv, FixturesDir() / "input" / "press_cp1252.csv");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_EQ(r.records[0].items[0].title, "L’été « chaud » à Nice");
  EXPECT_EQ(r.records[0].items[0].author.key, "nicematin.com");
  EXPECT_EQ(r.records[1].items[0].title, "Œuvre d’art à Toulouse");
  EXPECT_EQ(r.records[1].items[0].text, "Un « chef-d’œuvre » exposé");
  EXPECT_EQ(r.records[1].items[0].author.name, "La Dépêche");
  // Forcing UTF-8 on that file is an encoding error naming the file.
  ReadOptions utf8;
  utf8.encoding = "utf-8";
  try {
    ReadWith(Format::kPressCsv, FixturesDir() / "input" / "press_cp1252.csv", utf8);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kEncoding);
    EXPECT_NE(std::string(e.what()).find("press_cp1252.csv"), std::string::npos) << e.what();
  }
}

TEST(ArticleCsvReader, ColumnsNoHeaderAndDelimiter) {
  ReadOptions opt;
  opt.no_header = true;
  opt.delimiter = '|';
  opt.columns = {{"published", "1"}, {"title", "2"}, {"url", "3"}, {"outlet", "4"}};
  auto r = ReadText(Format::kPrCsv,
                    "2021-02-01T10:00:00Z|Résultats annuels|https://www.prnewswire.com/fr/1|PR Newswire\n"
                    "2021-02-02T10:00:00Z|\"Titre | avec barre\"|https://www.prnewswire.com/fr/2|PR Newswire\n"
                    "2021-02-03T10:00:00Z|court\n",
                    "wire.csv", opt);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].items[0].kind, ItemKind::kRelease);
  EXPECT_EQ(r.records[0].items[0].author.key, "prnewswire.com");
  EXPECT_EQ(r.records[1].items[0].title, "Titre | avec barre");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].reason, "bad-row");
  EXPECT_EQ(r.diagnostics[0].pos.line, 3u);

  ReadOptions named;
  named.columns = {{"published", "Quand"}, {"title", "Sujet"}, {"outlet", "Qui"}};
  auto n = ReadText(Format::kPressCsv, "Quand,Sujet,Qui\n2021-02-01,Un sujet,Nice-Matin\n", "n.csv", named);
  ASSERT_EQ(n.records.size(), 1u);
  EXPECT_EQ(n.records[0].items[0].author.key, "Nice-Matin");

  ReadOptions wrong;
  wrong.columns = {{"published", "Absent"}};
  EXPECT_THROW(ReadText(Format::kPressCsv, "a,b\n1,2\n", "w.csv", wrong), Error);
  ReadOptions bad_field;
  bad_field.columns = {{"colour", "a"}};
  EXPECT_THROW(ReadText(Format::kPressCsv, "a,b\n1,2\n", "w.csv", bad_field), Error);
}

TEST(ArticleCsvReader, UnterminatedQuoteIsABadRowAndLaterRowsAreRead) {
  auto r = ReadText(Format::kPressCsv,
                    "date,title,source\n"
                    "2021-01-01,\"ouvert sans fin,Le Monde\n"
                    "2021-01-02,suivant,Le Monde\n",
                    "u.csv");
  // The unterminated quote swallows nothing: line 2 is a bad row, line 3 is read.
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].reason, "bad-row");
  EXPECT_EQ(r.diagnostics[0].pos.line, 2u);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].pos.line, 3u);
  EXPECT_EQ(r.records[0].items[0].title, "suivant");
}

TEST(ArticleCsvReader, EditionColumn) {
  auto r = ReadText(Format::kPressCsv,
                    "titre;date;journal;\xC3\xA9"
                    "dition\n"
                    "Le port;2021-06-01T08:00:00Z;Var-Matin;Toulon\n"
                    "Le tram;2021-06-01T08:00:00Z;Sud Ouest (Bordeaux);\n"
                    "La mer;2021-06-01T08:00:00Z;Nice-Matin;\xC3\xA9"
                    "dition num\xC3\xA9rique\n",
                    "mem.csv");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].items[0].geo.place, "Toulon");
  EXPECT_EQ(r.records[1].items[0].geo.place, "Bordeaux");  // the outlet's parenthesis
  EXPECT_EQ(r.records[2].items[0].geo.place, "");
}

}  // namespace
}  // namespace relais::corpora
