// Runs each experiment binary (experiments/eNN_*) at --scale small into a temporary folder, sharing one
// synthetic world through RELAIS_EXPERIMENT_CACHE, and checks result.json's shape and the CSV files the
// paper (paper/relais.tex) reads.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;

fs::path ExperimentBin(const std::string& name) { return fs::path(RELAIS_BINARY_DIR) / "experiments" / name; }

// The source tree's commit ("" outside a git checkout), as the build stamps it into the experiments.
std::string SourceRevision() {
  auto r = relais::testing::Run(std::string("git -C ") + RELAIS_TEST_DIR + " rev-parse --short HEAD 2>/dev/null");
  std::string rev = r.exit_code == 0 ? r.out : "";
  while (!rev.empty() && (rev.back() == '\n' || rev.back() == '\r')) rev.pop_back();
  return rev;
}

class ExperimentsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cache_ = std::make_unique<relais::testing::TempDir>(); }
  static void TearDownTestSuite() { cache_.reset(); }

  // Runs the experiment; returns its result.json (fails the test on a non-zero exit).
  static nlohmann::json RunExperiment(const std::string& name, const std::vector<std::string>& csvs) {
    const fs::path bin = ExperimentBin(name);
    if (!fs::exists(bin)) {
      ADD_FAILURE() << bin << " is not built (build the experiment targets: ninja " << name << ")";
      return {};
    }
    const fs::path out = cache_->path() / name;
    auto r = relais::testing::Run("RELAIS_EXPERIMENT_CACHE=" + cache_->path().string() + " " + bin.string() +
                                  " --scale small --threads 2 --seed 1 --out " + out.string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(out / "result.json");
    EXPECT_TRUE(in.good()) << "no result.json in " << out;
    if (!in) return {};
    auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j.value("experiment", ""), name);
    EXPECT_TRUE(j.contains("params") && j["params"].is_object());
    EXPECT_EQ(j["params"].value("scale", ""), "small");
    EXPECT_TRUE(j.contains("git_revision"));
    // Stamped when the binary was built, not when CMake configured: it names the commit under test.
    if (const std::string rev = SourceRevision(); !rev.empty()) {
      const std::string stamped = j.value("git_revision", "");
      EXPECT_TRUE(stamped == rev || stamped == rev + "-dirty")
          << "the experiments were built from " << stamped << ", HEAD is " << rev << ": rebuild (ninja) after a commit";
    }
    EXPECT_TRUE(j["checks"].is_array());
    EXPECT_FALSE(j["checks"].empty());
    for (const auto& c : j["checks"]) {
      EXPECT_TRUE(c["name"].is_string());
      EXPECT_TRUE(c.contains("truth"));
      EXPECT_TRUE(c["estimate"].is_number()) << c.dump();
      EXPECT_TRUE(c["ci"].is_array() && c["ci"].size() == 2u) << c.dump();
      EXPECT_TRUE(c["covered"].is_boolean());
      // Every planted-truth check is covered at small scale (seed 1).
      EXPECT_TRUE(c.value("covered", false)) << name << ": " << c.dump();
    }
    EXPECT_TRUE(j["tables"].is_array());
    if (!j["tables"].is_array()) return j;
    for (const auto& csv : csvs) {
      bool listed = false;
      for (const auto& t : j["tables"]) listed = listed || t == csv;
      EXPECT_TRUE(listed) << csv << " not listed in result.json";
      std::ifstream f(out / csv);
      EXPECT_TRUE(f.good()) << "missing " << (out / csv);
      std::string header, row;
      std::getline(f, header);
      EXPECT_FALSE(header.empty()) << csv;
      EXPECT_TRUE(static_cast<bool>(std::getline(f, row))) << csv << " has no row";
    }
    return j;
  }

  static bool Covered(const nlohmann::json& j, const std::string& prefix) {
    for (const auto& c : j["checks"])
      if (c["name"].get<std::string>().rfind(prefix, 0) == 0) return c["covered"].get<bool>();
    ADD_FAILURE() << "no check named " << prefix << "…";
    return false;
  }

  static std::unique_ptr<relais::testing::TempDir> cache_;
};

std::unique_ptr<relais::testing::TempDir> ExperimentsTest::cache_;

TEST_F(ExperimentsTest, AllFiveAtSmallScale) {
  auto e01 = RunExperiment("e01_deplatforming", {"flows_before_after.csv", "daily.csv", "estimates.csv"});
  if (!e01.is_null()) {
    // The ITS, the supporters' DiD and the RD are all there (and covered, above); the rule-based DiD is
    // reported (did_rule_estimate), not checked: its pre-trend test fails at most seeds.
    for (const char* name : {"ITS: regional press's share of public link shares rises",
                             "ITS: level change of that share", "DiD: planted supporters' activity drops",
                             "DiD: planted supporters' relative drop", "RD: retweet flows drop"})
      EXPECT_TRUE(Covered(e01, name)) << name;
    EXPECT_TRUE(e01["params"]["world"].is_object());
    EXPECT_FALSE(e01["params"]["world"]["cached"].get<bool>());  // the first run builds the world
  }
  auto e02 = RunExperiment("e02_churnalism", {"recall_by_level.csv", "recall_by_class.csv", "recall_by_region.csv",
                                              "detected_by_class.csv", "scores.csv", "summary.csv"});
  if (!e02.is_null()) {
    EXPECT_TRUE(e02["params"]["world"]["cached"].get<bool>());  // later runs reuse the world
  }
  RunExperiment("e03_agenda", {"crosscorr.csv", "granger.csv", "delay_quantiles.csv", "hourly.csv"});
  auto e04 = RunExperiment("e04_influence", {"error_vs_n.csv", "error_replicates.csv", "alpha_coverage.csv"});
  if (!e04.is_null()) {
    EXPECT_TRUE(Covered(e04, "alpha error falls with events"));
    EXPECT_TRUE(Covered(e04, "mean alpha error at the largest horizon"));
    // The mean error over replicates falls with the number of events: the largest horizon beats the smallest.
    std::ifstream f(cache_->path() / "e04_influence" / "error_vs_n.csv");
    std::string line;
    std::vector<double> err;
    std::getline(f, line);
    while (std::getline(f, line)) {
      auto c1 = line.find(','), c2 = line.find(',', c1 + 1), c3 = line.find(',', c2 + 1);
      err.push_back(std::stod(line.substr(c2 + 1, c3 - c2 - 1)));
    }
    ASSERT_GE(err.size(), 2u);
    EXPECT_LT(err.back(), err.front());
  }
  auto e05 = RunExperiment("e05_scaling", {"scaling.csv"});
  if (!e05.is_null()) {
    // Outputs do not depend on the thread count.
    for (const auto& c : e05["checks"]) EXPECT_TRUE(c["covered"].get<bool>()) << c.dump();
  }
}

TEST_F(ExperimentsTest, BadScaleIsAUsageError) {
  const fs::path bin = ExperimentBin("e04_influence");
  if (!fs::exists(bin)) GTEST_SKIP() << bin << " not built";
  relais::testing::TempDir out;
  auto r = relais::testing::Run(bin.string() + " --scale huge --out " + out.path().string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--scale"), std::string::npos) << r.err;
}

}  // namespace
