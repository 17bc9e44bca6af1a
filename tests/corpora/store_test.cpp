// The store: creation, schema version, secondary indexes dropped and rebuilt, missing store.
#include "relais/corpora/store.hpp"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "detail/store_detail.hpp"
#include "relais/base/error.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

// The first column of the first row of `sql`, as text.
std::string Scalar(Store& s, const char* sql) {
  Statement st(s.db(), sql);
  st.Step();
  return st.Text(0);
}

std::int64_t NumIndexes(Store& s) {
  return std::stoll(
      Scalar(s,
             "SELECT (SELECT count(*) FROM main.sqlite_master WHERE type = 'index' AND sql IS NOT NULL) + "
             "(SELECT count(*) FROM p0.sqlite_master WHERE type = 'index' AND sql IS NOT NULL)"));
}

TEST(Store, CreateSetsVersionSecretAndIndexes) {
  testing::TempDir tmp;
  auto s = Store::Open(tmp.path() / "st", OpenMode::kCreate);
  EXPECT_EQ(s.GetMeta("schema_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(s.PseudonymKey().size(), 64u);
  EXPECT_TRUE(std::filesystem::is_directory(tmp.path() / "st" / "cache"));
  const auto n = NumIndexes(s);
  EXPECT_GE(n, 10);
  s.DropSecondaryIndexes();
  EXPECT_EQ(NumIndexes(s), 0);
  s.EnsureIndexes();
  s.EnsureIndexes();
  EXPECT_EQ(NumIndexes(s), n);
}

TEST(Store, ReopeningKeepsTheSecret) {
  testing::TempDir tmp;
  std::string key = Store::Open(tmp.path(), OpenMode::kCreate).PseudonymKey();
  EXPECT_EQ(Store::Open(tmp.path(), OpenMode::kCreate).PseudonymKey(), key);
  EXPECT_EQ(Store::Open(tmp.path(), OpenMode::kReadOnly).PseudonymKey(), key);
}

TEST(Store, MissingStoreIsADataError) {
  testing::TempDir tmp;
  try {
    Store::Open(tmp.path() / "nope", OpenMode::kReadOnly);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(ExitCodeFor(e.kind()), 3);
    EXPECT_NE(std::string(e.what()).find("no store"), std::string::npos);
  }
}

// A first load runs without an on-disk journal behind a marker file; a store killed with the marker
// still there is refused by readers and rebuilt from nothing by the next ingest.
TEST(Store, BulkLoadMarkerGuardsAnInterruptedFirstLoad) {
  testing::TempDir tmp;
  const auto dir = tmp.path() / "st";
  const auto marker = dir / "store.loading";
  {
    auto s = Store::Open(dir, OpenMode::kCreate);
    EXPECT_FALSE(s.discarded_interrupted_load());
    s.BeginBulkLoad();
    EXPECT_TRUE(std::filesystem::exists(marker));
    EXPECT_EQ(Scalar(s, "PRAGMA journal_mode"), "memory");
    s.Exec("INSERT INTO items(key, channel, kind, time) VALUES('twitter:1', 'social', 'original', 0)");
    // A second ingest while this load runs must not take it for an interrupted one.
    try {
      Store::Open(dir, OpenMode::kCreate);
      ADD_FAILURE() << "a running first load was discarded";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("another relais ingest"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(std::filesystem::exists(dir / "relais.db"));
    EXPECT_TRUE(std::filesystem::exists(dir / "part-000.db"));
    // No EndBulkLoad: as if the process were killed here.
  }
  try {
    Store::Open(dir, OpenMode::kReadOnly);
    ADD_FAILURE() << "an interrupted first load must not be readable";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("interrupted"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Store::Open(dir, OpenMode::kReadWrite), Error);
  {
    auto s = Store::Open(dir, OpenMode::kCreate);
    EXPECT_TRUE(s.discarded_interrupted_load());
    EXPECT_FALSE(std::filesystem::exists(marker));
    {
      Statement st(s.db(), "SELECT count(*) FROM items");
      st.Step();
      EXPECT_EQ(st.Int(0), 0);
    }
    s.BeginBulkLoad();
    s.Exec("INSERT INTO items(key, channel, kind, time) VALUES('twitter:2', 'social', 'original', 0)");
    s.EndBulkLoad();
    EXPECT_FALSE(std::filesystem::exists(marker));
    EXPECT_EQ(Scalar(s, "PRAGMA journal_mode"), "wal");
  }
  auto s = Store::Open(dir, OpenMode::kReadOnly);
  EXPECT_FALSE(s.discarded_interrupted_load());
  Statement st(s.db(), "SELECT key FROM items");
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Text(0), "twitter:2");
}

TEST(Store, ChildTablesRejectDuplicateRowsPerItem) {
  testing::TempDir tmp;
  auto s = Store::Open(tmp.path(), OpenMode::kCreate);
  s.Exec("INSERT OR IGNORE INTO hashtags VALUES (1, 'a'), (1, 'a'), (1, 'b'), (2, 'a')");
  Statement st(s.db(), "SELECT count(*) FROM hashtags");
  st.Step();
  EXPECT_EQ(st.Int(0), 3);
}

// A partition's flow pass (one connection per partition, each reading the others) must take its
// partition's write lock before reading: a transaction that has read a WAL database gets SQLITE_BUSY
// at once when it writes while another connection holds the write lock (the busy timeout is not
// waited out). Taken first, the lock waits for the other writer. (CI saw "database is locked" once.)
TEST(Store, APartitionWriteTakenFirstWaitsForAnotherWriter) {
  testing::TempDir tmp;
  { auto created = Store::Open(tmp.path(), OpenMode::kCreate); }
  const auto partition = Store::Open(tmp.path(), OpenMode::kReadOnly).PartitionPath(0);
  auto hold_write_lock = [&](std::chrono::milliseconds ms) {
    const detail::Connection other = detail::OpenPartitionFile(partition);
    detail::ExecOn(other.get(), "BEGIN IMMEDIATE");
    std::this_thread::sleep_for(ms);
    detail::ExecOn(other.get(), "COMMIT");
  };
  const detail::Connection connection = detail::OpenPartitionFile(partition);
  sqlite3* db = connection.get();
  {  // read, then write while another connection holds the lock: refused without waiting
    detail::ExecOn(db, "BEGIN");
    detail::ExecOn(db, "SELECT count(*) FROM main.items");
    std::thread writer(hold_write_lock, std::chrono::milliseconds(1500));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_THROW(detail::ExecOn(db, "DELETE FROM main.flows WHERE 0"), Error);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
    detail::ExecOn(db, "ROLLBACK");
    writer.join();
  }
  {  // the write lock taken first: waits for the other writer, then reads and writes
    std::thread writer(hold_write_lock, std::chrono::milliseconds(500));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    detail::ExecOn(db, "BEGIN");
    EXPECT_NO_THROW(detail::BeginWritingMainPartition(db));
    EXPECT_EQ(sqlite3_txn_state(db, "main"), SQLITE_TXN_WRITE);
    EXPECT_NO_THROW(detail::ExecOn(db, "SELECT count(*) FROM main.items"));
    EXPECT_NO_THROW(detail::ExecOn(db, "DELETE FROM main.flows WHERE 0"));
    detail::ExecOn(db, "COMMIT");
    writer.join();
  }
}

}  // namespace
}  // namespace relais::corpora
