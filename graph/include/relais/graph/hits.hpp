// HITS hubs and authorities (Kleinberg 1999) by power iteration: a = Aᵀh, h = Aa, each normalised to
// sum 1 after every step (networkx's convention), from uniform h. Deterministic with any thread count.
#pragma once

#include <vector>

#include "relais/graph/csr_graph.hpp"

namespace relais::graph {

struct HitsOptions {
  double tolerance = 1e-10;  // L1 change of the hub vector
  int max_iterations = 1000;
  bool weighted = false;
};

struct HitsResult {
  std::vector<double> hubs, authorities;
  int iterations = 0;
  bool converged = false;
};

HitsResult ComputeHits(const CsrGraph& g, const HitsOptions& options = {});
/// Serial reference (push over out-edges).
HitsResult ComputeHitsReference(const CsrGraph& g, const HitsOptions& options = {});

}  // namespace relais::graph
