// k-core by the parallel h-index fixpoint (Lü et al. 2016), on the simple undirected graph.
#include "relais/graph/kcore.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>

namespace relais::graph {
namespace {

// Merges u's out- and in-rows (both sorted) without loops or repeats; calls emit(v) in order.
template <typename Emit>
void ForSimpleNeighbors(const CsrGraph& g, NodeId u, Emit&& emit) {
  auto a = g.out_neighbors(u);
  std::span<const NodeId> b;
  if (g.directed()) b = g.in_neighbors(u);
  std::size_t i = 0, j = 0;
  NodeId last = kNoNode;
  while (i < a.size() || j < b.size()) {
    NodeId v;
    if (j == b.size() || (i < a.size() && a[i] <= b[j])) {
      v = a[i++];
    } else {
      v = b[j++];
    }
    if (v == u || v == last) continue;
    last = v;
    emit(v);
  }
}

// h-index of min(value of neighbours, cap): the largest h <= cap with at least h values >= h.
std::uint32_t HIndex(const CsrGraph& s, NodeId v, std::uint32_t cap, std::uint32_t* core,
                     std::vector<std::uint32_t>& count) {
  count.assign(static_cast<std::size_t>(cap) + 1, 0);
  for (NodeId u : s.out_neighbors(v)) {
    std::uint32_t c = std::atomic_ref<std::uint32_t>(core[u]).load(std::memory_order_relaxed);
    ++count[std::min(c, cap)];
  }
  std::uint32_t at_least = 0;
  for (std::uint32_t h = cap; h > 0; --h) {
    at_least += count[h];
    if (at_least >= h) return h;
  }
  return 0;
}

}  // namespace

CsrGraph SimpleUndirected(const CsrGraph& g) {
  const NodeId n = g.num_nodes();
  g.EnsureInEdges();
  std::vector<EdgeOffset> offsets(static_cast<std::size_t>(n) + 1, 0);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 2048), [&](const auto& r) {
    for (NodeId u = r.begin(); u != r.end(); ++u) {
      EdgeOffset c = 0;
      ForSimpleNeighbors(g, u, [&](NodeId) { ++c; });
      offsets[u + 1] = c;
    }
  });
  for (NodeId u = 0; u < n; ++u) offsets[u + 1] += offsets[u];
  std::vector<NodeId> targets(offsets[n]);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 2048), [&](const auto& r) {
    for (NodeId u = r.begin(); u != r.end(); ++u) {
      EdgeOffset at = offsets[u];
      ForSimpleNeighbors(g, u, [&](NodeId v) { targets[at++] = v; });
    }
  });
  return CsrGraph::FromCsr(std::move(offsets), std::move(targets), {}, /*directed=*/false);
}

std::vector<std::uint32_t> ComputeCoreNumbers(const CsrGraph& g) {
  const CsrGraph s = SimpleUndirected(g);
  const NodeId n = s.num_nodes();
  std::vector<std::uint32_t> core(n);
  for (NodeId v = 0; v < n; ++v) core[v] = static_cast<std::uint32_t>(s.out_degree(v));
  tbb::enumerable_thread_specific<std::vector<std::uint32_t>> scratch;
  // active[v] = 1 when a neighbour changed since v was last evaluated.
  std::vector<std::uint8_t> active(n, 1);
  std::atomic<bool> changed{true};
  while (changed.load()) {
    changed = false;
    tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 1024), [&](const auto& r) {
      auto& count = scratch.local();
      bool any = false;
      for (NodeId v = r.begin(); v != r.end(); ++v) {
        if (!std::atomic_ref<std::uint8_t>(active[v]).exchange(0, std::memory_order_relaxed)) continue;
        std::uint32_t cur = std::atomic_ref<std::uint32_t>(core[v]).load(std::memory_order_relaxed);
        if (cur == 0) continue;
        std::uint32_t h = HIndex(s, v, cur, core.data(), count);
        if (h >= cur) continue;
        // Values only decrease and stay >= the true core; any interleaving reaches the same limit.
        std::atomic_ref<std::uint32_t>(core[v]).store(h, std::memory_order_relaxed);
        any = true;
        for (NodeId u : s.out_neighbors(v))
          std::atomic_ref<std::uint8_t>(active[u]).store(1, std::memory_order_relaxed);
      }
      if (any) changed.store(true, std::memory_order_relaxed);
    });
  }
  return core;
}

std::vector<std::uint32_t> ComputeCoreNumbersReference(const CsrGraph& g) {
  const CsrGraph s = SimpleUndirected(g);
  const NodeId n = s.num_nodes();
  std::vector<std::uint32_t> deg(n), pos(n), vert(n);
  std::uint32_t max_deg = 0;
  for (NodeId v = 0; v < n; ++v) {
    deg[v] = static_cast<std::uint32_t>(s.out_degree(v));
    max_deg = std::max(max_deg, deg[v]);
  }
  std::vector<std::uint32_t> bin(static_cast<std::size_t>(max_deg) + 1, 0);
  for (NodeId v = 0; v < n; ++v) ++bin[deg[v]];
  std::uint32_t start = 0;
  for (std::uint32_t d = 0; d <= max_deg; ++d) {
    std::uint32_t num = bin[d];
    bin[d] = start;
    start += num;
  }
  for (NodeId v = 0; v < n; ++v) {
    pos[v] = bin[deg[v]];
    vert[pos[v]] = v;
    ++bin[deg[v]];
  }
  for (std::uint32_t d = max_deg; d > 0; --d) bin[d] = bin[d - 1];
  if (!bin.empty()) bin[0] = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    NodeId v = vert[i];
    for (NodeId u : s.out_neighbors(v)) {
      if (deg[u] <= deg[v]) continue;
      std::uint32_t du = deg[u], pu = pos[u], pw = bin[du];
      NodeId w = vert[pw];
      if (u != w) {
        pos[u] = pw;
        vert[pu] = w;
        pos[w] = pu;
        vert[pw] = u;
      }
      ++bin[du];
      --deg[u];
    }
  }
  return deg;
}

NodeId VerifyCoreNumbers(const CsrGraph& simple, const std::vector<std::uint32_t>& core) {
  for (NodeId v = 0; v < simple.num_nodes(); ++v) {
    std::uint32_t ge = 0, ge1 = 0;
    for (NodeId u : simple.out_neighbors(v)) {
      ge += core[u] >= core[v];
      ge1 += core[u] >= core[v] + 1;
    }
    if (ge < core[v] || ge1 >= core[v] + 1) return v;
  }
  return kNoNode;
}

}  // namespace relais::graph
