// `relais cascades --json` (shared by the CLI and the Python module): as a tree, or streamed a node at a time.
#include "relais/base/json_writer.hpp"
#include "relais/base/time.hpp"
#include "relais/toolkit/cascades.hpp"

namespace relais::toolkit {
namespace {

nlohmann::json FollowerGraphJson(const CascadeReport& r, const FollowerGraph* fg) {
  if (!fg) return nullptr;
  return {{"lines", fg->lines}, {"matched", fg->matched}, {"unmatched", fg->unmatched},
          {"edges", fg->edges}, {"retweets", r.retweets}, {"reattached", r.reattached}};
}

// A cascade's members but its nodes.
nlohmann::json CascadeHeaderJson(const Cascade& c) {
  return {{"root", c.root},
          {"actor", c.root_actor},
          {"time", FormatIso8601(c.root_time)},
          {"size", c.metrics.size},
          {"depth", c.metrics.depth},
          {"max_breadth", c.metrics.max_breadth},
          {"structural_virality", c.metrics.structural_virality}};
}

nlohmann::json NodeJson(const Cascade& c, const CascadeNode& n) {
  return {{"item", n.item},
          {"parent", n.parent < 0 ? nlohmann::json(nullptr) : nlohmann::json(c.nodes[n.parent].item)},
          {"depth", n.depth},
          {"time", FormatIso8601(n.time)},
          {"layer", n.layer}};
}

}  // namespace

nlohmann::json CascadesJson(const CascadeReport& r, const FollowerGraph* fg, bool with_nodes) {
  nlohmann::json out;
  out["total"] = r.total;
  out["follower_graph"] = FollowerGraphJson(r, fg);
  auto& list = out["cascades"] = nlohmann::json::array();
  for (const auto& c : r.cascades) {
    nlohmann::json j = CascadeHeaderJson(c);
    if (with_nodes) {
      auto& nodes = j["nodes"] = nlohmann::json::array();
      for (const auto& n : c.nodes) nodes.push_back(NodeJson(c, n));
    }
    list.push_back(std::move(j));
  }
  return out;
}

void WriteCascadesJsonMembers(JsonWriter& w, const CascadeReport& r, const FollowerGraph* fg, bool with_nodes) {
  w.Key("cascades");
  w.BeginArray();
  for (const auto& c : r.cascades) {
    w.BeginObject();
    if (with_nodes) {
      w.MembersWith(CascadeHeaderJson(c), "nodes", [&] {
        w.BeginArray();
        for (const auto& n : c.nodes) w.Value(NodeJson(c, n));
        w.EndArray();
      });
    } else {
      w.Members(CascadeHeaderJson(c));
    }
    w.EndObject();
  }
  w.EndArray();
  w.Member("follower_graph", FollowerGraphJson(r, fg));
  w.Member("total", r.total);
}

}  // namespace relais::toolkit
