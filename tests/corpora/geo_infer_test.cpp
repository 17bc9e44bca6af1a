// Opt-in inference of régions on the flow graph (relais/corpora/geo_infer.hpp): accounts without location
// evidence take the région of the regional outlets and located accounts they relay, into actor_geo_inferred,
// never into actor_geo; and `stats` counts actors and items by région.
#include <fstream>
#include <numeric>
#include <string>

#include <gtest/gtest.h>

#include "relais/corpora/geo_infer.hpp"
#include "relais/corpora/geo_store.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/registry.hpp"
#include "relais/corpora/stats.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

std::string User(const std::string& handle, long id, const std::string& location) {
  std::string u = "{\"id_str\":\"" + std::to_string(id) + "\",\"screen_name\":\"" + handle + "\"";
  if (!location.empty()) u += ",\"location\":\"" + location + "\"";
  return u + "}";
}

std::string Status(long id, const std::string& user, const std::string& text, const std::string& retweeted = "") {
  std::string s = "{\"created_at\":\"Fri Jan 08 10:00:" + std::to_string(10 + id % 50) + " +0000 2021\",\"id_str\":\"" +
                  std::to_string(id) + "\",\"full_text\":\"" + text + "\",\"user\":" + user;
  if (!retweeted.empty()) s += ",\"retweeted_status\":" + retweeted;
  return s + "}";
}

// @varmatin (registry: Provence-Alpes-Côte d'Azur) posts 4 tweets; @relayer (no location) retweets 3 of them,
// @once retweets 1, @located (profile "Rennes") retweets 2; @fan (no location) retweets @located's posts 3
// times and @varmatin's once.
class GeoInfer : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto file = tmp_.path() / "tweets.jsonl";
    std::ofstream out(file);
    const std::string var = User("varmatin", 1, ""), relayer = User("relayer", 2, ""), once = User("once", 3, "");
    const std::string located = User("located", 4, "Rennes"), fan = User("fan", 5, "");
    std::vector<std::string> originals;
    for (long i = 0; i < 4; ++i) originals.push_back(Status(100 + i, var, "Article du jour " + std::to_string(i)));
    for (const auto& o : originals) out << o << "\n";
    long id = 200;
    for (int i = 0; i < 3; ++i) out << Status(id++, relayer, "RT @varmatin: x", originals[i]) << "\n";
    out << Status(id++, once, "RT @varmatin: x", originals[0]) << "\n";
    for (int i = 0; i < 2; ++i) out << Status(id++, located, "RT @varmatin: x", originals[i + 1]) << "\n";
    std::vector<std::string> own;
    for (long i = 0; i < 3; ++i) own.push_back(Status(300 + i, located, "Breton " + std::to_string(i)));
    for (const auto& o : own) out << o << "\n";
    for (int i = 0; i < 3; ++i) out << Status(id++, fan, "RT @located: x", own[i]) << "\n";
    out << Status(id++, fan, "RT @varmatin: x", originals[3]) << "\n";
    out.close();
    static const Registry registry = Registry::Builtin();
    store_ = std::make_unique<Store>(Store::Open(tmp_.path() / "st", OpenMode::kCreate));
    IngestOptions opt;
    opt.paths = {file.string()};
    opt.threads = 1;
    opt.registry = &registry;
    Ingest(*store_, opt);
  }
  std::map<std::string, InferredRegion> ByKey() {
    std::map<std::string, InferredRegion> out;
    const auto rows = InferredRegions(*store_);
    Statement st(store_->db(), "SELECT id, key FROM actors");
    while (st.Step()) {
      auto it = rows.find(st.Int(0));
      if (it != rows.end()) out[st.Text(1)] = it->second;
    }
    return out;
  }
  testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(GeoInfer, RelayersTakeTheRegionOfWhatTheyRelay) {
  const auto s = InferActorRegions(*store_);
  const auto by_key = ByKey();
  ASSERT_TRUE(by_key.count("@relayer"));
  EXPECT_EQ(by_key.at("@relayer").region, "Provence-Alpes-Côte d'Azur");
  EXPECT_DOUBLE_EQ(by_key.at("@relayer").confidence, 1.0);
  EXPECT_FALSE(by_key.count("@once")) << "one flow weighs less than --min-weight 3";
  EXPECT_FALSE(by_key.count("@located")) << "observed locations are never inferred";
  EXPECT_FALSE(by_key.count("@varmatin")) << "outlets are not accounts";
  // @fan: 3 flows with @located (Bretagne), 1 with @varmatin: Bretagne, 3 of 4.
  ASSERT_TRUE(by_key.count("@fan"));
  EXPECT_EQ(by_key.at("@fan").region, "Bretagne");
  EXPECT_DOUBLE_EQ(by_key.at("@fan").confidence, 0.75);
  EXPECT_EQ(s.inferred, 2);
  EXPECT_EQ(s.accounts, s.observed + s.inferred + s.undecided);
  // actor_geo is untouched: the inferred accounts have no observed home.
  const auto places = ActorPlaces(*store_);
  Statement st(store_->db(), "SELECT id FROM actors WHERE key IN ('@relayer', '@fan')");
  while (st.Step()) EXPECT_FALSE(places.count(st.Int(0)));
}

TEST_F(GeoInfer, StricterThresholdsInferLess) {
  GeoInferOptions o;
  o.min_share = 0.8;  // @fan's 0.75 is not enough
  const auto s = InferActorRegions(*store_, o);
  EXPECT_EQ(s.inferred, 1);
  EXPECT_FALSE(ByKey().count("@fan"));
  o.min_share = 0.5;
  o.min_weight = 1;  // @once's single retweet is
  EXPECT_EQ(InferActorRegions(*store_, o).inferred, 3);
  EXPECT_EQ(ByKey().at("@once").region, "Provence-Alpes-Côte d'Azur");
}

TEST_F(GeoInfer, StatsCountActorsAndItemsByRegion) {
  const StoreStats s = ComputeStats(*store_);
  ASSERT_TRUE(s.by_region.count("Provence-Alpes-Côte d'Azur"));
  EXPECT_EQ(s.by_region.at("Provence-Alpes-Côte d'Azur").items, 4u);  // @varmatin's tweets
  ASSERT_TRUE(s.by_region.count("Bretagne"));
  EXPECT_EQ(s.by_region.at("Bretagne").actors, 1u);
  EXPECT_EQ(s.by_region.at("Bretagne").items, 5u);  // @located: 2 retweets, 3 posts
  std::uint64_t actors = 0, items = 0;
  for (const auto& [r, c] : s.by_region) {
    actors += c.actors;
    items += c.items;
  }
  EXPECT_EQ(actors, s.actors);
  EXPECT_EQ(items, s.items);
  // Inferred régions are not observed ones: stats do not use them.
  InferActorRegions(*store_);
  EXPECT_EQ(ComputeStats(*store_).by_region.at("Provence-Alpes-Côte d'Azur").items, 4u);
  const std::string json = StatsToJson(s);
  EXPECT_NE(json.find("\"by_region\":{"), std::string::npos);
}

}  // namespace
}  // namespace relais::corpora
