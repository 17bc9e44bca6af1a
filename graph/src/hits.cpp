// HITS: authorities pulled over in-edges, hubs over out-edges; normalisations by fixed-order sums.
#include "relais/graph/hits.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cmath>

#include "detail/reduce.hpp"

namespace relais::graph {
namespace {

void Normalise(std::vector<double>& v) {
  double s = detail::DeterministicSum(v.size(), [&](std::size_t i) { return v[i]; });
  if (s <= 0) return;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, v.size(), 4096), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) v[i] /= s;
  });
}

}  // namespace

HitsResult ComputeHits(const CsrGraph& g, const HitsOptions& options) {
  const NodeId n = g.num_nodes();
  HitsResult res;
  if (n == 0) {
    res.converged = true;
    return res;
  }
  g.EnsureInEdges();
  const bool weighted = options.weighted && g.weighted();
  std::vector<double> h(n, 1.0 / n), a(n), h2(n);
  for (int it = 1; it <= options.max_iterations; ++it) {
    tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 2048), [&](const auto& r) {
      for (NodeId v = r.begin(); v != r.end(); ++v) {
        double acc = 0;
        auto in = g.in_neighbors(v);
        auto w = g.in_weights(v);
        for (std::size_t k = 0; k < in.size(); ++k) acc += h[in[k]] * (weighted ? w[k] : 1.0);
        a[v] = acc;
      }
    });
    Normalise(a);
    tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 2048), [&](const auto& r) {
      for (NodeId u = r.begin(); u != r.end(); ++u) {
        double acc = 0;
        auto out = g.out_neighbors(u);
        auto w = g.out_weights(u);
        for (std::size_t k = 0; k < out.size(); ++k) acc += a[out[k]] * (weighted ? w[k] : 1.0);
        h2[u] = acc;
      }
    });
    Normalise(h2);
    double change = detail::DeterministicSum(n, [&](std::size_t i) { return std::fabs(h2[i] - h[i]); });
    h.swap(h2);
    res.iterations = it;
    if (change < options.tolerance) {
      res.converged = true;
      break;
    }
  }
  res.hubs = std::move(h);
  res.authorities = std::move(a);
  return res;
}

HitsResult ComputeHitsReference(const CsrGraph& g, const HitsOptions& options) {
  const NodeId n = g.num_nodes();
  HitsResult res;
  if (n == 0) {
    res.converged = true;
    return res;
  }
  const bool weighted = options.weighted && g.weighted();
  std::vector<double> h(n, 1.0 / n), a(n), h2(n);
  auto normalise = [](std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    if (s > 0)
      for (double& x : v) x /= s;
  };
  for (int it = 1; it <= options.max_iterations; ++it) {
    std::fill(a.begin(), a.end(), 0.0);
    for (NodeId u = 0; u < n; ++u) {
      auto out = g.out_neighbors(u);
      for (std::size_t k = 0; k < out.size(); ++k) a[out[k]] += h[u] * (weighted ? g.out_weights(u)[k] : 1.0);
    }
    normalise(a);
    for (NodeId u = 0; u < n; ++u) {
      double acc = 0;
      auto out = g.out_neighbors(u);
      for (std::size_t k = 0; k < out.size(); ++k) acc += a[out[k]] * (weighted ? g.out_weights(u)[k] : 1.0);
      h2[u] = acc;
    }
    normalise(h2);
    double change = 0;
    for (NodeId u = 0; u < n; ++u) change += std::fabs(h2[u] - h[u]);
    h.swap(h2);
    res.iterations = it;
    if (change < options.tolerance) {
      res.converged = true;
      break;
    }
  }
  res.hubs = std::move(h);
  res.authorities = std::move(a);
  return res;
}

}  // namespace relais::graph
