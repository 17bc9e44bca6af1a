// Flow matrices between groups of actors (classes, regions or actors), optionally before/after an event.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/toolkit/store_query.hpp"

namespace relais {
class JsonWriter;
}

namespace relais::toolkit {

struct FlowMatrixOptions {
  std::string by = "class";  // class | region | actor
  FlowQuery query;           // layers and overall window
  std::optional<TimeMs> at;  // with before/after: two windows [at-before, at) and [at, at+after)
  DurationMs before = 0, after = 0;
  bool pseudonymise = true;
  /// With by = "region": whose homes make the groups (observed only, or also inferred, labelled as such).
  RegionSource regions = RegionSource::kObserved;
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

/// The reducible part of ComputeFlowMatrices (distributed runs, docs/cluster.md): per window, per
/// (source group, target group) cell, the count and the latencies of the flows read. Partials of
/// disjoint sets of partitions, merged in any order, finish into the FlowComparison of their union
/// (counts are sums; a median depends on the latencies' multiset only).
struct FlowMatrixPartial {
  struct Cell {
    std::int64_t count = 0;
    std::vector<std::int64_t> latencies;
  };
  using Cells = std::map<std::pair<std::string, std::string>, Cell>;
  std::vector<Cells> windows;  // in the order of FlowComparison::windows
};

/// The partial of the flows ending in `partitions` (each partition once). Throws on bad options as
/// ComputeFlowMatrices does.
FlowMatrixPartial ComputeFlowMatrixPartial(const corpora::Store& store, const FlowMatrixOptions& options,
                                           const std::vector<int>& partitions);
/// Adds `from` to `into` (same options).
void MergeFlowMatrixPartial(FlowMatrixPartial& into, FlowMatrixPartial&& from);
/// The matrices (and differences) of a complete partial.
FlowComparison FinishFlowMatrices(FlowMatrixPartial partial, const FlowMatrixOptions& options);
/// A partial as bytes (MessagePack) and back, to send between ranks.
std::vector<std::uint8_t> FlowMatrixPartialToBytes(const FlowMatrixPartial& partial);
FlowMatrixPartial FlowMatrixPartialFromBytes(const std::vector<std::uint8_t>& bytes);

nlohmann::json ToJson(const FlowComparison& c, const FlowMatrixOptions& options);
/// The members of ToJson's object written to an open object of `w` as they are produced, byte for byte
/// as ToJson(c, options).dump() prints them (flows --by actor: no tree nor string of every cell).
void WriteJsonMembers(JsonWriter& w, const FlowComparison& c, const FlowMatrixOptions& options);
/// Human-readable tables.
std::string ToTable(const FlowComparison& c);

}  // namespace relais::toolkit
