// The SQLite store: opening, schema, statements, meta.
#include "relais/corpora/store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"

namespace relais::corpora {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS actors (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, platform TEXT, handle TEXT, name TEXT,
  platform_id TEXT, actor_class TEXT NOT NULL DEFAULT 'public', region TEXT, public INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS items (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, platform TEXT, channel TEXT NOT NULL, kind TEXT NOT NULL,
  actor_id INTEGER REFERENCES actors(id), time INTEGER NOT NULL, text TEXT, title TEXT, lang TEXT, url TEXT,
  expansion INTEGER NOT NULL DEFAULT 0, file TEXT, line INTEGER);
CREATE TABLE IF NOT EXISTS refs (item_id INTEGER NOT NULL, layer TEXT NOT NULL, target_key TEXT NOT NULL,
  target_handle TEXT, PRIMARY KEY (item_id, layer, target_key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS urls (item_id INTEGER NOT NULL, url TEXT NOT NULL, raw_url TEXT, host TEXT,
  host_actor INTEGER, PRIMARY KEY (item_id, url)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hashtags (item_id INTEGER NOT NULL, tag TEXT NOT NULL,
  PRIMARY KEY (item_id, tag)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mentions (item_id INTEGER NOT NULL, handle TEXT NOT NULL,
  PRIMARY KEY (item_id, handle)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS flows (
  id INTEGER PRIMARY KEY, layer TEXT NOT NULL, src_item INTEGER, dst_item INTEGER NOT NULL,
  src_actor INTEGER, dst_actor INTEGER, latency INTEGER, score REAL,
  src_begin INTEGER, src_end INTEGER, dst_begin INTEGER, dst_end INTEGER);
CREATE TABLE IF NOT EXISTS quarantine (id INTEGER PRIMARY KEY, file TEXT, sha256 TEXT NOT NULL,
  line INTEGER NOT NULL, ordinal INTEGER NOT NULL, reason TEXT NOT NULL, message TEXT, excerpt TEXT,
  UNIQUE (sha256, line, ordinal));
CREATE TABLE IF NOT EXISTS inputs (sha256 TEXT PRIMARY KEY, path TEXT, size INTEGER, format TEXT,
  read INTEGER, accepted INTEGER, duplicates INTEGER, quarantined INTEGER, complete INTEGER NOT NULL DEFAULT 0,
  error TEXT);
CREATE TABLE IF NOT EXISTS input_runs (run_id INTEGER NOT NULL, sha256 TEXT NOT NULL, path TEXT, read INTEGER,
  accepted INTEGER, duplicates INTEGER, quarantined INTEGER, complete INTEGER NOT NULL DEFAULT 0, error TEXT,
  PRIMARY KEY (run_id, sha256)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ingest_runs (id INTEGER PRIMARY KEY, started INTEGER, finished INTEGER, args TEXT,
  read INTEGER, accepted INTEGER, duplicates INTEGER, quarantined INTEGER);
)sql";

// Secondary indexes: dropped while bulk-loading a new store and rebuilt after (EnsureIndexes).
constexpr const char* kIndexes = R"sql(
CREATE INDEX IF NOT EXISTS items_time ON items(time);
CREATE INDEX IF NOT EXISTS items_actor ON items(actor_id, time);
CREATE INDEX IF NOT EXISTS items_url ON items(url) WHERE url IS NOT NULL;
CREATE INDEX IF NOT EXISTS actors_handle ON actors(handle COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS refs_target ON refs(target_key);
CREATE INDEX IF NOT EXISTS urls_url ON urls(url);
CREATE INDEX IF NOT EXISTS hashtags_tag ON hashtags(tag);
CREATE INDEX IF NOT EXISTS mentions_handle ON mentions(handle COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS flows_layer ON flows(layer);
CREATE INDEX IF NOT EXISTS flows_src ON flows(src_item);
CREATE INDEX IF NOT EXISTS flows_dst ON flows(dst_item);
)sql";

constexpr const char* kDropIndexes = R"sql(
DROP INDEX IF EXISTS items_time; DROP INDEX IF EXISTS items_actor; DROP INDEX IF EXISTS items_url;
DROP INDEX IF EXISTS actors_handle; DROP INDEX IF EXISTS refs_target; DROP INDEX IF EXISTS urls_url;
DROP INDEX IF EXISTS hashtags_tag; DROP INDEX IF EXISTS mentions_handle; DROP INDEX IF EXISTS flows_layer;
DROP INDEX IF EXISTS flows_src; DROP INDEX IF EXISTS flows_dst;
)sql";

std::filesystem::path LoadingMarker(const std::filesystem::path& dir) { return dir / "relais.db.loading"; }

// fsync of a file or folder; a failure is an I/O error naming it.
void SyncPath(const std::filesystem::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDWR);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw Error(ErrorKind::kIo, "cannot sync " + path.string() + ": " + why);
  }
  ::close(fd);
}

// A first load killed before its end left a database without a usable journal: remove it whole.
// The loader holds an exclusive flock on the marker while it runs (released by the kernel when it
// dies), so a load still running is never taken for an interrupted one.
void DiscardInterruptedLoad(const std::filesystem::path& dir) {
  const int fd = ::open(LoadingMarker(dir).c_str(), O_RDWR);
  if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw Error(ErrorKind::kData, "another relais ingest is loading " + dir.string() + " (wait for it to finish)");
  }
  if (fd >= 0) ::close(fd);
  std::error_code ec;
  for (const char* name :
       {"relais.db", "relais.db-wal", "relais.db-shm", "relais.db-journal", "manifest.json", "quarantine.jsonl"}) {
    std::filesystem::remove(dir / name, ec);
    if (ec) throw Error(ErrorKind::kIo, "cannot remove " + (dir / name).string() + ": " + ec.message());
  }
  std::filesystem::remove(LoadingMarker(dir), ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot remove " + LoadingMarker(dir).string() + ": " + ec.message());
}

[[noreturn]] void ThrowSql(sqlite3* db, std::string_view what) {
  throw Error(ErrorKind::kInternal, std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "sqlite"));
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), stmt_(nullptr) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
    ThrowSql(db, "prepare \"" + std::string(sql.substr(0, 60)) + "\"");
}
Statement::~Statement() { sqlite3_finalize(stmt_); }
Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement& Statement::Bind(int idx, std::int64_t v) {
  sqlite3_bind_int64(stmt_, idx, v);
  return *this;
}
Statement& Statement::Bind(int idx, double v) {
  sqlite3_bind_double(stmt_, idx, v);
  return *this;
}
Statement& Statement::Bind(int idx, std::string_view v) {
  sqlite3_bind_text(stmt_, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int idx) {
  sqlite3_bind_null(stmt_, idx);
  return *this;
}
bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  ThrowSql(db_, "step");
}
void Statement::Run() {
  while (Step()) {
  }
  sqlite3_reset(stmt_);
}
void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}
std::int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::Double(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::Text(int col) const { return std::string(TextView(col)); }
std::string_view Statement::TextView(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
}
bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Store Store::Open(const std::filesystem::path& dir, OpenMode mode) {
  namespace fs = std::filesystem;
  fs::path db_path = dir / "relais.db";
  if (mode != OpenMode::kCreate && !fs::exists(db_path))
    throw Error(ErrorKind::kData, "no store at " + dir.string() + " (no relais.db; create one with relais ingest)");
  const bool interrupted = fs::exists(LoadingMarker(dir));
  if (interrupted && mode != OpenMode::kCreate)
    throw Error(ErrorKind::kData, "store " + dir.string() +
                                      " is incomplete: its first ingest was interrupted or is still running "
                                      "(rerun relais ingest to rebuild it)");
  if (interrupted) DiscardInterruptedLoad(dir);
  if (mode == OpenMode::kCreate) {
    std::error_code ec;
    fs::create_directories(dir / "cache", ec);
    if (ec) throw Error(ErrorKind::kIo, "cannot create store folder " + dir.string() + ": " + ec.message());
  }
  Store s;
  s.dir_ = dir;
  s.discarded_ = interrupted;
  int flags = mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (mode == OpenMode::kCreate) flags |= SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(db_path.c_str(), &s.db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = s.db_ ? sqlite3_errmsg(s.db_) : "cannot open";
    throw Error(ErrorKind::kData, "cannot open store " + db_path.string() + ": " + msg);
  }
  sqlite3_busy_timeout(s.db_, 10000);
  if (mode != OpenMode::kReadOnly) {
    s.Exec("PRAGMA journal_mode=WAL");
    s.Exec("PRAGMA synchronous=NORMAL");
  }
  s.Exec("PRAGMA foreign_keys=OFF");
  s.Exec("PRAGMA cache_size=-65536");
  // Sorts (index builds, GROUP BY, ORDER BY) spill to temporary files past the page cache: with
  // temp_store=MEMORY they grew without bound (a 17.6 M-item ingest peaked at 1.26 GB, `stats` on it at
  // 1.0 GB; with FILE: 147 MB for that `stats`, and 28.8 s instead of 38 s).
  s.Exec("PRAGMA temp_store=FILE");
  if (mode == OpenMode::kCreate) {
    s.Exec(kSchema);
    s.Exec(kIndexes);
    if (s.GetMeta("pseudonym_key").empty()) {
      s.SetMeta("schema_version", std::to_string(kSchemaVersion));
      s.SetMeta("relais_version", RELAIS_VERSION);
      s.SetMeta("pseudonym_key", RandomHex(32));
    } else if (std::stoi(s.GetMeta("schema_version", "0")) < kSchemaVersion) {
      // Version 2 → 3 only added input_runs (created above).
      s.SetMeta("schema_version", std::to_string(kSchemaVersion));
    }
  } else {
    Statement st(s.db_, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='items'");
    if (!st.Step() || st.Int(0) == 0)
      throw Error(ErrorKind::kData, db_path.string() + " is not a relais store (no items table)");
  }
  return s;
}

Store::~Store() {
  if (db_) sqlite3_close_v2(db_);
  if (marker_fd_ >= 0) ::close(marker_fd_);  // a load left unfinished keeps its marker
}
Store::Store(Store&& other) noexcept
    : dir_(std::move(other.dir_)),
      db_(std::exchange(other.db_, nullptr)),
      discarded_(other.discarded_),
      bulk_(std::exchange(other.bulk_, false)),
      marker_fd_(std::exchange(other.marker_fd_, -1)) {}
Store& Store::operator=(Store&& other) noexcept {
  if (this != &other) {
    if (db_) sqlite3_close_v2(db_);
    if (marker_fd_ >= 0) ::close(marker_fd_);
    dir_ = std::move(other.dir_);
    db_ = std::exchange(other.db_, nullptr);
    discarded_ = other.discarded_;
    bulk_ = std::exchange(other.bulk_, false);
    marker_fd_ = std::exchange(other.marker_fd_, -1);
  }
  return *this;
}

void Store::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "sqlite error";
    sqlite3_free(err);
    throw Error(ErrorKind::kInternal, "sql \"" + s.substr(0, 60) + "\": " + msg);
  }
}

void Store::BeginBulkLoad() {
  if (bulk_) return;
  const auto marker = LoadingMarker(dir_);
  marker_fd_ = ::open(marker.c_str(), O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0644);
  if (marker_fd_ < 0 || ::flock(marker_fd_, LOCK_EX | LOCK_NB) != 0)
    throw Error(ErrorKind::kIo, "cannot create and lock " + marker.string() + ": " + std::strerror(errno));
  constexpr std::string_view kNote = "first ingest in progress: relais.db is complete only once this file is gone\n";
  if (::write(marker_fd_, kNote.data(), kNote.size()) != static_cast<ssize_t>(kNote.size()) || ::fsync(marker_fd_) != 0)
    throw Error(ErrorKind::kIo, "cannot write " + marker.string() + ": " + std::strerror(errno));
  SyncPath(dir_, true);
  Exec("PRAGMA journal_mode=MEMORY");
  Exec("PRAGMA synchronous=OFF");
  bulk_ = true;
}

void Store::EndBulkLoad() {
  if (!bulk_) return;
  Exec("PRAGMA journal_mode=WAL");
  Exec("PRAGMA synchronous=NORMAL");
  SyncPath(dir_ / "relais.db", false);
  std::error_code ec;
  std::filesystem::remove(LoadingMarker(dir_), ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot remove " + LoadingMarker(dir_).string() + ": " + ec.message());
  SyncPath(dir_, true);
  ::close(marker_fd_);  // releases the lock
  marker_fd_ = -1;
  bulk_ = false;
}

void Store::EnsureIndexes() { Exec(kIndexes); }

void Store::DropSecondaryIndexes() { Exec(kDropIndexes); }

void Store::Rollback() { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

std::string Store::GetMeta(std::string_view key, std::string_view fallback) const {
  Statement st(db_, "SELECT value FROM meta WHERE key = ?");
  st.Bind(1, key);
  if (st.Step()) return st.Text(0);
  return std::string(fallback);
}

void Store::SetMeta(std::string_view key, std::string_view value) {
  Statement st(db_, "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.Bind(1, key).Bind(2, value).Run();
}

std::string Store::Pseudonym(std::string_view actor_key) const {
  return "anon-" + HmacSha256Hex(PseudonymKey(), actor_key).substr(0, 16);
}

std::string Store::ContentVersion() const {
  Statement st(db_,
               "SELECT (SELECT count(*) FROM items) || '-' || (SELECT coalesce(max(id),0) FROM items) || '-' || "
               "(SELECT count(*) FROM flows) || '-' || (SELECT coalesce(max(id),0) FROM flows) || '-' || "
               "(SELECT count(*) FROM actors)");
  st.Step();
  return st.Text(0);
}

}  // namespace relais::corpora
