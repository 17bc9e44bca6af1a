// relais influence: not built yet (placeholder so the CLI links; replaced by its issue's work).
#include "commands.hpp"
#include "relais/base/error.hpp"

namespace relais::cli {

void RegisterInfluence(CLI::App& app, CliContext& ctx) {
  auto* sub = app.add_subcommand("influence", "(not built yet)");
  sub->allow_extras();
  sub->callback([] { throw Error(ErrorKind::kInternal, "relais influence is not built yet"); });
}

}  // namespace relais::cli
