// The items' full-text index (FTS5), maintained incrementally at ingest. See search_index.hpp.
#include "relais/corpora/search_index.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace relais::corpora {
namespace {

constexpr const char* kWatermark = "search_index_max_item";
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

}  // namespace

bool HasSearchIndex(const Store& store) {
  Statement st(store.db(), "SELECT count(*) FROM sqlite_master WHERE name = 'items_fts'");
  return st.Step() && st.Int(0) > 0;
}

std::int64_t UpdateSearchIndex(Store& store) {
  store.Begin();
  try {
    const bool had_index = HasSearchIndex(store);
    bool had_side = false;
    {
      Statement side(store.db(), "SELECT count(*) FROM sqlite_master WHERE name = 'items_fts_expansion'");
      had_side = side.Step() && side.Int(0) > 0;
    }
    store.Exec(
        "CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(body, content='', "
        "tokenize = 'unicode61 remove_diacritics 2')");
    if (had_index && !had_side) {
      // An index written before expansions were tracked: items upgraded since then may be indexed
      // with their old text, which a contentless table cannot delete. Rebuilt once from scratch.
      store.Exec("INSERT INTO items_fts(items_fts) VALUES('delete-all')");
      store.SetMeta(kWatermark, "0");
    }
    // Items indexed while they were expansions (a post known only from a retweet or quote of it),
    // with the body as indexed: a later ingest of the post itself replaces their text, and the
    // contentless index can only forget the old words when given them.
    store.Exec("CREATE TABLE IF NOT EXISTS items_fts_expansion(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    std::int64_t changed = 0;
    {
      Statement stale(store.db(), "SELECT e.id, e.body, " + std::string(kBody) +
                                      ", i.expansion FROM items_fts_expansion e "
                                      "JOIN items i ON i.id = e.id WHERE i.expansion = 0 OR e.body <> " +
                                      kBody + " ORDER BY e.id");
      Statement del(store.db(), "INSERT INTO items_fts(items_fts, rowid, body) VALUES('delete', ?, ?)");
      Statement ins(store.db(), "INSERT INTO items_fts(rowid, body) VALUES(?, ?)");
      Statement keep(store.db(), "UPDATE items_fts_expansion SET body = ? WHERE id = ?");
      Statement drop(store.db(), "DELETE FROM items_fts_expansion WHERE id = ?");
      std::vector<std::tuple<std::int64_t, std::string, std::string, bool>> rows;
      while (stale.Step()) rows.emplace_back(stale.Int(0), stale.Text(1), stale.Text(2), stale.Int(3) != 0);
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
    }
    const std::string mark = store.GetMeta(kWatermark);
    const std::int64_t after = mark.empty() ? 0 : std::stoll(mark);
    Statement ins(store.db(),
                  "INSERT INTO items_fts(rowid, body) SELECT id, " + std::string(kBody) + " FROM items WHERE id > ?");
    ins.Bind(1, after);
    ins.Run();
    const std::int64_t added = sqlite3_changes(store.db());
    Statement track(store.db(), "INSERT OR REPLACE INTO items_fts_expansion(id, body) SELECT id, " +
                                    std::string(kBody) + " FROM items WHERE id > ? AND expansion <> 0");
    track.Bind(1, after);
    track.Run();
    Statement top(store.db(), "SELECT coalesce(max(id), 0) FROM items");
    top.Step();
    store.SetMeta(kWatermark, std::to_string(std::max(after, top.Int(0))));
    store.Commit();
    return added + changed;
  } catch (...) {
    store.Rollback();
    throw;
  }
}

std::string SearchExpression(std::string_view query) {
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
  std::string expr;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) expr += " AND ";
    expr += "\"" + words[i] + "\"";  // words hold no '"': quoting makes every word a plain token
    if (i + 1 == words.size()) expr += "*";
  }
  return expr;
}

std::vector<std::int64_t> SearchItems(const Store& store, std::string_view query, int limit, std::int64_t* total) {
  std::vector<std::int64_t> ids;
  const std::string expr = SearchExpression(query);
  if (total) *total = 0;
  if (expr.empty()) return ids;
  if (total) {
    Statement count(store.db(), "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?");
    count.Bind(1, expr);
    if (count.Step()) *total = count.Int(0);
  }
  Statement st(store.db(), "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rank, rowid LIMIT ?");
  st.Bind(1, expr).Bind(2, static_cast<std::int64_t>(limit));
  while (st.Step()) ids.push_back(st.Int(0));
  return ids;
}

}  // namespace relais::corpora
