// relais stats: a summary of a store's content (a pure function of it).
#include <algorithm>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "relais/corpora/geo_infer.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/stats.hpp"
#include "relais/toolkit/store_query.hpp"

namespace relais::cli {

void RegisterStats(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string store, geo = "observed";
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("stats", "summary of a store: items, actors, channels, classes, flows, period");
  sub->add_option("--store", args->store, "store folder")->required();
  sub->add_flag("--json", args->json, "print JSON");
  sub->add_option("--geo", args->geo,
                  "actors by région: observed (registry and evidence homes) or inferred (also the régions of relais "
                  "geo infer, as groups \"<région> (inferred)\")")
      ->capture_default_str();
  sub->callback([args, &ctx] {
    const corpora::StatsRegions regions = toolkit::ParseRegionSource(args->geo) == toolkit::RegionSource::kObserved
                                              ? corpora::StatsRegions::kObserved
                                              : corpora::StatsRegions::kWithInferred;
    const dist::Comm& world = ctx.world();
    if (world.serial()) {
      auto store = corpora::Store::Open(args->store, corpora::OpenMode::kReadOnly);
      corpora::StoreStats s = corpora::ComputeStats(store, regions);
      std::cout << (args->json ? WithRanks(corpora::StatsToJson(s), 1) + "\n" : corpora::StatsToTable(s));
      return;
    }
    // Under mpirun (issue 13): rank r reads partitions r, r + size, …; the partials are gathered and
    // added in partition order on every rank, so the result equals the one-process run.
    ctx.collective = true;
    std::optional<corpora::Store> store;
    const std::string mine = dist::Agree(world, [&] {
      store.emplace(corpora::Store::Open(args->store, corpora::OpenMode::kReadOnly));
      if (regions == corpora::StatsRegions::kWithInferred) corpora::RequireInferredRegions(*store);  // every rank
      std::vector<int> which;
      for (int p = world.rank(); p < store->partitions(); p += world.size()) which.push_back(p);
      std::vector<std::string> parts(which.size());
      corpora::ForPartitions(*store, which, [&](sqlite3* db, int p) {
        const auto k = static_cast<std::size_t>(std::find(which.begin(), which.end(), p) - which.begin());
        parts[k] = corpora::StatsPartialToJson(corpora::ComputeStatsPartial(db));
      });
      nlohmann::json j = nlohmann::json::array();
      for (std::size_t k = 0; k < which.size(); ++k) j.push_back({which[k], parts[k]});
      return j.dump();
    });
    std::vector<std::size_t> counts;
    const auto all = world.AllgatherBytes(std::as_bytes(std::span<const char>(mine.data(), mine.size())), &counts);
    std::vector<corpora::StatsPartial> partials(static_cast<std::size_t>(store->partitions()));
    std::size_t at = 0;
    for (const std::size_t n : counts) {
      const std::string text(reinterpret_cast<const char*>(all.data()) + at, n);
      at += n;
      for (const auto& e : nlohmann::json::parse(text))
        partials.at(e.at(0).get<std::size_t>()) = corpora::StatsPartialFromJson(e.at(1).get<std::string>());
    }
    const corpora::StoreStats s = corpora::FinishStats(*store, partials, regions);
    ctx.ranks = world.size();
    if (!world.root()) return;
    std::cout << (args->json ? WithRanks(corpora::StatsToJson(s), ctx.ranks) + "\n" : corpora::StatsToTable(s));
  });
}

}  // namespace relais::cli
