// Interrupted time series, RD in time and difference-in-differences (see event.hpp).
#include "relais/toolkit/analysis/event.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "relais/base/error.hpp"
#include "relais/toolkit/analysis/random.hpp"

namespace relais::toolkit {

const char* EventModelName(EventModel m) {
  switch (m) {
    case EventModel::kOls:
      return "ols";
    case EventModel::kPoisson:
      return "poisson";
    case EventModel::kQuasiPoisson:
      return "quasipoisson";
  }
  return "?";
}

namespace {

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

nlohmann::json JsonNumber(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json EstimateJson(const Estimate& e) {
  return {{"estimate", JsonNumber(e.estimate)},
          {"se", JsonNumber(e.se)},
          {"ci", {JsonNumber(e.lo), JsonNumber(e.hi)}},
          {"p", JsonNumber(e.p)}};
}

Estimate EstimateOf(const RegressionFit& fit, std::size_t k) {
  Estimate e;
  e.estimate = fit.coef[k];
  e.se = fit.se[k];
  std::tie(e.lo, e.hi) = fit.Interval(k);
  e.p = fit.PValue(k);
  return e;
}

// Rows sorted by time; validates lengths and finiteness.
std::vector<std::size_t> SortedRows(const SeriesInput& in) {
  const std::size_t n = in.time.size();
  if (in.value.size() != n || (!in.offset.empty() && in.offset.size() != n) ||
      (!in.season.empty() && in.season.size() != n))
    throw Error(ErrorKind::kInternal, "series columns differ in length");
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(in.time[i]) || !std::isfinite(in.value[i]))
      throw Error(ErrorKind::kData, "series has a non-finite value at row " + std::to_string(i + 1));
    if (!in.offset.empty() && !(in.offset[i] > 0))
      throw Error(ErrorKind::kData,
                  "offset must be positive, row " + std::to_string(i + 1) + " has " + std::to_string(in.offset[i]));
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return in.time[a] < in.time[b]; });
  return order;
}

SeriesInput Subset(const SeriesInput& in, const std::vector<std::size_t>& rows) {
  SeriesInput out;
  out.at = in.at;
  for (auto r : rows) {
    out.time.push_back(in.time[r]);
    out.value.push_back(in.value[r]);
    if (!in.offset.empty()) out.offset.push_back(in.offset[r]);
    if (!in.season.empty()) out.season.push_back(in.season[r]);
  }
  return out;
}

struct ItsDesign {
  Matrix x;
  std::vector<std::string> terms;
  std::vector<double> log_offset;
};

ItsDesign BuildItsDesign(const SeriesInput& in, const ItsOptions& o) {
  const std::size_t n = in.time.size();
  ItsDesign d;
  d.terms = {"const", "time", "post"};
  if (o.slope_change) d.terms.push_back("time_since_event");
  for (int k = 1; k <= o.harmonics; ++k) {
    d.terms.push_back("sin" + std::to_string(k));
    d.terms.push_back("cos" + std::to_string(k));
  }
  d.x = Matrix(n, d.terms.size());
  for (std::size_t i = 0; i < n; ++i) {
    const double tau = in.time[i] - in.at;
    const double post = tau >= 0 ? 1.0 : 0.0;
    std::size_t c = 0;
    d.x(i, c++) = 1.0;
    d.x(i, c++) = tau;
    d.x(i, c++) = post;
    if (o.slope_change) d.x(i, c++) = post * tau;
    const double s = in.season.empty() ? in.time[i] : in.season[i];
    for (int k = 1; k <= o.harmonics; ++k) {
      const double angle = 2 * M_PI * k * s / o.period;
      d.x(i, c++) = std::sin(angle);
      d.x(i, c++) = std::cos(angle);
    }
    if (!in.offset.empty()) d.log_offset.push_back(std::log(in.offset[i]));
  }
  return d;
}

RegressionFit FitItsModel(const SeriesInput& in, const ItsOptions& o, const ItsDesign& d) {
  switch (o.model) {
    case EventModel::kOls: {
      if (!in.offset.empty()) {
        // OLS with an exposure: model the rate y / offset.
        std::vector<double> rate(in.value.size());
        for (std::size_t i = 0; i < rate.size(); ++i) rate[i] = in.value[i] / in.offset[i];
        RegressionOptions ro;
        ro.cov = CovType::kHac;
        ro.hac_lags = o.hac_lags;
        return FitOls(d.x, rate, ro);
      }
      RegressionOptions ro;
      ro.cov = CovType::kHac;
      ro.hac_lags = o.hac_lags;
      return FitOls(d.x, in.value, ro);
    }
    case EventModel::kPoisson:
      return FitPoisson(d.x, in.value, d.log_offset, PoissonFamily::kPoisson);
    case EventModel::kQuasiPoisson:
      return FitPoisson(d.x, in.value, d.log_offset, PoissonFamily::kQuasiPoisson);
  }
  throw Error(ErrorKind::kInternal, "unknown model");
}

void RequireBothSides(const SeriesInput& in, std::size_t min_side, const char* what) {
  std::size_t pre = 0, post = 0;
  for (double t : in.time) (t < in.at ? pre : post) += 1;
  if (pre < min_side || post < min_side)
    throw Error(ErrorKind::kData, std::string(what) + " needs at least " + std::to_string(min_side) +
                                      " observations on each side of the event; got " + std::to_string(pre) +
                                      " before and " + std::to_string(post) + " after");
}

// Circular moving-block bootstrap of rows.
std::vector<std::size_t> BlockResample(std::size_t n, std::size_t block, Rng& rng) {
  std::vector<std::size_t> rows;
  rows.reserve(n + block);
  while (rows.size() < n) {
    const auto start = static_cast<std::size_t>(rng.Below(n));
    for (std::size_t k = 0; k < block && rows.size() < n; ++k) rows.push_back((start + k) % n);
  }
  return rows;
}

std::size_t DefaultBlock(std::size_t n, int requested) {
  if (requested > 0) return static_cast<std::size_t>(requested);
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(std::cbrt(static_cast<double>(n)))));
}

template <typename FitFn>
BootstrapSummary RunBootstrap(const SeriesInput& in, int replicates, int block_length, std::uint64_t seed,
                              FitFn fit_level) {
  BootstrapSummary b;
  b.replicates = replicates;
  const std::size_t n = in.time.size();
  b.block_length = static_cast<int>(DefaultBlock(n, block_length));
  Rng rng(seed ^ 0xB005u);
  std::vector<double> est;
  for (int r = 0; r < replicates; ++r) {
    const auto rows = BlockResample(n, static_cast<std::size_t>(b.block_length), rng);
    try {
      est.push_back(fit_level(Subset(in, rows)));
    } catch (const Error&) {
      ++b.failed;
    }
  }
  if (est.empty()) throw Error(ErrorKind::kData, "every bootstrap resample was degenerate");
  b.lo = Quantile(est, 0.025);
  b.hi = Quantile(est, 0.975);
  return b;
}

// Placebo event times drawn among the pre-event times, each fitted on pre-event data only.
template <typename FitFn>
PlaceboSummary RunPlacebos(const SeriesInput& in, int requested, std::size_t min_side, double actual,
                           std::uint64_t seed, FitFn fit_level) {
  PlaceboSummary ps;
  ps.requested = requested;
  std::vector<std::size_t> pre_rows;
  for (std::size_t i = 0; i < in.time.size(); ++i)
    if (in.time[i] < in.at) pre_rows.push_back(i);
  SeriesInput pre = Subset(in, pre_rows);
  std::vector<double> times(pre.time);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  std::vector<double> candidates;
  for (double t : times) {
    std::size_t left = 0, right = 0;
    for (double u : pre.time) (u < t ? left : right) += 1;
    if (left >= min_side && right >= min_side) candidates.push_back(t);
  }
  Rng rng(seed ^ 0x91ACEB0u);
  // Partial Fisher–Yates: a seeded sample without replacement.
  const std::size_t m = std::min<std::size_t>(candidates.size(), static_cast<std::size_t>(std::max(0, requested)));
  for (std::size_t k = 0; k < m; ++k) std::swap(candidates[k], candidates[k + rng.Below(candidates.size() - k)]);
  candidates.resize(m);
  std::sort(candidates.begin(), candidates.end());
  std::size_t extreme = 0;
  for (double t : candidates) {
    pre.at = t;
    try {
      const double e = fit_level(pre);
      ps.times.push_back(t);
      ps.estimates.push_back(e);
      if (std::abs(e) >= std::abs(actual)) ++extreme;
    } catch (const Error&) {
      // A singular placebo design is skipped; times/estimates list the ones fitted.
    }
  }
  ps.permutation_p = static_cast<double>(1 + extreme) / static_cast<double>(1 + ps.estimates.size());
  return ps;
}

}  // namespace

nlohmann::json ToJson(const EventResult& r) {
  nlohmann::json j;
  j["design"] = r.design;
  j["model"] = r.model;
  j["n"] = r.n;
  j["level_change"] = EstimateJson(r.level);
  j["slope_change"] = r.slope ? EstimateJson(*r.slope) : nlohmann::json(nullptr);
  j["rate_ratio"] = {{"estimate", JsonNumber(r.rate_ratio)},
                     {"ci", {JsonNumber(r.rate_ratio_lo), JsonNumber(r.rate_ratio_hi)}}};
  j["dispersion"] = JsonNumber(r.dispersion);
  j["se_type"] = r.se_type;
  if (r.hac_lags >= 0) j["hac_lags"] = r.hac_lags;
  nlohmann::json coefs = nlohmann::json::array();
  for (std::size_t k = 0; k < r.terms.size(); ++k)
    coefs.push_back({{"term", r.terms[k]}, {"estimate", JsonNumber(r.coef[k])}, {"se", JsonNumber(r.se[k])}});
  j["coefficients"] = coefs;
  if (r.placebo) {
    j["placebo"] = {{"requested", r.placebo->requested},
                    {"fitted", r.placebo->estimates.size()},
                    {"times", r.placebo->times},
                    {"estimates", r.placebo->estimates},
                    {"permutation_p", r.placebo->permutation_p}};
  }
  if (r.bootstrap) {
    j["bootstrap"] = {{"replicates", r.bootstrap->replicates},
                      {"failed", r.bootstrap->failed},
                      {"block_length", r.bootstrap->block_length},
                      {"ci", {JsonNumber(r.bootstrap->lo), JsonNumber(r.bootstrap->hi)}}};
  }
  for (const auto& [k, v] : r.extra.items()) j[k] = v;
  return j;
}

EventResult FitInterruptedTimeSeries(const SeriesInput& input, const ItsOptions& o) {
  if (o.harmonics < 0) ThrowInvalidArgument("--harmonics must be >= 0");
  if (o.harmonics > 0 && !(o.period > 0)) ThrowInvalidArgument("--harmonics needs a positive --period");
  const auto order = SortedRows(input);
  const SeriesInput in = Subset(input, order);
  const ItsDesign design = BuildItsDesign(in, o);
  RequireBothSides(in, 2, "an interrupted time series");
  const RegressionFit fit = FitItsModel(in, o, design);
  EventResult r;
  r.design = "its";
  r.model = EventModelName(o.model);
  r.n = in.time.size();
  r.terms = design.terms;
  r.coef = fit.coef;
  r.se = fit.se;
  r.level = EstimateOf(fit, 2);
  if (o.slope_change) r.slope = EstimateOf(fit, 3);
  r.dispersion = fit.dispersion;
  if (o.model == EventModel::kOls) {
    r.se_type = "newey-west";
    r.hac_lags = fit.hac_lags;
    // Relative to the counterfactual mean: fitted post-event values without the post terms.
    long double cf = 0;
    std::size_t m = 0;
    for (std::size_t i = 0; i < r.n; ++i) {
      if (in.time[i] < in.at) continue;
      double v = fit.fitted[i] - fit.coef[2];
      if (o.slope_change) v -= fit.coef[3] * (in.time[i] - in.at);
      cf += v;
      ++m;
    }
    const double cf_mean = static_cast<double>(cf / static_cast<long double>(m));
    r.extra["counterfactual_mean"] = JsonNumber(cf_mean);
    r.rate_ratio = 1 + r.level.estimate / cf_mean;
    r.rate_ratio_lo = 1 + r.level.lo / cf_mean;
    r.rate_ratio_hi = 1 + r.level.hi / cf_mean;
    if (r.rate_ratio_lo > r.rate_ratio_hi) std::swap(r.rate_ratio_lo, r.rate_ratio_hi);
  } else {
    r.se_type = o.model == EventModel::kPoisson ? "model" : "model-pearson-scaled";
    r.rate_ratio = std::exp(r.level.estimate);
    r.rate_ratio_lo = std::exp(r.level.lo);
    r.rate_ratio_hi = std::exp(r.level.hi);
    r.extra["deviance"] = fit.deviance;
    r.extra["pearson_chi2"] = fit.pearson_chi2;
    r.extra["iterations"] = fit.iterations;
    r.extra["converged"] = fit.converged;
  }
  r.extra["df_resid"] = fit.df_resid;
  if (!fit.warnings.empty()) r.extra["warnings"] = fit.warnings;
  auto level_of = [&](const SeriesInput& s) {
    ItsOptions q = o;
    q.hac_lags = fit.hac_lags;
    RequireBothSides(s, 1, "a resample");
    return FitItsModel(s, q, BuildItsDesign(s, q)).coef[2];
  };
  if (o.placebos > 0)
    r.placebo =
        RunPlacebos(in, o.placebos, std::max<std::size_t>(3, design.terms.size()), r.level.estimate, o.seed, level_of);
  if (o.bootstrap > 0) r.bootstrap = RunBootstrap(in, o.bootstrap, o.block_length, o.seed, level_of);
  return r;
}

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

EventResult FitDifferenceInDifferences(const Panel& p, const DidOptions& o) {
  const std::size_t nu = p.units, nt = p.periods;
  if (p.y.size() != nu * nt || p.treated.size() != nu) throw Error(ErrorKind::kInternal, "panel dimensions");
  const auto num_treated = static_cast<std::size_t>(std::count(p.treated.begin(), p.treated.end(), true));
  if (num_treated == 0 || num_treated == nu)
    throw Error(ErrorKind::kData, "difference-in-differences needs treated and control units (treated " +
                                      std::to_string(num_treated) + " of " + std::to_string(nu) + ")");
  if (p.first_post == 0 || p.first_post >= nt)
    throw Error(ErrorKind::kData, "difference-in-differences needs periods before and after the event");
  // Two-way within transformation (exact for a balanced panel).
  auto demean = [&](const std::vector<double>& v) {
    std::vector<long double> unit_mean(nu, 0), time_mean(nt, 0);
    long double grand = 0;
    for (std::size_t u = 0; u < nu; ++u)
      for (std::size_t t = 0; t < nt; ++t) {
        unit_mean[u] += v[u * nt + t];
        time_mean[t] += v[u * nt + t];
        grand += v[u * nt + t];
      }
    for (auto& m : unit_mean) m /= static_cast<long double>(nt);
    for (auto& m : time_mean) m /= static_cast<long double>(nu);
    grand /= static_cast<long double>(nu * nt);
    std::vector<double> out(v.size());
    for (std::size_t u = 0; u < nu; ++u)
      for (std::size_t t = 0; t < nt; ++t)
        out[u * nt + t] = static_cast<double>(v[u * nt + t] - unit_mean[u] - time_mean[t] + grand);
    return out;
  };
  const std::vector<double> y = demean(p.y);
  std::vector<std::int64_t> clusters(nu * nt);
  for (std::size_t u = 0; u < nu; ++u)
    for (std::size_t t = 0; t < nt; ++t) clusters[u * nt + t] = static_cast<std::int64_t>(u);
  const int absorbed = static_cast<int>(nu + nt - 1);
  // Static DiD.
  std::vector<double> d(nu * nt, 0.0);
  for (std::size_t u = 0; u < nu; ++u)
    for (std::size_t t = p.first_post; t < nt; ++t) d[u * nt + t] = p.treated[u] ? 1.0 : 0.0;
  const auto dd = demean(d);
  Matrix x(nu * nt, 1);
  for (std::size_t i = 0; i < dd.size(); ++i) x(i, 0) = dd[i];
  RegressionOptions ro;
  ro.cov = CovType::kCluster;
  ro.clusters = clusters;
  ro.absorbed = absorbed;
  const RegressionFit fit = FitOls(x, y, ro);
  EventResult r;
  r.design = "did";
  r.model = "twfe";
  r.n = nu * nt;
  r.terms = {"treated_x_post"};
  r.coef = fit.coef;
  r.se = fit.se;
  r.level = EstimateOf(fit, 0);
  r.dispersion = fit.dispersion;
  r.se_type = "cluster-unit";
  // Rate ratio relative to the treated units' counterfactual post mean.
  long double treated_post = 0;
  for (std::size_t u = 0; u < nu; ++u)
    if (p.treated[u])
      for (std::size_t t = p.first_post; t < nt; ++t) treated_post += p.y[u * nt + t];
  const double cells = static_cast<double>(num_treated * (nt - p.first_post));
  const double cf_mean = static_cast<double>(treated_post) / cells - r.level.estimate;
  r.rate_ratio = 1 + r.level.estimate / cf_mean;
  r.rate_ratio_lo = 1 + r.level.lo / cf_mean;
  r.rate_ratio_hi = 1 + r.level.hi / cf_mean;
  if (r.rate_ratio_lo > r.rate_ratio_hi) std::swap(r.rate_ratio_lo, r.rate_ratio_hi);
  r.extra["units"] = nu;
  r.extra["treated_units"] = num_treated;
  r.extra["periods"] = nt;
  r.extra["clusters"] = nu;
  if (!fit.warnings.empty()) r.extra["warnings"] = fit.warnings;
  r.extra["counterfactual_mean"] = JsonNumber(cf_mean);
  // Event study: leads/lags grouped into bins of consecutive periods; reference = last pre bin.
  const int bins = std::max(1, o.event_study_bins);
  auto split = [&](std::size_t begin, std::size_t end) {
    std::vector<std::pair<std::size_t, std::size_t>> groups;
    const std::size_t len = end - begin;
    const std::size_t k = std::min<std::size_t>(len, static_cast<std::size_t>(bins));
    for (std::size_t g = 0; g < k; ++g) groups.emplace_back(begin + len * g / k, begin + len * (g + 1) / k);
    return groups;
  };
  const auto pre_groups = split(0, p.first_post), post_groups = split(p.first_post, nt);
  std::vector<std::pair<std::size_t, std::size_t>> groups(pre_groups.begin(), pre_groups.end() - 1);
  const std::size_t num_leads = groups.size();
  groups.insert(groups.end(), post_groups.begin(), post_groups.end());
  Matrix xe(nu * nt, groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::vector<double> dg(nu * nt, 0.0);
    for (std::size_t u = 0; u < nu; ++u)
      if (p.treated[u])
        for (std::size_t t = groups[g].first; t < groups[g].second; ++t) dg[u * nt + t] = 1.0;
    const auto dm = demean(dg);
    for (std::size_t i = 0; i < dm.size(); ++i) xe(i, g) = dm[i];
  }
  nlohmann::json es = nlohmann::json::array();
  try {
    const RegressionFit ef = FitOls(xe, y, ro);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto [lo, hi] = ef.Interval(g);
      const long long rel_begin = static_cast<long long>(groups[g].first) - static_cast<long long>(p.first_post);
      const long long rel_end = static_cast<long long>(groups[g].second) - static_cast<long long>(p.first_post);
      es.push_back({{"periods", {rel_begin, rel_end}},
                    {"kind", g < num_leads ? "lead" : "lag"},
                    {"estimate", ef.coef[g]},
                    {"se", ef.se[g]},
                    {"ci", {lo, hi}},
                    {"p", JsonNumber(ef.PValue(g))}});
    }
    if (num_leads > 0) {
      // Joint Wald test of the leads: F = b' V^-1 b / q with (q, G-1) df.
      Matrix v(num_leads, num_leads);
      std::vector<double> b(num_leads);
      for (std::size_t a = 0; a < num_leads; ++a) {
        b[a] = ef.coef[a];
        for (std::size_t c = 0; c < num_leads; ++c) v(a, c) = ef.cov(a, c);
      }
      const auto sol = CholeskySolve(Cholesky(v, "lead covariance"), b);
      double w = 0;
      for (std::size_t a = 0; a < num_leads; ++a) w += b[a] * sol[a];
      const double f = w / static_cast<double>(num_leads);
      r.extra["pretrend_test"] = {{"F", f},
                                  {"df", {num_leads, ef.df_inference}},
                                  {"p", FSurvival(f, static_cast<double>(num_leads), ef.df_inference)}};
    }
    r.extra["reference_periods"] = {
        static_cast<long long>(pre_groups.back().first) - static_cast<long long>(p.first_post),
        static_cast<long long>(pre_groups.back().second) - static_cast<long long>(p.first_post)};
  } catch (const Error& e) {
    r.extra["event_study_error"] = e.what();
  }
  r.extra["event_study"] = es;
  return r;
}

}  // namespace relais::toolkit
