// The demo's self-contained HTML report: tables and inline SVG figures, no network.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace relais::toolkit {

/// A line chart as inline SVG: series share the x axis (times in ms), an optional vertical
/// marker (the event). Deterministic output (fixed number formatting).
struct Series {
  std::string name;
  std::vector<double> values;
};
std::string SvgLineChart(const std::string& title, double x0_ms, double step_ms, const std::vector<Series>& series,
                         std::optional<double> marker_ms, const std::string& y_label);

/// A heat map of a square matrix (row = source, column = target) with counts in the cells.
std::string SvgHeatmap(const std::string& title, const std::vector<std::string>& labels,
                       const std::vector<std::vector<double>>& values, const std::string& value_format);

/// Horizontal bar chart.
std::string SvgBars(const std::string& title, const std::vector<std::string>& labels,
                    const std::vector<double>& values);

/// Renders the report from the demo's collected results. Sections whose key is absent are
/// left out: "summary", "activity", "flows", "top_actors", "event", "influence", "reuse",
/// "checks", "leadlag".
std::string RenderReport(const nlohmann::json& data);

}  // namespace relais::toolkit
