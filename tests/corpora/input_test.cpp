// Input layer: listing, .gz/.zst streams, UTF-8 checks, encodings, format sniffing.
#include "relais/corpora/input.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace relais::corpora {
namespace {
namespace fs = std::filesystem;
using relais::testing::TempDir;

void WriteFile(const fs::path& p, std::string_view bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

using relais::testing::Slurp;

std::string BigText() {
  std::string s;
  for (int i = 0; i < 20000; ++i) s += "{\"id\": " + std::to_string(i) + ", \"text\": \"ligne é ’ « »\"}\n";
  return s;
}

TEST(ListInputFiles, RecursesSortedAndSkipsHiddenFiles) {
  TempDir tmp;
  WriteFile(tmp.path() / "b.jsonl", "{}");
  WriteFile(tmp.path() / "a" / "z.json", "{}");
  WriteFile(tmp.path() / "a" / ".hidden.json", "{}");
  WriteFile(tmp.path() / ".git" / "config", "x");
  WriteFile(tmp.path() / "MANIFEST.tsv", "x");
  auto files = ListInputFiles({tmp.path().string()});
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].filename(), "MANIFEST.tsv");
  EXPECT_EQ(files[1], tmp.path() / "a" / "z.json");
  EXPECT_EQ(files[2].filename(), "b.jsonl");
  // A file given by name is kept even when hidden.
  auto one = ListInputFiles({(tmp.path() / "a" / ".hidden.json").string()});
  ASSERT_EQ(one.size(), 1u);
}

TEST(ListInputFiles, MissingPathIsADataError) {
  try {
    ListInputFiles({"/nonexistent/relais/input.jsonl"});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/relais/input.jsonl"), std::string::npos);
  }
}

TEST(OpenInput, PlainFileRoundTrip) {
  TempDir tmp;
  std::string text = BigText();
  WriteFile(tmp.path() / "plain.jsonl", text);
  EXPECT_EQ(ReadAll(tmp.path() / "plain.jsonl"), text);
  WriteFile(tmp.path() / "tiny", "ab");
  EXPECT_EQ(ReadAll(tmp.path() / "tiny"), "ab");
  WriteFile(tmp.path() / "empty", "");
  EXPECT_EQ(ReadAll(tmp.path() / "empty"), "");
}

TEST(OpenInput, GzipRoundTripIncludingMultiMember) {
  TempDir tmp;
  std::string text = BigText();
  WriteFile(tmp.path() / "a.jsonl", text);
  WriteFile(tmp.path() / "b.jsonl", "second member\n");
  ASSERT_EQ(std::system(("gzip -kn " + (tmp.path() / "a.jsonl").string()).c_str()), 0);
  ASSERT_EQ(std::system(("gzip -kn " + (tmp.path() / "b.jsonl").string()).c_str()), 0);
  EXPECT_EQ(ReadAll(tmp.path() / "a.jsonl.gz"), text);
  // Detection is by magic bytes, not by name.
  fs::copy_file(tmp.path() / "a.jsonl.gz", tmp.path() / "renamed.jsonl");
  EXPECT_EQ(ReadAll(tmp.path() / "renamed.jsonl"), text);
  WriteFile(tmp.path() / "multi.gz", Slurp(tmp.path() / "a.jsonl.gz") + Slurp(tmp.path() / "b.jsonl.gz"));
  EXPECT_EQ(ReadAll(tmp.path() / "multi.gz"), text + "second member\n");
}

TEST(OpenInput, TruncatedGzipIsAnIoErrorNamingTheFile) {
  TempDir tmp;
  WriteFile(tmp.path() / "a.jsonl", BigText());
  ASSERT_EQ(std::system(("gzip -n " + (tmp.path() / "a.jsonl").string()).c_str()), 0);
  std::string gz = Slurp(tmp.path() / "a.jsonl.gz");
  WriteFile(tmp.path() / "cut.jsonl.gz", gz.substr(0, gz.size() / 2));
  try {
    ReadAll(tmp.path() / "cut.jsonl.gz");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("cut.jsonl.gz"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  // Missing only the 8-byte trailer (CRC and size) is still truncated.
  WriteFile(tmp.path() / "notrailer.gz", gz.substr(0, gz.size() - 8));
  EXPECT_THROW(ReadAll(tmp.path() / "notrailer.gz"), Error);
  // A corrupted body is reported too.
  std::string bad = gz;
  for (std::size_t i = 20; i < 60 && i < bad.size(); ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
  WriteFile(tmp.path() / "corrupt.gz", bad);
  EXPECT_THROW(ReadAll(tmp.path() / "corrupt.gz"), Error);
}

TEST(OpenInput, ZstdRoundTripAndTruncation) {
  TempDir tmp;
  std::string text = BigText();
  WriteFile(tmp.path() / "a.jsonl", text);
  ASSERT_EQ(std::system(("zstd -q " + (tmp.path() / "a.jsonl").string()).c_str()), 0);
  EXPECT_EQ(ReadAll(tmp.path() / "a.jsonl.zst"), text);
  // Two frames back to back.
  WriteFile(tmp.path() / "b.txt", "tail\n");
  ASSERT_EQ(std::system(("zstd -q " + (tmp.path() / "b.txt").string()).c_str()), 0);
  WriteFile(tmp.path() / "two.zst", Slurp(tmp.path() / "a.jsonl.zst") + Slurp(tmp.path() / "b.txt.zst"));
  EXPECT_EQ(ReadAll(tmp.path() / "two.zst"), text + "tail\n");
  std::string z = Slurp(tmp.path() / "a.jsonl.zst");
  WriteFile(tmp.path() / "cut.zst", z.substr(0, z.size() / 2));
  try {
    ReadAll(tmp.path() / "cut.zst");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("cut.zst"), std::string::npos) << e.what();
  }
}

TEST(OpenInput, StreamsInSmallReads) {
  TempDir tmp;
  std::string text = BigText();
  WriteFile(tmp.path() / "a.jsonl", text);
  ASSERT_EQ(std::system(("gzip -n " + (tmp.path() / "a.jsonl").string()).c_str()), 0);
  auto in = OpenInput(tmp.path() / "a.jsonl.gz");
  std::string got;
  char buf[7];
  std::size_t n;
  while ((n = in->Read(buf, sizeof buf)) > 0) got.append(buf, n);
  EXPECT_EQ(got, text);
}

TEST(IsValidUtf8, FindsTheFirstBadByte) {
  std::size_t off = 99;
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("été ’ « » 😀"));
  EXPECT_FALSE(IsValidUtf8("caf\xe9 au lait", &off));
  EXPECT_EQ(off, 3u);
  EXPECT_FALSE(IsValidUtf8("ok \xc3", &off));  // cut sequence
  EXPECT_EQ(off, 3u);
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf", &off));  // overlong
  EXPECT_EQ(off, 0u);
  EXPECT_FALSE(IsValidUtf8("ab\xed\xa0\x80", &off));  // surrogate
  EXPECT_EQ(off, 2u);
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80", &off));  // > U+10FFFF
  EXPECT_EQ(off, 0u);
  std::string long_text(1000, 'a');
  long_text += "\xff";
  EXPECT_FALSE(IsValidUtf8(long_text, &off));
  EXPECT_EQ(off, 1000u);
}

TEST(DecodeToUtf8, AutoKeepsUtf8AndStripsTheBom) {
  std::string detected;
  EXPECT_EQ(DecodeToUtf8("\xEF\xBB\xBFtitre,été", "auto", &detected), "titre,été");
  EXPECT_EQ(detected, "utf-8");
}

TEST(DecodeToUtf8, AutoDetectsWindows1252French) {
  // "L’été « chaud » à Nice, œuvre" in Windows-1252.
  std::string cp1252 =
      "L\x92\xe9t\xe9 \xab chaud \xbb \xe0 Nice, \x9cuvre d\x92"
      "art. Le conseil a vot\xe9 le budget.";
  std::string detected;
  EXPECT_EQ(DecodeToUtf8(cp1252, "auto", &detected),
            "L’été « chaud » à Nice, œuvre d’art. Le conseil a voté le budget.");
  EXPECT_EQ(detected, "windows-1252");
  EXPECT_EQ(DecodeToUtf8("caf\xe9", "windows-1252"), "café");
  EXPECT_EQ(DecodeToUtf8("caf\xe9 \x92", "latin-1"), "café \xc2\x92");
}

TEST(DecodeToUtf8, Utf16WithBom) {
  std::string le(
      "\xff\xfe"
      "c\0a\0f\0\xe9\0",
      10);
  std::string detected;
  EXPECT_EQ(DecodeToUtf8(le, "auto", &detected), "café");
  EXPECT_EQ(detected, "UTF-16LE");
}

TEST(DecodeToUtf8, ExplicitUtf8RejectsInvalidBytesWithTheirOffset) {
  try {
    DecodeToUtf8("titre;caf\xe9", "utf-8");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kEncoding);
    EXPECT_NE(std::string(e.what()).find("offset 9"), std::string::npos) << e.what();
  }
  EXPECT_THROW(DecodeToUtf8("x", "klingon-8"), Error);
}

std::optional<Format> SniffFile(const fs::path& p) {
  auto in = OpenInput(p);
  std::string head(65536, '\0');
  std::size_t got = 0, n;
  while (got < head.size() && (n = in->Read(head.data() + got, head.size() - got)) > 0) got += n;
  head.resize(got);
  return SniffFormat(p, head);
}

std::string Name(std::optional<Format> f) { return f ? std::string(ToString(*f)) : "unknown"; }

TEST(SniffFormat, SmallHeads) {
  EXPECT_EQ(Name(SniffFormat("tweets.js", "window.YTD.tweets.part0 = [ {")), "twitter-archive");
  EXPECT_EQ(Name(SniffFormat("tweets.js", "var tweets = [\n {\"created_at\"")), "twitter-v1");
  EXPECT_EQ(Name(SniffFormat("x.jsonl", R"({"id_str":"1","text":"a"})")), "twitter-v1");
  EXPECT_EQ(Name(SniffFormat("x.jsonl", R"({"verb":"post","actor":{}})")), "twitter-v1");
  EXPECT_EQ(Name(SniffFormat("x.jsonl", R"({"data":[{"id":"1"}],"includes":{}})")), "twitter-v2");
  EXPECT_EQ(Name(SniffFormat("x.jsonl", R"({"id":"1","author_id":"2","text":"a"})")), "twitter-v2");
  EXPECT_EQ(Name(SniffFormat("x.json", R"([{"id":"1","account":{},"content":"<p>x</p>"}])")), "mastodon");
  EXPECT_EQ(Name(SniffFormat("x.json", R"({"@context":"x","type":"OrderedCollection","orderedItems":[]})")),
            "activitypub");
  EXPECT_EQ(Name(SniffFormat("x.json", R"({"uri":"at://did:plc:a/app.bsky.feed.post/1","value":{}})")), "bluesky");
  EXPECT_EQ(Name(SniffFormat("x.jsonl", R"({"url":"https://a.fr/x","published":"2021","title":"t"})")), "press-jsonl");
  EXPECT_EQ(Name(SniffFormat("x.jsonl", R"({"url":"https://a.fr/x","title":"t","channel":"pr"})")), "pr-jsonl");
  EXPECT_EQ(Name(SniffFormat("data/communiques/x.jsonl", R"({"url":"https://a.fr/x","title":"t"})")), "pr-jsonl");
  EXPECT_EQ(Name(SniffFormat("press_releases.csv", "url,date,title\n")), "pr-csv");
  EXPECT_EQ(Name(SniffFormat("articles.csv", "lien;date;titre\n")), "press-csv");
  EXPECT_EQ(Name(SniffFormat("articles.csv.gz", "url,published,text\n")), "press-csv");
  EXPECT_EQ(Name(SniffFormat("april.csv", "url,date,title\n")), "press-csv");  // "pr" must be a whole word
  EXPECT_EQ(Name(SniffFormat("tweets.csv", "status_id,created_at,text\n")), "unknown");
  EXPECT_EQ(Name(SniffFormat("feed.xml", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">")), "rss");
  EXPECT_EQ(Name(SniffFormat("feed", "<feed xmlns=\"http://www.w3.org/2005/Atom\">")), "rss");
  EXPECT_EQ(Name(SniffFormat("graph.xml", "<?xml version=\"1.0\"?>\n<gexf>")), "unknown");
  EXPECT_EQ(Name(SniffFormat("x.json", "[]")), "unknown");
  EXPECT_EQ(Name(SniffFormat("x.json", "")), "unknown");
  EXPECT_EQ(Name(SniffFormat("x.txt", "hello")), "unknown");
  EXPECT_EQ(Name(SniffFormat("x.json", R"({"count": 3})")), "unknown");
}

// Real files of ../shared/data: (relative path, expected format or "unknown").
struct SniffCase {
  const char* path;
  const char* format;
};

TEST(SniffFormat, RealDataFiles) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  const SniffCase cases[] = {
      {"twarc2-jsonl/brexit.jsonl", "twitter-v2"},
      {"twarc2-jsonl/2sets.jsonl", "twitter-v2"},
      {"twarc2-jsonl/flat.jsonl", "twitter-v2"},
      {"twarc2-jsonl/noflat.jsonl", "twitter-v2"},
      {"twarc2-jsonl/streaming_output_with_error.jsonl", "twitter-v2"},
      {"twitterdev-tweet-payloads/original_format_examples.json", "twitter-v1"},
      {"twitterdev-tweet-payloads/activity_streams_examples.json", "twitter-v1"},
      {"v1-fr-timeline-2013/statuses.jsonl", "twitter-v1"},
      {"v1-fr-timeline-2013/tweets_var.js", "twitter-v1"},
      {"twitter-archive-export/tweets.first500.js", "twitter-archive"},
      {"twitter-archive-export/tweets.full.js.gz", "twitter-archive"},
      {"mastodon-outbox/outbox.json.gz", "activitypub"},
      {"mastodon-outbox/actor.json", "activitypub"},  // a Person: read as not-a-post
      {"mastodon-outbox/likes.json", "unknown"},      // bare URIs, no posts
      {"mastodon-outbox/bookmarks.json", "unknown"},
      {"mastodon-api-cassettes/bodies/test_home_tl__01.json", "mastodon"},
      {"mastodon-api-cassettes/bodies/test_status__00.json", "mastodon"},
      {"mastodon-api-cassettes/bodies/test_notifications__01.json", "mastodon"},
      {"mastodon-api-cassettes/bodies/test_search__00.json", "mastodon"},
      {"mastodon-api-cassettes/bodies/test_status_context__01.json", "mastodon"},
      {"mastodon-api-cassettes/bodies/test_account__00.json", "mastodon"},       // an account: not-a-post
      {"mastodon-api-cassettes/bodies/test_public_tl__01.json", "unknown"},      // instance information
      {"mastodon-api-cassettes/bodies/test_notifications__03.json", "unknown"},  // {"count": …}
      {"mastodon-api-cassettes/bodies/test_status_quotes__01.json", "unknown"},  // []
      {"mastodon-api-cassettes/bodies/MANIFEST.tsv", "unknown"},
      {"bluesky-api-vcr/bodies/f_autfeed__00.json", "bluesky"},
      {"bluesky-api-vcr/bodies/f_timeline__00.json", "bluesky"},
      {"bluesky-api-vcr/bodies/f_search__00.json", "bluesky"},
      {"bluesky-api-vcr/bodies/f_postthread__00.json", "bluesky"},
      {"bluesky-api-vcr/bodies/r_listrcd__00.json", "bluesky"},
      {"bluesky-api-vcr/bodies/r_getRecord__00.json", "bluesky"},
      {"bluesky-api-vcr/bodies/a_profile__00.json", "unknown"},
      {"bluesky-api-vcr/bodies/r_post_text__00.json", "unknown"},  // {"did": …}
      {"bluesky-api-vcr/bodies/MANIFEST.tsv", "unknown"},
      {"twitwi-tweets-bluesky/bluesky-posts.json", "bluesky"},
      {"twitwi-tweets-bluesky/payload-v2.json", "twitter-v2"},
      {"twarc2-jsonl/users.jsonl", "twitter-v2"},   // a v2 users page: the v2 reader's business
      {"twarc2-jsonl/counts.jsonl", "twitter-v2"},  // counts page {data:[buckets]}: idem
      {"twarc2-jsonl/empty.json", "unknown"},
      {"MANIFEST.tsv", "unknown"},
      {"SOURCES.md", "unknown"},
      {"fr-debate-tweets-2017/tweets_debat.csv", "unknown"},  // rtweet CSV: no date/title columns
  };
  for (const auto& c : cases) {
    fs::path p = data / c.path;
    if (!fs::exists(p)) {
      ADD_FAILURE() << "missing fixture " << p;
      continue;
    }
    EXPECT_EQ(Name(SniffFile(p)), c.format) << c.path;
  }
}

TEST(SniffFormat, EveryCassetteBodyIsSniffedWithoutThrowing) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  int mastodon = 0, bluesky = 0, twitter = 0, unknown = 0;
  for (const char* dir : {"mastodon-api-cassettes/bodies", "bluesky-api-vcr/bodies", "tweepy-cassettes/bodies"}) {
    for (const auto& f : ListInputFiles({(data / dir).string()})) {
      auto fmt = SniffFile(f);
      if (!fmt) {
        ++unknown;
      } else if (*fmt == Format::kMastodon) {
        ++mastodon;
      } else if (*fmt == Format::kBluesky) {
        ++bluesky;
      } else if (*fmt == Format::kTwitterV1 || *fmt == Format::kTwitterV2) {
        ++twitter;
      }
    }
  }
  // python, applying the documented rules to the first object of each body: 72 of the 82
  // Mastodon bodies are statuses, notifications, searches, contexts or accounts; the other 10 are
  // instance information, counts, relationships, status sources or empty arrays.
  EXPECT_EQ(mastodon, 72);
  EXPECT_GT(bluesky, 15);
  EXPECT_GT(twitter, 150);
  std::printf("sniffed: mastodon %d, bluesky %d, twitter %d, unknown %d\n", mastodon, bluesky, twitter, unknown);
}

}  // namespace
}  // namespace relais::corpora
