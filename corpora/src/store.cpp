// The SQLite store: catalog and partitions, opening, schema, statements, meta.
#include "relais/corpora/store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <utility>
#include <vector>

#include "detail/store_detail.hpp"
#include "detail/text_util.hpp"
#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"

namespace relais::corpora {
using detail::ExecOn;

namespace {

// The catalog: everything that is not an item (docs/schema.md).
constexpr const char* kCatalogSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS actors (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, platform TEXT, handle TEXT, name TEXT,
  platform_id TEXT, actor_class TEXT NOT NULL DEFAULT 'public', region TEXT, public INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS partitions (id INTEGER PRIMARY KEY, file TEXT NOT NULL);
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
CREATE TABLE IF NOT EXISTS actor_geo (actor_id INTEGER PRIMARY KEY, location TEXT, loc_departement TEXT,
  loc_region TEXT, loc_country TEXT, loc_confidence REAL, departement TEXT, region TEXT, country TEXT,
  evidence TEXT, confidence REAL, items INTEGER);
)sql";

// A partition: items (ids unique across the store), their children, the flows ending in them.
constexpr const char* kPartitionSchema = R"sql(
CREATE TABLE IF NOT EXISTS items (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, platform TEXT, channel TEXT NOT NULL, kind TEXT NOT NULL,
  actor_id INTEGER, time INTEGER NOT NULL, text TEXT, title TEXT, lang TEXT, url TEXT,
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
CREATE TABLE IF NOT EXISTS unresolved (item_id INTEGER NOT NULL, target_key TEXT NOT NULL,
  target_handle TEXT COLLATE NOCASE, PRIMARY KEY (item_id, target_key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS flow_pending (item_id INTEGER PRIMARY KEY, old_time INTEGER, old_actor INTEGER);
CREATE TABLE IF NOT EXISTS item_geo (item_id INTEGER PRIMARY KEY, lat REAL, lon REAL, place TEXT, country_code TEXT,
  departement TEXT, region TEXT, country TEXT, evidence TEXT, confidence REAL);
)sql";

// Secondary indexes: dropped while bulk-loading a new store and rebuilt after (EnsureIndexes).
// input_runs by input: manifest.json lists each input's runs (its primary key starts with run_id).
constexpr const char* kCatalogIndexes =
    "CREATE INDEX IF NOT EXISTS {S}actors_handle ON actors(handle COLLATE NOCASE);"
    "CREATE INDEX IF NOT EXISTS {S}input_runs_input ON input_runs(sha256, run_id);";
constexpr const char* kPartitionIndexes = R"sql(
CREATE INDEX IF NOT EXISTS {S}items_time ON items(time);
CREATE INDEX IF NOT EXISTS {S}items_actor ON items(actor_id, time);
CREATE INDEX IF NOT EXISTS {S}items_url ON items(url) WHERE url IS NOT NULL;
CREATE INDEX IF NOT EXISTS {S}refs_target ON refs(target_key);
CREATE INDEX IF NOT EXISTS {S}urls_url ON urls(url);
CREATE INDEX IF NOT EXISTS {S}hashtags_tag ON hashtags(tag);
CREATE INDEX IF NOT EXISTS {S}mentions_handle ON mentions(handle COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS {S}flows_layer ON flows(layer);
CREATE INDEX IF NOT EXISTS {S}flows_src ON flows(src_item);
CREATE INDEX IF NOT EXISTS {S}flows_dst ON flows(dst_item);
CREATE INDEX IF NOT EXISTS {S}unresolved_handle ON unresolved(target_handle);
)sql";
constexpr const char* kDropCatalogIndexes =
    "DROP INDEX IF EXISTS {S}actors_handle; DROP INDEX IF EXISTS {S}input_runs_input;";
constexpr const char* kDropPartitionIndexes = R"sql(
DROP INDEX IF EXISTS {S}items_time; DROP INDEX IF EXISTS {S}items_actor; DROP INDEX IF EXISTS {S}items_url;
DROP INDEX IF EXISTS {S}refs_target; DROP INDEX IF EXISTS {S}urls_url;
DROP INDEX IF EXISTS {S}hashtags_tag; DROP INDEX IF EXISTS {S}mentions_handle; DROP INDEX IF EXISTS {S}flows_layer;
DROP INDEX IF EXISTS {S}flows_src; DROP INDEX IF EXISTS {S}flows_dst; DROP INDEX IF EXISTS {S}unresolved_handle;
)sql";

// Tables of a partition, seen store-wide through TEMP views of the same name.
constexpr const char* kPartitionTables[] = {"items", "refs", "urls", "hashtags", "mentions", "flows"};

constexpr const char* kCatalogFile = "relais.db";  // the CLI contract names the store's database relais.db

std::filesystem::path LoadingMarker(const std::filesystem::path& dir) { return dir / "store.loading"; }

// `sql` with every "{S}" replaced by `schema` (e.g. "p0.", or "" for main).
std::string WithSchema(std::string_view sql, std::string_view schema) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t at = sql.find("{S}", pos);
    out.append(sql.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos));
    if (at == std::string_view::npos) break;
    out.append(schema);
    pos = at + 3;
  }
  return out;
}

std::string PartitionFileName(int p) {
  char name[32];
  std::snprintf(name, sizeof(name), "part-%03d.db", p);
  return name;
}

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

void RemoveDbFiles(const std::filesystem::path& db) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::filesystem::path f = db.string() + suffix;
    std::filesystem::remove(f, ec);
    if (ec) throw Error(ErrorKind::kIo, "cannot remove " + f.string() + ": " + ec.message());
  }
}

// Every partition file in the folder (part-NNN.db), whatever the catalog says.
std::vector<std::filesystem::path> PartitionFilesIn(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("part-", 0) == 0 && name.size() > 8 && name.compare(name.size() - 3, 3, ".db") == 0)
      out.push_back(e.path());
  }
  return out;
}

// A first load killed before its end left databases without a usable journal: remove them whole.
// The loader holds an exclusive flock on the marker while it runs (released by the kernel when it
// dies), so a load still running is never taken for an interrupted one.
void DiscardInterruptedLoad(const std::filesystem::path& dir) {
  const int fd = ::open(LoadingMarker(dir).c_str(), O_RDWR);
  if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw Error(ErrorKind::kData, "another relais ingest is loading " + dir.string() + " (wait for it to finish)");
  }
  if (fd >= 0) ::close(fd);
  RemoveDbFiles(dir / kCatalogFile);
  for (const auto& f : PartitionFilesIn(dir)) RemoveDbFiles(f);
  std::error_code ec;
  for (const char* name : {"manifest.json", "quarantine.jsonl"}) {
    std::filesystem::remove(dir / name, ec);
    if (ec) throw Error(ErrorKind::kIo, "cannot remove " + (dir / name).string() + ": " + ec.message());
  }
  std::filesystem::remove(LoadingMarker(dir), ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot remove " + LoadingMarker(dir).string() + ": " + ec.message());
}

// The page cache of one connection: 64 MiB (the catalog's, and each partition's up to 4 partitions).
constexpr int kConnectionCacheKib = 64 << 10;
// What one process's partition connections share (an ingest holds one per partition, all writing at
// once): 8 partitions × 64 MiB put a 17.6 M-item ingest at 1,009 MiB resident. Each partition
// connection gets this budget's share, between 16 and 64 MiB.
constexpr int kPartitionCacheBudgetKib = 256 << 10;
constexpr int kMinPartitionCacheKib = 16 << 10;

int PartitionCacheKib(int partitions) {
  return std::clamp(kPartitionCacheBudgetKib / std::max(1, partitions), kMinPartitionCacheKib, kConnectionCacheKib);
}

// The pragmas every connection gets.
void ConfigureConnection(sqlite3* db, int cache_kib = kConnectionCacheKib) {
  sqlite3_busy_timeout(db, 10000);
  ExecOn(db, "PRAGMA foreign_keys=OFF");
  ExecOn(db, "PRAGMA cache_size=-" + std::to_string(cache_kib));
  // Sorts (index builds, GROUP BY, ORDER BY) spill to temporary files past the page cache: with
  // temp_store=MEMORY they grew without bound (a 17.6 M-item ingest peaked at 1.26 GB, `stats` on it at
  // 1.0 GB; with FILE: 147 MB for that `stats`, and 28.8 s instead of 38 s).
  ExecOn(db, "PRAGMA temp_store=FILE");
}

// SQLite counts every allocation under one process-wide mutex unless told not to (SQLITE_CONFIG_MEMSTATUS,
// on by default): with one connection per partition written by parallel threads, that mutex serialised them
// (two threads took more wall time than one). Set once, before SQLite's first use in the process; if
// something else initialised SQLite first, sqlite3_config refuses and the default stays (still correct).
void DisableSqliteMemoryStatistics() {
  static const int once = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)once;
}

// One stderr line per statement that ran at least the threshold (milliseconds, the trace's context):
// "relais: sql 961 ms part-001.db: INSERT INTO main.flows(…) SELECT …", whitespace collapsed, the SQL cut at
// 200 bytes on a character boundary, written with one write(2) so parallel connections do not cut each
// other's lines.
int ProfileStatement(unsigned mask, void* threshold_ms, void* stmt, void* nanoseconds) {
  if (mask != SQLITE_TRACE_PROFILE) return 0;
  const auto ms = *static_cast<const sqlite3_int64*>(nanoseconds) / 1'000'000;
  if (ms < reinterpret_cast<std::intptr_t>(threshold_ms)) return 0;
  auto* st = static_cast<sqlite3_stmt*>(stmt);
  std::string sql;
  for (const char* c = sqlite3_sql(st); c && *c; ++c) {
    const bool blank = *c == ' ' || *c == '\n' || *c == '\t' || *c == '\r';
    if (!blank)
      sql += *c;
    else if (!sql.empty() && sql.back() != ' ')
      sql += ' ';
  }
  const char* file = sqlite3_db_filename(sqlite3_db_handle(st), "main");
  const std::string line = "relais: sql " + std::to_string(ms) + " ms " +
                           (file && *file ? std::filesystem::path(file).filename().string() : std::string("(memory)")) +
                           ": " + detail::MakeExcerpt(sql, 200) + "\n";
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line.data(), line.size());
  return 0;
}

// RELAIS_SQL_PROFILE_MS=N: every connection of the store reports its statements of ≥ N ms (docs/schema.md).
void ProfileIfAsked(sqlite3* db) {
  const char* env = std::getenv("RELAIS_SQL_PROFILE_MS");
  if (!env || !*env) return;
  char* end = nullptr;
  const long long ms = std::strtoll(env, &end, 10);
  if (*end != '\0' || ms < 0)
    throw Error(ErrorKind::kInvalidArgument,
                std::string("RELAIS_SQL_PROFILE_MS must be a number of milliseconds, not \"") + env + "\"");
  sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, ProfileStatement, reinterpret_cast<void*>(static_cast<std::intptr_t>(ms)));
}

sqlite3* OpenDb(const std::filesystem::path& path, int flags) {
  DisableSqliteMemoryStatistics();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "cannot open";
    if (db) sqlite3_close_v2(db);
    throw Error(ErrorKind::kData, "cannot open store file " + path.string() + ": " + msg);
  }
  try {
    ProfileIfAsked(db);
  } catch (...) {
    sqlite3_close_v2(db);
    throw;
  }
  return db;
}

// Creates (or completes) a partition file: schema, indexes, WAL.
void InitPartitionFile(const std::filesystem::path& path) {
  sqlite3* db = OpenDb(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  try {
    ConfigureConnection(db);
    ExecOn(db, "PRAGMA journal_mode=WAL");
    ExecOn(db, kPartitionSchema);
    ExecOn(db, WithSchema(kPartitionIndexes, ""));
  } catch (...) {
    sqlite3_close_v2(db);
    throw;
  }
  sqlite3_close_v2(db);
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

int Store::PartitionOfKey(std::string_view item_key, int partitions) {
  if (partitions <= 1) return 0;
  return static_cast<int>(Hash64(item_key) % static_cast<std::uint64_t>(partitions));
}

std::filesystem::path Store::PartitionPath(int p) const { return dir_ / PartitionFileName(p); }

std::filesystem::path Store::CatalogPath() const { return dir_ / kCatalogFile; }

namespace {
enum class CatalogFile { kUsable, kSingleFileLayout, kNotADatabase };

/// What an existing relais.db is: a catalog (possibly half-created by a killed first load), a
/// database of the single-file layout of relais < 0.4 (it holds `items` itself and has no
/// `partitions` table), or no SQLite database at all.
CatalogFile InspectCatalogFile(const std::filesystem::path& db_path) {
  DisableSqliteMemoryStatistics();
  sqlite3* db = nullptr;
  CatalogFile kind = CatalogFile::kUsable;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 10000);  // another process (an MPI rank, an ingest) may be writing the catalog
    sqlite3_stmt* st = nullptr;
    const int rc = sqlite3_prepare_v2(
        db, "SELECT sum(name = 'items'), sum(name = 'partitions') FROM sqlite_master WHERE type = 'table'", -1, &st,
        nullptr);
    if (rc == SQLITE_NOTADB) {
      kind = CatalogFile::kNotADatabase;
    } else if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0 &&
               sqlite3_column_int(st, 1) == 0) {
      kind = CatalogFile::kSingleFileLayout;
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return kind;
}
}  // namespace

Store Store::Open(const std::filesystem::path& dir, OpenMode mode) {
  namespace fs = std::filesystem;
  const fs::path db_path = dir / kCatalogFile;
  // A first load that was killed (its marker remains) is discarded below whatever its catalog holds.
  const bool interrupted = fs::exists(LoadingMarker(dir));
  if (!interrupted && fs::exists(db_path) && fs::file_size(db_path) > 0) {
    const CatalogFile kind = InspectCatalogFile(db_path);
    if (kind == CatalogFile::kSingleFileLayout)
      throw Error(ErrorKind::kData, "store " + dir.string() +
                                        " has the single-file layout of relais < 0.4 (relais.db); rebuild it: relais "
                                        "ingest --store NEW_DIR with the inputs listed in its manifest.json");
    if (kind == CatalogFile::kNotADatabase)
      throw Error(ErrorKind::kData, db_path.string() + " is not an SQLite database: not a relais store");
  }
  if (mode != OpenMode::kCreate && !fs::exists(db_path))
    throw Error(ErrorKind::kData, "no store at " + dir.string() + " (no relais.db; create one with relais ingest)");
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
  s.read_only_ = mode == OpenMode::kReadOnly;
  int flags = mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (mode == OpenMode::kCreate) flags |= SQLITE_OPEN_CREATE;
  s.db_ = OpenDb(db_path, flags);
  ConfigureConnection(s.db_);
  if (mode != OpenMode::kReadOnly) {
    s.Exec("PRAGMA journal_mode=WAL");
    s.Exec("PRAGMA synchronous=NORMAL");
  }
  if (mode == OpenMode::kCreate) {
    s.Exec(kCatalogSchema);
    s.Exec(WithSchema(kCatalogIndexes, ""));
    if (s.GetMeta("pseudonym_key").empty()) {
      s.SetMeta("schema_version", std::to_string(kSchemaVersion));
      s.SetMeta("relais_version", RELAIS_VERSION);
      s.SetMeta("pseudonym_key", RandomHex(32));
      s.SetMeta("partition_key", "Hash64(item key) mod partitions");
    }
    Statement st(s.db_, "SELECT count(*) FROM partitions");
    if (st.Step() && st.Int(0) == 0) {
      Statement ins(s.db_, "INSERT INTO partitions(id, file) VALUES(0, ?)");
      ins.Bind(1, PartitionFileName(0)).Run();
    }
  } else {
    Statement st(s.db_, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='partitions'");
    if (!st.Step() || st.Int(0) == 0)
      throw Error(ErrorKind::kData, db_path.string() + " is not a relais store (no partitions table)");
  }
  {
    Statement st(s.db_, "SELECT count(*) FROM partitions");
    s.partitions_ = st.Step() ? static_cast<int>(st.Int(0)) : 0;
    if (s.partitions_ < 1 || s.partitions_ > kMaxPartitions)
      throw Error(ErrorKind::kData, db_path.string() + " lists " + std::to_string(s.partitions_) +
                                        " partitions (expected 1 to " + std::to_string(kMaxPartitions) + ")");
  }
  if (mode == OpenMode::kCreate) {
    for (int p = 0; p < s.partitions_; ++p) InitPartitionFile(s.PartitionPath(p));
  } else {
    for (int p = 0; p < s.partitions_; ++p) {
      if (!fs::exists(s.PartitionPath(p)))
        throw Error(ErrorKind::kData, "store " + dir.string() + " is missing its partition " +
                                          s.PartitionPath(p).filename().string() + " (rebuild it with relais ingest)");
    }
  }
  s.AttachPartitions();
  return s;
}

void Store::AttachPartitions() {
  if (attached_) return;
  for (int p = 0; p < partitions_; ++p) {
    // Read-only stores attach read-only (a URI, so that a store on a read-only medium opens).
    std::string target = PartitionPath(p).string();
    if (read_only_) target = "file:" + target + "?mode=ro";
    Statement st(db_, "ATTACH DATABASE ? AS " + PartitionSchema(p));
    st.Bind(1, target).Run();
    Exec("PRAGMA " + PartitionSchema(p) + ".cache_size=-" + std::to_string(std::max(8192, 65536 / partitions_)));
    if (!read_only_) Exec("PRAGMA " + PartitionSchema(p) + ".synchronous=NORMAL");
  }
  // With one partition its tables are found by their plain names (main has none of them), and
  // stay writable; with several, read-only TEMP views gather them under those names.
  if (partitions_ > 1) {
    for (const char* table : kPartitionTables) {
      std::string sql = std::string("CREATE TEMP VIEW ") + table + " AS ";
      for (int p = 0; p < partitions_; ++p) {
        if (p) sql += " UNION ALL ";
        sql += "SELECT * FROM " + PartitionSchema(p) + "." + table;
      }
      Exec(sql);
    }
    // item_geo (schema version 5) only when every partition has it: a store of schema 4 opened
    // read-only never got the table.
    bool geo = true;
    for (int p = 0; p < partitions_ && geo; ++p) {
      Statement st(db_, "SELECT count(*) FROM " + PartitionSchema(p) + ".sqlite_master WHERE name = 'item_geo'");
      geo = st.Step() && st.Int(0) > 0;
    }
    if (geo) {
      std::string sql = "CREATE TEMP VIEW item_geo AS ";
      for (int p = 0; p < partitions_; ++p) {
        if (p) sql += " UNION ALL ";
        sql += "SELECT * FROM " + PartitionSchema(p) + ".item_geo";
      }
      Exec(sql);
    }
  }
  // all_items: every partition's items, for the flow computations (RecomputeFlows).
  std::string all = "CREATE TEMP VIEW all_items AS ";
  for (int p = 0; p < partitions_; ++p) {
    if (p) all += " UNION ALL ";
    all += std::string("SELECT ") + detail::kFlowSourceColumns + " FROM " + PartitionSchema(p) + ".items";
  }
  Exec(all);
  attached_ = true;
}

void Store::DetachPartitions() {
  if (!attached_) return;
  if (partitions_ > 1) {
    for (const char* table : kPartitionTables) Exec(std::string("DROP VIEW IF EXISTS temp.") + table);
    Exec("DROP VIEW IF EXISTS temp.item_geo");
  }
  Exec("DROP VIEW IF EXISTS temp.all_items");
  for (int p = 0; p < partitions_; ++p) Exec("DETACH DATABASE " + PartitionSchema(p));
  attached_ = false;
}

sqlite3* Store::OpenPartition(int p, bool read_only) const {
  if (p < 0 || p >= partitions_)
    throw Error(ErrorKind::kInvalidArgument,
                "no partition " + std::to_string(p) + " (the store has " + std::to_string(partitions_) + ")");
  read_only = read_only || read_only_;
  sqlite3* db = OpenDb(PartitionPath(p), read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  try {
    ConfigureConnection(db, PartitionCacheKib(partitions_));
    if (!read_only) ExecOn(db, "PRAGMA synchronous=NORMAL");
  } catch (...) {
    sqlite3_close_v2(db);
    throw;
  }
  return db;
}

void Store::Repartition(int n) {
  if (n < 1 || n > kMaxPartitions)
    throw Error(ErrorKind::kInvalidArgument, "--partitions must be between 1 and " + std::to_string(kMaxPartitions));
  if (n == partitions_) return;
  {
    Statement st(db_, "SELECT EXISTS (SELECT 1 FROM items)");
    if (st.Step() && st.Int(0) != 0)
      throw Error(ErrorKind::kData, "store " + dir_.string() + " already holds items in " +
                                        std::to_string(partitions_) + " partitions (its partitioning is fixed)");
  }
  DetachPartitions();
  for (int p = 0; p < partitions_; ++p) RemoveDbFiles(PartitionPath(p));
  Begin();
  Exec("DELETE FROM partitions");
  {
    Statement ins(db_, "INSERT INTO partitions(id, file) VALUES(?, ?)");
    for (int p = 0; p < n; ++p) {
      ins.Bind(1, static_cast<std::int64_t>(p)).Bind(2, PartitionFileName(p));
      ins.Run();
      ins.Reset();
    }
  }
  Commit();
  partitions_ = n;
  for (int p = 0; p < n; ++p) InitPartitionFile(PartitionPath(p));
  AttachPartitions();
}

void Store::Close() {
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
  if (marker_fd_ >= 0) ::close(marker_fd_);  // a load left unfinished keeps its marker
  marker_fd_ = -1;
}

Store::~Store() { Close(); }
Store::Store(Store&& other) noexcept
    : dir_(std::move(other.dir_)),
      db_(std::exchange(other.db_, nullptr)),
      partitions_(other.partitions_),
      read_only_(other.read_only_),
      attached_(other.attached_),
      discarded_(other.discarded_),
      bulk_(std::exchange(other.bulk_, false)),
      marker_fd_(std::exchange(other.marker_fd_, -1)) {}
Store& Store::operator=(Store&& other) noexcept {
  if (this != &other) {
    Close();
    dir_ = std::move(other.dir_);
    db_ = std::exchange(other.db_, nullptr);
    partitions_ = other.partitions_;
    read_only_ = other.read_only_;
    attached_ = other.attached_;
    discarded_ = other.discarded_;
    bulk_ = std::exchange(other.bulk_, false);
    marker_fd_ = std::exchange(other.marker_fd_, -1);
  }
  return *this;
}

void Store::Exec(std::string_view sql) { ExecOn(db_, std::string(sql)); }

void Store::BeginBulkLoad() {
  if (bulk_) return;
  const auto marker = LoadingMarker(dir_);
  marker_fd_ = ::open(marker.c_str(), O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0644);
  if (marker_fd_ < 0 || ::flock(marker_fd_, LOCK_EX | LOCK_NB) != 0)
    throw Error(ErrorKind::kIo, "cannot create and lock " + marker.string() + ": " + std::strerror(errno));
  constexpr std::string_view kNote = "first ingest in progress: the store is complete only once this file is gone\n";
  if (::write(marker_fd_, kNote.data(), kNote.size()) != static_cast<ssize_t>(kNote.size()) || ::fsync(marker_fd_) != 0)
    throw Error(ErrorKind::kIo, "cannot write " + marker.string() + ": " + std::strerror(errno));
  SyncPath(dir_, true);
  Exec("PRAGMA journal_mode=MEMORY");  // every attached database
  Exec("PRAGMA synchronous=OFF");
  if (attached_) {
    for (int p = 0; p < partitions_; ++p) Exec("PRAGMA " + PartitionSchema(p) + ".synchronous=OFF");
  }
  bulk_ = true;
}

void Store::SyncFiles() const {
  SyncPath(CatalogPath(), false);
  for (int p = 0; p < partitions_; ++p) SyncPath(PartitionPath(p), false);
  SyncPath(dir_, true);
}

void Store::EndBulkLoad() {
  if (!bulk_) return;
  Exec("PRAGMA journal_mode=WAL");
  Exec("PRAGMA synchronous=NORMAL");
  if (attached_) {
    for (int p = 0; p < partitions_; ++p) Exec("PRAGMA " + PartitionSchema(p) + ".synchronous=NORMAL");
  }
  SyncFiles();
  std::error_code ec;
  std::filesystem::remove(LoadingMarker(dir_), ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot remove " + LoadingMarker(dir_).string() + ": " + ec.message());
  SyncPath(dir_, true);
  ::close(marker_fd_);  // releases the lock
  marker_fd_ = -1;
  bulk_ = false;
}

void Store::EnsureIndexes() {
  Exec(WithSchema(kCatalogIndexes, "main."));
  if (!attached_) return;
  for (int p = 0; p < partitions_; ++p) Exec(WithSchema(kPartitionIndexes, PartitionSchema(p) + "."));
}

void Store::DropSecondaryIndexes() {
  Exec(WithSchema(kDropCatalogIndexes, "main."));
  if (!attached_) return;
  for (int p = 0; p < partitions_; ++p) Exec(WithSchema(kDropPartitionIndexes, PartitionSchema(p) + "."));
}

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

std::int64_t Store::ContentCounter() const { return std::atoll(GetMeta("content_version", "0").c_str()); }

void Store::BumpContentVersion() {
  Exec(
      "INSERT INTO meta(key, value) VALUES('content_version', '1') ON CONFLICT(key) DO UPDATE SET "
      "value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)");
}

std::string Store::ChangeStamp() const {
  std::string stamp;
  auto add = [&](const std::string& schema) {
    Statement st(db_, "PRAGMA " + schema + ".data_version");
    stamp += std::to_string(st.Step() ? st.Int(0) : -1);
    stamp += '.';
  };
  add("main");
  if (attached_) {
    for (int p = 0; p < partitions_; ++p) add(PartitionSchema(p));
  }
  return stamp;
}

std::string Store::ContentVersion() const {
  Statement st(db_,
               "SELECT (SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM meta WHERE key = 'content_version') "
               "|| '-' || (SELECT count(*) FROM items) || '-' || (SELECT coalesce(max(id),0) FROM items) || '-' || "
               "(SELECT count(*) FROM flows) || '-' || (SELECT coalesce(max(id),0) FROM flows) || '-' || "
               "(SELECT count(*) FROM actors)");
  st.Step();
  return st.Text(0);
}

}  // namespace relais::corpora

namespace relais::corpora::detail {

void ExecOn(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "sqlite error";
    sqlite3_free(err);
    throw Error(ErrorKind::kInternal, "sql \"" + sql.substr(0, 60) + "\": " + msg);
  }
}

void BeginWritingMainPartition(sqlite3* db) {
  ExecOn(db, "DELETE FROM main.flow_pending WHERE 0");  // writes nothing, but takes the write lock
  if (sqlite3_txn_state(db, "main") != SQLITE_TXN_WRITE)
    throw Error(ErrorKind::kInternal, "the partition's write transaction did not begin");
}

void PartitionIndexes(sqlite3* db, bool create) {
  ExecOn(db, WithSchema(create ? kPartitionIndexes : kDropPartitionIndexes, "main."));
}

void CloseConnection::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

void PrepareFirstLoad(sqlite3* db) {
  PartitionIndexes(db, false);
  ExecOn(db, "PRAGMA journal_mode=MEMORY");
  ExecOn(db, "PRAGMA synchronous=OFF");
}

Connection OpenPartitionFile(const std::filesystem::path& path) {
  Connection db(OpenDb(path, SQLITE_OPEN_READWRITE));
  ConfigureConnection(db.get());
  ExecOn(db.get(), "PRAGMA synchronous=NORMAL");
  return db;
}

}  // namespace relais::corpora::detail
