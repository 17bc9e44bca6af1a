#include "relais/base/quantile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace relais {

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

double Median(std::vector<std::int64_t> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = values.size();
  const auto upper = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), upper, values.end());
  const auto hi = static_cast<double>(*upper);
  if (n % 2) return hi;
  const auto lo = static_cast<double>(*std::max_element(values.begin(), upper));
  return (lo + hi) / 2;
}

}  // namespace relais
