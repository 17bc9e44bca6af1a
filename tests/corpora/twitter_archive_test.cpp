// Twitter archive reader: tweets.js with its owner from account.js, counts checked independently
// (python3 over the same files), and the archive's quirks (string numbers, "RT @" retweets).
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <zlib.h>

#include "relais/corpora/reader.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

struct ArchiveTally {
  std::vector<ParsedRecord> records;
  std::vector<Diagnostic> diagnostics;
  std::map<ItemKind, int> by_kind;
  const ItemRecord* Find(std::string_view key) const {
    for (const auto& r : records) {
      if (r.items[0].key == key) return &r.items[0];
    }
    return nullptr;
  }
};

ArchiveTally Parse(std::string_view content, const std::string& path) {
  auto reader = MakeReader(Format::kTwitterArchive, {});
  EXPECT_FALSE(reader->line_oriented());
  std::vector<RecordOutcome> out;
  reader->ParseDocument(content, path, out);
  ArchiveTally t;
  for (auto& o : out) {
    if (auto* d = std::get_if<Diagnostic>(&o)) {
      t.diagnostics.push_back(std::move(*d));
      continue;
    }
    auto& r = std::get<ParsedRecord>(o);
    ++t.by_kind[r.items.at(0).kind];
    t.records.push_back(std::move(r));
  }
  return t;
}

using relais::testing::Slurp;

std::string Gunzip(const std::filesystem::path& p) {
  gzFile f = gzopen(p.c_str(), "rb");
  std::string out;
  if (!f) return out;
  char buf[65536];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

TEST(TwitterArchive, First500WithOwnerFromAccountJs) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  auto path = dir / "twitter-archive-export" / "tweets.first500.js";
  ArchiveTally t = Parse(Slurp(path), path.string());
  ASSERT_EQ(t.records.size(), 500u);
  EXPECT_TRUE(t.diagnostics.empty());
  // python3: full_text starting "RT @" 163; in_reply_to_status_id_str (none of them RTs) 142.
  EXPECT_EQ(t.by_kind[ItemKind::kRetweet], 163);
  EXPECT_EQ(t.by_kind[ItemKind::kReply], 142);
  EXPECT_EQ(t.by_kind[ItemKind::kOriginal], 195);
  for (const auto& r : t.records) {
    ASSERT_EQ(r.items[0].author.key, "@andreruffert");
    EXPECT_EQ(r.items[0].author.platform_id, "112769581");
    EXPECT_EQ(r.items[0].author.name, "Andr\xC3\xA9 Ruffert");
  }
  const ItemRecord* first = t.Find("twitter:1588091220244369409");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(t.records[0].pos.line, 2u);
  EXPECT_EQ(t.records[1].pos.line, 124u);  // python3: line where the second element starts
  EXPECT_EQ(t.records[499].pos.line, 31298u);
  EXPECT_EQ(first->time, *ParseTwitterDate("Thu Nov 03 08:50:26 +0000 2022"));
  EXPECT_EQ(first->hashtags, std::vector<std::string>{"LeadDevBerlin"});
  EXPECT_EQ(first->lang, "en");
  const ItemRecord* linked = t.Find("twitter:905726273758130176");
  ASSERT_NE(linked, nullptr);
  EXPECT_EQ(linked->links, std::vector<std::string>{"http://nordicjs.com/live"});

  // Retweets only as text: the ref keeps the retweeted handle, with no target key.
  const ItemRecord* rt = t.Find("twitter:1471135073105858562");
  ASSERT_NE(rt, nullptr);
  EXPECT_EQ(rt->kind, ItemKind::kRetweet);
  ASSERT_EQ(rt->refs.size(), 1u);
  EXPECT_EQ(rt->refs[0].layer, Layer::kRetweet);
  EXPECT_TRUE(rt->refs[0].target_key.empty());
  EXPECT_EQ(rt->refs[0].target_author_handle, "year_progress");

  const ItemRecord* reply = t.Find("twitter:1587920147083591680");
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->kind, ItemKind::kReply);
  EXPECT_EQ(reply->refs.at(0).target_key, "twitter:1587919612078739456");
  EXPECT_EQ(reply->refs.at(0).target_author_handle, "OleMchls");

  const ItemRecord* html = t.Find("twitter:1244662305805275136");
  ASSERT_NE(html, nullptr);
  EXPECT_NE(html->text.find("a <progressive-image> custom element"), std::string::npos);
}

TEST(TwitterArchive, FullArchiveGz) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  // Decompressed here: .gz is the input layer's job in the pipeline.
  auto gz = dir / "twitter-archive-export" / "tweets.full.js.gz";
  std::string content = Gunzip(gz);
  ASSERT_GT(content.size(), 3'000'000u);
  ArchiveTally t = Parse(content, (dir / "twitter-archive-export" / "tweets.full.js").string());
  ASSERT_EQ(t.records.size(), 1986u);
  EXPECT_TRUE(t.diagnostics.empty());
  EXPECT_EQ(t.by_kind[ItemKind::kRetweet], 643);
  EXPECT_EQ(t.by_kind[ItemKind::kReply], 485);
  EXPECT_EQ(t.by_kind[ItemKind::kOriginal], 858);
}

TEST(TwitterArchive, WithoutAccountJsEveryTweetIsQuarantined) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  std::string content = Slurp(dir / "twitter-archive-export" / "tweets.first500.js");
  testing::TempDir tmp;  // no account.js there
  ArchiveTally t = Parse(content, (tmp.path() / "tweets.js").string());
  EXPECT_TRUE(t.records.empty());
  ASSERT_EQ(t.diagnostics.size(), 500u);
  EXPECT_EQ(t.diagnostics[0].reason, "missing-field");
  EXPECT_NE(t.diagnostics[0].message.find("account.js"), std::string::npos);
}

TEST(TwitterArchive, OwnAccountJsAndBadElements) {
  testing::TempDir tmp;
  {
    std::ofstream acc(tmp.path() / "account.js");
    acc << "window.YTD.account.part0 = [\n  {\n    \"account\" : {\n      \"username\" : \"mairie\",\n"
           "      \"accountId\" : \"42\",\n      \"accountDisplayName\" : \"Mairie\"\n    }\n  }\n]";
  }
  std::string content =
      "window.YTD.tweets.part0 = [\n"
      "  {\"tweet\" : {\"id_str\" : \"1\", \"created_at\" : \"Thu Nov 03 08:50:26 +0000 2022\", \"full_text\" : "
      "\"RT @afp: x &amp; y\", \"entities\" : {\"user_mentions\" : [{\"screen_name\" : \"afp\"}]}}},\n"
      "  {\"tweet\" : {\"id_str\" : \"2\", \"created_at\" : \"03/11/2022\", \"full_text\" : \"t\"}},\n"
      "  {\"tweet\" : {\"created_at\" : \"Thu Nov 03 08:50:26 +0000 2022\", \"full_text\" : \"t\"}},\n"
      "  {\"tweet\" : {\"id_str\" : \"4\", \"full_text\" : \"\xE9t\xE9\"}},\n"
      "  {\"tweet\" : {\"id_str\" : \"5\", \"full_text\" : \"cut";
  ArchiveTally t = Parse(content, (tmp.path() / "tweets.js").string());
  ASSERT_EQ(t.records.size(), 1u);
  EXPECT_EQ(t.records[0].items[0].author.key, "@mairie");
  EXPECT_EQ(t.records[0].items[0].text, "RT @afp: x & y");
  EXPECT_EQ(t.records[0].items[0].mentions, std::vector<std::string>{"afp"});
  EXPECT_EQ(t.records[0].items[0].refs.at(0).target_author_handle, "afp");
  std::vector<std::pair<std::uint64_t, std::string>> got;
  for (const auto& d : t.diagnostics) got.emplace_back(d.pos.line, d.reason);
  std::vector<std::pair<std::uint64_t, std::string>> want = {
      {3, "bad-timestamp"}, {4, "missing-field"}, {5, "invalid-utf8"}, {6, "truncated"}};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace relais::corpora
