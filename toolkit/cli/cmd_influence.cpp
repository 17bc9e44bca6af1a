// relais influence: multivariate exponential Hawkes between groups (store classes/regions or an events CSV).
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/analysis/hawkes.hpp"
#include "relais/toolkit/analysis/series.hpp"

namespace relais::cli {

namespace {

struct InfluenceArgs {
  std::string store, events, groups = "class", from, to;
  double beta = 0;
  int bootstrap = 0, max_iterations = 2000;
  std::uint64_t seed = 1;
  bool json = false;
};

// Under mpirun every rank reads the events (a shared filesystem) and the EM's E-step is split across
// the ranks in time blocks (toolkit::HawkesFitOptions::comm): the fit equals the one-process fit.
void RunInfluence(const InfluenceArgs& a, CliContext& ctx) {
  const dist::Comm& world = ctx.world();
  ctx.collective = true;
  toolkit::EventSequence ev = dist::Agree(world, [&] {
    if (a.store.empty() == a.events.empty()) ThrowInvalidArgument("give exactly one of --store and --events");
    (void)toolkit::HawkesOptionsFromFlags(a.beta, a.bootstrap, a.max_iterations, a.seed);  // the flags' checks
    if (!a.events.empty()) return toolkit::ReadEventsCsv(a.events);
    const auto store = corpora::Store::Open(a.store, corpora::OpenMode::kReadOnly);
    auto [first, last] = toolkit::StoreTimeSpan(store);
    const TimeMs from = a.from.empty() ? first : toolkit::ParseTimeOption(a.from, "--from");
    const TimeMs to = a.to.empty() ? last + 1 : toolkit::ParseTimeOption(a.to, "--to");
    return toolkit::ReadStoreEvents(store, a.groups, from, to);
  });
  toolkit::HawkesFitOptions o = toolkit::HawkesOptionsFromFlags(a.beta, a.bootstrap, a.max_iterations, a.seed);
  o.comm = &world;
  // Data errors of the fit (a group without events, an empty window) arise on every rank alike.
  dist::Agree(world, [&] { toolkit::CheckHawkesInput(ev); });
  const auto fit = toolkit::FitHawkes(ev, o);
  ctx.ranks = world.size();
  if (!world.root()) return;
  auto j = toolkit::ToJson(fit, ev.group_names);
  j["time_unit"] = a.events.empty() ? "hour" : "input";
  j["window"] = {ev.start, ev.end};
  if (a.json) {
    std::cout << WithRanks(j.dump(), ctx.ranks) << "\n";
    return;
  }
  std::printf("Hawkes fit on %zu events, %zu groups, beta %.6g%s, loglik %.6f, branching ratio %.4f\n", ev.times.size(),
              ev.num_groups(), fit.params.beta, fit.beta_fitted ? " (fitted)" : " (fixed)", fit.loglik,
              fit.branching_ratio);
  std::printf("%-24s %10s %12s\n", "group", "events", "mu");
  for (std::size_t g = 0; g < ev.num_groups(); ++g)
    std::printf("%-24s %10zu %12.6g\n", ev.group_names[g].c_str(), fit.counts[g], fit.params.mu[g]);
  std::printf("alpha[source][target] (expected direct offspring per source event):\n");
  for (std::size_t i = 0; i < ev.num_groups(); ++i) {
    std::printf("  %-22s", ev.group_names[i].c_str());
    for (std::size_t k = 0; k < ev.num_groups(); ++k) std::printf(" %9.4f", fit.params.alpha(i, k));
    std::printf("\n");
  }
  std::printf("caused_share[target][source] (share of target's events caused by source):\n");
  for (std::size_t i = 0; i < ev.num_groups(); ++i) {
    std::printf("  %-22s", ev.group_names[i].c_str());
    for (std::size_t k = 0; k < ev.num_groups(); ++k) std::printf(" %9.4f", fit.caused_share(i, k));
    std::printf("\n");
  }
}

}  // namespace

void RegisterInfluence(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<InfluenceArgs>();
  auto* sub = app.add_subcommand("influence", "multivariate exponential Hawkes influence between groups");
  sub->add_option("--store", args->store, "store folder (items grouped by author class or region, time in hours)");
  sub->add_option("--events", args->events, "CSV with columns time (number or ISO 8601 -> hours) and group");
  sub->add_option("--groups", args->groups, "store mode: class|region");
  sub->add_option("--from", args->from, "store mode: window start (ISO 8601)");
  sub->add_option("--to", args->to, "store mode: window end (ISO 8601)");
  sub->add_option("--beta", args->beta, "fixed decay rate (per time unit); default: profile likelihood");
  sub->add_option("--bootstrap", args->bootstrap, "parametric bootstrap replicates for intervals");
  sub->add_option("--max-iterations", args->max_iterations, "EM iterations cap");
  sub->add_option("--seed", args->seed, "bootstrap seed");
  sub->add_flag("--json", args->json, "machine output");
  sub->callback([args, &ctx] { RunInfluence(*args, ctx); });
}

}  // namespace relais::cli
