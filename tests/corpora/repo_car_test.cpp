// The synthetic world's Bluesky repository writer (corpora/src/synth/repo_car.cpp) against the atproto
// interop vectors in ../shared/data/bluesky-car/interop-tests: MST key heights, MST root CIDs of the
// commit-proof fixtures, DAG-CBOR bytes and CIDs of the data-model fixtures; and a CAR it writes read
// back by the bluesky-car reader.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "corpora/reader_test_util.hpp"
#include "detail/dag_cbor.hpp"
#include "synth/repo_car.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

fs::path Interop(const fs::path& data) { return data / "bluesky-car" / "interop-tests"; }

ojson Load(const fs::path& path) { return ojson::parse(ReadAll(path)); }

TEST(RepoCar, KeyHeights) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  const ojson vectors = Load(Interop(data) / "mst" / "key_heights.json");
  ASSERT_GE(vectors.size(), 9u);
  for (const auto& v : vectors)
    EXPECT_EQ(detail::MstKeyHeight(v["key"].get<std::string>()), v["height"].get<int>()) << v["key"];
}

// The tree of each fixture's keys before the commit and after its adds and deletes: the root CIDs.
TEST(RepoCar, MstRootsOfTheCommitProofFixtures) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  const ojson fixtures = Load(Interop(data) / "firehose" / "commit-proof-fixtures.json");
  ASSERT_GE(fixtures.size(), 5u);
  for (const auto& fx : fixtures) {
    SCOPED_TRACE(fx["comment"].get<std::string>());
    const std::string leaf = detail::CidFromString(fx["leafValue"].get<std::string>());
    ASSERT_FALSE(leaf.empty());
    std::set<std::string> keys;
    for (const auto& k : fx["keys"]) keys.insert(k.get<std::string>());
    auto root = [&] {
      std::vector<std::pair<std::string, std::string>> entries;
      for (const auto& k : keys) entries.emplace_back(k, leaf);
      std::vector<detail::RepoBlock> blocks;
      const std::string cid = detail::BuildMst(entries, blocks);
      for (const auto& b : blocks) EXPECT_EQ(b.cid, detail::BlockCid(b.data));
      EXPECT_EQ(blocks.front().cid, cid);  // the root first
      return detail::CidToString(cid);
    };
    EXPECT_EQ(root(), fx["rootBeforeCommit"].get<std::string>());
    for (const auto& k : fx["adds"]) keys.insert(k.get<std::string>());
    for (const auto& k : fx["dels"]) keys.erase(k.get<std::string>());
    EXPECT_EQ(root(), fx["rootAfterCommit"].get<std::string>());
  }
}

TEST(RepoCar, EmptyTree) {
  std::vector<detail::RepoBlock> blocks;
  const std::string cid = detail::BuildMst({}, blocks);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].data, std::string("\xa2\x61\x65\x80\x61\x6c\xf6", 7));  // {e: [], l: null}
  // atproto's empty-repository MST root.
  EXPECT_EQ(detail::CidToString(cid), "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm");
}

TEST(RepoCar, DataModelFixtures) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  const ojson fixtures = Load(Interop(data) / "data-model" / "data-model-fixtures.json");
  ASSERT_EQ(fixtures.size(), 3u);
  for (const auto& fx : fixtures) {
    const std::string cbor = detail::DagCbor(fx["json"]);
    EXPECT_EQ(cbor, *detail::Base64Decode(fx["cbor_base64"].get<std::string>()));
    EXPECT_EQ(detail::CidToString(detail::BlockCid(cbor)), fx["cid"].get<std::string>());
  }
  EXPECT_THROW(detail::DagCbor(ojson{{"x", 1.5}}), Error);
  EXPECT_THROW(detail::DagCbor(ojson{{"$link", "not-a-cid"}}), Error);
  // Keys by length first: "b" before "aa"; integers in their shortest form.
  EXPECT_EQ(detail::DagCbor(ojson{{"aa", 1}, {"b", 24}}), std::string("\xa2\x61\x62\x18\x18\x62\x61\x61\x01", 9));
  EXPECT_EQ(detail::DagCbor(ojson(-500)), std::string("\x39\x01\xf3", 3));
}

// A small repository written and read back: every record, its key, kind, refs and links; every block's
// CID verifies (a bad one is quarantined "bad-cid").
TEST(RepoCar, ReadBackByTheCarReader) {
  const std::string did = "did:plc:relaisrepocartest0000000";
  const std::string at = "at://" + did + "/";
  std::vector<detail::RepoRecord> records;
  auto post = [&](const std::string& rkey, ojson extra) {
    ojson r = {{"$type", "app.bsky.feed.post"},
               {"createdAt", "2021-01-08T10:00:00.000Z"},
               {"langs", ojson::array({"fr"})},
               {"text", "Bonjour " + rkey}};
    for (const auto& [k, v] : extra.items()) r[k] = v;
    records.push_back({"app.bsky.feed.post/" + rkey, detail::DagCbor(r)});
  };
  const std::string root_uri = at + "app.bsky.feed.post/3aaaaaaaaaaa2";
  const ojson ref = {{"uri", root_uri}, {"cid", "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"}};
  post("3aaaaaaaaaaa2",
       {{"facets", ojson::array({{{"index", {{"byteStart", 0}, {"byteEnd", 7}}},
                                  {"features", ojson::array({{{"$type", "app.bsky.richtext.facet#link"},
                                                              {"uri", "https://www.varmatin.com/a"}}})}}})}});
  post("3aaaaaaaaaab2", {{"reply", {{"root", ref}, {"parent", ref}}}});
  post("3aaaaaaaaaac2", {{"embed", {{"$type", "app.bsky.embed.record"}, {"record", ref}}}});
  for (int k = 0; k < 40; ++k) post("3aaaaaaaab" + std::to_string(100 + k), {});  // a tree of several levels
  records.push_back({"app.bsky.feed.repost/3aaaaaaaaaad2", detail::DagCbor({{"$type", "app.bsky.feed.repost"},
                                                                            {"createdAt", "2021-01-08T11:00:00.000Z"},
                                                                            {"subject", ref}})});
  const std::string car = detail::RepoCar(did, "3aaaaaaaaaad2", records);
  EXPECT_EQ(car, detail::RepoCar(did, "3aaaaaaaaaad2", records));  // deterministic
  EXPECT_EQ(SniffFormat("x.car", car.substr(0, 4096)), Format::kBlueskyCar);
  auto r = relais::testing::ReadText(Format::kBlueskyCar, car, "x.car");
  EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics.front().reason;
  ASSERT_EQ(r.records.size(), records.size());
  std::map<std::string, const ItemRecord*> by_key;
  for (const auto& rec : r.records) by_key[rec.items[0].key] = &rec.items[0];
  for (const auto& rec : records) EXPECT_TRUE(by_key.count("bluesky:" + at + rec.key)) << rec.key;
  const std::string root_key = "bluesky:" + root_uri;
  EXPECT_EQ(by_key.at(root_key)->links, std::vector<std::string>{"https://www.varmatin.com/a"});
  EXPECT_EQ(by_key.at(root_key)->author.key, "bluesky:" + did);
  EXPECT_EQ(by_key.at(root_key)->lang, "fr");
  EXPECT_EQ(by_key.at("bluesky:" + at + "app.bsky.feed.post/3aaaaaaaaaab2")->kind, ItemKind::kReply);
  EXPECT_EQ(by_key.at("bluesky:" + at + "app.bsky.feed.post/3aaaaaaaaaac2")->kind, ItemKind::kQuote);
  const ItemRecord* repost = by_key.at("bluesky:" + at + "app.bsky.feed.repost/3aaaaaaaaaad2");
  EXPECT_EQ(repost->kind, ItemKind::kRetweet);
  EXPECT_EQ(repost->refs.at(0).target_key, root_key);
  // A flipped byte in the last record: its hash no longer matches its CID.
  std::string bad = car;
  bad[bad.size() - 3] ^= 0x01;
  EXPECT_EQ(relais::testing::ReadText(Format::kBlueskyCar, bad, "bad.car").by_reason["bad-cid"], 1);
}

}  // namespace
}  // namespace relais::corpora
