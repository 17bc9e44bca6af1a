// relais ingest / stats end to end: JSON shapes, exit codes, and kill -9 then rerun equals a clean run.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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
  // A canonical dump by keys (ids may legitimately differ): items, actors, flows, through relais sql.
  std::string out;
  for (const char* sql :
       {"SELECT i.key, i.kind, i.time, i.expansion, a.key FROM items i LEFT JOIN actors a ON a.id = i.actor_id "
        "ORDER BY i.key",
        "SELECT key, actor_class, public FROM actors ORDER BY key",
        "SELECT f.layer, coalesce(s.key, ''), d.key, coalesce(sa.key, ''), coalesce(f.latency, '') FROM flows f "
        "LEFT JOIN items s ON s.id = f.src_item JOIN items d ON d.id = f.dst_item LEFT JOIN actors sa ON sa.id = "
        "f.src_actor ORDER BY 1, 2, 3, 4"}) {
    auto r = relais::testing::Run(RelaisBin() + " sql --store " + store.string() + " \"" + sql + "\"");
    out += r.out + "exit " + std::to_string(r.exit_code) + "\n";
  }
  return out;
}

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

// RELAIS_SQL_PROFILE_MS=N: one stderr line per statement of >= N ms on every store connection (the flow
// pass's statements included), nothing without it, a one-line usage error for a value that is not a number.
TEST(IngestCli, SqlProfileReportsTheStoreStatementsOnlyWhenAsked) {
  TempDir tmp;
  WriteTweets(tmp.path() / "t.jsonl", 40);
  const std::string ingest = RelaisBin() + " ingest --format twitter-v1 --store ";
  const std::string input = " " + (tmp.path() / "t.jsonl").string();
  auto quiet = relais::testing::Run(ingest + (tmp.path() / "a").string() + input);
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("relais: sql "), std::string::npos) << quiet.err;

  auto profiled = relais::testing::Run("RELAIS_SQL_PROFILE_MS=0 " + ingest + (tmp.path() / "b").string() + input);
  ASSERT_EQ(profiled.exit_code, 0) << profiled.err;
  int statements = 0;
  bool flows = false, items = false;
  std::istringstream lines(profiled.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("relais: sql ", 0) != 0) continue;
    ++statements;
    EXPECT_LE(line.size(), 260u) << line;
    EXPECT_NE(line.find(" ms "), std::string::npos) << line;
    flows |= line.find("part-000.db: INSERT INTO main.flows") != std::string::npos;
    items |=
        line.find("INSERT INTO items") != std::string::npos || line.find("INSERT INTO main.items") != std::string::npos;
  }
  EXPECT_GT(statements, 20);
  EXPECT_TRUE(flows) << profiled.err.substr(0, 2000);
  EXPECT_TRUE(items) << profiled.err.substr(0, 2000);
  // The same store either way.
  auto sa = relais::testing::Run(RelaisBin() + " stats --json --store " + (tmp.path() / "a").string());
  auto sb = relais::testing::Run(RelaisBin() + " stats --json --store " + (tmp.path() / "b").string());
  EXPECT_EQ(sa.out, sb.out);

  auto bad = relais::testing::Run("RELAIS_SQL_PROFILE_MS=soon " + RelaisBin() + " stats --store " +
                                  (tmp.path() / "a").string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_NE(bad.err.find("RELAIS_SQL_PROFILE_MS"), std::string::npos) << bad.err;
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

// The writer's fault-injection point (RELAIS_FAULT_AFTER_BATCHES=N: SIGKILL right after the N-th
// commit): killed during a first load into 4 partitions, and during an append to a store, a rerun
// equals a clean run.
int RunKilledAfter(int batches, const std::vector<std::string>& args,
                   const char* fault = "RELAIS_FAULT_AFTER_BATCHES") {
  pid_t pid = fork();
  if (pid == 0) {
    ::setenv(fault, std::to_string(batches).c_str(), 1);
    std::vector<char*> argv;
    static std::string name = "relais";
    argv.push_back(name.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(RelaisBin().c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

TEST(IngestCli, FaultInjectedKillThenRerunEqualsACleanRun) {
  TempDir tmp;
  ASSERT_TRUE(V1Works(tmp)) << "the twitter-v1 reader accepts no tweet";
  auto first = tmp.path() / "first.jsonl";
  auto second = tmp.path() / "second.jsonl";
  WriteTweets(first, 60000);
  WriteTweets(second, 90000);  // ids 5000..94999: the first 60000 are duplicates of `first`
  const std::string ingest = RelaisBin() + " ingest --format twitter-v1 --threads 2 --partitions 4 ";
  auto clean = tmp.path() / "clean";
  ASSERT_EQ(relais::testing::Run(ingest + "--store " + clean.string() + " " + first.string()).exit_code, 0);
  const std::string clean_first = Dump(clean);
  ASSERT_EQ(relais::testing::Run(ingest + "--store " + clean.string() + " " + second.string()).exit_code, 0);
  const std::string clean_both = Dump(clean);
  ASSERT_NE(clean_first, clean_both);

  // Killed during the first load (3 commits of 20000 records: killed after the second).
  auto killed = tmp.path() / "killed";
  const std::vector<std::string> base = {"ingest",       "--format", "twitter-v1", "--threads",    "2",
                                         "--partitions", "4",        "--store",    killed.string()};
  auto args = base;
  args.push_back(first.string());
  EXPECT_EQ(RunKilledAfter(2, args), SIGKILL);
  auto refused = relais::testing::Run(RelaisBin() + " stats --store " + killed.string());
  EXPECT_EQ(refused.exit_code, 3) << refused.out;
  ASSERT_EQ(relais::testing::Run(ingest + "--store " + killed.string() + " " + first.string()).exit_code, 0);
  EXPECT_EQ(Dump(killed), clean_first);

  // Killed while appending (WAL commits kept): the rerun completes it.
  args = base;
  args.push_back(second.string());
  EXPECT_EQ(RunKilledAfter(3, args), SIGKILL);
  auto rerun = relais::testing::Run(ingest + "--json --store " + killed.string() + " " + second.string());
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  auto j = nlohmann::json::parse(rerun.out);
  EXPECT_EQ(j["read"], 90000);
  EXPECT_EQ(Dump(killed), clean_both);
  auto s1 = relais::testing::Run(RelaisBin() + " stats --json --store " + killed.string());
  auto s2 = relais::testing::Run(RelaisBin() + " stats --json --store " + clean.string());
  EXPECT_EQ(s1.out, s2.out);
}

// Small files share transactions (a commit point every 20,000 records, counted across files): an append of
// 120 files of 250 tweets, killed at its first commit, leaves the files before that point committed together;
// a rerun equals a clean run.
TEST(IngestCli, KilledWhileAppendingSmallFilesThenRerunEqualsACleanRun) {
  TempDir tmp;
  ASSERT_TRUE(V1Works(tmp)) << "the twitter-v1 reader accepts no tweet";
  const auto all = tmp.path() / "all.jsonl", first = tmp.path() / "first.jsonl", small = tmp.path() / "small";
  WriteTweets(all, 30000);
  WriteTweets(first, 1000);  // the store appended to; its tweets are those of the first four small files
  std::filesystem::create_directories(small);
  {
    std::ifstream in(all);
    std::ofstream out;
    std::string line;
    for (int n = 0; std::getline(in, line); ++n) {
      if (n % 250 == 0) {
        char name[32];
        std::snprintf(name, sizeof name, "part-%03d.jsonl", n / 250);
        out.close();
        out.open(small / name);
      }
      out << line << "\n";
    }
  }
  const std::string ingest = RelaisBin() + " ingest --format twitter-v1 --threads 2 --partitions 2 --store ";
  const auto clean = tmp.path() / "clean", killed = tmp.path() / "killed";
  for (const auto& store : {clean, killed})
    ASSERT_EQ(relais::testing::Run(ingest + store.string() + " " + first.string()).exit_code, 0);
  ASSERT_EQ(relais::testing::Run(ingest + clean.string() + " " + small.string()).exit_code, 0);
  const std::string expected = Dump(clean);

  EXPECT_EQ(RunKilledAfter(1, {"ingest", "--format", "twitter-v1", "--threads", "2", "--partitions", "2", "--store",
                               killed.string(), small.string()}),
            SIGKILL);
  // One commit for the files up to the 20,000th record (about 80 of them), not one a file.
  const auto complete = relais::testing::Run(RelaisBin() + " sql --store " + killed.string() +
                                             " \"SELECT count(*) FROM inputs WHERE complete\"");
  ASSERT_EQ(complete.exit_code, 0) << complete.err;
  const int committed = std::stoi(complete.out.substr(complete.out.find('\n') + 1));
  EXPECT_GE(committed, 60) << complete.out;
  EXPECT_LE(committed, 100) << complete.out;

  const auto rerun = relais::testing::Run(ingest + killed.string() + " --json " + small.string());
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(nlohmann::json::parse(rerun.out)["read"], 30000);
  EXPECT_EQ(Dump(killed), expected);
  EXPECT_EQ(relais::testing::Run(RelaisBin() + " stats --json --store " + killed.string()).out,
            relais::testing::Run(RelaisBin() + " stats --json --store " + clean.string()).out);
}

/// Tweets first_id … first_id + n − 1, one minute apart, by 37 accounts: each mentions the next
/// account; replies to the previous tweet, quotes of a tweet two ahead (not read yet), retweets of
/// the tweet three back (carried whole, so stored first as an expansion), links to one of 30 URLs.
void WriteTimedTweets(const std::filesystem::path& p, int first_id, int n) {
  auto tweet = [](int id) {
    auto user = [](int a) {
      return nlohmann::json{{"id", 100 + a},
                            {"id_str", std::to_string(100 + a)},
                            {"screen_name", "compte" + std::to_string(a)},
                            {"name", "C"}};
    };
    const int minute = id % 60, hour = (id / 60) % 24, day = 1 + id / 1440;
    char when[64];
    std::snprintf(when, sizeof(when), "Fri Jan %02d %02d:%02d:00 +0000 2021", day, hour, minute);
    nlohmann::json t = {{"id", id},
                        {"id_str", std::to_string(id)},
                        {"created_at", when},
                        {"full_text", "Message " + std::to_string(id) + " @compte" + std::to_string((id + 1) % 37)},
                        {"lang", "fr"},
                        {"user", user(id % 37)},
                        {"entities",
                         {{"hashtags", nlohmann::json::array()},
                          {"user_mentions",
                           {{{"screen_name", "compte" + std::to_string((id + 1) % 37)},
                             {"id", 100 + (id + 1) % 37},
                             {"id_str", std::to_string(100 + (id + 1) % 37)},
                             {"indices", {12, 20}}}}},
                          {"urls",
                           {{{"expanded_url", "https://example.org/a" + std::to_string(id % 30)},
                             {"url", "https://t.co/x"},
                             {"indices", {0, 1}}}}}}}};
    if (id % 4 == 1) {
      t["in_reply_to_status_id_str"] = std::to_string(id - 1);
      t["in_reply_to_status_id"] = id - 1;
      t["in_reply_to_screen_name"] = "compte" + std::to_string((id - 1) % 37);
    }
    if (id % 5 == 0) t["quoted_status_id_str"] = std::to_string(id + 2);
    return t;
  };
  std::ofstream out(p);
  for (int id = first_id; id < first_id + n; ++id) {
    nlohmann::json t = tweet(id);
    if (id % 6 == 0 && id >= 3) {
      t["retweeted_status"] = tweet(id - 3);
      t["full_text"] = "RT @compte" + std::to_string((id - 3) % 37) + ": Message " + std::to_string(id - 3);
    }
    out << t.dump() << "\n";
  }
}

// Incremental flows: later tweets then earlier ones (replies, quotes and retweets across the two
// files in both directions, expansions upgraded), one file at a time, equal a clean ingest of
// both; so does a run killed inside its flow pass (after one partition's flows were committed), rerun.
TEST(IngestCli, IncrementalFlowsEqualACleanIngestInAnyOrderAndAfterAKill) {
  TempDir tmp;
  ASSERT_TRUE(V1Works(tmp)) << "the twitter-v1 reader accepts no tweet";
  const auto early = tmp.path() / "early.jsonl", late = tmp.path() / "late.jsonl";
  WriteTimedTweets(early, 1000, 3000);
  WriteTimedTweets(late, 4000, 3000);
  const std::string ingest = RelaisBin() + " ingest --json --format twitter-v1 --threads 2 --partitions 3 --store ";
  auto run = [&](const std::filesystem::path& store, const std::string& files) {
    auto r = relais::testing::Run(ingest + store.string() + " " + files);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  };
  const auto clean = tmp.path() / "clean", forward = tmp.path() / "forward", backward = tmp.path() / "backward";
  run(clean, early.string() + " " + late.string());
  run(forward, early.string());
  run(forward, late.string());
  run(backward, late.string());
  run(backward, early.string());
  const std::string expected = Dump(clean);
  EXPECT_NE(expected.find("\nretweet,"), std::string::npos);
  EXPECT_NE(expected.find("\nquote,"), std::string::npos);
  EXPECT_NE(expected.find("\nmention,"), std::string::npos);
  EXPECT_NE(expected.find("\nreply,"), std::string::npos);
  EXPECT_TRUE(Dump(forward) == expected);
  EXPECT_TRUE(Dump(backward) == expected);
  const auto stats = relais::testing::Run(RelaisBin() + " stats --json --store " + clean.string()).out;
  EXPECT_EQ(relais::testing::Run(RelaisBin() + " stats --json --store " + backward.string()).out, stats);

  // Killed after the first partition's flows were committed, then rerun.
  const auto killed = tmp.path() / "killed";
  run(killed, late.string());
  const std::vector<std::string> args = {"ingest",       "--format", "twitter-v1", "--threads",     "2",
                                         "--partitions", "3",        "--store",    killed.string(), early.string()};
  EXPECT_EQ(RunKilledAfter(1, args, "RELAIS_FAULT_AFTER_FLOW_COMMITS"), SIGKILL);
  EXPECT_FALSE(Dump(killed) == expected);
  run(killed, early.string());
  EXPECT_TRUE(Dump(killed) == expected);
  // Nothing new: the flow pass redoes nothing and changes nothing.
  run(killed, early.string());
  EXPECT_TRUE(Dump(killed) == expected);
}

// relais sql: CSV with a header, --json one object per row, read-only, one statement.
TEST(IngestCli, SqlReadsThePartitionsAsOneDatabase) {
  TempDir tmp;
  ASSERT_TRUE(V1Works(tmp)) << "the twitter-v1 reader accepts no tweet";
  auto input = tmp.path() / "t.jsonl";
  WriteTweets(input, 400);
  const std::string store = (tmp.path() / "s").string();
  ASSERT_EQ(relais::testing::Run(RelaisBin() + " ingest --format twitter-v1 --partitions 3 --store " + store + " " +
                                 input.string())
                .exit_code,
            0);
  const std::string sql = RelaisBin() + " sql --store " + store + " ";
  auto csv = relais::testing::Run(sql + "\"SELECT count(*) AS n, min(key) AS first FROM items\"");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out, "n,first\n400,twitter:5000\n");
  auto parts = relais::testing::Run(sql + "\"SELECT count(*) FROM partitions\"");
  EXPECT_EQ(parts.out, "count(*)\n3\n");
  // Every partition holds some of the items, and the union is what was read.
  for (int p = 0; p < 3; ++p) {
    auto n = relais::testing::Run(sql + "\"SELECT count(*) > 50 FROM p" + std::to_string(p) + ".items\"");
    EXPECT_EQ(n.out.substr(n.out.find('\n') + 1), "1\n") << p;
  }
  auto json = relais::testing::Run(sql + "--json \"SELECT key, time FROM items ORDER BY key LIMIT 2\"");
  ASSERT_EQ(json.exit_code, 0);
  auto first = nlohmann::json::parse(json.out.substr(0, json.out.find('\n')));
  EXPECT_EQ(first["key"], "twitter:5000");
  EXPECT_TRUE(first["time"].is_number_integer());
  auto flows = relais::testing::Run(sql + "\"SELECT count(*) FROM flows WHERE layer = 'reply'\"");
  EXPECT_EQ(flows.out, "count(*)\n100\n");
  EXPECT_EQ(relais::testing::Run(sql + "\"DELETE FROM actors\"").exit_code, 2);
  EXPECT_EQ(relais::testing::Run(sql + "\"SELECT 1; SELECT 2\"").exit_code, 2);
  EXPECT_EQ(relais::testing::Run(sql + "\"SELECT nope FROM items\"").exit_code, 2);
}

}  // namespace
}  // namespace relais::testing
