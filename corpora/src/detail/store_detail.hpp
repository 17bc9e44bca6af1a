// Private to corpora: partition-level pieces of the store used by ingest.
#pragma once

#include <string>
#include <vector>

struct sqlite3;

namespace relais::corpora::detail {

/// Creates (create = true) or drops the secondary indexes of the partition open as `db`'s main.
void PartitionIndexes(sqlite3* db, bool create);

/// Recomputes the flows (all but reuse) ending in the items of the partition whose tables are
/// `prefix` ("main." or "p2.") on `db`; `all_prefixes` names every partition's tables on `db`
/// (including `prefix`) and `actors` must resolve to the catalog's. The caller runs the transaction.
void ComputePartitionFlows(sqlite3* db, const std::string& prefix, const std::vector<std::string>& all_prefixes);

}  // namespace relais::corpora::detail
