// The main job: generate the small synthetic world, ingest it, run every analysis, write a report.
#pragma once

#include <cstdint>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace relais::toolkit {

struct DemoOptions {
  std::filesystem::path out = "demo-out";  // out/world, out/store, out/report.html, out/results.json
  std::uint64_t seed = 1;
  int threads = 0;       // 0 = every core
  bool progress = true;  // stage lines on stderr
};

/// Runs the demo and returns the collected results (also written to out/results.json).
/// Throws relais::Error when a stage fails.
nlohmann::json RunDemo(const DemoOptions& options);

/// A few lines for the terminal: key numbers and where the report is.
std::string DemoSummary(const nlohmann::json& results, const std::filesystem::path& out);

}  // namespace relais::toolkit
