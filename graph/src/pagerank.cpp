// Parallel pull PageRank: per-node sums over in-edges in row order, dangling mass and the L1 change
// through deterministic reductions, so results do not depend on the thread count.
#include "relais/graph/pagerank.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <string>

#include "detail/reduce.hpp"
#include "relais/base/error.hpp"

namespace relais::graph {

namespace detail {
// Normalised personalisation vector (uniform when empty); validates options.
std::vector<double> TeleportVector(NodeId n, const PageRankOptions& o) {
  if (!(o.damping >= 0 && o.damping < 1))
    throw Error(ErrorKind::kInvalidArgument, "damping " + std::to_string(o.damping) + " is not in [0, 1)");
  if (!(o.tolerance >= 0)) throw Error(ErrorKind::kInvalidArgument, "tolerance must be >= 0");
  if (o.max_iterations < 1) throw Error(ErrorKind::kInvalidArgument, "max_iterations must be >= 1");
  if (o.personalization.empty()) return std::vector<double>(n, n ? 1.0 / n : 0.0);
  if (o.personalization.size() != n)
    throw Error(ErrorKind::kInvalidArgument, "personalization has " + std::to_string(o.personalization.size()) +
                                                 " values for " + std::to_string(n) + " nodes");
  double total = 0;
  for (double p : o.personalization) {
    if (!(p >= 0) || !std::isfinite(p))
      throw Error(ErrorKind::kInvalidArgument, "personalization values must be finite and >= 0");
    total += p;
  }
  if (total <= 0) throw Error(ErrorKind::kInvalidArgument, "personalization values are all 0");
  std::vector<double> t(o.personalization.begin(), o.personalization.end());
  for (double& x : t) x /= total;
  return t;
}
}  // namespace detail

PageRankResult ComputePageRank(const CsrGraph& g, const PageRankOptions& options) {
  const NodeId n = g.num_nodes();
  PageRankResult res;
  std::vector<double> teleport = detail::TeleportVector(n, options);
  if (n == 0) {
    res.converged = true;
    return res;
  }
  g.EnsureInEdges();
  const bool weighted = options.weighted && g.weighted();
  const double d = options.damping;
  const std::vector<double> strength = weighted ? OutStrengths(g) : std::vector<double>();
  std::vector<double> inv_out(n);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 4096), [&](const auto& r) {
    for (NodeId u = r.begin(); u != r.end(); ++u) {
      double s = weighted ? strength[u] : static_cast<double>(g.out_degree(u));
      inv_out[u] = s > 0 ? 1.0 / s : 0.0;
    }
  });
  std::vector<double> x(n, 1.0 / n), next(n), contrib(n);
  for (int it = 1; it <= options.max_iterations; ++it) {
    tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 4096), [&](const auto& r) {
      for (NodeId u = r.begin(); u != r.end(); ++u) contrib[u] = x[u] * inv_out[u];
    });
    const double dangling = detail::DeterministicSum(n, [&](std::size_t u) { return inv_out[u] == 0 ? x[u] : 0.0; });
    const double base = d * dangling / n;
    const double change = detail::DeterministicSum(n, [&](std::size_t vi) {
      const auto v = static_cast<NodeId>(vi);
      double acc = 0;
      auto in = g.in_neighbors(v);
      if (weighted) {
        auto w = g.in_weights(v);
        for (std::size_t k = 0; k < in.size(); ++k) acc += contrib[in[k]] * w[k];
      } else {
        for (NodeId u : in) acc += contrib[u];
      }
      double nv = base + (1 - d) * teleport[v] + d * acc;
      next[v] = nv;
      return std::fabs(nv - x[v]);
    });
    x.swap(next);
    res.iterations = it;
    res.residual = change;
    if (change < options.tolerance) {
      res.converged = true;
      break;
    }
  }
  res.scores = std::move(x);
  return res;
}

}  // namespace relais::graph
