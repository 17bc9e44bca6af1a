// relais stats: a summary of a store's content (a pure function of it).
#include <iostream>

#include "commands.hpp"
#include "relais/corpora/stats.hpp"

namespace relais::cli {

void RegisterStats(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string store;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("stats", "summary of a store: items, actors, channels, classes, flows, period");
  sub->add_option("--store", args->store, "store folder")->required();
  sub->add_flag("--json", args->json, "print JSON");
  sub->callback([args] {
    auto store = corpora::Store::Open(args->store, corpora::OpenMode::kReadOnly);
    corpora::StoreStats s = corpora::ComputeStats(store);
    std::cout << (args->json ? WithRanks(corpora::StatsToJson(s), 1) + "\n" : corpora::StatsToTable(s));
  });
  (void)ctx;
}

}  // namespace relais::cli
