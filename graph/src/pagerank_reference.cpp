// Serial push PageRank and the fixpoint verifier, written independently of the pull kernel.
#include <cmath>

#include "relais/graph/pagerank.hpp"

namespace relais::graph {
namespace detail {
std::vector<double> TeleportVector(NodeId n, const PageRankOptions& o);
}  // namespace detail

namespace {
// One step y = P(x), pushing along out-arcs.
std::vector<double> Step(const CsrGraph& g, std::span<const double> x, const std::vector<double>& teleport,
                         const PageRankOptions& o) {
  const NodeId n = g.num_nodes();
  const bool weighted = o.weighted && g.weighted();
  std::vector<double> y(n, 0.0);
  double dangling = 0;
  for (NodeId u = 0; u < n; ++u) {
    double s = 0;
    if (weighted) {
      for (Weight w : g.out_weights(u)) s += w;
    } else {
      s = static_cast<double>(g.out_degree(u));
    }
    if (s == 0) {
      dangling += x[u];
      continue;
    }
    auto nb = g.out_neighbors(u);
    for (std::size_t k = 0; k < nb.size(); ++k) y[nb[k]] += x[u] * (weighted ? g.out_weights(u)[k] : 1.0) / s;
  }
  for (NodeId v = 0; v < n; ++v) y[v] = o.damping * (y[v] + dangling / n) + (1 - o.damping) * teleport[v];
  return y;
}
}  // namespace

PageRankResult ComputePageRankReference(const CsrGraph& g, const PageRankOptions& options) {
  const NodeId n = g.num_nodes();
  std::vector<double> teleport = detail::TeleportVector(n, options);
  PageRankResult res;
  std::vector<double> x(n, n ? 1.0 / n : 0.0);
  for (int it = 1; n && it <= options.max_iterations; ++it) {
    std::vector<double> y = Step(g, x, teleport, options);
    double change = 0;
    for (NodeId v = 0; v < n; ++v) change += std::fabs(y[v] - x[v]);
    x.swap(y);
    res.iterations = it;
    res.residual = change;
    if (change < options.tolerance) {
      res.converged = true;
      break;
    }
  }
  if (n == 0) res.converged = true;
  res.scores = std::move(x);
  return res;
}

double PageRankResidual(const CsrGraph& g, std::span<const double> scores, const PageRankOptions& options) {
  std::vector<double> teleport = detail::TeleportVector(g.num_nodes(), options);
  std::vector<double> y = Step(g, scores, teleport, options);
  double r = 0;
  for (NodeId v = 0; v < g.num_nodes(); ++v) r += std::fabs(y[v] - scores[v]);
  return r;
}

}  // namespace relais::graph
