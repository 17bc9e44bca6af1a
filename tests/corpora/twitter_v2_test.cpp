// Twitter v2 reader: twarc2 pages, flattened lines and tweepy bodies, with counts checked
// independently (python3 over the same files) and bad input for every reason code.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "relais/corpora/reader.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

struct V2Tally {
  std::vector<ParsedRecord> records;
  std::vector<Diagnostic> diagnostics;
  std::map<std::string, int> by_reason;
  std::map<ItemKind, int> by_kind;
  std::size_t expansions = 0;
  const ParsedRecord* Find(std::string_view key) const {
    for (const auto& r : records) {
      if (r.items[0].key == key) return &r;
    }
    return nullptr;
  }
};

V2Tally CountV2(std::vector<RecordOutcome> outcomes) {
  V2Tally t;
  for (auto& o : outcomes) {
    if (auto* d = std::get_if<Diagnostic>(&o)) {
      ++t.by_reason[d->reason];
      t.diagnostics.push_back(std::move(*d));
      continue;
    }
    auto& r = std::get<ParsedRecord>(o);
    EXPECT_FALSE(r.items.at(0).expansion);
    for (std::size_t i = 1; i < r.items.size(); ++i) EXPECT_TRUE(r.items[i].expansion);
    ++t.by_kind[r.items[0].kind];
    t.expansions += r.items.size() - 1;
    t.records.push_back(std::move(r));
  }
  return t;
}

using relais::testing::Slurp;

// As the ingest pipeline does for line-oriented readers: one ParseLine per non-blank line.
V2Tally ParseV2Lines(std::string_view content, const std::string& file = "mem.jsonl") {
  auto reader = MakeReader(Format::kTwitterV2, {});
  std::vector<RecordOutcome> out;
  std::uint64_t line_no = 0;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    ++line_no;
    std::string_view line = content.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) reader->ParseLine(line, {file, line_no, 0}, out);
    start = end + 1;
  }
  return CountV2(std::move(out));
}

V2Tally ParseV2FileByLines(const std::filesystem::path& p) { return ParseV2Lines(Slurp(p), p.string()); }

V2Tally ParseV2Document(const std::filesystem::path& p) {
  auto reader = MakeReader(Format::kTwitterV2, {});
  std::vector<RecordOutcome> out;
  reader->ParseDocument(Slurp(p), p.string(), out);
  return CountV2(std::move(out));
}

TEST(TwitterV2, Brexit) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  V2Tally t = ParseV2FileByLines(dir / "twarc2-jsonl" / "brexit.jsonl");
  ASSERT_EQ(t.records.size(), 100u);
  EXPECT_TRUE(t.diagnostics.empty());
  // python3 over referenced_tweets: retweeted 67, else quoted 11, else replied_to 10.
  EXPECT_EQ(t.by_kind[ItemKind::kRetweet], 67);
  EXPECT_EQ(t.by_kind[ItemKind::kQuote], 11);
  EXPECT_EQ(t.by_kind[ItemKind::kReply], 10);
  EXPECT_EQ(t.by_kind[ItemKind::kOriginal], 12);
  const ParsedRecord* first = t.Find("twitter:1440716895355764743");
  ASSERT_NE(first, nullptr);
  const ItemRecord& item = first->items[0];
  EXPECT_EQ(item.platform, "twitter");
  EXPECT_EQ(item.channel, Channel::kSocial);
  EXPECT_EQ(item.author.key, "@WarmongerHodges");
  EXPECT_EQ(item.author.handle, "WarmongerHodges");
  EXPECT_EQ(item.author.name.substr(0, 30), "Frank Owen's Legendary Paintbr");
  EXPECT_EQ(item.time, *ParseIso8601("2021-09-22T16:37:29.000Z"));
  EXPECT_EQ(item.lang, "en");
  EXPECT_TRUE(item.text.starts_with("The same Labour MPs that were happy to cite party members"));
  EXPECT_EQ(first->pos.line, 1u);
}

TEST(TwitterV2, TwoSetsAndWithheld) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  V2Tally two = ParseV2FileByLines(dir / "twarc2-jsonl" / "2sets.jsonl");
  EXPECT_EQ(two.records.size(), 200u);
  EXPECT_TRUE(two.diagnostics.empty());
  EXPECT_EQ(two.by_kind[ItemKind::kRetweet], 145);
  // withheld.jsonl: 215 tweets; 6 on line 5 have an author_id absent from includes.users (withheld
  // accounts), so they cannot be attributed: quarantined, not dropped.
  V2Tally w = ParseV2FileByLines(dir / "twarc2-jsonl" / "withheld.jsonl");
  EXPECT_EQ(w.records.size() + w.diagnostics.size(), 215u);
  EXPECT_EQ(w.records.size(), 209u);
  ASSERT_EQ(w.by_reason["missing-field"], 6);
  EXPECT_EQ(w.diagnostics[0].pos.line, 5u);
  EXPECT_NE(w.diagnostics[0].message.find("1228027987439702016"), std::string::npos);
  EXPECT_NE(w.diagnostics[0].message.find("includes.users"), std::string::npos);
}

TEST(TwitterV2, EntitiesAndExpansions) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  V2Tally t = ParseV2FileByLines(dir / "twarc2-jsonl" / "entities_test.jsonl");
  ASSERT_EQ(t.records.size(), 474u);
  EXPECT_TRUE(t.diagnostics.empty());
  EXPECT_EQ(t.by_kind[ItemKind::kRetweet], 314);
  EXPECT_EQ(t.by_kind[ItemKind::kQuote], 12);
  EXPECT_EQ(t.by_kind[ItemKind::kReply], 82);
  // python3: referenced tweets reachable through includes.tweets (transitively, once per record).
  EXPECT_EQ(t.expansions, 449u);

  const ParsedRecord* tagged = t.Find("twitter:1574184795399069697");
  ASSERT_NE(tagged, nullptr);
  EXPECT_EQ(tagged->items[0].author.key, "@LaghertaHedeby");
  EXPECT_EQ(tagged->items[0].hashtags,
            (std::vector<std::string>{"Italy", "threat", "Italie", "Italia", "VonDerLeyen", "Italien"}));
  EXPECT_EQ(tagged->items[0].links, std::vector<std::string>{"https://3speak.tv/watch?v=rair2/gdxtizzj"});
  EXPECT_EQ(tagged->items[0].mentions, std::vector<std::string>{"matteosalvinimi"});
  EXPECT_TRUE(tagged->items[0].lang.empty());

  const ParsedRecord* unwound = t.Find("twitter:1574186487272177664");
  ASSERT_NE(unwound, nullptr);
  EXPECT_EQ(
      unwound->items[0].links,
      std::vector<std::string>{"https://www.adnkronos.com/salvini-ringrazia-ironia-social-lega-sotto-il-10-grazie-a-te_"
                               "4MXKjsEKf6zRTdY71G2Q4f"});

  // A retweet of a quote: kind retweet; the retweeted tweet is an expansion with its own quote ref.
  const ParsedRecord* rtq = t.Find("twitter:1574186971085344768");
  ASSERT_NE(rtq, nullptr);
  EXPECT_EQ(rtq->items[0].kind, ItemKind::kRetweet);
  ASSERT_EQ(rtq->items[0].refs.size(), 1u);
  EXPECT_EQ(rtq->items[0].refs[0].target_key, "twitter:1574155575360880640");
  EXPECT_EQ(rtq->items[0].refs[0].target_author_handle, "victorgdlv");
  ASSERT_GE(rtq->items.size(), 2u);
  const ItemRecord& quoted = rtq->items[1];
  EXPECT_EQ(quoted.key, "twitter:1574155575360880640");
  EXPECT_EQ(quoted.kind, ItemKind::kQuote);
  bool has_quote_ref = false;
  for (const auto& ref : quoted.refs) {
    has_quote_ref |= ref.layer == Layer::kQuote && ref.target_key == "twitter:1574144481921843201";
  }
  EXPECT_TRUE(has_quote_ref);

  const ParsedRecord* reply = t.Find("twitter:1574186961383718912");
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->items[0].kind, ItemKind::kReply);
  ASSERT_EQ(reply->items[0].refs.size(), 1u);
  EXPECT_EQ(reply->items[0].refs[0].layer, Layer::kReply);
  EXPECT_EQ(reply->items[0].refs[0].target_key, "twitter:1574185528781508608");
  EXPECT_EQ(reply->items[0].refs[0].target_author_handle, "mikemoratinos");
}

TEST(TwitterV2, FlatAndNoflatGiveTheSameTweets) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  V2Tally flat = ParseV2FileByLines(dir / "twarc2-jsonl" / "flat.jsonl");
  V2Tally noflat = ParseV2FileByLines(dir / "twarc2-jsonl" / "noflat.jsonl");
  ASSERT_EQ(flat.records.size(), 100u);
  ASSERT_EQ(noflat.records.size(), 100u);
  EXPECT_TRUE(flat.diagnostics.empty());
  EXPECT_TRUE(noflat.diagnostics.empty());
  std::map<std::string, const ItemRecord*> by_key;
  for (const auto& r : noflat.records) by_key[r.items[0].key] = &r.items[0];
  for (const auto& r : flat.records) {
    const ItemRecord& a = r.items[0];
    auto it = by_key.find(a.key);
    ASSERT_NE(it, by_key.end()) << a.key;
    const ItemRecord& b = *it->second;
    EXPECT_EQ(a.author.key, b.author.key) << a.key;
    EXPECT_EQ(a.kind, b.kind) << a.key;
    EXPECT_EQ(a.text, b.text) << a.key;
    EXPECT_EQ(a.time, b.time) << a.key;
    EXPECT_EQ(a.links, b.links) << a.key;
    ASSERT_EQ(a.refs.size(), b.refs.size()) << a.key;
    for (std::size_t i = 0; i < a.refs.size(); ++i) {
      EXPECT_EQ(a.refs[i].target_key, b.refs[i].target_key);
      EXPECT_EQ(a.refs[i].target_author_handle, b.refs[i].target_author_handle) << a.key;
    }
  }
  EXPECT_EQ(flat.Find("twitter:1380242611781386245")->items[0].author.key, "@Alexandravm12");
  EXPECT_EQ(flat.by_kind[ItemKind::kRetweet], 47);
  EXPECT_EQ(flat.by_kind[ItemKind::kReply], 31);
}

TEST(TwitterV2, StreamWithACutLine) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  for (bool by_lines : {true, false}) {
    auto path = dir / "twarc2-jsonl" / "streaming_output_with_error.jsonl";
    V2Tally t = by_lines ? ParseV2FileByLines(path) : ParseV2Document(path);
    EXPECT_EQ(t.records.size(), 7u);
    ASSERT_EQ(t.diagnostics.size(), 1u);
    // Line 8 is `{"data": {"author_id": "1021159080151404544"`: not valid JSON because it is cut off.
    EXPECT_EQ(t.diagnostics[0].reason, "truncated");
    EXPECT_EQ(t.diagnostics[0].pos.line, 8u);
    EXPECT_EQ(t.diagnostics[0].excerpt, R"({"data": {"author_id": "1021159080151404544")");
  }
}

TEST(TwitterV2, LinesWithoutTweetsAreAccounted) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  for (const char* name : {"counts.jsonl", "users.jsonl"}) {
    V2Tally t = ParseV2FileByLines(dir / "twarc2-jsonl" / name);
    EXPECT_TRUE(t.records.empty()) << name;
    ASSERT_EQ(t.diagnostics.size(), 1u) << name;
    EXPECT_EQ(t.diagnostics[0].reason, "not-a-tweet");
  }
  V2Tally compliance = ParseV2FileByLines(dir / "twarc2-jsonl" / "tweets_compliance.jsonl");
  EXPECT_EQ(compliance.by_reason["not-a-tweet"], 2);
  EXPECT_NE(compliance.diagnostics.at(0).message.find("delete"), std::string::npos);
  EXPECT_TRUE(ParseV2Document(dir / "twarc2-jsonl" / "empty.json").diagnostics.empty());
}

TEST(TwitterV2, TweepyBodies) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  auto bodies = dir / "tweepy-cassettes" / "bodies";
  // These bodies were requested without expansions: tweets have no created_at nor author_id, so
  // every one is quarantined as missing-field (python3: 2 and 98 tweets in data).
  V2Tally two = ParseV2Document(bodies / "test_client_get_tweets__00.json");
  ASSERT_EQ(two.by_reason["missing-field"], 2);
  EXPECT_EQ(two.diagnostics.size(), 2u);
  EXPECT_EQ(two.diagnostics[0].pos.line, 3u);  // where each element of "data" starts
  EXPECT_EQ(two.diagnostics[1].pos.line, 10u);
  EXPECT_NE(two.diagnostics[0].message.find("created_at"), std::string::npos);
  V2Tally home = ParseV2Document(bodies / "test_client_get_home_timeline__00.json");
  EXPECT_EQ(home.by_reason["missing-field"], 98);
  EXPECT_TRUE(home.records.empty());
}

TEST(TwitterV2, LineOrientedForHead) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  auto reader = MakeReader(Format::kTwitterV2, {});
  auto head = [](const std::filesystem::path& p) { return Slurp(p).substr(0, 4096); };
  EXPECT_TRUE(reader->line_oriented_for(head(dir / "twarc2-jsonl" / "brexit.jsonl")));
  EXPECT_TRUE(reader->line_oriented_for(head(dir / "twarc2-jsonl" / "flat.jsonl")));
  EXPECT_TRUE(reader->line_oriented_for(""));
  EXPECT_FALSE(
      reader->line_oriented_for(head(dir / "tweepy-cassettes" / "bodies" / "test_client_get_tweets__00.json")));
}

// ---- bad input ----

constexpr std::string_view kPage =
    R"({"data":[{"id":"10","text":"x &lt;3 #t","author_id":"1","created_at":"2021-01-08T23:21:05.000Z",)"
    R"("lang":"fr","entities":{"hashtags":[{"start":8,"end":10,"tag":"t"}]},)"
    R"("referenced_tweets":[{"type":"quoted","id":"11"}]}],)"
    R"("includes":{"users":[{"id":"1","username":"ann","name":"Ann"},{"id":"2","username":"bob","name":"Bob"}],)"
    R"("tweets":[{"id":"11","text":"orig","author_id":"2","created_at":"2021-01-08T20:00:00Z"}]}})";

TEST(TwitterV2Bad, EveryReason) {
  std::string bad_utf8(kPage);
  bad_utf8.replace(bad_utf8.find("orig"), 1, "\xFF");
  std::string content;
  content += std::string(kPage) + "\n";                 // 1 ok
  content += bad_utf8 + "\n";                           // 2 invalid-utf8
  content += std::string(kPage.substr(0, 100)) + "\n";  // 3 truncated
  content += R"({"data":[{"id":"12","text":"t","author_id":"1","created_at":"yesterday"}],)"
             R"("includes":{"users":[{"id":"1","username":"ann"}]}})"
             "\n";  // 4 bad-timestamp
  content += R"({"data":[{"id":"13","text":"t","author_id":"1"}],"includes":{"users":[{"id":"1","username":"a"}]}})"
             "\n";
  content += R"({"errors":[{"title":"Not Found Error"}]})"
             "\n";  // 6 not-a-tweet
  content += R"({"data":[{"id":"1" "text":"t"}]})"
             "\n";  // 7 invalid-json
  for (bool by_lines : {true, false}) {
    V2Tally t;
    if (by_lines) {
      t = ParseV2Lines(content, "bad.jsonl");
    } else {
      auto reader = MakeReader(Format::kTwitterV2, {});
      std::vector<RecordOutcome> out;
      reader->ParseDocument(content, "bad.jsonl", out);
      t = CountV2(std::move(out));
    }
    ASSERT_EQ(t.records.size(), 1u);
    const ParsedRecord& r = t.records[0];
    EXPECT_EQ(r.items[0].text, "x <3 #t");
    EXPECT_EQ(r.items[0].kind, ItemKind::kQuote);
    EXPECT_EQ(r.items[0].hashtags, std::vector<std::string>{"t"});
    EXPECT_EQ(r.items[0].refs.at(0).target_author_handle, "bob");
    ASSERT_EQ(r.items.size(), 2u);
    EXPECT_EQ(r.items[1].key, "twitter:11");
    EXPECT_EQ(r.items[1].author.key, "@bob");
    std::vector<std::pair<std::uint64_t, std::string>> got;
    for (const auto& d : t.diagnostics) got.emplace_back(d.pos.line, d.reason);
    std::vector<std::pair<std::uint64_t, std::string>> want = {{2, "invalid-utf8"},  {3, "truncated"},
                                                               {4, "bad-timestamp"}, {5, "missing-field"},
                                                               {6, "not-a-tweet"},   {7, "invalid-json"}};
    EXPECT_EQ(got, want);
    EXPECT_NE(t.diagnostics[0].message.find("byte " + std::to_string(bad_utf8.find('\xFF'))), std::string::npos);
    EXPECT_NE(t.diagnostics[2].message.find("\"yesterday\""), std::string::npos);
    EXPECT_NE(t.diagnostics[3].message.find("created_at"), std::string::npos);
  }
}

// Every prefix and many byte flips of a real page: never an exception, never a record lost.
TEST(TwitterV2Bad, CutsAndFlipsOfARealPageAreAccounted) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  std::string page = Slurp(dir / "twarc2-jsonl" / "two_tweets.jsonl");
  page = page.substr(0, page.find('\n'));
  auto reader = MakeReader(Format::kTwitterV2, {});
  std::size_t step = std::max<std::size_t>(1, page.size() / 300);
  for (std::size_t cut = 1; cut < page.size(); cut += step) {
    std::vector<RecordOutcome> out;
    ASSERT_NO_THROW(reader->ParseLine(std::string_view(page).substr(0, cut), {"cut", 1, 0}, out)) << cut;
    ASSERT_EQ(out.size(), 1u) << cut;  // a cut page is one bad record
    EXPECT_TRUE(std::holds_alternative<Diagnostic>(out[0])) << cut;
  }
  for (std::size_t pos = 0; pos < page.size(); pos += step) {
    for (char c : {'\0', '"', '}', '\xFF', 'x'}) {
      std::string flipped = page;
      flipped[pos] = c;
      std::vector<RecordOutcome> out;
      ASSERT_NO_THROW(reader->ParseLine(flipped, {"flip", 1, 0}, out)) << pos;
      EXPECT_GE(out.size(), 1u) << pos;
    }
  }
}

TEST(TwitterV2Bad, FlattenedTweetWithoutAuthor) {
  V2Tally t = ParseV2Lines(R"({"id":"5","text":"t","created_at":"2021-01-08T23:21:05Z"})");
  ASSERT_EQ(t.diagnostics.size(), 1u);
  EXPECT_EQ(t.diagnostics[0].reason, "missing-field");
  EXPECT_NE(t.diagnostics[0].message.find("author_id"), std::string::npos);
}

}  // namespace
}  // namespace relais::corpora
