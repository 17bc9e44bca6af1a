// relais sql: read-only SQL over a store, the partitions seen as one database (views items,
// refs, urls, hashtags, mentions, flows; tables actors, inputs, quarantine, … of the catalog).
#include <sqlite3.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/store.hpp"

namespace relais::cli {
namespace {

std::string CsvCell(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

nlohmann::ordered_json JsonCell(sqlite3_stmt* st, int col) {
  switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(st, col);
    case SQLITE_FLOAT:
      return sqlite3_column_double(st, col);
    case SQLITE_NULL:
      return nullptr;
    default: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
      return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, col)));
    }
  }
}

std::string TextCell(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return {};
  if (sqlite3_column_type(st, col) == SQLITE_FLOAT) return nlohmann::json(sqlite3_column_double(st, col)).dump();
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, col)));
}

// The raw geography of docs/schema.md "Privacy": where an account posted from (item_geo's coordinates and
// platform place name) and what its profile says (actor_geo.location). Unless --raw-geo, SQLite's authorizer
// makes every read of these columns — in the answer, a WHERE, a join, a view over the partitions, `SELECT *` —
// read NULL, so no query can show them or select on them; the resolved département, région and country stay.
bool IsRawGeoColumn(std::string_view table, std::string_view column) {
  if (table == "item_geo") return column == "lat" || column == "lon" || column == "place";
  if (table == "actor_geo") return column == "location";
  return false;
}

int HideRawGeo(void*, int action, const char* table, const char* column, const char*, const char*) {
  if (action == SQLITE_READ && table && column && IsRawGeoColumn(table, column)) return SQLITE_IGNORE;
  return SQLITE_OK;
}

void RunSql(const corpora::Store& store, const std::string& sql, bool json, bool raw_geo) {
  sqlite3_stmt* st = nullptr;
  const char* tail = nullptr;
  // The authorizer acts when the statement is prepared (and re-prepared), so it stays set until the end.
  if (!raw_geo) sqlite3_set_authorizer(store.db(), HideRawGeo, nullptr);
  struct ClearAuthorizer {
    sqlite3* db;
    ~ClearAuthorizer() { sqlite3_set_authorizer(db, nullptr, nullptr); }
  } clear{store.db()};
  if (sqlite3_prepare_v2(store.db(), sql.c_str(), static_cast<int>(sql.size()), &st, &tail) != SQLITE_OK)
    throw Error(ErrorKind::kInvalidArgument, std::string("sql: ") + sqlite3_errmsg(store.db()));
  struct Finalize {
    sqlite3_stmt* st;
    ~Finalize() { sqlite3_finalize(st); }
  } finalize{st};
  if (!st) throw Error(ErrorKind::kInvalidArgument, "sql: no statement given");
  if (tail && std::string_view(tail).find_first_not_of(" \t\r\n;") != std::string_view::npos)
    throw Error(ErrorKind::kInvalidArgument, "sql: give one statement");
  if (!sqlite3_stmt_readonly(st))
    throw Error(ErrorKind::kInvalidArgument, "sql: only read-only statements (SELECT …) are allowed");
  const int cols = sqlite3_column_count(st);
  if (!json) {
    for (int c = 0; c < cols; ++c) std::cout << (c ? "," : "") << CsvCell(sqlite3_column_name(st, c));
    std::cout << "\n";
  }
  while (true) {
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw Error(ErrorKind::kInvalidArgument, std::string("sql: ") + sqlite3_errmsg(store.db()));
    if (json) {
      nlohmann::ordered_json row = nlohmann::ordered_json::object();
      for (int c = 0; c < cols; ++c) row[sqlite3_column_name(st, c)] = JsonCell(st, c);
      std::cout << row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      for (int c = 0; c < cols; ++c) std::cout << (c ? "," : "") << CsvCell(TextCell(st, c));
      std::cout << "\n";
    }
  }
}

}  // namespace

void RegisterSql(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string store;
    std::string sql;
    bool json = false;
    bool raw_geo = false;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("sql", "read-only SQL over a store (views items, flows, …; tables actors, …)");
  sub->add_option("--store", args->store, "store folder")->required();
  sub->add_option("query", args->sql, "one SELECT statement")->required();
  sub->add_flag("--json", args->json, "print one JSON object per row (else CSV with a header)");
  sub->add_flag("--raw-geo", args->raw_geo,
                "show the raw geography (item_geo.lat, lon, place; actor_geo.location: the store owner's data, not "
                "for publication); without it these columns read NULL");
  sub->callback([args] {
    const auto store = corpora::Store::Open(args->store, corpora::OpenMode::kReadOnly);
    RunSql(store, args->sql, args->json, args->raw_geo);
  });
  (void)ctx;
}

}  // namespace relais::cli
