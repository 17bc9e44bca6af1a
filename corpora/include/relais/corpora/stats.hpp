// Summary statistics of a store: a pure function of its content (for `relais stats`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relais/base/time.hpp"
#include "relais/corpora/store.hpp"

namespace relais::corpora {

struct StoreStats {
  std::uint64_t items = 0;       // every stored item, expansions included
  std::uint64_t expansions = 0;  // items only seen inside other records
  std::uint64_t actors = 0;
  std::map<std::string, std::uint64_t> by_channel;      // social, press, pr (always present)
  std::map<std::string, std::uint64_t> by_class;        // author class → items (every class present)
  std::map<std::string, std::uint64_t> flows_by_layer;  // every layer present
  /// Actors and their items by région (issue 15): the registry's région, else the observed home's (geotag,
  /// place, profile; ActorPlaces in geo_store.hpp, never inferred), "(abroad)" for a home outside France,
  /// "(none)" for the others (and items without an author). Counts only. With inferred_regions, the actors
  /// still in "(none)" that `relais geo infer` placed count under InferredRegionLabel of their région instead
  /// (geo_infer.hpp): inferred homes are never merged with observed ones.
  struct RegionCounts {
    std::uint64_t actors = 0, items = 0;
  };
  std::map<std::string, RegionCounts> by_region;
  bool inferred_regions = false;      // by_region includes inferred homes (`relais stats --geo inferred`)
  std::optional<TimeMs> first, last;  // item times
};

/// Which homes make StoreStats::by_region: the observed ones only, or also the inferred ones (labelled).
enum class StatsRegions { kObserved, kWithInferred };

/// Every partition's StatsPartial (in parallel), then FinishStats.
StoreStats ComputeStats(const Store& store, StatsRegions regions = StatsRegions::kObserved);

/// What one partition adds to StoreStats: ComputeStats = FinishStats of every partition's partial in
/// partition order, so partials computed elsewhere (one MPI rank per few partitions, issue 13) and
/// gathered give the same result.
struct StatsPartial {
  std::uint64_t items = 0, expansions = 0;
  std::optional<TimeMs> first, last;
  std::map<std::string, std::uint64_t> channels, layers;
  std::map<std::int64_t, std::uint64_t> by_actor;  // author id (0 = none) → items
};
/// On a partition's connection (corpora::MapPartitions) or a one-partition store's db().
StatsPartial ComputeStatsPartial(sqlite3* partition_db);
/// `partials` in partition order; actors are counted from the catalog. kWithInferred throws
/// (kInvalidArgument) when the store has no inferred régions (`relais geo infer` never ran).
StoreStats FinishStats(const Store& store, const std::vector<StatsPartial>& partials,
                       StatsRegions regions = StatsRegions::kObserved);
/// A partial as compact JSON text and back (for gathering across MPI ranks).
std::string StatsPartialToJson(const StatsPartial& partial);
StatsPartial StatsPartialFromJson(std::string_view json);

/// `{items, expansions, actors, by_channel, by_class, flows_by_layer, first, last, by_region}` as JSON text
/// (by_region: `{région: {actors, items}}`; "geo": "inferred" when inferred homes are included)
/// (first/last ISO 8601 UTC, null for an empty store).
std::string StatsToJson(const StoreStats& stats);

/// A readable table.
std::string StatsToTable(const StoreStats& stats);

}  // namespace relais::corpora
