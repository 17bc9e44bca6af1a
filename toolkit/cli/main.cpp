// relais: the command-line entry point. Exit codes: 0 ok, 1 internal, 2 usage, 3 data.
//
// Under mpirun every rank runs main with the same command line (docs/cluster.md). The verbs with a
// distributed implementation (rank, influence, reuse, stats, flows, ingest) run on every rank; any other verb runs on
// rank 0 alone while the others wait for its exit code. Only rank 0 writes to stdout; every rank
// exits with the job's exit code (the largest of the ranks').
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string_view>

#include "commands.hpp"
#include "options.hpp"
#include "relais/base/error.hpp"
#include "relais/base/json_writer.hpp"
#include "relais/dist/comm.hpp"

namespace {

// User and system CPU time of this process (a rank's work, whatever the other ranks' contention).
double CpuSeconds(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

using namespace relais::cli;

// The subcommand: the first argument that is not an option.
std::string_view Verb(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-') return argv[i];
  return {};
}

bool RunsDistributed(std::string_view verb) {
  return verb == "rank" || verb == "influence" || verb == "reuse" || verb == "stats" || verb == "flows" ||
         verb == "ingest";
}

// Ranks other than 0 keep stdout closed to results: their fd 1 goes to /dev/null.
void SilenceStdout() {
  std::cout.flush();
  const int fd = open("/dev/null", O_WRONLY);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    close(fd);
  }
}

int Run(int argc, char** argv, const relais::dist::Runtime& runtime) {
  const relais::dist::Comm& world = runtime.world();
  CLI::App app{"relais: information flows between press, PR, politicians and social media"};
  app.set_version_flag("--version", RELAIS_VERSION);
  app.require_subcommand(1);
  CliContext ctx;
  ctx.comm = &world;
  RegisterIngest(app, ctx);
  RegisterStats(app, ctx);
  RegisterActors(app, ctx);
  RegisterText(app, ctx);
  RegisterReuse(app, ctx);
  RegisterRank(app, ctx);
  RegisterFlows(app, ctx);
  RegisterCascades(app, ctx);
  RegisterEvent(app, ctx);
  RegisterLeadlag(app, ctx);
  RegisterInfluence(app, ctx);
  RegisterCounterfactual(app, ctx);
  RegisterWho(app, ctx);
  RegisterExport(app, ctx);
  RegisterSynth(app, ctx);
  RegisterServe(app, ctx);
  RegisterSql(app, ctx);
  RegisterGeo(app, ctx);
  RegisterDemo(app, ctx);
  RequireOneValuePerFlag(app);
  // Errors every rank knows of (usage, agreed failures) are printed by rank 0 only.
  const bool quiet = !world.root();
  // A failure inside a collective part that the other ranks do not know of: name the rank, end the job.
  auto local_failure = [&](const std::string& what, int code) {
    if (ctx.collective && !world.serial()) {
      std::cerr << "relais: error: rank " << world.rank() << " of " << world.size() << ": " << what << "\n";
      std::cerr.flush();
      runtime.Abort(code);
    }
    std::cerr << "relais: error: " << what << "\n";
    return code;
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (!quiet) std::cerr << "relais: usage error: " << e.what() << " (see relais --help)\n";
    return 2;
  } catch (const relais::dist::RankError& e) {
    if (!quiet) std::cerr << "relais: error: " << e.what() << "\n";
    return relais::ExitCodeFor(e.kind());
  } catch (const relais::Error& e) {
    return local_failure(e.what(), relais::ExitCodeFor(e.kind()));
  } catch (const std::bad_alloc&) {
    return local_failure("out of memory", 1);
  } catch (const std::exception& e) {
    return local_failure(std::string("internal error: ") + e.what(), 1);
  }
  return ctx.exit_code;
}

// stderr by lines: std::cerr wrote each `<<` piece with its own write(2), so the progress lines of
// ranks (or threads) sharing a terminal could interleave mid-line. Now each line is one write.
void WriteStderrByLines() {
  std::setvbuf(stderr, nullptr, _IOLBF, 1 << 14);
  std::cerr.unsetf(std::ios_base::unitbuf);
}

}  // namespace

std::string relais::cli::WithRanks(std::string json_object, int ranks) {
  const auto close = json_object.rfind('}');
  if (close == std::string::npos) return json_object;
  auto open = json_object.find_last_not_of(" \n\t", close == 0 ? 0 : close - 1);
  const bool empty = open != std::string::npos && json_object[open] == '{';
  json_object.insert(close, std::string(empty ? "" : ",") + "\"ranks\":" + std::to_string(ranks));
  return json_object;
}

void relais::cli::PrintStreamedWithRanks(const std::function<void(JsonWriter&)>& members, int ranks) {
  {
    JsonWriter w(std::cout);
    w.BeginObject();
    members(w);
    w.Member("ranks", ranks);
    w.EndObject();
  }
  std::cout << "\n";
}

int main(int argc, char** argv) {
  const auto t0 = std::chrono::steady_clock::now();
  WriteStderrByLines();
  const relais::dist::Runtime runtime(argc, argv);
  const relais::dist::Comm& world = runtime.world();
  if (!world.root()) SilenceStdout();
  int code = 0;
  if (world.root() || RunsDistributed(Verb(argc, argv))) code = Run(argc, argv, runtime);
  std::cout.flush();
  // RELAIS_RANK_STATS=1: one line per rank on stderr (experiments/e05_scaling reads them).
  if (const char* stats = std::getenv("RELAIS_RANK_STATS"); stats && *stats == '1') {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // One write per record, so the ranks' lines do not interleave.
    const std::string line = "relais-rank-stats rank=" + std::to_string(world.rank()) +
                             " ranks=" + std::to_string(world.size()) + " seconds=" + std::to_string(seconds) +
                             " bytes_sent=" + std::to_string(world.bytes_sent()) +
                             " peak_rss_mb=" + std::to_string(static_cast<double>(u.ru_maxrss) / 1024.0) +
                             " cpu_seconds=" + std::to_string(CpuSeconds(u)) + "\n";
    [[maybe_unused]] const auto written = write(STDERR_FILENO, line.data(), line.size());
  }
  // Every rank leaves with the job's exit code (a collective: ranks that skipped the verb wait here).
  return static_cast<int>(world.AllMax(code));
}
