// Degrees and strengths: arc counts or weight sums, out and in (equal on an undirected graph).
#pragma once

#include <vector>

#include "relais/graph/csr_graph.hpp"

namespace relais::graph {

struct DegreeResult {
  std::vector<double> out, in;
};

/// Out- and in-degree (weight sums when `weighted` and g is weighted). Builds in-edges if needed.
DegreeResult ComputeDegrees(const CsrGraph& g, bool weighted);

}  // namespace relais::graph
