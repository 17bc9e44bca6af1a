// Private to corpora: partition-level pieces of the store used by ingest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;

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

/// Recomputes the flows (all but reuse) ending in the items of the partition whose tables are
/// `prefix` ("main." or "p2.") on `db`, and its index of unresolved ref targets; `all_prefixes`
/// names every partition's tables on `db` (including `prefix`), `actors` must resolve to the
/// catalog's and `all_items` to a view over every partition. The caller runs the transaction.
void ComputePartitionFlows(sqlite3* db, const std::string& prefix, const std::vector<std::string>& all_prefixes);

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
std::uint64_t UpdatePartitionFlows(sqlite3* db, const std::string& prefix, const std::vector<std::string>& all_prefixes,
                                   const FlowMarks& done);

}  // namespace relais::corpora::detail
