// The partitioned store: routing of item keys, parallel partition writers equal to one writer,
// flows in any file order, the old single-file layout, and two ingests at once.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <fstream>
#include <thread>
#include <vector>

#include "relais/base/error.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/stats.hpp"
#include "relais/corpora/synth.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

// Every row of a query, one line each, columns separated by '|'.
std::string Rows(Store& s, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(s.db(), sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(s.db());
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
      out += (c ? "|" : "") + std::string(p ? p : "NULL");
    }
    out += "\n";
  }
  sqlite3_finalize(st);
  return out;
}

// The store's content by keys (ids may differ between orders of ingest; an actor's name is the first one read).
std::string DumpByKeys(Store& s) {
  return Rows(s,
              "SELECT i.key, i.platform, i.channel, i.kind, a.key, i.time, i.text, i.title, i.lang, i.url, "
              "i.expansion FROM items i LEFT JOIN actors a ON a.id = i.actor_id ORDER BY i.key") +
         Rows(s, "SELECT key, platform, handle, actor_class, region, public FROM actors ORDER BY key") +
         Rows(s,
              "SELECT i.key, r.layer, r.target_key, r.target_handle FROM refs r JOIN items i ON i.id = r.item_id "
              "ORDER BY 1, 2, 3") +
         Rows(s,
              "SELECT i.key, u.url, u.host, h.key FROM urls u JOIN items i ON i.id = u.item_id LEFT JOIN actors h "
              "ON h.id = u.host_actor ORDER BY 1, 2") +
         Rows(s, "SELECT i.key, t.tag FROM hashtags t JOIN items i ON i.id = t.item_id ORDER BY 1, 2") +
         Rows(s, "SELECT i.key, m.handle FROM mentions m JOIN items i ON i.id = m.item_id ORDER BY 1, 2") +
         Rows(s,
              "SELECT f.layer, s.key, d.key, sa.key, da.key, f.latency FROM flows f LEFT JOIN items s ON s.id = "
              "f.src_item JOIN items d ON d.id = f.dst_item LEFT JOIN actors sa ON sa.id = f.src_actor LEFT JOIN "
              "actors da ON da.id = f.dst_actor ORDER BY 1, 2, 3, 4, 5");
}

// Everything, ids included, flows in id order (the order analyses read them in).
std::string DumpWithIds(Store& s) {
  return Rows(s, "SELECT id, key, actor_id, time, expansion, file, line FROM items ORDER BY id") +
         Rows(s, "SELECT id, key FROM actors ORDER BY id") +
         Rows(s, "SELECT layer, src_item, dst_item, src_actor, dst_actor, latency FROM flows ORDER BY id");
}

class SynthFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    SynthOptions o;
    o.out = dir_->path() / "world";
    o.threads = 2;
    o.dirty = 0.01;
    GenerateSynthWorld(o);
    std::vector<std::string> all;
    for (const auto& e : std::filesystem::recursive_directory_iterator(o.out / "data")) {
      if (e.is_regular_file()) all.push_back(e.path().string());
    }
    std::sort(all.begin(), all.end());
    // Every 8th file (each format, ~15 k records) keeps the suite fast.
    for (std::size_t i = 0; i < all.size(); i += 8) files_.push_back(all[i]);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  IngestResult IngestInto(const std::filesystem::path& store_dir, const std::vector<std::string>& paths, int parts,
                          int threads = 2) {
    auto store = Store::Open(store_dir, OpenMode::kCreate);
    IngestOptions opt;
    opt.paths = paths;
    opt.threads = threads;
    opt.partitions = parts;
    opt.commit_every = 5000;
    return Ingest(store, opt);
  }

  // As IngestInto, with the partition passes run as a distributed ingest runs them (RunExchangedFlowPasses on
  // `ranks` ranks played by threads, partition p on rank p mod ranks).
  // `batch` > 0 sets PartitionPassPlan::exchange_batch; `counts` gets each rank's last flow pass's counts.
  IngestResult IngestExchanged(const std::filesystem::path& store_dir, const std::vector<std::string>& paths, int parts,
                               int ranks, std::size_t batch = 0, std::vector<FlowExchangeCounts>* counts = nullptr);

  static testing::TempDir* dir_;
  static std::vector<std::string> files_;
  testing::TempDir tmp_;
};

// Ranks played by threads for FlowExchange: all-to-all through a mailbox between two barriers; a local
// stage that throws on any rank throws on every rank.
class ThreadRanks {
 public:
  explicit ThreadRanks(int n)
      : n_(n), sync_(n), mail_(static_cast<std::size_t>(n), std::vector<std::vector<std::byte>>(n)), failed_(n, 0) {}

  class Rank final : public FlowExchange {
   public:
    Rank(ThreadRanks& all, int rank) : all_(all), rank_(rank) {}
    int ranks() const override { return all_.n_; }
    int rank() const override { return rank_; }
    std::vector<std::vector<std::byte>> Alltoall(const std::vector<std::vector<std::byte>>& send) override {
      for (int q = 0; q < all_.n_; ++q)
        all_.mail_[static_cast<std::size_t>(q)][static_cast<std::size_t>(rank_)] = send.at(static_cast<std::size_t>(q));
      all_.sync_.arrive_and_wait();
      std::vector<std::vector<std::byte>> got = all_.mail_[static_cast<std::size_t>(rank_)];
      all_.sync_.arrive_and_wait();
      return got;
    }
    void Agree(const std::function<void()>& local) override {
      char failed = 0;
      try {
        local();
      } catch (...) {
        failed = 1;
      }
      all_.failed_[static_cast<std::size_t>(rank_)] = failed;
      all_.sync_.arrive_and_wait();
      const bool any = std::any_of(all_.failed_.begin(), all_.failed_.end(), [](char f) { return f != 0; });
      all_.sync_.arrive_and_wait();
      if (any) throw Error(ErrorKind::kInternal, "a rank failed");
    }

   private:
    ThreadRanks& all_;
    int rank_;
  };

  // Runs the flow passes of every rank's partitions, one thread per rank; the items redone, summed.
  std::uint64_t RunFlowPasses(const PartitionPassPlan& plan, std::vector<FlowExchangeCounts>* counts = nullptr) {
    std::vector<std::uint64_t> redone(static_cast<std::size_t>(n_), 0);
    std::vector<FlowExchangeCounts> seen(static_cast<std::size_t>(n_));
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(n_));
    std::vector<std::thread> threads;
    for (int r = 0; r < n_; ++r) {
      threads.emplace_back([&, r] {
        std::vector<int> mine;
        for (int p = r; p < static_cast<int>(plan.partitions.size()); p += n_) mine.push_back(p);
        Rank rank(*this, r);
        try {
          redone[static_cast<std::size_t>(r)] =
              RunExchangedFlowPasses(plan, mine, rank, &seen[static_cast<std::size_t>(r)]);
        } catch (...) {
          errors[static_cast<std::size_t>(r)] = std::current_exception();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
    if (counts) *counts = seen;
    std::uint64_t total = 0;
    for (const std::uint64_t x : redone) total += x;
    return total;
  }

 private:
  int n_;
  std::barrier<> sync_;
  std::vector<std::vector<std::vector<std::byte>>> mail_;  // mail_[to][from]
  std::vector<char> failed_;
};

IngestResult SynthFiles::IngestExchanged(const std::filesystem::path& store_dir, const std::vector<std::string>& paths,
                                         int parts, int ranks, std::size_t batch,
                                         std::vector<FlowExchangeCounts>* counts) {
  auto store = Store::Open(store_dir, OpenMode::kCreate);
  IngestOptions opt;
  opt.paths = paths;
  opt.threads = 2;
  opt.partitions = parts;
  opt.commit_every = 5000;
  ThreadRanks all(ranks);
  opt.partition_passes = [&](const PartitionPassPlan& plan, PartitionPass pass) -> std::uint64_t {
    if (pass == PartitionPass::kFlows) {
      PartitionPassPlan batched = plan;
      if (batch > 0) batched.exchange_batch = batch;
      return all.RunFlowPasses(batched, counts);
    }
    std::vector<int> every(plan.partitions.size());
    for (std::size_t p = 0; p < every.size(); ++p) every[p] = static_cast<int>(p);
    return RunPartitionPasses(plan, every, pass);
  };
  return Ingest(store, opt);
}
testing::TempDir* SynthFiles::dir_ = nullptr;
std::vector<std::string> SynthFiles::files_;

TEST(Partitioning, KeysSpreadEvenlyAndStably) {
  EXPECT_EQ(Store::PartitionOfKey("twitter:1", 1), 0);
  std::vector<int> counts(8, 0);
  for (int i = 0; i < 80000; ++i) {
    const int p = Store::PartitionOfKey("twitter:" + std::to_string(1000000 + i), 8);
    ASSERT_GE(p, 0);
    ASSERT_LT(p, 8);
    EXPECT_EQ(p, Store::PartitionOfKey("twitter:" + std::to_string(1000000 + i), 8));
    ++counts[static_cast<std::size_t>(p)];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 600);
  EXPECT_EQ(PartitionsFor(0), 1);
  EXPECT_EQ(PartitionsFor(1500ull << 20), 2);
  EXPECT_EQ(PartitionsFor(1ull << 40), kMaxPartitions);
}

TEST_F(SynthFiles, FourParallelPartitionsHoldExactlyWhatOneWriterWrites) {
  const auto one = tmp_.path() / "one", four = tmp_.path() / "four";
  const IngestResult r1 = IngestInto(one, files_, 1, 1);
  const IngestResult r4 = IngestInto(four, files_, 4, 2);
  EXPECT_EQ(r1.total.accepted, r4.total.accepted);
  EXPECT_EQ(r1.total.duplicates, r4.total.duplicates);
  EXPECT_EQ(r1.total.quarantined, r4.total.quarantined);
  EXPECT_GT(r4.total.quarantined, 0u);
  auto s1 = Store::Open(one, OpenMode::kReadOnly);
  auto s4 = Store::Open(four, OpenMode::kReadOnly);
  EXPECT_EQ(s1.partitions(), 1);
  EXPECT_EQ(s4.partitions(), 4);
  // Each partition holds exactly the items routed to it.
  std::int64_t total = 0;
  for (int p = 0; p < 4; ++p) {
    Statement st(s4.db(), "SELECT key FROM " + Store::PartitionSchema(p) + ".items");
    std::int64_t n = 0;
    while (st.Step()) {
      ++n;
      EXPECT_EQ(Store::PartitionOfKey(st.TextView(0), 4), p);
    }
    EXPECT_GT(n, 0);
    total += n;
  }
  const std::string all = Rows(s1, "SELECT count(*) FROM items");
  EXPECT_EQ(std::to_string(total) + "\n", all);
  // Same ids, same flows in the same order, same statistics.
  EXPECT_TRUE(DumpWithIds(s1) == DumpWithIds(s4));
  EXPECT_TRUE(DumpByKeys(s1) == DumpByKeys(s4));
  EXPECT_EQ(StatsToJson(ComputeStats(s1)), StatsToJson(ComputeStats(s4)));
  EXPECT_NE(Rows(s4, "SELECT count(*) FROM flows"), "0\n");
}

TEST_F(SynthFiles, FlowsEqualACleanIngestWhateverTheOrderOfFiles) {
  ASSERT_GE(files_.size(), 2u);
  std::vector<std::string> a, b;
  for (std::size_t i = 0; i < files_.size(); ++i) (i % 2 ? b : a).push_back(files_[i]);
  const auto all = tmp_.path() / "all", ab = tmp_.path() / "ab", ba = tmp_.path() / "ba";
  const IngestResult r_all = IngestInto(all, files_, 3);
  EXPECT_FALSE(r_all.flows_incremental);
  IngestInto(ab, a, 3);
  const IngestResult r_ab = IngestInto(ab, b, 3);
  IngestInto(ba, b, 3);
  const IngestResult r_ba = IngestInto(ba, a, 3);
  // The second ingest redid the flows of some items only, not of the whole store.
  for (const IngestResult* r : {&r_ab, &r_ba}) {
    EXPECT_TRUE(r->flows_incremental);
    EXPECT_GT(r->flow_items_redone, 0u);
    EXPECT_LT(r->flow_items_redone, r_all.total.accepted + r_all.expansions_added);
  }
  auto s_all = Store::Open(all, OpenMode::kReadOnly);
  auto s_ab = Store::Open(ab, OpenMode::kReadOnly);
  auto s_ba = Store::Open(ba, OpenMode::kReadOnly);
  const std::string stats = StatsToJson(ComputeStats(s_all));
  EXPECT_EQ(StatsToJson(ComputeStats(s_ab)), stats);
  EXPECT_EQ(StatsToJson(ComputeStats(s_ba)), stats);
  const std::string dump = DumpByKeys(s_all);
  EXPECT_TRUE(DumpByKeys(s_ab) == dump);
  EXPECT_TRUE(DumpByKeys(s_ba) == dump);
  // A third ingest of what is already there redoes no flow.
  const IngestResult again = IngestInto(ab, a, 3);
  EXPECT_TRUE(again.flows_incremental);
  EXPECT_EQ(again.flow_items_redone, 0u);
}

// The distributed flow pass (each rank reads only its partitions; sources come by all-to-all) gives the
// one-process store — same ids, same flows in the same order, same unresolved targets — at 1 to 4 ranks
// (4 ranks for 3 partitions: one rank owns none), and so does a second, incremental ingest in either order.
TEST_F(SynthFiles, ExchangedFlowPassesGiveTheOneProcessStore) {
  const auto one = tmp_.path() / "one";
  IngestInto(one, files_, 3);
  std::string expected, unresolved;
  {
    auto s = Store::Open(one, OpenMode::kReadOnly);
    expected = DumpWithIds(s);
    unresolved = Rows(s, "SELECT * FROM unresolved ORDER BY item_id, target_key");
    EXPECT_NE(Rows(s, "SELECT count(*) FROM flows WHERE layer = 'mention'"), "0\n");
    EXPECT_NE(Rows(s, "SELECT count(*) FROM flows WHERE layer = 'link' AND src_item IS NOT NULL"), "0\n");
    EXPECT_NE(unresolved, "");
  }
  for (int ranks = 1; ranks <= 4; ++ranks) {
    const auto dir = tmp_.path() / ("ranks" + std::to_string(ranks));
    IngestExchanged(dir, files_, 3, ranks);
    auto s = Store::Open(dir, OpenMode::kReadOnly);
    EXPECT_TRUE(DumpWithIds(s) == expected) << ranks << " ranks";
    EXPECT_EQ(Rows(s, "SELECT * FROM unresolved ORDER BY item_id, target_key"), unresolved) << ranks << " ranks";
  }
  std::vector<std::string> a, b;
  for (std::size_t i = 0; i < files_.size(); ++i) (i % 2 ? b : a).push_back(files_[i]);
  const auto ab_one = tmp_.path() / "ab_one", ab = tmp_.path() / "ab", ba_one = tmp_.path() / "ba_one",
             ba = tmp_.path() / "ba";
  IngestInto(ab_one, a, 3);
  IngestInto(ab_one, b, 3);
  IngestInto(ba_one, b, 3);
  IngestInto(ba_one, a, 3);
  IngestExchanged(ab, a, 3, 2);
  const IngestResult r_ab = IngestExchanged(ab, b, 3, 2);
  IngestExchanged(ba, b, 3, 3);
  const IngestResult r_ba = IngestExchanged(ba, a, 3, 3);
  EXPECT_TRUE(r_ab.flows_incremental);
  EXPECT_GT(r_ab.flow_items_redone, 0u);
  EXPECT_GT(r_ba.flow_items_redone, 0u);
  auto s_ab_one = Store::Open(ab_one, OpenMode::kReadOnly), s_ab = Store::Open(ab, OpenMode::kReadOnly);
  auto s_ba_one = Store::Open(ba_one, OpenMode::kReadOnly), s_ba = Store::Open(ba, OpenMode::kReadOnly);
  EXPECT_TRUE(DumpWithIds(s_ab) == DumpWithIds(s_ab_one));
  EXPECT_TRUE(DumpWithIds(s_ba) == DumpWithIds(s_ba_one));
  EXPECT_TRUE(DumpByKeys(s_ab) == DumpByKeys(s_ba));
}

// The exchange in rounds of a few lookups of each kind (as the 17.6 M-item world's passes run in rounds of
// 65,536) gives the same store as in one round, first loads and an incremental load alike.
TEST_F(SynthFiles, ExchangedFlowPassesInSmallRoundsGiveTheOneProcessStore) {
  const auto one = tmp_.path() / "one";
  IngestInto(one, files_, 3);
  std::string expected;
  {
    auto s = Store::Open(one, OpenMode::kReadOnly);
    expected = DumpWithIds(s);
  }
  for (int ranks = 2; ranks <= 3; ++ranks) {
    const auto dir = tmp_.path() / ("small" + std::to_string(ranks));
    std::vector<FlowExchangeCounts> counts, whole;
    IngestExchanged(dir, files_, 3, ranks, 7, &counts);
    IngestExchanged(tmp_.path() / ("whole" + std::to_string(ranks)), files_, 3, ranks, 0, &whole);
    auto s = Store::Open(dir, OpenMode::kReadOnly);
    EXPECT_TRUE(DumpWithIds(s) == expected) << ranks << " ranks";
    ASSERT_EQ(counts.size(), static_cast<std::size_t>(ranks));
    for (int r = 0; r < ranks; ++r) {
      const auto& c = counts[static_cast<std::size_t>(r)];
      const auto& w = whole[static_cast<std::size_t>(r)];
      // Every rank runs the rounds the rank asking most needs; what is asked does not depend on them.
      EXPECT_EQ(c.rounds, counts.front().rounds);
      EXPECT_EQ(w.rounds, 1u) << "the default batch holds this corpus's lookups in one round";
      // Each of the rank's (actor, time) pairs and URLs is asked of every rank (all own a partition here).
      const auto per_rank = static_cast<std::uint64_t>(ranks);
      EXPECT_GE(c.rounds, (c.latest_asked / per_rank + 6) / 7);
      EXPECT_GE(c.rounds, (c.urls_asked / per_rank + 6) / 7);
      EXPECT_GT(c.rounds, 3u);
      EXPECT_EQ(c.keys_asked, w.keys_asked);
      EXPECT_EQ(c.latest_asked, w.latest_asked);
      EXPECT_EQ(c.urls_asked, w.urls_asked);
      EXPECT_GE(c.rows_received, w.rows_received);
    }
  }
  std::vector<std::string> a, b;
  for (std::size_t i = 0; i < files_.size(); ++i) (i % 2 ? b : a).push_back(files_[i]);
  const auto ba_one = tmp_.path() / "ba_one", ba = tmp_.path() / "ba";
  IngestInto(ba_one, b, 3);
  IngestInto(ba_one, a, 3);
  IngestExchanged(ba, b, 3, 2, 5);
  std::vector<FlowExchangeCounts> counts;
  const IngestResult r = IngestExchanged(ba, a, 3, 2, 5, &counts);
  EXPECT_GT(r.flow_items_redone, 0u);
  EXPECT_GT(counts.front().rounds, 1u);
  auto s_one = Store::Open(ba_one, OpenMode::kReadOnly), s_ba = Store::Open(ba, OpenMode::kReadOnly);
  EXPECT_TRUE(DumpWithIds(s_ba) == DumpWithIds(s_one));
}

// Mentions of an account at the very second of some of its posts, and three of its posts in one earlier
// second: the latest item strictly before the mention, the largest id on a tie — as the one-process SQL
// picks it — when the account's posts and the mentions live in different partitions. (No mention at the
// earlier second: its answer would bring the right item to every rank whatever the rule.)
TEST_F(SynthFiles, ExchangedLatestItemLookupsBreakTiesAsOneProcess) {
  const auto file = tmp_.path() / "ties.jsonl";
  {
    std::ofstream out(file, std::ios::binary);
    auto tweet = [&](int id, const std::string& user, const std::string& at, const std::string& text) {
      out << R"({"id_str": ")" << 5000 + id << R"(", "created_at": ")" << at << R"(", "text": ")" << text
          << R"(", "user": {"id_str": ")" << (user == "source" ? 1 : 100 + id) << R"(", "screen_name": ")" << user
          << R"(", "name": ")" << user << R"("}, "entities": {"user_mentions": [)"
          << (user == "source" ? "" : R"({"screen_name": "source", "id_str": "1"})") << "]}}\n";
    };
    const std::string t0 = "Wed Jan 06 10:00:00 +0000 2021", t1 = "Wed Jan 06 10:00:01 +0000 2021",
                      t2 = "Wed Jan 06 10:00:02 +0000 2021";
    for (int k = 0; k < 15; ++k) tweet(k, "source", k < 3 ? t0 : t1, "message " + std::to_string(k));
    for (int k = 20; k < 50; ++k) tweet(k, "reader" + std::to_string(k), k % 3 == 2 ? t2 : t1, "vu par @source");
  }
  const auto one = tmp_.path() / "ties_one", many = tmp_.path() / "ties_many";
  IngestInto(one, {file.string()}, 3);
  IngestExchanged(many, {file.string()}, 3, 3);
  auto s_one = Store::Open(one, OpenMode::kReadOnly), s_many = Store::Open(many, OpenMode::kReadOnly);
  const std::string mentions = Rows(s_one, "SELECT dst_item, src_item FROM flows WHERE layer = 'mention' ORDER BY id");
  EXPECT_NE(Rows(s_one, "SELECT count(*) FROM flows WHERE layer = 'mention' AND src_item IS NOT NULL"), "0\n");
  EXPECT_EQ(Rows(s_many, "SELECT dst_item, src_item FROM flows WHERE layer = 'mention' ORDER BY id"), mentions);
  EXPECT_TRUE(DumpWithIds(s_many) == DumpWithIds(s_one));
}

TEST_F(SynthFiles, ASecondIngestIntoTheSameStoreRefuses) {
  const auto dir = tmp_.path() / "locked";
  IngestInto(dir, {files_.front()}, 2);
  const int fd = ::open((dir / "ingest.lock").c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // as a running ingest holds it
  try {
    IngestInto(dir, {files_.back()}, 2);
    ADD_FAILURE() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("another relais ingest"), std::string::npos) << e.what();
  }
  ::close(fd);
  EXPECT_NO_THROW(IngestInto(dir, {files_.back()}, 2));
}

// Store::Open refuses `dir` in every mode with a one-line data error (exit 3) holding each of `words`.
void ExpectOneLineDataErrorInEveryMode(const std::filesystem::path& dir, std::initializer_list<const char*> words) {
  for (auto mode : {OpenMode::kReadOnly, OpenMode::kReadWrite, OpenMode::kCreate}) {
    try {
      Store::Open(dir, mode);
      ADD_FAILURE() << "expected a refusal";
    } catch (const Error& e) {
      EXPECT_EQ(ExitCodeFor(e.kind()), 3);
      const std::string what = e.what();
      for (const char* w : words) EXPECT_NE(what.find(w), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos);
    }
  }
}

TEST(Partitioning, TheOldSingleFileLayoutIsRefusedWithHowToRebuild) {
  testing::TempDir tmp;
  {  // relais < 0.4 kept items in relais.db itself, and had no partitions table
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((tmp.path() / "relais.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE items(id INTEGER PRIMARY KEY, key TEXT)", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  ExpectOneLineDataErrorInEveryMode(tmp.path(), {"single-file layout", "relais ingest"});
}

TEST(Partitioning, ACatalogThatIsNotADatabaseIsRefusedInOneLine) {
  testing::TempDir tmp;
  std::ofstream(tmp.path() / "relais.db") << "SQLite format 3 -- but not really";
  ExpectOneLineDataErrorInEveryMode(tmp.path(), {"relais.db"});
}

TEST(Partitioning, AFirstLoadKilledWhileCreatingItsCatalogIsRecreated) {
  testing::TempDir tmp;
  {  // a catalog with some of its tables and none of its rows, as a kill during its creation leaves it
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((tmp.path() / "relais.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto s = Store::Open(tmp.path(), OpenMode::kCreate);
  EXPECT_EQ(s.partitions(), 1);
}

TEST(Partitioning, PartitioningIsFixedOnceTheStoreHoldsItems) {
  testing::TempDir tmp;
  auto s = Store::Open(tmp.path(), OpenMode::kCreate);
  s.Repartition(3);
  EXPECT_EQ(s.partitions(), 3);
  EXPECT_TRUE(std::filesystem::exists(tmp.path() / "part-002.db"));
  s.Exec("INSERT INTO p1.items(id, key, channel, kind, time) VALUES(1, 'twitter:1', 'social', 'original', 0)");
  EXPECT_THROW(s.Repartition(2), Error);
  EXPECT_THROW(s.Repartition(9), Error);
  auto r = Store::Open(tmp.path(), OpenMode::kReadOnly);
  EXPECT_EQ(r.partitions(), 3);
  EXPECT_EQ(Rows(r, "SELECT key FROM items"), "twitter:1\n");
}

// The public partition API: enumerate, route, open one partition read-only, see changes.
TEST(Partitioning, OnePartitionOpensReadOnlyAndHoldsTheKeysRoutedToIt) {
  testing::TempDir tmp;
  {
    auto s = Store::Open(tmp.path(), OpenMode::kCreate);
    s.Repartition(3);
    for (int i = 0; i < 30; ++i) {
      const std::string key = "twitter:" + std::to_string(i);
      s.Exec("INSERT INTO " + Store::PartitionSchema(s.PartitionOf(key)) +
             ".items(id, key, channel, kind, time) VALUES(" + std::to_string(i + 1) + ", '" + key +
             "', 'social', 'original', 0)");
    }
  }
  auto r = Store::Open(tmp.path(), OpenMode::kReadOnly);
  const std::string version = r.ContentVersion();
  const std::string stamp = r.ChangeStamp();
  ASSERT_EQ(r.partitions(), 3);
  int total = 0;
  for (int p = 0; p < r.partitions(); ++p) {
    EXPECT_TRUE(std::filesystem::exists(r.PartitionPath(p)));
    sqlite3* db = r.OpenPartition(p, true);
    {
      Statement st(db, "SELECT key FROM items");
      while (st.Step()) {
        EXPECT_EQ(Store::PartitionOfKey(st.TextView(0), 3), p);
        ++total;
      }
    }
    EXPECT_NE(sqlite3_exec(db, "DELETE FROM items", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close_v2(db);
  }
  EXPECT_EQ(total, 30);
  EXPECT_THROW(r.OpenPartition(3, true), Error);
  // A write to one partition by another connection changes the stamp and the content version.
  EXPECT_EQ(r.ChangeStamp(), stamp);
  {
    auto w = Store::Open(tmp.path(), OpenMode::kReadWrite);
    w.Exec("UPDATE p2.items SET time = 5");
  }
  EXPECT_NE(r.ChangeStamp(), stamp);
  {
    auto w = Store::Open(tmp.path(), OpenMode::kReadWrite);
    w.BumpContentVersion();  // as after an ingest that only changed actors' class
  }
  EXPECT_NE(r.ContentVersion(), version);
  EXPECT_EQ(r.ContentCounter(), 1);
}

}  // namespace
}  // namespace relais::corpora
