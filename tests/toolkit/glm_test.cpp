// OLS with Newey–West errors and Poisson/quasi-Poisson GLMs against statsmodels on the same data.
#include "relais/toolkit/analysis/glm.hpp"

#include <array>
#include <cmath>

#include "analysis_fixture.hpp"
#include "relais/base/error.hpp"
#include "relais/toolkit/analysis/series.hpp"

namespace relais::toolkit {
namespace {

using relais::testing::AnalysisFixture;
using relais::testing::AnalysisReference;
using relais::testing::CloseRel;

struct ItsData {
  Matrix x;
  std::vector<double> y, log_pop;
};

// The same design as tests/reference/analysis_reference.py: const, tau, post, post*tau, sin, cos.
ItsData LoadIts() {
  const auto t = ReadCsv(AnalysisFixture("its_series.csv"));
  const auto time = NumericColumn(t, t.Column("time"));
  const auto month = NumericColumn(t, t.Column("month"));
  const auto pop = NumericColumn(t, t.Column("pop"));
  ItsData d;
  d.y = NumericColumn(t, t.Column("count"));
  d.x = Matrix(time.size(), 6);
  for (std::size_t i = 0; i < time.size(); ++i) {
    const double tau = time[i] - 49, post = tau >= 0 ? 1 : 0;
    d.x(i, 0) = 1;
    d.x(i, 1) = tau;
    d.x(i, 2) = post;
    d.x(i, 3) = post * tau;
    d.x(i, 4) = std::sin(2 * M_PI * month[i] / 12);
    d.x(i, 5) = std::cos(2 * M_PI * month[i] / 12);
    d.log_pop.push_back(std::log(pop[i]));
  }
  return d;
}

void ExpectMatches(const RegressionFit& fit, const nlohmann::json& ref, double rel) {
  ASSERT_EQ(fit.coef.size(), ref["params"].size());
  for (std::size_t k = 0; k < fit.coef.size(); ++k) {
    EXPECT_TRUE(CloseRel(fit.coef[k], ref["params"][k], rel)) << "coef " << k;
    EXPECT_TRUE(CloseRel(fit.se[k], ref["bse"][k], rel)) << "se " << k;
  }
}

TEST(Glm, OlsNeweyWestMatchesStatsmodels) {
  const auto d = LoadIts();
  RegressionOptions o;
  o.cov = CovType::kHac;
  o.hac_lags = 3;
  const auto fit = FitOls(d.x, d.y, o);
  const auto& ref = AnalysisReference()["its_ols_hac3"];
  ExpectMatches(fit, ref, 1e-7);
  for (std::size_t k = 0; k < fit.coef.size(); ++k) EXPECT_TRUE(CloseRel(fit.PValue(k), ref["pvalues"][k], 1e-6));
}

TEST(Glm, NeweyWestLagRuleMatchesTheReferenceRule) {
  const auto d = LoadIts();
  const auto& ref = AnalysisReference()["its_ols_hac_rule"];
  EXPECT_EQ(NeweyWestLags(d.y.size()), ref["maxlags"].get<int>());
  RegressionOptions o;
  o.cov = CovType::kHac;
  const auto fit = FitOls(d.x, d.y, o);
  EXPECT_EQ(fit.hac_lags, ref["maxlags"].get<int>());
  ExpectMatches(fit, ref, 1e-7);
}

TEST(Glm, PoissonWithOffsetMatchesStatsmodels) {
  const auto d = LoadIts();
  const auto fit = FitPoisson(d.x, d.y, d.log_pop, PoissonFamily::kPoisson);
  const auto& ref = AnalysisReference()["its_poisson"];
  EXPECT_TRUE(fit.converged);
  ExpectMatches(fit, ref, 1e-6);
  EXPECT_TRUE(CloseRel(fit.deviance, ref["deviance"], 1e-8));
  EXPECT_TRUE(CloseRel(fit.pearson_chi2, ref["pearson_chi2"], 1e-7));
  EXPECT_TRUE(CloseRel(fit.loglik, ref["llf"], 1e-9));
  EXPECT_EQ(fit.dispersion, 1.0);
}

TEST(Glm, QuasiPoissonScalesByPearsonDispersion) {
  const auto d = LoadIts();
  const auto fit = FitPoisson(d.x, d.y, d.log_pop, PoissonFamily::kQuasiPoisson);
  const auto& ref = AnalysisReference()["its_quasipoisson"];
  ExpectMatches(fit, ref, 1e-6);
  EXPECT_TRUE(CloseRel(fit.dispersion, ref["scale"], 1e-7));
  const auto [lo, hi] = fit.Interval(2);
  EXPECT_TRUE(CloseRel(lo, ref["post_ci"][0], 1e-6));
  EXPECT_TRUE(CloseRel(hi, ref["post_ci"][1], 1e-6));
}

TEST(Glm, WeightedHc1MatchesStatsmodelsWls) {
  const auto t = ReadCsv(AnalysisFixture("rd_series.csv"));
  const auto r = NumericColumn(t, t.Column("time"));
  const auto y = NumericColumn(t, t.Column("value"));
  std::vector<double> w, yy;
  std::vector<std::array<double, 4>> rows;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (std::abs(r[i]) >= 40) continue;
    const double dd = r[i] >= 0 ? 1 : 0;
    rows.push_back({1, dd, r[i], dd * r[i]});
    w.push_back(1 - std::abs(r[i]) / 40);
    yy.push_back(y[i]);
  }
  Matrix x(rows.size(), 4);
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t c = 0; c < 4; ++c) x(i, c) = rows[i][c];
  RegressionOptions o;
  o.cov = CovType::kHc1;
  o.weights = w;
  ExpectMatches(FitOls(x, yy, o), AnalysisReference()["rd_h40"], 1e-7);
}

// The ITS design plus a column that is a linear combination of earlier ones (tau + 2 post).
Matrix WithAliasedColumn(const Matrix& x) {
  Matrix out(x.rows(), x.cols() + 1);
  for (std::size_t i = 0; i < x.rows(); ++i) {
    for (std::size_t c = 0; c < x.cols(); ++c) out(i, c) = x(i, c);
    out(i, x.cols()) = x(i, 1) + 2 * x(i, 2);
  }
  return out;
}

TEST(Glm, OlsDropsAliasedColumnsAndMatchesTheFullRankFit) {
  const auto d = LoadIts();
  RegressionOptions o;
  o.cov = CovType::kHac;
  o.hac_lags = 3;
  const auto fit = FitOls(WithAliasedColumn(d.x), d.y, o);
  ASSERT_EQ(fit.coef.size(), 7u);
  EXPECT_EQ(fit.aliased, std::vector<std::size_t>{6});
  ASSERT_EQ(fit.warnings.size(), 1u);
  EXPECT_NE(fit.warnings[0].find("columns 6"), std::string::npos) << fit.warnings[0];
  EXPECT_TRUE(std::isnan(fit.coef[6]) && std::isnan(fit.se[6]));
  // The other coefficients are statsmodels' fit of the design without the aliased column.
  const auto& ref = AnalysisReference()["its_ols_hac3"];
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_TRUE(CloseRel(fit.coef[k], ref["params"][k], 1e-7)) << "coef " << k;
    EXPECT_TRUE(CloseRel(fit.se[k], ref["bse"][k], 1e-7)) << "se " << k;
  }
  EXPECT_EQ(fit.df_resid, static_cast<double>(d.y.size() - 6));
}

TEST(Glm, PoissonDropsAliasedColumns) {
  const auto d = LoadIts();
  const auto fit = FitPoisson(WithAliasedColumn(d.x), d.y, d.log_pop, PoissonFamily::kPoisson);
  EXPECT_TRUE(fit.converged);
  EXPECT_EQ(fit.aliased, std::vector<std::size_t>{6});
  const auto& ref = AnalysisReference()["its_poisson"];
  for (std::size_t k = 0; k < 6; ++k) EXPECT_TRUE(CloseRel(fit.coef[k], ref["params"][k], 1e-6)) << "coef " << k;
}

TEST(Glm, PoissonNotConvergedIsReportedNotHidden) {
  const auto d = LoadIts();
  const auto fit = FitPoisson(d.x, d.y, d.log_pop, PoissonFamily::kPoisson, /*max_iterations=*/2);
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.iterations, 2);
  ASSERT_EQ(fit.warnings.size(), 1u);
  EXPECT_NE(fit.warnings[0].find("did not converge"), std::string::npos);
  for (double c : fit.coef) EXPECT_TRUE(std::isfinite(c));
}

// Counts growing by e^0.5 per step over 60 steps: from the flat start the first full IRLS steps
// overshoot; step-halving keeps the deviance from rising and the fit reaches the true slope.
TEST(Glm, PoissonStepHalvingReachesTheMaximum) {
  const std::size_t n = 60;
  Matrix x(n, 2);
  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x(i, 0) = 1;
    x(i, 1) = static_cast<double>(i);
    y[i] = std::round(std::exp(0.5 * static_cast<double>(i)) / 1e6);
  }
  const auto fit = FitPoisson(x, y, {}, PoissonFamily::kPoisson, 200);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.coef[1], 0.5, 1e-3);
}

TEST(Glm, RejectsBadInput) {
  Matrix x(3, 3, 1.0);
  std::vector<double> y = {1, 2, 3};
  EXPECT_THROW((void)FitOls(x, y), Error);  // n <= p
  Matrix x2(4, 2);
  for (int i = 0; i < 4; ++i) x2(i, 0) = 1, x2(i, 1) = i;
  std::vector<double> neg = {1, -2, 3, 4};
  try {
    (void)FitPoisson(x2, neg, {}, PoissonFamily::kPoisson);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("non-negative"), std::string::npos);
  }
}

}  // namespace
}  // namespace relais::toolkit
