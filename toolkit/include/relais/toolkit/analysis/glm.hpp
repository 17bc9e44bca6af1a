// Linear and Poisson regression: OLS/WLS with classical, HC1, Newey–West (HAC) or cluster-robust
// covariances, and Poisson / quasi-Poisson GLMs with log link and offset fitted by IRLS.
//
// References: Newey & West (1987, 1994) for the Bartlett-kernel HAC estimator and lag rule;
// McCullagh & Nelder (1989) for IRLS and the Pearson dispersion of quasi-Poisson models. The
// conventions match statsmodels (OLS cov_type="HAC" without small-sample correction and normal
// inference; cov_type="cluster" with its G/(G-1)·(N-1)/(N-K) correction and t(G-1) inference;
// GLM Poisson with scale="X2" for quasi-Poisson).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "relais/toolkit/analysis/linalg.hpp"

namespace relais::toolkit {

enum class CovType { kClassical, kHc1, kHac, kCluster };

struct RegressionOptions {
  CovType cov = CovType::kClassical;
  int hac_lags = -1;                       // -1: Newey–West rule floor(4 (n/100)^(2/9))
  std::span<const std::int64_t> clusters;  // one id per row for kCluster
  std::span<const double> weights;         // WLS weights (empty = OLS)
  int absorbed = 0;                        // parameters absorbed before the fit (fixed effects), counted in df_resid
};

struct RegressionFit {
  std::vector<double> coef;
  Matrix cov;  // covariance of coef
  std::vector<double> se;
  std::vector<double> fitted;  // mean (response scale)
  std::vector<double> resid;   // response residuals y - fitted
  std::size_t n = 0, p = 0;
  double df_resid = 0;
  double ssr = 0;         // (weighted) residual sum of squares, OLS
  double dispersion = 1;  // sigma^2 for OLS; Pearson chi2/(n-p) for quasi-Poisson; 1 for Poisson
  double pearson_chi2 = 0;
  double deviance = 0;
  double loglik = 0;
  bool use_t = false;  // inference with Student t (df_inference) instead of normal
  double df_inference = 0;
  int hac_lags = 0;
  int iterations = 0;
  bool converged = true;
  int step_halvings = 0;              // Poisson IRLS steps halved (deviance rose or the mean overflowed)
  std::vector<std::size_t> aliased;   // design columns dropped as linear combinations of earlier ones
  std::vector<std::string> warnings;  // non-convergence, aliased columns

  /// Two-sided p for coefficient k.
  double PValue(std::size_t k) const;
  /// Confidence interval for coefficient k at level 1 - alpha.
  std::pair<double, double> Interval(std::size_t k, double alpha = 0.05) const;
  /// Critical value used by Interval.
  double Critical(double alpha = 0.05) const;
};

/// Newey–West (1994) rule of thumb: floor(4 (n/100)^(2/9)).
int NeweyWestLags(std::size_t n);

/// OLS (or WLS with options.weights) by column-pivoted Householder QR (Eigen). Columns that are linear
/// combinations of earlier ones (rank tolerance 1e-7 on unit-norm columns, as R's lm) are dropped: their
/// coefficient, standard error and covariance are NaN, `aliased` lists them and `warnings` says so.
/// Throws kData when n <= p.
RegressionFit FitOls(const Matrix& x, std::span<const double> y, const RegressionOptions& options = {});

enum class PoissonFamily { kPoisson, kQuasiPoisson };

/// Poisson GLM with log link: log E[y] = offset + X b, by IRLS (each step a weighted QR solve) with
/// step-halving when a step raises the deviance or overflows the mean. `offset` may be empty; counts
/// must be >= 0. Aliased columns as FitOls. Not converged in max_iterations: `converged` false and a
/// warning (the estimates are returned, not thrown away).
RegressionFit FitPoisson(const Matrix& x, std::span<const double> y, std::span<const double> offset,
                         PoissonFamily family, int max_iterations = 100, double tolerance = 1e-10);

}  // namespace relais::toolkit
