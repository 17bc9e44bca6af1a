// Hawkes EM and simulation: likelihood identities, recovery of planted parameters with shrinking
// error, profile-likelihood β, bootstrap intervals and the CLI contract.
#include "relais/toolkit/analysis/hawkes.hpp"

#include <tbb/task_arena.h>

#include <cmath>
#include <fstream>

#include "analysis_fixture.hpp"
#include "relais/base/error.hpp"

namespace relais::toolkit {
namespace {

HawkesParams Planted() {
  HawkesParams p;
  p.mu = {0.3, 0.2};
  p.alpha = Matrix(2, 2);
  p.alpha(0, 0) = 0.3;  // source 0 -> target 0
  p.alpha(0, 1) = 0.4;  // source 0 -> target 1
  p.alpha(1, 0) = 0.05;
  p.alpha(1, 1) = 0.2;
  p.beta = 1.5;
  return p;
}

EventSequence Simulate(const HawkesParams& p, double horizon, std::uint64_t seed) {
  SimulationOptions so;
  so.start = 0;
  so.end = horizon;
  so.seed = seed;
  EventSequence ev;
  ev.group_names = {"press", "social"};
  ev.start = 0;
  ev.end = horizon;
  for (const auto& e : SimulateHawkes(p, so)) {
    ev.times.push_back(e.time);
    ev.groups.push_back(e.group);
  }
  return ev;
}

double MaxAbsError(const HawkesFit& f, const HawkesParams& p) {
  double err = 0;
  for (std::size_t j = 0; j < 2; ++j) err = std::max(err, std::abs(f.params.mu[j] - p.mu[j]));
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 2; ++j) err = std::max(err, std::abs(f.params.alpha(i, j) - p.alpha(i, j)));
  return err;
}

TEST(Hawkes, LogLikelihoodOfAPoissonProcessIsClosedForm) {
  EventSequence ev;
  ev.group_names = {"a"};
  ev.times = {0.5, 1.0, 2.5};
  ev.groups = {0, 0, 0};
  ev.start = 0;
  ev.end = 4;
  HawkesParams p;
  p.mu = {0.75};
  p.alpha = Matrix(1, 1);
  p.beta = 2;
  EXPECT_NEAR(HawkesLogLikelihood(ev, p), 3 * std::log(0.75) - 0.75 * 4, 1e-12);
  // With excitation: compare the recursion with the direct double sum.
  p.alpha(0, 0) = 0.5;
  double ll = -0.75 * 4;
  for (std::size_t k = 0; k < 3; ++k) {
    double lam = 0.75;
    for (std::size_t l = 0; l < k; ++l) lam += 0.5 * 2 * std::exp(-2 * (ev.times[k] - ev.times[l]));
    ll += std::log(lam) - 0.5 * (1 - std::exp(-2 * (4 - ev.times[k])));
  }
  EXPECT_NEAR(HawkesLogLikelihood(ev, p), ll, 1e-12);
}

TEST(Hawkes, SimultaneousEventsDoNotExciteEachOther) {
  EventSequence ev;
  ev.group_names = {"a"};
  ev.times = {1.0, 1.0};
  ev.groups = {0, 0};
  ev.start = 0;
  ev.end = 2;
  HawkesParams p;
  p.mu = {1.0};
  p.alpha = Matrix(1, 1, 0.5);
  p.beta = 1;
  EXPECT_NEAR(HawkesLogLikelihood(ev, p), -2.0 - 2 * 0.5 * (1 - std::exp(-1.0)), 1e-12);
}

TEST(Hawkes, SimulatorMatchesStationaryRate) {
  const auto p = Planted();
  // Stationary mean rates: Λ = (I − Aᵀ)^{-1} μ.
  const double a00 = p.alpha(0, 0), a01 = p.alpha(0, 1), a10 = p.alpha(1, 0), a11 = p.alpha(1, 1);
  const double m00 = 1 - a00, m01 = -a10, m10 = -a01, m11 = 1 - a11;  // (I − Aᵀ)
  const double det = m00 * m11 - m01 * m10;
  const double rate0 = (m11 * p.mu[0] - m01 * p.mu[1]) / det, rate1 = (-m10 * p.mu[0] + m00 * p.mu[1]) / det;
  const auto ev = Simulate(p, 20000, 3);
  double n0 = 0, n1 = 0;
  for (int g : ev.groups) (g == 0 ? n0 : n1) += 1;
  EXPECT_NEAR(n0 / 20000, rate0, 0.05 * rate0);
  EXPECT_NEAR(n1 / 20000, rate1, 0.05 * rate1);
}

TEST(Hawkes, EmRecoversPlantedParametersWithShrinkingError) {
  const auto p = Planted();
  HawkesFitOptions o;
  o.beta = p.beta;
  double previous = 1e9;
  for (double horizon : {500.0, 4000.0, 32000.0}) {
    double err = 0;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) err += MaxAbsError(FitHawkes(Simulate(p, horizon, seed), o), p) / 3;
    EXPECT_LT(err, previous) << "horizon " << horizon;
    previous = err;
  }
  EXPECT_LT(previous, 0.03);
}

// The E-step runs over fixed blocks of events in parallel: the fit must not depend on the threads.
// 32,000 time units give ~35k events, several blocks; the likelihood from the fused E-step equals
// the standalone one at the fitted parameters.
TEST(Hawkes, FitIsIdenticalAtOneAndTwoThreads) {
  const auto p = Planted();
  const auto ev = Simulate(p, 32000.0, 9);
  ASSERT_GT(ev.times.size(), 20000u);
  HawkesFitOptions o;
  o.beta = p.beta;
  auto fit_with = [&](int threads) {
    tbb::task_arena arena(threads);
    return arena.execute([&] { return FitHawkes(ev, o); });
  };
  const HawkesFit one = fit_with(1), two = fit_with(2);
  EXPECT_EQ(one.loglik, two.loglik);
  EXPECT_EQ(one.iterations, two.iterations);
  EXPECT_EQ(one.params.mu, two.params.mu);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 2; ++j) {
      EXPECT_EQ(one.params.alpha(i, j), two.params.alpha(i, j));
      EXPECT_EQ(one.caused_share(i, j), two.caused_share(i, j));
    }
  EXPECT_NEAR(one.loglik, HawkesLogLikelihood(ev, one.params), 1e-9 * std::abs(one.loglik));
}

TEST(Hawkes, ProfileLikelihoodFindsBeta) {
  const auto p = Planted();
  const auto ev = Simulate(p, 8000, 5);
  const auto fit = FitHawkes(ev, {});
  EXPECT_TRUE(fit.beta_fitted);
  EXPECT_NEAR(fit.params.beta, p.beta, 0.25 * p.beta);
  EXPECT_LT(MaxAbsError(fit, p), 0.08);
  // The profiled β is at least as likely as the planted one.
  HawkesFitOptions fixed;
  fixed.beta = p.beta;
  EXPECT_GE(fit.loglik, FitHawkes(ev, fixed).loglik - 1e-6);
  // caused_share rows plus background share sum to one.
  for (std::size_t j = 0; j < 2; ++j)
    EXPECT_NEAR(fit.caused_share(j, 0) + fit.caused_share(j, 1) + fit.background_share[j], 1.0, 1e-9);
  EXPECT_NEAR(fit.branching_ratio, SpectralRadiusNonnegative(fit.params.alpha), 1e-12);
}

TEST(Hawkes, BootstrapIntervalsCoverThePlantedMatrix) {
  const auto p = Planted();
  HawkesFitOptions o;
  o.beta = p.beta;
  o.bootstrap = 40;
  o.seed = 9;
  const auto fit = FitHawkes(Simulate(p, 4000, 8), o);
  ASSERT_EQ(fit.bootstrap_replicates, 40);
  int covered = 0;
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 2; ++j) {
      const auto [lo, hi] = fit.alpha_ci[i][j];
      EXPECT_LE(lo, fit.params.alpha(i, j) + 1e-9);
      covered += lo <= p.alpha(i, j) && p.alpha(i, j) <= hi;
    }
  EXPECT_GE(covered, 3);
  const auto j = ToJson(fit, {"press", "social"});
  EXPECT_TRUE(j.contains("bootstrap"));
}

// Standard errors from the observed information against statsmodels' numerical Hessian of the log-likelihood
// written out in numpy (tests/reference/hawkes_reference.py): same events, same parameters.
TEST(Hawkes, ObservedInformationStandardErrorsMatchNumericalHessian) {
  const nlohmann::json ref = [] {
    std::ifstream in(testing::AnalysisFixture("hawkes_reference.json"));
    return nlohmann::json::parse(in);
  }();
  EventSequence ev;
  ev.group_names = {"a", "b"};
  ev.start = ref["start"].get<double>();
  ev.end = ref["end"].get<double>();
  std::ifstream csv(testing::AnalysisFixture("hawkes_events.csv"));
  std::string line;
  std::getline(csv, line);  // header
  while (std::getline(csv, line)) {
    const auto comma = line.find(',');
    ev.times.push_back(std::stod(line.substr(0, comma)));
    ev.groups.push_back(std::stoi(line.substr(comma + 1)));
  }
  ASSERT_EQ(ev.times.size(), 400u);
  HawkesParams p;
  p.beta = ref["beta"].get<double>();
  p.mu = ref["mu"].get<std::vector<double>>();
  p.alpha = Matrix(2, 2);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 2; ++j) p.alpha(i, j) = ref["alpha"][i][j].get<double>();
  EXPECT_TRUE(testing::CloseRel(HawkesLogLikelihood(ev, p), ref["loglik"].get<double>(), 1e-9));
  const HawkesStandardErrors se = HawkesObservedInformationSe(ev, p);
  for (std::size_t j = 0; j < 2; ++j) EXPECT_TRUE(testing::CloseRel(se.mu[j], ref["se_mu"][j].get<double>(), 1e-4));
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 2; ++j)
      EXPECT_TRUE(testing::CloseRel(se.alpha(i, j), ref["se_alpha"][i][j].get<double>(), 1e-4)) << i << "," << j;
}

TEST(Hawkes, SuppressedGroupsProduceNothing) {
  auto p = Planted();
  SimulationOptions so;
  so.end = 1000;
  so.suppressed = {true, false};
  for (const auto& e : SimulateHawkes(p, so)) EXPECT_EQ(e.group, 1);
}

TEST(Hawkes, ExplosiveSimulationIsAnErrorNotAHang) {
  HawkesParams p;
  p.mu = {1};
  p.alpha = Matrix(1, 1, 1.5);
  p.beta = 1;
  SimulationOptions so;
  so.end = 1000;
  so.max_events = 5000;
  EXPECT_THROW((void)SimulateHawkes(p, so), Error);
}

TEST(InfluenceCli, EventsCsvKeepsBetaAndNamesGroups) {
  relais::testing::TempDir tmp;
  const auto ev = Simulate(Planted(), 1500, 4);
  const auto path = tmp.path() / "events.csv";
  {
    std::ofstream out(path);
    out << "time,group\n";
    for (std::size_t k = 0; k < ev.times.size(); ++k) out << ev.times[k] << "," << ev.group_names[ev.groups[k]] << "\n";
  }
  const auto run = relais::testing::Run(relais::testing::RelaisBin() + " influence --events " + path.string() +
                                        " --beta 1.5 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["groups"], nlohmann::json({"press", "social"}));
  EXPECT_EQ(j["beta"].get<double>(), 1.5);
  EXPECT_NEAR(j["alpha"][0][1].get<double>(), 0.4, 0.15);
  const auto bad = relais::testing::Run(relais::testing::RelaisBin() + " influence --events " +
                                        relais::testing::AnalysisFixture("its_series.csv") + " --json");
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("no column \"group\""), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace relais::toolkit
