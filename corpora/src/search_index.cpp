// The items' full-text index (FTS5), maintained incrementally at ingest. See search_index.hpp.
#include "relais/corpora/search_index.hpp"

#include <sqlite3.h>

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "detail/store_detail.hpp"
#include "relais/base/error.hpp"

namespace relais::corpora {
using detail::ExecOn;

namespace {

// What is indexed of an item (alias i or none).
constexpr const char* kBody = "coalesce(title, '') || ' ' || coalesce(text, '')";

bool IsWordByte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/// French elided forms ("l'", "qu'"), as the tokenizer leaves them once the apostrophe splits them.
bool IsElision(const std::string& w) {
  static const char* kElided[] = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu"};
  std::string lower;
  for (char c : w) lower += static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  for (const char* e : kElided)
    if (lower == e) return true;
  return false;
}

/// The catalog-wide index of stores written before the index moved into the partitions: dropped, so
/// that the partitions' indexes are built from their first item.
void DropCatalogIndex(Store& store) {
  {
    Statement old(store.db(), "SELECT count(*) FROM main.sqlite_master WHERE name = 'items_fts'");
    if (!old.Step() || old.Int(0) == 0) return;
  }
  store.Begin();
  try {
    store.Exec("DROP TABLE main.items_fts");
    store.Exec("DROP TABLE IF EXISTS main.items_fts_expansion");
    store.Exec("DELETE FROM main.meta WHERE key = 'search_index_max_item'");
    store.Commit();
  } catch (...) {
    store.Rollback();
    throw;
  }
}

bool HasTable(sqlite3* db, const char* name) {
  Statement st(db, "SELECT count(*) FROM main.sqlite_master WHERE name = ?");
  st.Bind(1, std::string_view(name));
  return st.Step() && st.Int(0) > 0;
}

/// Re-indexes the partition's upgraded expansions (their text changed since they were indexed).
std::int64_t ReindexUpgradedExpansions(sqlite3* db) {
  Statement stale(db, "SELECT e.id, e.body, " + std::string(kBody) +
                          ", i.expansion FROM items_fts_expansion e "
                          "JOIN items i ON i.id = e.id WHERE i.expansion = 0 OR e.body <> " +
                          kBody + " ORDER BY e.id");
  Statement del(db, "INSERT INTO items_fts(items_fts, rowid, body) VALUES('delete', ?, ?)");
  Statement ins(db, "INSERT INTO items_fts(rowid, body) VALUES(?, ?)");
  Statement keep(db, "UPDATE items_fts_expansion SET body = ? WHERE id = ?");
  Statement drop(db, "DELETE FROM items_fts_expansion WHERE id = ?");
  std::vector<std::tuple<std::int64_t, std::string, std::string, bool>> rows;
  while (stale.Step()) rows.emplace_back(stale.Int(0), stale.Text(1), stale.Text(2), stale.Int(3) != 0);
  std::int64_t changed = 0;
  for (const auto& [id, old_body, body, still_expansion] : rows) {
    if (old_body != body) {
      del.Bind(1, id).Bind(2, old_body);
      del.Run();
      ins.Bind(1, id).Bind(2, body);
      ins.Run();
      ++changed;
    }
    if (still_expansion) {
      keep.Bind(1, body).Bind(2, id);
      keep.Run();
    } else {
      drop.Bind(1, id);
      drop.Run();
    }
  }
  return changed;
}

/// The index of one partition (open as `db`'s main): its new items and upgraded expansions, in one
/// transaction with its watermark (items_fts_mark), so a killed run leaves it as before.
std::int64_t UpdatePartitionIndex(sqlite3* db) {
  ExecOn(db, "BEGIN IMMEDIATE");
  try {
    const bool had_index = HasTable(db, "items_fts");
    const bool had_side = HasTable(db, "items_fts_expansion");
    ExecOn(db,
           "CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(body, content='', "
           "tokenize = 'unicode61 remove_diacritics 2')");
    ExecOn(db,
           "CREATE TABLE IF NOT EXISTS items_fts_mark(id INTEGER PRIMARY KEY CHECK (id = 0), "
           "max_item INTEGER NOT NULL)");
    ExecOn(db, "INSERT OR IGNORE INTO items_fts_mark(id, max_item) VALUES(0, 0)");
    if (had_index && !had_side) {
      // An index written before expansions were tracked: items upgraded since then may be indexed
      // with their old text, which a contentless table cannot delete. Rebuilt once from scratch.
      ExecOn(db, "INSERT INTO items_fts(items_fts) VALUES('delete-all')");
      ExecOn(db, "UPDATE items_fts_mark SET max_item = 0");
    }
    // Items indexed while they were expansions (a post known only from a retweet or quote of it),
    // with the body as indexed: a later ingest of the post itself replaces their text, and the
    // contentless index can only forget the old words when given them.
    ExecOn(db, "CREATE TABLE IF NOT EXISTS items_fts_expansion(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    const std::int64_t changed = ReindexUpgradedExpansions(db);
    std::int64_t after = 0;
    {
      Statement mark(db, "SELECT max_item FROM items_fts_mark");
      if (mark.Step()) after = mark.Int(0);
    }
    Statement ins(db,
                  "INSERT INTO items_fts(rowid, body) SELECT id, " + std::string(kBody) + " FROM items WHERE id > ?");
    ins.Bind(1, after);
    ins.Run();
    const std::int64_t added = sqlite3_changes(db);
    Statement track(db, "INSERT OR REPLACE INTO items_fts_expansion(id, body) SELECT id, " + std::string(kBody) +
                            " FROM items WHERE id > ? AND expansion <> 0");
    track.Bind(1, after);
    track.Run();
    Statement top(db, "UPDATE items_fts_mark SET max_item = max(max_item, (SELECT coalesce(max(id), 0) FROM items))");
    top.Run();
    ExecOn(db, "COMMIT");
    return added + changed;
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

// ---- Ranking: SQLite's bm25 over the union of the partitions' indexes ----
//
// Each partition's index knows only its own rows, so its bm25() would weigh words by the partition's
// statistics and rankings would change with the number of partitions. relais_bm25 is FTS5's bm25
// (k1 = 1.2, b = 0.75, one column of weight 1; sqlite/ext/fts5/fts5_aux.c) with the statistics of
// the whole store passed in: the average row length and one IDF per phrase, computed as bm25 computes
// them from the summed row count, token count and per-phrase row counts. Same arithmetic in the same
// order: the scores equal bm25() on a one-partition store bit for bit (tested).

constexpr const char* kRankFunction = "relais_bm25";

void RankWithStoreTotals(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int n_args,
                         sqlite3_value** args) {
  const double k1 = 1.2;
  const double b = 0.75;
  const int phrases = api->xPhraseCount(fts);
  if (n_args != phrases + 1) {
    sqlite3_result_error(ctx, "relais_bm25: expected the average row length and one IDF per phrase", -1);
    return;
  }
  std::vector<double> freq(static_cast<std::size_t>(phrases), 0.0);
  int instances = 0;
  int rc = api->xInstCount(fts, &instances);
  for (int i = 0; rc == SQLITE_OK && i < instances; ++i) {
    int phrase = 0, column = 0, offset = 0;
    rc = api->xInst(fts, i, &phrase, &column, &offset);
    if (rc == SQLITE_OK) freq[static_cast<std::size_t>(phrase)] += 1.0;
  }
  int tokens = 0;
  if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &tokens);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  const double d = static_cast<double>(tokens);
  const double avgdl = sqlite3_value_double(args[0]);
  double score = 0.0;
  for (int i = 0; i < phrases; ++i) {
    const double f = freq[static_cast<std::size_t>(i)];
    score += sqlite3_value_double(args[i + 1]) * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * d / avgdl)));
  }
  sqlite3_result_double(ctx, -1.0 * score);
}

/// Registers relais_bm25 on the connection once (FTS5 keeps a list: registering twice would grow it).
void EnsureRankFunction(sqlite3* db) {
  sqlite3_stmt* probe = nullptr;
  const bool known = sqlite3_prepare_v2(db, "SELECT relais_bm25(0)", -1, &probe, nullptr) == SQLITE_OK;
  sqlite3_finalize(probe);
  if (known) return;
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(st, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(st);
  }
  sqlite3_finalize(st);
  if (!api || api->xCreateFunction(api, kRankFunction, nullptr, RankWithStoreTotals, nullptr) != SQLITE_OK)
    throw Error(ErrorKind::kInternal, "cannot register the search ranking function (SQLite without FTS5?)");
}

/// SQLite's varint (FTS5 writes its records with it): big-endian groups of 7 bits, the 9th byte whole.
std::int64_t ReadVarint(const unsigned char*& p, const unsigned char* end) {
  std::uint64_t v = 0;
  for (int i = 0; i < 9 && p < end; ++i) {
    const unsigned char c = *p++;
    if (i == 8) return static_cast<std::int64_t>((v << 8) | c);
    v = (v << 7) | (c & 0x7f);
    if (!(c & 0x80)) break;
  }
  return static_cast<std::int64_t>(v);
}

/// A partition index's row and token counts: FTS5's "averages" record (items_fts_data, id 1: the
/// row count, then the token count of each column), what xRowCount and xColumnTotalSize read.
std::pair<std::int64_t, std::int64_t> IndexTotals(const Store& store, const std::string& schema) {
  Statement st(store.db(), "SELECT block FROM " + schema + ".items_fts_data WHERE id = 1");
  if (!st.Step()) return {0, 0};
  const std::string_view block = st.TextView(0);
  const auto* p = reinterpret_cast<const unsigned char*>(block.data());
  const auto* end = p + block.size();
  const std::int64_t rows = ReadVarint(p, end);
  const std::int64_t tokens = ReadVarint(p, end);
  return {rows, tokens};
}

/// The words of a query as FTS5 phrases: quoted, the last one a prefix.
std::vector<std::string> SearchPhrases(std::string_view query) {
  std::vector<std::string> words;
  std::string w;
  auto flush = [&] {
    if (!w.empty() && !IsElision(w)) words.push_back(w);
    w.clear();
  };
  for (std::size_t i = 0; i < query.size(); ++i) {
    const auto c = static_cast<unsigned char>(query[i]);
    // U+2019 (’) and U+02BC (ʼ) are apostrophes too: they end a word like ASCII punctuation.
    if (c == 0xE2 && i + 2 < query.size() && static_cast<unsigned char>(query[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(query[i + 2]) == 0x99 || static_cast<unsigned char>(query[i + 2]) == 0x98)) {
      flush();
      i += 2;
    } else if (c == 0xCA && i + 1 < query.size() && static_cast<unsigned char>(query[i + 1]) == 0xBC) {
      flush();
      ++i;
    } else if (IsWordByte(c)) {
      w += static_cast<char>(c);
    } else {
      flush();
    }
  }
  flush();
  std::vector<std::string> phrases;
  for (std::size_t i = 0; i < words.size(); ++i)
    phrases.push_back("\"" + words[i] + (i + 1 == words.size() ? "\"*" : "\""));  // words hold no '"'
  return phrases;
}

}  // namespace

bool HasSearchIndex(const Store& store) {
  Statement st(store.db(),
               "SELECT count(*) FROM " + Store::PartitionSchema(0) + ".sqlite_master WHERE name = 'items_fts'");
  return st.Step() && st.Int(0) > 0;
}

std::int64_t UpdatePartitionSearchIndex(sqlite3* db) { return UpdatePartitionIndex(db); }

void DropCatalogSearchIndex(Store& store) { DropCatalogIndex(store); }

std::int64_t UpdateSearchIndex(Store& store) {
  DropCatalogIndex(store);
  std::vector<std::int64_t> changed(static_cast<std::size_t>(store.partitions()), 0);
  tbb::parallel_for(0, store.partitions(), [&](int p) {
    sqlite3* db = store.OpenPartition(p);
    try {
      changed[static_cast<std::size_t>(p)] = UpdatePartitionIndex(db);
    } catch (...) {
      sqlite3_close_v2(db);
      throw;
    }
    sqlite3_close_v2(db);
  });
  std::int64_t total = 0;
  for (const std::int64_t n : changed) total += n;
  return total;
}

namespace {
/// Every phrase must match: the MATCH expression of already split phrases.
std::string AllOf(const std::vector<std::string>& phrases) {
  std::string expr;
  for (const std::string& phrase : phrases) expr += (expr.empty() ? "" : " AND ") + phrase;
  return expr;
}
}  // namespace

std::string SearchExpression(std::string_view query) { return AllOf(SearchPhrases(query)); }

std::vector<std::int64_t> SearchItems(const Store& store, std::string_view query, int limit, std::int64_t* total) {
  if (total) *total = 0;
  const std::vector<std::string> phrases = SearchPhrases(query);
  if (phrases.empty() || !HasSearchIndex(store)) return {};
  const std::string expr = AllOf(phrases);
  // The store's statistics, summed over the partitions' indexes.
  std::int64_t rows = 0, tokens = 0;
  std::vector<std::int64_t> hits(phrases.size(), 0);
  for (int p = 0; p < store.partitions(); ++p) {
    const std::string schema = Store::PartitionSchema(p);
    const auto [r, t] = IndexTotals(store, schema);
    rows += r;
    tokens += t;
    Statement count(store.db(), "SELECT count(*) FROM " + schema + ".items_fts WHERE items_fts MATCH ?");
    for (std::size_t i = 0; i < phrases.size(); ++i) {
      count.Bind(1, phrases[i]);
      if (count.Step()) hits[i] += count.Int(0);
      count.Reset();
    }
  }
  if (rows == 0) return {};
  EnsureRankFunction(store.db());
  std::string args = "?";
  for (std::size_t i = 0; i < phrases.size(); ++i) args += ", ?";
  std::vector<std::pair<double, std::int64_t>> best;  // (score, id) of every partition's best
  for (int p = 0; p < store.partitions(); ++p) {
    const std::string schema = Store::PartitionSchema(p);
    if (total) {
      Statement count(store.db(), "SELECT count(*) FROM " + schema + ".items_fts WHERE items_fts MATCH ?");
      count.Bind(1, expr);
      if (count.Step()) *total += count.Int(0);
    }
    Statement st(store.db(), "SELECT rowid, " + std::string(kRankFunction) + "(items_fts, " + args +
                                 ") AS score FROM " + schema +
                                 ".items_fts WHERE items_fts MATCH ? ORDER BY score, rowid LIMIT ?");
    int k = 1;
    st.Bind(k++, static_cast<double>(tokens) / static_cast<double>(rows));
    for (const std::int64_t n : hits) {
      double idf = std::log((rows - n + 0.5) / (n + 0.5));
      if (idf <= 0.0) idf = 1e-6;
      st.Bind(k++, idf);
    }
    st.Bind(k, expr);
    st.Bind(k + 1, static_cast<std::int64_t>(limit));
    while (st.Step()) best.emplace_back(st.Double(1), st.Int(0));
  }
  std::sort(best.begin(), best.end());
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < best.size() && static_cast<int>(i) < limit; ++i) ids.push_back(best[i].second);
  return ids;
}

}  // namespace relais::corpora
