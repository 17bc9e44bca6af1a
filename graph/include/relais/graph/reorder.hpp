// Degree ordering: renumber nodes so that the most connected come first. Pull kernels (PageRank,
// HITS) gather one value per in-arc from a node array; in heavy-tailed graphs most arcs point at
// few hubs, and giving the hubs neighbouring ids keeps those gathers in cache (RMAT 2^20: PageRank
// 1.1 → 1.5 G arcs/s, experiments/results/graph.md). Applied to edge arrays before the CSR is
// built, so it costs no second copy of the graph.
//
//   std::vector<NodeId> old_of_new = RelabelByDegree(n, el.src, el.dst);
//   CsrGraph g = CsrGraph::FromEdges(n, el.src, el.dst, el.weights, directed);
//   // node v of g is node old_of_new[v] of the input
#pragma once

#include <span>
#include <vector>

#include "relais/graph/types.hpp"

namespace relais::graph {

/// Renumbers the endpoints in place so that new ids follow decreasing degree (in + out arcs of the
/// edge arrays), ties by increasing old id: deterministic whatever the thread count. Returns the
/// old id of each new id. Throws kInvalidArgument when an endpoint is >= num_nodes or the arrays
/// differ in length.
std::vector<NodeId> RelabelByDegree(NodeId num_nodes, std::span<NodeId> src, std::span<NodeId> dst);

}  // namespace relais::graph
