// Weak components by parallel union–find; strong components by BGL's Tarjan on the CSR.
#include "relais/graph/components.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <boost/graph/strong_components.hpp>

#include "relais/base/error.hpp"
#include "relais/graph/bgl.hpp"

namespace relais::graph {
namespace {

// Dense ids by order of smallest member: rep[v] is any per-component representative.
Components Densify(const std::vector<NodeId>& rep) {
  Components c;
  const NodeId n = static_cast<NodeId>(rep.size());
  c.component.assign(n, 0);
  std::vector<std::uint32_t> id_of(n, UINT32_MAX);
  for (NodeId v = 0; v < n; ++v) {
    std::uint32_t& id = id_of[rep[v]];
    if (id == UINT32_MAX) id = c.count++;
    c.component[v] = id;
  }
  return c;
}

NodeId Find(std::vector<NodeId>& parent, NodeId v) {
  while (true) {
    NodeId p = std::atomic_ref<NodeId>(parent[v]).load(std::memory_order_relaxed);
    if (p == v) return v;
    NodeId gp = std::atomic_ref<NodeId>(parent[p]).load(std::memory_order_relaxed);
    // Path halving; a stale write only shortens a path to an ancestor, which stays valid.
    if (gp != p) std::atomic_ref<NodeId>(parent[v]).compare_exchange_weak(p, gp, std::memory_order_relaxed);
    v = gp;
  }
}

}  // namespace

Components WeakComponents(const CsrGraph& g) {
  const NodeId n = g.num_nodes();
  std::vector<NodeId> parent(n);
  for (NodeId v = 0; v < n; ++v) parent[v] = v;
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 1024), [&](const auto& r) {
    for (NodeId u = r.begin(); u != r.end(); ++u) {
      for (NodeId w : g.out_neighbors(u)) {
        while (true) {
          NodeId a = Find(parent, u), b = Find(parent, w);
          if (a == b) break;
          if (a < b) std::swap(a, b);  // hook the larger root under the smaller
          NodeId expected = a;
          if (std::atomic_ref<NodeId>(parent[a]).compare_exchange_strong(expected, b, std::memory_order_acq_rel)) break;
        }
      }
    }
  });
  std::vector<NodeId> rep(n);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 4096), [&](const auto& r) {
    for (NodeId v = r.begin(); v != r.end(); ++v) rep[v] = Find(parent, v);
  });
  return Densify(rep);
}

Components WeakComponentsReference(const CsrGraph& g) {
  const NodeId n = g.num_nodes();
  g.EnsureInEdges();
  std::vector<NodeId> rep(n, kNoNode), queue;
  for (NodeId s = 0; s < n; ++s) {
    if (rep[s] != kNoNode) continue;
    rep[s] = s;
    queue.assign(1, s);
    for (std::size_t head = 0; head < queue.size(); ++head) {
      NodeId v = queue[head];
      for (auto nbrs : {g.out_neighbors(v), g.in_neighbors(v)})
        for (NodeId w : nbrs)
          if (rep[w] == kNoNode) {
            rep[w] = s;
            queue.push_back(w);
          }
    }
  }
  return Densify(rep);
}

Components StrongComponents(const CsrGraph& g) {
  const NodeId n = g.num_nodes();
  std::vector<std::uint32_t> comp(n);
  try {
    boost::strong_components(g, boost::make_iterator_property_map(comp.data(), get(boost::vertex_index, g)));
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kGraph, std::string("boost strong_components failed: ") + e.what());
  }
  // Renumber by smallest member.
  std::vector<NodeId> first(n, kNoNode), rep(n);
  for (NodeId v = 0; v < n; ++v) {
    if (first[comp[v]] == kNoNode) first[comp[v]] = v;
    rep[v] = first[comp[v]];
  }
  return Densify(rep);
}

}  // namespace relais::graph
