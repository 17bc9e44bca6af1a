// Registration of the relais subcommands, one file cmd_<verb>.cpp each.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "relais/dist/comm.hpp"

namespace relais {
class JsonWriter;
}

namespace relais::cli {

/// Set by a subcommand's callback; main returns it.
struct CliContext {
  int exit_code = 0;
  /// The job's communicator (serial without mpirun). Verbs that run distributed (rank, influence,
  /// reuse) use it; main runs every other verb on rank 0 alone.
  const dist::Comm* comm = nullptr;
  /// Ranks that computed the result, printed as "ranks" in --json output: comm->size() for a
  /// distributed computation, 1 when one rank computed it.
  int ranks = 1;
  /// Set while a verb is inside its collective part: an exception there that the other ranks
  /// cannot know of ends the job (MPI_Abort) instead of leaving them waiting.
  bool collective = false;
  const dist::Comm& world() const { return *comm; }
};

/// `json_object` (a dumped JSON object) with `"ranks": ranks` added as its last member; every other
/// member is left as it was.
std::string WithRanks(std::string json_object, int ranks);
/// The same for an object too large to dump whole: `members` writes its members, in sorted key order,
/// to a writer on stdout; then `"ranks": ranks` and a newline. Same bytes as
/// WithRanks(tree.dump(), ranks) + "\n" of the object those members make.
void PrintStreamedWithRanks(const std::function<void(JsonWriter&)>& members, int ranks);

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
void RegisterGeo(CLI::App& app, CliContext& ctx);

}  // namespace relais::cli
