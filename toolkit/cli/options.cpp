#include "options.hpp"

#include <filesystem>

#include "relais/base/error.hpp"
#include "relais/corpora/registry.hpp"

namespace relais::cli {

void RequireOneValuePerFlag(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (!opt->nonpositional()) continue;
    const bool repeatable = opt->get_items_expected_max() > 1;
    const bool fixed_count = opt->get_items_expected_min() > 1;
    if (repeatable && !fixed_count) opt->allow_extra_args(false);
  }
  for (CLI::App* sub : app.get_subcommands({})) RequireOneValuePerFlag(*sub);
}

void CheckActorFiles(const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    if (!std::filesystem::exists(path)) continue;  // unreadable input: the loader reports it as a data error
    // Loading alone decides: a folder, another kind of file or a registry without rows is a usage
    // error (exit 2); a bad row is a data error naming its file and line (exit 3).
    try {
      corpora::Registry::CheckCsv(path);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInvalidArgument) ThrowInvalidArgument(std::string("--actors ") + e.what());
      throw;
    }
  }
}

}  // namespace relais::cli
