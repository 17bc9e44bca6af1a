// The synthetic world's geography (docs/synth.md "Geography"): every account has a planted home, the
// evidence the records carry resolves (with the shipped gazetteer) to that home or to nothing, and the
// planted local shares of the regional titles' audiences show in truth.json.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "relais/corpora/geo.hpp"
#include "relais/corpora/synth.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
namespace geo = relais::corpora::geo;

namespace {

struct GeoWorld {
  relais::testing::TempDir dir;
  json truth;
  GeoWorld() {
    relais::corpora::SynthOptions o;
    o.out = dir.path() / "w";
    o.seed = 5;
    o.threads = 2;
    relais::corpora::GenerateSynthWorld(o);
    std::ifstream f(o.out / "truth.json");
    truth = json::parse(f);
  }
  fs::path data() const { return dir.path() / "w" / "data"; }
};
const GeoWorld& GeoShared() {
  static GeoWorld w;
  return w;
}

std::map<std::string, json> Homes(const json& truth) {
  std::map<std::string, json> out;
  for (const auto& h : truth["geography"]["homes"]) out[h["actor"].get<std::string>()] = h;
  return out;
}

}  // namespace

TEST(SynthGeo, EveryAccountHasAHomeInOneRegion) {
  const auto& g = GeoShared().truth["geography"];
  const auto& gaz = geo::Gazetteer::Builtin();
  // Small scale: 2,000 actors, of which 30+60+4+40 outlets and PR sources and the head of state have no home.
  EXPECT_EQ(g["accounts"].get<int>(), 2000 - 30 - 60 - 4 - 40 - 1);
  std::uint64_t with_evidence = 0;
  for (const auto& h : g["homes"]) {
    EXPECT_EQ(gaz.RegionOf(h["departement"].get<std::string>()), h["region"].get<std::string>()) << h.dump();
    if (h["evidence"] != "none" && h["evidence"] != "profile-noise") ++with_evidence;
  }
  // Most accounts carry no evidence (planted: 35% profiles, 12% of them noise, 6% geotaggers).
  EXPECT_GT(with_evidence, g["accounts"].get<std::uint64_t>() / 5);
  EXPECT_LT(with_evidence, g["accounts"].get<std::uint64_t>() / 2);
}

TEST(SynthGeo, EvidenceInTheRecordsResolvesToTheHome) {
  const auto homes = Homes(GeoShared().truth);
  const auto& gaz = geo::Gazetteer::Builtin();
  std::map<std::string, int> profiles, right, unresolved;
  int geotags = 0, places = 0, geotags_home = 0;
  for (const auto& entry : fs::directory_iterator(GeoShared().data() / "twitter" / "v1")) {
    std::ifstream f(entry.path());
    std::string line;
    while (std::getline(f, line)) {
      const json s = json::parse(line);
      const std::string key = "@" + s["user"]["screen_name"].get<std::string>();
      auto h = homes.find(key);
      if (s["user"].contains("location")) {
        ASSERT_NE(h, homes.end()) << key << " has a location but no home";
        const auto p = gaz.Resolve(s["user"]["location"].get<std::string>());
        ++profiles[key];
        if (p.region.empty()) {  // nothing, or France only ("Nanterre / Montreuil": Montreuil is also in 62)
          ++unresolved[key];
        } else {
          EXPECT_EQ(p.region, h->second["region"].get<std::string>()) << s["user"]["location"];
          ++right[key];
        }
      }
      if (s.contains("coordinates")) {
        const auto& c = s["coordinates"]["coordinates"];
        const auto p = gaz.ResolvePoint(c[1].get<double>(), c[0].get<double>());
        ++geotags;
        ASSERT_TRUE(p.resolved()) << c.dump();
        if (h != homes.end() && p.departement == h->second["departement"].get<std::string>()) ++geotags_home;
      }
      if (s.contains("place")) {
        ++places;
        const auto p =
            gaz.ResolvePlace(s["place"]["full_name"].get<std::string>(), s["place"]["country_code"].get<std::string>());
        EXPECT_EQ(p.country, "FR");
        EXPECT_FALSE(p.departement.empty()) << s["place"].dump();
      }
    }
  }
  EXPECT_GT(profiles.size(), 50u);
  // Only the planted noise ("Quelque part", "🌍"…, 12% of profiles) stays unresolved, and a few forms.
  EXPECT_LT(unresolved.size(), profiles.size() / 4);
  EXPECT_GT(geotags, 20);
  EXPECT_GE(places, geotags);  // every geotagged status has a place too
  // Planted: 5% of located posts are away from home.
  EXPECT_GT(geotags_home, geotags * 8 / 10);
}

TEST(SynthGeo, PlantedLocalSharesShowInTheAnchors) {
  int n_before = 0, local_before = 0, n_after = 0, local_after = 0;
  for (const auto& h : GeoShared().truth["geography"]["homes"]) {
    if (!h.contains("anchor")) continue;
    const bool after = h["anchor"]["first_amplified"] == "after";
    const bool local = h["anchor"]["local"].get<bool>();
    (after ? n_after : n_before)++;
    (after ? local_after : local_before) += local ? 1 : 0;
  }
  ASSERT_GT(n_before, 100);
  ASSERT_GT(n_after, 30);
  const auto& m = GeoShared().truth["geography"]["model"];
  const double pb = m["p_local_before"].get<double>(), pa = m["p_local_after"].get<double>();
  // Within 4 binomial standard errors of the planted probabilities.
  EXPECT_NEAR(double(local_before) / n_before, pb, 4 * std::sqrt(pb * (1 - pb) / n_before));
  EXPECT_NEAR(double(local_after) / n_after, pa, 4 * std::sqrt(pa * (1 - pa) / n_after));
  // And in the realised audiences, pooled over the titles: fewer local amplifiers after the event.
  double before = 0, nb = 0, after = 0, na = 0;
  for (const auto& a : GeoShared().truth["geography"]["audiences"]) {
    before += a["before"]["in_region"].get<double>();
    nb += a["before"]["with_region"].get<double>();
    after += a["after"]["in_region"].get<double>();
    na += a["after"]["with_region"].get<double>();
  }
  ASSERT_GT(nb, 0);
  ASSERT_GT(na, 0);
  EXPECT_LT(after / na, before / nb);
}
