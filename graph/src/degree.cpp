// Weighted degree (strength): per-node row sums, out over out-arcs and in over in-arcs.
#include "relais/graph/degree.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace relais::graph {

DegreeResult ComputeDegrees(const CsrGraph& g, bool weighted) {
  const NodeId n = g.num_nodes();
  weighted = weighted && g.weighted();
  g.EnsureInEdges();
  DegreeResult r;
  r.out.resize(n);
  r.in.resize(n);
  tbb::parallel_for(tbb::blocked_range<NodeId>(0, n, 4096), [&](const auto& range) {
    for (NodeId v = range.begin(); v != range.end(); ++v) {
      if (!weighted) {
        r.out[v] = static_cast<double>(g.out_degree(v));
        r.in[v] = static_cast<double>(g.in_degree(v));
        continue;
      }
      double o = 0, i = 0;
      for (Weight w : g.out_weights(v)) o += w;
      for (Weight w : g.in_weights(v)) i += w;
      r.out[v] = o;
      r.in[v] = i;
    }
  });
  return r;
}

}  // namespace relais::graph
