// relais rank --edges: an edge list file ranked end to end (graph/rank.hpp).
#include "relais/graph/io/edge_list.hpp"
#include "relais/graph/rank.hpp"
#include "relais/graph/reorder.hpp"

namespace relais::graph {

EdgeListRanking RankEdgeListFile(const std::string& path, const RankOptions& options, bool directed, std::size_t top) {
  EdgeList el = ReadEdgeList(path);
  EdgeListRanking out;
  out.weighted_input = !el.weights.empty();
  // Hubs first: the kernels' gathers stay in cache (experiments/results/graph.md).
  const std::vector<NodeId> old_of_new = RelabelByDegree(el.num_nodes(), el.src, el.dst);
  CsrGraph g = CsrGraph::FromEdges(el.num_nodes(), el.src, el.dst, el.weights, directed);
  std::vector<NodeId>().swap(el.src);
  std::vector<NodeId>().swap(el.dst);
  std::vector<Weight>().swap(el.weights);
  const std::vector<double> scores = ComputeScores(g, options);
  const NodeLabels& labels = el.labels;
  const std::vector<NodeId> order = TopK(scores, top, [&](NodeId x, NodeId y) {
    x = old_of_new[x];
    y = old_of_new[y];
    if (labels.integer()) return labels.ints()[x] < labels.ints()[y];
    return labels.strings()[x] < labels.strings()[y];
  });
  out.results.reserve(order.size());
  for (NodeId v : order) out.results.emplace_back(labels.Label(old_of_new[v]), scores[v]);
  return out;
}

}  // namespace relais::graph
