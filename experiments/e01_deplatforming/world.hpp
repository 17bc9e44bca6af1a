// Shared by the experiments: the synthetic world (synth → ingest → reuse) they measure, with its truth.
//
// The world goes to OUT/world and the store to OUT/store. When the environment variable
// RELAIS_EXPERIMENT_CACHE names a folder, both go there instead (keyed by scale and seed) and are reused
// by later runs once complete (a `ready` marker is written last): scripts/paper.sh and the experiments test
// build the world once for all five experiments.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/harness.hpp"
#include "relais/base/error.hpp"
#include "relais/base/time.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/store.hpp"
#include "relais/corpora/synth.hpp"
#include "relais/toolkit/reuse.hpp"

namespace relais::experiments {

inline nlohmann::json ReadJsonFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw Error(ErrorKind::kIo, "cannot read " + p.string());
  return nlohmann::json::parse(in);
}

inline corpora::SynthScale ScaleOf(const std::string& s) {
  auto v = corpora::ParseSynthScale(s);
  if (!v) throw Error(ErrorKind::kInvalidArgument, "--scale must be small, medium or large, not '" + s + "'");
  return *v;
}

struct World {
  std::filesystem::path world_dir, store_dir;
  nlohmann::json truth;
  TimeMs event = 0;
  bool cached = false;
  double synth_s = 0, ingest_s = 0, reuse_s = 0;
};

inline double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline World FinishWorld(Experiment& exp, World& w) {
  w.truth = ReadJsonFile(w.world_dir / "truth.json");
  w.event = ParseIso8601(w.truth["event"]["time"].get<std::string>()).value_or(corpora::kDefaultSynthEvent);
  // The world's folder by name only: result.json holds no local path.
  exp.params()["world"] = {{"dir", w.world_dir.filename().string()},
                           {"cached", w.cached},
                           {"items_planted", w.truth["counts"]["items"]},
                           {"synth_s", w.synth_s},
                           {"ingest_s", w.ingest_s},
                           {"reuse_s", w.reuse_s}};
  return w;
}

/// Generates (or reuses) the world and its store (ingested, reuse flows written). Records the world's
/// provenance in the experiment's params.
inline World PrepareWorld(Experiment& exp, bool need_store = true) {
  const auto& a = exp.args();
  if (!a.store.empty())
    throw Error(ErrorKind::kInvalidArgument,
                "this experiment checks estimates against a synthetic world's planted truth; --store is not supported");
  ScaleOf(a.scale);  // validate before any work
  World w;
  std::filesystem::path base = a.out;
  std::string tag;
  if (const char* cache = std::getenv("RELAIS_EXPERIMENT_CACHE"); cache && *cache) {
    base = cache;
    tag = "-" + a.scale + "-" + std::to_string(a.seed);
  }
  w.world_dir = base / ("world" + tag);
  w.store_dir = base / ("store" + tag);
  const auto ready = base / ("ready" + tag);
  if (!tag.empty() && std::filesystem::exists(ready)) {
    w.cached = true;
  } else {
    std::error_code ec;
    std::filesystem::remove_all(w.store_dir, ec);
    std::filesystem::remove(ready, ec);
    auto t0 = std::chrono::steady_clock::now();
    corpora::SynthOptions so;
    so.out = w.world_dir;
    so.seed = a.seed;
    so.scale = ScaleOf(a.scale);
    so.threads = a.threads;
    corpora::GenerateSynthWorld(so);
    w.synth_s = SecondsSince(t0);
    if (!need_store) return FinishWorld(exp, w);
    t0 = std::chrono::steady_clock::now();
    auto store = corpora::Store::Open(w.store_dir, corpora::OpenMode::kCreate);
    corpora::IngestOptions io;
    io.paths = {(w.world_dir / "data").string()};
    io.actor_files = {(w.world_dir / "actors.csv").string()};
    io.threads = a.threads;
    io.args = "relais experiments";
    corpora::Ingest(store, io);
    w.ingest_s = SecondsSince(t0);
    t0 = std::chrono::steady_clock::now();
    toolkit::ReuseRunOptions ro;
    ro.engine.threads = a.threads;
    toolkit::RunReuse(store, ro);
    w.reuse_s = SecondsSince(t0);
    if (!tag.empty()) std::ofstream(ready) << "ok\n";
  }
  return FinishWorld(exp, w);
}

/// A direction check: the planted effect has sign `sign` (+1 / −1); covered when the interval excludes 0
/// on that side.
inline void CheckDirection(Experiment& exp, const std::string& name, int sign, double estimate, double lo, double hi) {
  exp.result()["checks"].push_back({{"name", name},
                                    {"truth", sign > 0 ? "> 0" : "< 0"},
                                    {"estimate", estimate},
                                    {"ci", {lo, hi}},
                                    {"covered", sign > 0 ? lo > 0 : hi < 0}});
}

inline std::string Num(double v) {
  if (!std::isfinite(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// Wilson 95% interval of a binomial proportion k/n.
inline std::pair<double, double> Wilson(double k, double n) {
  if (n <= 0) return {0, 1};
  const double z = 1.959963984540054, p = k / n, d = 1 + z * z / n;
  const double c = (p + z * z / (2 * n)) / d, h = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d;
  return {std::max(0.0, c - h), std::min(1.0, c + h)};
}

}  // namespace relais::experiments
