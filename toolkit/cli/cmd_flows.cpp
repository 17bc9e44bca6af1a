// relais flows: the flow matrix between classes, regions or actors, before/after an event.
#include <iostream>

#include "commands.hpp"
#include "relais/toolkit/analysis/series.hpp"
#include "relais/toolkit/flow_matrix.hpp"
#include "relais/toolkit/graph_view.hpp"

namespace relais::cli {

void RegisterFlows(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string store, by = "class", layers, from, to, at, before, after;
    bool json = false, no_pseudonymise = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("flows", "flow matrix between classes, regions or actors (counts, shares, latency)");
  sub->add_option("--store", o->store, "store folder")->required();
  sub->add_option("--by", o->by, "class | region | actor")->capture_default_str();
  sub->add_option("--layers", o->layers, "comma-separated layers (default: all)");
  sub->add_option("--from", o->from, "window start (ISO 8601)");
  sub->add_option("--to", o->to, "window end (ISO 8601)");
  sub->add_option("--at", o->at, "event time: adds before/after windows and differences");
  sub->add_option("--before", o->before, "window before --at (e.g. 30d)");
  sub->add_option("--after", o->after, "window after --at (e.g. 30d)");
  sub->add_flag("--json", o->json, "JSON on stdout");
  sub->add_flag("--no-pseudonymise", o->no_pseudonymise, "show non-public accounts by their keys");
  sub->callback([o] {
    toolkit::FlowMatrixOptions opt;
    opt.by = o->by;
    opt.query.layers = toolkit::ParseLayers(o->layers);
    if (!o->from.empty()) opt.query.from = toolkit::ParseTimeOption(o->from, "--from");
    if (!o->to.empty()) opt.query.to = toolkit::ParseTimeOption(o->to, "--to");
    if (!o->at.empty()) {
      opt.at = toolkit::ParseTimeOption(o->at, "--at");
      opt.before = toolkit::ParseDurationOption(o->before.empty() ? "30d" : o->before, "--before");
      opt.after = toolkit::ParseDurationOption(o->after.empty() ? "30d" : o->after, "--after");
    }
    opt.pseudonymise = !o->no_pseudonymise;
    auto store = corpora::Store::Open(o->store, corpora::OpenMode::kReadOnly);
    auto result = toolkit::ComputeFlowMatrices(store, opt);
    if (o->json) {
      std::cout << WithRanks(toolkit::ToJson(result, opt).dump(), 1) << "\n";
    } else {
      std::cout << toolkit::ToTable(result);
    }
  });
  (void)ctx;
}

}  // namespace relais::cli
