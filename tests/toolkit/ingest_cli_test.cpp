// relais ingest / stats end to end: JSON shapes, exit codes, and kill -9 then rerun equals a clean run.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "test_util.hpp"

namespace relais::testing {
namespace {

/// Twitter v1.1 statuses, one a line, with replies and mentions.
void WriteTweets(const std::filesystem::path& p, int n) {
  std::ofstream out(p);
  for (int i = 0; i < n; ++i) {
    nlohmann::json t = {{"id", 5000 + i},
                        {"id_str", std::to_string(5000 + i)},
                        {"created_at", "Fri Jan 08 23:21:00 +0000 2021"},
                        {"full_text", "Message " + std::to_string(i) + " @compte" + std::to_string((i + 1) % 50)},
                        {"lang", "fr"},
                        {"user",
                         {{"id", 7 + i % 50},
                          {"id_str", std::to_string(7 + i % 50)},
                          {"screen_name", "compte" + std::to_string(i % 50)},
                          {"name", "C"}}},
                        {"entities",
                         {{"hashtags", nlohmann::json::array()},
                          {"user_mentions",
                           {{{"screen_name", "compte" + std::to_string((i + 1) % 50)},
                             {"id", 7 + (i + 1) % 50},
                             {"id_str", std::to_string(7 + (i + 1) % 50)},
                             {"indices", {12, 20}}}}},
                          {"urls", nlohmann::json::array()}}}};
    if (i % 4 == 1) {
      t["in_reply_to_status_id_str"] = std::to_string(5000 + i - 1);
      t["in_reply_to_status_id"] = 5000 + i - 1;
    }
    out << t.dump() << "\n";
  }
}

std::string Dump(const std::filesystem::path& store) {
  // A canonical dump by keys (ids may legitimately differ): items, actors, flows.
  std::string db = (store / "relais.db").string();
  auto r = relais::testing::Run(
      "sqlite3 -batch " + db +
      " \"SELECT i.key, i.kind, i.time, i.expansion, a.key FROM items i LEFT JOIN actors a ON a.id = "
      "i.actor_id ORDER BY i.key; SELECT key, actor_class, public FROM actors ORDER BY key; SELECT f.layer, "
      "coalesce(s.key, ''), d.key, coalesce(sa.key, ''), coalesce(f.latency, '') FROM flows f LEFT JOIN "
      "items s ON s.id = f.src_item JOIN items d ON d.id = f.dst_item LEFT JOIN actors sa ON sa.id = "
      "f.src_actor ORDER BY 1, 2, 3, 4;\"");
  return r.out;
}

bool HaveSqlite3Cli() { return relais::testing::Run("command -v sqlite3").exit_code == 0; }

bool V1Works(const TempDir& tmp) {
  WriteTweets(tmp.path() / "probe.jsonl", 2);
  auto r = relais::testing::Run(RelaisBin() + " ingest --json --format twitter-v1 --store " +
                                (tmp.path() / "probe").string() + " " + (tmp.path() / "probe.jsonl").string());
  return r.exit_code == 0 && nlohmann::json::parse(r.out)["accepted"] == 2;
}

TEST(IngestCli, JsonHasExactlyTheContractKeys) {
  TempDir tmp;
  ASSERT_TRUE(V1Works(tmp)) << "the twitter-v1 reader accepts no tweet";
  WriteTweets(tmp.path() / "t.jsonl", 40);
  auto r = relais::testing::Run(RelaisBin() + " ingest --json --format twitter-v1 --store " +
                                (tmp.path() / "s").string() + " " + (tmp.path() / "t.jsonl").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"accepted", "by_format", "by_reason", "duplicates", "quarantined", "ranks",
                                            "read", "seconds"}));
  EXPECT_EQ(j["by_format"]["twitter-v1"]["accepted"], 40);
  auto s = relais::testing::Run(RelaisBin() + " stats --json --store " + (tmp.path() / "s").string());
  ASSERT_EQ(s.exit_code, 0) << s.err;
  auto st = nlohmann::json::parse(s.out);
  EXPECT_EQ(st["items"], 40);
  EXPECT_EQ(st["actors"], 40);  // the authors; mentioned handles unknown to the registry are not actors
  EXPECT_EQ(st["flows_by_layer"]["reply"], 10);
}

TEST(IngestCli, UsageAndDataErrorsHaveTheirExitCodes) {
  TempDir tmp;
  WriteTweets(tmp.path() / "t.jsonl", 3);
  std::string base = RelaisBin() + " ingest --store " + (tmp.path() / "s").string() + " ";
  EXPECT_EQ(relais::testing::Run(base + "--format nope " + (tmp.path() / "t.jsonl").string()).exit_code, 2);
  EXPECT_EQ(
      relais::testing::Run(base + "--format press-csv --columns titre " + (tmp.path() / "t.jsonl").string()).exit_code,
      2);
  EXPECT_EQ(relais::testing::Run(base + "--format press-csv --columns color=2 " + (tmp.path() / "t.jsonl").string())
                .exit_code,
            2);
  auto missing = relais::testing::Run(base + (tmp.path() / "missing.jsonl").string());
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("missing.jsonl"), std::string::npos);
  auto stats = relais::testing::Run(RelaisBin() + " stats --store " + (tmp.path() / "none").string());
  EXPECT_EQ(stats.exit_code, 3);
  EXPECT_EQ(std::count(stats.err.begin(), stats.err.end(), '\n'), 1);
}

TEST(IngestCli, KillNineThenRerunEqualsACleanRun) {
  TempDir tmp;
  if (!HaveSqlite3Cli()) GTEST_SKIP() << "sqlite3 command-line tool not installed";
  ASSERT_TRUE(V1Works(tmp)) << "the twitter-v1 reader accepts no tweet";
  auto input = tmp.path() / "big.jsonl";
  WriteTweets(input, 200000);
  std::string args = " ingest --format twitter-v1 --threads 2 ";
  auto clean = tmp.path() / "clean";
  ASSERT_EQ(relais::testing::Run(RelaisBin() + args + "--store " + clean.string() + " " + input.string()).exit_code, 0);
  const std::string expected = Dump(clean);
  ASSERT_GT(expected.size(), 1000u);

  std::mt19937 rng(42);
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto killed = tmp.path() / ("killed" + std::to_string(attempt));
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::string store = "--store=" + killed.string();
      execl(RelaisBin().c_str(), "relais", "ingest", "--format", "twitter-v1", "--threads", "2", store.c_str(),
            input.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 1500));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    auto rerun = relais::testing::Run(RelaisBin() + args + "--json --store " + killed.string() + " " + input.string());
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    auto j = nlohmann::json::parse(rerun.out);
    EXPECT_EQ(j["read"], 200000);
    EXPECT_EQ(j["accepted"].get<int>() + j["duplicates"].get<int>(), 200000);
    EXPECT_EQ(Dump(killed), expected) << "attempt " << attempt;
  }
}

}  // namespace
}  // namespace relais::testing
