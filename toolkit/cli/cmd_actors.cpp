// relais actors resolve|list: look keys up in the actor registry (shipped + --actors files).
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "options.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/registry.hpp"

namespace relais::cli {
namespace {

struct ActorsOptions {
  std::vector<std::string> keys;
  std::vector<std::string> actor_files;
  bool json = false;
  std::string only_class;
};

corpora::Registry LoadRegistry(const ActorsOptions& opts) {
  CheckActorFiles(opts.actor_files);
  corpora::Registry registry = corpora::Registry::Builtin();
  for (const auto& path : opts.actor_files) registry.LoadCsv(path);
  return registry;
}

std::string Dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

/// Display width of UTF-8 text, counted in code points (enough for Latin scripts).
std::size_t Width(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t col = 0; col < row.size(); ++col) widths[col] = std::max(widths[col], Width(row[col]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t col = 0; col < row.size(); ++col) {
      line += row[col];
      if (col + 1 < row.size()) line += std::string(widths[col] - Width(row[col]) + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

void RunResolve(const ActorsOptions& opts) {
  const corpora::Registry registry = LoadRegistry(opts);
  std::vector<std::vector<std::string>> table = {{"KEY", "CLASS", "REGION", "NAME", "MATCHED"}};
  for (const auto& key : opts.keys) {
    const auto info = registry.Resolve(key);
    if (opts.json) {
      nlohmann::json j = {{"key", key},
                          {"actor_class", info ? info->actor_class : "public"},
                          {"region", info ? info->region : ""},
                          {"name", info ? info->name : ""},
                          {"department", info ? info->department : ""},
                          {"group", info ? info->group : ""},
                          {"matched", info ? nlohmann::json(info->key) : nlohmann::json(nullptr)}};
      std::cout << WithRanks(Dump(j), 1) << "\n";
    } else {
      table.push_back({key, info ? info->actor_class : "public", info && !info->region.empty() ? info->region : "-",
                       info ? info->name : "-", info ? info->key : "(not in registry)"});
    }
  }
  if (!opts.json) PrintTable(table);
}

void RunList(const ActorsOptions& opts) {
  const corpora::Registry registry = LoadRegistry(opts);
  std::vector<std::vector<std::string>> table = {{"KEY", "KIND", "CLASS", "REGION", "NAME"}};
  for (std::size_t idx = 0; idx < registry.size(); ++idx) {
    const corpora::RegistryEntry info = registry.Entry(idx);
    if (!opts.only_class.empty() && info.actor_class != opts.only_class) continue;
    if (opts.json) {
      std::cout << WithRanks(Dump({{"key", info.key},
                                   {"kind", info.kind},
                                   {"actor_class", info.actor_class},
                                   {"region", info.region},
                                   {"name", info.name},
                                   {"department", info.department},
                                   {"group", info.group}}),
                             1)
                << "\n";
    } else {
      table.push_back({std::string(info.key), std::string(info.kind), std::string(info.actor_class),
                       info.region.empty() ? "-" : std::string(info.region), std::string(info.name)});
    }
  }
  if (!opts.json) PrintTable(table);
}

}  // namespace

void RegisterActors(CLI::App& app, CliContext& ctx) {
  auto opts = std::make_shared<ActorsOptions>();
  auto* sub = app.add_subcommand("actors", "Look up actors in the registry (class, region, name)");
  sub->require_subcommand(1);

  auto* resolve = sub->add_subcommand(
      "resolve", "Resolve handles (@varmatin), domains (lemonde.fr), URLs or platform ids (twitter:123)");
  resolve->add_option("keys", opts->keys, "Handles, domains, URLs or platform ids")->required();
  resolve->add_flag("--json", opts->json,
                    "One JSON object per key: {key, actor_class, region, name, department, group, matched}");
  resolve
      ->add_option("--actors", opts->actor_files, "Extra registry CSV (key,kind,actor_class,region,name); repeatable")
      ->allow_extra_args(false);
  resolve->callback([opts] { RunResolve(*opts); });

  auto* list = sub->add_subcommand("list", "List the registry entries");
  list->add_flag("--json", opts->json, "One JSON object per entry");
  list->add_option("--actors", opts->actor_files, "Extra registry CSV; repeatable")->allow_extra_args(false);
  list->add_option("--class", opts->only_class, "Only this actor class")->check([](const std::string& c) {
    return corpora::IsActorClass(c) ? std::string() : "unknown actor class '" + c + "'";
  });
  list->callback([opts] { RunList(*opts); });
  (void)ctx;
}

}  // namespace relais::cli
