// OLS/WLS with robust covariances and Poisson GLMs by IRLS (see glm.hpp).
#include "relais/toolkit/analysis/glm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <Eigen/Dense>

#include "relais/base/error.hpp"
#include "relais/base/log_gamma.hpp"

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

using EigenMatrix = Eigen::MatrixXd;
using EigenVector = Eigen::VectorXd;

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

// The columns `cols` of diag(sqrt w) X as an Eigen matrix (w empty = ones).
EigenMatrix WeightedColumns(const Matrix& x, std::span<const double> w, const std::vector<std::size_t>& cols) {
  EigenMatrix m(static_cast<Eigen::Index>(x.rows()), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t i = 0; i < x.rows(); ++i) {
    const double s = w.empty() ? 1.0 : std::sqrt(w[i]);
    for (std::size_t c = 0; c < cols.size(); ++c)
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = s * x(i, cols[c]);
  }
  return m;
}

// Relative pivot below which a column counts as a linear combination of the others (R's lm uses
// 1e-7 on unit-norm columns too).
constexpr double kRankTolerance = 1e-7;

Eigen::Index RankOf(EigenMatrix m) {
  for (Eigen::Index c = 0; c < m.cols(); ++c) {
    const double norm = m.col(c).norm();
    if (norm > 0) m.col(c) /= norm;
  }
  Eigen::ColPivHouseholderQR<EigenMatrix> qr(m);
  qr.setThreshold(kRankTolerance);
  return qr.rank();
}

// The columns of X that are not linear combinations of earlier ones, in order: a rank-deficient
// design drops its aliased (later) columns, as R's lm and statsmodels' formula fits report them.
std::vector<std::size_t> IndependentColumns(const Matrix& x) {
  std::vector<std::size_t> all(x.cols());
  for (std::size_t c = 0; c < all.size(); ++c) all[c] = c;
  if (static_cast<std::size_t>(RankOf(WeightedColumns(x, {}, all))) == all.size()) return all;
  std::vector<std::size_t> kept;
  for (std::size_t c : all) {
    kept.push_back(c);
    if (static_cast<std::size_t>(RankOf(WeightedColumns(x, {}, kept))) < kept.size()) kept.pop_back();
  }
  return kept;
}

// Weighted least squares by column-pivoted Householder QR of diag(sqrt w) X with its columns scaled
// to unit norm (the rank test is then scale-free): coefficients and (X'WX)^-1 = P R^-1 R^-T P'.
// `rank` < x.cols() means aliased columns: nothing else is filled then.
struct QrFit {
  std::size_t rank = 0;
  std::vector<double> coef;
  Matrix xtx_inv;
};

QrFit SolveQr(const Matrix& x, std::span<const double> y, std::span<const double> w) {
  std::vector<std::size_t> cols(x.cols());
  for (std::size_t c = 0; c < cols.size(); ++c) cols[c] = c;
  EigenMatrix xw = WeightedColumns(x, w, cols);
  const auto k = static_cast<Eigen::Index>(cols.size());
  EigenVector scale(k);
  for (Eigen::Index c = 0; c < k; ++c) {
    const double norm = xw.col(c).norm();
    scale(c) = norm > 0 ? norm : 1.0;
    xw.col(c) /= scale(c);
  }
  Eigen::ColPivHouseholderQR<EigenMatrix> qr(xw);
  qr.setThreshold(kRankTolerance);
  QrFit out;
  out.rank = static_cast<std::size_t>(qr.rank());
  if (out.rank < cols.size()) return out;
  EigenVector yw(static_cast<Eigen::Index>(y.size()));
  for (std::size_t i = 0; i < y.size(); ++i)
    yw(static_cast<Eigen::Index>(i)) = (w.empty() ? 1.0 : std::sqrt(w[i])) * y[i];
  const EigenVector b = qr.solve(yw).cwiseQuotient(scale);
  const EigenMatrix r = qr.matrixR().topLeftCorner(k, k).triangularView<Eigen::Upper>();
  const EigenMatrix r_inv = r.triangularView<Eigen::Upper>().solve(EigenMatrix::Identity(k, k));
  const auto& perm = qr.colsPermutation();
  const EigenMatrix inv = perm * (r_inv * r_inv.transpose()) * perm.transpose();
  out.coef.assign(b.data(), b.data() + k);
  out.xtx_inv = Matrix(cols.size(), cols.size());
  for (Eigen::Index a = 0; a < k; ++a)
    for (Eigen::Index c = 0; c < k; ++c)
      out.xtx_inv(static_cast<std::size_t>(a), static_cast<std::size_t>(c)) =
          0.5 * (inv(a, c) + inv(c, a)) / (scale(a) * scale(c));
  for (double v : out.coef)
    if (!std::isfinite(v)) throw Error(ErrorKind::kData, "regression has a non-finite coefficient (degenerate design)");
  return out;
}

// SolveQr on columns known to be independent; a rank lost to the weights is a data error.
QrFit SolveFullRank(const Matrix& x, std::span<const double> y, std::span<const double> w, const char* what) {
  QrFit out = SolveQr(x, y, w);
  if (out.rank < x.cols())
    throw Error(ErrorKind::kData, std::string(what) + " is singular (weights leave rank " + std::to_string(out.rank) +
                                      " of " + std::to_string(x.cols()) + ")");
  return out;
}

// X restricted to `cols`.
Matrix SelectColumns(const Matrix& x, const std::vector<std::size_t>& cols) {
  Matrix out(x.rows(), cols.size());
  for (std::size_t i = 0; i < x.rows(); ++i)
    for (std::size_t c = 0; c < cols.size(); ++c) out(i, c) = x(i, cols[c]);
  return out;
}

// Puts a fit on the independent columns back on all p columns: aliased ones get NaN coefficient,
// standard error and covariance, and a warning names them.
void ExpandAliased(RegressionFit& fit, const std::vector<std::size_t>& cols, std::size_t p) {
  if (cols.size() == p) return;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> coef(p, nan), se(p, nan);
  Matrix cov(p, p, nan);
  for (std::size_t a = 0; a < cols.size(); ++a) {
    coef[cols[a]] = fit.coef[a];
    se[cols[a]] = fit.se[a];
    for (std::size_t b = 0; b < cols.size(); ++b) cov(cols[a], cols[b]) = fit.cov(a, b);
  }
  std::string names;
  for (std::size_t c = 0, k = 0; c < p; ++c) {
    if (k < cols.size() && cols[k] == c) {
      ++k;
      continue;
    }
    fit.aliased.push_back(c);
    names += (names.empty() ? "" : ", ") + std::to_string(c);
  }
  fit.warnings.push_back("design columns " + names +
                         " are linear combinations of earlier columns: dropped (coefficients null)");
  fit.coef = std::move(coef);
  fit.se = std::move(se);
  fit.cov = std::move(cov);
  fit.p = cols.size();
}

}  // namespace

RegressionFit FitOls(const Matrix& x_full, std::span<const double> y, const RegressionOptions& options) {
  CheckShape(x_full, y);
  const auto w = options.weights;
  QrFit qr = SolveQr(x_full, y, w);  // one QR when the design has full rank (the usual case)
  std::vector<std::size_t> cols(x_full.cols());
  for (std::size_t c = 0; c < cols.size(); ++c) cols[c] = c;
  const bool full_rank = qr.rank == x_full.cols();
  if (!full_rank) cols = IndependentColumns(x_full);
  const Matrix reduced = full_rank ? Matrix() : SelectColumns(x_full, cols);
  const Matrix& x = full_rank ? x_full : reduced;
  if (!full_rank) qr = SolveFullRank(x, y, w, "regression design");
  const std::size_t n = x.rows(), p = x.cols();
  RegressionFit fit;
  fit.n = n;
  fit.p = p;
  fit.coef = std::move(qr.coef);
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
  const Matrix& bread_inv = qr.xtx_inv;
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
  ExpandAliased(fit, cols, x_full.cols());
  return fit;
}

RegressionFit FitPoisson(const Matrix& x_full, std::span<const double> y, std::span<const double> offset,
                         PoissonFamily family, int max_iterations, double tolerance) {
  CheckShape(x_full, y);
  for (double v : y)
    if (v < 0) throw Error(ErrorKind::kData, "Poisson model needs non-negative counts, got " + std::to_string(v));
  const std::vector<std::size_t> cols = IndependentColumns(x_full);
  const bool full_rank = cols.size() == x_full.cols();
  const Matrix reduced = full_rank ? Matrix() : SelectColumns(x_full, cols);
  const Matrix& x = full_rank ? x_full : reduced;
  const std::size_t n = x.rows(), p = x.cols();
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
  // The mean at coefficients b; false when it overflows.
  auto mean_at = [&](const std::vector<double>& b) {
    const auto lin = Multiply(x, b);
    for (std::size_t i = 0; i < n; ++i) {
      eta[i] = lin[i] + off(i);
      mu[i] = std::exp(eta[i]);
      if (!std::isfinite(mu[i])) return false;
      mu[i] = std::max(mu[i], 1e-300);
    }
    return true;
  };
  RegressionFit fit;
  fit.n = n;
  fit.p = p;
  double dev = deviance(mu);
  std::vector<double> previous;  // last accepted coefficients
  bool converged = false;
  int it = 0, halvings = 0;
  for (; it < max_iterations; ++it) {
    for (std::size_t i = 0; i < n; ++i) {
      w[i] = mu[i];
      z[i] = eta[i] - off(i) + (y[i] - mu[i]) / mu[i];
    }
    std::vector<double> coef = SolveFullRank(x, z, w, "Poisson design X'WX").coef;
    // Step-halving: a step that overflows the mean or raises the deviance is halved towards the
    // previous coefficients (up to 30 times), as R's glm.fit does for a non-finite deviance.
    bool ok = mean_at(coef);
    double new_dev = ok ? deviance(mu) : std::numeric_limits<double>::infinity();
    for (int h = 0; !previous.empty() && h < 30 && !(std::isfinite(new_dev) && new_dev <= dev * (1 + 1e-12)); ++h) {
      for (std::size_t a = 0; a < p; ++a) coef[a] = 0.5 * (coef[a] + previous[a]);
      ok = mean_at(coef);
      new_dev = ok ? deviance(mu) : std::numeric_limits<double>::infinity();
      ++halvings;
    }
    if (!ok || !std::isfinite(new_dev)) throw Error(ErrorKind::kData, "Poisson fit diverged (fitted mean overflows)");
    previous = coef;
    fit.coef = std::move(coef);
    const bool done = std::abs(new_dev - dev) <= tolerance * (std::abs(new_dev) + tolerance);
    dev = new_dev;
    if (done) {
      converged = true;
      ++it;
      break;
    }
  }
  for (std::size_t i = 0; i < n; ++i) w[i] = mu[i];
  fit.iterations = it;
  fit.converged = converged;
  fit.step_halvings = halvings;
  if (!converged)
    fit.warnings.push_back("Poisson IRLS did not converge in " + std::to_string(max_iterations) +
                           " iterations: estimates and errors are unreliable");
  fit.fitted = mu;
  fit.resid.resize(n);
  long double chi2 = 0, ll = 0;
  for (std::size_t i = 0; i < n; ++i) {
    fit.resid[i] = y[i] - mu[i];
    chi2 += static_cast<long double>(fit.resid[i]) * fit.resid[i] / mu[i];
    ll += y[i] * std::log(mu[i]) - mu[i] - LogGamma(y[i] + 1);
  }
  fit.pearson_chi2 = static_cast<double>(chi2);
  fit.deviance = dev;
  fit.loglik = static_cast<double>(ll);
  fit.df_resid = static_cast<double>(n - p);
  fit.dispersion = family == PoissonFamily::kQuasiPoisson ? fit.pearson_chi2 / fit.df_resid : 1.0;
  fit.cov =
      SolveFullRank(x, std::vector<double>(n, 0.0), w, "Poisson design X'WX").xtx_inv;  // (X'WX)^-1 at the final mean
  fit.cov.Scale(fit.dispersion);
  fit.se.resize(p);
  for (std::size_t a = 0; a < p; ++a) fit.se[a] = std::sqrt(std::max(0.0, fit.cov(a, a)));
  fit.use_t = false;
  ExpandAliased(fit, cols, x_full.cols());
  return fit;
}

}  // namespace relais::toolkit
