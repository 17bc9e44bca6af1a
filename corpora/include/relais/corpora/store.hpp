// The store: a folder with relais.db (SQLite, WAL), manifest.json, quarantine.jsonl and cache/.
// Schema: see docs/schema.md. Every other module reads it through SQL on db().
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace relais::corpora {

inline constexpr int kSchemaVersion = 3;

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

class Store {
 public:
  /// Opens DIR/relais.db. kReadOnly/kReadWrite throw relais::Error (kData, exit 3) when the store
  /// does not exist; kCreate makes the folder, schema and per-store secret if needed.
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
  /// EndBulkLoad, which turns WAL and synchronous writes back on, syncs the file and removes the
  /// marker DIR/relais.db.loading written first. A store whose marker is still there was killed
  /// during its first load and holds nothing committed: Open(kCreate) discards it and starts
  /// afresh (discarded_interrupted_load()), the other modes refuse it (kData).
  void BeginBulkLoad();
  void EndBulkLoad();
  bool discarded_interrupted_load() const { return discarded_; }

  /// meta table access.
  std::string GetMeta(std::string_view key, std::string_view fallback = "") const;
  void SetMeta(std::string_view key, std::string_view value);

  /// The per-store random secret for keyed pseudonyms (HMAC-SHA256).
  std::string PseudonymKey() const { return GetMeta("pseudonym_key"); }
  /// "anon-" + first 16 hex of HMAC(secret, actor key).
  std::string Pseudonym(std::string_view actor_key) const;

  /// A value that changes whenever the store's content changes (for cache keys).
  std::string ContentVersion() const;

 private:
  Store() = default;
  std::filesystem::path dir_;
  sqlite3* db_ = nullptr;
  bool discarded_ = false;
  bool bulk_ = false;
  int marker_fd_ = -1;  // the bulk load's marker, flock-ed while the load runs
};

}  // namespace relais::corpora
