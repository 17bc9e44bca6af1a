// Summary statistics of a store: a pure function of its content (for `relais stats`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

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
  std::optional<TimeMs> first, last;                    // item times
};

StoreStats ComputeStats(const Store& store);

/// `{items, expansions, actors, by_channel, by_class, flows_by_layer, first, last}` as JSON text
/// (first/last ISO 8601 UTC, null for an empty store).
std::string StatsToJson(const StoreStats& stats);

/// A readable table.
std::string StatsToTable(const StoreStats& stats);

}  // namespace relais::corpora
