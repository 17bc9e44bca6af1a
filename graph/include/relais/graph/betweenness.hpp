// Betweenness centrality on unweighted shortest paths (hop counts; parallel arcs count as distinct paths).
//
// Exact: Brandes (J. Math. Sociol. 2001), parallel over sources. Dependencies are accumulated over
// successors (dist[w] = dist[v] + 1), so no predecessor lists are stored. Per-source contributions are
// summed by a deterministic reduction over a fixed split of the sources: same bits with any thread count.
// Normalised as networkx does: raw / ((n-1)(n-2)) where raw sums over ordered pairs (s, t) — for an
// undirected graph that is networkx's 2/((n-1)(n-2)) over unordered pairs. Unnormalised undirected
// scores are halved (unordered pairs), as in networkx.
//
// Sampled: Riondato & Kornaropoulos (WSDM 2014, DMKD 2016). r = ⌈(c/ε²)(⌊log2(VD−2)⌋ + 1 + ln(1/δ))⌉
// node pairs (u, v) drawn uniformly, one shortest u→v path drawn uniformly per pair, each of its
// interior nodes credited 1/r, with c = 0.5. Guarantee: with probability >= 1 − δ, for every node w,
// |b̃(w) − b(w)| <= ε where b(w) = raw(w) / (n(n−1)). VD is an upper bound on the vertex diameter:
// 2·ecc+1 per connected component from one BFS each when undirected, n when directed. The returned
// scores are rescaled like the exact ones (×n/(n−2) when normalised), so their error bound is ε·n/(n−2).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "relais/graph/csr_graph.hpp"

namespace relais::graph {

struct BetweennessOptions {
  bool normalized = true;
  /// Only these sources' dependencies are summed (empty = all nodes). For benchmarks and for
  /// Brandes–Pich style estimates (scale the result by n / sources.size()).
  std::span<const NodeId> sources;
};

std::vector<double> ComputeBetweenness(const CsrGraph& g, const BetweennessOptions& options = {});

/// Serial textbook Brandes with predecessor lists and a FIFO queue, for tests.
std::vector<double> ComputeBetweennessReference(const CsrGraph& g, const BetweennessOptions& options = {});

struct SampledBetweennessOptions {
  double epsilon = 0.01;
  double delta = 0.1;
  std::uint64_t seed = 1;
  bool normalized = true;
};

struct SampledBetweennessResult {
  std::vector<double> scores;
  std::uint64_t samples = 0;
  std::uint64_t vertex_diameter_bound = 0;
  double epsilon = 0, delta = 0;  // the guarantee, on b(w) = raw(w)/(n(n−1))
};

/// Deterministic for a given seed whatever the thread count (per-sample generators, integer counts).
SampledBetweennessResult ComputeBetweennessSampled(const CsrGraph& g, const SampledBetweennessOptions& options = {});

}  // namespace relais::graph
