// ingest and flows under mpirun (issue 13): a distributed ingest (files parsed by the ranks, records routed
// by rank 0 in input order, each partition written by its owner rank) gives the store of a one-process ingest — the
// same ingest counts, stats, flow matrices, item/actor/flow ids — at 1 to 3 ranks, on the small synthetic world (with
// duplicates and malformed records) and on real fixtures; `flows` reduces per-partition partial
// matrices to the one-process output; a rank that cannot read its file fails the whole job, naming
// it, without a hang. Skipped, with a message, when mpirun is absent or relais was built without MPI.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
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

std::string MpirunLong(int np) { return relais::testing::Mpirun(np, 300); }

// The JSON object printed on one line, with "ranks" checked and removed (and "seconds", a timing).
json Without(const RunResult& r, int ranks, const std::string& what) {
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << what << ": one line from rank 0 only:\n"
                                                             << r.out << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["ranks"], ranks) << what;
  j.erase("ranks");
  j.erase("seconds");
  return j;
}

// The small synthetic world with 1% dirty records (malformed lines and duplicated records across
// files), ingested by one process into 3 partitions.
struct World {
  TempDir tmp;
  fs::path dir, store;
  std::string inputs;  // the ingest arguments after --store
  json ingest;         // its --json counts
};

World& SmallWorld() {
  // Owned by a static so that its folder is removed at exit (a leaked pointer left ~550 MB per run).
  static const std::unique_ptr<World> w = [] {
    auto x = std::make_unique<World>();
    x->dir = x->tmp.path() / "w";
    x->store = x->tmp.path() / "one";
    RunResult r = Sh(RelaisBin() + " synth --out " + x->dir.string() + " --seed 1 --scale small --dirty 0.01");
    if (r.exit_code != 0) throw std::runtime_error("synth failed: " + r.err);
    x->inputs = " --threads 2 --partitions 3 --actors " + (x->dir / "actors.csv").string() + " " +
                (x->dir / "data").string() + " --json";
    r = Sh(RelaisBin() + " ingest --store " + x->store.string() + x->inputs);
    if (r.exit_code != 0) throw std::runtime_error("ingest failed: " + r.err);
    x->ingest = Without(r, 1, "one-process ingest");
    return x;
  }();
  return *w;
}

// What must not depend on how the store was written: counts, matrices, and every id.
const std::vector<std::string> kStoreViews = {
    "stats --json",
    "flows --json --by class",
    "flows --json --by actor --layers retweet,quote,mention --no-pseudonymise",  // pseudonym keys are per store
    "flows --json --by region --at 2021-01-08T23:21Z --before 10d --after 10d",
};
const std::vector<std::string> kIdQueries = {
    "SELECT id, key, actor_id, expansion, time FROM items ORDER BY id",
    "SELECT id, key, actor_class, public FROM actors ORDER BY id",
    "SELECT id, layer, src_item, dst_item, src_actor, dst_actor, latency FROM flows ORDER BY id",
    "SELECT sha256, path, format, read, accepted, duplicates, quarantined, complete FROM inputs ORDER BY sha256",
    "SELECT file, sha256, line, ordinal, reason FROM quarantine ORDER BY id",
};

void ExpectSameStore(const fs::path& one, const fs::path& many, const std::string& what) {
  for (const auto& view : kStoreViews) {
    const RunResult a = Sh(RelaisBin() + " " + view + " --store " + one.string());
    const RunResult b = Sh(RelaisBin() + " " + view + " --store " + many.string());
    ASSERT_EQ(a.exit_code, 0) << view << ": " << a.err;
    ASSERT_EQ(b.exit_code, 0) << what << " " << view << ": " << b.err;
    EXPECT_EQ(a.out, b.out) << what << ": " << view;
  }
  for (const auto& q : kIdQueries) {
    const RunResult a = Sh(RelaisBin() + " sql --store " + one.string() + " \"" + q + "\"");
    const RunResult b = Sh(RelaisBin() + " sql --store " + many.string() + " \"" + q + "\"");
    ASSERT_EQ(a.exit_code, 0) << q << ": " << a.err;
    EXPECT_EQ(a.out, b.out) << what << ": " << q;
  }
}

// The search index, built per partition by the partition's owner: the same rows (item ids and their token
// counts) and watermark in every partition.
void ExpectSameSearchIndex(const fs::path& one, const fs::path& many, int partitions, const std::string& what) {
  for (int p = 0; p < partitions; ++p) {
    const std::string schema = "p" + std::to_string(p);
    for (const std::string& q : {"SELECT id, sz FROM " + schema + ".items_fts_docsize ORDER BY id",
                                 "SELECT max_item FROM " + schema + ".items_fts_mark"}) {
      const RunResult a = Sh(RelaisBin() + " sql --store " + one.string() + " \"" + q + "\"");
      const RunResult b = Sh(RelaisBin() + " sql --store " + many.string() + " \"" + q + "\"");
      ASSERT_EQ(a.exit_code, 0) << q << ": " << a.err;
      EXPECT_GT(std::count(a.out.begin(), a.out.end(), '\n'), 1) << q << ": rows";
      EXPECT_EQ(a.out, b.out) << what << ": " << q;
    }
  }
}

// Each rank but 0 wrote the items of its own partitions (p ≡ rank mod np), as its stderr line says: at least
// as many items as those partitions hold (upgraded expansions are written twice), none elsewhere.
void ExpectOwnersWroteTheirPartitions(const std::string& err, const fs::path& store, int np, int partitions,
                                      const std::string& what) {
  for (int rank = 1; rank < np; ++rank) {
    std::string expected_parts;
    std::int64_t rows = 0;
    for (int p = rank; p < partitions; p += np) {
      expected_parts += (expected_parts.empty() ? "" : ", ") + std::to_string(p);
      const RunResult c = Sh(RelaisBin() + " sql --store " + store.string() + " \"SELECT count(*) FROM p" +
                             std::to_string(p) + ".items\"");
      ASSERT_EQ(c.exit_code, 0) << c.err;
      std::istringstream lines(c.out);
      std::string header, count;
      std::getline(lines, header);
      std::getline(lines, count);
      rows += std::stoll(count);
    }
    const std::string prefix = "ingest: rank " + std::to_string(rank) + " wrote ";
    const auto at = err.find(prefix);
    ASSERT_NE(at, std::string::npos) << what << ": no line of rank " << rank << " in\n" << err;
    const std::string line = err.substr(at, err.find('\n', at) - at);
    const std::int64_t written = std::stoll(line.substr(prefix.size()));
    EXPECT_NE(line.find("into partitions " + expected_parts), std::string::npos) << what << ": " << line;
    EXPECT_GT(written, 0) << what << ": " << line;
    EXPECT_GE(written, rows) << what << ": " << line;
  }
}

TEST(MpiFlows, PartialMatricesReducedInPartitionOrder) {
  RELAIS_REQUIRE_MPIRUN();
  World& w = SmallWorld();
  for (const auto& view : kStoreViews) {
    if (view.rfind("flows", 0) != 0) continue;
    const std::string args = " " + view + " --store " + w.store.string();
    const json one = Without(Sh(RelaisBin() + args), 1, view);
    EXPECT_GT(one["windows"][0]["total"].get<std::int64_t>(), 0) << view;
    for (int np = 1; np <= 3; ++np) {
      const json many = Without(Sh(MpirunLong(np) + RelaisBin() + args), np, view + " -np " + std::to_string(np));
      EXPECT_EQ(one.dump(), many.dump()) << view << " -np " << np;
    }
  }
  // The table too (no JSON): byte-identical.
  const std::string table = " flows --by class --store " + w.store.string();
  EXPECT_EQ(Sh(RelaisBin() + table).out, Sh(MpirunLong(3) + RelaisBin() + table).out);
}

// At np > 1 every rank's flow pass reports its exchange (corpora::RunExchangedFlowPasses): the sources
// the partitions of one rank need from the others' partitions came through MPI, not through the files.
// Returns the source items the ranks received, summed.
std::int64_t ExchangedSourceItems(const std::string& err, int np, const std::string& what) {
  std::int64_t received = 0;
  for (int rank = 0; rank < np; ++rank) {
    const std::string prefix = "ingest: rank " + std::to_string(rank) + " flow exchange: asked ";
    const auto at = err.find(prefix);
    EXPECT_NE(at, std::string::npos) << what << ": no exchange line of rank " << rank << " in\n" << err;
    if (at == std::string::npos) continue;
    const std::string line = err.substr(at, err.find('\n', at) - at);
    const auto got = line.find("received ");
    EXPECT_NE(got, std::string::npos) << line;
    if (got != std::string::npos) received += std::stoll(line.substr(got + 9));
  }
  return received;
}

TEST(MpiIngest, SyntheticWorldSameStoreAtOneToThreeRanks) {
  RELAIS_REQUIRE_MPIRUN();
  World& w = SmallWorld();
  EXPECT_GT(w.ingest["duplicates"].get<std::int64_t>(), 0) << "the dirty world has duplicates";
  EXPECT_GT(w.ingest["quarantined"].get<std::int64_t>(), 0) << "the dirty world has malformed records";
  for (int np = 1; np <= 3; ++np) {
    const std::string what = "ingest -np " + std::to_string(np);
    const fs::path store = w.tmp.path() / ("np" + std::to_string(np));
    const RunResult r = Sh(MpirunLong(np) + RelaisBin() + " ingest --store " + store.string() + w.inputs);
    ASSERT_EQ(r.exit_code, 0) << what << ": " << r.err;
    const json counts = Without(r, np, what);
    EXPECT_EQ(counts.dump(), w.ingest.dump()) << what;
    EXPECT_EQ(counts["read"].get<std::int64_t>(), counts["accepted"].get<std::int64_t>() +
                                                      counts["duplicates"].get<std::int64_t>() +
                                                      counts["quarantined"].get<std::int64_t>());
    ExpectSameStore(w.store, store, what);
    ExpectSameSearchIndex(w.store, store, 3, what);
    EXPECT_TRUE(fs::exists(store / "part-002.db")) << what;
    ExpectOwnersWroteTheirPartitions(r.err, store, np, 3, what);
    if (np > 1) {
      EXPECT_GT(ExchangedSourceItems(r.err, np, what), 0) << what;
    }
  }
}

// Our own fixtures of several formats (documents, CSV in windows-1252, a broken RSS file) and, when present,
// three ../shared/data folders (with files of unrecognised format: exit 3, recorded as unknown inputs):
// the same counts, the same failed input and exit code, the same store.
TEST(MpiIngest, RealFixturesSameStore) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  std::string inputs = " --json " + (relais::testing::FixturesDir() / "input").string();
  if (const fs::path shared = relais::testing::SharedDataDir(); !shared.empty()) {
    for (const char* d : {"twarc2-jsonl", "mastodon-outbox", "v1-fr-timeline-2013"})
      if (fs::exists(shared / d)) inputs += " " + (shared / d).string();
  } else {
    std::cerr << "../shared/data not found: only tests/fixtures/input is ingested\n";
  }
  const fs::path one = tmp.path() / "one";
  const RunResult a = Sh(RelaisBin() + " ingest --store " + one.string() + inputs);
  ASSERT_NE(a.out, "") << a.err;
  const json counts = Without(a, 1, "one-process ingest");
  EXPECT_GT(counts["accepted"].get<std::int64_t>(), 0);
  for (int np : {2, 3}) {
    const std::string what = "fixtures -np " + std::to_string(np);
    const fs::path store = tmp.path() / ("np" + std::to_string(np));
    const RunResult b = Sh(MpirunLong(np) + RelaisBin() + " ingest --store " + store.string() + inputs);
    EXPECT_EQ(b.exit_code, a.exit_code) << what << ": " << b.err;
    EXPECT_EQ(Without(b, np, what).dump(), counts.dump()) << what;
    ExpectSameStore(one, store, what);
  }
}

// A large JSONL file of Twitter v1.1 statuses (with blank and CRLF lines, malformed lines, duplicates,
// and retweets of statuses 37 lines up, often in another byte range) beside a small one: under 2 to 4
// ranks the large file is cut into byte ranges on line boundaries, parsed apart, and the store is the
// one-process store, with the quarantine at the file's real line numbers.
struct LargeJsonl {
  std::string path;
  std::vector<int> malformed_lines;  // 1-based line numbers of the lines that must be quarantined
};

// Twitter's created_at of 2021-01-02 00:00:00 UTC + `s` seconds (s < 1 day).
std::string CreatedAt(int s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "Sat Jan 02 %02d:%02d:%02d +0000 2021", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

json Status(int id) {
  const std::string handle = "compte_" + std::to_string(id % 50);
  json s = {{"id_str", std::to_string(100000 + id)},
            {"created_at", CreatedAt(id)},
            {"text", "Un texte assez long pour peser, sur la réforme et le port, numéro " + std::to_string(id)},
            {"user", {{"id_str", std::to_string(9000 + id % 50)}, {"screen_name", handle}, {"name", handle}}}};
  if (id % 4 == 0 && id >= 37) {
    json rt = Status(id - 37);
    s["text"] = "RT @" + rt["user"]["screen_name"].get<std::string>() + ": " + rt["text"].get<std::string>();
    s["retweeted_status"] = std::move(rt);
  }
  return s;
}

LargeJsonl WriteLargeJsonl(const fs::path& path, int first, int statuses) {
  LargeJsonl f{path.string(), {}};
  std::ofstream out(f.path, std::ios::binary);
  int line = 0;
  for (int k = first; k < first + statuses; ++k) {
    if (k % 700 == 350) {
      out << "  \n";  // blank: numbered, not a record
      ++line;
    }
    if (k % 500 == 250) {
      out << "{\"id_str\": \"" << k << "\", \"text\": \n";
      f.malformed_lines.push_back(++line);
    }
    out << Status(k % 900 == 899 ? k - 5 : k).dump() << (k % 300 == 7 ? "\r\n" : "\n");  // a duplicate 5 up
    ++line;
  }
  return f;
}

// The 1-based line numbers of a store's quarantined lines of `file`.
std::vector<int> QuarantinedLines(const fs::path& store, const std::string& file) {
  const RunResult r =
      Sh(RelaisBin() + " sql --json --store " + store.string() + " \"SELECT line FROM quarantine WHERE file LIKE '%" +
         fs::path(file).filename().string() + "' ORDER BY line\"");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<int> lines;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(json::parse(l)["line"].get<int>());
  return lines;
}

TEST(MpiIngest, LargeJsonlCutIntoByteRangesSameStore) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const LargeJsonl big = WriteLargeJsonl(tmp.path() / "big.jsonl", 0, 20000);
  const LargeJsonl small = WriteLargeJsonl(tmp.path() / "small.jsonl", 20000, 40);
  ASSERT_GT(fs::file_size(big.path), 4u << 20) << "large enough to be cut at 2 to 4 ranks";
  const std::string inputs = " --format twitter-v1 --threads 2 --partitions 3 --json " + big.path + " " + small.path;
  const fs::path one = tmp.path() / "one";
  const RunResult a = Sh(RelaisBin() + " ingest --store " + one.string() + inputs);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const json counts = Without(a, 1, "one-process ingest");
  EXPECT_GT(counts["duplicates"].get<std::int64_t>(), 0);
  const json stats = json::parse(Sh(RelaisBin() + " stats --json --store " + one.string()).out);
  EXPECT_GT(stats["flows_by_layer"]["retweet"].get<std::int64_t>(), 0) << "retweets of other ranges' statuses";
  EXPECT_EQ(QuarantinedLines(one, big.path), big.malformed_lines) << "one process: the file's line numbers";
  for (int np = 1; np <= 4; ++np) {
    const std::string what = "large JSONL -np " + std::to_string(np);
    const fs::path store = tmp.path() / ("np" + std::to_string(np));
    const RunResult b = Sh(MpirunLong(np) + RelaisBin() + " ingest --store " + store.string() + inputs);
    ASSERT_EQ(b.exit_code, 0) << what << ": " << b.err;
    EXPECT_EQ(b.err.find(big.path + ": cut into") != std::string::npos, np > 1) << what << ":\n" << b.err;
    EXPECT_EQ(b.err.find(small.path + ": cut into"), std::string::npos) << what << ": a small file stays whole";
    const json many = Without(b, np, what);
    EXPECT_EQ(many.dump(), counts.dump()) << what;
    EXPECT_EQ(many["read"].get<std::int64_t>(), many["accepted"].get<std::int64_t>() +
                                                    many["duplicates"].get<std::int64_t>() +
                                                    many["quarantined"].get<std::int64_t>());
    EXPECT_EQ(QuarantinedLines(store, big.path), big.malformed_lines) << what;
    ExpectSameStore(one, store, what);
    ExpectSameSearchIndex(one, store, 3, what);
  }
}

// A second ingest into the store (statuses retweeting those of the first file, expansions of the first
// file's statuses ingested in full): the owners' incremental flow passes and search indexes give the
// store of the same two ingests in one process.
TEST(MpiIngest, SecondIngestIncrementalPassesSameStore) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const LargeJsonl first = WriteLargeJsonl(tmp.path() / "first.jsonl", 0, 6000);
  const LargeJsonl second = WriteLargeJsonl(tmp.path() / "second.jsonl", 6000, 3000);
  const std::string common = " --format twitter-v1 --threads 2 --partitions 3 --json ";
  const fs::path one = tmp.path() / "one";
  auto sql_one = [&](const std::string& q) {
    const RunResult r = Sh(RelaisBin() + " sql --store " + one.string() + " \"" + q + "\"");
    EXPECT_EQ(r.exit_code, 0) << q << ": " << r.err;
    return std::stoll(r.out.substr(r.out.find('\n') + 1));  // CSV: header, then the value
  };
  std::int64_t last_first = 0;  // the first ingest's last item id
  for (const auto* f : {&first, &second}) {
    const RunResult a = Sh(RelaisBin() + " ingest --store " + one.string() + common + f->path);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    if (f == &first) last_first = sql_one("SELECT max(id) FROM items");
  }
  const std::string across = std::to_string(last_first);
  EXPECT_GT(sql_one("SELECT count(*) FROM flows WHERE src_item <= " + across + " AND dst_item > " + across), 0)
      << "flows from the first ingest's items to the second's";
  for (int np : {2, 3}) {
    const std::string what = "second ingest -np " + std::to_string(np);
    const fs::path store = tmp.path() / ("np" + std::to_string(np));
    for (const auto* f : {&first, &second}) {
      const RunResult b = Sh(MpirunLong(np) + RelaisBin() + " ingest --store " + store.string() + common + f->path);
      ASSERT_EQ(b.exit_code, 0) << what << ": " << b.err;
      EXPECT_GT(ExchangedSourceItems(b.err, np, what), 0) << what;
      if (f == &second) {
        EXPECT_EQ(b.err.find(" source items, 0 new items"), std::string::npos) << what << ": " << b.err;
      }
    }
    ExpectSameStore(one, store, what);
    ExpectSameSearchIndex(one, store, 3, what);
  }
}

// A rank killed during its partitions' flow pass (after its first flow commit; MPMD: only rank 2 gets the
// fault switch) ends the job: non-zero exit naming rank 2, no hang, nothing on stdout, and the store is
// left marked incomplete (its first load never finished), so no reader takes it for a whole store.
TEST(MpiIngest, RankKilledInItsFlowPassEndsTheJob) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const LargeJsonl big = WriteLargeJsonl(tmp.path() / "big.jsonl", 0, 6000);
  const std::string store = (tmp.path() / "store").string();
  const std::string args = " ingest --format twitter-v1 --threads 1 --partitions 3 --store " + store + " " + big.path;
  const RunResult r =
      Sh("timeout 120 " + std::string(RELAIS_TEST_MPIEXEC) + " --oversubscribe --allow-run-as-root -np 2 " +
         RelaisBin() + args + " : -np 1 env RELAIS_FAULT_AFTER_FLOW_COMMITS=1 " + RelaisBin() + args);
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_NE(r.exit_code, 124) << "the job hung until the timeout";
  EXPECT_NE(r.err.find("rank 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("signal 9"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const RunResult stats = Sh(RelaisBin() + " stats --store " + store);
  EXPECT_EQ(stats.exit_code, 3) << stats.out << stats.err;
  EXPECT_NE(stats.err.find("incomplete"), std::string::npos) << stats.err;
}

// Rank 2, the owner of partition 2, is killed right after it commits its first rows (before any pass): the
// job ends, named, without a hang; the store is marked incomplete; a rerun (one process) discards the
// interrupted load and gives the store of a clean ingest.
TEST(MpiIngest, OwnerKilledWhileWritingItsRowsThenRerunEqualsACleanIngest) {
  RELAIS_REQUIRE_MPIRUN();
  TempDir tmp;
  const LargeJsonl big = WriteLargeJsonl(tmp.path() / "big.jsonl", 0, 6000);
  const fs::path store = tmp.path() / "store", clean = tmp.path() / "clean";
  const std::string args =
      " ingest --format twitter-v1 --threads 1 --partitions 3 --store " + store.string() + " " + big.path;
  const RunResult r =
      Sh("timeout 120 " + std::string(RELAIS_TEST_MPIEXEC) + " --oversubscribe --allow-run-as-root -np 2 " +
         RelaisBin() + args + " : -np 1 env RELAIS_FAULT_AFTER_BATCHES=1 " + RelaisBin() + args);
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_NE(r.exit_code, 124) << "the job hung until the timeout";
  EXPECT_NE(r.err.find("rank 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("signal 9"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("ingest: rank 2 wrote"), std::string::npos) << "rank 2 finished: " << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const RunResult stats = Sh(RelaisBin() + " stats --store " + store.string());
  EXPECT_EQ(stats.exit_code, 3) << stats.out << stats.err;
  EXPECT_NE(stats.err.find("incomplete"), std::string::npos) << stats.err;
  const RunResult rerun = Sh(RelaisBin() + args);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.err.find("interrupted first ingest"), std::string::npos) << rerun.err;
  const RunResult once = Sh(RelaisBin() + " ingest --format twitter-v1 --threads 1 --partitions 3 --store " +
                            clean.string() + " " + big.path);
  ASSERT_EQ(once.exit_code, 0) << once.err;
  ExpectSameStore(clean, store, "rerun after an owner was killed");
}

// Runs `args` at three ranks, rank 2 without the capabilities that let root read any file: the job must exit 3
// with rank 2's error naming `unreadable`, printing nothing on stdout. Skips where setpriv cannot drop them.
void ExpectRankTwoFailsOn(const std::string& args, const std::string& unreadable) {
  if (Sh("setpriv --bounding-set=-dac_override,-dac_read_search cat " + unreadable).exit_code == 0)
    GTEST_SKIP() << "setpriv could not drop the capabilities here: test skipped";
  const RunResult r =
      Sh("timeout 120 " + std::string(RELAIS_TEST_MPIEXEC) + " --oversubscribe --allow-run-as-root -np 2 " +
         RelaisBin() + args + " : -np 1 setpriv --bounding-set=-dac_override,-dac_read_search " + RelaisBin() + args);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("rank 2: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(unreadable), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

// Press JSONL files dir/f0.jsonl, f1.jsonl, … with lines[f] articles of ~2 kB each; their paths.
std::vector<std::string> WritePressFiles(const fs::path& dir, const std::vector<int>& lines) {
  const std::string text(2000, 'x');
  std::vector<std::string> files;
  for (std::size_t f = 0; f < lines.size(); ++f) {
    files.push_back((dir / ("f" + std::to_string(f) + ".jsonl")).string());
    std::ofstream out(files.back());
    for (int k = 0; k < lines[f]; ++k)
      out << json{{"url", "https://varmatin.com/a/" + std::to_string(f) + "-" + std::to_string(k)},
                  {"published", "2021-01-02T10:00:00Z"},
                  {"title", "Titre"},
                  {"text", "Un texte. " + text},
                  {"outlet", "varmatin.com"}}
                 .dump()
          << "\n";
  }
  return files;
}

// Rank 2 runs without the capability to read other users' files (setpriv drops it from root) and the
// smallest input, which the assignment (largest first, to the least-loaded rank) gives to rank 2, is
// mode 000: the job stops on every rank with rank 2's error, exit 3, nothing printed on stdout.
TEST(MpiIngest, UnreadableFileOnOneRankFailsTheJob) {
  RELAIS_REQUIRE_MPIRUN();
  if (Sh("command -v setpriv").exit_code != 0) GTEST_SKIP() << "setpriv not found: test skipped";
  TempDir tmp;
  // Two files of 400 kB and more (larger than the small files a rank parses in groups), then a small one:
  // one piece each, the largest to rank 0, the unreadable one to rank 2.
  const std::vector<int> lines = {300, 200, 5};
  const std::vector<std::string> files = WritePressFiles(tmp.path(), lines);
  fs::permissions(files[2], fs::perms::none);
  const std::string store = (tmp.path() / "store").string();
  const std::string args =
      " ingest --format press-jsonl --store " + store + " " + files[0] + " " + files[1] + " " + files[2];
  ExpectRankTwoFailsOn(args, files[2]);
  EXPECT_FALSE(fs::exists(fs::path(store) / "part-000.db")) << "nothing written";
}

// The same when the unreadable file sits inside a group of small files (one piece: the files after it too):
// every file of rank 2's group is checked, not only the group's first.
TEST(MpiIngest, UnreadableFileInsideAGroupOnOneRankFailsTheJob) {
  RELAIS_REQUIRE_MPIRUN();
  if (Sh("command -v setpriv").exit_code != 0) GTEST_SKIP() << "setpriv not found: test skipped";
  TempDir tmp;
  // Two files of 400 kB and more (a piece each, to ranks 0 and 1), then three small ones (one group, the
  // smallest piece, to rank 2), the middle one unreadable.
  const std::vector<int> lines = {300, 200, 5, 5, 5};
  const std::vector<std::string> files = WritePressFiles(tmp.path(), lines);
  fs::permissions(files[3], fs::perms::none);
  const std::string store = (tmp.path() / "store").string();
  std::string args = " ingest --format press-jsonl --store " + store;
  for (const auto& f : files) args += " " + f;
  ExpectRankTwoFailsOn(args, files[3]);
  EXPECT_FALSE(fs::exists(fs::path(store) / "part-000.db")) << "nothing written";
}

// The same with a large JSONL file that is cut into byte ranges: rank 2, which cannot read it, gets a
// range of rank 0's plan (had it planned alone it would have seen an unreadable, uncut file and rank 0
// would wait for a range nobody parses): the job stops with rank 2's error, no hang, no store.
TEST(MpiIngest, UnreadableCutFileOnOneRankFailsTheJob) {
  RELAIS_REQUIRE_MPIRUN();
  if (Sh("command -v setpriv").exit_code != 0) GTEST_SKIP() << "setpriv not found: test skipped";
  TempDir tmp;
  const LargeJsonl big = WriteLargeJsonl(tmp.path() / "big.jsonl", 0, 20000);
  ASSERT_GT(fs::file_size(big.path), 3u << 20) << "cut into three ranges at 3 ranks";
  fs::permissions(big.path, fs::perms::none);
  const std::string store = (tmp.path() / "store").string();
  const std::string args = " ingest --format twitter-v1 --store " + store + " " + big.path;
  ExpectRankTwoFailsOn(args, big.path);
  EXPECT_FALSE(fs::exists(fs::path(store) / "part-000.db")) << "nothing written";
}

}  // namespace
