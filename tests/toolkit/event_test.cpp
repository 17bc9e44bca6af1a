// Event studies: ITS, RD and DiD against statsmodels references, planted effects and the CLI.
#include "relais/toolkit/analysis/event.hpp"

#include <cmath>
#include <fstream>
#include <random>

#include "analysis_fixture.hpp"
#include "analysis_store.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/analysis/glm.hpp"
#include "relais/toolkit/analysis/linalg.hpp"
#include "relais/toolkit/analysis/series.hpp"

namespace relais::toolkit {
namespace {

using relais::testing::AnalysisFixture;
using relais::testing::AnalysisReference;
using relais::testing::CloseRel;

SeriesInput LoadItsSeries(bool with_offset) {
  const auto t = ReadCsv(AnalysisFixture("its_series.csv"));
  SeriesInput in;
  in.time = NumericColumn(t, t.Column("time"));
  in.value = NumericColumn(t, t.Column("count"));
  in.season = NumericColumn(t, t.Column("month"));
  if (with_offset) in.offset = NumericColumn(t, t.Column("pop"));
  in.at = 49;
  return in;
}

TEST(Its, QuasiPoissonMatchesStatsmodels) {
  ItsOptions o;
  o.model = EventModel::kQuasiPoisson;
  o.slope_change = true;
  o.harmonics = 1;
  o.period = 12;
  const auto r = FitInterruptedTimeSeries(LoadItsSeries(true), o);
  const auto& ref = AnalysisReference()["its_quasipoisson"];
  EXPECT_EQ(r.n, 84u);
  EXPECT_TRUE(CloseRel(r.level.estimate, ref["params"][2], 1e-6));
  EXPECT_TRUE(CloseRel(r.level.se, ref["bse"][2], 1e-6));
  EXPECT_TRUE(CloseRel(r.level.lo, ref["post_ci"][0], 1e-6));
  ASSERT_TRUE(r.slope.has_value());
  EXPECT_TRUE(CloseRel(r.slope->estimate, ref["params"][3], 1e-6));
  EXPECT_TRUE(CloseRel(r.dispersion, ref["scale"], 1e-7));
  EXPECT_TRUE(CloseRel(r.rate_ratio, std::exp(ref["params"][2].get<double>()), 1e-6));
  EXPECT_LE(r.rate_ratio_lo, r.rate_ratio);
  EXPECT_GE(r.rate_ratio_hi, r.rate_ratio);
  // Planted level change: -0.25 on the log scale.
  EXPECT_LT(r.level.lo, -0.25);
  EXPECT_GT(r.level.hi, -0.25);
}

TEST(Its, OlsUsesNeweyWestAndReportsRelativeChange) {
  ItsOptions o;
  o.model = EventModel::kOls;
  o.slope_change = true;
  o.harmonics = 1;
  o.period = 12;
  o.hac_lags = 3;
  const auto r = FitInterruptedTimeSeries(LoadItsSeries(false), o);
  const auto& ref = AnalysisReference()["its_ols_hac3"];
  for (std::size_t k = 0; k < r.coef.size(); ++k) {
    EXPECT_TRUE(CloseRel(r.coef[k], ref["params"][k], 1e-7));
    EXPECT_TRUE(CloseRel(r.se[k], ref["bse"][k], 1e-7));
  }
  EXPECT_TRUE(CloseRel(r.level.p, ref["pvalues"][2], 1e-6));
  EXPECT_EQ(r.hac_lags, 3);
  const double cf = r.extra["counterfactual_mean"].get<double>();
  EXPECT_TRUE(CloseRel(r.rate_ratio, 1 + r.level.estimate / cf, 1e-12));
  EXPECT_TRUE(ToJson(r)["slope_change"].is_object());
}

TEST(Its, PlacebosAndBootstrapAreSeededAndSane) {
  ItsOptions o;
  o.model = EventModel::kQuasiPoisson;
  o.harmonics = 1;
  o.period = 12;
  o.placebos = 20;
  o.bootstrap = 200;
  o.seed = 11;
  const auto in = LoadItsSeries(true);
  const auto a = FitInterruptedTimeSeries(in, o), b = FitInterruptedTimeSeries(in, o);
  ASSERT_TRUE(a.placebo && a.bootstrap);
  EXPECT_EQ(a.placebo->estimates, b.placebo->estimates);
  EXPECT_EQ(a.bootstrap->lo, b.bootstrap->lo);
  EXPECT_EQ(a.placebo->estimates.size(), 20u);
  for (double t : a.placebo->times) EXPECT_LT(t, 49);
  EXPECT_GT(a.placebo->permutation_p, 0);
  EXPECT_LE(a.placebo->permutation_p, 1);
  // The percentile interval brackets the point estimate and is of the same order as the model CI.
  EXPECT_LT(a.bootstrap->lo, a.level.estimate);
  EXPECT_GT(a.bootstrap->hi, a.level.estimate);
  EXPECT_LT(a.bootstrap->hi - a.bootstrap->lo, 3 * (a.level.hi - a.level.lo));
  o.seed = 12;
  const auto c = FitInterruptedTimeSeries(in, o);
  EXPECT_NE(a.bootstrap->lo, c.bootstrap->lo);
}

TEST(Its, NeedsDataOnBothSides) {
  auto in = LoadItsSeries(false);
  in.at = 1000;
  try {
    (void)FitInterruptedTimeSeries(in, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("each side"), std::string::npos);
  }
}

SeriesInput LoadRd() {
  const auto t = ReadCsv(AnalysisFixture("rd_series.csv"));
  SeriesInput in;
  in.time = NumericColumn(t, t.Column("time"));
  in.value = NumericColumn(t, t.Column("value"));
  in.at = 0;
  return in;
}

TEST(Rd, LocalLinearMatchesStatsmodelsWls) {
  RdOptions o;
  o.bandwidth = 40;
  const auto r = FitRegressionDiscontinuity(LoadRd(), o);
  const auto& ref = AnalysisReference()["rd_h40"];
  EXPECT_EQ(r.n, ref["n"].get<std::size_t>());
  EXPECT_TRUE(CloseRel(r.level.estimate, ref["params"][1], 1e-8));
  EXPECT_TRUE(CloseRel(r.level.se, ref["bse"][1], 1e-7));
  o.donut = 3;
  const auto d = FitRegressionDiscontinuity(LoadRd(), o);
  const auto& refd = AnalysisReference()["rd_h40_donut3"];
  EXPECT_EQ(d.n, refd["n"].get<std::size_t>());
  EXPECT_TRUE(CloseRel(d.level.estimate, refd["params"][1], 1e-8));
  EXPECT_TRUE(CloseRel(d.level.se, refd["bse"][1], 1e-7));
}

TEST(Rd, CrossValidatedBandwidthRecoversThePlantedJump) {
  const auto r = FitRegressionDiscontinuity(LoadRd(), {});
  const double h = r.extra["bandwidth"].get<double>();
  EXPECT_EQ(r.extra["bandwidth_rule"], "ludwig-miller-cv");
  EXPECT_GT(h, 3);
  EXPECT_LE(h, 100);
  EXPECT_LT(r.level.lo, 2.0);  // planted jump 2.0
  EXPECT_GT(r.level.hi, 2.0);
}

TEST(Did, TwoWayFixedEffectsMatchStatsmodelsClustered) {
  const auto t = ReadCsv(AnalysisFixture("did_panel.csv"));
  const auto unit = NumericColumn(t, t.Column("unit"));
  const auto period = NumericColumn(t, t.Column("period"));
  const auto treated = NumericColumn(t, t.Column("treated"));
  const auto y = NumericColumn(t, t.Column("y"));
  Panel p;
  p.units = 40;
  p.periods = 10;
  p.first_post = 6;
  p.y.assign(400, 0);
  p.treated.assign(40, false);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const auto u = static_cast<std::size_t>(unit[i]), s = static_cast<std::size_t>(period[i]);
    p.y[u * 10 + s] = y[i];
    p.treated[u] = treated[i] > 0;
  }
  const auto r = FitDifferenceInDifferences(p);
  const auto& ref = AnalysisReference()["did_twfe_cluster"];
  EXPECT_TRUE(CloseRel(r.level.estimate, ref["estimate"], 1e-9));
  EXPECT_TRUE(CloseRel(r.level.se, ref["se"], 1e-7));
  EXPECT_LT(r.level.lo, -1.5);  // planted -1.5
  EXPECT_GT(r.level.hi, -1.5);
  ASSERT_TRUE(r.extra.contains("pretrend_test"));
  EXPECT_GT(r.extra["pretrend_test"]["p"].get<double>(), 0.01);  // no planted pre-trend
  EXPECT_FALSE(r.extra["event_study"].empty());
  // In-time placebo: periods 0–5 with a fake event at 3. statsmodels: smf.ols("y ~ D + C(unit) + C(period)") on
  // period < 6, D = treated × (period >= 3), cov_type="cluster" by unit.
  ASSERT_TRUE(r.extra.contains("placebo_in_time"));
  EXPECT_TRUE(CloseRel(r.extra["placebo_in_time"]["estimate"].get<double>(), 0.01723705441932638, 1e-8));
  EXPECT_TRUE(CloseRel(r.extra["placebo_in_time"]["se"].get<double>(), 0.3489241801150724, 1e-7));
  EXPECT_EQ(r.extra["placebo_in_time"]["fake_event"].get<long long>(), -3);
  p.treated.assign(40, true);
  EXPECT_THROW((void)FitDifferenceInDifferences(p), Error);
}

namespace {

// The dense two-way fixed-effects fit the DiD stood on before it was computed unit by unit: demeaned outcome
// and demeaned treated-by-period indicators in an explicit design, FitOls with unit clusters.
RegressionFit DenseTwfe(const Panel& p, const std::vector<std::pair<std::size_t, std::size_t>>& ranges) {
  const std::size_t nu = p.units, nt = p.periods;
  auto demean = [&](const std::vector<double>& v) {
    std::vector<double> um(nu, 0), tm(nt, 0), out(v.size());
    double grand = 0;
    for (std::size_t u = 0; u < nu; ++u)
      for (std::size_t t = 0; t < nt; ++t) {
        um[u] += v[u * nt + t] / static_cast<double>(nt);
        tm[t] += v[u * nt + t] / static_cast<double>(nu);
        grand += v[u * nt + t] / static_cast<double>(nu * nt);
      }
    for (std::size_t u = 0; u < nu; ++u)
      for (std::size_t t = 0; t < nt; ++t) out[u * nt + t] = v[u * nt + t] - um[u] - tm[t] + grand;
    return out;
  };
  Matrix x(nu * nt, ranges.size());
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    std::vector<double> d(nu * nt, 0.0);
    for (std::size_t u = 0; u < nu; ++u)
      for (std::size_t t = ranges[k].first; t < ranges[k].second; ++t) d[u * nt + t] = p.treated[u] ? 1.0 : 0.0;
    const auto dd = demean(d);
    for (std::size_t i = 0; i < dd.size(); ++i) x(i, k) = dd[i];
  }
  std::vector<std::int64_t> clusters;
  for (std::size_t u = 0; u < nu; ++u)
    for (std::size_t t = 0; t < nt; ++t) clusters.push_back(static_cast<std::int64_t>(u));
  RegressionOptions ro;
  ro.cov = CovType::kCluster;
  ro.clusters = clusters;
  ro.absorbed = static_cast<int>(nu + nt - 1);
  const auto y = demean(p.y);
  return FitOls(x, y, ro);
}

}  // namespace

// The DiD and its event study are fitted unit by unit, without the dense design (issue 11: memory); the fit
// must be the dense one's: estimates, clustered standard errors and the leads' covariance (through the
// pre-trend F) on a random panel with uneven treated share, trends and noise.
TEST(Did, UnitByUnitFitEqualsTheDenseDesign) {
  Panel p;
  p.units = 157;
  p.periods = 23;
  p.first_post = 13;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::poisson_distribution<int> counts(3.0);
  for (std::size_t u = 0; u < p.units; ++u) p.treated.push_back(u % 5 == 1 || u % 7 == 0);
  for (std::size_t u = 0; u < p.units; ++u)
    for (std::size_t t = 0; t < p.periods; ++t)
      p.y.push_back(counts(rng) + 0.05 * static_cast<double>(t) * (p.treated[u] ? 1.0 : 0.4) +
                    (p.treated[u] && t >= p.first_post ? -1.2 : 0.0) + 0.3 * noise(rng));
  const auto r = FitDifferenceInDifferences(p);
  const auto dense = DenseTwfe(p, {{p.first_post, p.periods}});
  EXPECT_TRUE(CloseRel(r.level.estimate, dense.coef[0], 1e-10));
  EXPECT_TRUE(CloseRel(r.level.se, dense.se[0], 1e-10));
  EXPECT_TRUE(CloseRel(r.dispersion, dense.dispersion, 1e-10));
  // Event study: 6 bins a side, the last pre-event bin the reference (as FitDifferenceInDifferences splits).
  const auto& es = r.extra["event_study"];
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const auto& g : es)
    ranges.emplace_back(static_cast<std::size_t>(g["periods"][0].get<long long>() + 13),
                        static_cast<std::size_t>(g["periods"][1].get<long long>() + 13));
  ASSERT_EQ(ranges.size(), 11u);
  const auto de = DenseTwfe(p, ranges);
  std::size_t leads = 0;
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    EXPECT_TRUE(CloseRel(es[k]["estimate"].get<double>(), de.coef[k], 1e-10)) << k;
    EXPECT_TRUE(CloseRel(es[k]["se"].get<double>(), de.se[k], 1e-10)) << k;
    if (es[k]["kind"] == "lead") ++leads;
  }
  Matrix v(leads, leads);
  std::vector<double> b(leads);
  for (std::size_t a = 0; a < leads; ++a) {
    b[a] = de.coef[a];
    for (std::size_t c = 0; c < leads; ++c) v(a, c) = de.cov(a, c);
  }
  const auto sol = CholeskySolve(Cholesky(v), b);
  double w = 0;
  for (std::size_t a = 0; a < leads; ++a) w += b[a] * sol[a];
  EXPECT_TRUE(CloseRel(r.extra["pretrend_test"]["F"].get<double>(), w / static_cast<double>(leads), 1e-9));
}

TEST(StoreEvent, ItsAndDidRecoverPlantedDrop) {
  relais::testing::TempDir tmp;
  const auto w = relais::testing::BuildMiniWorld(tmp.path() / "store");
  const auto store = corpora::Store::Open(tmp.path() / "store", corpora::OpenMode::kReadOnly);
  StoreEventOptions o;
  o.at = w.at;
  o.before = 72 * 3'600'000LL;
  o.after = 72 * 3'600'000LL;
  o.bin = 3'600'000;
  o.outcome = "actor:@fan0";
  o.its.model = EventModel::kPoisson;
  auto r = RunStoreEvent(store, o);
  EXPECT_EQ(r.n, 144u);
  // Fans: from 0.5 + ~0.34 retweets per hour to 0.3 per hour.
  o.outcome = "class:public";
  r = RunStoreEvent(store, o);
  const double before = w.fans * (w.fan_rate + 0.34) + w.others * w.other_rate + 0.75;
  const double after = w.fans * w.fan_rate * w.fan_factor + w.others * w.other_rate + 0.75;
  EXPECT_LT(r.rate_ratio_lo, after / before);
  EXPECT_GT(r.rate_ratio_hi, after / before);
  EXPECT_LT(r.rate_ratio_hi, 1.0);
  // DiD: treated = retweeted the president at least twice, matched controls; outcome all their items.
  o.design = "did";
  o.outcome = "items";
  o.treated = "retweeted:@president:2";
  r = RunStoreEvent(store, o);
  EXPECT_EQ(r.design, "did");
  EXPECT_EQ(r.extra["treated_eligible"].get<int>(), w.fans);
  const double planted = w.fan_rate * w.fan_factor - (w.fan_rate + 0.34);
  EXPECT_NEAR(r.level.estimate, planted, 0.12);
  EXPECT_LT(r.level.hi, 0);
  // DiD on a listed treated set (an unknown key is counted), originals and retweets without the retweets of the
  // removed account: the planted change is the fans' originals alone, relative drop 1 − fan_factor.
  const auto list = tmp.path() / "fans.txt";
  {
    std::ofstream f(list);
    f << "# fans\n\n";
    for (int i = 0; i < w.fans; ++i) f << "@fan" << i << "\n";
    f << "@nobody\n";
  }
  o.treated = "actors:" + list.string();
  o.outcome = "items:original+retweet:except:@president";
  r = RunStoreEvent(store, o);
  EXPECT_EQ(r.extra["treated_eligible"].get<int>(), w.fans);
  EXPECT_EQ(r.extra["treated_listed_unknown"].get<int>(), 1);
  EXPECT_NEAR(r.level.estimate, w.fan_rate * (w.fan_factor - 1), 0.1);
  EXPECT_NEAR(1 - r.rate_ratio, 1 - w.fan_factor, 0.15);
  EXPECT_LT(r.level.hi, 0);
  o.outcome = "flows:retweet";  // not a DiD outcome
  EXPECT_THROW((void)RunStoreEvent(store, o), Error);
  o.treated = "actors:" + (tmp.path() / "missing.txt").string();
  o.outcome = "items";
  EXPECT_THROW((void)RunStoreEvent(store, o), Error);
  o.outcome = "class:public";
  // RD at the event on the public class, 12-hour bandwidth.
  o.design = "rd";
  o.rd.bandwidth = 12;
  r = RunStoreEvent(store, o);
  EXPECT_LT(r.level.estimate, 0);
  // Shares: link flows from regional press over all link flows (always 1 here).
  o.design = "its";
  o.outcome = "share:link:press-regional";
  o.its.model = EventModel::kOls;
  r = RunStoreEvent(store, o);
  EXPECT_NEAR(r.coef[0], 1.0, 1e-9);
  const auto n_share = r.n;
  // With a target class: the links into public accounts (all of them here), none from national press.
  o.outcome = "share:link:press-regional:public";
  r = RunStoreEvent(store, o);
  EXPECT_NEAR(r.coef[0], 1.0, 1e-9);
  EXPECT_EQ(r.n, n_share);
  o.outcome = "share:link:press-national:public";
  r = RunStoreEvent(store, o);
  EXPECT_NEAR(r.coef[0], 0.0, 1e-12);
  o.outcome = "share:link:press-regional:";
  EXPECT_THROW((void)RunStoreEvent(store, o), Error);
  o.outcome = "bogus";
  EXPECT_THROW((void)RunStoreEvent(store, o), Error);
  // Misspelt names would give an all-zero series: refused, naming the bad part.
  for (const char* bad : {"share:link:press-regionale", "share:lnk:press-regional", "share:link:pr:publik",
                          "class:presse", "flows:retweets", "items:tv"}) {
    o.outcome = bad;
    try {
      (void)RunStoreEvent(store, o);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("unknown"), std::string::npos) << e.what();
    }
  }
}

TEST(EventCli, SeriesJsonHasTheContractKeys) {
  const std::string cmd = relais::testing::RelaisBin() + " event --series " + AnalysisFixture("its_series.csv") +
                          " --time-col time --value-col count --at 49 --offset-col pop --model quasipoisson "
                          "--season-col month --harmonics 1 --period 12 --placebos 10 --bootstrap 50 --json";
  const auto run = relais::testing::Run(cmd);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = nlohmann::json::parse(run.out);
  for (const char* k :
       {"design", "model", "n", "level_change", "slope_change", "rate_ratio", "dispersion", "placebo", "bootstrap"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["n"], 84);
  EXPECT_TRUE(j["slope_change"].is_null());
  const auto bad = relais::testing::Run(relais::testing::RelaisBin() + " event --series " +
                                        AnalysisFixture("its_series.csv") + " --value-col nope --at 49 --json");
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("no column \"nope\""), std::string::npos) << bad.err;
  const auto usage = relais::testing::Run(relais::testing::RelaisBin() + " event --series " +
                                          AnalysisFixture("its_series.csv") + " --value-col count --at 49 --model foo");
  EXPECT_EQ(usage.exit_code, 2);
}

}  // namespace
}  // namespace relais::toolkit
