// Brandes betweenness, parallel over sources with a deterministic reduction, and Riondato–Kornaropoulos
// sampling with per-sample random streams.
#include "relais/graph/betweenness.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>

#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"

namespace relais::graph {
namespace {

struct Scratch {
  std::vector<std::int32_t> dist;  // -1 = unvisited
  std::vector<double> sigma, delta;
  std::vector<NodeId> order;
  explicit Scratch(NodeId n) : dist(n, -1), sigma(n, 0.0), delta(n, 0.0) { order.reserve(n); }
};

// Adds s's dependencies to bc; leaves scratch clean.
void AccumulateSource(const CsrGraph& g, NodeId s, Scratch& sc, std::vector<double>& bc) {
  auto& dist = sc.dist;
  auto& sigma = sc.sigma;
  auto& delta = sc.delta;
  auto& order = sc.order;
  order.clear();
  dist[s] = 0;
  sigma[s] = 1;
  order.push_back(s);
  for (std::size_t head = 0; head < order.size(); ++head) {
    const NodeId v = order[head];
    const std::int32_t dv = dist[v] + 1;
    const double sv = sigma[v];
    for (NodeId w : g.out_neighbors(v)) {
      if (dist[w] < 0) {
        dist[w] = dv;
        order.push_back(w);
      }
      if (dist[w] == dv) sigma[w] += sv;
    }
  }
  for (std::size_t k = order.size(); k-- > 0;) {
    const NodeId v = order[k];
    const std::int32_t dv = dist[v] + 1;
    double acc = 0;
    for (NodeId w : g.out_neighbors(v)) {
      if (dist[w] == dv) acc += (1.0 + delta[w]) / sigma[w];
    }
    delta[v] = acc * sigma[v];
    if (v != s) bc[v] += delta[v];
  }
  for (NodeId v : order) {
    dist[v] = -1;
    sigma[v] = 0;
    delta[v] = 0;
  }
}

void Rescale(std::vector<double>& bc, NodeId n, bool directed, bool normalized) {
  double scale = 1;
  if (normalized) {
    scale = n > 2 ? 1.0 / (static_cast<double>(n - 1) * static_cast<double>(n - 2)) : 1.0;
  } else if (!directed) {
    scale = 0.5;
  }
  if (scale != 1)
    for (double& x : bc) x *= scale;
}

}  // namespace

std::vector<double> ComputeBetweenness(const CsrGraph& g, const BetweennessOptions& options) {
  const NodeId n = g.num_nodes();
  if (n == 0) return {};
  tbb::enumerable_thread_specific<Scratch> scratch([n] { return Scratch(n); });
  // Grain depends on n only, so the reduction tree is the same for any thread count.
  const bool subset = !options.sources.empty();
  for (NodeId s : options.sources)
    if (s >= n) throw Error(ErrorKind::kInvalidArgument, "betweenness source " + std::to_string(s) + " out of range");
  const NodeId num_sources = subset ? static_cast<NodeId>(options.sources.size()) : n;
  const std::size_t grain = std::max<std::size_t>(1, num_sources / 256);
  std::vector<double> bc = tbb::parallel_deterministic_reduce(
      tbb::blocked_range<NodeId>(0, num_sources, grain), std::vector<double>(),
      [&](const tbb::blocked_range<NodeId>& r, std::vector<double> acc) {
        if (acc.empty()) acc.assign(n, 0.0);
        Scratch& sc = scratch.local();
        for (NodeId i = r.begin(); i != r.end(); ++i) AccumulateSource(g, subset ? options.sources[i] : i, sc, acc);
        return acc;
      },
      [](std::vector<double> a, const std::vector<double>& b) {
        if (a.empty()) return b;
        if (!b.empty())
          for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
        return a;
      },
      tbb::simple_partitioner());
  bc.resize(n, 0.0);
  Rescale(bc, n, g.directed(), options.normalized);
  return bc;
}

std::vector<double> ComputeBetweennessReference(const CsrGraph& g, const BetweennessOptions& options) {
  const NodeId n = g.num_nodes();
  std::vector<double> bc(n, 0.0);
  for (NodeId s = 0; s < n; ++s) {
    std::vector<std::vector<NodeId>> pred(n);
    std::vector<double> sigma(n, 0.0), delta(n, 0.0);
    std::vector<long long> dist(n, -1);
    std::vector<NodeId> stack, queue{s};
    sigma[s] = 1;
    dist[s] = 0;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      NodeId v = queue[head];
      stack.push_back(v);
      for (NodeId w : g.out_neighbors(v)) {
        if (dist[w] < 0) {
          queue.push_back(w);
          dist[w] = dist[v] + 1;
        }
        if (dist[w] == dist[v] + 1) {
          sigma[w] += sigma[v];
          pred[w].push_back(v);
        }
      }
    }
    while (!stack.empty()) {
      NodeId w = stack.back();
      stack.pop_back();
      for (NodeId v : pred[w]) delta[v] += sigma[v] / sigma[w] * (1 + delta[w]);
      if (w != s) bc[w] += delta[w];
    }
  }
  Rescale(bc, n, g.directed(), options.normalized);
  return bc;
}

namespace {

// Upper bound on the vertex diameter (nodes on a longest shortest path).
std::uint64_t VertexDiameterBound(const CsrGraph& g) {
  const NodeId n = g.num_nodes();
  if (g.directed()) return n;
  std::vector<std::int32_t> dist(n, -1);
  std::vector<NodeId> queue;
  std::uint64_t bound = 1;
  for (NodeId s = 0; s < n; ++s) {
    if (dist[s] >= 0) continue;
    queue.assign(1, s);
    dist[s] = 0;
    std::int32_t ecc = 0;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      NodeId v = queue[head];
      ecc = std::max(ecc, dist[v]);
      for (NodeId w : g.out_neighbors(v)) {
        if (dist[w] >= 0) continue;
        dist[w] = dist[v] + 1;
        queue.push_back(w);
      }
    }
    bound = std::max<std::uint64_t>(bound, std::min<std::uint64_t>(n, 2 * static_cast<std::uint64_t>(ecc) + 1));
  }
  return bound;
}

struct SampleScratch {
  std::vector<std::int32_t> dist;
  std::vector<double> sigma;
  std::vector<NodeId> order;
  explicit SampleScratch(NodeId n) : dist(n, -1), sigma(n, 0.0) {}
};

struct Rng {
  std::uint64_t state;
  std::uint64_t Next() { return state = SplitMix64(state); }
  // Uniform in [0, bound) by rejection.
  std::uint64_t Below(std::uint64_t bound) {
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
    std::uint64_t x;
    do x = Next();
    while (x >= limit);
    return x % bound;
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
};

// Draws one sample; increments counts of the interior nodes of one uniform shortest u→v path.
void DrawSample(const CsrGraph& g, std::uint64_t seed, std::uint64_t index, SampleScratch& sc,
                std::vector<std::uint32_t>& counts) {
  const NodeId n = g.num_nodes();
  Rng rng{SplitMix64(seed ^ SplitMix64(index + 0x5bd1e995))};
  const auto u = static_cast<NodeId>(rng.Below(n));
  auto v = static_cast<NodeId>(rng.Below(n - 1));
  if (v >= u) ++v;
  auto& dist = sc.dist;
  auto& sigma = sc.sigma;
  auto& order = sc.order;
  order.assign(1, u);
  dist[u] = 0;
  sigma[u] = 1;
  for (std::size_t head = 0; head < order.size(); ++head) {
    const NodeId x = order[head];
    if (dist[v] >= 0 && dist[x] >= dist[v]) break;  // v's level is complete
    for (NodeId w : g.out_neighbors(x)) {
      if (dist[w] < 0) {
        dist[w] = dist[x] + 1;
        order.push_back(w);
      }
      if (dist[w] == dist[x] + 1) sigma[w] += sigma[x];
    }
  }
  if (dist[v] > 1) {
    NodeId w = v;
    while (true) {
      // Predecessor p with probability sigma[p] / sigma[w], scanning in-neighbours in row order.
      double target = rng.Unit() * sigma[w], run = 0;
      NodeId chosen = kNoNode;
      for (NodeId p : g.in_neighbors(w)) {
        if (dist[p] != dist[w] - 1) continue;
        chosen = p;
        run += sigma[p];
        if (run > target) break;
      }
      if (chosen == u) break;
      std::atomic_ref<std::uint32_t>(counts[chosen]).fetch_add(1, std::memory_order_relaxed);  // order-free sum
      w = chosen;
    }
  }
  for (NodeId x : order) {
    dist[x] = -1;
    sigma[x] = 0;
  }
}

}  // namespace

SampledBetweennessResult ComputeBetweennessSampled(const CsrGraph& g, const SampledBetweennessOptions& options) {
  if (!(options.epsilon > 0 && options.epsilon < 1))
    throw Error(ErrorKind::kInvalidArgument, "epsilon " + std::to_string(options.epsilon) + " is not in (0, 1)");
  if (!(options.delta > 0 && options.delta < 1))
    throw Error(ErrorKind::kInvalidArgument, "delta " + std::to_string(options.delta) + " is not in (0, 1)");
  const NodeId n = g.num_nodes();
  SampledBetweennessResult res;
  res.epsilon = options.epsilon;
  res.delta = options.delta;
  res.scores.assign(n, 0.0);
  if (n < 3) return res;
  g.EnsureInEdges();
  res.vertex_diameter_bound = VertexDiameterBound(g);
  const double vd = static_cast<double>(std::max<std::uint64_t>(res.vertex_diameter_bound, 3));
  const double c = 0.5;
  res.samples = static_cast<std::uint64_t>(std::ceil(
      c / (options.epsilon * options.epsilon) * (std::floor(std::log2(vd - 2)) + 1 + std::log(1 / options.delta))));
  std::vector<std::uint32_t> counts(n, 0);
  tbb::enumerable_thread_specific<SampleScratch> scratch([n] { return SampleScratch(n); });
  tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, res.samples, 64), [&](const auto& r) {
    SampleScratch& sc = scratch.local();
    for (std::uint64_t i = r.begin(); i != r.end(); ++i) DrawSample(g, options.seed, i, sc, counts);
  });
  const double per = 1.0 / static_cast<double>(res.samples);
  const double rescale = options.normalized
                             ? static_cast<double>(n) / static_cast<double>(n - 2)
                             : static_cast<double>(n) * static_cast<double>(n - 1) * (g.directed() ? 1.0 : 0.5);
  for (NodeId w = 0; w < n; ++w) res.scores[w] = counts[w] * per * rescale;
  return res;
}

}  // namespace relais::graph
