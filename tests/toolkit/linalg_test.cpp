// Dense linear algebra and distribution functions against scipy references.
#include "relais/toolkit/analysis/linalg.hpp"

#include <cmath>
#include <fstream>
#include <limits>

#include "analysis_fixture.hpp"
#include "relais/base/error.hpp"

namespace relais::toolkit {
namespace {

using relais::testing::AnalysisReference;
using relais::testing::CloseRel;

TEST(Linalg, CholeskySolvesAndInverts) {
  Matrix a(3, 3);
  const double v[3][3] = {{4, 2, 0.4}, {2, 5, 1}, {0.4, 1, 3}};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) a(r, c) = v[r][c];
  const Matrix inv = InverseSpd(a);
  const Matrix id = Multiply(a, inv);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(id(r, c), r == c ? 1.0 : 0.0, 1e-14);
  const std::vector<double> b = {1, 2, 3};
  const auto x = CholeskySolve(Cholesky(a), b);
  const auto back = Multiply(a, x);
  for (int r = 0; r < 3; ++r) EXPECT_NEAR(back[r], b[r], 1e-14);
}

TEST(Linalg, SingularMatrixIsADataError) {
  Matrix a(2, 2, 1.0);  // rank one
  try {
    (void)Cholesky(a, "design");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("design is singular"), std::string::npos);
  }
}

TEST(Linalg, SpectralRadiusOfNonnegativeMatrices) {
  Matrix a(2, 2);
  a(0, 1) = 0.5;
  a(1, 0) = 0.5;  // eigenvalues ±0.5 (periodic: plain power iteration would oscillate)
  EXPECT_NEAR(SpectralRadiusNonnegative(a), 0.5, 1e-12);
  Matrix b(2, 2);
  b(0, 0) = 0.2;
  b(0, 1) = 0.3;
  b(1, 0) = 0.1;
  b(1, 1) = 0.4;  // eigenvalues 0.5 and 0.1
  EXPECT_NEAR(SpectralRadiusNonnegative(b), 0.5, 1e-12);
  EXPECT_EQ(SpectralRadiusNonnegative(Matrix(3, 3)), 0.0);
}

TEST(Linalg, StableSumKeepsSmallTerms) {
  std::vector<double> v = {1e16, 1.0, -1e16, 1.0};
  EXPECT_EQ(StableSum(v), 2.0);
}

TEST(Distributions, MatchScipy) {
  const auto& d = AnalysisReference()["dist"];
  for (const auto& c : d["t_two_sided"]) EXPECT_TRUE(CloseRel(StudentTTwoSidedP(c[0], c[1]), c[2], 1e-9));
  for (const auto& c : d["t_quantile"]) EXPECT_TRUE(CloseRel(StudentTQuantile(c[0], c[1]), c[2], 1e-9));
  for (const auto& c : d["f_sf"]) EXPECT_TRUE(CloseRel(FSurvival(c[0], c[1], c[2]), c[3], 1e-9));
  for (const auto& c : d["chi2_sf"]) EXPECT_TRUE(CloseRel(ChiSquareSurvival(c[0], c[1]), c[2], 1e-9));
  for (const auto& c : d["norm_ppf"]) EXPECT_TRUE(CloseRel(NormalQuantile(c[0]), c[1], 1e-10));
  EXPECT_NEAR(NormalCdf(1.959963984540054), 0.975, 1e-14);
}

// Upper tails computed as complements: compared with scipy at points whose tails run from 1e-2 down to
// 1e-300 (tests/reference/tails_reference.py), where 1 - CDF would have given 0 below ~1e-16.
TEST(Distributions, TailsMatchScipyDownTo1e300) {
  std::ifstream in(relais::testing::AnalysisFixture("tails.json"));
  ASSERT_TRUE(in) << "missing tests/fixtures/analysis/tails.json";
  const auto d = nlohmann::json::parse(in);
  constexpr double kRel = 1e-9, kFloor = 1e-320;
  std::size_t checked = 0;
  double smallest = 1;
  auto check = [&](double got, double want, const std::string& what) {
    EXPECT_TRUE(CloseRel(got, want, kRel, kFloor)) << what;
    smallest = std::min(smallest, want);
    ++checked;
  };
  for (const auto& c : d["normal_sf"]) check(NormalCdf(-c[0].get<double>()), c[1], "normal sf at " + c[0].dump());
  for (const auto& c : d["t_sf"])
    check(StudentTTwoSidedP(c[0], c[1]) / 2, c[2], "t sf at " + c[0].dump() + " df " + c[1].dump());
  for (const auto& c : d["chi2_sf"])
    check(ChiSquareSurvival(c[0], c[1]), c[2], "chi2 sf at " + c[0].dump() + " k " + c[1].dump());
  for (const auto& c : d["f_sf"]) check(FSurvival(c[0], c[1], c[2]), c[3], "F sf at " + c[0].dump());
  for (const auto& c : d["gamma_sf"])
    check(GammaSurvival(c[0], c[1], c[3]), c[4], "gamma sf at " + c[0].dump() + " shape " + c[1].dump());
  for (const auto& c : d["normal_ppf"]) check(NormalQuantile(c[0]), c[1], "normal ppf at " + c[0].dump());
  // scipy's t.ppf is good to ~1e-9 only and loses its way far out (it gives -8.2e99 at p = 1e-200 with
  // df 2, where the closed form -1/sqrt(2p) is -7.07e99): compared to 1e-8 down to 1e-16, and below
  // that checked by the round trip through the upper tail, itself compared with scipy above.
  for (const auto& c : d["t_ppf"]) {
    const double p = c[0], df = c[1], q = StudentTQuantile(p, df);
    if (p >= 1e-16) {
      EXPECT_TRUE(CloseRel(q, c[2], 1e-8, kFloor)) << "t ppf at " << p << " df " << df;
    }
    EXPECT_TRUE(CloseRel(StudentTTwoSidedP(q, df) / 2, p, kRel, kFloor)) << "t round trip at " << p << " df " << df;
    if (df == 2) {
      EXPECT_TRUE(CloseRel(q, (2 * p - 1) / std::sqrt(2 * p * (1 - p)), kRel)) << p;
    }
    ++checked;
  }
  EXPECT_GT(checked, 150u);
  EXPECT_LT(smallest, 1e-299);
}

TEST(Distributions, DegenerateArgumentsGiveLimitsOrNaN) {
  EXPECT_EQ(ChiSquareSurvival(0, 3), 1.0);
  EXPECT_EQ(ChiSquareSurvival(std::numeric_limits<double>::infinity(), 3), 0.0);
  EXPECT_EQ(StudentTTwoSidedP(std::numeric_limits<double>::infinity(), 5), 0.0);
  EXPECT_TRUE(std::isnan(StudentTTwoSidedP(std::nan(""), 5)));
  EXPECT_TRUE(std::isnan(ChiSquareSurvival(2.0, -1)));  // no throw from a bad df
  EXPECT_EQ(StudentTQuantile(0.5, 7), 0.0);
  EXPECT_EQ(NormalQuantile(0), -std::numeric_limits<double>::infinity());
}

}  // namespace
}  // namespace relais::toolkit
