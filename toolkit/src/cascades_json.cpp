// `relais cascades --json` (shared by the CLI and the Python module).
#include "relais/base/time.hpp"
#include "relais/toolkit/cascades.hpp"

namespace relais::toolkit {

nlohmann::json CascadesJson(const CascadeReport& r, const FollowerGraph* fg, bool with_nodes) {
  nlohmann::json out;
  out["total"] = r.total;
  out["follower_graph"] =
      fg ? nlohmann::json{{"lines", fg->lines}, {"matched", fg->matched}, {"unmatched", fg->unmatched},
                          {"edges", fg->edges}, {"retweets", r.retweets}, {"reattached", r.reattached}}
         : nlohmann::json(nullptr);
  auto& list = out["cascades"] = nlohmann::json::array();
  for (const auto& c : r.cascades) {
    nlohmann::json j = {{"root", c.root},
                        {"actor", c.root_actor},
                        {"time", FormatIso8601(c.root_time)},
                        {"size", c.metrics.size},
                        {"depth", c.metrics.depth},
                        {"max_breadth", c.metrics.max_breadth},
                        {"structural_virality", c.metrics.structural_virality}};
    if (with_nodes) {
      auto& nodes = j["nodes"] = nlohmann::json::array();
      for (const auto& n : c.nodes)
        nodes.push_back({{"item", n.item},
                         {"parent", n.parent < 0 ? nlohmann::json(nullptr) : nlohmann::json(c.nodes[n.parent].item)},
                         {"depth", n.depth},
                         {"time", FormatIso8601(n.time)},
                         {"layer", n.layer}});
    }
    list.push_back(std::move(j));
  }
  return out;
}

}  // namespace relais::toolkit
