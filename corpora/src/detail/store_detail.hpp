// Private to corpora: partition-level pieces of the store used by ingest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace relais::corpora {
struct PartitionPassPlan;
}

namespace relais::corpora::detail {

/// Runs SQL without results on `db`; a failure throws an internal Error naming the statement.
void ExecOn(sqlite3* db, const std::string& sql);

/// Turns the deferred transaction just begun on `db` into a write transaction on its main database (a
/// partition) before anything is read. A transaction that has read a WAL database and then writes it
/// gets SQLITE_BUSY at once, without waiting out the busy timeout, if another connection holds the
/// database's write lock at that moment; a write lock taken first waits like any other lock.
void BeginWritingMainPartition(sqlite3* db);

/// Closes a connection (sqlite3_close_v2: statements still open are finalised with it).
struct CloseConnection {
  void operator()(sqlite3* db) const noexcept;
};
/// A connection owned by its handle: closed when the handle goes.
using Connection = std::unique_ptr<sqlite3, CloseConnection>;

/// Opens a partition file read-write as Store::OpenPartition does, from its path alone (a rank of a
/// distributed ingest that has no Store open).
Connection OpenPartitionFile(const std::filesystem::path& path);

/// Creates (create = true) or drops the secondary indexes of the partition open as `db`'s main.
void PartitionIndexes(sqlite3* db, bool create);

/// A partition connection made ready for a first load: its secondary indexes dropped, no journal, no sync
/// (the loading marker guards the store until the load ends).
void PrepareFirstLoad(sqlite3* db);

/// Where a partition's flow pass looks the flows' sources up: prefixes[k] ("main.", "p2.", "ext.") names a
/// schema whose `items` hold partition parts[k]'s items, or copies of items of any partition (parts[k] = -1:
/// what a distributed pass received from the other ranks), in a store of `partitions` partitions.
/// fresh_sql / moved_sql, when set, replace the incremental pass's own queries over the prefixes for the
/// items new since the last pass and the former (actor, time) of upgraded items (a distributed pass has
/// them from every rank).
struct FlowSources {
  std::vector<std::string> prefixes;
  std::vector<int> parts;
  int partitions = 1;
  std::string fresh_sql;
  std::string moved_sql;
  /// Every partition attached: prefixes[p] holds partition p.
  static FlowSources AllAttached(std::vector<std::string> prefixes);
};

/// The columns of items the flow pass reads from other partitions: what `all_items` exposes (selecting
/// every column made each source lookup extract the item's text too).
inline constexpr const char* kFlowSourceColumns = "id, key, actor_id, time, url, channel";

/// Recomputes the flows (all but reuse) ending in the items of the partition whose tables are
/// `prefix` ("main." or "p2.") on `db`, and its index of unresolved ref targets; `from` names where
/// the sources are (including `prefix`), `actors` must resolve to the catalog's and `all_items` to a
/// view over every table of `from`. The caller runs the transaction.
void ComputePartitionFlows(sqlite3* db, const std::string& prefix, const FlowSources& from);

/// What the last completed flow pass covered (catalog meta flows_items_done, flows_actors_done):
/// items and actors with a larger id are new to the flows.
struct FlowMarks {
  std::int64_t items = 0;
  std::int64_t actors = 0;
};

/// The largest item id over `all_prefixes` and the largest actor id: the marks after a pass.
FlowMarks CurrentMarks(sqlite3* db, const std::vector<std::string>& all_prefixes);

/// Incremental ComputePartitionFlows: recomputes only the flows of the partition's items that the
/// items and actors new since `done` (and the upgraded expansions in flow_pending) can change.
/// Same requirements as ComputePartitionFlows. Returns the number of items whose flows were redone.
std::uint64_t UpdatePartitionFlows(sqlite3* db, const std::string& prefix, const FlowSources& from,
                                   const FlowMarks& done);

/// A partition's flow pass (the plan says full or incremental) in the deferred transaction the caller
/// began on `db` (a partition connection, `actors` and `all_items` resolving as ComputePartitionFlows
/// needs): takes the partition's write lock first, commits (rolls back and rethrows on failure), then
/// honours RELAIS_FAULT_AFTER_FLOW_COMMITS. Returns the items whose flows were redone. An incremental pass
/// whose dirty items the caller already marked (MarkDirtyItems, in this transaction) passes their number as
/// `dirty_marked`, and they are not marked again.
std::uint64_t WritePartitionFlows(sqlite3* db, const PartitionPassPlan& plan, const FlowSources& from,
                                  std::optional<std::uint64_t> dirty_marked = std::nullopt);

/// The pieces of UpdatePartitionFlows: MarkDirtyItems fills temp.flow_dirty (and the temp tables it
/// derives it from) and returns its size; RedoDirtyFlows replaces those items' flows and drops the
/// temp tables.
std::uint64_t MarkDirtyItems(sqlite3* db, const std::string& prefix, const FlowSources& from, const FlowMarks& done);
void RedoDirtyFlows(sqlite3* db, const std::string& prefix, const FlowSources& from);

}  // namespace relais::corpora::detail
