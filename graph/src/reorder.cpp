// Degree ordering by a counting sort on degree (O(n + m)), endpoints renumbered in parallel.
#include "relais/graph/reorder.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <string>

#include "relais/base/error.hpp"

namespace relais::graph {
namespace {

constexpr std::size_t kGrain = 1 << 16;

void Renumber(std::span<NodeId> ids, const std::vector<NodeId>& new_of_old) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, ids.size(), kGrain), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) ids[i] = new_of_old[ids[i]];
  });
}

}  // namespace

std::vector<NodeId> RelabelByDegree(NodeId num_nodes, std::span<NodeId> src, std::span<NodeId> dst) {
  if (src.size() != dst.size())
    throw Error(ErrorKind::kInvalidArgument,
                "edge arrays differ in length: " + std::to_string(src.size()) + " vs " + std::to_string(dst.size()));
  std::vector<EdgeOffset> degree(num_nodes, 0);
  for (std::span<NodeId> ids : {src, dst}) {
    for (NodeId v : ids) {
      if (v >= num_nodes)
        throw Error(ErrorKind::kInvalidArgument,
                    "node " + std::to_string(v) + " is out of range (" + std::to_string(num_nodes) + " nodes)");
      ++degree[v];
    }
  }
  std::vector<NodeId> old_of_new(num_nodes), new_of_old(num_nodes);
  const EdgeOffset max_degree = num_nodes ? *std::max_element(degree.begin(), degree.end()) : 0;
  if (max_degree <= EdgeOffset{4} * num_nodes + 1024) {
    // Counting sort on degree, descending; the stable pass keeps increasing old ids within a degree.
    std::vector<NodeId> start(static_cast<std::size_t>(max_degree) + 2, 0);
    for (EdgeOffset d : degree) ++start[static_cast<std::size_t>(max_degree - d) + 1];
    for (std::size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
    for (NodeId v = 0; v < num_nodes; ++v) old_of_new[start[static_cast<std::size_t>(max_degree - degree[v])]++] = v;
  } else {  // a few huge hubs: a comparison sort needs no bucket per degree value
    for (NodeId v = 0; v < num_nodes; ++v) old_of_new[v] = v;
    std::sort(old_of_new.begin(), old_of_new.end(),
              [&](NodeId a, NodeId b) { return degree[a] != degree[b] ? degree[a] > degree[b] : a < b; });
  }
  for (NodeId id = 0; id < num_nodes; ++id) new_of_old[old_of_new[id]] = id;
  Renumber(src, new_of_old);
  Renumber(dst, new_of_old);
  return old_of_new;
}

}  // namespace relais::graph
