// OrderedPrefetch: values made ahead in order on a thread of their own, within a byte budget, errors
// handed back where they happened.
#include "relais/base/ordered_prefetch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace relais {
namespace {

using Prefetch = OrderedPrefetch<int, std::string>;

std::size_t StringBytes(const std::string& s) { return s.size(); }

// Waits (up to 10 s) until `done` holds.
template <typename F>
bool EventuallyTrue(F done) {
  for (int k = 0; k < 1000 && !done(); ++k) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

TEST(OrderedPrefetch, HandsBackEveryValueInTheGivenOrder) {
  const std::vector<int> order = {5, 2, 9, 2, 7};  // not sorted, with a key twice
  std::vector<int> made;
  Prefetch p(
      order,
      [&](const int& k) {
        made.push_back(k);
        return std::string(static_cast<std::size_t>(k), 'x');
      },
      StringBytes, 1000);
  for (const int k : order) EXPECT_EQ(p.Take(k), std::string(static_cast<std::size_t>(k), 'x'));
  EXPECT_EQ(made, order);
}

TEST(OrderedPrefetch, MakesNoMoreThanTheBudgetAheadOfTheTaker) {
  std::vector<int> order(100);
  for (int k = 0; k < 100; ++k) order[static_cast<std::size_t>(k)] = k;
  std::atomic<int> made{0};
  Prefetch p(
      order,
      [&](const int&) {
        ++made;
        return std::string(10, 'x');
      },
      StringBytes, 25);
  // 10-byte values under a 25-byte budget: a third value is made while 20 bytes are held, then none.
  ASSERT_TRUE(EventuallyTrue([&] { return made.load() == 3; })) << made.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(made.load(), 3);
  EXPECT_EQ(p.peak_bytes(), 30u);
  EXPECT_EQ(p.Take(0).size(), 10u);  // 20 bytes held: one more is made
  ASSERT_TRUE(EventuallyTrue([&] { return made.load() == 4; })) << made.load();
  for (int k = 1; k < 100; ++k) EXPECT_EQ(p.Take(k).size(), 10u);
  EXPECT_EQ(made.load(), 100);
  EXPECT_EQ(p.peak_bytes(), 30u);
}

TEST(OrderedPrefetch, AValueLargerThanTheBudgetStillComes) {
  Prefetch p(
      {1, 2, 3}, [](const int& k) { return std::string(1000u * static_cast<std::size_t>(k), 'y'); }, StringBytes, 1);
  EXPECT_EQ(p.Take(1).size(), 1000u);
  EXPECT_EQ(p.Take(2).size(), 2000u);
  EXPECT_EQ(p.Take(3).size(), 3000u);
  EXPECT_EQ(p.peak_bytes(), 3000u);  // one value at a time
}

TEST(OrderedPrefetch, AnErrorComesBackAtItsKeyAfterTheValuesBeforeIt) {
  std::atomic<int> made{0};
  Prefetch p(
      {0, 1, 2, 3, 4},
      [&](const int& k) {
        ++made;
        if (k == 2) throw std::runtime_error("cannot read piece 2");
        return std::string("v") + std::to_string(k);
      },
      StringBytes, 1000);
  EXPECT_EQ(p.Take(0), "v0");
  EXPECT_EQ(p.Take(1), "v1");
  try {
    p.Take(2);
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "cannot read piece 2");
  }
  EXPECT_EQ(made.load(), 3) << "nothing made after the error";
}

TEST(OrderedPrefetch, TakingOutOfOrderIsAnInternalError) {
  Prefetch p(
      {0, 1}, [](const int& k) { return std::to_string(k); }, StringBytes, 1000);
  try {
    p.Take(1);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
  }
  EXPECT_EQ(p.Take(0), "0");
  EXPECT_EQ(p.Take(1), "1");
  EXPECT_THROW(p.Take(1), Error);  // past the end
}

TEST(OrderedPrefetch, StopsWhenDroppedWithValuesLeft) {
  std::atomic<int> made{0};
  {
    std::vector<int> order(1000, 0);
    Prefetch p(
        order,
        [&](const int&) {
          ++made;
          return std::string(100, 'z');
        },
        StringBytes, 150);
    EXPECT_EQ(p.Take(0).size(), 100u);
  }  // joins without waiting for the other 999
  EXPECT_LE(made.load(), 4);
}

}  // namespace
}  // namespace relais
