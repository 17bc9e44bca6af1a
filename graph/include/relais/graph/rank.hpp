// One entry point for `relais rank`: a metric name → one score per node, and a top-K ordering
// (score descending, ties by label).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relais/graph/csr_graph.hpp"

namespace relais::graph {

enum class Metric { kPageRank, kHits, kKcore, kBetweenness, kDegree };

/// "pagerank", "hits", "kcore", "betweenness", "degree"; throws kInvalidArgument otherwise.
Metric ParseMetric(std::string_view name);
std::string_view MetricName(Metric m);

struct RankOptions {
  Metric metric = Metric::kPageRank;
  double damping = 0.85;
  bool weighted = false;
  /// Betweenness: 0 = exact; else sampled with this ε (and `delta`, `seed`).
  double epsilon = 0;
  double delta = 0.1;
  std::uint64_t seed = 1;
};

/// Scores: PageRank (sums to 1), HITS authorities (sum to 1), core numbers, betweenness (normalised as
/// networkx), degree (in-degree of a directed graph — the arcs pointing at a node —, or strength when
/// weighted). Runs in the caller's TBB arena.
std::vector<double> ComputeScores(const CsrGraph& g, const RankOptions& options);

/// Node order by score descending then `label_less`, cut to k (0 = all).
template <typename LabelLess>
std::vector<NodeId> TopK(const std::vector<double>& scores, std::size_t k, LabelLess label_less) {
  std::vector<NodeId> ids(scores.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<NodeId>(i);
  auto less = [&](NodeId a, NodeId b) {
    if (scores[a] != scores[b]) return scores[a] > scores[b];
    return label_less(a, b);
  };
  if (k == 0 || k >= ids.size()) {
    std::sort(ids.begin(), ids.end(), less);
    return ids;
  }
  std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(k), ids.end(), less);
  ids.resize(k);
  return ids;
}

/// The top `top` nodes (0 = all) of an edge list file by `options.metric`, with their labels: the
/// `relais rank --edges` pipeline (read, hubs-first relabelling, CSR, scores, top k with ties broken by
/// label). `weighted_input` tells whether the file had a weight column.
struct EdgeListRanking {
  std::vector<std::pair<std::string, double>> results;
  bool weighted_input = false;
};
EdgeListRanking RankEdgeListFile(const std::string& path, const RankOptions& options, bool directed, std::size_t top);

}  // namespace relais::graph
