// Région inference on the flow graph with weights learned from the observed homes (relais/corpora/geo_infer.hpp).
#include "relais/corpora/geo_infer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
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

enum Neighbour : int { kOutlet = 0, kListed = 1, kObserved = 2, kInferred = 3, kNeighbourKinds = 4 };
constexpr const char* kNeighbourNames[] = {"outlet", "listed", "observed", "inferred"};
constexpr const char* kDirectionNames[] = {"relays", "relayed_by"};

bool IsAccountClass(std::string_view cls) {
  return cls != "press-national" && cls != "press-regional" && cls != "press-agency" && cls != "pr";
}

struct Flow {
  std::int64_t src = 0, dst = 0;  // dst relays src
  int layer = 0;
  double count = 0;
};

// Flows of `layers` between two different actors, (src, dst, layer index) → count, over every partition.
std::vector<Flow> RelayFlows(const Store& store, const std::vector<std::string>& layers) {
  std::string sql =
      "SELECT src_actor, dst_actor, layer, count(*) FROM flows WHERE src_actor IS NOT NULL AND dst_actor IS NOT NULL "
      "AND src_actor <> dst_actor AND layer IN (";
  for (std::size_t i = 0; i < layers.size(); ++i) sql += (i ? ", ?" : "?") + std::to_string(i + 1);
  sql += ") GROUP BY 1, 2, 3";
  using Counts = std::map<std::tuple<std::int64_t, std::int64_t, int>, double>;
  const auto parts = MapPartitions<Counts>(store, [&](sqlite3* db, int) {
    Statement st(db, sql);
    for (std::size_t i = 0; i < layers.size(); ++i) st.Bind(static_cast<int>(i + 1), std::string_view(layers[i]));
    Counts c;
    while (st.Step()) {
      const auto layer = std::find(layers.begin(), layers.end(), st.TextView(2)) - layers.begin();
      c[{st.Int(0), st.Int(1), static_cast<int>(layer)}] += static_cast<double>(st.Int(3));
    }
    return c;
  });
  Counts all;
  for (const auto& p : parts)
    for (const auto& [k, v] : p) all[k] += v;
  std::vector<Flow> out;
  out.reserve(all.size());
  for (const auto& [k, v] : all) out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), v});
  return out;
}

// A tie seen from one account: its neighbour, the kind of tie (layer × direction), the flows.
struct Tie {
  std::size_t neighbour = 0;
  int kind = 0;  // layer * 2 + direction
  double count = 0;
};

struct Graph {
  std::vector<std::int64_t> ids;
  std::vector<bool> account;
  std::vector<int> observed;         // région index; -1 none; -2 abroad or France only (neither seed nor inferred)
  std::vector<bool> registry;        // the observed région is the registry's
  std::vector<std::string> regions;  // région names by index
  std::vector<std::vector<Tie>> ties;
};

Graph BuildGraph(const Store& store, const GeoInferOptions& o, GeoInferSummary& sum) {
  Graph g;
  {
    Statement st(store.db(), "SELECT id, actor_class FROM actors ORDER BY id");
    while (st.Step()) {
      g.ids.push_back(st.Int(0));
      g.account.push_back(IsAccountClass(st.TextView(1)));
    }
  }
  std::unordered_map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < g.ids.size(); ++i) index.emplace(g.ids[i], i);
  g.observed.assign(g.ids.size(), -1);
  g.registry.assign(g.ids.size(), false);
  std::map<std::string, int> region_index;
  for (const auto& [id, place] : ActorPlaces(store)) {
    auto it = index.find(id);
    if (it == index.end()) continue;
    if (g.account[it->second]) ++sum.observed;
    if (place.region.empty() || (!place.country.empty() && place.country != "FR")) {
      g.observed[it->second] = -2;
      continue;
    }
    auto [r, fresh] = region_index.try_emplace(place.region, static_cast<int>(g.regions.size()));
    if (fresh) g.regions.push_back(place.region);
    g.observed[it->second] = r->second;
    g.registry[it->second] = place.registry;
    ++sum.seeds;
  }
  sum.regions = static_cast<std::int64_t>(g.regions.size());
  g.ties.resize(g.ids.size());
  for (const Flow& f : RelayFlows(store, o.layers)) {
    auto s = index.find(f.src), d = index.find(f.dst);
    if (s == index.end() || d == index.end()) continue;
    g.ties[d->second].push_back({s->second, f.layer * 2 + 0, f.count});  // the relayer relays the source
    g.ties[s->second].push_back({d->second, f.layer * 2 + 1, f.count});  // the source is relayed by the relayer
  }
  return g;
}

struct Labels {
  std::vector<int> region;  // inferred région index, -1 none
  std::vector<double> confidence, score;
};

// The neighbour's label as seen from a tie: région, kind of neighbour, strength (an inferred label its confidence).
struct Vote {
  int region = -1;
  int neighbour = kOutlet;
  double strength = 0;
};
Vote VoteOf(const Graph& g, const Labels& l, std::size_t v) {
  if (g.observed[v] >= 0) return {g.observed[v], !g.registry[v] ? kObserved : g.account[v] ? kListed : kOutlet, 1.0};
  if (g.observed[v] == -1 && l.region[v] >= 0) return {l.region[v], kInferred, l.confidence[v]};
  return {};
}

int SourceOf(int tie_kind, int neighbour) { return tie_kind * kNeighbourKinds + neighbour; }

// Step (1): per kind of tie, the agreement p among the accounts whose home is observed from evidence, against the
// agreement c expected by chance from the régions at either end of those ties (Σ_r share of accounts in r × share
// of neighbours in r); its weight is the log-likelihood ratio log(p (1 − c) / ((1 − p) c)), 0 when p ≤ c.
std::vector<GeoTieWeight> LearnWeights(const Graph& g, const Labels& l, const GeoInferOptions& o) {
  const std::size_t kinds = o.layers.size() * 2 * kNeighbourKinds, nr = g.regions.size();
  std::vector<GeoTieWeight> w(kinds);
  std::vector<double> flows(kinds, 0), agreeing(kinds, 0);
  std::vector<std::vector<double>> at_account(kinds, std::vector<double>(nr, 0)), at_neighbour = at_account;
  for (std::size_t u = 0; u < g.ids.size(); ++u) {
    if (!g.account[u] || g.observed[u] < 0 || g.registry[u]) continue;
    const auto home = static_cast<std::size_t>(g.observed[u]);
    for (const Tie& t : g.ties[u]) {
      const Vote v = VoteOf(g, l, t.neighbour);
      if (v.region < 0) continue;
      const auto s = static_cast<std::size_t>(SourceOf(t.kind, v.neighbour));
      const double x = t.count * v.strength;
      flows[s] += x;
      agreeing[s] += static_cast<std::size_t>(v.region) == home ? x : 0;
      at_account[s][home] += x;
      at_neighbour[s][static_cast<std::size_t>(v.region)] += x;
    }
  }
  for (std::size_t s = 0; s < kinds; ++s) {
    const std::size_t tie_kind = s / kNeighbourKinds;
    w[s].layer = o.layers[tie_kind / 2];
    w[s].direction = kDirectionNames[tie_kind % 2];
    w[s].neighbour = kNeighbourNames[s % kNeighbourKinds];
    w[s].flows = std::llround(flows[s]);
    w[s].agreeing = std::llround(agreeing[s]);
    // Both shares are shrunk towards chance with `prior_flows` pseudo-flows: a kind of tie weighs only what the
    // store shows it is worth (chance itself uniform over the régions until flows measure it).
    const double uniform = nr > 0 ? 1.0 / static_cast<double>(nr) : 1.0;
    double by_chance = 0;
    for (std::size_t r = 0; r < nr; ++r)
      by_chance += flows[s] > 0 ? at_account[s][r] * at_neighbour[s][r] / flows[s] : 0;
    w[s].chance = (by_chance + o.prior_flows * uniform) / (flows[s] + o.prior_flows);
    w[s].agreement = (agreeing[s] + o.prior_flows * w[s].chance) / (flows[s] + o.prior_flows);
    const double c = std::clamp(w[s].chance, 1e-9, 1 - 1e-9);
    const double p = std::clamp(w[s].agreement, 1e-9, 1 - 1e-9);
    w[s].weight = std::max(0.0, std::log(p * (1 - c) / ((1 - p) * c)));
  }
  return w;
}

// Step (2): every account without an observed location, from its labelled neighbours.
Labels Decide(const Graph& g, const Labels& prev, const std::vector<GeoTieWeight>& w, const GeoInferOptions& o) {
  Labels next{std::vector<int>(g.ids.size(), -1), std::vector<double>(g.ids.size(), 0),
              std::vector<double>(g.ids.size(), 0)};
  std::vector<double> score(g.regions.size());
  for (std::size_t u = 0; u < g.ids.size(); ++u) {
    if (!g.account[u] || g.observed[u] != -1) continue;
    std::fill(score.begin(), score.end(), 0.0);
    bool any = false;
    for (const Tie& t : g.ties[u]) {
      const Vote v = VoteOf(g, prev, t.neighbour);
      if (v.region < 0) continue;
      const double x = w[static_cast<std::size_t>(SourceOf(t.kind, v.neighbour))].weight * t.count * v.strength;
      score[static_cast<std::size_t>(v.region)] += x;
      any = any || x > 0;
    }
    if (!any) continue;
    const auto best = static_cast<std::size_t>(std::max_element(score.begin(), score.end()) - score.begin());
    // Naive posterior under a uniform prior over the régions that have a seed, as log-odds, then calibrated.
    double rest = 0;
    for (std::size_t r = 0; r < score.size(); ++r) rest += r == best ? 0.0 : std::exp(score[r] - score[best]);
    const double log_odds = rest > 0 ? -std::log(rest) : std::numeric_limits<double>::infinity();
    const double posterior = o.calibration.Confidence(log_odds, score.size());
    if (posterior < o.min_confidence) continue;
    next.region[u] = static_cast<int>(best);
    next.confidence[u] = posterior;
    next.score[u] = score[best];
  }
  return next;
}

void WriteInferred(Store& store, const Graph& g, const Labels& l, const std::vector<int>& round_of,
                   GeoInferSummary& sum) {
  store.Exec(kCreateInferred);
  store.Begin();
  try {
    store.Exec("DELETE FROM actor_geo_inferred");
    Statement ins(store.db(),
                  "INSERT INTO actor_geo_inferred(actor_id, region, confidence, weight, round) VALUES(?1, ?2, ?3, ?4, "
                  "?5)");
    for (std::size_t u = 0; u < g.ids.size(); ++u) {
      if (!g.account[u]) continue;
      ++sum.accounts;
      if (g.observed[u] != -1) continue;
      if (l.region[u] < 0) {
        ++sum.undecided;
        continue;
      }
      ++sum.inferred;
      const std::string& region = g.regions[static_cast<std::size_t>(l.region[u])];
      ++sum.by_region[region];
      ins.Bind(1, g.ids[u])
          .Bind(2, std::string_view(region))
          .Bind(3, l.confidence[u])
          .Bind(4, l.score[u])
          .Bind(5, static_cast<std::int64_t>(round_of[u]));
      ins.Run();
    }
    store.Commit();
  } catch (...) {
    store.Exec("ROLLBACK");
    throw;
  }
}

}  // namespace

GeoCalibration GeoCalibration::Fitted() { return {0.764, 0.267, 0.180}; }  // seeds 1–3, geo.md

double GeoCalibration::Confidence(double log_odds, std::size_t regions) const {
  const double x = slope * log_odds + intercept;
  const double sigma = x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x));
  const double uniform = regions > 0 ? 1.0 / static_cast<double>(regions) : 1.0;
  return (1 - elsewhere) * sigma + elsewhere * uniform;
}

GeoInferSummary InferActorRegions(Store& store, const GeoInferOptions& o) {
  if (!HasGeography(store))
    throw Error(ErrorKind::kData, "the store has no geography (schema version 4): re-ingest its inputs first");
  if (o.layers.empty()) throw Error(ErrorKind::kInvalidArgument, "geo infer: give at least one layer");
  GeoInferSummary sum;
  const Graph g = BuildGraph(store, o, sum);
  Labels labels{std::vector<int>(g.ids.size(), -1), std::vector<double>(g.ids.size(), 0),
                std::vector<double>(g.ids.size(), 0)};
  std::vector<int> round_of(g.ids.size(), 0);
  std::vector<GeoTieWeight> weights;
  for (int round = 1; round <= o.max_rounds; ++round) {
    weights = LearnWeights(g, labels, o);
    Labels next = Decide(g, labels, weights, o);
    bool changed = false;
    for (std::size_t u = 0; u < g.ids.size(); ++u) {
      if (next.region[u] == labels.region[u]) continue;
      changed = true;
      round_of[u] = next.region[u] >= 0 ? round : 0;
    }
    labels = std::move(next);
    sum.rounds = round;
    if (!changed) {
      sum.converged = true;
      break;
    }
  }
  for (const auto& w : weights)
    if (w.flows > 0) sum.weights.push_back(w);
  WriteInferred(store, g, labels, round_of, sum);
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

std::map<std::int64_t, InferredRegion> RequireInferredRegions(const Store& store) {
  auto out = InferredRegions(store);
  if (out.empty())
    throw Error(ErrorKind::kInvalidArgument,
                "--geo inferred: this store has no inferred régions: run relais geo infer --store S first");
  return out;
}

std::string InferredRegionLabel(const std::string& region) { return region + " (inferred)"; }

}  // namespace relais::corpora
