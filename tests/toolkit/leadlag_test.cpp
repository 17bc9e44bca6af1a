// Lead–lag: Granger and VAR order against statsmodels, TE and cross-correlation on planted lags.
#include "relais/toolkit/analysis/leadlag.hpp"

#include "analysis_fixture.hpp"
#include "analysis_store.hpp"
#include "relais/base/error.hpp"
#include "relais/toolkit/analysis/series.hpp"

namespace relais::toolkit {
namespace {

using relais::testing::AnalysisFixture;
using relais::testing::AnalysisReference;
using relais::testing::CloseRel;

struct Pair {
  std::vector<double> a, b;
};

Pair Load() {
  const auto t = ReadCsv(AnalysisFixture("leadlag_series.csv"));
  return {NumericColumn(t, t.Column("a")), NumericColumn(t, t.Column("b"))};
}

TEST(LeadLag, GrangerSsrFMatchesStatsmodels) {
  const auto [a, b] = Load();
  const auto& ref = AnalysisReference();
  for (int lag = 1; lag <= 4; ++lag) {
    const auto ab = GrangerTest(b, a, lag), ba = GrangerTest(a, b, lag);
    const auto& rab = ref["granger_a_to_b"][std::to_string(lag)];
    const auto& rba = ref["granger_b_to_a"][std::to_string(lag)];
    EXPECT_TRUE(CloseRel(ab.f, rab[0], 1e-7)) << lag;
    EXPECT_TRUE(CloseRel(ba.f, rba[0], 1e-7)) << lag;
    EXPECT_TRUE(CloseRel(ba.p, rba[1], 1e-6, 1e-300)) << lag;
  }
}

TEST(LeadLag, VarOrderMatchesStatsmodelsSelectOrder) {
  const auto [a, b] = Load();
  const auto s = SelectVarOrder(a, b, 8);
  const auto& ref = AnalysisReference()["var_select_order8"];
  EXPECT_EQ(s.aic, ref["aic"].get<int>());
  EXPECT_EQ(s.bic, ref["bic"].get<int>());
  for (std::size_t p = 0; p <= 8; ++p) {
    EXPECT_TRUE(CloseRel(s.aic_values[p], ref["ics_aic"][p], 1e-7)) << p;
    EXPECT_TRUE(CloseRel(s.bic_values[p], ref["ics_bic"][p], 1e-7)) << p;
  }
}

TEST(LeadLag, TransferEntropyAndCrossCorrelationSeeThePlantedDirection) {
  const auto [a, b] = Load();
  const auto ab = TransferEntropy(a, b, 2, 200, 1), ba = TransferEntropy(b, a, 2, 200, 1);
  EXPECT_GT(ab.te, ba.te);
  EXPECT_LT(ab.p, 0.05);
  EXPECT_EQ(TransferEntropy(a, b, 2, 200, 1).p, ab.p);  // seeded
  const auto cc = CrossCorrelate(a, b, 6);
  EXPECT_EQ(cc.peak_lag, 2);  // b follows a two steps later
  EXPECT_GT(cc.peak_value, 0.3);
  LeadLagOptions lo;
  lo.max_lag = 6;
  const auto j = AnalyzeLeadLag(a, b, lo);
  EXPECT_LT(j["granger"]["a_to_b"]["p"].get<double>(), 1e-6);
  EXPECT_GE(j["var_order"]["selected"].get<int>(), 2);
}

TEST(LeadLag, ShortSeriesIsADataError) {
  std::vector<double> a(10, 1.0), b(10, 2.0);
  EXPECT_THROW((void)SelectVarOrder(a, b, 8), Error);
}

TEST(LeadLag, StoreLatenciesFromFlows) {
  relais::testing::TempDir tmp;
  relais::testing::BuildMiniWorld(tmp.path() / "s");
  const auto store = corpora::Store::Open(tmp.path() / "s", corpora::OpenMode::kReadOnly);
  const auto j = StoreLatencies(store);
  const auto& d = j["article_to_first_post"];
  ASSERT_GT(d["n"].get<int>(), 50);
  // Planted share delay: exponential with mean 2 h, median 2·ln 2.
  EXPECT_NEAR(d["median"].get<double>(), 2 * std::log(2.0), 0.5);
  EXPECT_EQ(j["release_to_first_article"]["n"].get<int>(), 0);
  const auto run =
      relais::testing::Run(relais::testing::RelaisBin() + " leadlag --store " + (tmp.path() / "s").string() +
                           " --a press-regional --b public --bin 1h --max-lag 6h --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto out = nlohmann::json::parse(run.out);
  for (const char* k : {"granger", "transfer_entropy", "cross_correlation", "latency", "var_order"})
    EXPECT_TRUE(out.contains(k)) << k;
}

}  // namespace
}  // namespace relais::toolkit
