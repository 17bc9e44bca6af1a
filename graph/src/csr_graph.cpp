// CsrGraph construction: parallel counting by source, atomic scatter, then per-row sort (GAP's
// builder), so the result is the same whatever the thread count.
#include "relais/graph/csr_graph.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>

#include "relais/base/error.hpp"

namespace relais::graph {
namespace {

constexpr std::size_t kGrain = 1 << 14;

struct Rows {
  std::vector<EdgeOffset> offsets;
  std::vector<NodeId> cols;
  std::vector<Weight> weights;
};

// Arc i goes from Src(i) to Dst(i) with weight W(i); `both` also emits Dst→Src for non-loops.
template <typename SrcFn, typename DstFn, typename WFn>
Rows BuildRows(NodeId n, std::size_t num_in, bool both, bool weighted, SrcFn src, DstFn dst, WFn w) {
  Rows r;
  std::vector<EdgeOffset> count(static_cast<std::size_t>(n) + 1, 0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, num_in, kGrain), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      NodeId u = src(i), v = dst(i);
      std::atomic_ref<EdgeOffset>(count[u]).fetch_add(1, std::memory_order_relaxed);  // counts only
      if (both && u != v) std::atomic_ref<EdgeOffset>(count[v]).fetch_add(1, std::memory_order_relaxed);
    }
  });
  r.offsets.assign(static_cast<std::size_t>(n) + 1, 0);
  EdgeOffset total = 0;
  for (NodeId u = 0; u < n; ++u) {
    r.offsets[u] = total;
    total += count[u];
  }
  r.offsets[n] = total;
  std::vector<EdgeOffset>().swap(count);
  r.cols.resize(total);
  if (weighted) r.weights.resize(total);
  std::vector<EdgeOffset> pos(r.offsets.begin(), r.offsets.end() - 1);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, num_in, kGrain), [&](const auto& range) {
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      NodeId u = src(i), v = dst(i);
      EdgeOffset at = std::atomic_ref<EdgeOffset>(pos[u]).fetch_add(1, std::memory_order_relaxed);
      r.cols[at] = v;
      if (weighted) r.weights[at] = w(i);
      if (both && u != v) {
        at = std::atomic_ref<EdgeOffset>(pos[v]).fetch_add(1, std::memory_order_relaxed);
        r.cols[at] = u;
        if (weighted) r.weights[at] = w(i);
      }
    }
  });
  std::vector<EdgeOffset>().swap(pos);
  // The scatter order depends on scheduling: sorting each row restores determinism.
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 1024), [&](const auto& range) {
    std::vector<std::pair<NodeId, Weight>> tmp;
    for (NodeId u = range.begin(); u != range.end(); ++u) {
      EdgeOffset b = r.offsets[u], e = r.offsets[u + 1];
      if (e - b < 2) continue;
      if (!weighted) {
        std::sort(r.cols.begin() + static_cast<std::ptrdiff_t>(b), r.cols.begin() + static_cast<std::ptrdiff_t>(e));
        continue;
      }
      tmp.clear();
      for (EdgeOffset k = b; k < e; ++k) tmp.emplace_back(r.cols[k], r.weights[k]);
      std::sort(tmp.begin(), tmp.end());
      for (EdgeOffset k = b; k < e; ++k) {
        r.cols[k] = tmp[k - b].first;
        r.weights[k] = tmp[k - b].second;
      }
    }
  });
  return r;
}

}  // namespace

CsrGraph CsrGraph::FromEdges(NodeId num_nodes, std::span<const NodeId> src, std::span<const NodeId> dst,
                             std::span<const Weight> weights, bool directed) {
  if (src.size() != dst.size())
    throw Error(ErrorKind::kInvalidArgument, "edge arrays differ in length: " + std::to_string(src.size()) +
                                                 " sources, " + std::to_string(dst.size()) + " targets");
  if (!weights.empty() && weights.size() != src.size())
    throw Error(ErrorKind::kInvalidArgument, "weight array has " + std::to_string(weights.size()) + " entries for " +
                                                 std::to_string(src.size()) + " edges");
  if (num_nodes == kNoNode) throw Error(ErrorKind::kInvalidArgument, "too many nodes for 32-bit ids");
  for (std::size_t i = 0; i < src.size(); ++i) {
    if (src[i] >= num_nodes || dst[i] >= num_nodes)
      throw Error(ErrorKind::kInvalidArgument, "edge " + std::to_string(i) + " (" + std::to_string(src[i]) + " -> " +
                                                   std::to_string(dst[i]) + ") has an endpoint >= num_nodes " +
                                                   std::to_string(num_nodes));
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0)
      throw Error(ErrorKind::kInvalidArgument,
                  "edge " + std::to_string(i) + " has weight " + std::to_string(weights[i]) + ", expected >= 0");
  }
  Rows r = BuildRows(
      num_nodes, src.size(), !directed, !weights.empty(), [&](std::size_t i) { return src[i]; },
      [&](std::size_t i) { return dst[i]; }, [&](std::size_t i) { return weights[i]; });
  CsrGraph g;
  g.directed_ = directed;
  g.offsets_ = std::move(r.offsets);
  g.targets_ = std::move(r.cols);
  g.weights_ = std::move(r.weights);
  return g;
}

CsrGraph CsrGraph::FromCsr(std::vector<EdgeOffset> offsets, std::vector<NodeId> targets, std::vector<Weight> weights,
                           bool directed) {
  RELAIS_ASSERT(!offsets.empty() && offsets.front() == 0 && offsets.back() == targets.size(),
                "CSR offsets must start at 0 and end at the number of arcs");
  RELAIS_ASSERT(weights.empty() || weights.size() == targets.size(), "CSR weights must match the arcs");
  const auto n = static_cast<NodeId>(offsets.size() - 1);
  for (NodeId u = 0; u < n; ++u) {
    RELAIS_ASSERT(offsets[u] <= offsets[u + 1], "CSR offsets must not decrease");
    for (EdgeOffset k = offsets[u]; k < offsets[u + 1]; ++k) {
      RELAIS_ASSERT(targets[k] < n, "CSR target out of range");
      RELAIS_ASSERT(k == offsets[u] || targets[k - 1] <= targets[k], "CSR rows must be sorted");
    }
  }
  CsrGraph g;
  g.directed_ = directed;
  g.offsets_ = std::move(offsets);
  g.targets_ = std::move(targets);
  g.weights_ = std::move(weights);
  return g;
}

void CsrGraph::EnsureInEdges() const {
  if (!directed_) return;
  std::call_once(*in_once_, [this] {
    const NodeId n = num_nodes();
    // Source of arc k: found by a row walk rather than stored, so the transpose costs no extra array.
    std::vector<NodeId> arc_src(targets_.size());
    tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 1024), [&](const auto& range) {
      for (NodeId u = range.begin(); u != range.end(); ++u)
        std::fill(arc_src.begin() + static_cast<std::ptrdiff_t>(offsets_[u]),
                  arc_src.begin() + static_cast<std::ptrdiff_t>(offsets_[u + 1]), u);
    });
    Rows r = BuildRows(
        n, targets_.size(), false, weighted(), [&](std::size_t k) { return targets_[k]; },
        [&](std::size_t k) { return arc_src[k]; }, [&](std::size_t k) { return weights_[k]; });
    in_offsets_ = std::move(r.offsets);
    in_sources_ = std::move(r.cols);
    in_weights_ = std::move(r.weights);
  });
}

std::size_t CsrGraph::MemoryBytes() const {
  return offsets_.capacity() * sizeof(EdgeOffset) + targets_.capacity() * sizeof(NodeId) +
         weights_.capacity() * sizeof(Weight) + in_offsets_.capacity() * sizeof(EdgeOffset) +
         in_sources_.capacity() * sizeof(NodeId) + in_weights_.capacity() * sizeof(Weight);
}

std::vector<double> OutStrengths(const CsrGraph& g) {
  std::vector<double> s(g.num_nodes(), 0.0);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, g.num_nodes(), 4096), [&](const auto& range) {
    for (NodeId u = range.begin(); u != range.end(); ++u) {
      if (!g.weighted()) {
        s[u] = static_cast<double>(g.out_degree(u));
        continue;
      }
      double acc = 0;
      for (Weight w : g.out_weights(u)) acc += w;
      s[u] = acc;
    }
  });
  return s;
}

}  // namespace relais::graph
