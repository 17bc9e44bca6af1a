// Difference-in-differences: two-way fixed effects with unit-clustered errors, an event study of leads and
// lags, and the joint pre-trend test (see event.hpp).
#include <algorithm>
#include <cmath>

#include "event_internal.hpp"
#include "relais/base/error.hpp"
#include "relais/toolkit/analysis/event.hpp"
#include "relais/toolkit/analysis/linalg.hpp"

namespace relais::toolkit {

using namespace event_detail;

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
  // In-time placebo: nothing happened at the middle of the pre-event periods, so a static DiD there
  // estimates the differential pre-trend (in the outcome's units, comparable with the level change).
  if (o.placebo_in_time && p.first_post >= 4) {
    Panel pre;
    pre.units = nu;
    pre.periods = p.first_post;
    pre.first_post = p.first_post / 2;
    pre.treated = p.treated;
    pre.y.reserve(nu * pre.periods);
    for (std::size_t u = 0; u < nu; ++u)
      for (std::size_t t = 0; t < pre.periods; ++t) pre.y.push_back(p.y[u * nt + t]);
    DidOptions po;
    po.event_study_bins = 1;
    po.placebo_in_time = false;
    try {
      const EventResult pr = FitDifferenceInDifferences(pre, po);
      r.extra["placebo_in_time"] = {
          {"periods", {-static_cast<long long>(p.first_post), 0}},
          {"fake_event", static_cast<long long>(pre.first_post) - static_cast<long long>(p.first_post)},
          {"estimate", JsonNumber(pr.level.estimate)},
          {"se", JsonNumber(pr.level.se)},
          {"ci", {JsonNumber(pr.level.lo), JsonNumber(pr.level.hi)}},
          {"p", JsonNumber(pr.level.p)}};
    } catch (const Error& e) {
      r.extra["placebo_in_time"] = {{"error", e.what()}};
    }
  }
  return r;
}

}  // namespace relais::toolkit
