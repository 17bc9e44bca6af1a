// Every option takes one value per flag: a repeatable option never swallows the inputs after it,
// and an --actors path that is not a registry CSV is a usage error (exit 2, one line).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "test_util.hpp"

namespace relais::testing {
namespace {

std::string Q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

std::string Registry() { return Q(FixturesDir() / "registry" / "extra.csv"); }

std::string Inputs() {
  return Q(FixturesDir() / "input" / "press.jsonl") + " " + Q(FixturesDir() / "input" / "feed.rss");
}

nlohmann::json IngestJson(const std::string& args) {
  TempDir tmp;
  auto r = relais::testing::Run(RelaisBin() + " ingest --store " + Q(tmp.path() / "st") + " --json " + args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(CliOptions, IngestActorsBeforeInputsKeepsEveryInput) {
  const auto before = IngestJson("--actors " + Registry() + " " + Inputs());
  const auto after = IngestJson(Inputs() + " --actors " + Registry());
  ASSERT_GT(after["read"].get<int>(), 0);
  EXPECT_EQ(before["read"], after["read"]);
  EXPECT_EQ(before["accepted"], after["accepted"]);
  // Both inputs were read, not just the first: one of each format.
  EXPECT_EQ(before["by_format"].size(), 2u) << before.dump();
}

TEST(CliOptions, IngestActorsRepeatedFlagTakesOnePathEach) {
  TempDir tmp;
  const auto reg2 = tmp.path() / "more.csv";
  std::ofstream(reg2) << "key,kind,actor_class,region,name\n@autre_compte,handle,journalist,,Autre\n";
  const auto j = IngestJson("--actors " + Registry() + " --actors " + Q(reg2) + " " + Inputs());
  const auto k = IngestJson(Inputs());
  EXPECT_EQ(j["read"], k["read"]);
}

TEST(CliOptions, IngestActorsFolderIsAUsageError) {
  TempDir tmp;
  auto r = relais::testing::Run(RelaisBin() + " ingest --store " + Q(tmp.path() / "st") + " --actors " +
                                Q(FixturesDir() / "input") + " " + Inputs());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("is a folder"), std::string::npos) << r.err;
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "st" / "relais.db"));
}

TEST(CliOptions, IngestActorsNotARegistryIsAUsageError) {
  TempDir tmp;
  for (const auto& bad : {FixturesDir() / "input" / "press.jsonl", FixturesDir() / "input" / "feed.rss"}) {
    auto r = relais::testing::Run(RelaisBin() + " ingest --store " + Q(tmp.path() / "st") + " --actors " + Q(bad) +
                                  " " + Inputs());
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--actors"), std::string::npos) << r.err;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
  }
  const auto empty = tmp.path() / "empty.csv";
  std::ofstream(empty) << "key,kind,actor_class,region,name\n";
  auto r = relais::testing::Run(RelaisBin() + " ingest --store " + Q(tmp.path() / "st") + " --actors " + Q(empty) +
                                " " + Inputs());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("holds no actors"), std::string::npos) << r.err;
}

TEST(CliOptions, ActorsResolveKeepsKeysAfterActors) {
  auto r = relais::testing::Run(RelaisBin() + " actors resolve --json --actors " + Registry() +
                                " @jeanne_reporter lemonde.fr");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 2u) << r.out;
  EXPECT_EQ(rows[0]["actor_class"], "journalist");
  EXPECT_EQ(rows[1]["actor_class"], "press-national");
}

TEST(CliOptions, ActorsListRefusesASecondValue) {
  auto r = relais::testing::Run(RelaisBin() + " actors list --actors " + Registry() + " " + Registry());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto folder = relais::testing::Run(RelaisBin() + " actors list --actors " + Q(FixturesDir() / "registry"));
  EXPECT_EQ(folder.exit_code, 2) << folder.err;
}

TEST(CliOptions, FixedCountOptionsStillTakeTheirValues) {
  TempDir tmp;
  // who --path A B and reuse --explain A B take exactly two values; a third is not swallowed.
  auto who = relais::testing::Run(RelaisBin() + " who --store " + Q(tmp.path() / "none") + " --path @a @b @c");
  EXPECT_EQ(who.exit_code, 2) << who.err;
  // serve --allow-host takes one name per flag: a second name is not taken for another value.
  auto serve = relais::testing::Run(RelaisBin() + " serve --store " + Q(tmp.path() / "none") +
                                    " --allow-host a.example b.example");
  EXPECT_EQ(serve.exit_code, 2) << serve.err;
  EXPECT_NE(serve.err.find("b.example"), std::string::npos) << serve.err;
  auto reuse = relais::testing::Run(RelaisBin() + " reuse --store " + Q(tmp.path() / "none") + " --explain a b c");
  EXPECT_EQ(reuse.exit_code, 2) << reuse.err;
}

/// Every subcommand's options, as its --help lists them: an option shown as taking several
/// values ("...") must be one of those covered above, so a new one cannot slip in untested.
TEST(CliOptions, EveryMultiValueOptionIsCovered) {
  const std::set<std::string> covered = {"ingest --actors", "actors resolve --actors", "actors list --actors",
                                         "who --path",      "reuse --explain",         "serve --allow-host"};
  const std::vector<std::string> subs = {
      "ingest",         "stats", "actors resolve", "actors list", "text normalize", "reuse",
      "rank",           "flows", "cascades",       "event",       "leadlag",        "influence",
      "counterfactual", "who",   "export",         "synth",       "serve",          "demo"};
  const std::regex multi(R"(^\s+(?:-\w,\s*)?(--[\w-]+)\s+\S+\s+(?:x\s*\d+|\.\.\.))");
  int seen = 0;
  for (const auto& sub : subs) {
    auto r = relais::testing::Run(RelaisBin() + " " + sub + " --help");
    ASSERT_EQ(r.exit_code, 0) << sub << ": " << r.err;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, multi)) continue;
      ++seen;
      EXPECT_TRUE(covered.count(sub + " " + m[1].str())) << "untested multi-value option: " << sub << " " << m[1];
    }
  }
  EXPECT_GE(seen, 3) << "the help format changed; this test no longer sees multi-value options";
}

}  // namespace
}  // namespace relais::testing
