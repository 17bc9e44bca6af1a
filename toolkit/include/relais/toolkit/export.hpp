// Exports of the actor flow graph for Gephi and friends: GEXF 1.3 (dynamic), GraphML, CSV.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "relais/toolkit/store_query.hpp"

namespace relais::toolkit {

struct ExportOptions {
  std::string format = "gexf";  // gexf | graphml | csv
  FlowQuery query;
  bool pseudonymise = true;
  DurationMs spell = 86400000;  // GEXF edge spells are merged runs of active days (or this width)
};

struct ExportSummary {
  std::size_t nodes = 0, edges = 0;
  std::vector<std::filesystem::path> files;
};

/// Writes the actor graph (nodes = actors with class, region, name, strengths, PageRank; edges =
/// aggregated flows with weights per layer). CSV writes FILE's stem + "-nodes.csv" / "-edges.csv".
ExportSummary ExportGraph(const corpora::Store& store, const std::filesystem::path& file, const ExportOptions& options);

}  // namespace relais::toolkit
