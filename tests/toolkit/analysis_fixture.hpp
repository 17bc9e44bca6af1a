// Shared helpers for the analysis tests: the statsmodels reference values and relative comparison.
#pragma once

#include <gtest/gtest.h>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace relais::testing {

inline const nlohmann::json& AnalysisReference() {
  static const nlohmann::json ref = [] {
    std::ifstream in(FixturesDir() / "analysis" / "reference.json");
    return nlohmann::json::parse(in);
  }();
  return ref;
}

inline std::string AnalysisFixture(const std::string& name) { return (FixturesDir() / "analysis" / name).string(); }

/// |a - b| <= rel * max(|b|, floor).
inline ::testing::AssertionResult CloseRel(double a, double b, double rel = 1e-6, double floor = 1e-12) {
  if (std::abs(a - b) <= rel * std::max(std::abs(b), floor)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a << " vs reference " << b << " (rel "
                                       << std::abs(a - b) / std::max(std::abs(b), floor) << ")";
}

}  // namespace relais::testing
