// Reading flows and actors out of the store for the analyses (flows matrix, who, export).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "relais/base/time.hpp"
#include "relais/corpora/store.hpp"

namespace relais::toolkit {

/// One flow edge with the derived item's time (flows happen when the later item appears).
struct FlowRow {
  std::int64_t id = 0;
  std::string layer;
  std::int64_t src_item = 0;  // 0 when the source is only an actor
  std::int64_t dst_item = 0;
  std::int64_t src_actor = 0;  // 0 when unknown
  std::int64_t dst_actor = 0;
  TimeMs time = 0;                      // dst item time
  std::optional<std::int64_t> latency;  // ms
};

struct ActorRow {
  std::int64_t id = 0;
  std::string key, name, actor_class, region, platform;
  bool is_public = false;
};

/// Which flows to read. Empty layers = all layers. Window is [from, to) on the derived item's time.
struct FlowQuery {
  std::vector<std::string> layers;
  std::optional<TimeMs> from, to;
};

/// Flows ordered by id (deterministic).
std::vector<FlowRow> LoadFlows(const corpora::Store& store, const FlowQuery& query);

/// All actors by id.
std::unordered_map<std::int64_t, ActorRow> LoadActors(const corpora::Store& store);

/// How an actor is shown: its key, or a keyed pseudonym when it is not a public actor and
/// pseudonymise is on (registry-listed outlets, politicians… stay named).
std::string DisplayKey(const corpora::Store& store, const ActorRow& actor, bool pseudonymise);

/// Finds an actor by key ("@handle", "handle", domain, URL, "mastodon:@u@h"), case-insensitive on
/// handles. Throws relais::Error (kInvalidArgument) naming the key when nothing matches.
ActorRow FindActor(const corpora::Store& store, const std::string& key);

/// The item key of an item id ("" when 0).
std::string ItemKey(const corpora::Store& store, std::int64_t item_id);

}  // namespace relais::toolkit
