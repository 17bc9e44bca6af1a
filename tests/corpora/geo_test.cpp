// The French gazetteer: its data (101 départements, 18 régions), hard cases chosen on purpose
// (homonyms, arrondissements, abbreviations, emoji), coordinates of préfectures that are not seeds,
// and real profile locations of ../shared/data labelled by hand (tests/fixtures/geo).
#include "relais/corpora/geo.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "relais/base/error.hpp"
#include "test_util.hpp"

namespace relais::corpora::geo {
namespace {

const Gazetteer& Gaz() { return Gazetteer::Builtin(); }

TEST(Geo, ShipsTheDepartementsAndRegions) {
  const auto st = Gaz().Stats();
  EXPECT_EQ(st.departements, 101u);
  EXPECT_EQ(st.regions, 18u);
  EXPECT_GE(st.communes, 600u);
  const auto deps = Gaz().Departements();
  const std::set<std::string_view> codes(deps.begin(), deps.end());
  EXPECT_EQ(codes.size(), 101u);
  for (const char* c : {"01", "2A", "2B", "75", "95", "971", "972", "973", "974", "976"})
    EXPECT_TRUE(codes.count(c)) << c;
  EXPECT_FALSE(codes.count("20"));
  EXPECT_FALSE(codes.count("975"));  // a collectivity, not a département
  std::map<std::string_view, int> per_region;
  for (auto d : deps) {
    const auto r = Gaz().RegionOf(d);
    ASSERT_FALSE(r.empty()) << d;
    ++per_region[r];
  }
  EXPECT_EQ(per_region.size(), 18u);
  EXPECT_EQ(per_region["Île-de-France"], 8);
  EXPECT_EQ(per_region["Bretagne"], 4);
  EXPECT_EQ(per_region["Corse"], 2);
  EXPECT_EQ(per_region["Nouvelle-Aquitaine"], 12);
  EXPECT_EQ(per_region["Auvergne-Rhône-Alpes"], 12);
  EXPECT_EQ(per_region["Occitanie"], 13);
  EXPECT_EQ(per_region["Grand Est"], 10);
  EXPECT_EQ(per_region["Hauts-de-France"], 5);
  EXPECT_EQ(per_region["La Réunion"], 1);
  // the registry's region names are the gazetteer's
  EXPECT_EQ(Gaz().RegionOf("83"), "Provence-Alpes-Côte d'Azur");
}

TEST(Geo, Folding) {
  EXPECT_EQ(FoldPlaceText("Saint-Étienne"), "saint etienne");
  EXPECT_EQ(FoldPlaceText("St-Denis"), "saint denis");
  EXPECT_EQ(FoldPlaceText("Côte d’Azur 🌊"), "cote d azur");
  EXPECT_EQ(FoldPlaceText("Nice 🇫🇷"), "nice %fr");
  EXPECT_EQ(FoldPlaceText("ÎLE-DE-FRANCE"), "ile de france");
  EXPECT_EQ(FoldPlaceText("Cœur"), "coeur");
  EXPECT_EQ(FoldPlaceText("Ｐａｒｉｓ"), "paris");     // fullwidth
  EXPECT_EQ(FoldPlaceText("Se\xCC\x81te"), "sete");    // NFD accent
  EXPECT_EQ(FoldPlaceText("\xFF\xFEParis"), "paris");  // invalid UTF-8 bytes dropped
  EXPECT_EQ(FoldPlaceText(""), "");
}

struct Case {
  const char* query;
  const char* dep;
  const char* region;
  const char* country;
  bool ambiguous;
};

TEST(Geo, HardCases) {
  const Case cases[] = {
      {"Marseille 13", "13", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"Toulon, France", "83", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"PACA", "", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"Bretagne 🌊", "", "Bretagne", "FR", false},
      {"Nice 🇫🇷", "06", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"Paris 11e", "75", "Île-de-France", "FR", false},
      {"Paris 11ème", "75", "Île-de-France", "FR", false},
      {"Paris 11", "75", "Île-de-France", "FR", false},  // an arrondissement, not the Aude
      {"Lyon 3e", "69", "Auvergne-Rhône-Alpes", "FR", false},
      {"75011", "75", "Île-de-France", "FR", false},
      {"83000", "83", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"20090", "2A", "Corse", "FR", false},
      {"20200 Bastia", "2B", "Corse", "FR", false},
      {"97400", "974", "La Réunion", "FR", false},
      {"Valence", "26", "Auvergne-Rhône-Alpes", "FR", false},
      {"Valencia", "", "", "ES", false},
      {"Valence, Espagne", "", "", "ES", false},
      {"Saint-Denis", "", "", "FR", true},
      {"Saint-Denis 93", "93", "Île-de-France", "FR", false},
      {"St Denis 974", "974", "La Réunion", "FR", false},
      {"Saint-Denis, La Réunion", "974", "La Réunion", "FR", false},
      {"Saint-Denis (Seine-Saint-Denis)", "93", "Île-de-France", "FR", false},
      {"Aix", "", "", "FR", true},
      {"Aix-en-Provence", "13", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"Aix les Bains", "73", "Auvergne-Rhône-Alpes", "FR", false},
      {"Aix, Savoie", "73", "Auvergne-Rhône-Alpes", "FR", false},
      {"Paris, TX", "", "", "US", false},
      {"Paris / Lyon", "", "", "FR", true},
      {"Madrid / París", "", "", "", true},
      {"Vienne", "", "", "", true},  // the département, the commune in Isère, or Vienna
      {"Côte d'Azur", "", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"IDF", "", "Île-de-France", "FR", false},
      {"Alsace", "", "Grand Est", "FR", false},
      {"Bouches-du-Rhône", "13", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"BOUCHES DU RHONE", "13", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"Toulon Var", "83", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"Var", "83", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"a lot of love", "", "", "", false},  // "Lot" is a weak name: ignored among other words
      {"I am nice", "", "", "", false},
      {"Ajaccio", "2A", "Corse", "FR", false},
      {"Fort-de-France 🇲🇶", "972", "Martinique", "FR", false},
      {"🇷🇪", "974", "La Réunion", "FR", false},
      {"Kuwait 🇰🇼 ❤️", "", "", "KW", false},
      {"Europe 🇪🇺", "", "", "", false},
      {"Maidstone, Kent, UK", "", "", "GB", false},
      {"France", "", "", "FR", false},
      {"Sur les pages Web", "", "", "", false},
      {"", "", "", "", false},
      {"🌊🌊", "", "", "", false},
      {"Clermont-Fd", "63", "Auvergne-Rhône-Alpes", "FR", false},
      {"St-Étienne", "42", "Auvergne-Rhône-Alpes", "FR", false},
      {"Montreuil", "93", "Île-de-France", "FR", false},  // 111k vs 2k (Pas-de-Calais)
      {"Saint-Pierre 972", "972", "Martinique", "FR", false},
      {"Nouméa", "988", "Nouvelle-Calédonie", "FR", false},
      {"Lille / Bruxelles", "", "", "", true},
      {"Marseille, Aix, Toulon", "", "Provence-Alpes-Côte d'Azur", "FR", false},  // several places: their région
      {"Lille (59)", "59", "Hauts-de-France", "FR", false},
      {"59000 Lille", "59", "Hauts-de-France", "FR", false},
      {"Tours", "37", "Centre-Val de Loire", "FR", false},
      {"Orange, Vaucluse", "84", "Provence-Alpes-Côte d'Azur", "FR", false},
      {"Brest, Biélorussie", "", "", "", false},
      {"Sud de la France", "", "", "FR", false},
  };
  for (const auto& c : cases) {
    const Place p = Gaz().Resolve(c.query);
    EXPECT_EQ(p.departement, c.dep) << c.query;
    EXPECT_EQ(p.region, c.region) << c.query;
    EXPECT_EQ(p.country, c.country) << c.query;
    EXPECT_EQ(p.ambiguous, c.ambiguous) << c.query;
    EXPECT_GE(p.confidence, 0.0) << c.query;
    EXPECT_LE(p.confidence, 1.0) << c.query;
    if (p.country.empty()) {
      EXPECT_EQ(p.confidence, 0.0) << c.query;
    }
  }
}

TEST(Geo, ConfidenceOrdersEvidence) {
  const auto geotag = Gaz().ResolvePoint(43.1242, 5.928);
  const auto place = Gaz().ResolvePlace("Toulon, France", "FR");
  const auto profile = Gaz().Resolve("Toulon", Evidence::kProfile);
  const auto dateline = Gaz().Resolve("TOULON", Evidence::kDateline);
  for (const auto* p : {&geotag, &place, &profile, &dateline}) EXPECT_EQ(p->departement, "83");
  EXPECT_GT(geotag.confidence, place.confidence);
  EXPECT_GT(place.confidence, profile.confidence);
  EXPECT_GT(profile.confidence, dateline.confidence);
  EXPECT_EQ(geotag.evidence, Evidence::kGeotag);
  EXPECT_EQ(place.evidence, Evidence::kPlace);
  // two agreeing names are surer than one; extra words make it less sure
  EXPECT_GT(Gaz().Resolve("Toulon, Var").confidence, Gaz().Resolve("Toulon").confidence);
  EXPECT_GT(Gaz().Resolve("Toulon").confidence, Gaz().Resolve("Toulon la plus belle").confidence);
}

TEST(Geo, Places) {
  EXPECT_EQ(Gaz().ResolvePlace("Saint-Denis", "RE").departement, "974");
  EXPECT_EQ(Gaz().ResolvePlace("Valencia, Spain", "ES").country, "ES");
  const auto p = Gaz().ResolvePlace("Paris, Île-de-France", "FR");
  EXPECT_EQ(p.departement, "75");
  EXPECT_EQ(Gaz().ResolvePlace("Somewhere", "FR").country, "FR");
  EXPECT_EQ(Gaz().ResolvePlace("Somewhere", "FR").departement, "");
}

TEST(Geo, Datelines) {
  EXPECT_EQ(DatelineOf("TOULON (AFP) – Le maire a annoncé"), "TOULON");
  EXPECT_EQ(DatelineOf("Marseille, 12 mars (AFP) - Un incendie"), "Marseille");
  EXPECT_EQ(DatelineOf("AIX-EN-PROVENCE — La cour"), "AIX-EN-PROVENCE");
  EXPECT_EQ(DatelineOf("Saint-Denis de La Réunion (AFP) - x"), "Saint-Denis de La Réunion");
  EXPECT_EQ(DatelineOf("Le gouvernement a annoncé mardi que"), "");
  EXPECT_EQ(DatelineOf("En 2023 (chiffres) le"), "");
  EXPECT_EQ(DatelineOf(""), "");
  const auto p = Gaz().ResolveDateline("TOULON (AFP) – Le maire a annoncé");
  EXPECT_EQ(p.departement, "83");
  EXPECT_EQ(p.evidence, Evidence::kDateline);
  EXPECT_EQ(Gaz().ResolveDateline("BRUXELLES (AFP) - x").country, "BE");
  EXPECT_EQ(Gaz().ResolveDateline("Saint-Denis de La Réunion (AFP) - x").departement, "974");
  EXPECT_FALSE(Gaz().ResolveDateline("Le gouvernement a annoncé").resolved());
}

TEST(Geo, ParseLatLon) {
  ASSERT_TRUE(ParseLatLon("43.12,5.93"));
  EXPECT_DOUBLE_EQ(ParseLatLon(" 43.12 , 5.93 ")->second, 5.93);
  EXPECT_TRUE(ParseLatLon("-21.13;55.53"));
  EXPECT_FALSE(ParseLatLon("83000"));
  EXPECT_FALSE(ParseLatLon("13 13"));  // no decimal point: not coordinates
  EXPECT_FALSE(ParseLatLon("91.0,0"));
  EXPECT_FALSE(ParseLatLon("Paris 11"));
}

TEST(Geo, CoordinatesOfPrefecturesThatAreNotSeeds) {
  // Préfectures and sous-préfectures whose coordinates are not in points.csv (written from public maps):
  // placed only through the département centroids and the other seeds.
  struct Pt {
    double lat, lon;
    const char* dep;
  };
  const Pt pts[] = {
      {43.12, 6.13, "83"},  {43.43, 6.74, "83"},  {43.54, 6.46, "83"},  {43.68, 4.63, "13"},  {43.34, 3.22, "34"},
      {43.18, 3.00, "11"},  {43.93, 2.15, "81"},  {45.57, 5.92, "73"},  {44.93, 4.89, "26"},  {48.00, -4.10, "29"},
      {47.75, -3.37, "56"}, {47.66, -2.76, "56"}, {48.51, -2.76, "22"}, {48.07, -0.77, "53"}, {46.16, -1.15, "17"},
      {46.32, -0.46, "79"}, {45.65, 0.16, "16"},  {45.18, 0.72, "24"},  {44.20, 0.62, "47"},  {44.02, 1.35, "82"},
      {43.23, 0.08, "65"},  {43.89, -0.50, "40"}, {43.21, 2.35, "11"},  {44.35, 2.57, "12"},  {44.52, 3.50, "48"},
      {44.93, 2.44, "15"},  {45.04, 3.89, "43"},  {44.74, 4.60, "07"},  {44.56, 6.08, "05"},  {44.09, 6.24, "04"},
      {47.08, 2.40, "18"},  {46.81, 1.69, "36"},  {47.59, 1.33, "41"},  {48.45, 1.49, "28"},  {49.03, 1.15, "27"},
      {48.43, 0.09, "61"},  {49.12, -1.09, "50"}, {49.43, 2.08, "60"},  {49.56, 3.62, "02"},  {50.29, 2.78, "62"},
      {48.30, 4.08, "10"},  {48.11, 5.14, "52"},  {48.77, 5.16, "55"},  {48.17, 6.45, "88"},  {47.62, 6.15, "70"},
      {47.64, 6.86, "90"},  {46.67, 5.55, "39"},  {46.21, 5.23, "01"},  {46.31, 4.83, "71"},  {46.99, 3.16, "58"},
      {47.80, 3.57, "89"},  {46.57, 3.33, "03"},  {46.17, 1.87, "23"},  {45.27, 1.77, "19"},  {44.45, 1.44, "46"},
      {43.65, 0.59, "32"},  {46.67, -1.43, "85"}, {47.27, -2.21, "44"}, {48.65, -2.01, "35"}, {49.28, 2.48, "60"},
      {48.41, 2.70, "77"},  {48.64, 1.83, "78"},  {48.44, 2.16, "91"},  {49.05, 3.40, "02"},  {50.72, 1.61, "62"},
  };
  std::size_t right = 0;
  std::string wrong;
  for (const auto& p : pts) {
    const auto r = Gaz().ResolvePoint(p.lat, p.lon);
    EXPECT_EQ(r.country, "FR") << p.lat << "," << p.lon;
    if (r.departement == p.dep) {
      ++right;
    } else {
      wrong += " " + std::to_string(p.lat) + "," + std::to_string(p.lon) + "→" + std::string(r.departement) +
               " (truth " + p.dep + ")";
    }
  }
  const double acc = static_cast<double>(right) / std::size(pts);
  std::cout << "[ geo      ] coordinates → département: " << right << "/" << std::size(pts) << " = " << acc
            << "; wrong:" << wrong << "\n";
  EXPECT_GE(acc, 0.85);
}

TEST(Geo, CoordinatesAbroadAndAtSea) {
  EXPECT_EQ(Gaz().ResolvePoint(46.20, 6.14).country, "CH");      // Geneva
  EXPECT_EQ(Gaz().ResolvePoint(50.85, 4.35).country, "BE");      // Brussels
  EXPECT_EQ(Gaz().ResolvePoint(43.74, 7.42).country, "MC");      // Monaco
  EXPECT_EQ(Gaz().ResolvePoint(43.70, 7.27).departement, "06");  // Nice, next to Monaco
  EXPECT_EQ(Gaz().ResolvePoint(40.4, -3.7).country, "");         // Madrid: no seed near
  EXPECT_EQ(Gaz().ResolvePoint(45.0, -20.0).country, "");        // the Atlantic
  EXPECT_EQ(Gaz().ResolvePoint(-21.13, 55.53).departement, "974");
  EXPECT_EQ(Gaz().ResolvePoint(4.0, -53.0).departement, "973");
  EXPECT_EQ(Gaz().ResolvePoint(100, 0).country, "");  // out of range
}

std::vector<std::vector<std::string>> ReadTsv(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> f;
    std::size_t start = 0;
    while (true) {
      const auto p = line.find('\t', start);
      f.push_back(line.substr(start, p == std::string::npos ? std::string::npos : p - start));
      if (p == std::string::npos) break;
      start = p + 1;
    }
    f.resize(4);
    rows.push_back(f);
  }
  return rows;
}

TEST(Geo, RealProfileLocationsLabelledByHand) {
  const auto rows = ReadTsv(testing::FixturesDir() / "geo" / "profile_locations.tsv");
  ASSERT_GE(rows.size(), 100u);
  std::size_t answered = 0, wrong = 0, fr_truth = 0, fr_found = 0, country_truth = 0, country_found = 0;
  for (const auto& r : rows) {
    const Place p = Gaz().Resolve(r[0]);
    // any non-empty field must agree with the label: the gazetteer may abstain, never be wrong
    if (!p.country.empty()) {
      ++answered;
      const bool ok = p.country == r[3] && (p.region.empty() || p.region == r[2]) &&
                      (p.departement.empty() || p.departement == r[1]);
      wrong += !ok;
      EXPECT_TRUE(ok) << "'" << r[0] << "' → " << p.departement << "|" << p.region << "|" << p.country;
    }
    if (!r[1].empty()) {
      ++fr_truth;
      fr_found += p.departement == r[1];
    }
    if (!r[3].empty()) {
      ++country_truth;
      country_found += p.country == r[3];
    }
  }
  std::cout << "[ geo      ] " << rows.size() << " real profile locations: " << answered << " answered, " << wrong
            << " wrong; département recall " << fr_found << "/" << fr_truth << ", country recall " << country_found
            << "/" << country_truth << "\n";
  EXPECT_EQ(wrong, 0u);
  EXPECT_EQ(fr_found, fr_truth);
  EXPECT_GE(static_cast<double>(country_found) / country_truth, 0.9);
}

TEST(Geo, EveryLocationOfTheFrenchTimelineIsLabelled) {
  RELAIS_REQUIRE_SHARED_DATA(shared);
  const auto rows = ReadTsv(testing::FixturesDir() / "geo" / "profile_locations.tsv");
  std::set<std::string> labelled;
  for (const auto& r : rows) labelled.insert(r[0]);
  std::ifstream in(shared / "v1-fr-timeline-2013" / "statuses.jsonl");
  ASSERT_TRUE(in) << "v1-fr-timeline-2013/statuses.jsonl";
  std::string line;
  std::set<std::string> seen;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& j) {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "location" && it.value().is_string()) seen.insert(it.value().get<std::string>());
        walk(it.value());
      }
    } else if (j.is_array()) {
      for (const auto& v : j) walk(v);
    }
  };
  while (std::getline(in, line))
    if (!line.empty()) walk(nlohmann::json::parse(line));
  ASSERT_GE(seen.size(), 10u);
  for (const auto& loc : seen) {
    if (loc.empty()) continue;
    EXPECT_TRUE(labelled.count(loc)) << "unlabelled location '" << loc << "'";
  }
}

TEST(Geo, ThreadSafeAndDeterministic) {
  const std::vector<std::string> qs = {"Marseille 13", "Saint-Denis 974", "Bretagne", "Paris, TX", "83000", "Aix"};
  std::vector<std::string> expect;
  for (const auto& q : qs) {
    const auto p = Gaz().Resolve(q);
    expect.push_back(std::string(p.departement) + "|" + std::string(p.region) + "|" + std::string(p.country));
  }
  std::vector<std::thread> ts;
  std::vector<int> bad(4, 0);
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      for (int k = 0; k < 2000; ++k) {
        const auto& q = qs[static_cast<std::size_t>(k) % qs.size()];
        const auto p = Gaz().Resolve(q);
        const auto got = std::string(p.departement) + "|" + std::string(p.region) + "|" + std::string(p.country);
        bad[static_cast<std::size_t>(t)] += got != expect[static_cast<std::size_t>(k) % qs.size()];
      }
    });
  }
  for (auto& th : ts) th.join();
  for (int b : bad) EXPECT_EQ(b, 0);
}

TEST(Geo, BadDataNamesFileAndLine) {
  try {
    Gazetteer::FromCsv(
        {{"regions.csv", "code,name,variants\n93,PACA,\n"},
         {"departements.csv", "code,kind,name,region,lat,lon,variants\n83,departement,Var,Nowhere,1,2,\n"}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("departements.csv:2"), std::string::npos) << e.what();
    EXPECT_EQ(e.kind(), ErrorKind::kData);
  }
}

}  // namespace
}  // namespace relais::corpora::geo
