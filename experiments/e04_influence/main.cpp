// e04_influence: how many events does the Hawkes fit need? Simulate the planted 9-class process of
// truth.json (mu, alpha, beta) over increasing horizons, fit at the planted beta, and report the relative
// Frobenius error of alpha and the relative error of mu against the number of events; bootstrap and Wald
// (observed-information) intervals at the largest horizon.
#include <algorithm>
#include <cmath>
#include <tuple>

#include "e01_deplatforming/world.hpp"
#include "relais/toolkit/analysis/hawkes.hpp"
#include "relais/toolkit/analysis/linalg.hpp"

using namespace relais;
using namespace relais::experiments;

namespace {

// Mean and its 95% t interval over replicates.
std::tuple<double, double, double> MeanInterval(const std::vector<double>& v) {
  const double n = static_cast<double>(v.size());
  double mean = 0, ss = 0;
  for (double x : v) mean += x / n;
  for (double x : v) ss += (x - mean) * (x - mean);
  if (v.size() < 2) return {mean, mean, mean};
  const double half = toolkit::StudentTQuantile(0.975, n - 1) * std::sqrt(ss / (n - 1) / n);
  return {mean, mean - half, mean + half};
}

// OLS slope of y on x with its 95% t interval.
std::tuple<double, double, double> LogLogSlope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
  const double b = sxy / sxx;
  double ssr = 0;
  for (std::size_t i = 0; i < x.size(); ++i) ssr += std::pow(y[i] - my - b * (x[i] - mx), 2);
  const double half = toolkit::StudentTQuantile(0.975, n - 2) * std::sqrt(ssr / (n - 2) / sxx);
  return {b, b - half, b + half};
}

// The Wald interval of α(i, j): α̂ ± 1.96 se, its lower end clipped at 0.
std::pair<double, double> WaldInterval(double estimate, double se) {
  return {std::max(0.0, estimate - 1.959964 * se), estimate + 1.959964 * se};
}

void WaldRows(const std::vector<std::string>& groups, const toolkit::HawkesParams& planted,
              const toolkit::HawkesParams& fitted, const toolkit::HawkesStandardErrors& se, int rep,
              std::vector<std::vector<std::string>>& rows) {
  for (std::size_t i = 0; i < groups.size(); ++i)
    for (std::size_t j = 0; j < groups.size(); ++j) {
      const double a = planted.alpha(i, j), est = fitted.alpha(i, j), s = se.alpha(i, j);
      const auto [lo, hi] = WaldInterval(est, s);
      rows.push_back({std::to_string(rep), groups[i], groups[j], Num(a), Num(est), Num(s), Num(lo), Num(hi),
                      lo <= a && a <= hi ? "1" : "0"});
    }
}

}  // namespace

int main(int argc, char** argv) {
  Experiment exp("e04_influence", "How does Hawkes recovery error fall with the number of events?");
  return RunExperiment(argc, argv, exp, [](Experiment& e) {
    World w = PrepareWorld(e, /*need_store=*/false);
    const auto& h = w.truth["hawkes"];
    std::vector<std::string> groups = w.truth["groups"].get<std::vector<std::string>>();
    const std::size_t k = groups.size();
    e.result()["classes"] = k;
    toolkit::HawkesParams planted;
    planted.beta = h["beta_per_hour"].get<double>();
    planted.alpha = toolkit::Matrix(k, k);
    for (std::size_t i = 0; i < k; ++i) {
      planted.mu.push_back(h["mu_per_day"][groups[i]].get<double>() / 24.0);  // times in hours
      for (std::size_t j = 0; j < k; ++j) planted.alpha(i, j) = h["alpha"][groups[i]][groups[j]].get<double>();
    }
    std::vector<double> days = {5, 10, 20, 40};
    int boot = 30;
    if (e.args().scale == "medium") days = {5, 10, 20, 40, 80, 160}, boot = 50;
    if (e.args().scale == "large") days = {5, 10, 20, 40, 80, 160, 320, 640}, boot = 100;
    e.params()["horizons_days"] = days;
    e.params()["bootstrap"] = boot;
    e.params()["beta_per_hour"] = planted.beta;

    // Each horizon is simulated `replicates` times (seeds seed*1000 + horizon + 100*replicate): one draw per
    // horizon makes the error curve as noisy as the fits (at 1–8k events, entries of the small classes —
    // agency, PR, brands, institutions — still vary by ±0.2), so the curve reports the mean over replicates.
    const int replicates = e.args().scale == "large" ? 3 : 5;
    e.params()["replicates_per_horizon"] = replicates;
    double norm_a = 0, norm_mu = 0;
    for (double v : planted.alpha.data()) norm_a += v * v;
    for (double v : planted.mu) norm_mu += v * v;
    std::vector<std::vector<std::string>> rows, rep_rows;
    std::vector<double> log_n, log_err;  // every replicate, for the slope
    std::vector<double> mean_err;
    toolkit::HawkesFit last;
    std::vector<std::vector<std::string>> wald_rows;  // every replicate at the largest horizon
    toolkit::EventSequence last_events;
    double ea_last = 0;
    for (std::size_t r = 0; r < days.size(); ++r) {
      std::vector<double> ea_r, em_r, n_r, br_r, secs_r;
      for (int rep = 0; rep < replicates; ++rep) {
        toolkit::SimulationOptions so;
        so.start = 0;
        so.end = days[r] * 24;
        so.seed = e.args().seed * 1000 + r + 100 * static_cast<std::uint64_t>(rep);
        auto sim = toolkit::SimulateHawkes(planted, so);
        toolkit::EventSequence ev;
        ev.group_names = groups;
        ev.start = so.start;
        ev.end = so.end;
        for (const auto& s : sim) {
          ev.times.push_back(s.time);
          ev.groups.push_back(s.group);
        }
        toolkit::HawkesFitOptions fo;
        fo.beta = planted.beta;
        fo.seed = e.args().seed;
        fo.bootstrap = r + 1 == days.size() && rep == 0 ? boot : 0;
        auto t0 = std::chrono::steady_clock::now();
        auto fit = toolkit::FitHawkes(ev, fo);
        const double secs = SecondsSince(t0);
        double ea = 0, em = 0;
        for (std::size_t i = 0; i < k; ++i) {
          em += std::pow(fit.params.mu[i] - planted.mu[i], 2);
          for (std::size_t j = 0; j < k; ++j) ea += std::pow(fit.params.alpha(i, j) - planted.alpha(i, j), 2);
        }
        ea_r.push_back(std::sqrt(ea / norm_a));
        if (r + 1 == days.size() && rep == 0) ea_last = ea_r.back();
        em_r.push_back(std::sqrt(em / norm_mu));
        n_r.push_back(static_cast<double>(ev.times.size()));
        br_r.push_back(fit.branching_ratio);
        secs_r.push_back(secs);
        log_n.push_back(std::log(n_r.back()));
        log_err.push_back(std::log(ea_r.back()));
        rep_rows.push_back(
            {Num(days[r]), std::to_string(rep), Num(n_r.back()), Num(ea_r.back()), Num(em_r.back()), Num(br_r.back())});
        if (r + 1 == days.size()) {
          WaldRows(groups, planted, fit.params, toolkit::HawkesObservedInformationSe(ev, fit.params), rep, wald_rows);
          if (rep == 0) {
            last = fit;
            last_events = ev;
          }
        }
      }
      auto [a_mean, a_lo, a_hi] = MeanInterval(ea_r);
      auto [m_mean, m_lo, m_hi] = MeanInterval(em_r);
      mean_err.push_back(a_mean);
      rows.push_back({Num(days[r]), Num(std::get<0>(MeanInterval(n_r))), Num(a_mean), Num(m_mean),
                      Num(std::get<0>(MeanInterval(br_r))), Num(std::get<0>(MeanInterval(secs_r))), Num(a_lo),
                      Num(a_hi), Num(m_lo), Num(m_hi), std::to_string(replicates),
                      Num(*std::min_element(ea_r.begin(), ea_r.end())),
                      Num(*std::max_element(ea_r.begin(), ea_r.end()))});
    }
    e.WriteCsv("error_vs_n",
               {"days", "events", "alpha_rel_frobenius", "mu_rel_error", "branching_ratio", "fit_seconds",
                "alpha_rel_frobenius_lo", "alpha_rel_frobenius_hi", "mu_rel_error_lo", "mu_rel_error_hi", "replicates",
                "alpha_rel_frobenius_min", "alpha_rel_frobenius_max"},
               rows);
    // Wald intervals (α̂ ± 1.96 se from the observed information) of every replicate at the largest horizon: five
    // fits per seed instead of the bootstrap's one, scored over seeds by experiments/seeds.py.
    e.WriteCsv("alpha_wald_replicates",
               {"replicate", "source", "target", "planted", "estimate", "se", "wald_lo", "wald_hi", "wald_covered"},
               wald_rows);
    e.WriteCsv("error_replicates",
               {"days", "replicate", "events", "alpha_rel_frobenius", "mu_rel_error", "branching_ratio"}, rep_rows);
    // Consistency of the maximum-likelihood fit: the error falls as events grow. Slope of log error on log
    // events over every replicate (OLS, t interval); for a regular √n-consistent estimator it tends to −1/2
    // (reported; entries planted at 0 sit on the boundary, so the small-sample slope can be flatter).
    const auto [slope, slope_lo, slope_hi] = LogLogSlope(log_n, log_err);
    CheckDirection(e, "alpha error falls with events: slope of log error on log events < 0", -1, slope, slope_lo,
                   slope_hi);
    e.result()["alpha_error_slope"] = {{"estimate", slope}, {"ci", {slope_lo, slope_hi}}, {"sqrt_n_rate", -0.5}};
    // Mean error at the largest horizon below the smallest: covered when the largest's interval lies wholly
    // below the smallest's mean.
    e.result()["checks"].push_back({{"name", "mean alpha error at the largest horizon < at the smallest"},
                                    {"truth", "< " + Num(mean_err.front())},
                                    {"estimate", mean_err.back()},
                                    {"ci", {std::stod(rows.back()[6]), std::stod(rows.back()[7])}},
                                    {"covered", std::stod(rows.back()[7]) < mean_err.front()}});

    // β fitted, not planted (issue 18: fitting at the planted β made the check circular). At the largest horizon's
    // first replicate: β by profile likelihood, its 95 % profile-likelihood interval {β : 2 (ℓmax − ℓ(β)) ≤
    // 3.84} found by bisection on log β on each side, and α's error at the fitted β beside the planted-β fit's.
    {
      toolkit::HawkesFitOptions po;
      po.seed = e.args().seed;
      auto t0 = std::chrono::steady_clock::now();
      const toolkit::HawkesFit pf = toolkit::FitHawkes(last_events, po);
      const double lmax = pf.loglik, bhat = pf.params.beta;
      toolkit::HawkesFitOptions fixed;
      fixed.seed = e.args().seed;
      auto deficit = [&](double lb) {
        return 2 * (lmax - toolkit::FitHawkesFixedBeta(last_events, std::exp(lb), fixed, &pf.params).loglik);
      };
      auto bound = [&](double dir) {
        double inside = std::log(bhat), step = 0.05, outside = inside + dir * step;
        for (int k = 0; k < 30 && deficit(outside) <= 3.841459; ++k) {
          inside = outside;
          step *= 2;
          outside = inside + dir * step;
        }
        for (int k = 0; k < 14; ++k) {
          const double mid = (inside + outside) / 2;
          (deficit(mid) <= 3.841459 ? inside : outside) = mid;
        }
        return std::exp((inside + outside) / 2);
      };
      const double blo = bound(-1), bhi = bound(+1);
      double ea = 0;
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j) ea += std::pow(pf.params.alpha(i, j) - planted.alpha(i, j), 2);
      e.result()["beta_fitted"] = {{"estimate", bhat},
                                   {"ci", {blo, bhi}},
                                   {"interval", "profile likelihood, chi2(1) 95%"},
                                   {"alpha_rel_frobenius_at_fitted_beta", std::sqrt(ea / norm_a)},
                                   {"alpha_rel_frobenius_at_planted_beta", ea_last},
                                   {"seconds", SecondsSince(t0)}};
      e.Check("beta fitted by profile likelihood (per hour; 95% profile-likelihood interval)", planted.beta, bhat, blo,
              bhi);
    }

    // Bootstrap coverage of the planted alpha at the largest horizon.
    std::vector<std::vector<std::string>> cov;
    const toolkit::HawkesStandardErrors last_se = toolkit::HawkesObservedInformationSe(last_events, last.params);
    // Percentile intervals of entries planted at 0 sit on the boundary (estimates are ≥ 0), so coverage is
    // scored on the positive entries; zero entries count as recovered when the interval's lower end is ≤ 0.01.
    double covered = 0, positive = 0, zero_ok = 0, zeros = 0;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        auto [lo, hi] = last.alpha_ci[i][j];
        const double a = planted.alpha(i, j);
        bool in = lo <= a && a <= hi;
        if (a > 0) {
          positive += 1;
          covered += in ? 1 : 0;
        } else {
          zeros += 1;
          zero_ok += lo <= 0.01 ? 1 : 0;
        }
        // Beside the percentile interval: the normal interval (estimate ± 1.96 bootstrap sd) and the basic one
        // (2 estimate − percentile bounds), clipped at 0; scored over seeds by experiments/seeds.py.
        const double est = last.params.alpha(i, j), sd = last.alpha_boot_sd[i][j];
        const double nlo = std::max(0.0, est - 1.959964 * sd), nhi = est + 1.959964 * sd;
        const double blo = std::max(0.0, 2 * est - hi), bhi = 2 * est - lo;
        const auto [wlo, whi] = WaldInterval(est, last_se.alpha(i, j));
        cov.push_back({groups[i], groups[j], Num(a), Num(est), Num(lo), Num(hi), in ? "1" : "0",
                       Num(last.alpha_boot_mean[i][j]), Num(sd), Num(nlo), Num(nhi), nlo <= a && a <= nhi ? "1" : "0",
                       Num(blo), Num(bhi), blo <= a && a <= bhi ? "1" : "0", Num(last_se.alpha(i, j)), Num(wlo),
                       Num(whi), wlo <= a && a <= whi ? "1" : "0"});
      }
    e.WriteCsv("alpha_coverage",
               {"source", "target", "planted", "estimate", "lo", "hi", "covered", "boot_mean", "boot_sd", "normal_lo",
                "normal_hi", "normal_covered", "basic_lo", "basic_hi", "basic_covered", "se", "wald_lo", "wald_hi",
                "wald_covered"},
               cov);
    e.CheckAtLeast("share of positive planted alpha entries inside 95% bootstrap intervals >= 0.85", 0.85,
                   positive ? covered / positive : 0);
    e.CheckAtLeast("share of zero planted alpha entries with interval lower end <= 0.01 >= 0.85", 0.85,
                   zeros ? zero_ok / zeros : 0);
    // The named entries' intervals are Wald intervals from the observed information (issue 18): the percentile
    // bootstrap with 30 replicates cannot reach 95 % (its 2.5 % and 97.5 % points are the 1.7th and 29.3rd of 30
    // draws, which hold a fresh draw of the same law with probability 27.55 / 31 = 0.889), and the parametric
    // bootstrap, simulated at α̂, understates the spread where α̂ is low (public→public at seed 2: bootstrap sd
    // 0.040, observed-information se 0.060, sd over five replicate worlds 0.057). The percentile intervals stay in
    // alpha_coverage.csv and in the share check above.
    e.result()["named_alpha_interval"] = "Wald, observed information at the planted beta, 95%";
    for (auto [s, t] : std::vector<std::pair<std::string, std::string>>{{"press-national", "public"},
                                                                        {"press-regional", "public"},
                                                                        {"press-agency", "press-regional"},
                                                                        {"pr", "press-regional"},
                                                                        {"public", "public"}}) {
      auto i = static_cast<std::size_t>(std::find(groups.begin(), groups.end(), s) - groups.begin());
      auto j = static_cast<std::size_t>(std::find(groups.begin(), groups.end(), t) - groups.begin());
      if (i >= k || j >= k) continue;
      const auto [lo, hi] = WaldInterval(last.params.alpha(i, j), last_se.alpha(i, j));
      e.Check("alpha " + s + "->" + t, planted.alpha(i, j), last.params.alpha(i, j), lo, hi);
    }
  });
}
