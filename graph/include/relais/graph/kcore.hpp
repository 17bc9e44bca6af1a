// Core numbers of the simple undirected graph underlying g: direction ignored, parallel arcs merged,
// loops dropped. The core number of v is the largest k such that v is in a subgraph whose nodes all
// have degree >= k.
//
// Parallel kernel: the h-index fixpoint iteration (Lü, Zhou, Zhang & Stanley, Nat. Commun. 2016;
// Montresor, De Pellegrini & Miorandi 2013): start from degrees and replace each value by the h-index
// of its neighbours' values until nothing changes. Updates are asynchronous (relaxed atomics), but the
// limit from the degree start is unique, so the result does not depend on the thread count.
// Reference: Batagelj & Zaversnik's O(m) bucket peeling (2003).
#pragma once

#include <cstdint>
#include <vector>

#include "relais/graph/csr_graph.hpp"

namespace relais::graph {

/// The simple undirected graph of g (sorted rows, no loops, no duplicates), built in parallel.
CsrGraph SimpleUndirected(const CsrGraph& g);

std::vector<std::uint32_t> ComputeCoreNumbers(const CsrGraph& g);
std::vector<std::uint32_t> ComputeCoreNumbersReference(const CsrGraph& g);

/// Verifier on the simple graph s: every node v has at least core[v] neighbours with core >= core[v]
/// (so each value is a lower bound: {u : core[u] >= k} has minimum degree k) and fewer than core[v]+1
/// neighbours with core >= core[v]+1 (core[v] is the h-index of its neighbours' values). Such fixpoints
/// are not unique (all zeros is one), so tests also compare with the reference. Returns the first
/// violating node or kNoNode.
NodeId VerifyCoreNumbers(const CsrGraph& simple, const std::vector<std::uint32_t>& core);

}  // namespace relais::graph
