// OLS/WLS with robust covariances and Poisson GLMs by IRLS (see glm.hpp).
#include "relais/toolkit/analysis/glm.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "relais/base/error.hpp"

namespace relais::toolkit {

double RegressionFit::Critical(double alpha) const {
  return use_t ? StudentTQuantile(1 - alpha / 2, df_inference) : NormalQuantile(1 - alpha / 2);
}

double RegressionFit::PValue(std::size_t k) const {
  const double z = coef[k] / se[k];
  if (!std::isfinite(z)) return std::nan("");
  return use_t ? StudentTTwoSidedP(z, df_inference) : 2 * NormalCdf(-std::abs(z));
}

std::pair<double, double> RegressionFit::Interval(std::size_t k, double alpha) const {
  const double c = Critical(alpha);
  return {coef[k] - c * se[k], coef[k] + c * se[k]};
}

int NeweyWestLags(std::size_t n) {
  return static_cast<int>(std::floor(4.0 * std::pow(static_cast<double>(n) / 100.0, 2.0 / 9.0)));
}

namespace {

// Sandwich bread^-1 * meat * bread^-1.
Matrix Sandwich(const Matrix& bread_inv, const Matrix& meat) { return Multiply(Multiply(bread_inv, meat), bread_inv); }

void CheckShape(const Matrix& x, std::span<const double> y) {
  if (x.rows() != y.size()) throw Error(ErrorKind::kInternal, "design and response lengths differ");
  if (x.rows() <= x.cols())
    throw Error(ErrorKind::kData, "too few observations: " + std::to_string(x.rows()) + " rows for " +
                                      std::to_string(x.cols()) + " coefficients");
  for (double v : y)
    if (!std::isfinite(v)) throw Error(ErrorKind::kData, "response has a non-finite value");
}

}  // namespace

RegressionFit FitOls(const Matrix& x, std::span<const double> y, const RegressionOptions& options) {
  CheckShape(x, y);
  const std::size_t n = x.rows(), p = x.cols();
  const auto w = options.weights;
  const Matrix xtx = CrossProduct(x, w);
  const Matrix l = Cholesky(xtx, "regression design X'X");
  RegressionFit fit;
  fit.n = n;
  fit.p = p;
  fit.coef = CholeskySolve(l, CrossProduct(x, y, w));
  fit.fitted = Multiply(x, fit.coef);
  fit.resid.resize(n);
  long double ssr = 0;
  for (std::size_t i = 0; i < n; ++i) {
    fit.resid[i] = y[i] - fit.fitted[i];
    ssr += (w.empty() ? 1.0L : w[i]) * static_cast<long double>(fit.resid[i]) * fit.resid[i];
  }
  fit.ssr = static_cast<double>(ssr);
  fit.df_resid = static_cast<double>(n) - static_cast<double>(p) - options.absorbed;
  if (fit.df_resid <= 0) throw Error(ErrorKind::kData, "no residual degrees of freedom left");
  fit.dispersion = fit.ssr / fit.df_resid;
  const Matrix bread_inv = InverseSpd(xtx, "regression design X'X");
  // Score contributions s_i = w_i x_i u_i.
  auto score = [&](std::size_t i, std::size_t a) { return (w.empty() ? 1.0 : w[i]) * x(i, a) * fit.resid[i]; };
  switch (options.cov) {
    case CovType::kClassical: {
      fit.cov = bread_inv;
      fit.cov.Scale(fit.dispersion);
      fit.use_t = true;
      fit.df_inference = fit.df_resid;
      break;
    }
    case CovType::kHc1: {
      Matrix meat(p, p);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t a = 0; a < p; ++a)
          for (std::size_t b = 0; b < p; ++b) meat(a, b) += score(i, a) * score(i, b);
      fit.cov = Sandwich(bread_inv, meat);
      const double c = static_cast<double>(n) / fit.df_resid;
      fit.cov.Scale(c);
      fit.use_t = false;
      break;
    }
    case CovType::kHac: {
      const int lags = options.hac_lags >= 0 ? options.hac_lags : NeweyWestLags(n);
      fit.hac_lags = lags;
      std::vector<long double> meat(p * p, 0.0L);
      for (int lag = 0; lag <= lags && static_cast<std::size_t>(lag) < n; ++lag) {
        const long double weight = lag == 0 ? 1.0L : 1.0L - static_cast<long double>(lag) / (lags + 1);
        for (std::size_t i = static_cast<std::size_t>(lag); i < n; ++i)
          for (std::size_t a = 0; a < p; ++a)
            for (std::size_t b = 0; b < p; ++b) {
              const long double g = static_cast<long double>(score(i, a)) * score(i - lag, b);
              meat[a * p + b] += weight * g;
              if (lag > 0) meat[b * p + a] += weight * g;
            }
      }
      Matrix m(p, p);
      for (std::size_t a = 0; a < p; ++a)
        for (std::size_t b = 0; b < p; ++b) m(a, b) = static_cast<double>(meat[a * p + b]);
      fit.cov = Sandwich(bread_inv, m);
      fit.use_t = false;
      break;
    }
    case CovType::kCluster: {
      if (options.clusters.size() != n) throw Error(ErrorKind::kInternal, "cluster ids must have one entry per row");
      std::map<std::int64_t, std::vector<double>> sums;
      for (std::size_t i = 0; i < n; ++i) {
        auto& s = sums[options.clusters[i]];
        s.resize(p, 0.0);
        for (std::size_t a = 0; a < p; ++a) s[a] += score(i, a);
      }
      Matrix meat(p, p);
      for (const auto& [id, s] : sums)
        for (std::size_t a = 0; a < p; ++a)
          for (std::size_t b = 0; b < p; ++b) meat(a, b) += s[a] * s[b];
      const double g = static_cast<double>(sums.size());
      if (g < 2) throw Error(ErrorKind::kData, "cluster-robust errors need at least two clusters");
      fit.cov = Sandwich(bread_inv, meat);
      const double c = g / (g - 1) * (static_cast<double>(n) - 1) / fit.df_resid;
      fit.cov.Scale(c);
      fit.use_t = true;
      fit.df_inference = g - 1;
      break;
    }
  }
  fit.se.resize(p);
  for (std::size_t a = 0; a < p; ++a) fit.se[a] = std::sqrt(std::max(0.0, fit.cov(a, a)));
  const double nn = static_cast<double>(n);
  fit.loglik = -nn / 2 * (std::log(2 * M_PI) + std::log(fit.ssr / nn) + 1);
  return fit;
}

RegressionFit FitPoisson(const Matrix& x, std::span<const double> y, std::span<const double> offset,
                         PoissonFamily family, int max_iterations, double tolerance) {
  CheckShape(x, y);
  const std::size_t n = x.rows(), p = x.cols();
  for (double v : y)
    if (v < 0) throw Error(ErrorKind::kData, "Poisson model needs non-negative counts, got " + std::to_string(v));
  auto off = [&](std::size_t i) { return offset.empty() ? 0.0 : offset[i]; };
  // Start as statsmodels does: mu = (y + mean y) / 2.
  double ybar = 0;
  for (double v : y) ybar += v;
  ybar /= static_cast<double>(n);
  std::vector<double> mu(n), eta(n), z(n), w(n);
  for (std::size_t i = 0; i < n; ++i) {
    mu[i] = (y[i] + ybar) / 2;
    if (mu[i] <= 0) mu[i] = 1e-8;
    eta[i] = std::log(mu[i]);
  }
  auto deviance = [&](const std::vector<double>& m) {
    long double d = 0;
    for (std::size_t i = 0; i < n; ++i) d += 2 * ((y[i] > 0 ? y[i] * std::log(y[i] / m[i]) : 0.0) - (y[i] - m[i]));
    return static_cast<double>(d);
  };
  RegressionFit fit;
  fit.n = n;
  fit.p = p;
  double dev = deviance(mu);
  Matrix xtwx;
  bool converged = false;
  int it = 0;
  for (; it < max_iterations; ++it) {
    for (std::size_t i = 0; i < n; ++i) {
      w[i] = mu[i];
      z[i] = eta[i] - off(i) + (y[i] - mu[i]) / mu[i];
    }
    xtwx = CrossProduct(x, w);
    const Matrix l = Cholesky(xtwx, "Poisson design X'WX");
    fit.coef = CholeskySolve(l, CrossProduct(x, z, w));
    const auto lin = Multiply(x, fit.coef);
    for (std::size_t i = 0; i < n; ++i) {
      eta[i] = lin[i] + off(i);
      mu[i] = std::exp(eta[i]);
      if (!std::isfinite(mu[i])) throw Error(ErrorKind::kData, "Poisson fit diverged (fitted mean overflows)");
      mu[i] = std::max(mu[i], 1e-300);
    }
    const double new_dev = deviance(mu);
    const bool done = std::abs(new_dev - dev) <= tolerance * (std::abs(new_dev) + tolerance);
    dev = new_dev;
    if (done) {
      converged = true;
      ++it;
      break;
    }
  }
  for (std::size_t i = 0; i < n; ++i) w[i] = mu[i];
  xtwx = CrossProduct(x, w);
  fit.iterations = it;
  fit.converged = converged;
  fit.fitted = mu;
  fit.resid.resize(n);
  long double chi2 = 0, ll = 0;
  for (std::size_t i = 0; i < n; ++i) {
    fit.resid[i] = y[i] - mu[i];
    chi2 += static_cast<long double>(fit.resid[i]) * fit.resid[i] / mu[i];
    ll += y[i] * std::log(mu[i]) - mu[i] - std::lgamma(y[i] + 1);
  }
  fit.pearson_chi2 = static_cast<double>(chi2);
  fit.deviance = dev;
  fit.loglik = static_cast<double>(ll);
  fit.df_resid = static_cast<double>(n - p);
  fit.dispersion = family == PoissonFamily::kQuasiPoisson ? fit.pearson_chi2 / fit.df_resid : 1.0;
  fit.cov = InverseSpd(xtwx, "Poisson design X'WX");
  fit.cov.Scale(fit.dispersion);
  fit.se.resize(p);
  for (std::size_t a = 0; a < p; ++a) fit.se[a] = std::sqrt(std::max(0.0, fit.cov(a, a)));
  fit.use_t = false;
  return fit;
}

}  // namespace relais::toolkit
