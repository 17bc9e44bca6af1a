// Rankings of the store's flow graph (the `relais rank --store` path, shared with the query server).
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "relais/corpora/store.hpp"
#include "relais/graph/rank.hpp"
#include "relais/toolkit/graph_view.hpp"

namespace relais::toolkit {

struct StoreRankOptions {
  graph::RankOptions rank;   // metric, damping, weighted, sampling
  GraphQuery query;          // layers, window, aggregation (actor by default)
  bool directed = true;      // false = ignore directions
  std::size_t top = 20;      // 0 = all
  bool pseudonymise = true;  // non-public actors shown by their keyed pseudonym
};

struct StoreRanking {
  std::string metric;
  std::vector<std::pair<std::string, double>> results;  // best first; ties by label
  std::size_t skipped_flows = 0;                        // flows without a source at this aggregation
  std::vector<std::uint32_t> nodes;                     // the view's node of each result (same order)
};

/// Ranks the nodes of the credit graph (derived → source: the source of a flow is credited).
/// Call inside a tbb::task_arena to bound the threads.
StoreRanking RankStore(const corpora::Store& store, const StoreRankOptions& options);

/// The same on a view already built for options.query (the server keeps its views in memory and
/// never writes the store's cache/ folder).
StoreRanking RankView(const corpora::Store& store, const GraphView& view, const StoreRankOptions& options);

/// `{metric, results:[{node, score}]}` (DESIGN.md's `rank --json`).
nlohmann::json ToJson(const StoreRanking& ranking);

}  // namespace relais::toolkit
