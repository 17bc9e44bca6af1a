#include "options.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

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

namespace {

/// A registry CSV's first line is its header or a row of five comma-separated fields.
bool LooksLikeRegistryCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string first;
  std::getline(in, first);
  if (first.rfind("\xEF\xBB\xBF", 0) == 0) first.erase(0, 3);
  if (!first.empty() && first.back() == '\r') first.pop_back();
  if (first.rfind("key,kind,actor_class", 0) == 0) return true;
  std::size_t fields = 1;
  bool quoted = false;
  for (char c : first) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) ++fields;
  }
  return fields == 5;
}

}  // namespace

void CheckActorFiles(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  for (const auto& path : paths) {
    const std::string flag = "--actors " + path + ": ";
    std::error_code ec;
    if (fs::is_directory(path, ec))
      ThrowInvalidArgument(flag + "is a folder; give the registry CSV file (key,kind,actor_class,region,name)");
    if (!fs::exists(path, ec)) continue;  // unreadable input: the loader reports it as a data error
    if (!LooksLikeRegistryCsv(path))
      ThrowInvalidArgument(flag + "not an actor registry CSV (expected the header key,kind,actor_class,region,name)");
    corpora::Registry probe;
    probe.LoadCsv(path);  // a bad row is a data error naming its file and line
    if (probe.size() == 0)
      ThrowInvalidArgument(flag + "holds no actors (expected key,kind,actor_class,region,name rows)");
  }
}

}  // namespace relais::cli
