// relais geo resolve: JSON lines for arguments and for stdin lines, coordinates, the table, bad usage.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace relais
