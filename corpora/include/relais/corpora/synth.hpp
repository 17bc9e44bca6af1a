// The synthetic world: actors, a follower graph, a planted multivariate Hawkes process between actor
// classes, retweet cascades (independent cascade model), press/PR text reuse, link shares, embeds, and an
// event (a head of state's account removed) — written in the real formats the readers accept, with
// truth.json giving every planted parameter and realised count. See docs/synth.md.
//
// Usage:
//   relais::corpora::SynthOptions opt;
//   opt.out = "world"; opt.seed = 7; opt.scale = relais::corpora::SynthScale::kSmall;
//   auto result = relais::corpora::GenerateSynthWorld(opt);  // world/data/, world/actors.csv, world/truth.json
//
// Deterministic: every random draw comes from a counter-based stream keyed by (seed, purpose, entity), work
// is split into fixed chunks independent of the thread count, and files are written in a fixed order, so
// the same seed gives byte-identical files at any --threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "relais/base/time.hpp"

namespace relais::corpora {

enum class SynthScale : std::uint8_t { kSmall, kMedium, kLarge };

/// "small" | "medium" | "large".
std::optional<SynthScale> ParseSynthScale(std::string_view s);
std::string_view ToString(SynthScale s);

/// 2021-01-08T23:21Z, the default event time.
inline constexpr TimeMs kDefaultSynthEvent = 1610148060000LL;

struct SynthOptions {
  std::filesystem::path out;  // output folder (created; existing data/ is replaced)
  std::uint64_t seed = 1;
  SynthScale scale = SynthScale::kSmall;
  int threads = 0;     // 0 = all hardware threads
  double dirty = 0.0;  // fraction of records damaged (0..0.5)
  TimeMs event_time = kDefaultSynthEvent;
  bool deactivation = false;  // an 11-minute deactivation at event_time instead of a permanent removal
  bool quiet = true;          // progress on stderr when false
};

struct SynthResult {
  std::uint64_t actors = 0;
  std::uint64_t items = 0;
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t malformed = 0;   // injected records that ingestion must quarantine
  std::uint64_t duplicates = 0;  // injected exact duplicates
  double seconds = 0.0;
};

/// Generates the world into options.out. Throws relais::Error (kInvalidArgument) for bad options and
/// (kIo) when a file cannot be written.
SynthResult GenerateSynthWorld(const SynthOptions& options);

}  // namespace relais::corpora
