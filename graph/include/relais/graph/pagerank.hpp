// PageRank (Brin & Page 1998) by pull-based power iteration over in-edges (GAP's pr.cc layout).
//
// x' = d·(Σ_{u→v} x_u·w_uv / s_u) + d·(dangling mass)/n + (1-d)·p_v, where s_u is u's out-strength
// (arc count when unweighted), the mass of nodes with s_u = 0 is spread uniformly over all nodes
// (also when personalised) and p is the personalisation vector (uniform by default). Iterates until
// the L1 change is below `tolerance` or `max_iterations`; convergence is declared only on a step
// with double-precision contributions (see `mixed_precision`). Sums use fixed-order reductions, so the
// scores are bit-identical with any number of threads. Scores sum to 1.
#pragma once

#include <span>
#include <vector>

#include "relais/graph/csr_graph.hpp"

namespace relais::graph {

struct PageRankOptions {
  double damping = 0.85;
  double tolerance = 1e-10;  // on the L1 norm of the change between iterations
  int max_iterations = 1000;
  bool weighted = false;                    // use arc weights (ignored on an unweighted graph)
  std::span<const double> personalization;  // empty = uniform; else n non-negative values, not all 0
  // Gather float contributions while the L1 change is above 1e-6, then double ones (the result
  // is converged in double either way); false = double throughout. See pagerank.cpp.
  bool mixed_precision = true;
};

struct PageRankResult {
  std::vector<double> scores;
  int iterations = 0;
  double residual = 0;  // L1 change of the last iteration
  bool converged = false;
};

/// Parallel pull kernel (builds g's in-edges if needed). Throws kInvalidArgument on bad options.
PageRankResult ComputePageRank(const CsrGraph& g, const PageRankOptions& options = {});

/// Serial push-based reference over out-edges, for tests.
PageRankResult ComputePageRankReference(const CsrGraph& g, const PageRankOptions& options = {});

/// Verifier: L1 norm of (one exact PageRank step applied to scores) − scores. Near 0 at the fixpoint.
double PageRankResidual(const CsrGraph& g, std::span<const double> scores, const PageRankOptions& options = {});

}  // namespace relais::graph
