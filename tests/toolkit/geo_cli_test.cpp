// relais geo resolve: JSON lines for arguments and for stdin lines, coordinates, the table, bad usage; relais sql
// never shows raw geography (coordinates, place names, profile locations) without --raw-geo.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace relais {
namespace {

testing::RunResult Relais(const std::string& args) { return testing::Run(testing::RelaisBin() + " " + args); }

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(GeoCli, ResolveJsonOneLinePerArgument) {
  const auto r =
      Relais("geo resolve --json 'Marseille 13' 'Saint-Denis' 'Bretagne 🌊' '83000' 'Valencia' 'nowhere at all'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  for (const auto& l : lines)
    for (const char* k : {"query", "departement", "region", "country", "confidence"}) EXPECT_TRUE(l.contains(k)) << l;
  EXPECT_EQ(lines[0]["query"], "Marseille 13");
  EXPECT_EQ(lines[0]["departement"], "13");
  EXPECT_EQ(lines[0]["region"], "Provence-Alpes-Côte d'Azur");
  EXPECT_EQ(lines[0]["country"], "FR");
  EXPECT_GT(lines[0]["confidence"].get<double>(), 0.5);
  EXPECT_EQ(lines[0]["evidence"], "profile");
  EXPECT_EQ(lines[1]["departement"], "");  // 93 or 974
  EXPECT_EQ(lines[1]["region"], "");
  EXPECT_EQ(lines[1]["ambiguous"], true);
  EXPECT_EQ(lines[2]["departement"], "");
  EXPECT_EQ(lines[2]["region"], "Bretagne");
  EXPECT_EQ(lines[3]["departement"], "83");
  EXPECT_EQ(lines[4]["country"], "ES");
  EXPECT_EQ(lines[5]["country"], "");
  EXPECT_EQ(lines[5]["confidence"], 0);
}

TEST(GeoCli, StdinLinesAndCoordinates) {
  const auto r = testing::Run("printf 'Paris 11e\\r\\n43.1242,5.928\\n\\nSt Denis 974\\n' | " + testing::RelaisBin() +
                              " geo resolve --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0]["query"], "Paris 11e");
  EXPECT_EQ(lines[0]["departement"], "75");
  EXPECT_EQ(lines[1]["departement"], "83");
  EXPECT_EQ(lines[1]["evidence"], "geotag");
  EXPECT_EQ(lines[2]["query"], "");
  EXPECT_EQ(lines[2]["country"], "");
  EXPECT_EQ(lines[3]["departement"], "974");
}

TEST(GeoCli, TableAndKind) {
  const auto r = Relais("geo resolve --kind dateline TOULON");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("TOULON\t83\tProvence-Alpes-Côte d'Azur\tFR\t"), std::string::npos) << r.out;
  const auto bad = Relais("geo resolve --kind gps Toulon");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("--kind"), std::string::npos) << bad.err;
}

// Two geotagged tweets of @someone (profile "Toulon, Var"), ingested in 2 partitions: `relais sql` reads the
// coordinates, the place name and the profile text as NULL — in the answer, in a WHERE, through the partitions'
// view or a partition's own table, with SELECT * — and keeps département, région and country; --raw-geo shows them.
TEST(GeoCli, SqlHidesRawGeographyUnlessAsked) {
  testing::TempDir tmp;
  const auto input = tmp.path() / "t.jsonl";
  {
    std::ofstream out(input);
    for (int i = 0; i < 2; ++i)
      out << R"({"created_at":"Fri Jan 08 10:00:1)" << i << R"( +0000 2021","id_str":"90)" << i
          << R"(","full_text":"Au port","user":{"id_str":"7","screen_name":"someone","location":"Toulon, Var"},)"
          << R"("coordinates":{"type":"Point","coordinates":[5.9281,43.1242]},)"
          << R"("place":{"full_name":"Toulon, France","country_code":"FR"}})"
          << "\n";
  }
  const std::string store = (tmp.path() / "s").string();
  const auto ingest = Relais("ingest --format twitter-v1 --partitions 2 --store " + store + " " + input.string());
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  const std::string sql = "sql --store " + store + " ";
  const auto items = Relais(sql + "\"SELECT lat, lon, place, departement, region FROM item_geo ORDER BY item_id\"");
  ASSERT_EQ(items.exit_code, 0) << items.err;
  EXPECT_EQ(items.out,
            "lat,lon,place,departement,region\n,,,83,Provence-Alpes-Côte d'Azur\n"
            ",,,83,Provence-Alpes-Côte d'Azur\n");
  EXPECT_EQ(Relais(sql + "\"SELECT count(*) FROM item_geo WHERE lat > 43\"").out, "count(*)\n0\n");
  int raw_rows = 0;  // the partitions' own tables hold the 2 geotags, so reading them NULL is a real check
  for (int p = 0; p < 2; ++p) {
    const std::string own = "\"SELECT count(*) FROM p" + std::to_string(p) + ".item_geo WHERE lon IS NOT NULL\"";
    EXPECT_EQ(Relais(sql + own).out, "count(*)\n0\n") << p;
    const auto raw = Relais(sql + "--raw-geo " + own).out;
    raw_rows += std::stoi(raw.substr(raw.find('\n') + 1));
  }
  EXPECT_EQ(raw_rows, 2);
  const auto star = Relais(sql + "--json \"SELECT * FROM actor_geo\"");
  ASSERT_EQ(star.exit_code, 0) << star.err;
  const auto row = nlohmann::json::parse(star.out.substr(0, star.out.find('\n')));
  EXPECT_TRUE(row["location"].is_null()) << row;
  EXPECT_EQ(row["departement"], "83") << row;
  EXPECT_EQ(star.out.find("Toulon"), std::string::npos) << star.out;
  EXPECT_EQ(Relais(sql + "\"SELECT count(*) FROM actor_geo WHERE location LIKE '%Toulon%'\"").out, "count(*)\n0\n");
  // The store owner's raw data, on request.
  const auto raw = Relais(sql + "--raw-geo \"SELECT lat, place FROM item_geo LIMIT 1\"");
  EXPECT_EQ(raw.out, "lat,place\n43.1242,\"Toulon, France\"\n");
  EXPECT_EQ(Relais(sql + "--raw-geo \"SELECT location FROM actor_geo\"").out, "location\n\"Toulon, Var\"\n");
}

}  // namespace
}  // namespace relais
