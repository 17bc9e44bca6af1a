// Full-text search over items (SQLite FTS5), written at ingest so that a read-only server can search.
//
//   UpdateSearchIndex(store);                      // after an ingest: indexes only the new items
//   auto hits = SearchItems(store, "énergie l'État", 50);   // ids, best match first
//
// French-aware: the tokenizer folds case and diacritics (unicode61, remove_diacritics 2) and splits
// on apostrophes, so "l’État" is indexed as "l" + "etat"; queries are split the same way, elided
// articles and pronouns (l', d', qu', j', n', s', c', m', t') are dropped and every word must match
// (the last one as a prefix). The table is contentless (item texts stay in items).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "relais/corpora/store.hpp"

namespace relais::corpora {

/// Indexes the title and text of every item whose id is above the last indexed one (creates the
/// index on first use), and re-indexes the items whose text changed since they were indexed: an
/// expansion (a post known only from a retweet or quote of it) upgraded by a later ingest of the post
/// itself. Expansions' indexed bodies are kept in items_fts_expansion until upgraded, since a
/// contentless index forgets words only when given them; an index written before that table existed
/// is rebuilt once. Returns how many items were added or re-indexed. Runs in its own transaction.
std::int64_t UpdateSearchIndex(Store& store);

/// UpdateSearchIndex's work on one partition, open as `db`'s main, in its own transaction: a
/// distributed ingest runs it on the partition's owner. The catalog-wide index of an old store must be
/// dropped first (DropCatalogSearchIndex; UpdateSearchIndex does both).
std::int64_t UpdatePartitionSearchIndex(sqlite3* db);
/// Drops the catalog-wide index of a store written before the index moved into the partitions.
void DropCatalogSearchIndex(Store& store);

/// True when the store holds a search index.
bool HasSearchIndex(const Store& store);

/// The FTS5 MATCH expression for a user's query ("" when it holds no word).
std::string SearchExpression(std::string_view query);

/// Item ids matching the query, best first (bm25), at most `limit`; the total count in *total.
std::vector<std::int64_t> SearchItems(const Store& store, std::string_view query, int limit,
                                      std::int64_t* total = nullptr);

}  // namespace relais::corpora
