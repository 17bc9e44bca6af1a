// Geography in the store (docs/schema.md "Geography", docs/geo.md): items' locations (item_geo, in
// every partition) and actors' homes (actor_geo, in the catalog), written at ingest.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "relais/corpora/geo.hpp"
#include "relais/corpora/store.hpp"

namespace relais::corpora {

/// True when the store has the geography tables (schema version ≥ 5, or a store of version 4 that an
/// ingest of relais ≥ 0.x completed: its earlier items then have no rows).
bool HasGeography(const Store& store);

/// Recomputes every account's home in actor_geo (departement, region, country, evidence, confidence,
/// items) from the item_geo rows of its social posts and its profile location: the strongest kind of
/// evidence it has (geotag > place > profile); within geotags or places the département (or, abroad,
/// the country) most of those items resolve to (ties: the smaller code), its confidence the share of
/// those items that agree; else the profile location as resolved. Outlets' homes come from their press
/// items' datelines the same way (evidence "dateline"). Run by ingest after the flows; idempotent.
void RefreshActorGeo(Store& store);
/// The same for `actors` only, in time proportional to their items (an incremental ingest passes the authors
/// of its new and changed items and the accounts whose profile it wrote: no other home can have changed).
void RefreshActorGeo(Store& store, const std::vector<std::int64_t>& actors);

/// An actor's location as analyses use it.
struct ActorPlace {
  std::string departement, region, country;
  geo::Evidence evidence = geo::Evidence::kNone;
  double confidence = 0;
  bool registry = false;  ///< the région comes from the registry (an outlet's or a listed account's)
};

/// Every actor with a known région or country: the registry's région when it lists one (outlets,
/// listed accounts; its département from actor_geo when that agrees with it), else actor_geo's home
/// when its evidence is a geotag, a place or a profile (a dateline locates only listed outlets).
/// Keyed by actor id. Empty when the store has no geography tables and no registry regions.
std::map<std::int64_t, ActorPlace> ActorPlaces(const Store& store);

}  // namespace relais::corpora
