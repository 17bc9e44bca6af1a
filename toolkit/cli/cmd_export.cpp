// relais export: the actor flow graph as GEXF 1.3 (dynamic), GraphML or CSV; pseudonymised by default.
#include <iostream>

#include "commands.hpp"
#include "relais/toolkit/analysis/series.hpp"
#include "relais/toolkit/export.hpp"
#include "relais/toolkit/graph_view.hpp"

namespace relais::cli {

void RegisterExport(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string store, format = "gexf", out, layers, from, to;
    bool no_pseudonymise = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand("export", "write the actor flow graph for Gephi (GEXF), GraphML or CSV");
  sub->add_option("--store", o->store, "store folder")->required();
  sub->add_option("--format", o->format, "gexf | graphml | csv")->capture_default_str();
  sub->add_option("-o,--output", o->out, "output file (CSV: FILE-nodes.csv and FILE-edges.csv)")->required();
  sub->add_option("--layers", o->layers, "comma-separated layers (default: all)");
  sub->add_option("--from", o->from, "window start (ISO 8601)");
  sub->add_option("--to", o->to, "window end (ISO 8601)");
  sub->add_flag("--no-pseudonymise", o->no_pseudonymise, "keep non-public accounts' keys (personal data!)");
  sub->callback([o] {
    toolkit::ExportOptions opt;
    opt.format = o->format;
    opt.query.layers = toolkit::ParseLayers(o->layers);
    if (!o->from.empty()) opt.query.from = toolkit::ParseTimeOption(o->from, "--from");
    if (!o->to.empty()) opt.query.to = toolkit::ParseTimeOption(o->to, "--to");
    opt.pseudonymise = !o->no_pseudonymise;
    auto store = corpora::Store::Open(o->store, corpora::OpenMode::kReadOnly);
    auto s = toolkit::ExportGraph(store, o->out, opt);
    std::cerr << "relais export: " << s.nodes << " nodes, " << s.edges << " edges"
              << (opt.pseudonymise ? " (non-public accounts pseudonymised)" : "") << "\n";
    for (const auto& f : s.files) std::cout << f.string() << "\n";
  });
  (void)ctx;
}

}  // namespace relais::cli
