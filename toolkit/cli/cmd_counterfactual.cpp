// relais counterfactual: reach taken away by removing an actor, by Hawkes re-simulation.
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/analysis/counterfactual.hpp"
#include "relais/toolkit/analysis/series.hpp"

namespace relais::cli {

namespace {

struct CounterfactualArgs {
  std::string store, remove, at, before = "30d", after = "7d", groups = "class";
  int runs = 100;
  double beta = 0;
  std::uint64_t seed = 1;
  bool json = false;
};

void RunCounterfactualCmd(const CounterfactualArgs& a) {
  toolkit::CounterfactualOptions o;
  o.actor = a.remove;
  o.at = toolkit::ParseTimeOption(a.at, "--at");
  o.before = toolkit::ParseDurationOption(a.before, "--before");
  o.after = toolkit::ParseDurationOption(a.after, "--after");
  o.runs = a.runs;
  o.seed = a.seed;
  o.group_by = a.groups;
  if (a.beta < 0) ThrowInvalidArgument("--beta must be positive");
  if (a.beta > 0) o.beta = a.beta;
  const auto store = corpora::Store::Open(a.store, corpora::OpenMode::kReadOnly);
  const auto j = toolkit::RunCounterfactual(store, o);
  if (a.json) {
    std::cout << WithRanks(j.dump(), 1) << "\n";
    return;
  }
  const auto& tot = j["others_total"]["removed"];
  std::printf("removing %s at %s: %d runs over %s\n", a.remove.c_str(), a.at.c_str(), a.runs, a.after.c_str());
  std::printf("items by others taken away: %.1f [%.1f, %.1f]; in clusters rooted at the actor: %.1f\n",
              tot["mean"].get<double>(), tot["ci"][0].get<double>(), tot["ci"][1].get<double>(),
              j["actor_rooted_total"]["mean"].get<double>());
  for (const auto& [name, d] : j["items"].items())
    std::printf("  %-24s with %.1f, without %.1f, removed %.1f [%.1f, %.1f]\n", name.c_str(),
                d["with"]["mean"].get<double>(), d["without"]["mean"].get<double>(), d["removed"]["mean"].get<double>(),
                d["removed"]["ci"][0].get<double>(), d["removed"]["ci"][1].get<double>());
}

}  // namespace

void RegisterCounterfactual(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<CounterfactualArgs>();
  auto* sub = app.add_subcommand("counterfactual", "re-simulate the period after an event without an actor");
  sub->add_option("--store", args->store, "store folder")->required();
  sub->add_option("--remove", args->remove, "actor key to remove")->required();
  sub->add_option("--at", args->at, "event time (ISO 8601)")->required();
  sub->add_option("--before", args->before, "fit window before the event");
  sub->add_option("--after", args->after, "simulated window after the event");
  sub->add_option("--runs", args->runs, "simulations with and without the actor");
  sub->add_option("--groups", args->groups, "class|region");
  sub->add_option("--beta", args->beta, "fixed decay per hour (default: profile likelihood)");
  sub->add_option("--seed", args->seed, "simulation seed");
  sub->add_flag("--json", args->json, "machine output");
  sub->callback([args] { RunCounterfactualCmd(*args); });
}

}  // namespace relais::cli
