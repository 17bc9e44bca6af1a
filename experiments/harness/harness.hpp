// Experiment harness: common flags, the parameter banner (params, seed, git revision first) and the
// result.json writer of DESIGN.md: {experiment, params, checks:[{name, truth, estimate, ci:[lo,hi], covered}]}.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "harness/git_revision.hpp"
#include "relais/base/error.hpp"

namespace relais::experiments {

struct ExperimentArgs {
  std::string scale = "small";
  std::filesystem::path out = "out";
  std::string store;                // real data instead of the synthetic world, when the experiment supports it
  std::vector<std::string> ingest;  // real-data experiments: files ingested into a new --store first
  std::string format = "auto";      // their format (as `relais ingest --format`)
  std::uint64_t seed = 1;
  int threads = 0;
};

/// One experiment run: parses flags, prints the banner, collects checks and tables, writes result.json.
class Experiment {
 public:
  Experiment(std::string name, std::string question) : name_(std::move(name)), question_(std::move(question)) {
    result_["experiment"] = name_;
    result_["checks"] = nlohmann::json::array();
  }

  /// For the real-data experiments: --ingest FILES and --format are accepted (the others refuse them).
  void AcceptIngest() { accepts_ingest_ = true; }

  /// Adds the common flags to app; call before app.parse.
  void AddFlags(CLI::App& app) {
    app.add_option("--scale", args_.scale, "small | medium | large")->capture_default_str();
    app.add_option("--out", args_.out, "output folder")->required();
    app.add_option("--store", args_.store, "a store of real data (instead of the synthetic world)");
    if (accepts_ingest_) {
      // One value per flag, as the relais CLI (repeat --ingest for more files): a flag never swallows what follows.
      app.add_option("--ingest", args_.ingest, "ingest this file into a new --store first; repeatable")
          ->allow_extra_args(false);
      app.add_option("--format", args_.format, "format of the --ingest files (as relais ingest)")
          ->capture_default_str();
    }
    app.add_option("--seed", args_.seed, "seed")->capture_default_str();
    app.add_option("--threads", args_.threads, "threads (0 = all cores)");
  }

  const ExperimentArgs& args() const { return args_; }
  nlohmann::json& params() { return result_["params"]; }

  /// Prints parameters, seed and git revision before any work (stdout, one JSON line).
  void Banner() {
    std::filesystem::create_directories(args_.out);
    params()["scale"] = args_.scale;
    params()["seed"] = args_.seed;
    params()["threads"] = args_.threads;
    params()["store"] = args_.store;
    result_["git_revision"] = GitRevision();
    result_["question"] = question_;
    std::cout << nlohmann::json{{"experiment", name_}, {"params", params()}, {"git_revision", GitRevision()}}.dump()
              << std::endl;
    start_ = std::chrono::steady_clock::now();
  }

  /// A planted-truth check; covered = lo <= truth <= hi.
  void Check(const std::string& name, double truth, double estimate, double lo, double hi) {
    result_["checks"].push_back({{"name", name},
                                 {"truth", truth},
                                 {"estimate", estimate},
                                 {"ci", {lo, hi}},
                                 {"covered", lo <= truth && truth <= hi}});
  }
  /// A threshold check (e.g. precision ≥ 0.95): "covered" when estimate ≥ threshold.
  void CheckAtLeast(const std::string& name, double threshold, double estimate) {
    result_["checks"].push_back({{"name", name},
                                 {"truth", threshold},
                                 {"estimate", estimate},
                                 {"ci", {estimate, estimate}},
                                 {"covered", estimate >= threshold}});
  }

  nlohmann::json& result() { return result_; }

  /// Writes a CSV table into out/NAME.csv and lists it in result.json's "tables".
  void WriteCsv(const std::string& table, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
    std::ofstream f(args_.out / (table + ".csv"));
    for (std::size_t i = 0; i < header.size(); ++i) f << (i ? "," : "") << header[i];
    f << "\n";
    for (const auto& r : rows) {
      for (std::size_t i = 0; i < r.size(); ++i) f << (i ? "," : "") << r[i];
      f << "\n";
    }
    result_["tables"].push_back(table + ".csv");
  }

  /// Writes out/result.json; returns 0 (checks that are not covered are reported, not fatal).
  int Finish() {
    result_["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::ofstream f(args_.out / "result.json");
    f << result_.dump(2) << "\n";
    int covered = 0;
    for (const auto& c : result_["checks"]) covered += c.value("covered", false) ? 1 : 0;
    std::cerr << name_ << ": " << covered << "/" << result_["checks"].size() << " checks covered; "
              << (args_.out / "result.json").string() << "\n";
    return 0;
  }

 private:
  std::string name_, question_;
  ExperimentArgs args_;
  bool accepts_ingest_ = false;
  nlohmann::json result_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// main() body: parse flags, run, map relais::Error to exit codes like the CLI.
template <typename Body>
int RunExperiment(int argc, char** argv, Experiment& exp, Body body) {
  CLI::App app{exp.result()["experiment"].get<std::string>()};
  exp.AddFlags(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    exp.Banner();
    body(exp);
    return exp.Finish();
  } catch (const relais::Error& e) {
    std::cerr << exp.result()["experiment"].get<std::string>() << ": error: " << e.what() << "\n";
    return relais::ExitCodeFor(e.kind());
  }
}

}  // namespace relais::experiments
