// Running a read query partition by partition (issue 11: analyses that read the whole store).
//
// On a store of several partitions, db()'s TEMP views (items, flows, …) are UNION ALL views, which
// SQLite cannot join by index: a query joining items and flows through them was ~300x slower than on
// one partition. Every flow lives in the partition of its dst_item, so such joins are local: run the
// same SQL on each partition's own connection (unqualified items, refs, urls, hashtags, mentions and
// flows name that partition's tables; actors and meta the catalog's, attached as `cat`), in
// parallel, and combine the per-partition results in partition order (deterministic whatever the
// thread count). A join that needs an item of another partition (a flow's src_item) is not local:
// look it up afterwards (LookupItems).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "relais/corpora/store.hpp"

namespace relais::corpora {

/// Calls fn(db, p) for every partition p, in parallel (TBB) when the store has several, each on a
/// read-only connection of its own to partition p with the catalog attached; with one partition
/// fn runs once on store.db(). Exceptions propagate (the first partition's in order).
void ForEachPartition(const Store& store, const std::function<void(sqlite3* db, int partition)>& fn);

/// ForEachPartition over the partitions listed in `which` only (e.g. an MPI rank's share).
void ForPartitions(const Store& store, const std::vector<int>& which,
                   const std::function<void(sqlite3* db, int partition)>& fn);

/// ForEachPartition collecting one result per partition, in partition order.
template <class T>
std::vector<T> MapPartitions(const Store& store, const std::function<T(sqlite3* db, int partition)>& fn) {
  std::vector<T> out(static_cast<std::size_t>(store.partitions()));
  ForEachPartition(store, [&](sqlite3* db, int p) { out[static_cast<std::size_t>(p)] = fn(db, p); });
  return out;
}

/// Streams the rows of `sql` from every partition merged in the order of its first `key_columns`
/// columns (integers; `sql` must ORDER BY them and they must tell rows apart, e.g. end with f.id), as
/// one statement on the whole store would give them; bind(st) binds each partition's statement and
/// row(st) sees each row. Serial, one row per partition in memory.
void MergePartitionRows(const Store& store, const std::string& sql, const std::function<void(Statement&)>& bind,
                        int key_columns, const std::function<void(const Statement&)>& row);

/// The server's per-query timeout: a progress handler registered for a catalog connection (a Store's
/// db()) is installed on the partition connections ForEachPartition opens for that store; nullptr
/// removes it.
void SetPartitionProgressHandler(sqlite3* catalog, int (*handler)(void*), void* arg);

/// A few columns of items looked up by id across every partition.
struct ItemBrief {
  std::string key;
  std::int64_t time = 0;
  std::optional<std::int64_t> actor_id;
};
/// The items of `ids` that exist (ids may repeat; an id not stored is absent from the map).
std::unordered_map<std::int64_t, ItemBrief> LookupItems(const Store& store, const std::vector<std::int64_t>& ids);

}  // namespace relais::corpora
