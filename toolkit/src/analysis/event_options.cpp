// Parsing of the event study's options (shared by the CLI and the Python module).
#include <algorithm>
#include <charconv>

#include "relais/base/error.hpp"
#include "relais/toolkit/analysis/event.hpp"
#include "relais/toolkit/analysis/series.hpp"

namespace relais::toolkit {

EventModel ParseEventModel(const std::string& m) {
  if (m == "ols") return EventModel::kOls;
  if (m == "poisson") return EventModel::kPoisson;
  if (m == "quasipoisson") return EventModel::kQuasiPoisson;
  ThrowInvalidArgument("--model must be ols, poisson or quasipoisson, got \"" + m + "\"");
}

double ParseEventSpan(const std::string& text, double unit_ms, const char* option) {
  if (text.empty()) return 0;
  double v;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && ptr == text.data() + text.size()) return v;
  if (unit_ms <= 0) ThrowInvalidArgument(std::string(option) + " must be a number on the time column's scale");
  return static_cast<double>(ParseDurationOption(text, option)) / unit_ms;
}

double MedianTimeSpacing(std::vector<double> times, const std::string& source) {
  std::sort(times.begin(), times.end());
  std::vector<double> gaps;
  for (std::size_t i = 1; i < times.size(); ++i)
    if (times[i] > times[i - 1]) gaps.push_back(times[i] - times[i - 1]);
  if (gaps.empty()) ThrowDataError(source + ": the time column has fewer than two distinct times");
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<long>(gaps.size() / 2), gaps.end());
  return gaps[gaps.size() / 2];
}

EventResult RunSeriesEvent(SeriesInput in, const SeriesEventOptions& o) {
  const double unit_ms = o.iso_times ? MedianTimeSpacing(in.time, o.source) : 0;
  const double scale = o.iso_times ? unit_ms : 1.0;
  for (double& t : in.time) t /= scale;
  in.at = o.at / scale;
  EventResult result;
  if (o.design == "its") {
    result = FitInterruptedTimeSeries(in, o.its);
  } else if (o.design == "rd") {
    RdOptions rd = o.rd;
    rd.bandwidth = ParseEventSpan(o.bandwidth, unit_ms, "--bandwidth");
    rd.donut = ParseEventSpan(o.donut, unit_ms, "--donut");
    result = FitRegressionDiscontinuity(in, rd);
  } else {
    ThrowInvalidArgument("--series supports --design its or rd (did needs --store), got \"" + o.design + "\"");
  }
  if (o.iso_times) {
    result.extra["time_unit_ms"] = unit_ms;
    if (result.placebo)
      for (auto& t : result.placebo->times) t = t * unit_ms;  // back to epoch ms
  }
  return result;
}

}  // namespace relais::toolkit
