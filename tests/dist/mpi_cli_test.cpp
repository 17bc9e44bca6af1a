// relais under mpirun: every distributed verb gives the one-process result at 1–4 ranks (rank:
// scores to 1e-9, degree and core numbers exactly; influence: the same fit to the bit; reuse: the
// same flows), only rank 0 prints, --json carries "ranks", and a failing or killed rank ends the job
// with a message naming it instead of a hang. Each run is wrapped in `timeout` so a hang fails the
// test. Skipped, with a message, when mpirun is absent or relais was built without MPI.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mpi_test_util.hpp"
#include "relais/dist/comm.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using relais::testing::RelaisBin;
using relais::testing::RunResult;
using relais::testing::Sh;
using relais::testing::TempDir;

namespace {

std::string Mpirun(int np, const std::string& extra = "") { return relais::testing::Mpirun(np, 120, extra); }

std::string Fixture(const std::string& name) { return (relais::testing::FixturesDir() / "graph" / name).string(); }

json OneJson(const RunResult& r, const std::string& what) {
  EXPECT_EQ(r.exit_code, 0) << what << ": " << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << what << ": one line from rank 0 only:\n" << r.out;
  return json::parse(r.out);
}

std::map<std::string, double> Scores(const json& j) {
  std::map<std::string, double> m;
  for (const auto& r : j["results"]) m[r["node"].get<std::string>()] = r["score"].get<double>();
  return m;
}

void ExpectSameScores(const json& one, const json& many, double tol, const std::string& what) {
  const auto a = Scores(one), b = Scores(many);
  ASSERT_EQ(a.size(), b.size()) << what;
  double worst = 0;
  for (const auto& [node, score] : a) {
    ASSERT_TRUE(b.count(node)) << what << ": node " << node << " missing";
    worst = std::max(worst, std::fabs(score - b.at(node)));
  }
  EXPECT_LE(worst, tol) << what;
}

// Every metric at 3 ranks against one process; `nps` adds rank counts for some metrics.
void CheckRankFixture(const std::string& file, const std::string& flags, const std::vector<int>& more_nps = {}) {
  for (const std::string metric : {"pagerank", "hits", "degree", "kcore"}) {
    const std::string args = " rank --edges " + Fixture(file) + " " + flags + " --metric " + metric + " --top 0 --json";
    const json one = OneJson(Sh(RelaisBin() + args), file + " " + metric);
    EXPECT_EQ(one["ranks"], 1);
    std::vector<int> nps = {3};
    if (metric == "pagerank" || metric == "kcore") nps.insert(nps.end(), more_nps.begin(), more_nps.end());
    for (int np : nps) {
      const std::string what = file + " " + metric + " -np " + std::to_string(np);
      const json many = OneJson(Sh(Mpirun(np) + RelaisBin() + args), what);
      EXPECT_EQ(many["ranks"], np) << what;
      EXPECT_EQ(many["metric"], one["metric"]) << what;
      const bool exact = metric == "degree" || metric == "kcore";
      ExpectSameScores(one, many, exact ? 0.0 : 1e-9, what);
    }
  }
}

TEST(MpiRank, KarateUndirected) {
  RELAIS_REQUIRE_MPIRUN();
  CheckRankFixture("karate.tsv", "--undirected");
}

TEST(MpiRank, RandomDirectedAtOneToFourRanks) {
  RELAIS_REQUIRE_MPIRUN();
  CheckRankFixture("random_directed.tsv", "--directed", {1, 2, 4});
}

TEST(MpiRank, WeightedDirected) {
  RELAIS_REQUIRE_MPIRUN();
  CheckRankFixture("weighted_directed.tsv", "--directed --weighted");
}

TEST(MpiRank, BarabasiAlbertUndirected) {
  RELAIS_REQUIRE_MPIRUN();
  CheckRankFixture("random_ba.tsv", "--undirected");
}

TEST(MpiRank, TopKAndTextOutputFromRankZeroOnly) {
  RELAIS_REQUIRE_MPIRUN();
  const std::string args = " rank --edges " + Fixture("random_ba.tsv") + " --undirected --metric degree --top 5";
  const RunResult one = Sh(RelaisBin() + args), many = Sh(Mpirun(3) + RelaisBin() + args);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(many.exit_code, 0) << many.err;
  EXPECT_EQ(one.out, many.out);  // degrees are exact, ties by label: the same table
}

TEST(MpiRank, GzipInput) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const std::string gz = (tmp.path() / "g.tsv.gz").string();
  ASSERT_EQ(std::system(("gzip -c " + Fixture("random_directed.tsv") + " > " + gz).c_str()), 0);
  const std::string args = " rank --edges " + gz + " --metric pagerank --top 0 --json";
  ExpectSameScores(OneJson(Sh(RelaisBin() + args), "gz"), OneJson(Sh(Mpirun(3) + RelaisBin() + args), "gz -np 3"), 1e-9,
                   "gzip");
}

TEST(MpiRank, BetweennessRunsOnRankZeroAlone) {
  RELAIS_REQUIRE_MPIRUN();
  const std::string args =
      " rank --edges " + Fixture("karate.tsv") + " --undirected --metric betweenness --top 0 --json";
  const json one = OneJson(Sh(RelaisBin() + args), "betweenness");
  const RunResult r = Sh(Mpirun(2) + RelaisBin() + args);
  const json many = OneJson(r, "betweenness -np 2");
  EXPECT_EQ(many["ranks"], 1);
  EXPECT_NE(r.err.find("rank 0 computes it alone"), std::string::npos) << r.err;
  ExpectSameScores(one, many, 0.0, "betweenness");
}

// Events of two groups, a self- and cross-exciting process simulated by thinning (fixed seed).
std::string WriteEvents(const fs::path& dir, int n) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  std::ofstream f(dir / "events.csv");
  f << "time,group\n";
  double t = 0;
  for (int k = 0; k < n; ++k) {
    t += -std::log(1 - u(rng)) * (k % 7 == 0 ? 1.0 : 0.2);
    f << t << "," << (u(rng) < 0.4 ? "press" : "social") << "\n";
  }
  return (dir / "events.csv").string();
}

TEST(MpiInfluence, SameFitToTheBitAtOneToFourRanks) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const std::string events = WriteEvents(tmp.path(), 30000);  // 4 blocks of 8192 events
  const std::string args = " influence --events " + events + " --beta 2 --json";
  json one = OneJson(Sh(RelaisBin() + args), "influence");
  EXPECT_EQ(one["ranks"], 1);
  one.erase("ranks");
  for (int np = 1; np <= 4; ++np) {
    json many = OneJson(Sh(Mpirun(np) + RelaisBin() + args), "influence -np " + std::to_string(np));
    EXPECT_EQ(many["ranks"], np);
    many.erase("ranks");
    EXPECT_EQ(one.dump(), many.dump()) << "-np " << np;  // α, μ, β, loglik, iterations: identical
  }
}

TEST(MpiInfluence, ProfiledBetaMatches) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const std::string events = WriteEvents(tmp.path(), 17000);  // 3 blocks
  const std::string args = " influence --events " + events + " --max-iterations 200 --json";
  json one = OneJson(Sh(RelaisBin() + args), "influence profile");
  json many = OneJson(Sh(Mpirun(3) + RelaisBin() + args), "influence profile -np 3");
  one.erase("ranks");
  many.erase("ranks");
  EXPECT_EQ(one.dump(), many.dump());
}

// A small press corpus with planted copies: originals, edited copies a few hours later, noise.
std::string WritePress(const fs::path& dir) {
  static const std::vector<std::string> vocab = {
      "la",     "région",  "annonce", "un",       "nouveau", "plan",    "pour",      "les",        "transports",
      "élus",   "ont",     "voté",    "hier",     "soir",    "une",     "enveloppe", "millions",   "d'euros",
      "lycées", "maire",   "commune", "salue",    "projet",  "attendu", "habitants", "dossier",    "printemps",
      "tiers",  "syndics", "demande", "chantier", "durera",  "trois",   "ans",       "opposition", "critique"};
  std::mt19937 rng(5);
  auto prose = [&](int words) {
    std::string s;
    for (int i = 0; i < words; ++i) s += (s.empty() ? "" : " ") + vocab[rng() % vocab.size()];
    return s + ".";
  };
  std::ofstream f(dir / "press.jsonl");
  const std::vector<std::string> outlets = {"varmatin.com", "nicematin.com", "laprovence.com", "ouest-france.fr"};
  int id = 0;
  for (int k = 0; k < 40; ++k) {
    const std::string text = prose(90);
    for (int copy = 0; copy < (k % 3 == 0 ? 1 : 3); ++copy) {
      std::string t = text;
      if (copy == 2) t = prose(10) + " " + text.substr(0, text.size() / 2);
      json j = {{"url", "https://" + outlets[static_cast<std::size_t>(copy)] + "/a/" + std::to_string(++id)},
                {"published", "2021-01-" + std::string(k % 28 + 1 < 10 ? "0" : "") + std::to_string(k % 28 + 1) + "T" +
                                  std::to_string(10 + copy) + ":00:00Z"},
                {"title", "Article " + std::to_string(id)},
                {"text", t},
                {"outlet", outlets[static_cast<std::size_t>(copy)]}};
      f << j.dump() << "\n";
    }
  }
  return (dir / "press.jsonl").string();
}

std::vector<json> Lines(const std::string& out) {
  std::vector<json> v;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) v.push_back(json::parse(line));
  return v;
}

// The engine's counts on reuse's stderr ("reuse: N items, T tokens, LSH BxR, candidates C (LSH L, index I),
// verified V, flows F stored"), without the seconds.
std::string EngineCounts(const std::string& err) {
  const auto at = err.find(" items, ");
  if (at == std::string::npos) return "no counts in: " + err;
  const auto begin = err.rfind("reuse: ", at);
  return err.substr(begin, err.find(';', at) - begin);
}

TEST(MpiReuse, SameFlowsAtOneToThreeRanks) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const std::string press = WritePress(tmp.path()), store = (tmp.path() / "store").string();
  const RunResult in = Sh(RelaisBin() + " ingest --store " + store + " --format press-jsonl " + press);
  ASSERT_EQ(in.exit_code, 0) << in.err;
  const std::string args = " reuse --store " + store + " --from press --to press --json";
  const RunResult one = Sh(RelaisBin() + args);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  std::vector<json> a = Lines(one.out);
  ASSERT_GE(a.size(), 40u) << "the planted copies are found";
  for (auto& j : a) {
    EXPECT_EQ(j["ranks"], 1);
    j.erase("ranks");
  }
  const std::string stats_one = Sh(RelaisBin() + " stats --store " + store + " --json").out;
  for (int np : {2, 3}) {
    const RunResult many = Sh(Mpirun(np) + RelaisBin() + args);
    ASSERT_EQ(many.exit_code, 0) << many.err;
    std::vector<json> b = Lines(many.out);
    for (auto& j : b) {
      EXPECT_EQ(j["ranks"], np);
      j.erase("ranks");
    }
    EXPECT_EQ(json(a).dump(), json(b).dump()) << "-np " << np;
    // The store holds the same reuse flows (written once, by rank 0).
    EXPECT_EQ(Sh(RelaisBin() + " stats --store " + store + " --json").out, stats_one) << "-np " << np;
  }
  // With the engine's memory blocks made tiny (many band-key blocks, index shards and verification
  // blocks, each exchanged in its own round under mpirun): the same flows, at 1 to 4 ranks.
  for (int np : {1, 2, 4}) {
    const std::string env = "RELAIS_REUSE_SMALL_BLOCKS=1 ";
    const RunResult small = np == 1 ? Sh(env + RelaisBin() + args)
                                    : Sh(env + Mpirun(np, "-x RELAIS_REUSE_SMALL_BLOCKS") + RelaisBin() + args);
    ASSERT_EQ(small.exit_code, 0) << small.err;
    std::vector<json> b = Lines(small.out);
    for (auto& j : b) j.erase("ranks");
    EXPECT_EQ(json(a).dump(), json(b).dump()) << "small blocks, -np " << np;
    // And the same candidates on the way: from LSH and from the shingle index (which the planted copies
    // do not need, so the flows alone would not show a shard left out).
    EXPECT_EQ(EngineCounts(small.err), EngineCounts(one.err)) << "small blocks, -np " << np;
  }
}

// stats (issue 13): each rank reads its share of the partitions, the partials are added in partition
// order: the same JSON as one process, "ranks" apart, whether ranks are fewer or more than partitions.
TEST(MpiStats, SamePartialsReducedInPartitionOrder) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const std::string press = WritePress(tmp.path()), store = (tmp.path() / "store").string();
  const RunResult in = Sh(RelaisBin() + " ingest --partitions 3 --store " + store + " --format press-jsonl " + press);
  ASSERT_EQ(in.exit_code, 0) << in.err;
  ASSERT_EQ(Sh(RelaisBin() + " reuse --store " + store + " --from press --to press --json").exit_code, 0);
  const std::string args = " stats --store " + store + " --json";
  json one = OneJson(Sh(RelaisBin() + args), "stats");
  EXPECT_EQ(one["ranks"], 1);
  one.erase("ranks");
  EXPECT_GT(one["items"].get<int>(), 0);
  EXPECT_GT(one["flows_by_layer"]["reuse"].get<int>(), 0);
  for (int np : {1, 2, 4}) {
    json many = OneJson(Sh(Mpirun(np) + RelaisBin() + args), "stats -np " + std::to_string(np));
    EXPECT_EQ(many["ranks"], np);
    many.erase("ranks");
    EXPECT_EQ(one.dump(), many.dump()) << "-np " << np;
  }
}

TEST(MpiRuntime, OtherVerbsRunOnRankZeroAlone) {
  RELAIS_REQUIRE_MPIRUN();
  const RunResult r = Sh(Mpirun(3) + RelaisBin() + " actors resolve --json lemonde.fr");
  const json j = OneJson(r, "actors resolve under mpirun");
  EXPECT_EQ(j["ranks"], 1);
  EXPECT_EQ(j["actor_class"], "press-national");
  // Usage errors: exit 2 and one message, not one per rank.
  const RunResult bad = Sh(Mpirun(3) + RelaisBin() + " rank --edges " + Fixture("karate.tsv") + " --metric nope");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  std::size_t count = 0;
  for (std::size_t at = bad.err.find("relais: "); at != std::string::npos; at = bad.err.find("relais: ", at + 1))
    ++count;
  EXPECT_EQ(count, 1u) << bad.err;
}

TEST(MpiFailure, BadLineOnOneRankNamesTheRankAndLine) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const std::string path = (tmp.path() / "bad.tsv").string();
  {
    std::ofstream f(path);
    for (int k = 0; k < 3000; ++k) f << k << "\t" << (k * 7 + 1) % 3000 << "\n";
    f << "2999\n";  // line 3001: a lone label, in the last rank's byte range
    for (int k = 0; k < 10; ++k) f << k << "\t" << k + 1 << "\n";
  }
  const RunResult r = Sh(Mpirun(3) + RelaisBin() + " rank --edges " + path + " --metric pagerank --json");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("rank 2: " + path + ":3001:"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(MpiFailure, UnreadableInputOnOneRank) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const fs::path locked = tmp.path() / "missing.tsv";  // absent on "rank 2's node"
  const std::string cmd = "timeout 120 " + std::string(RELAIS_TEST_MPIEXEC) +
                          " --oversubscribe --allow-run-as-root -np 2 " + RelaisBin() + " rank --edges " +
                          Fixture("karate.tsv") + " --metric pagerank : -np 1 " + RelaisBin() + " rank --edges " +
                          locked.string() + " --metric pagerank";
  const RunResult r = Sh(cmd);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("rank 2: cannot open edge list " + locked.string()), std::string::npos) << r.err;
}

TEST(MpiFailure, KilledRankEndsTheJob) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const std::string events = WriteEvents(tmp.path(), 20000);
  const RunResult r =
      Sh(Mpirun(3, "-x RELAIS_TEST_KILL_RANK=1") + RelaisBin() + " influence --events " + events + " --beta 2 --json");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 124) << "the job hung until the timeout";
  EXPECT_NE(r.err.find("rank 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("signal 9"), std::string::npos) << r.err;
}

TEST(MpiRuntime, SerialCommunicator) {
  const relais::dist::Comm serial;
  EXPECT_EQ(serial.size(), 1);
  EXPECT_TRUE(serial.root());
  // Agree on one rank lets the original error through unchanged.
  try {
    relais::dist::Agree(serial, [] { throw relais::Error(relais::ErrorKind::kIo, "cannot open x"); });
    FAIL() << "no exception";
  } catch (const relais::dist::RankError&) {
    FAIL() << "a serial run must not name ranks";
  } catch (const relais::Error& e) {
    EXPECT_STREQ(e.what(), "cannot open x");
  }
  const double partial[2] = {1.5, 2.5};
  EXPECT_EQ(serial.SumInRankOrder(partial), (std::vector<double>{1.5, 2.5}));
  for (std::size_t n : {0u, 1u, 7u, 100u})
    for (int parts : {1, 2, 3, 4}) {
      EXPECT_EQ(relais::dist::BlockBegin(n, parts, 0), 0u);
      EXPECT_EQ(relais::dist::BlockBegin(n, parts, parts), n);
      for (int p = 0; p < parts; ++p)
        EXPECT_LE(relais::dist::BlockBegin(n, parts, p), relais::dist::BlockBegin(n, parts, p + 1));
    }
}

}  // namespace
