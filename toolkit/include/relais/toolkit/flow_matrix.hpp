// Flow matrices between groups of actors (classes, regions or actors), optionally before/after an event.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/toolkit/store_query.hpp"

namespace relais::toolkit {

struct FlowMatrixOptions {
  std::string by = "class";  // class | region | actor
  FlowQuery query;           // layers and overall window
  std::optional<TimeMs> at;  // with before/after: two windows [at-before, at) and [at, at+after)
  DurationMs before = 0, after = 0;
  bool pseudonymise = true;
};

struct FlowCell {
  std::string source, target;
  std::int64_t count = 0;
  double share = 0;      // of all flows in the window
  double row_share = 0;  // of the source group's outgoing flows
  std::optional<double> median_latency_s;
};

struct FlowMatrix {
  std::string name;  // "all" | "before" | "after"
  std::optional<TimeMs> from, to;
  std::int64_t total = 0;
  std::vector<std::string> groups;  // sorted
  std::vector<FlowCell> cells;      // non-empty cells, sorted by (source, target)
};

struct FlowComparison {
  std::vector<FlowMatrix> windows;  // one ("all") or two ("before", "after")
  /// Only with two windows: per cell, counts and shares before/after and the differences.
  nlohmann::json difference;
};

FlowComparison ComputeFlowMatrices(const corpora::Store& store, const FlowMatrixOptions& options);

nlohmann::json ToJson(const FlowComparison& c, const FlowMatrixOptions& options);
/// Human-readable tables.
std::string ToTable(const FlowComparison& c);

}  // namespace relais::toolkit
