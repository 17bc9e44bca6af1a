// Geography in the store: actors' homes from their items' locations and profiles.
#include "relais/corpora/geo_store.hpp"

#include <algorithm>
#include <tuple>
#include <vector>

#include "relais/base/error.hpp"

namespace relais::corpora {
namespace {

bool HasTable(const Store& store, const std::string& schema, std::string_view table) {
  Statement st(store.db(), "SELECT count(*) FROM " + schema + ".sqlite_master WHERE type = 'table' AND name = ?1");
  st.Bind(1, table);
  return st.Step() && st.Int(0) > 0;
}

int Rank(std::string_view evidence) {
  auto e = geo::ParseEvidence(evidence);
  return e ? static_cast<int>(*e) : 0;
}

}  // namespace

bool HasGeography(const Store& store) {
  if (!HasTable(store, "main", "actor_geo")) return false;
  for (int p = 0; p < store.partitions(); ++p) {
    if (!HasTable(store, Store::PartitionSchema(p), "item_geo")) return false;
  }
  return true;
}

namespace {

/// RefreshActorGeo of every actor (`only` null) or of those in temp.geo_actors.
void RefreshHomes(Store& store, bool only) {
  if (!HasGeography(store)) return;
  // Restricted, each partition's items are found by actor (index items_actor), not scanned.
  const std::string chosen = "actor_id IN (SELECT actor_id FROM temp.geo_actors)";
  const std::string which = only ? " AND i." + chosen : "";
  // (actor, evidence rank, departement, region, country) → items, over every partition.
  using Key = std::tuple<std::int64_t, int, std::string, std::string, std::string>;
  std::map<Key, std::int64_t> counts;
  for (int p = 0; p < store.partitions(); ++p) {
    const std::string s = Store::PartitionSchema(p);
    Statement st(store.db(),
                 "SELECT i.actor_id, g.evidence, coalesce(g.departement, ''), coalesce(g.region, ''), g.country, "
                 "count(*) FROM " +
                     s + ".items i JOIN " + s +
                     ".item_geo g ON g.item_id = i.id WHERE i.actor_id IS NOT NULL AND g.country IS NOT NULL AND "
                     "((i.channel = 'social' AND g.evidence IN ('geotag', 'place')) OR "
                     "(i.channel = 'press' AND g.evidence IN ('place', 'dateline')))" +
                     which + " GROUP BY 1, 2, 3, 4, 5");
    while (st.Step()) {
      counts[Key{st.Int(0), Rank(st.TextView(1)), st.Text(2), st.Text(3), st.Text(4)}] += st.Int(5);
    }
  }
  store.Begin();
  try {
    store.Exec(
        "UPDATE actor_geo SET departement = loc_departement, region = loc_region, country = loc_country, "
        "evidence = CASE WHEN loc_country IS NOT NULL THEN 'profile' END, "
        "confidence = CASE WHEN loc_country IS NOT NULL THEN loc_confidence END, items = 0" +
        (only ? " WHERE " + chosen : std::string()));
    Statement ups(store.db(),
                  "INSERT INTO actor_geo(actor_id, departement, region, country, evidence, confidence, items) "
                  "VALUES(?1, nullif(?2, ''), nullif(?3, ''), ?4, ?5, ?6, ?7) ON CONFLICT(actor_id) DO UPDATE SET "
                  "departement = excluded.departement, region = excluded.region, country = excluded.country, "
                  "evidence = excluded.evidence, confidence = excluded.confidence, items = excluded.items");
    // Keys are ordered by actor, then rank, then place: per actor, the last rank is the strongest.
    auto it = counts.begin();
    while (it != counts.end()) {
      const std::int64_t actor = std::get<0>(it->first);
      auto end = it;
      while (end != counts.end() && std::get<0>(end->first) == actor) ++end;
      int best_rank = 0;
      for (auto j = it; j != end; ++j) best_rank = std::max(best_rank, std::get<1>(j->first));
      // A press item's place is its edition (docs/geo.md), so an outlet's editions outrank its datelines.
      // A dateline never outranks a profile: an account with a profile location keeps it.
      std::int64_t total = 0, best_n = -1;
      auto best = end;
      for (auto j = it; j != end; ++j) {
        if (std::get<1>(j->first) != best_rank) continue;
        total += j->second;
        if (j->second > best_n) {  // ties: the first in key order (the smaller code)
          best_n = j->second;
          best = j;
        }
      }
      if (best != end) {
        const auto& [a, rank, dep, reg, country] = best->first;
        const auto ev = static_cast<geo::Evidence>(rank);
        bool skip = false;
        if (ev == geo::Evidence::kDateline) {
          Statement has(store.db(), "SELECT loc_country IS NOT NULL FROM actor_geo WHERE actor_id = ?1");
          has.Bind(1, a);
          skip = has.Step() && has.Int(0) != 0;
        }
        if (!skip) {
          ups.Bind(1, a)
              .Bind(2, std::string_view(dep))
              .Bind(3, std::string_view(reg))
              .Bind(4, std::string_view(country))
              .Bind(5, geo::EvidenceName(ev))
              .Bind(6, static_cast<double>(best_n) / static_cast<double>(total))
              .Bind(7, best_n);
          ups.Run();
        }
      }
      it = end;
    }
    store.Commit();
  } catch (...) {
    store.Exec("ROLLBACK");
    throw;
  }
}

}  // namespace

void RefreshActorGeo(Store& store) { RefreshHomes(store, false); }

void RefreshActorGeo(Store& store, const std::vector<std::int64_t>& actors) {
  if (!HasGeography(store)) return;
  store.Exec("CREATE TEMP TABLE IF NOT EXISTS geo_actors (actor_id INTEGER PRIMARY KEY)");
  store.Exec("DELETE FROM temp.geo_actors");
  {
    Statement add(store.db(), "INSERT OR IGNORE INTO temp.geo_actors(actor_id) VALUES(?1)");
    for (const std::int64_t a : actors) add.Bind(1, a).Run();
  }
  RefreshHomes(store, true);
  store.Exec("DELETE FROM temp.geo_actors");
}

std::map<std::int64_t, ActorPlace> ActorPlaces(const Store& store) {
  std::map<std::int64_t, ActorPlace> out;
  const auto& gaz = geo::Gazetteer::Builtin();
  const bool geo = HasGeography(store);
  Statement st(store.db(), geo ? "SELECT a.id, coalesce(a.region, ''), coalesce(g.departement, ''), "
                                 "coalesce(g.region, ''), coalesce(g.country, ''), coalesce(g.evidence, ''), "
                                 "coalesce(g.confidence, 0) FROM actors a LEFT JOIN actor_geo g ON g.actor_id = a.id "
                                 "WHERE a.region IS NOT NULL OR g.country IS NOT NULL ORDER BY a.id"
                               : "SELECT id, region, '', '', '', '', 0 FROM actors WHERE region IS NOT NULL "
                                 "AND region != '' ORDER BY id");
  while (st.Step()) {
    ActorPlace p;
    const std::string registry_region = st.Text(1);
    p.departement = st.Text(2);
    p.region = st.Text(3);
    p.country = st.Text(4);
    p.evidence = geo::ParseEvidence(st.TextView(5)).value_or(geo::Evidence::kNone);
    p.confidence = st.Double(6);
    if (!registry_region.empty()) {
      // The registry names the région; a département from the store counts only when it lies in it.
      if (p.region != registry_region) p.departement.clear();
      p.region = registry_region;
      p.country = "FR";
      p.registry = true;
      if (p.evidence == geo::Evidence::kNone) p.confidence = 1;
    } else if (p.evidence == geo::Evidence::kDateline) {
      continue;  // an unlisted outlet's datelines say where it reports, not where it is (its editions do)
    } else if (!p.departement.empty() && p.region.empty()) {
      p.region = std::string(gaz.RegionOf(p.departement));
    }
    if (p.region.empty() && p.country.empty()) continue;
    out.emplace(st.Int(0), std::move(p));
  }
  return out;
}

}  // namespace relais::corpora
