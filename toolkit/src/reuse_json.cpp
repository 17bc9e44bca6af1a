// `relais reuse --json` lines (shared by the CLI and the Python module).
#include "relais/toolkit/reuse.hpp"

namespace relais::toolkit {
namespace {
nlohmann::json Span(text::TokenSpan s) { return nlohmann::json::array({s.begin, s.end}); }
}  // namespace

nlohmann::json ReuseFlowJson(const StoredReuseFlow& f) {
  return {{"source", f.source_key},
          {"target", f.target_key},
          {"score", f.score},
          {"source_span", Span(f.source_span)},
          {"target_span", Span(f.target_span)},
          {"latency_ms", f.target_time - f.source_time}};
}

nlohmann::json SyndicationGroupJson(const StoredSyndicationGroup& g) {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& m : g.members)
    members.push_back({{"item", m.key}, {"edit_distance", m.edit_distance}, {"score", m.score}});
  return {{"source", g.source_key}, {"members", members}};
}

}  // namespace relais::toolkit
