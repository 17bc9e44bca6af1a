// Parallel pull PageRank (the GAP Benchmark Suite's pr.cc layout): each iteration gathers the
// precomputed contributions x_u / s_u of a node's in-neighbours from one contiguous array, and
// writes the node's new score together with its contribution for the next iteration. Mixed
// precision: while the L1 change is above kFloatPhaseEnd the contributions are gathered as floats
// (half the bytes per random read, as GAP does), sums and scores staying double; then the
// iteration continues with double contributions until the tolerance, so the result is the double
// iteration's fixpoint to the same tolerance (power iteration forgets its starting vector). Nodes are
// cut into blocks of about equal work (in-arcs + nodes) whose boundaries depend only on the
// graph; the L1 change and the dangling mass are summed inside each block in node order and then
// over the blocks in block order, so the scores are bit-identical with any number of threads.
#include "relais/graph/pagerank.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

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

namespace {

// Work per block, in in-arcs + nodes: ~2,000 blocks on a 33 M-arc graph, a few µs of work each.
constexpr EdgeOffset kBlockWork = 16384;

// The float phase ends once the L1 change falls below this (well above float's rounding floor).
constexpr double kFloatPhaseEnd = 1e-6;

// Block b covers nodes [bounds[b], bounds[b+1]); each block holds about kBlockWork of in-arcs + nodes.
std::vector<NodeId> WorkBalancedBlocks(const CsrGraph& g) {
  const NodeId n = g.num_nodes();
  const EdgeOffset total = g.num_arcs() + n;
  const EdgeOffset blocks = std::max<EdgeOffset>(1, total / kBlockWork);
  std::vector<NodeId> bounds{0};
  for (EdgeOffset k = 1; k < blocks; ++k) {
    const EdgeOffset goal = k * total / blocks;
    NodeId lo = bounds.back(), hi = n;  // first v with in_begin(v) + v >= goal
    while (lo < hi) {
      NodeId mid = lo + (hi - lo) / 2;
      if (g.in_begin(mid) + mid < goal) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo > bounds.back() && lo < n) bounds.push_back(lo);
  }
  bounds.push_back(n);
  return bounds;
}

// Σ c[src[k]] (· w[k] when w is given) over a row, accumulated in double in row order. C is
// float (first phase) or double. Four interleaved accumulators measured no faster side by side:
// the loop is bound by the random reads of c, not by the chain of additions.
template <typename C>
double Gather(const C* c, const NodeId* src, const Weight* w, std::size_t len) {
  double acc = 0;
  if (w == nullptr) {
    for (std::size_t k = 0; k < len; ++k) acc += c[src[k]];
  } else {
    for (std::size_t k = 0; k < len; ++k) acc += double{c[src[k]]} * w[k];
  }
  return acc;
}

struct BlockSums {
  double change = 0;    // Σ |x'_v − x_v|
  double dangling = 0;  // Σ x'_v over nodes without out-arcs
  double mass = 0;      // Σ x'_v
};

// Runs f(v) for each node of each block in parallel and sums its BlockSums in a fixed order.
template <typename F>
BlockSums ForEachBlock(const std::vector<NodeId>& bounds, F&& f) {
  std::vector<BlockSums> sums(bounds.size() - 1);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, sums.size(), 1), [&](const auto& r) {
    for (std::size_t b = r.begin(); b != r.end(); ++b) {
      BlockSums s;
      for (NodeId v = bounds[b]; v != bounds[b + 1]; ++v) f(v, s);
      sums[b] = s;
    }
  });
  BlockSums total;
  for (const BlockSums& s : sums) {
    total.change += s.change;
    total.dangling += s.dangling;
    total.mass += s.mass;
  }
  return total;
}

// Float rounding in the first phase moves the scores' total off 1 by ~1e-8, an error the exact
// iteration only shrinks by a factor d per step; rescaling to total 1 (the fixpoint's total)
// removes it. Recomputes the contributions; returns the dangling mass.
double Renormalise(const std::vector<NodeId>& bounds, double mass, const std::vector<double>& inv_out,
                   std::vector<double>& x, std::vector<double>& contrib) {
  return ForEachBlock(bounds,
                      [&](NodeId v, BlockSums& s) {
                        x[v] /= mass;
                        contrib[v] = x[v] * inv_out[v];
                        s.dangling += inv_out[v] == 0 ? x[v] : 0.0;
                      })
      .dangling;
}

}  // namespace

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
  const std::vector<NodeId> bounds = WorkBalancedBlocks(g);
  std::vector<double> inv_out(n), x(n, 1.0 / n), next(n), contrib(n), next_contrib(n);
  // Float copies of the contributions for the first phase: half the bytes per random gather.
  bool float_phase = options.mixed_precision;
  std::vector<float> contrib_f(float_phase ? n : 0), next_contrib_f(float_phase ? n : 0);
  double dangling = ForEachBlock(bounds, [&](NodeId u, BlockSums& s) {
                      double out = weighted ? strength[u] : static_cast<double>(g.out_degree(u));
                      inv_out[u] = out > 0 ? 1.0 / out : 0.0;
                      contrib[u] = x[u] * inv_out[u];
                      if (float_phase) contrib_f[u] = static_cast<float>(contrib[u]);
                      s.dangling += out > 0 ? 0.0 : x[u];
                    }).dangling;
  // One step x → next from the contributions c (float or double); writes the next contributions of
  // the same precision.
  auto step = [&](const auto* c, bool write_float) {
    const double base = d * dangling / n;
    return ForEachBlock(bounds, [&](NodeId v, BlockSums& s) {
      auto in = g.in_neighbors(v);
      const Weight* w = weighted ? g.in_weights(v).data() : nullptr;
      const double nv = base + (1 - d) * teleport[v] + d * Gather(c, in.data(), w, in.size());
      next[v] = nv;
      if (write_float) {  // the double contributions are recomputed when the float phase ends
        next_contrib_f[v] = static_cast<float>(nv * inv_out[v]);
      } else {
        next_contrib[v] = nv * inv_out[v];
      }
      s.change += std::fabs(nv - x[v]);
      s.dangling += inv_out[v] == 0 ? nv : 0.0;
      s.mass += nv;
    });
  };
  double last_change = std::numeric_limits<double>::infinity();
  for (int it = 1; it <= options.max_iterations; ++it) {
    const BlockSums sums = float_phase ? step(contrib_f.data(), true) : step(contrib.data(), false);
    x.swap(next);
    contrib.swap(next_contrib);
    contrib_f.swap(next_contrib_f);
    dangling = sums.dangling;
    res.iterations = it;
    res.residual = sums.change;
    if (float_phase) {
      // The L1 change shrinks by a factor d per exact step; float rounding stops that near 1e-7.
      if (sums.change < kFloatPhaseEnd || sums.change >= last_change) {
        float_phase = false;
        dangling = Renormalise(bounds, sums.mass, inv_out, x, contrib);
      }
      last_change = sums.change;
      continue;  // convergence is only declared after a double step
    }
    if (sums.change < options.tolerance) {
      res.converged = true;
      break;
    }
  }
  res.scores = std::move(x);
  return res;
}

}  // namespace relais::graph
