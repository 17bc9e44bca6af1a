// relais actors resolve|list: JSON lines, the table, user registries and their errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace relais {
namespace {

using testing::FixturesDir;
using testing::RelaisBin;

/// Runs `relais ARGS` (gtest's Test::Run would shadow a plain `Run` inside a test body).
testing::RunResult Relais(const std::string& args) { return testing::Run(RelaisBin() + " " + args); }

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  }
  return lines;
}

std::string Fixture(const char* name) { return "'" + (FixturesDir() / "registry" / name).string() + "'"; }

TEST(ActorsCli, ResolveJsonOneLinePerKey) {
  const auto r = Relais(
      " actors resolve --json lemonde.fr 'https://www.varmatin.com/politique/un-article-123' '@varmatin'"
      " 'https://www.ouest-france.fr/normandie/caen-14000/x' @EmmanuelMacron unknown-site.example");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  for (const auto& l : lines) {
    for (const char* k : {"key", "actor_class", "region", "name"}) EXPECT_TRUE(l.contains(k)) << l.dump();
  }
  EXPECT_EQ(lines[0]["key"], "lemonde.fr");
  EXPECT_EQ(lines[0]["actor_class"], "press-national");
  EXPECT_EQ(lines[0]["name"], "Le Monde");
  EXPECT_EQ(lines[1]["key"], "https://www.varmatin.com/politique/un-article-123");  // echoes the input
  EXPECT_EQ(lines[1]["actor_class"], "press-regional");
  EXPECT_EQ(lines[1]["region"], "Provence-Alpes-Côte d'Azur");
  EXPECT_EQ(lines[1]["matched"], "varmatin.com");
  EXPECT_EQ(lines[2]["actor_class"], "press-regional");
  EXPECT_EQ(lines[3]["region"], "Normandie");
  EXPECT_EQ(lines[4]["actor_class"], "politician");
  EXPECT_EQ(lines[5]["actor_class"], "public");
  EXPECT_EQ(lines[5]["region"], "");
  EXPECT_EQ(lines[5]["name"], "");
  EXPECT_TRUE(lines[5]["matched"].is_null());
}

TEST(ActorsCli, ResolveTable) {
  const auto r = Relais("actors resolve @Nice_Matin nobody-here");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("KEY"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("press-regional"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Nice-Matin"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("public"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(not in registry)"), std::string::npos) << r.out;
}

TEST(ActorsCli, UserRegistriesOverride) {
  const auto r =
      Relais("actors resolve --json --actors " + Fixture("extra.csv") + " @jeanne_reporter @varmatin varmatin.com");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["actor_class"], "journalist");
  EXPECT_EQ(lines[1]["name"], "Var-Matin (overridden)");
  EXPECT_EQ(lines[2]["name"], "Var-Matin");
}

TEST(ActorsCli, BadRegistryIsADataError) {
  auto r = Relais("actors resolve --json --actors " + Fixture("bad_class.csv") + " lemonde.fr");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("bad_class.csv:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("influencer"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;

  r = Relais("actors resolve --actors " + Fixture("bad_columns.csv") + " lemonde.fr");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("bad_columns.csv:3"), std::string::npos) << r.err;

  r = Relais("actors resolve --actors /nonexistent/actors.csv lemonde.fr");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("/nonexistent/actors.csv"), std::string::npos) << r.err;
}

TEST(ActorsCli, UsageErrors) {
  EXPECT_EQ(Relais("actors resolve").exit_code, 2);
  EXPECT_EQ(Relais("actors").exit_code, 2);
  EXPECT_EQ(Relais("actors resolve --no-such-flag x").exit_code, 2);
  EXPECT_EQ(Relais("actors list --class influencer").exit_code, 2);
}

TEST(ActorsCli, DepartmentAndGroup) {
  const auto r = Relais("actors resolve --json https://www.varmatin.com/politique/x.html lemonde.fr");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0]["department"], "83");
  EXPECT_EQ(lines[0]["group"], "Nice-Matin");
  EXPECT_EQ(lines[1]["department"], "");
  EXPECT_EQ(lines[1]["group"], "Le Monde");
}

TEST(ActorsCli, ListByClass) {
  const auto r = Relais("actors list --json --class press-agency");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = JsonLines(r.out);
  ASSERT_FALSE(lines.empty());
  bool afp = false;
  for (const auto& l : lines) {
    EXPECT_EQ(l["actor_class"], "press-agency");
    afp = afp || l["name"] == "AFP";
  }
  EXPECT_TRUE(afp);
}

}  // namespace
}  // namespace relais
