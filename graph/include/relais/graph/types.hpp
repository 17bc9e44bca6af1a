// Graph id and weight types shared by every relais::graph header (named once, as in GAP's benchmark.h).
#pragma once

#include <cstdint>
#include <limits>

namespace relais::graph {

/// Dense node id: 0 .. num_nodes()-1. 32 bits so a node array of 2^32 entries is the limit.
using NodeId = std::uint32_t;
/// Position in an adjacency array: 64 bits so graphs may have more than 2^32 arcs.
using EdgeOffset = std::uint64_t;
/// Edge weight: float keeps a weighted CSR within 16 bytes per edge with both directions built.
using Weight = float;

inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();

}  // namespace relais::graph
