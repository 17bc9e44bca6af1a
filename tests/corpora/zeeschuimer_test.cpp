// Zeeschuimer / 4CAT NDJSON: the X capture checked against the decoder's own CSV, TikTok and
// Instagram items counted as unsupported platforms, and each quarantine reason.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "corpora/reader_ingest_util.hpp"
#include "corpora/reader_test_util.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
namespace fs = std::filesystem;
using relais::testing::CountKind;
using relais::testing::ReadText;
using relais::testing::ReadWith;

fs::path Dir(const fs::path& data) { return data / "zeeschuimer-ndjson"; }

// RFC 4180 rows (quoted fields may hold commas, quotes and newlines).
std::vector<std::vector<std::string>> ReadCsv(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

std::string DecodeEntities(std::string s) {
  for (auto [from, to] : {std::pair<std::string, std::string>{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
    for (std::size_t p; (p = s.find(from)) != std::string::npos;) s.replace(p, from.size(), to);
  return s;
}

TEST(ZeeschuimerReader, XCaptureMatchesTheDecodersCsv) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  const fs::path dir = Dir(data) / "zeeschuimer-decoder" / "test-files";
  auto r = ReadWith(Format::kZeeschuimer, dir / "twitter-test.ndjson");
  ASSERT_EQ(r.records.size(), 104u);
  EXPECT_TRUE(r.diagnostics.empty());             // the 4 items without data.__typename are read too
  EXPECT_EQ(CountKind(r, ItemKind::kReply), 55);  // 57 replies, 2 of them quotes
  EXPECT_EQ(CountKind(r, ItemKind::kQuote), 24);
  EXPECT_EQ(CountKind(r, ItemKind::kOriginal), 25);
  std::size_t expansions = 0;
  for (const auto& rec : r.records) expansions += rec.items.size() - 1;
  EXPECT_EQ(expansions, 23u);  // one quoted result is not readable: its quote is by id
  auto csv = ReadCsv(dir / "twitter-test.csv");
  ASSERT_EQ(csv.size(), 105u);
  ASSERT_EQ(csv[0][1], "id");
  std::map<std::string, std::vector<std::string>> by_id;
  for (std::size_t i = 1; i < csv.size(); ++i) by_id[csv[i][1]] = csv[i];
  int same_text = 0, longer_note = 0;
  for (const auto& rec : r.records) {
    const auto& it = rec.items[0];
    auto row = by_id.find(it.key.substr(8));
    ASSERT_NE(row, by_id.end()) << it.key;
    EXPECT_EQ(it.author.name, row->second[5]);
    EXPECT_EQ(it.url, "https://twitter.com/" + it.author.handle + "/status/" + row->second[1]);
    // The decoder writes legacy.full_text with its HTML entities; the note tweet is longer here.
    std::string expected = DecodeEntities(row->second[3]);
    if (it.text == expected) {
      ++same_text;
    } else if (it.text.size() > expected.size()) {
      ++longer_note;
    }
  }
  EXPECT_EQ(same_text, 103);
  EXPECT_EQ(longer_note, 1);  // 516 characters against 270 in full_text
}

TEST(ZeeschuimerReader, OtherPlatformsAreCountedNotDropped) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto tiktok = ReadWith(Format::kZeeschuimer, Dir(data) / "zeeschuimer-decoder" / "test-files" / "tiktok-test.ndjson");
  EXPECT_EQ(tiktok.records.size(), 0u);
  EXPECT_EQ(tiktok.by_reason["unsupported-platform"], 96);
  auto s = relais::testing::IngestAndSummarise({(Dir(data) / "zeeschuimer-workshop").string()});
  EXPECT_EQ(s.result.by_format.at("zeeschuimer").read, 52u);  // 23 + 14 + 15 Instagram items
  EXPECT_EQ(s.result.by_reason.at("unsupported-platform"), 52u);
  EXPECT_TRUE(s.result.failed_files.empty());
}

TEST(ZeeschuimerReader, IngestedAndSniffed) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  const fs::path p = Dir(data) / "zeeschuimer-decoder" / "test-files" / "twitter-test.ndjson";
  auto f = SniffFormat(p, ReadAll(p).substr(0, 65536));
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, Format::kZeeschuimer);
  auto s = relais::testing::IngestAndSummarise({p.string()});
  EXPECT_EQ(s.result.total.read, 104u);
  EXPECT_EQ(s.result.total.accepted, 104u);
  EXPECT_EQ(s.result.expansions_added, 22u);  // 23 expansions, one tweet quoted twice (python)
}

TEST(ZeeschuimerReader, EachQuarantineReason) {
  auto reasons = [](const std::string& line) { return ReadText(Format::kZeeschuimer, line, "x.ndjson").by_reason; };
  EXPECT_EQ(reasons(R"({"source_platform":"tiktok.com","data":{"id":"1"}})")["unsupported-platform"], 1);
  EXPECT_EQ(reasons(R"({"data":{"id":"1"}})")["missing-field"], 1);
  EXPECT_EQ(reasons(R"({"source_platform":"twitter.com"})")["missing-field"], 1);
  EXPECT_EQ(reasons(R"({"source_platform":"x.com","data":{"__typename":"TweetTombstone"}})")["tombstone"], 1);
  EXPECT_EQ(reasons(R"({"source_platform":"x.com","data":{"__typename":"TweetUnavailable"}})")["unavailable"], 1);
  EXPECT_EQ(reasons(R"({"source_platform":"x.com","data":{"__typename":"User"}})")["not-a-tweet"], 1);
  EXPECT_EQ(
      reasons(
          R"({"source_platform":"x.com","data":{"rest_id":"1","legacy":{"created_at":"x"},"core":{"user_results":{"result":{"legacy":{"screen_name":"a"}}}}}})")
          ["bad-timestamp"],
      1);
  EXPECT_EQ(reasons(R"([1])")["not-a-post"], 1);
  EXPECT_EQ(reasons(R"({"source_platform":)")["invalid-json"], 1);
  EXPECT_EQ(reasons("{\"source_platform\":\"\xff\"}")["invalid-utf8"], 1);
}

}  // namespace
}  // namespace relais::corpora
