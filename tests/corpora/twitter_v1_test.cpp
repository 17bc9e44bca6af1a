// Twitter v1.1 reader: real statuses (JSONL, `var tweets = [...]`, Gnip activities, tweepy bodies)
// with counts checked independently (python3) and one test per quarantine reason.
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "relais/corpora/reader.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

struct V1Tally {
  std::vector<ParsedRecord> records;
  std::vector<Diagnostic> diagnostics;
  std::map<std::string, int> by_reason;
  std::map<ItemKind, int> by_kind;
  const ItemRecord* Find(std::string_view key) const {
    for (const auto& r : records) {
      if (r.items[0].key == key) return &r.items[0];
    }
    return nullptr;
  }
};

V1Tally CountV1(std::vector<RecordOutcome> outcomes) {
  V1Tally t;
  for (auto& o : outcomes) {
    if (auto* d = std::get_if<Diagnostic>(&o)) {
      ++t.by_reason[d->reason];
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

V1Tally ParseV1Document(const std::filesystem::path& p) {
  auto reader = MakeReader(Format::kTwitterV1, {});
  std::vector<RecordOutcome> out;
  reader->ParseDocument(Slurp(p), p.string(), out);
  return CountV1(std::move(out));
}

// As the ingest pipeline does for line-oriented readers: one ParseLine per non-blank line.
V1Tally ParseV1Lines(std::string_view content, const std::string& file = "mem.jsonl") {
  auto reader = MakeReader(Format::kTwitterV1, {});
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
  return CountV1(std::move(out));
}

TEST(TwitterV1, OriginalFormatExamples) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  auto path = dir / "twitterdev-tweet-payloads" / "original_format_examples.json";
  V1Tally t = ParseV1Document(path);
  ASSERT_EQ(t.records.size(), 25u);
  EXPECT_TRUE(t.diagnostics.empty());
  // python3: retweeted_status 3; quoted_status (not retweets) 8; replies that are not quotes 3.
  EXPECT_EQ(t.by_kind[ItemKind::kRetweet], 3);
  EXPECT_EQ(t.by_kind[ItemKind::kQuote], 8);
  EXPECT_EQ(t.by_kind[ItemKind::kReply], 3);
  EXPECT_EQ(t.by_kind[ItemKind::kOriginal], 11);
  int reply_refs = 0;
  for (const auto& r : t.records) {
    for (const auto& ref : r.items[0].refs) reply_refs += ref.layer == Layer::kReply;
  }
  EXPECT_EQ(reply_refs, 4);  // 4 statuses have in_reply_to_status_id_str

  // extended_tweet: the full 164-character text and the extended entities.
  const ItemRecord* ext = t.Find("twitter:867479301360205824");
  ASSERT_NE(ext, nullptr);
  EXPECT_EQ(ext->kind, ItemKind::kQuote);
  EXPECT_EQ(ext->text.size(), 347u);  // 164 characters, 347 UTF-8 bytes
  ASSERT_EQ(ext->links.size(), 1u);
  EXPECT_EQ(ext->links[0], "https://twitter.com/notFromShrek/status/861652051016663040");

  // A retweet carries the retweeted status as an expansion, and the ref names its author.
  const ItemRecord* rt = t.Find("twitter:867478524235366400");
  ASSERT_NE(rt, nullptr);
  ASSERT_EQ(rt->refs.size(), 1u);
  EXPECT_EQ(rt->refs[0].layer, Layer::kRetweet);
  EXPECT_EQ(rt->refs[0].target_key, "twitter:861651727614746624");
  EXPECT_EQ(rt->refs[0].target_author_handle, "notFromShrek");
  for (const auto& r : t.records) {
    if (r.items[0].key != "twitter:867478524235366400") continue;
    ASSERT_GE(r.items.size(), 2u);
    EXPECT_TRUE(r.items[1].expansion);
    EXPECT_EQ(r.items[1].key, "twitter:861651727614746624");
    EXPECT_EQ(r.items[1].author.key, "@notFromShrek");
  }
  // The same file line by line gives the same records.
  V1Tally lines = ParseV1Lines(Slurp(path));
  ASSERT_EQ(lines.records.size(), 25u);
  for (std::size_t i = 0; i < 25; ++i) {
    EXPECT_EQ(lines.records[i].items[0].key, t.records[i].items[0].key);
    EXPECT_EQ(lines.records[i].pos.line, t.records[i].pos.line);
  }
}

TEST(TwitterV1, ActivityStreamsExamples) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  V1Tally t = ParseV1Document(dir / "twitterdev-tweet-payloads" / "activity_streams_examples.json");
  ASSERT_EQ(t.records.size(), 25u);
  EXPECT_TRUE(t.diagnostics.empty());
  // python3: verb share 3; twitter_quoted_status 8 (none of them shares); inReplyTo without a quote 3.
  EXPECT_EQ(t.by_kind[ItemKind::kRetweet], 3);
  EXPECT_EQ(t.by_kind[ItemKind::kQuote], 8);
  EXPECT_EQ(t.by_kind[ItemKind::kReply], 3);
  const ItemRecord* first = t.Find("twitter:887453193294282752");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->author.key, "@RobotPrincessFi");
  EXPECT_EQ(first->author.platform_id, "815279070241955840");
  EXPECT_EQ(first->time, *ParseIso8601("2017-07-18T23:25:04.000Z"));
  // long_object carries the full text of a 280-character activity.
  const ItemRecord* lng = t.Find("twitter:867479301360205824");
  ASSERT_NE(lng, nullptr);
  EXPECT_EQ(lng->text.size(), 347u);
}

TEST(TwitterV1, FrenchTimelineJsonlAndJsArray) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  V1Tally jsonl = ParseV1Document(dir / "v1-fr-timeline-2013" / "statuses.jsonl");
  V1Tally js = ParseV1Document(dir / "v1-fr-timeline-2013" / "tweets_var.js");
  for (V1Tally* t : {&jsonl, &js}) {
    ASSERT_EQ(t->records.size(), 96u);
    EXPECT_TRUE(t->diagnostics.empty());
    EXPECT_EQ(t->by_kind[ItemKind::kRetweet], 37);
    EXPECT_EQ(t->by_kind[ItemKind::kReply], 19);
    EXPECT_EQ(t->by_kind[ItemKind::kOriginal], 40);
    int fr = 0;
    for (const auto& r : t->records) fr += r.items[0].lang == "fr";
    EXPECT_EQ(fr, 33);
  }
  for (std::size_t i = 0; i < 96; ++i) EXPECT_EQ(jsonl.records[i].items[0].key, js.records[i].items[0].key);
  // Lines where the array elements start (python3 raw_decode offsets).
  EXPECT_EQ(js.records[0].pos.line, 1u);
  EXPECT_EQ(js.records[1].pos.line, 105u);
  EXPECT_EQ(js.records[2].pos.line, 308u);
  EXPECT_EQ(js.records[95].pos.line, 14567u);
  EXPECT_EQ(jsonl.records[95].pos.line, 96u);

  const ItemRecord* first = js.Find("twitter:327096504772874240");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->author.key, "@GirouGuillaume");
  EXPECT_EQ(first->author.handle, "GirouGuillaume");
  EXPECT_EQ(first->author.platform_id, "572619573");
  EXPECT_EQ(first->author.name, "Guillaume Girou [\xCE\x9E]");
  EXPECT_TRUE(first->text.starts_with("Passez la vitesse sup\xC3\xA9rieure avec"));
  EXPECT_EQ(first->links, std::vector<std::string>{"http://bit.ly/Zl4CBR"});
  EXPECT_EQ(first->hashtags, (std::vector<std::string>{"dartlang", "webui"}));
  EXPECT_EQ(first->time, *ParseTwitterDate("Wed Apr 24 16:27:38 +0000 2013"));
  // HTML entities decoded as Twitter escapes them.
  const ItemRecord* gt = js.Find("twitter:328483210222768128");
  ASSERT_NE(gt, nullptr);
  EXPECT_NE(gt->text.find("#mixit13 => https://t.co/"), std::string::npos);
  const ItemRecord* amp = js.Find("twitter:324523331296567298");
  ASSERT_NE(amp, nullptr);
  EXPECT_NE(amp->text.find("Shadow DOM & more"), std::string::npos);
  // A 2013 manual "RT @…" without retweeted_status stays an original in v1.1.
  EXPECT_EQ(amp->kind, ItemKind::kOriginal);
}

TEST(TwitterV1, TweepyBodies) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  auto bodies = dir / "tweepy-cassettes" / "bodies";
  // python3: top-level statuses of the pretty-printed v1.1 bodies.
  V1Tally home = ParseV1Document(bodies / "testhometimeline__00.json");
  EXPECT_EQ(home.records.size(), 19u);
  EXPECT_TRUE(home.diagnostics.empty());
  V1Tally status = ParseV1Document(bodies / "testgetstatus__00.json");
  EXPECT_EQ(status.records.size(), 1u);
  EXPECT_EQ(status.records.at(0).pos.line, 1u);
  V1Tally retweets = ParseV1Document(bodies / "testgetretweets__00.json");
  EXPECT_EQ(retweets.records.size(), 15u);
  EXPECT_EQ(retweets.by_kind[ItemKind::kRetweet], 15);
}

// ---- bad input: one test per reason code ----

constexpr std::string_view kGood =
    R"({"created_at":"Wed Apr 24 16:27:38 +0000 2013","id":1,"id_str":"1","text":"a &amp; b","lang":"fr",)"
    R"("user":{"id_str":"9","screen_name":"Ann","name":"Ann N"},"entities":{"urls":[],"hashtags":[],"user_mentions":[]}})";

TEST(TwitterV1, LineOrientedForHead) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  auto reader = MakeReader(Format::kTwitterV1, {});
  auto head = [](const std::filesystem::path& p) { return Slurp(p).substr(0, 4096); };
  EXPECT_TRUE(reader->line_oriented_for(head(dir / "v1-fr-timeline-2013" / "statuses.jsonl")));
  EXPECT_TRUE(reader->line_oriented_for(head(dir / "twitterdev-tweet-payloads" / "original_format_examples.json")));
  EXPECT_FALSE(reader->line_oriented_for(head(dir / "v1-fr-timeline-2013" / "tweets_var.js")));
  EXPECT_FALSE(reader->line_oriented_for(head(dir / "tweepy-cassettes" / "bodies" / "testgetstatus__00.json")));
  EXPECT_FALSE(reader->line_oriented_for(head(dir / "tweepy-cassettes" / "bodies" / "testhometimeline__00.json")));
  EXPECT_TRUE(reader->line_oriented_for(std::string(kGood.substr(0, 50))));  // a first line longer than the head
}

// ---- bad input: one test per reason code ----
TEST(TwitterV1Bad, EveryRecordAccountedWithItsReason) {
  std::string bad_utf8 = std::string(kGood);
  bad_utf8.replace(bad_utf8.find("a &amp; b"), 1, "\xC3\x28");
  std::string content;
  content += std::string(kGood) + "\n";                // 1 ok
  content += bad_utf8 + "\n";                          // 2 invalid-utf8
  content += std::string(kGood.substr(0, 60)) + "\n";  // 3 truncated
  content += R"({"created_at":"x","id_str":"3","text":"t","user":{"screen_name":"a"}})"
             "\n";  // 4 bad-timestamp
  content += R"({"created_at":"Wed Apr 24 16:27:38 +0000 2013","text":"t","user":{"screen_name":"a"}})"
             "\n";  // 5
  content += R"({"delete":{"status":{"id":1,"id_str":"1","user_id":3}}})"
             "\n";  // 6 not-a-tweet
  content += R"({"id_str":"7", "text": tru})"
             "\n";  // 7 invalid-json
  content += "\n";
  content += R"({"limit":{"track":12}})"
             "\n";  // 9 not-a-tweet
  for (bool by_line : {true, false}) {
    V1Tally t;
    if (by_line) {
      t = ParseV1Lines(content, "bad.jsonl");
    } else {
      auto reader = MakeReader(Format::kTwitterV1, {});
      std::vector<RecordOutcome> out;
      reader->ParseDocument(content, "bad.jsonl", out);
      t = CountV1(std::move(out));
    }
    ASSERT_EQ(t.records.size(), 1u);
    EXPECT_EQ(t.records[0].items[0].text, "a & b");
    ASSERT_EQ(t.diagnostics.size(), 7u);
    std::vector<std::pair<std::uint64_t, std::string>> got;
    for (const auto& d : t.diagnostics) got.emplace_back(d.pos.line, d.reason);
    std::vector<std::pair<std::uint64_t, std::string>> want = {
        {2, "invalid-utf8"}, {3, "truncated"},    {4, "bad-timestamp"}, {5, "missing-field"},
        {6, "not-a-tweet"},  {7, "invalid-json"}, {9, "not-a-tweet"}};
    EXPECT_EQ(got, want);
    // Messages name the field and the value; excerpts are valid UTF-8.
    EXPECT_NE(t.diagnostics[0].message.find("byte"), std::string::npos);
    EXPECT_NE(t.diagnostics[0].excerpt.find("\\xC3"), std::string::npos);
    EXPECT_EQ(t.diagnostics[0].pos.column, bad_utf8.find("\xC3\x28") + 1);
    EXPECT_NE(t.diagnostics[2].message.find("\"created_at\" has \"x\""), std::string::npos);
    EXPECT_NE(t.diagnostics[3].message.find("id_str"), std::string::npos);
    EXPECT_NE(t.diagnostics[4].message.find("delete"), std::string::npos);
    EXPECT_EQ(t.diagnostics[1].excerpt, kGood.substr(0, 60));
  }
}

// Every prefix and many byte flips of a real status: never an exception, always one outcome.
TEST(TwitterV1Bad, CutsAndFlipsOfARealStatusAreAccounted) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  std::string status = Slurp(dir / "twitterdev-tweet-payloads" / "original_format_examples.json");
  status = status.substr(0, status.find('\n'));
  auto reader = MakeReader(Format::kTwitterV1, {});
  std::size_t step = std::max<std::size_t>(1, status.size() / 300);
  for (std::size_t cut = 1; cut < status.size(); cut += step) {
    std::vector<RecordOutcome> out;
    ASSERT_NO_THROW(reader->ParseLine(std::string_view(status).substr(0, cut), {"cut", 1, 0}, out)) << cut;
    ASSERT_EQ(out.size(), 1u) << cut;
    EXPECT_TRUE(std::holds_alternative<Diagnostic>(out[0])) << cut;
  }
  for (std::size_t pos = 0; pos < status.size(); pos += step) {
    for (char c : {'\0', '"', '}', '\xFF', 'x'}) {
      std::string flipped = status;
      flipped[pos] = c;
      std::vector<RecordOutcome> out;
      ASSERT_NO_THROW(reader->ParseLine(flipped, {"flip", 1, 0}, out)) << pos;
      EXPECT_EQ(out.size(), 1u) << pos;
    }
  }
}

TEST(TwitterV1Bad, TruncatedArrayKeepsEarlierElements) {
  std::string content = "var tweets = [" + std::string(kGood) + ",\n" + std::string(kGood.substr(0, 80));
  auto reader = MakeReader(Format::kTwitterV1, {});
  std::vector<RecordOutcome> out;
  reader->ParseDocument(content, "cut.js", out);
  V1Tally t = CountV1(std::move(out));
  ASSERT_EQ(t.records.size(), 1u);
  ASSERT_EQ(t.diagnostics.size(), 1u);
  EXPECT_EQ(t.diagnostics[0].reason, "truncated");
  EXPECT_EQ(t.diagnostics[0].pos.line, 2u);
}

TEST(TwitterV1Bad, MissingUserAndWrongTypes) {
  V1Tally t =
      ParseV1Lines(R"({"created_at":"Wed Apr 24 16:27:38 +0000 2013","id_str":"5","text":"t"})"
                   "\n"
                   R"({"created_at":"Wed Apr 24 16:27:38 +0000 2013","id_str":"5","text":7,"user":{"screen_name":"a"}})"
                   "\n"
                   "[1,2]\n");
  ASSERT_EQ(t.diagnostics.size(), 3u);
  EXPECT_EQ(t.diagnostics[0].reason, "missing-field");
  EXPECT_NE(t.diagnostics[0].message.find("user"), std::string::npos);
  EXPECT_EQ(t.diagnostics[1].reason, "invalid-json");
  EXPECT_EQ(t.diagnostics[2].reason, "not-a-tweet");
}

}  // namespace
}  // namespace relais::corpora
