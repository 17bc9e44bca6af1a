// HITS: authorities pulled over in-edges, hubs over out-edges; normalisations by fixed-order sums.
// The parallel kernel and the serial reference share only the iteration driver; their steps are
// written independently so that the reference can check the kernel.
#include "relais/graph/hits.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "detail/reduce.hpp"

namespace relais::graph {
namespace {

// From uniform hubs, runs step(h, a, h2) — which sets the authorities a and the next hubs h2 and
// returns the L1 change of the hubs — until the change is below the tolerance.
template <typename Step>
HitsResult Iterate(NodeId n, const HitsOptions& options, Step&& step) {
  HitsResult res;
  if (n == 0) {
    res.converged = true;
    return res;
  }
  std::vector<double> h(n, 1.0 / n), a(n), h2(n);
  for (int it = 1; it <= options.max_iterations; ++it) {
    const double change = step(h, a, h2);
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

// dst[v] = Σ src[row(v)[k]] · weights(v)[k] (weights ignored unless `weighted`), in row order.
template <typename Row, typename Weights>
void PullSums(NodeId n, Row&& row, Weights&& weights, bool weighted, const std::vector<double>& src,
              std::vector<double>& dst) {
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 2048), [&](const auto& r) {
    for (NodeId v = r.begin(); v != r.end(); ++v) {
      double acc = 0;
      auto nb = row(v);
      if (weighted) {
        auto w = weights(v);
        for (std::size_t k = 0; k < nb.size(); ++k) acc += src[nb[k]] * w[k];
      } else {
        for (NodeId u : nb) acc += src[u];
      }
      dst[v] = acc;
    }
  });
}

void Normalise(std::vector<double>& v) {
  double s = detail::DeterministicSum(v.size(), [&](std::size_t i) { return v[i]; });
  if (s <= 0) return;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, v.size(), 4096), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) v[i] /= s;
  });
}

void NormaliseSerial(std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  if (s > 0)
    for (double& x : v) x /= s;
}

}  // namespace

HitsResult ComputeHits(const CsrGraph& g, const HitsOptions& options) {
  const NodeId n = g.num_nodes();
  if (n > 0) g.EnsureInEdges();
  const bool weighted = options.weighted && g.weighted();
  auto in = [&](NodeId v) { return g.in_neighbors(v); };
  auto in_w = [&](NodeId v) { return g.in_weights(v); };
  auto out = [&](NodeId u) { return g.out_neighbors(u); };
  auto out_w = [&](NodeId u) { return g.out_weights(u); };
  return Iterate(n, options, [&](const std::vector<double>& h, std::vector<double>& a, std::vector<double>& h2) {
    PullSums(n, in, in_w, weighted, h, a);
    Normalise(a);
    PullSums(n, out, out_w, weighted, a, h2);
    Normalise(h2);
    return detail::DeterministicSum(n, [&](std::size_t i) { return std::fabs(h2[i] - h[i]); });
  });
}

HitsResult ComputeHitsReference(const CsrGraph& g, const HitsOptions& options) {
  const NodeId n = g.num_nodes();
  const bool weighted = options.weighted && g.weighted();
  auto weight = [&](NodeId u, std::size_t k) { return weighted ? double{g.out_weights(u)[k]} : 1.0; };
  return Iterate(n, options, [&](const std::vector<double>& h, std::vector<double>& a, std::vector<double>& h2) {
    std::fill(a.begin(), a.end(), 0.0);
    for (NodeId u = 0; u < n; ++u) {
      auto out = g.out_neighbors(u);
      for (std::size_t k = 0; k < out.size(); ++k) a[out[k]] += h[u] * weight(u, k);
    }
    NormaliseSerial(a);
    for (NodeId u = 0; u < n; ++u) {
      double acc = 0;
      auto out = g.out_neighbors(u);
      for (std::size_t k = 0; k < out.size(); ++k) acc += a[out[k]] * weight(u, k);
      h2[u] = acc;
    }
    NormaliseSerial(h2);
    double change = 0;
    for (NodeId u = 0; u < n; ++u) change += std::fabs(h2[u] - h[u]);
    return change;
  });
}

}  // namespace relais::graph
