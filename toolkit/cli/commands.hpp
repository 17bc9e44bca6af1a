// Registration of the relais subcommands, one file cmd_<verb>.cpp each.
#pragma once

#include <CLI/CLI.hpp>

namespace relais::cli {

/// Set by a subcommand's callback; main returns it.
struct CliContext {
  int exit_code = 0;
};

void RegisterIngest(CLI::App& app, CliContext& ctx);
void RegisterStats(CLI::App& app, CliContext& ctx);
void RegisterActors(CLI::App& app, CliContext& ctx);
void RegisterText(CLI::App& app, CliContext& ctx);
void RegisterReuse(CLI::App& app, CliContext& ctx);
void RegisterRank(CLI::App& app, CliContext& ctx);
void RegisterFlows(CLI::App& app, CliContext& ctx);
void RegisterCascades(CLI::App& app, CliContext& ctx);
void RegisterEvent(CLI::App& app, CliContext& ctx);
void RegisterLeadlag(CLI::App& app, CliContext& ctx);
void RegisterInfluence(CLI::App& app, CliContext& ctx);
void RegisterCounterfactual(CLI::App& app, CliContext& ctx);
void RegisterWho(CLI::App& app, CliContext& ctx);
void RegisterExport(CLI::App& app, CliContext& ctx);
void RegisterSynth(CLI::App& app, CliContext& ctx);
void RegisterServe(CLI::App& app, CliContext& ctx);
void RegisterDemo(CLI::App& app, CliContext& ctx);
void RegisterSql(CLI::App& app, CliContext& ctx);

}  // namespace relais::cli
