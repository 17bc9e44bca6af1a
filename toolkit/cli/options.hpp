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

/// Checks each `--actors` path names a readable actor-registry CSV holding at least one entry;
/// a folder, a missing file or another kind of file is a usage error naming the path.
void CheckActorFiles(const std::vector<std::string>& paths);

}  // namespace relais::cli
