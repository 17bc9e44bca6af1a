// Rankings of the store's flow graph.
#include "relais/toolkit/store_rank.hpp"

namespace relais::toolkit {

StoreRanking RankStore(const corpora::Store& store, const StoreRankOptions& options) {
  return RankView(store, BuildGraphView(store, options.query), options);
}

StoreRanking RankView(const corpora::Store& store, const GraphView& view, const StoreRankOptions& options) {
  graph::CsrGraph g = CreditGraph(view, options.directed);
  std::vector<double> scores = graph::ComputeScores(g, options.rank);
  std::vector<std::string> shown(view.labels.size());
  for (graph::NodeId v = 0; v < shown.size(); ++v)
    shown[v] = DisplayLabel(store, view, v, options.query.by, options.pseudonymise);
  auto order = graph::TopK(scores, options.top, [&](graph::NodeId x, graph::NodeId y) { return shown[x] < shown[y]; });
  StoreRanking out;
  out.metric = graph::MetricName(options.rank.metric);
  out.skipped_flows = view.skipped_flows;
  out.results.reserve(order.size());
  for (graph::NodeId v : order) {
    out.results.emplace_back(shown[v], scores[v]);
    out.nodes.push_back(static_cast<std::uint32_t>(v));
  }
  return out;
}

nlohmann::json ToJson(const StoreRanking& ranking) {
  nlohmann::json out;
  out["metric"] = ranking.metric;
  auto& results = out["results"] = nlohmann::json::array();
  for (const auto& [node, score] : ranking.results) results.push_back({{"node", node}, {"score", score}});
  return out;
}

}  // namespace relais::toolkit
