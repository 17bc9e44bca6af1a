// Interrupted time series: segmented regression, OLS with Newey–West errors or a Poisson / quasi-Poisson GLM
// (see event.hpp).
#include <algorithm>
#include <cmath>

#include "event_internal.hpp"
#include "relais/base/error.hpp"
#include "relais/toolkit/analysis/event.hpp"

namespace relais::toolkit {

using namespace event_detail;

namespace {

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
        if (o.weight_by_offset) ro.weights = in.offset;
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

}  // namespace

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
    if (!in.offset.empty()) r.extra["weights"] = o.weight_by_offset ? "offset" : "none";
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

}  // namespace relais::toolkit
