// One quantile rule (numpy's default, type 7) and one median for every analysis.
#include "relais/base/quantile.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "relais/base/threads.hpp"
#include "relais/base/utf8.hpp"

namespace relais {
namespace {

TEST(Quantile, MatchesNumpyType7) {
  // Reference: /usr/bin/python3 -c "import numpy as np; v=[3.5,-1,7,7,2.25,10,0.5];
  //   print([float(np.quantile(v,q)) for q in (0,0.025,0.25,0.5,0.75,0.975,1)])"
  const std::vector<double> v{3.5, -1, 7, 7, 2.25, 10, 0.5};
  const double q[] = {0, 0.025, 0.25, 0.5, 0.75, 0.975, 1};
  const double numpy[] = {-1.0, -0.7749999999999999, 1.375, 3.5, 7.0, 9.549999999999999, 10.0};
  for (std::size_t i = 0; i < std::size(q); ++i) EXPECT_DOUBLE_EQ(Quantile(v, q[i]), numpy[i]) << "q=" << q[i];
  EXPECT_TRUE(std::isnan(Quantile({}, 0.5)));
  EXPECT_EQ(Quantile({42}, 0.9), 42);
}

TEST(Median, OddEvenAndEmpty) {
  EXPECT_EQ(Median({5, 1, 4, 2}), 3.0);           // numpy.median: 3.0
  EXPECT_EQ(Median({1620, 1620000, 3}), 1620.0);  // numpy.median: 1620.0
  EXPECT_EQ(Median({-7}), -7.0);
  EXPECT_EQ(Median({3, 4}), 3.5);
  EXPECT_TRUE(std::isnan(Median({})));
  // Large millisecond latencies keep their exact midpoint.
  EXPECT_EQ(Median({1'609'459'200'000, 1'609'459'200'001}), 1'609'459'200'000.5);
}

TEST(ThreadCount, PositiveRequestWinsElseEveryCore) {
  EXPECT_EQ(ThreadCountOrDefault(3), 3);
  EXPECT_GE(ThreadCountOrDefault(0), 1);
  EXPECT_EQ(ThreadCountOrDefault(-2), ThreadCountOrDefault(0));
}

TEST(Utf8, EncodesEachLengthAndReplacesInvalidCodePoints) {
  std::string s;
  for (char32_t cp : {U'a', U'é', U'€', U'🌊'}) AppendUtf8(s, cp);
  EXPECT_EQ(s, "aé€🌊");
  s.clear();
  AppendUtf8(s, 0xD800);
  AppendUtf8(s, 0x110000);
  EXPECT_EQ(s, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace relais
