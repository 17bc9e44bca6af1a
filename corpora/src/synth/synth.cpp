// relais synth: options, the world's clock, and the pipeline actors → follower graph → activity → files.
#include <chrono>
#include <iostream>
#include <thread>

#include <tbb/task_arena.h>

#include "relais/base/error.hpp"
#include "relais/base/threads.hpp"
#include "relais/corpora/synth.hpp"
#include "synth_internal.hpp"

namespace relais::corpora {

std::optional<SynthScale> ParseSynthScale(std::string_view s) {
  if (s == "small") return SynthScale::kSmall;
  if (s == "medium") return SynthScale::kMedium;
  if (s == "large") return SynthScale::kLarge;
  return std::nullopt;
}

std::string_view ToString(SynthScale s) {
  switch (s) {
    case SynthScale::kSmall:
      return "small";
    case SynthScale::kMedium:
      return "medium";
    case SynthScale::kLarge:
      return "large";
  }
  return "small";
}

SynthResult GenerateSynthWorld(const SynthOptions& options) {
  using namespace detail;
  if (options.out.empty()) ThrowInvalidArgument("synth: --out is required");
  if (!(options.dirty >= 0.0 && options.dirty <= 0.5)) ThrowInvalidArgument("synth: --dirty must be in [0, 0.5]");
  if (options.threads < 0) ThrowInvalidArgument("synth: --threads must be >= 0");
  const auto t0 = std::chrono::steady_clock::now();
  auto progress = [&](const std::string& what) {
    if (options.quiet) return;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "relais synth: " << what << " (" << static_cast<int>(s * 1000) / 1000.0 << " s)\n";
  };
  std::error_code ec;
  std::filesystem::create_directories(options.out, ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot create " + options.out.string() + ": " + ec.message());

  World w;
  w.opt = options;
  constexpr TimeMs kDay = 24LL * 3600 * 1000;
  w.event = options.event_time;
  w.start = w.event - 60 * kDay;
  w.end = w.event + 60 * kDay;
  w.removal_end = options.deactivation ? w.event + 11 * 60 * 1000 : w.end;

  int threads = ThreadCountOrDefault(options.threads);
  tbb::task_arena arena(threads);
  SynthResult res;
  arena.execute([&] {
    BuildActors(options.seed, options.scale, w.actors, w.synd_groups, w.by_group);
    for (std::size_t i = 0; i < w.actors.size(); ++i)
      if (w.actors[i].head_of_state) w.hos = static_cast<std::int32_t>(i);
    SetParams(w);
    progress("actors: " + std::to_string(w.actors.size()));
    BuildFollowerGraph(w);
    progress("follower graph: " + std::to_string(w.follow_edges) + " edges");
    Simulate(w);
    progress("activity: " + std::to_string(w.items.size()) + " items");
    PlantGeography(w);
    res = WriteWorld(w);
    progress("files written: " + std::to_string(res.files));
  });
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace relais::corpora
