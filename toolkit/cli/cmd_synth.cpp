// relais synth: generates the synthetic world with planted ground truth (corpora/synth.hpp).
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/base/time.hpp"
#include "relais/corpora/synth.hpp"
#include "relais/toolkit/run_summary.hpp"

namespace relais::cli {

void RegisterSynth(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string out, scale = "small", event;
    std::uint64_t seed = 1;
    int threads = 0;
    double dirty = 0.0;
    bool deactivation = false, json = false;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "synth", "Generate the synthetic world (data/, actors.csv, truth.json, followers.csv, cascades_truth.csv)");
  sub->add_option("--out", args->out, "Output folder")->required();
  sub->add_option("--seed", args->seed, "Random seed");
  sub->add_option("--scale", args->scale, "small | medium | large");
  sub->add_option("--threads", args->threads, "Worker threads (0 = all); output does not depend on it");
  sub->add_option("--dirty", args->dirty, "Fraction of records damaged as real data is (0..0.5)");
  sub->add_option("--event", args->event, "Event time, ISO 8601 (default 2021-01-08T23:21Z)");
  sub->add_flag("--deactivation", args->deactivation, "An 11-minute deactivation instead of a permanent removal");
  sub->add_flag("--json", args->json, "Print the summary as JSON");
  sub->callback([args, &ctx] {
    corpora::SynthOptions opt;
    opt.out = args->out;
    opt.seed = args->seed;
    auto scale = corpora::ParseSynthScale(args->scale);
    if (!scale) ThrowInvalidArgument("synth: --scale must be small, medium or large (got '" + args->scale + "')");
    opt.scale = *scale;
    opt.threads = args->threads;
    opt.dirty = args->dirty;
    opt.deactivation = args->deactivation;
    opt.quiet = false;
    if (!args->event.empty()) {
      auto t = ParseIso8601(args->event);
      if (!t) ThrowInvalidArgument("synth: --event is not an ISO 8601 time: '" + args->event + "'");
      opt.event_time = *t;
    }
    corpora::SynthResult r = corpora::GenerateSynthWorld(opt);
    if (args->json) {
      std::cout << WithRanks(toolkit::SynthSummaryJson(args->out, r).dump(), 1) << "\n";
    } else {
      std::cout << "synthetic world in " << args->out << ": " << r.actors << " actors, " << r.items << " items, "
                << r.files << " files (" << r.bytes / 1000000.0 << " MB) in " << r.seconds << " s";
      if (opt.dirty > 0)
        std::cout << "; injected " << r.malformed << " malformed and " << r.duplicates << " duplicate records";
      std::cout << "\n";
    }
    ctx.exit_code = 0;
  });
}

}  // namespace relais::cli
