#include "relais/base/log_gamma.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

namespace relais {
namespace {

TEST(LogGamma, EqualsStdLgamma) {
  for (double x : {0.5, 1.0, 2.0, 3.5, 10.0, 101.0, 1e6, -0.5, -2.5, 1e-300})
    EXPECT_DOUBLE_EQ(LogGamma(x), std::lgamma(x)) << x;
  EXPECT_DOUBLE_EQ(LogGamma(5.0), std::log(24.0));  // Γ(5) = 4!
}

// Run under ThreadSanitizer (scripts/sanitize.sh tsan): std::lgamma would race on the global signgam here.
TEST(LogGamma, ManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<double> sums(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&sums, t] {
      for (int k = 0; k < 10000; ++k) sums[static_cast<std::size_t>(t)] += LogGamma(k % 50 + 1.5);
    });
  for (auto& th : threads) th.join();
  for (double s : sums) EXPECT_DOUBLE_EQ(s, sums[0]);
}

}  // namespace
}  // namespace relais
