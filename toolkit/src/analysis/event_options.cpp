// Parsing of the event study's options (shared by the CLI and the Python module).
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

}  // namespace relais::toolkit
