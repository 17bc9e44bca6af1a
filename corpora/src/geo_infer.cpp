// Label propagation of régions over the flow graph (relais/corpora/geo_infer.hpp).
#include "relais/corpora/geo_infer.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "relais/base/error.hpp"
#include "relais/corpora/geo_store.hpp"
#include "relais/corpora/partition_query.hpp"

namespace relais::corpora {
namespace {

constexpr const char* kCreateInferred =
    "CREATE TABLE IF NOT EXISTS actor_geo_inferred (actor_id INTEGER PRIMARY KEY, region TEXT NOT NULL, "
    "evidence TEXT NOT NULL DEFAULT 'inferred', confidence REAL NOT NULL, weight REAL NOT NULL, "
    "round INTEGER NOT NULL)";

bool IsAccountClass(std::string_view cls) {
  return cls != "press-national" && cls != "press-regional" && cls != "press-agency" && cls != "pr";
}

// Undirected actor graph: (a, b) with a < b → number of flows between them, either way.
std::map<std::pair<std::int64_t, std::int64_t>, double> FlowWeights(const Store& store,
                                                                    const std::vector<std::string>& layers) {
  using Edges = std::map<std::pair<std::int64_t, std::int64_t>, double>;
  std::string sql =
      "SELECT src_actor, dst_actor, count(*) FROM flows WHERE src_actor IS NOT NULL AND dst_actor IS NOT NULL AND "
      "src_actor <> dst_actor";
  if (!layers.empty()) {
    sql += " AND layer IN (";
    for (std::size_t i = 0; i < layers.size(); ++i) sql += (i ? ", ?" : "?") + std::to_string(i + 1);
    sql += ")";
  }
  sql += " GROUP BY 1, 2";
  const auto parts = MapPartitions<Edges>(store, [&](sqlite3* db, int) {
    Statement st(db, sql);
    for (std::size_t i = 0; i < layers.size(); ++i) st.Bind(static_cast<int>(i + 1), std::string_view(layers[i]));
    Edges e;
    while (st.Step()) {
      const std::int64_t a = st.Int(0), b = st.Int(1);
      e[{std::min(a, b), std::max(a, b)}] += static_cast<double>(st.Int(2));
    }
    return e;
  });
  Edges all;
  for (const auto& p : parts)
    for (const auto& [k, v] : p) all[k] += v;
  return all;
}

}  // namespace

GeoInferSummary InferActorRegions(Store& store, const GeoInferOptions& o) {
  if (!HasGeography(store))
    throw Error(ErrorKind::kData, "the store has no geography (schema version 4): re-ingest its inputs first");
  GeoInferSummary sum;
  // Actors: ids, account or not; région indices.
  std::vector<std::int64_t> ids;
  std::vector<bool> account;
  {
    Statement st(store.db(), "SELECT id, actor_class FROM actors ORDER BY id");
    while (st.Step()) {
      ids.push_back(st.Int(0));
      account.push_back(IsAccountClass(st.TextView(1)));
    }
  }
  std::unordered_map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i], i);
  std::vector<std::string> regions;
  std::map<std::string, int> region_index;
  std::vector<int> observed(ids.size(), -1);
  for (const auto& [id, place] : ActorPlaces(store)) {
    auto it = index.find(id);
    if (it == index.end()) continue;
    if (it->second < account.size() && account[it->second]) ++sum.observed;
    if (place.region.empty() || (!place.country.empty() && place.country != "FR")) {
      observed[it->second] = -2;  // located abroad or to France only: not a seed, not inferred
      continue;
    }
    auto [r, fresh] = region_index.try_emplace(place.region, static_cast<int>(regions.size()));
    if (fresh) regions.push_back(place.region);
    observed[it->second] = r->second;
    ++sum.seeds;
  }
  // Adjacency lists.
  std::vector<std::vector<std::pair<std::size_t, double>>> adj(ids.size());
  for (const auto& [k, wgt] : FlowWeights(store, o.layers)) {
    auto a = index.find(k.first), b = index.find(k.second);
    if (a == index.end() || b == index.end()) continue;
    adj[a->second].emplace_back(b->second, wgt);
    adj[b->second].emplace_back(a->second, wgt);
  }
  // Synchronous rounds.
  std::vector<int> label(ids.size(), -1), round_of(ids.size(), 0);
  std::vector<double> confidence(ids.size(), 0), weight(ids.size(), 0);
  std::vector<double> votes(regions.size());
  for (int round = 1; round <= o.max_rounds; ++round) {
    std::vector<int> next = label;
    bool changed = false;
    for (std::size_t u = 0; u < ids.size(); ++u) {
      // A decided account keeps its label: the propagation moves outwards from the seeds ring by ring and stops.
      if (!account[u] || observed[u] != -1 || label[u] >= 0) continue;
      std::fill(votes.begin(), votes.end(), 0.0);
      double total = 0;
      for (const auto& [v, wgt] : adj[u]) {
        const int r = observed[v] >= 0 ? observed[v] : label[v];
        if (r < 0) continue;
        const double x = wgt * (observed[v] >= 0 ? 1.0 : o.inferred_weight);
        votes[r] += x;
        total += x;
      }
      int best = -1;
      for (std::size_t r = 0; r < votes.size(); ++r)
        if (votes[r] > 0 && (best < 0 || votes[r] > votes[best])) best = static_cast<int>(r);
      int decided = -1;
      if (best >= 0 && total >= o.min_weight && votes[best] / total >= o.min_share) {
        // A tie for the most weight decides nothing.
        bool tie = false;
        for (std::size_t r = 0; r < votes.size(); ++r)
          tie = tie || (static_cast<int>(r) != best && votes[r] == votes[best]);
        if (!tie) decided = best;
      }
      if (decided < 0) continue;
      changed = true;
      round_of[u] = round;
      next[u] = decided;
      confidence[u] = votes[decided] / total;
      weight[u] = total;
    }
    label.swap(next);
    sum.rounds = round;
    if (!changed) break;
  }
  store.Exec(kCreateInferred);
  store.Begin();
  try {
    store.Exec("DELETE FROM actor_geo_inferred");
    Statement ins(store.db(),
                  "INSERT INTO actor_geo_inferred(actor_id, region, confidence, weight, round) VALUES(?1, ?2, ?3, ?4, "
                  "?5)");
    for (std::size_t u = 0; u < ids.size(); ++u) {
      if (!account[u]) continue;
      ++sum.accounts;
      if (observed[u] != -1) continue;
      if (label[u] < 0) {
        ++sum.undecided;
        continue;
      }
      ++sum.inferred;
      ++sum.by_region[regions[label[u]]];
      ins.Bind(1, ids[u])
          .Bind(2, std::string_view(regions[label[u]]))
          .Bind(3, confidence[u])
          .Bind(4, weight[u])
          .Bind(5, static_cast<std::int64_t>(round_of[u]));
      ins.Run();
    }
    store.Commit();
  } catch (...) {
    store.Exec("ROLLBACK");
    throw;
  }
  return sum;
}

std::map<std::int64_t, InferredRegion> InferredRegions(const Store& store) {
  std::map<std::int64_t, InferredRegion> out;
  Statement has(store.db(),
                "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name = 'actor_geo_inferred'");
  if (!has.Step() || has.Int(0) == 0) return out;
  Statement st(store.db(), "SELECT actor_id, region, confidence FROM actor_geo_inferred ORDER BY actor_id");
  while (st.Step()) out[st.Int(0)] = InferredRegion{st.Text(1), st.Double(2)};
  return out;
}

}  // namespace relais::corpora
