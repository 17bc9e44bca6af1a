// Dense linear algebra and distribution functions against scipy references.
#include "relais/toolkit/analysis/linalg.hpp"

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

}  // namespace
}  // namespace relais::toolkit
