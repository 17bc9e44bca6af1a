// Bluesky repository CARs: the 8 real CARs of ../shared/data/bluesky-car (exact counts, checked against
// an independent Python walk and against indigo's expected-records oracle for repo.car), the atproto
// DAG-CBOR vectors, and damaged copies for each quarantine reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "relais/base/hash.hpp"

#include "corpora/reader_ingest_util.hpp"
#include "corpora/reader_test_util.hpp"
#include "detail/dag_cbor.hpp"
#include "synth/repo_car.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
namespace fs = std::filesystem;
using relais::testing::CountKind;
using relais::testing::ReadText;
using relais::testing::ReadWith;

fs::path CarDir(const fs::path& data) { return data / "bluesky-car"; }

std::string Unhex(std::string_view h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  return out;
}

// The sections of a CAR v1 after its header: [start, end) byte ranges (varint included).
std::vector<std::pair<std::size_t, std::size_t>> Sections(const std::string& car, std::size_t* header_end) {
  auto read_varint = [&](std::size_t& i) {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      auto b = static_cast<std::uint8_t>(car[i++]);
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  std::size_t i = 0;
  auto hl = read_varint(i);
  i += hl;
  *header_end = i;
  std::vector<std::pair<std::size_t, std::size_t>> out;
  while (i < car.size()) {
    std::size_t start = i;
    auto len = read_varint(i);
    i += len;
    out.emplace_back(start, i);
  }
  return out;
}

struct Expect {
  std::string file;
  std::size_t total, records, posts, reposts;
  std::map<std::string, int> reasons;
};

TEST(BlueskyCarReader, RealCars) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  // From an independent Python walk (a minimal DAG-CBOR decoder, the MST in key order) and SOURCES.md's
  // per-collection counts: keys in the current tree, posts, reposts; blocks outside the tree are the
  // v2 exports' history (earlier commits and MST nodes) and records deleted since; a CID written twice
  // (three files do) is a duplicate block.
  const std::vector<Expect> expected = {
      {"indigo/bafyreieovfuizojpw3zresz7sx3nk4trm2by23pt5rxbey3jme4uo5ogiu.car",
       7,
       5,
       5,
       0,
       {{"not-a-post", 1}, {"duplicate-block", 1}}},
      {"indigo/bnewbold.robocracy.org.20250310005405.car", 38, 24, 23, 1, {{"not-a-post", 14}}},
      {"indigo/fakermaker.repo.car",
       656,
       41,
       26,
       15,
       {{"not-a-post", 101}, {"history-block", 506}, {"duplicate-block", 8}}},
      {"indigo/greenground.repo.car", 2, 0, 0, 0, {{"not-a-post", 2}}},
      {"indigo/paul_staging.repo.car",
       406,
       116,
       101,
       15,
       {{"not-a-post", 69}, {"history-block", 148}, {"unreferenced-record", 67}, {"duplicate-block", 6}}},
      {"indigo/repo_slice.car", 6, 1, 1, 0, {{"missing-block", 5}}},
      {"jetstream-corpus/repo.car", 23, 9, 6, 3, {{"not-a-post", 14}}},
  };
  for (const auto& e : expected) {
    SCOPED_TRACE(e.file);
    auto path = CarDir(data) / e.file;
    auto r = ReadWith(Format::kBlueskyCar, path);
    EXPECT_EQ(r.total(), e.total);
    EXPECT_EQ(r.records.size(), e.records);
    std::size_t posts = 0;
    for (const auto& rec : r.records) posts += rec.items[0].key.find("/app.bsky.feed.post/") != std::string::npos;
    EXPECT_EQ(posts, e.posts);
    EXPECT_EQ(static_cast<std::size_t>(CountKind(r, ItemKind::kRetweet)), e.reposts);
    std::map<std::string, int> reasons(r.by_reason.begin(), r.by_reason.end());
    EXPECT_EQ(reasons, e.reasons);
    auto f = SniffFormat(path, ReadAll(path).substr(0, 4096));
    ASSERT_TRUE(f);
    EXPECT_EQ(*f, Format::kBlueskyCar);
  }
}

TEST(BlueskyCarReader, OracleKeysOfRepoCar) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto dir = CarDir(data) / "jetstream-corpus";
  auto r = ReadWith(Format::kBlueskyCar, dir / "repo.car");
  const std::string prefix = "at://did:plc:53iucmf5ldftgqyf2ac7hmhd/";
  std::set<std::string> ours;
  for (const auto& rec : r.records) {
    const auto& key = rec.items[0].key;
    ASSERT_EQ(key.rfind("bluesky:" + prefix, 0), 0u) << key;
    ours.insert(key.substr(8 + prefix.size()));
  }
  for (const auto& d : r.diagnostics)
    ours.insert(d.message.substr(prefix.size(), d.message.find(": ") - prefix.size()));
  std::set<std::string> oracle;
  std::istringstream tsv(ReadAll(dir / "car_expected_records.tsv"));
  for (std::string line; std::getline(tsv, line);)
    if (!line.empty()) oracle.insert(line.substr(0, line.find('\t')));
  EXPECT_EQ(oracle.size(), 23u);
  EXPECT_EQ(ours, oracle);
  for (const auto& rec : r.records) {
    const auto& item = rec.items[0];
    EXPECT_EQ(item.author.key, "bluesky:did:plc:53iucmf5ldftgqyf2ac7hmhd");
    EXPECT_GT(item.time, 1600000000000);
    EXPECT_GT(rec.pos.line, 0u);  // the record block's section number
  }
}

TEST(BlueskyCarReader, PostFields) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kBlueskyCar, CarDir(data) / "indigo" / "bnewbold.robocracy.org.20250310005405.car");
  int replies = CountKind(r, ItemKind::kReply), with_lang = 0, with_links = 0;
  for (const auto& rec : r.records) {
    const auto& item = rec.items[0];
    with_lang += !item.lang.empty();
    with_links += !item.links.empty();
    EXPECT_EQ(item.author.platform_id, "did:plc:nhxcyu4ewwhl5pqil4dotqjo");
    EXPECT_FALSE(item.author.name.empty());  // from the repository's profile record
  }
  EXPECT_EQ(replies, 2);     // SOURCES.md: 2 replies
  EXPECT_EQ(with_lang, 13);  // 13 posts with langs
  EXPECT_GT(with_links, 0);
}

TEST(BlueskyCarReader, DagCborVectors) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto fixtures =
      nlohmann::json::parse(ReadAll(CarDir(data) / "interop-tests" / "data-model" / "data-model-fixtures.json"));
  ASSERT_EQ(fixtures.size(), 3u);
  for (const auto& fx : fixtures) {
    std::string cbor = *detail::Base64Decode(fx["cbor_base64"].get<std::string>());
    auto json = detail::DagCborToJson(cbor);
    ASSERT_TRUE(json);
    EXPECT_EQ(nlohmann::json::parse(*json), fx["json"]);
    // CIDv1, dag-cbor (0x71), sha2-256 (0x12, 32 bytes) of the block.
    std::string cid = std::string("\x01\x71\x12\x20", 4) + Unhex(Sha256Hex(cbor));
    EXPECT_EQ(detail::CidToString(cid), fx["cid"].get<std::string>());
  }
  // Not DAG-CBOR: indefinite lengths, trailing bytes, undefined, cut items.
  for (std::string bad : {std::string("\x9f\x01\xff"), std::string("\x01\x02"), std::string("\xf7"),
                          std::string("\x62\x61"), std::string("\xa1\x01\x02")})
    EXPECT_FALSE(detail::DagCborToJson(bad)) << bad;
}

class CarMutations : public ::testing::Test {
 protected:
  void SetUp() override {
    RELAIS_REQUIRE_SHARED_DATA(data);
    path_ = data / "bluesky-car" / "jetstream-corpus" / "repo.car";
    ASSERT_TRUE(fs::exists(path_)) << "the shared data is there but not " << path_;
    car_ = ReadAll(path_);
    sections_ = Sections(car_, &header_end_);
    ASSERT_EQ(sections_.size(), 29u);
  }
  fs::path path_;
  std::string car_;
  std::size_t header_end_ = 0;
  std::vector<std::pair<std::size_t, std::size_t>> sections_;
};

TEST_F(CarMutations, EachQuarantineReason) {
  // A flipped byte in the last block: its hash fails ("bad-cid"), whatever it held.
  std::string flipped = car_;
  flipped[sections_.back().second - 1] ^= 0x01;
  auto r = ReadText(Format::kBlueskyCar, flipped, "flipped.car");
  EXPECT_EQ(r.total(), 23u);
  EXPECT_EQ(r.by_reason["bad-cid"], 1);

  // The last section twice: "duplicate-block".
  std::string dup = car_ + car_.substr(sections_.back().first);
  r = ReadText(Format::kBlueskyCar, dup, "dup.car");
  EXPECT_EQ(r.total(), 24u);
  EXPECT_EQ(r.by_reason["duplicate-block"], 1);

  // Cut inside the last section: "truncated", and what the cut block held is missing.
  std::string cut = car_.substr(0, sections_.back().second - 5);
  r = ReadText(Format::kBlueskyCar, cut, "cut.car");
  EXPECT_EQ(r.by_reason["truncated"], 1);
  EXPECT_EQ(r.by_reason["missing-block"], 1);
  EXPECT_EQ(r.total(), 24u);

  // A block no one links to: "unreferenced-block" (a CIDv1 identity-hash block holding the integer 1).
  std::string extra = std::string("\x01\x71\x00\x01\x01", 5) + "\x01";
  r = ReadText(Format::kBlueskyCar, car_ + detail::CarVarint(extra.size()) + extra, "extra.car");
  EXPECT_EQ(r.total(), 24u);
  EXPECT_EQ(r.by_reason["unreferenced-block"], 1);

  // A record that is not DAG-CBOR (an indefinite-length map), under its own correct CID.
  // Replace the last section by such a block: the key pointing to it now misses its block, and the new
  // block is unreferenced.
  std::string junk = "\xbf\xff";
  std::string junk_cid = std::string("\x01\x71\x12\x20", 4) + Unhex(Sha256Hex(junk));
  std::string with_junk = car_.substr(0, sections_.back().first);
  with_junk += detail::CarVarint(junk_cid.size() + junk.size()) + junk_cid + junk;
  r = ReadText(Format::kBlueskyCar, with_junk, "junk.car");
  EXPECT_EQ(r.by_reason["missing-block"], 1);
  EXPECT_EQ(r.by_reason["unreferenced-block"], 1);
  EXPECT_EQ(r.total(), 24u);
}

TEST_F(CarMutations, CarV2WrapperAndFatalErrors) {
  // CAR v2: pragma, 40-byte header (characteristics, data offset, data size, index offset), payload.
  std::string v2("\x0a\xa1\x67version\x02", 11);
  v2 += std::string(16, '\0');
  auto le64 = [](std::uint64_t v) {
    std::string s;
    for (int k = 0; k < 8; ++k) s += static_cast<char>((v >> (8 * k)) & 0xFF);
    return s;
  };
  v2 += le64(51) + le64(car_.size()) + le64(0);
  v2 += car_;
  auto r = ReadText(Format::kBlueskyCar, v2, "v2.car");
  EXPECT_EQ(r.total(), 23u);
  EXPECT_EQ(r.records.size(), 9u);
  EXPECT_EQ(SniffFormat("v2.car", v2.substr(0, 64)), Format::kBlueskyCar);

  // Not a CAR, or a CAR whose root commit is absent: one typed error for the whole file.
  EXPECT_THROW(ReadText(Format::kBlueskyCar, "{\"a\":1}", "x.car"), Error);
  EXPECT_THROW(ReadText(Format::kBlueskyCar, car_.substr(0, header_end_), "header-only.car"), Error);
  EXPECT_FALSE(SniffFormat("x.json", "{\"roots\":[]}"));
}

TEST(BlueskyCarReader, EdgeCases) {
  // Our own repository (tests/fixtures/input/bluesky-car/make_car.py): an MST of two levels.
  auto path = relais::testing::FixturesDir() / "input" / "bluesky-car" / "edge_cases.car";
  EXPECT_EQ(SniffFormat(path, ReadAll(path).substr(0, 4096)), Format::kBlueskyCar);
  auto r = ReadWith(Format::kBlueskyCar, path);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.by_reason["not-a-post"], 2);  // the profile and the like
  EXPECT_EQ(r.by_reason["unreferenced-record"], 1);
  EXPECT_EQ(r.total(), 6u);
  const std::string did = "did:plc:relaisfixture00000000a";
  const auto& p1 = r.records[0].items[0];
  EXPECT_EQ(p1.key, "bluesky:at://" + did + "/app.bsky.feed.post/p1");
  EXPECT_EQ(p1.author.key, "bluesky:" + did);
  EXPECT_EQ(p1.author.name, "Varmatin Lecteur");
  EXPECT_EQ(p1.lang, "fr");
  EXPECT_EQ(p1.time, 1610355600000);  // 10:00+01:00
  EXPECT_EQ(p1.links, std::vector<std::string>{"https://www.varmatin.com/politique"});
  EXPECT_EQ(p1.mentions, std::vector<std::string>{"bob.bsky.social"});
  EXPECT_EQ(p1.hashtags, std::vector<std::string>{"Toulon"});
  EXPECT_EQ(p1.url, "https://bsky.app/profile/" + did + "/post/p1");
  const auto& p2 = r.records[1].items[0];
  EXPECT_EQ(p2.kind, ItemKind::kQuote);  // a quote that is also a reply is a quote (the shared mapping)
  EXPECT_TRUE(relais::testing::HasRef(p2, Layer::kQuote));
  EXPECT_TRUE(relais::testing::HasRef(p2, Layer::kReply));
  EXPECT_EQ(p2.links, std::vector<std::string>{"https://www.nicematin.com/article"});
  const auto& r1 = r.records[2].items[0];
  EXPECT_EQ(r1.kind, ItemKind::kRetweet);
  EXPECT_EQ(r1.refs.at(0).target_key, p1.key);
  EXPECT_EQ(r.records[0].pos.line, 6u);  // p1 is the file's 6th section
}

TEST(BlueskyCarReader, EdgeCasesIngested) {
  auto path = relais::testing::FixturesDir() / "input" / "bluesky-car" / "edge_cases.car";
  auto s = relais::testing::IngestAndSummarise({path.string()});
  EXPECT_EQ(s.result.total.read, 6u);
  EXPECT_EQ(s.result.total.accepted, 3u);
  EXPECT_EQ(s.result.total.quarantined, 3u);
  EXPECT_EQ(s.flows("retweet"), 1u);
  EXPECT_EQ(s.flows("quote"), 1u);
  EXPECT_EQ(s.flows("reply"), 1u);
}

TEST(BlueskyCarReader, Ingested) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto path = CarDir(data) / "indigo" / "paul_staging.repo.car";
  auto s = relais::testing::IngestAndSummarise({path.string()});
  EXPECT_EQ(s.result.total.read, 406u);
  EXPECT_EQ(s.result.total.accepted + s.result.total.duplicates, 116u);
  EXPECT_EQ(s.result.total.quarantined, 290u);
}

}  // namespace
}  // namespace relais::corpora
