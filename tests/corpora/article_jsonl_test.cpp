// Press / PR JSONL reader: fields, HTML text, channels, outlets without URL, each quarantine reason.
#include <thread>

#include <gtest/gtest.h>

#include "corpora/reader_test_util.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
using relais::testing::FixturesDir;
using relais::testing::ReadText;
using relais::testing::ReadWith;

TEST(ArticleJsonlReader, FixtureRecordsAndReasons) {
  auto r = ReadWith(Format::kPressJsonl, FixturesDir() / "input" / "press.jsonl");
  // 10 lines: 4 good, then (by line) 3 missing published, 4 bad date, 5 no title/text,
  // 7 cut JSON, 8 an array, 10 a Latin-1 byte.
  ASSERT_EQ(r.records.size(), 4u);
  ASSERT_EQ(r.diagnostics.size(), 6u);
  EXPECT_EQ(r.total(), 10u);

  const auto& a = r.records[0].items[0];
  EXPECT_EQ(r.records[0].pos.line, 1u);
  EXPECT_EQ(a.kind, ItemKind::kArticle);
  EXPECT_EQ(a.channel, Channel::kPress);
  EXPECT_EQ(a.platform, "press");
  EXPECT_TRUE(a.key.empty());
  EXPECT_EQ(a.url, "https://www.lefigaro.fr/politique/article-1");
  EXPECT_EQ(a.author.key, "lefigaro.fr");
  EXPECT_EQ(a.author.name, "Le Figaro");
  EXPECT_EQ(a.author.platform, "press");
  EXPECT_EQ(a.title, "Un titre");
  EXPECT_EQ(a.text, "Du texte & du HTML");
  EXPECT_EQ(a.lang, "fr");
  EXPECT_EQ(a.time, *ParseIso8601("2021-01-08T09:00:00Z"));

  const auto& no_url = r.records[1].items[0];
  EXPECT_TRUE(no_url.url.empty());
  EXPECT_EQ(no_url.author.key, "Corse-Matin");
  EXPECT_EQ(no_url.time, *ParseIso8601("2021-01-08T09:00:00Z"));

  const auto& pr = r.records[2].items[0];
  EXPECT_EQ(r.records[2].pos.line, 6u);
  EXPECT_EQ(pr.channel, Channel::kPr);
  EXPECT_EQ(pr.kind, ItemKind::kRelease);
  EXPECT_EQ(pr.time, 1610100000000);
  EXPECT_EQ(pr.author.key, "afp.com");
  EXPECT_EQ(r.records[3].pos.line, 9u);

  const std::pair<std::uint64_t, const char*> expected[] = {{3, "missing-field"}, {4, "bad-timestamp"},
                                                            {5, "missing-field"}, {7, "invalid-json"},
                                                            {8, "not-a-post"},    {10, "invalid-utf8"}};
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_EQ(r.diagnostics[k].pos.line, expected[k].first) << k;
    EXPECT_EQ(r.diagnostics[k].reason, expected[k].second) << k;
  }
  EXPECT_NE(r.diagnostics[0].message.find("published"), std::string::npos);
  EXPECT_NE(r.diagnostics[1].message.find("hier"), std::string::npos);
  EXPECT_NE(r.diagnostics[2].message.find("title"), std::string::npos);
  // The bad byte of line 10 is at byte 66 of the line (python: line.index(b"\xe9")), column 67.
  EXPECT_EQ(r.diagnostics[5].pos.column, 67u);
  EXPECT_NE(r.diagnostics[5].excerpt.find("\\xe9"), std::string::npos);
}

TEST(ArticleJsonlReader, PrReaderAndDateFormat) {
  ReadOptions opt;
  opt.date_format = "%d/%m/%Y %H:%M";
  auto r = ReadText(
      Format::kPrJsonl,
      R"({"url":"https://www.businesswire.com/news/1","published":"08/01/2021 14:30","title":"Annonce"})"
      "\n"
      R"({"url":"https://www.businesswire.com/news/2","published":"2021-01-08T14:30:00Z","title":"ISO refused"})",
      "pr.jsonl", opt);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].items[0].kind, ItemKind::kRelease);
  EXPECT_EQ(r.records[0].items[0].platform, "pr");
  EXPECT_EQ(r.records[0].items[0].time, *ParseIso8601("2021-01-08T14:30:00Z"));
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].reason, "bad-timestamp");
  EXPECT_NE(r.diagnostics[0].message.find("%d/%m/%Y"), std::string::npos);
}

TEST(ArticleJsonlReader, ParseLineIsThreadSafeAndDeterministic) {
  std::vector<std::string> lines;
  for (int k = 0; k < 4000; ++k) {
    lines.push_back(R"({"url":"https://www.ouest-france.fr/a/)" + std::to_string(k) +
                    R"(","published":"2021-01-08T09:00:00Z","title":"Titre &eacute; )" + std::to_string(k) +
                    R"(","text":"<p>corps</p>","outlet":"Ouest-France"})");
    if (k % 97 == 0) lines.back() = "{broken";
  }
  auto reader = MakeReader(Format::kPressJsonl, {});
  auto parse_range = [&](std::size_t b, std::size_t e, std::vector<RecordOutcome>& out) {
    for (std::size_t k = b; k < e; ++k) reader->ParseLine(lines[k], InputPos{"p.jsonl", k + 1, 0}, out);
  };
  std::vector<RecordOutcome> serial;
  parse_range(0, lines.size(), serial);
  std::vector<std::vector<RecordOutcome>> parts(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) threads.emplace_back([&, t] { parse_range(t * 1000, (t + 1) * 1000, parts[t]); });
  for (auto& th : threads) th.join();
  std::vector<RecordOutcome> parallel;
  for (auto& p : parts)
    for (auto& o : p) parallel.push_back(std::move(o));
  ASSERT_EQ(parallel.size(), serial.size());
  std::size_t bad = 0;
  for (std::size_t k = 0; k < serial.size(); ++k) {
    ASSERT_EQ(serial[k].index(), parallel[k].index()) << k;
    if (auto* a = std::get_if<ParsedRecord>(&serial[k])) {
      const auto& b = std::get<ParsedRecord>(parallel[k]);
      EXPECT_EQ(a->items[0].title, b.items[0].title);
      EXPECT_EQ(a->items[0].url, b.items[0].url);
      EXPECT_EQ(a->pos.line, b.pos.line);
    } else {
      ++bad;
      EXPECT_EQ(std::get<Diagnostic>(serial[k]).pos.line, std::get<Diagnostic>(parallel[k]).pos.line);
    }
  }
  EXPECT_EQ(bad, 42u);  // lines 0, 97, …, 3977
  EXPECT_EQ(std::get<ParsedRecord>(serial[1]).items[0].title, "Titre é 1");
}

TEST(ArticleJsonlReader, EditionIsThePlaceOfAPressArticle) {
  // An `edition` field, else the outlet's trailing parenthesis; "site web" is no place; releases have none.
  auto r = ReadText(Format::kPressJsonl,
                    R"j({"url":"https://www.nicematin.com/a-1","published":"2021-06-01T08:00:00Z","title":"T",)j"
                    R"j("outlet":"Nice-Matin","edition":"Cannes"})j"
                    "\n"
                    R"j({"published":"2021-06-01T08:00:00Z","title":"T","outlet":"Ouest-France (Rennes)"})j"
                    "\n"
                    R"j({"url":"https://www.lemonde.fr/a-2","published":"2021-06-01T08:00:00Z","title":"T",)j"
                    R"j("outlet":"Le Monde (site web)"})j"
                    "\n",
                    "mem.jsonl");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].items[0].geo.place, "Cannes");
  EXPECT_EQ(r.records[0].items[0].author.key, "nicematin.com");
  EXPECT_EQ(r.records[1].items[0].geo.place, "Rennes");
  EXPECT_EQ(r.records[1].items[0].author.key, "Ouest-France (Rennes)");  // no URL: the outlet as written
  EXPECT_EQ(r.records[2].items[0].geo.place, "");
  auto pr = ReadText(Format::kPrJsonl,
                     R"j({"published":"2021-06-01T08:00:00Z","title":"T","outlet":"Acme (Lyon)","edition":"Lyon"})j"
                     "\n",
                     "mem.jsonl");
  ASSERT_EQ(pr.records.size(), 1u);
  EXPECT_EQ(pr.records[0].items[0].geo.place, "");
}

}  // namespace
}  // namespace relais::corpora
