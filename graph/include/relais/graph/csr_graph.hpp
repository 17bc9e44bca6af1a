// CsrGraph: a compressed sparse row snapshot with optional float weights and in-edges built on demand.
//
// Layout: offsets_[u] .. offsets_[u+1] index targets_ (and weights_ when weighted) for u's out-arcs,
// each row sorted by (target, weight) so a build is deterministic whatever the thread count. An
// undirected graph stores every non-loop edge as two arcs (u→v and v→u) and a loop once, so its
// in-edges are its out-edges. Memory: 8 bytes per node and 4 per arc for each direction, plus 4 per
// arc per direction for weights: ≤ 16 B/node + 8 B/arc unweighted, 16 B/arc weighted (both directions).
//
//   auto g = CsrGraph::FromEdges(n, src, dst, {}, /*directed=*/true);
//   for (NodeId v : g.out_neighbors(u)) ...
//   g.EnsureInEdges();  // then g.in_neighbors(v), g.in_weights(v)
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "relais/graph/types.hpp"

namespace relais::graph {

class CsrGraph {
 public:
  CsrGraph() = default;
  CsrGraph(CsrGraph&&) noexcept = default;
  CsrGraph& operator=(CsrGraph&&) noexcept = default;
  CsrGraph(const CsrGraph&) = delete;
  CsrGraph& operator=(const CsrGraph&) = delete;

  /// Builds in parallel (TBB, in the caller's arena) from edge arrays of equal length. `weights`
  /// empty means unweighted. Parallel edges and loops are kept. Throws kInvalidArgument when an
  /// endpoint is >= num_nodes, the arrays differ in length or a weight is negative or not finite.
  static CsrGraph FromEdges(NodeId num_nodes, std::span<const NodeId> src, std::span<const NodeId> dst,
                            std::span<const Weight> weights, bool directed);

  /// Adopts ready CSR arrays (rows must be sorted by target; checked). For the snapshot cache.
  static CsrGraph FromCsr(std::vector<EdgeOffset> offsets, std::vector<NodeId> targets, std::vector<Weight> weights,
                          bool directed);

  NodeId num_nodes() const { return offsets_.empty() ? 0 : static_cast<NodeId>(offsets_.size() - 1); }
  /// Stored out-arcs (an undirected edge counts twice, a loop once).
  EdgeOffset num_arcs() const { return targets_.size(); }
  bool directed() const { return directed_; }
  bool weighted() const { return !weights_.empty(); }

  EdgeOffset out_begin(NodeId u) const { return offsets_[u]; }
  EdgeOffset out_degree(NodeId u) const { return offsets_[u + 1] - offsets_[u]; }
  std::span<const NodeId> out_neighbors(NodeId u) const {
    return {targets_.data() + offsets_[u], static_cast<std::size_t>(offsets_[u + 1] - offsets_[u])};
  }
  /// Empty span when unweighted.
  std::span<const Weight> out_weights(NodeId u) const {
    if (weights_.empty()) return {};
    return {weights_.data() + offsets_[u], static_cast<std::size_t>(offsets_[u + 1] - offsets_[u])};
  }
  NodeId arc_target(EdgeOffset e) const { return targets_[e]; }
  Weight arc_weight(EdgeOffset e) const { return weights_.empty() ? Weight{1} : weights_[e]; }

  /// Builds the transposed rows once (thread-safe); a no-op for undirected graphs.
  void EnsureInEdges() const;
  bool has_in_edges() const { return !directed_ || !in_offsets_.empty(); }
  /// Requires has_in_edges().
  EdgeOffset in_degree(NodeId v) const {
    if (!directed_) return out_degree(v);
    return in_offsets_[v + 1] - in_offsets_[v];
  }
  /// Index of v's first in-arc in the transposed rows (in_begin(num_nodes()) = num_arcs()).
  EdgeOffset in_begin(NodeId v) const { return directed_ ? in_offsets_[v] : offsets_[v]; }
  std::span<const NodeId> in_neighbors(NodeId v) const {
    if (!directed_) return out_neighbors(v);
    return {in_sources_.data() + in_offsets_[v], static_cast<std::size_t>(in_offsets_[v + 1] - in_offsets_[v])};
  }
  std::span<const Weight> in_weights(NodeId v) const {
    if (!directed_) return out_weights(v);
    if (in_weights_.empty()) return {};
    return {in_weights_.data() + in_offsets_[v], static_cast<std::size_t>(in_offsets_[v + 1] - in_offsets_[v])};
  }

  const std::vector<EdgeOffset>& offsets() const { return offsets_; }
  const std::vector<NodeId>& targets() const { return targets_; }
  const std::vector<Weight>& weights() const { return weights_; }

  /// Bytes held by the arrays (capacity), in-edges included when built.
  std::size_t MemoryBytes() const;

 private:
  bool directed_ = true;
  std::vector<EdgeOffset> offsets_;
  std::vector<NodeId> targets_;
  std::vector<Weight> weights_;
  // Transpose, built on demand under in_once_.
  mutable std::unique_ptr<std::once_flag> in_once_ = std::make_unique<std::once_flag>();
  mutable std::vector<EdgeOffset> in_offsets_;
  mutable std::vector<NodeId> in_sources_;
  mutable std::vector<Weight> in_weights_;
};

/// Out-strength of every node: the sum of out-arc weights (arc counts when unweighted).
std::vector<double> OutStrengths(const CsrGraph& g);

}  // namespace relais::graph
