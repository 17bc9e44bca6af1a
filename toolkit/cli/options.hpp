// Rules every subcommand's options follow, applied once after registration.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace relais::cli {

/// Makes every option that may be given several times take exactly one value per flag, so
/// `--actors a.csv data/` never takes the input folder for a second actors file. Options that
/// take a fixed number of values (`--path A B`) keep it. Walks subcommands recursively.
void RequireOneValuePerFlag(CLI::App& app);

/// Checks each `--actors` path by loading it: a folder, another kind of file or a registry
/// without rows is a usage error naming the flag and path; a missing file is left to the loader.
void CheckActorFiles(const std::vector<std::string>& paths);

}  // namespace relais::cli
