// Connected components. Ids are dense, numbered in order of each component's smallest node, so they
// do not depend on the thread count or the algorithm.
//
// Weak: parallel union–find (link larger root under smaller with CAS, Shiloach–Vishkin style hooking),
// whose roots end up being each component's smallest node. Strong: Tarjan's algorithm through
// Boost.Graph's strong_components on the CSR itself (bgl.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "relais/graph/csr_graph.hpp"

namespace relais::graph {

struct Components {
  std::vector<std::uint32_t> component;  // per node
  std::uint32_t count = 0;
};

Components WeakComponents(const CsrGraph& g);
Components StrongComponents(const CsrGraph& g);
/// Serial BFS reference for weak components (same numbering).
Components WeakComponentsReference(const CsrGraph& g);

}  // namespace relais::graph
