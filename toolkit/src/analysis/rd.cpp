// Regression discontinuity in time: local linear fits on each side, triangular kernel, Ludwig–Miller
// cross-validated bandwidth (see event.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "event_internal.hpp"
#include "relais/base/error.hpp"
#include "relais/toolkit/analysis/event.hpp"

namespace relais::toolkit {

using namespace event_detail;

namespace {

struct RdFit {
  RegressionFit fit;
  std::size_t n_left = 0, n_right = 0;
};

RdFit FitRdLocal(const SeriesInput& in, double h, double donut) {
  std::vector<std::size_t> rows;
  std::vector<double> w;
  RdFit out;
  for (std::size_t i = 0; i < in.time.size(); ++i) {
    const double r = in.time[i] - in.at;
    if (std::abs(r) < donut || std::abs(r) >= h) continue;
    rows.push_back(i);
    w.push_back(1 - std::abs(r) / h);
    (r < 0 ? out.n_left : out.n_right) += 1;
  }
  if (out.n_left < 2 || out.n_right < 2)
    throw Error(ErrorKind::kData,
                "regression discontinuity needs at least 2 observations on each side inside the "
                "bandwidth; got " +
                    std::to_string(out.n_left) + " before and " + std::to_string(out.n_right) +
                    " after (widen --bandwidth)");
  Matrix x(rows.size(), 4);
  std::vector<double> y(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const double r = in.time[rows[k]] - in.at;
    const double d = r >= 0 ? 1.0 : 0.0;
    x(k, 0) = 1;
    x(k, 1) = d;
    x(k, 2) = r;
    x(k, 3) = d * r;
    y[k] = in.offset.empty() ? in.value[rows[k]] : in.value[rows[k]] / in.offset[rows[k]];
  }
  RegressionOptions ro;
  ro.cov = CovType::kHc1;
  ro.weights = w;
  out.fit = FitOls(x, y, ro);
  return out;
}

}  // namespace

double ChooseRdBandwidth(const std::vector<double>& time, const std::vector<double>& value, double at, double donut) {
  // Ludwig & Miller (2005) / Imbens & Lemieux (2008) cross-validation: predict each point near the
  // cutoff from a one-sided local linear fit on the points farther from the cutoff on its side.
  std::vector<std::pair<double, double>> left, right;  // (distance from cutoff, value), sorted by distance
  for (std::size_t i = 0; i < time.size(); ++i) {
    const double r = time[i] - at;
    if (std::abs(r) < donut) continue;
    (r < 0 ? left : right).emplace_back(std::abs(r), value[i]);
  }
  std::sort(left.begin(), left.end());
  std::sort(right.begin(), right.end());
  if (left.size() < 4 || right.size() < 4)
    throw Error(ErrorKind::kData, "cannot choose a bandwidth: fewer than 4 observations on a side");
  const double max_h = std::min(left.back().first, right.back().first) + 1e-9;
  // Smallest useful bandwidth: spans a few points on both sides.
  const double min_h = std::max(left[std::min<std::size_t>(3, left.size() - 1)].first,
                                right[std::min<std::size_t>(3, right.size() - 1)].first) *
                       1.0001;
  if (!(max_h > min_h)) return max_h;
  auto cv = [&](double h) {
    long double sse = 0;
    std::size_t m = 0;
    for (const auto* side : {&left, &right}) {
      const auto& s = *side;
      const std::size_t eval = s.size() / 2;  // the half nearest the cutoff
      for (std::size_t i = 0; i < eval; ++i) {
        // One-sided local linear at distance d_i from points with d_j in (d_i, d_i + h).
        long double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        std::size_t cnt = 0;
        for (std::size_t j = i + 1; j < s.size() && s[j].first - s[i].first < h; ++j) {
          const long double dx = s[j].first - s[i].first;
          if (dx <= 0) continue;
          const long double w = 1 - dx / h;
          sw += w;
          sx += w * dx;
          sy += w * s[j].second;
          sxx += w * dx * dx;
          sxy += w * dx * s[j].second;
          ++cnt;
        }
        if (cnt < 2) continue;
        const long double det = sw * sxx - sx * sx;
        if (!(det > 1e-12L * sw * sxx)) continue;
        const long double intercept = (sxx * sy - sx * sxy) / det;
        const long double e = s[i].second - intercept;
        sse += e * e;
        ++m;
      }
    }
    const std::size_t needed = (left.size() / 2 + right.size() / 2) / 2;
    return m >= std::max<std::size_t>(1, needed) ? static_cast<double>(sse / static_cast<long double>(m))
                                                 : std::numeric_limits<double>::infinity();
  };
  double best_h = max_h, best = std::numeric_limits<double>::infinity();
  constexpr int kGrid = 40;
  for (int g = 0; g < kGrid; ++g) {
    const double h = min_h * std::pow(max_h / min_h, static_cast<double>(g) / (kGrid - 1));
    const double v = cv(h);
    if (v < best) {
      best = v;
      best_h = h;
    }
  }
  return best_h;
}

EventResult FitRegressionDiscontinuity(const SeriesInput& input, const RdOptions& o) {
  if (o.donut < 0) ThrowInvalidArgument("--donut must be >= 0");
  if (o.bandwidth < 0) ThrowInvalidArgument("--bandwidth must be > 0");
  const auto order = SortedRows(input);
  const SeriesInput in = Subset(input, order);
  std::vector<double> y(in.value);
  if (!in.offset.empty())
    for (std::size_t i = 0; i < y.size(); ++i) y[i] /= in.offset[i];
  const bool chosen = o.bandwidth == 0;
  const double h = chosen ? ChooseRdBandwidth(in.time, y, in.at, o.donut) : o.bandwidth;
  if (!(h > o.donut)) ThrowInvalidArgument("--bandwidth must exceed --donut");
  const RdFit rd = FitRdLocal(in, h, o.donut);
  EventResult r;
  r.design = "rd";
  r.model = "local-linear";
  r.n = rd.n_left + rd.n_right;
  r.terms = {"const", "post", "running", "post_x_running"};
  r.coef = rd.fit.coef;
  r.se = rd.fit.se;
  r.level = EstimateOf(rd.fit, 1);
  r.slope = EstimateOf(rd.fit, 3);
  r.dispersion = rd.fit.dispersion;
  r.se_type = "hc1";
  const double left_limit = rd.fit.coef[0];
  r.rate_ratio = 1 + r.level.estimate / left_limit;
  r.rate_ratio_lo = 1 + r.level.lo / left_limit;
  r.rate_ratio_hi = 1 + r.level.hi / left_limit;
  if (r.rate_ratio_lo > r.rate_ratio_hi) std::swap(r.rate_ratio_lo, r.rate_ratio_hi);
  r.extra["bandwidth"] = h;
  if (!rd.fit.warnings.empty()) r.extra["warnings"] = rd.fit.warnings;
  r.extra["bandwidth_rule"] = chosen ? "ludwig-miller-cv" : "given";
  r.extra["donut"] = o.donut;
  r.extra["kernel"] = "triangular";
  r.extra["n_left"] = rd.n_left;
  r.extra["n_right"] = rd.n_right;
  r.extra["left_limit"] = left_limit;
  auto level_of = [&](const SeriesInput& s) { return FitRdLocal(s, h, o.donut).fit.coef[1]; };
  if (o.placebos > 0) r.placebo = RunPlacebos(in, o.placebos, 4, r.level.estimate, o.seed, level_of);
  if (o.bootstrap > 0) {
    std::vector<std::size_t> window;
    for (std::size_t i = 0; i < in.time.size(); ++i)
      if (std::abs(in.time[i] - in.at) < h) window.push_back(i);
    r.bootstrap = RunBootstrap(Subset(in, window), o.bootstrap, o.block_length, o.seed, level_of);
  }
  return r;
}

}  // namespace relais::toolkit
