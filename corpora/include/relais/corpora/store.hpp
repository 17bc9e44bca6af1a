// The store: a folder with relais.db (SQLite: actors, meta, inputs, runs, quarantine, the partition
// list), N partition files part-000.db … (items and their refs/urls/hashtags/mentions, and the flows
// ending in those items), manifest.json, quarantine.jsonl and cache/. An item lives in partition
// Hash64(item key) mod N; N (1..kMaxPartitions) is fixed when the store is first loaded.
// Schema: see docs/schema.md. Every other module reads it through SQL on db(): the catalog
// connection with the partitions attached as p0, p1, … and TEMP views items, refs, urls, hashtags,
// mentions and flows over all of them (with one partition, its tables are reached directly).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace relais::corpora {

inline constexpr int kSchemaVersion = 5;  // 5: geography (actor_geo, item_geo); 4: catalog + partitions

/// SQLite attaches at most 10 databases by default (SQLITE_MAX_ATTACHED); a partition's flow pass
/// attaches the catalog and every other partition, so N stays ≤ 8.
inline constexpr int kMaxPartitions = 8;

/// RAII prepared statement. Bind indexes are 1-based as in SQLite.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;

  Statement& Bind(int idx, std::int64_t v);
  Statement& Bind(int idx, double v);
  Statement& Bind(int idx, std::string_view v);  // copied (SQLITE_TRANSIENT)
  Statement& BindNull(int idx);
  /// Steps once: true while a row is available.
  bool Step();
  /// Runs to completion (for INSERT/UPDATE/DELETE).
  void Run();
  void Reset();  // reset and clear bindings

  std::int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  std::string_view TextView(int col) const;  // valid until the next Step
  bool IsNull(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

enum class OpenMode { kReadOnly, kReadWrite, kCreate };

// The public API over partitions (for tools that work partition by partition, e.g. distributed
// ingest or statistics): Store::Open(dir, kReadOnly) for the catalog (db(): actors, meta, inputs,
// runs, the partition list); partitions() and PartitionPath(p) to enumerate them; PartitionOfKey
// (a pure function of the key and N) to route an item key; OpenPartition(p, true) to read one
// partition on a connection of its own; ContentVersion() to tell whether the store changed.

class Store {
 public:
  /// Opens DIR/relais.db and attaches the partitions. kReadOnly/kReadWrite throw relais::Error
  /// (kData, exit 3) when the store does not exist; kCreate makes the folder, schema, one partition
  /// and the per-store secret if needed. A relais.db of the old single-file layout (items in it, no
  /// partitions table) is refused with a one-line error saying how to rebuild it.
  static Store Open(const std::filesystem::path& dir, OpenMode mode);
  ~Store();
  Store(Store&& other) noexcept;
  Store& operator=(Store&& other) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  sqlite3* db() const { return db_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path cache_dir() const { return dir_ / "cache"; }

  void Exec(std::string_view sql);
  void Begin() { Exec("BEGIN IMMEDIATE"); }
  void Commit() { Exec("COMMIT"); }
  void Rollback();

  /// Creates the secondary indexes (docs/schema.md) that are missing. Idempotent.
  void EnsureIndexes();
  /// Drops the secondary indexes (bulk load into a new store; EnsureIndexes rebuilds them).
  void DropSecondaryIndexes();

  /// Bulk load of a new store (the first ingest): no rollback journal on disk and no fsync until
  /// EndBulkLoad, which turns WAL and synchronous writes back on, syncs the files and removes the
  /// marker DIR/store.loading written first. A store whose marker is still there was killed
  /// during its first load and holds nothing committed: Open(kCreate) discards it and starts
  /// afresh (discarded_interrupted_load()), the other modes refuse it (kData).
  void BeginBulkLoad();
  void EndBulkLoad();
  bool discarded_interrupted_load() const { return discarded_; }

  /// Number of partitions (≥ 1) and the partition of an item key.
  int partitions() const { return partitions_; }
  int PartitionOf(std::string_view item_key) const { return PartitionOfKey(item_key, partitions_); }
  static int PartitionOfKey(std::string_view item_key, int partitions);
  /// The schema name of partition p on db() ("p0", …) and its file.
  static std::string PartitionSchema(int p) { return "p" + std::to_string(p); }
  std::filesystem::path PartitionPath(int p) const;
  // The catalog database (relais.db) of this store.
  std::filesystem::path CatalogPath() const;
  /// Re-creates the (empty) store with n partitions; throws kData when it holds items.
  void Repartition(int n);
  /// Detaches the partitions from db() (the views go too), so that other connections may take
  /// them over (the ingest's per-partition writers); AttachPartitions brings them back.
  void DetachPartitions();
  void AttachPartitions();
  /// Opens partition p on a connection of its own (same pragmas as db()): read-only when the store
  /// was opened kReadOnly or `read_only` is true, else read-write. Its tables are the partition's
  /// (main.items, main.flows, …); actors are in the catalog (attach DIR/relais.db, or use db()).
  /// The caller closes it with sqlite3_close_v2. Partitions are independent SQLite files: a process
  /// may read any of them while an ingest writes (WAL), e.g. one worker per partition.
  sqlite3* OpenPartition(int p, bool read_only = false) const;
  /// Syncs the catalog and partition files and the folder to disk.
  void SyncFiles() const;

  /// meta table access.
  std::string GetMeta(std::string_view key, std::string_view fallback = "") const;
  void SetMeta(std::string_view key, std::string_view value);

  /// The per-store random secret for keyed pseudonyms (HMAC-SHA256).
  std::string PseudonymKey() const { return GetMeta("pseudonym_key"); }
  /// "anon-" + first 16 hex of HMAC(secret, actor key).
  std::string Pseudonym(std::string_view actor_key) const;

  /// A value that changes whenever the store's content changes (for cache keys kept across
  /// processes): the catalog's content_version counter (bumped after every commit of an ingest,
  /// of its flows, of reuse flows, including one that only changes actors' class or public flag)
  /// with the item, flow and actor counts (which catch writes made by hand in SQL).
  std::string ContentVersion() const;
  /// The catalog's content_version counter (0 in a store never written).
  std::int64_t ContentCounter() const;
  /// Adds one to content_version (its own transaction unless the caller holds one on db()).
  void BumpContentVersion();
  /// For a process watching the store while others write it: SQLite's data_version of the catalog
  /// and of every partition as seen by this connection. It differs between two calls on the same
  /// Store whenever another connection committed to any of the files in between (server cache).
  std::string ChangeStamp() const;

 private:
  Store() = default;
  void Close();
  std::filesystem::path dir_;
  sqlite3* db_ = nullptr;
  int partitions_ = 1;
  bool read_only_ = false;
  bool attached_ = false;
  bool discarded_ = false;
  bool bulk_ = false;
  int marker_fd_ = -1;  // the bulk load's marker, flock-ed while the load runs
};

}  // namespace relais::corpora
