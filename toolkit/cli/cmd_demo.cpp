// relais demo: the main job on the embedded default (a small synthetic world), leaving a report.
#include <iostream>

#include "commands.hpp"
#include "relais/toolkit/demo.hpp"

namespace relais::cli {

void RegisterDemo(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string out = "demo-out";
    std::uint64_t seed = 1;
    int threads = 0;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("demo", "generate a small world, ingest it, run every analysis, write report.html");
  sub->add_option("--out", o->out, "output folder")->capture_default_str();
  sub->add_option("--seed", o->seed, "world seed")->capture_default_str();
  sub->add_option("--threads", o->threads, "threads (0 = all cores)");
  sub->add_flag("--json", o->json, "print the collected results as JSON");
  sub->callback([o] {
    toolkit::DemoOptions opt;
    opt.out = o->out;
    opt.seed = o->seed;
    opt.threads = o->threads;
    auto results = toolkit::RunDemo(opt);
    std::cout << (o->json ? WithRanks(results.dump(), 1) + "\n" : toolkit::DemoSummary(results, opt.out));
  });
  (void)ctx;
}

}  // namespace relais::cli
