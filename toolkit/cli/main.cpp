// relais: the command-line entry point. Exit codes: 0 ok, 1 internal, 2 usage, 3 data.
#include <iostream>

#include "commands.hpp"
#include "options.hpp"
#include "relais/base/error.hpp"

int main(int argc, char** argv) {
  using namespace relais::cli;
  CLI::App app{"relais: information flows between press, PR, politicians and social media"};
  app.set_version_flag("--version", RELAIS_VERSION);
  app.require_subcommand(1);
  CliContext ctx;
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
  RegisterDemo(app, ctx);
  RequireOneValuePerFlag(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "relais: usage error: " << e.what() << " (see relais --help)\n";
    return 2;
  } catch (const relais::Error& e) {
    std::cerr << "relais: error: " << e.what() << "\n";
    return relais::ExitCodeFor(e.kind());
  } catch (const std::bad_alloc&) {
    std::cerr << "relais: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "relais: internal error: " << e.what() << "\n";
    return 1;
  }
  return ctx.exit_code;
}
