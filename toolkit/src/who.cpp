// Journalists' queries over the flow graph, each answer with its evidence items.
#include "relais/toolkit/who.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <queue>
#include <sstream>

#include <fmt/format.h>

#include "relais/base/error.hpp"
#include "relais/base/quantile.hpp"
#include "relais/corpora/geo_infer.hpp"
#include "relais/corpora/geo_store.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/search_index.hpp"
#include "relais/corpora/url.hpp"
#include "relais/toolkit/store_query.hpp"

namespace relais::toolkit {
namespace {

nlohmann::json ActorJson(const corpora::Store& store, const ActorRow& a, bool pseudonymise) {
  bool hidden = pseudonymise && !a.is_public;
  return {{"key", DisplayKey(store, a, pseudonymise)},
          {"actor_class", a.actor_class},
          {"region", a.region},
          {"name", hidden ? "" : a.name}};
}

/// Is the actor behind an item public? Unknown authors (id 0 or not loaded) are not.
bool AuthorIsPublic(const std::unordered_map<std::int64_t, ActorRow>& actors, std::int64_t actor_id) {
  auto it = actors.find(actor_id);
  return it != actors.end() && it->second.is_public;
}

/// The original of an item on the web: its URL, or one built from a post's key (null when none).
nlohmann::json OriginalLink(const std::string& key, const std::string& url) {
  if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) return url;
  if (key.rfind("https://", 0) == 0 || key.rfind("http://", 0) == 0) return key;  // articles: the key is the URL
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (key.rfind("twitter:", 0) == 0 && digits(std::string_view(key).substr(8)))
    return "https://x.com/i/status/" + key.substr(8);
  if (key.rfind("mastodon:https://", 0) == 0) return key.substr(9);
  constexpr std::string_view kBsky = "bluesky:at://";
  if (key.rfind(kBsky, 0) == 0) {
    // at://DID/app.bsky.feed.post/RKEY → https://bsky.app/profile/DID/post/RKEY
    const std::string rest = key.substr(kBsky.size());
    const auto slash = rest.find("/app.bsky.feed.post/");
    if (slash != std::string::npos)
      return "https://bsky.app/profile/" + rest.substr(0, slash) + "/post/" + rest.substr(slash + 20);
  }
  return nullptr;
}

/// The first `max_bytes` bytes of a text, cut on a UTF-8 character boundary, "…" when cut.
std::string Excerpt(std::string_view text, std::size_t max_bytes = 280) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

// Evidence rows read "layer, source item id, derived key, derived author, time, text, url": a flow is
// read with its derived item in the partition of that item; its source item (any partition) is looked up.
constexpr const char* kEvidenceColumns =
    "f.layer, coalesce(f.src_item,0), d.key, coalesce(d.actor_id,0), d.time, coalesce(d.text,''), coalesce(d.url,'')";
constexpr const char* kSourceItem = "SELECT key, coalesce(actor_id,0) FROM items WHERE id = ?";

/// One flow as evidence: item keys of non-public authors are replaced by item pseudonyms.
nlohmann::json EvidenceJson(const corpora::Store& store, const std::unordered_map<std::int64_t, ActorRow>& actors,
                            const corpora::Statement& st, int first_col, corpora::Statement& source, bool pseudonymise,
                            TextMasker& masker) {
  const int c = first_col;
  std::string source_key;
  std::int64_t source_author = 0;
  source.Reset();
  source.Bind(1, st.Int(c + 1));
  if (source.Step()) {
    source_key = source.Text(0);
    source_author = source.Int(1);
  }
  const bool author_public = AuthorIsPublic(actors, st.Int(c + 3));
  auto author = actors.find(st.Int(c + 3));
  return {{"layer", st.Text(c)},
          {"source_item", DisplayItemKey(store, source_key, AuthorIsPublic(actors, source_author), pseudonymise)},
          {"item", DisplayItemKey(store, st.Text(c + 2), author_public, pseudonymise)},
          {"actor", author != actors.end() ? ActorJson(store, author->second, pseudonymise) : nlohmann::json(nullptr)},
          {"time", FormatIso8601(st.Int(c + 4))},
          {"text", masker.Mask(Excerpt(st.TextView(c + 5)))},
          {"link",
           author_public || !pseudonymise ? OriginalLink(st.Text(c + 2), st.Text(c + 6)) : nlohmann::json(nullptr)}};
}

}  // namespace

nlohmann::json AmplifiersOf(const corpora::Store& store, const std::string& actor_key, const WhoOptions& o) {
  ActorRow x = FindActor(store, actor_key);
  auto actors = LoadActors(store);
  TextMasker masker(store, o.pseudonymise);
  struct Acc {
    std::int64_t count = 0;
    TimeMs first = 0;
    std::vector<std::int64_t> latencies;
    std::map<std::string, std::int64_t> layers;
    nlohmann::json examples = nlohmann::json::array();
  };
  std::map<std::int64_t, Acc> acc;
  corpora::Statement source(store.db(), kSourceItem);
  corpora::MergePartitionRows(
      store,
      std::string("SELECT d.time, f.id, f.dst_actor, f.latency, ") + kEvidenceColumns +
          " FROM flows f JOIN items d ON d.id = f.dst_item "
          "WHERE f.src_actor = ? AND f.dst_actor IS NOT NULL AND f.dst_actor <> f.src_actor" +
          LayerInClause(o.layers) + " ORDER BY d.time, f.id",
      [&](corpora::Statement& st) {
        BindLayers(st, 2, o.layers);
        st.Bind(1, x.id);
      },
      2,
      [&](const corpora::Statement& st) {
        auto& a = acc[st.Int(2)];
        if (a.count == 0) a.first = st.Int(0);
        ++a.count;
        ++a.layers[st.Text(4)];
        if (!st.IsNull(3)) a.latencies.push_back(st.Int(3));
        if (static_cast<int>(a.examples.size()) < o.examples)
          a.examples.push_back(EvidenceJson(store, actors, st, 4, source, o.pseudonymise, masker));
      });
  std::vector<std::pair<std::int64_t, const Acc*>> ranked;
  for (const auto& [id, a] : acc) ranked.emplace_back(id, &a);
  std::sort(ranked.begin(), ranked.end(), [&](const auto& l, const auto& r) {
    if (l.second->count != r.second->count) return l.second->count > r.second->count;
    if (l.second->first != r.second->first) return l.second->first < r.second->first;
    return actors[l.first].key < actors[r.first].key;
  });
  nlohmann::json out = {
      {"query", "amplifiers-of"}, {"actor", ActorJson(store, x, o.pseudonymise)}, {"total_amplifiers", ranked.size()}};
  out["results"] = nlohmann::json::array();
  for (std::size_t i = 0; i < ranked.size() && (o.top <= 0 || static_cast<int>(i) < o.top); ++i) {
    const Acc& a = *ranked[i].second;
    nlohmann::json r = ActorJson(store, actors[ranked[i].first], o.pseudonymise);
    r["count"] = a.count;
    r["first"] = FormatIso8601(a.first);
    r["median_latency_s"] = a.latencies.empty() ? nlohmann::json(nullptr) : nlohmann::json(Median(a.latencies) / 1000);
    r["layers"] = a.layers;
    r["examples"] = a.examples;
    out["results"].push_back(std::move(r));
  }
  return out;
}

nlohmann::json FirstSharers(const corpora::Store& store, const std::string& url, const WhoOptions& o) {
  std::string canon = corpora::CanonicalizeUrl(url);
  if (canon.empty()) ThrowInvalidArgument("--first-sharers: \"" + url + "\" is not an http(s) URL");
  auto actors = LoadActors(store);
  TextMasker masker(store, o.pseudonymise);
  nlohmann::json out = {{"query", "first-sharers"}, {"url", canon}};
  std::optional<TimeMs> published;
  {
    corpora::Statement st(store.db(), "SELECT key, time, actor_id FROM items WHERE url = ? ORDER BY time LIMIT 1");
    st.Bind(1, canon);
    if (st.Step()) {
      published = st.Int(1);
      out["article"] = {{"item", DisplayItemKey(store, st.Text(0), AuthorIsPublic(actors, st.Int(2)), o.pseudonymise)},
                        {"time", FormatIso8601(st.Int(1))}};
      auto it = actors.find(st.Int(2));
      if (it != actors.end()) out["article"]["outlet"] = ActorJson(store, it->second, o.pseudonymise);
    } else {
      out["article"] = nullptr;
    }
  }
  corpora::Statement st(store.db(),
                        "SELECT DISTINCT i.id, i.key, i.time, coalesce(i.actor_id,0), i.kind, coalesce(i.text,''), "
                        "coalesce(i.url,'') FROM "
                        "urls u JOIN items i ON i.id = "
                        "u.item_id WHERE u.url = ? AND i.channel = 'social' ORDER BY i.time, i.id");
  st.Bind(1, canon);
  out["results"] = nlohmann::json::array();
  std::int64_t n = 0;
  while (st.Step()) {
    ++n;
    if (o.top > 0 && static_cast<int>(out["results"].size()) >= o.top) continue;
    nlohmann::json r;
    auto it = actors.find(st.Int(3));
    r["actor"] = it != actors.end() ? ActorJson(store, it->second, o.pseudonymise) : nlohmann::json(nullptr);
    const bool author_public = AuthorIsPublic(actors, st.Int(3));
    r["item"] = DisplayItemKey(store, st.Text(1), author_public, o.pseudonymise);
    r["link"] = author_public || !o.pseudonymise ? OriginalLink(st.Text(1), st.Text(6)) : nlohmann::json(nullptr);
    r["kind"] = st.Text(4);
    r["text"] = masker.Mask(Excerpt(st.TextView(5)));
    r["time"] = FormatIso8601(st.Int(2));
    r["delay_s"] =
        published ? nlohmann::json(static_cast<double>(st.Int(2) - *published) / 1000) : nlohmann::json(nullptr);
    out["results"].push_back(std::move(r));
  }
  out["total_shares"] = n;
  return out;
}

nlohmann::json StrongestPath(const corpora::Store& store, const std::string& from, const std::string& to,
                             const WhoOptions& o) {
  ActorRow a = FindActor(store, from), b = FindActor(store, to);
  auto actors = LoadActors(store);
  TextMasker masker(store, o.pseudonymise);
  FlowQuery q;
  q.layers = o.layers;
  std::map<std::int64_t, std::map<std::int64_t, std::int64_t>> w;
  std::map<std::int64_t, std::int64_t> out_strength;
  ForEachFlow(store, q, [&](const FlowRow& f) {
    if (!f.src_actor || !f.dst_actor || f.src_actor == f.dst_actor) return;
    ++w[f.src_actor][f.dst_actor];
    ++out_strength[f.src_actor];
  });
  std::map<std::int64_t, double> dist;
  std::map<std::int64_t, std::int64_t> prev;
  using Entry = std::pair<double, std::int64_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> pq;
  dist[a.id] = 0;
  pq.push({0, a.id});
  while (!pq.empty()) {
    auto [d, u] = pq.top();
    pq.pop();
    if (d > dist[u]) continue;
    if (u == b.id) break;
    auto it = w.find(u);
    if (it == w.end()) continue;
    for (const auto& [v, c] : it->second) {
      double nd = d - std::log(static_cast<double>(c) / static_cast<double>(out_strength[u]));
      auto dv = dist.find(v);
      if (dv == dist.end() || nd < dv->second - 1e-15) {
        dist[v] = nd;
        prev[v] = u;
        pq.push({nd, v});
      }
    }
  }
  nlohmann::json out = {
      {"query", "path"}, {"from", ActorJson(store, a, o.pseudonymise)}, {"to", ActorJson(store, b, o.pseudonymise)}};
  if (!dist.count(b.id) || a.id == b.id) {
    out["found"] = a.id == b.id;
    out["hops"] = nlohmann::json::array();
    return out;
  }
  std::vector<std::int64_t> chain{b.id};
  while (chain.back() != a.id) chain.push_back(prev[chain.back()]);
  std::reverse(chain.begin(), chain.end());
  out["found"] = true;
  out["strength"] = std::exp(-dist[b.id]);
  out["hops"] = nlohmann::json::array();
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
    std::int64_t u = chain[i], v = chain[i + 1];
    nlohmann::json hop = {{"source", ActorJson(store, actors[u], o.pseudonymise)},
                          {"target", ActorJson(store, actors[v], o.pseudonymise)},
                          {"count", w[u][v]},
                          {"share_of_source", static_cast<double>(w[u][v]) / static_cast<double>(out_strength[u])}};
    hop["evidence"] = nlohmann::json::array();
    corpora::Statement source(store.db(), kSourceItem);
    corpora::MergePartitionRows(
        store,
        std::string("SELECT d.time, f.id, ") + kEvidenceColumns +
            " FROM flows f JOIN items d ON d.id = f.dst_item WHERE f.src_actor = ? AND f.dst_actor = ?" +
            LayerInClause(o.layers) + " ORDER BY d.time, f.id LIMIT ?",
        [&](corpora::Statement& st) {
          st.Bind(1, u).Bind(2, v);
          st.Bind(BindLayers(st, 3, o.layers), static_cast<std::int64_t>(o.examples));
        },
        2,
        [&](const corpora::Statement& st) {
          // Each partition gives its first o.examples rows; the merged stream's first o.examples are kept.
          if (o.examples < 0 || hop["evidence"].size() < static_cast<std::size_t>(o.examples))
            hop["evidence"].push_back(EvidenceJson(store, actors, st, 2, source, o.pseudonymise, masker));
        });
    out["hops"].push_back(std::move(hop));
  }
  return out;
}

std::pair<double, double> WilsonInterval(std::int64_t k, std::int64_t n, double z) {
  if (n <= 0) return {0.0, 1.0};
  const double nn = static_cast<double>(n), p = static_cast<double>(k) / nn, z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::pair<double, double> NewcombeDifference(std::int64_t k1, std::int64_t n1, std::int64_t k2, std::int64_t n2,
                                             double z) {
  const double p1 = n1 > 0 ? static_cast<double>(k1) / static_cast<double>(n1) : 0;
  const double p2 = n2 > 0 ? static_cast<double>(k2) / static_cast<double>(n2) : 0;
  const auto [l1, u1] = WilsonInterval(k1, n1, z);
  const auto [l2, u2] = WilsonInterval(k2, n2, z);
  const double d = p2 - p1;
  const double lo = d - std::sqrt((p2 - l2) * (p2 - l2) + (u1 - p1) * (u1 - p1));
  const double hi = d + std::sqrt((u2 - p2) * (u2 - p2) + (p1 - l1) * (p1 - l1));
  return {std::max(-1.0, lo), std::min(1.0, hi)};
}

nlohmann::json AudienceOf(const corpora::Store& store, const std::string& actor_key, std::optional<TimeMs> at,
                          const WhoOptions& o) {
  if (!corpora::HasGeography(store))
    throw Error(ErrorKind::kData,
                "the store has no geography (schema version 4, before relais read locations): re-ingest its inputs "
                "to use --audience-of");
  ActorRow x = FindActor(store, actor_key);
  const auto places = corpora::ActorPlaces(store);
  auto home = places.find(x.id);
  if (home == places.end() || home->second.region.empty())
    throw Error(ErrorKind::kData, "--audience-of: " + actor_key +
                                      " has no known région (neither the registry nor its posts or profile "
                                      "locate it)");
  const corpora::ActorPlace& target = home->second;
  std::map<std::int64_t, corpora::InferredRegion> inferred;
  if (o.regions == RegionSource::kWithInferred) inferred = corpora::RequireInferredRegions(store);
  // Per amplifier: flows before `at`, flows from `at` on (all in `before` when there is no `at`).
  struct Seen {
    std::int64_t before = 0, after = 0;
  };
  const std::string sql =
      "SELECT d.time, f.dst_actor FROM flows f JOIN items d ON d.id = f.dst_item "
      "WHERE f.src_actor = ? AND f.dst_actor IS NOT NULL AND f.dst_actor <> f.src_actor" +
      LayerInClause(o.layers);
  const auto parts = corpora::MapPartitions<std::map<std::int64_t, Seen>>(store, [&](sqlite3* db, int) {
    corpora::Statement st(db, sql);
    st.Bind(1, x.id);
    BindLayers(st, 2, o.layers);
    std::map<std::int64_t, Seen> local;
    while (st.Step()) {
      Seen& s = local[st.Int(1)];
      if (at && st.Int(0) >= *at)
        ++s.after;
      else
        ++s.before;
    }
    return local;
  });
  std::map<std::int64_t, Seen> seen;
  for (const auto& part : parts) {
    for (const auto& [id, s] : part) {
      seen[id].before += s.before;
      seen[id].after += s.after;
    }
  }
  struct Tally {
    std::int64_t amplifiers = 0, region_known = 0, in_region = 0, departement_known = 0, in_departement = 0;
    std::int64_t region_inferred = 0, in_region_inferred = 0;  // amplifiers without an observed home, inferred
  };
  std::map<std::string, std::int64_t> by_region, by_evidence;
  // An amplifier without an observed home (France, région unknown, or none) counts apart when it has an inferred
  // région: never within the observed shares.
  auto count_inferred = [&](std::int64_t id, Tally& t, bool describe) {
    auto i = inferred.find(id);
    if (i == inferred.end()) return false;
    ++t.region_inferred;
    if (i->second.region == target.region) ++t.in_region_inferred;
    if (describe) {
      ++by_evidence["inferred"];
      ++by_region[corpora::InferredRegionLabel(i->second.region)];
    }
    return true;
  };
  auto count = [&](std::int64_t id, Tally& t, bool describe) {
    ++t.amplifiers;
    auto p = places.find(id);
    if (p == places.end() || (p->second.region.empty() && (p->second.country.empty() || p->second.country == "FR"))) {
      if (count_inferred(id, t, describe)) return;
    }
    if (p == places.end()) {
      if (describe) ++by_evidence["none"];
      return;
    }
    const corpora::ActorPlace& a = p->second;
    const bool abroad = !a.country.empty() && a.country != "FR";
    if (describe) {
      ++by_evidence[a.registry ? "registry" : std::string(corpora::geo::EvidenceName(a.evidence))];
      ++by_region[abroad ? "(abroad)" : a.region.empty() ? "(France, région unknown)" : a.region];
    }
    if (abroad || !a.region.empty()) {
      ++t.region_known;
      if (!abroad && a.region == target.region) ++t.in_region;
    }
    if (!target.departement.empty()) {
      // A known région other than X's places the amplifier outside X's département too.
      if (abroad || !a.departement.empty() || (!a.region.empty() && a.region != target.region)) {
        ++t.departement_known;
        if (!abroad && a.departement == target.departement) ++t.in_departement;
      }
    }
  };
  Tally all, before, after;
  for (const auto& [id, s] : seen) {
    count(id, all, true);
    if (at && s.before > 0) count(id, before, false);
    if (at && s.after > 0) count(id, after, false);
  }
  auto share = [](std::int64_t k, std::int64_t n) {
    return n > 0 ? nlohmann::json(double(k) / double(n)) : nlohmann::json(nullptr);
  };
  auto period = [&](const std::string& name, const Tally& t) {
    const auto [rl, rh] = WilsonInterval(t.in_region, t.region_known);
    nlohmann::json j = {{"period", name},
                        {"amplifiers", t.amplifiers},
                        {"located_region", t.region_known},
                        {"in_region", t.in_region},
                        {"share_region", share(t.in_region, t.region_known)},
                        {"ci_region", t.region_known > 0 ? nlohmann::json::array({rl, rh}) : nlohmann::json(nullptr)}};
    if (!target.departement.empty()) {
      const auto [dl, dh] = WilsonInterval(t.in_departement, t.departement_known);
      j["located_departement"] = t.departement_known;
      j["in_departement"] = t.in_departement;
      j["share_departement"] = share(t.in_departement, t.departement_known);
      j["ci_departement"] = t.departement_known > 0 ? nlohmann::json::array({dl, dh}) : nlohmann::json(nullptr);
    }
    if (o.regions == RegionSource::kWithInferred) {
      const auto [il, ih] = WilsonInterval(t.in_region_inferred, t.region_inferred);
      j["inferred"] = {
          {"located_region", t.region_inferred},
          {"in_region", t.in_region_inferred},
          {"share_region", share(t.in_region_inferred, t.region_inferred)},
          {"ci_region", t.region_inferred > 0 ? nlohmann::json::array({il, ih}) : nlohmann::json(nullptr)}};
    }
    return j;
  };
  nlohmann::json out = {
      {"query", "audience-of"},
      {"actor", ActorJson(store, x, o.pseudonymise)},
      {"region", target.region},
      {"departement", target.departement.empty() ? nlohmann::json(nullptr) : nlohmann::json(target.departement)},
      {"at", at ? nlohmann::json(FormatIso8601(*at)) : nlohmann::json(nullptr)},
      {"confidence_level", 0.95}};
  if (o.regions == RegionSource::kWithInferred) out["geo"] = "inferred";  // absent: observed homes only
  out["periods"] = nlohmann::json::array({period("all", all)});
  if (at) {
    out["periods"].push_back(period("before", before));
    out["periods"].push_back(period("after", after));
    auto change = [&](std::int64_t k1, std::int64_t n1, std::int64_t k2, std::int64_t n2) {
      if (n1 == 0 || n2 == 0) return nlohmann::json(nullptr);
      const auto [lo, hi] = NewcombeDifference(k1, n1, k2, n2);
      return nlohmann::json{{"estimate", double(k2) / double(n2) - double(k1) / double(n1)}, {"ci", {lo, hi}}};
    };
    out["change"] = {{"region", change(before.in_region, before.region_known, after.in_region, after.region_known)}};
    if (!target.departement.empty())
      out["change"]["departement"] =
          change(before.in_departement, before.departement_known, after.in_departement, after.departement_known);
    if (o.regions == RegionSource::kWithInferred)
      out["change"]["region_inferred"] =
          change(before.in_region_inferred, before.region_inferred, after.in_region_inferred, after.region_inferred);
  }
  out["amplifiers_by_region"] = by_region;
  out["amplifiers_by_evidence"] = by_evidence;
  return out;
}

nlohmann::json FlowEvidence(const corpora::Store& store, const FlowEvidenceQuery& q, bool pseudonymise) {
  if (q.by != "class" && q.by != "region" && q.by != "actor")
    ThrowInvalidArgument("by: \"" + q.by + "\" is not one of class, region, actor");
  // Group names as flow_matrix.cpp's GroupOf gives them.
  std::string join;
  const std::string group =
      q.by == "class" ? "coalesce(nullif(a.actor_class, ''), 'public')" : RegionGroupSql(store, &join);
  std::string where = " WHERE 1=1" + LayerInClause(q.query.layers);
  if (q.query.from) where += " AND d.time >= ?";
  if (q.query.to) where += " AND d.time < ?";
  auto side = [&](const char* column, const std::optional<std::string>& name, const std::optional<std::int64_t>& id) {
    if (q.by == "actor") {
      if (id) where += std::string(" AND f.") + column + " = ?";
    } else if (name) {
      if (*name == "(unknown)")
        where += std::string(" AND (f.") + column + " IS NULL OR f." + column + " NOT IN (SELECT id FROM actors))";
      else
        where +=
            std::string(" AND f.") + column + " IN (SELECT a.id FROM actors a" + join + " WHERE " + group + " = ?)";
    }
  };
  side("src_actor", q.source, q.source_actor);
  side("dst_actor", q.target, q.target_actor);
  auto bind = [&](corpora::Statement& st) {
    int i = BindLayers(st, 1, q.query.layers);
    if (q.query.from) st.Bind(i++, static_cast<std::int64_t>(*q.query.from));
    if (q.query.to) st.Bind(i++, static_cast<std::int64_t>(*q.query.to));
    for (int k = 0; k < 2; ++k) {
      const auto& name = k == 0 ? q.source : q.target;
      const auto& id = k == 0 ? q.source_actor : q.target_actor;
      if (q.by == "actor" && id) st.Bind(i++, *id);
      if (q.by != "actor" && name && *name != "(unknown)") st.Bind(i++, *name);
    }
    return i;
  };
  const std::string from = " FROM flows f JOIN items d ON d.id = f.dst_item";
  corpora::Statement count(store.db(), "SELECT count(*)" + from + where);
  bind(count);
  const std::int64_t total = count.Step() ? count.Int(0) : 0;
  corpora::Statement st(store.db(),
                        std::string("SELECT ") + kEvidenceColumns + from + where + " ORDER BY d.time, f.id LIMIT ?");
  st.Bind(bind(st), static_cast<std::int64_t>(q.limit));
  auto actors = LoadActors(store);
  TextMasker masker(store, pseudonymise);
  nlohmann::json out = {{"query", "flow-evidence"}, {"by", q.by}, {"total", total}};
  out["from"] = q.query.from ? nlohmann::json(FormatIso8601(*q.query.from)) : nlohmann::json(nullptr);
  out["to"] = q.query.to ? nlohmann::json(FormatIso8601(*q.query.to)) : nlohmann::json(nullptr);
  out["evidence"] = nlohmann::json::array();
  corpora::Statement source(store.db(), kSourceItem);
  while (st.Step()) out["evidence"].push_back(EvidenceJson(store, actors, st, 0, source, pseudonymise, masker));
  return out;
}

nlohmann::json SearchJson(const corpora::Store& store, const std::string& query, int limit, bool pseudonymise) {
  if (!corpora::HasSearchIndex(store))
    ThrowInvalidArgument(
        "this store has no full-text index yet: run relais ingest on it once more (it builds the "
        "index of the items it holds)");
  std::int64_t total = 0;
  const auto ids = corpora::SearchItems(store, query, limit, &total);
  auto actors = LoadActors(store);
  TextMasker masker(store, pseudonymise);
  nlohmann::json out = {{"query", "search"}, {"q", query}, {"total", total}, {"results", nlohmann::json::array()}};
  corpora::Statement st(store.db(),
                        "SELECT key, time, coalesce(actor_id,0), kind, channel, coalesce(title,''), coalesce(text,''), "
                        "coalesce(url,'') FROM items WHERE id = ?");
  // The press article a result links to (a registry outlet's URL), to start "first sharers" from.
  corpora::Statement shared(store.db(),
                            "SELECT url FROM urls WHERE item_id = ? AND host_actor IS NOT NULL ORDER BY url LIMIT 1");
  for (std::int64_t id : ids) {
    st.Bind(1, id);
    if (!st.Step()) {
      st.Reset();
      continue;
    }
    const bool author_public = AuthorIsPublic(actors, st.Int(2));
    auto author = actors.find(st.Int(2));
    nlohmann::json r = {
        {"time", FormatIso8601(st.Int(1))},
        {"actor", author != actors.end() ? ActorJson(store, author->second, pseudonymise) : nlohmann::json(nullptr)},
        {"item", DisplayItemKey(store, st.Text(0), author_public, pseudonymise)},
        {"kind", st.Text(3)},
        {"channel", st.Text(4)},
        {"title", masker.Mask(Excerpt(st.TextView(5), 200))},
        {"text", masker.Mask(Excerpt(st.TextView(6)))},
        {"link", author_public || !pseudonymise ? OriginalLink(st.Text(0), st.Text(7)) : nlohmann::json(nullptr)}};
    std::string article = author_public && st.Text(4) != "social" ? st.Text(7) : "";
    st.Reset();
    if (article.empty()) {
      shared.Bind(1, id);
      if (shared.Step()) article = shared.Text(0);
      shared.Reset();
    }
    r["article_url"] = article.empty() ? nlohmann::json(nullptr) : nlohmann::json(article);
    out["results"].push_back(std::move(r));
  }
  return out;
}

nlohmann::json TimelineJson(const corpora::Store& store, const TimelineQuery& q, bool pseudonymise) {
  std::string where;
  std::string subject;
  nlohmann::json about;
  if (q.actor) {
    where = "FROM items i WHERE i.actor_id = ?1";
    about = {{"actor", ActorJson(store, *q.actor, pseudonymise)}};
  } else if (!q.url.empty()) {
    where = "FROM items i WHERE i.id IN (SELECT item_id FROM urls WHERE url = ?1) OR i.url = ?1";
    about = {{"url", q.url}};
  } else {
    where = "FROM items i JOIN actors a ON a.id = i.actor_id WHERE a.actor_class = ?1";
    about = {{"actor_class", q.actor_class}};
  }
  auto bind = [&](corpora::Statement& st) {
    if (q.actor)
      st.Bind(1, q.actor->id);
    else
      st.Bind(1, q.url.empty() ? q.actor_class : q.url);
  };
  TimeMs from = 0, to = 0;
  if (q.at) {
    from = *q.at - q.before;
    to = *q.at + q.after;
  } else {
    corpora::Statement span(store.db(), "SELECT min(i.time), max(i.time) " + where);
    bind(span);
    if (!span.Step() || span.IsNull(0)) {
      about["bins"] = nlohmann::json::array();
      about["total"] = 0;
      return about;
    }
    from = span.Int(0);
    to = span.Int(1) + 1;
  }
  constexpr TimeMs kHour = 3600 * 1000LL, kDay = 24 * kHour;
  TimeMs bin = q.bin > 0 ? q.bin : (to - from <= 7 * kDay ? kHour : kDay);
  // At most 2,000 bins: a wider window gets wider bins (whole days).
  if ((to - from) / bin > 2000) bin = ((to - from) / 2000 / kDay + 1) * kDay;
  from = from / bin * bin;  // bins start on whole hours / days (UTC)
  corpora::Statement st(store.db(), "SELECT (i.time - ?2) / ?4, count(*) " + where +
                                        " AND i.time >= ?2 AND i.time < ?3 GROUP BY 1 ORDER BY 1");
  bind(st);
  st.Bind(2, from).Bind(3, to).Bind(4, bin);
  about["query"] = "timeline";
  about["from"] = FormatIso8601(from);
  about["to"] = FormatIso8601(to);
  about["bin_s"] = bin / 1000;
  about["at"] = q.at ? nlohmann::json(FormatIso8601(*q.at)) : nlohmann::json(nullptr);
  std::int64_t total = 0, before = 0, after = 0;
  about["bins"] = nlohmann::json::array();
  while (st.Step()) {
    const TimeMs t = from + st.Int(0) * bin;
    const std::int64_t n = st.Int(1);
    total += n;
    if (q.at) (t + bin <= *q.at ? before : after) += n;
    about["bins"].push_back({{"t", FormatIso8601(t)}, {"n", n}});
  }
  about["total"] = total;
  if (q.at) {
    about["before"] = before;
    about["after"] = after;
  }
  return about;
}

std::string WhoTable(const nlohmann::json& j) {
  std::ostringstream os;
  const std::string q = j["query"];
  if (q == "amplifiers-of") {
    os << "amplifiers of " << j["actor"]["key"].get<std::string>() << " ("
       << j["actor"]["actor_class"].get<std::string>() << "): " << j["total_amplifiers"] << " actors\n";
    os << fmt::format("  {:>4}  {:<32} {:<16} {:>7}  {:<20}  {}\n", "rank", "actor", "class", "flows", "first",
                      "example");
    int rank = 0;
    for (const auto& r : j["results"]) {
      std::string ex = r["examples"].empty() ? "" : r["examples"][0]["item"].get<std::string>();
      os << fmt::format("  {:>4}  {:<32} {:<16} {:>7}  {:<20}  {}\n", ++rank, r["key"].get<std::string>().substr(0, 32),
                        r["actor_class"].get<std::string>(), r["count"].get<std::int64_t>(),
                        r["first"].get<std::string>(), ex);
    }
  } else if (q == "audience-of") {
    os << "local audience of " << j["actor"]["key"].get<std::string>() << " (" << j["region"].get<std::string>();
    if (!j["departement"].is_null()) os << ", département " << j["departement"].get<std::string>();
    os << ")\n";
    auto pct = [](const nlohmann::json& v) {
      return v.is_null() ? std::string("-") : fmt::format("{:.1f}%", 100 * v.get<double>());
    };
    auto ci = [](const nlohmann::json& v) {
      return v.is_null() ? std::string("-")
                         : fmt::format("[{:.1f}, {:.1f}]", 100 * v[0].get<double>(), 100 * v[1].get<double>());
    };
    os << fmt::format("  {:<8} {:>10} {:>8} {:>8} {:>16} {:>8} {:>8} {:>16}\n", "period", "amplifiers", "located",
                      "région", "95% CI", "located", "dépt", "95% CI");
    for (const auto& p : j["periods"]) {
      const bool dep = p.contains("located_departement");
      os << fmt::format("  {:<8} {:>10} {:>8} {:>8} {:>16} {:>8} {:>8} {:>16}\n", p["period"].get<std::string>(),
                        p["amplifiers"].get<std::int64_t>(), p["located_region"].get<std::int64_t>(),
                        pct(p["share_region"]), ci(p["ci_region"]),
                        dep ? std::to_string(p["located_departement"].get<std::int64_t>()) : "-",
                        dep ? pct(p["share_departement"]) : "-", dep ? ci(p["ci_departement"]) : "-");
      if (p.contains("inferred")) {
        const nlohmann::json& i = p["inferred"];
        os << fmt::format("  {:<8} {:>10} {:>8} {:>8} {:>16}   (amplifiers with an inferred région only)\n",
                          "+inferred", "", i["located_region"].get<std::int64_t>(), pct(i["share_region"]),
                          ci(i["ci_region"]));
      }
    }
    if (j.contains("change")) {
      for (auto it = j["change"].begin(); it != j["change"].end(); ++it) {
        const nlohmann::json& c = it.value();
        if (c.is_null()) continue;
        os << fmt::format("  change ({}): {:+.1f} points, 95% CI [{:+.1f}, {:+.1f}]\n", it.key(),
                          100 * c["estimate"].get<double>(), 100 * c["ci"][0].get<double>(),
                          100 * c["ci"][1].get<double>());
      }
    }
  } else if (q == "first-sharers") {
    os << "first sharers of " << j["url"].get<std::string>() << ": " << j["total_shares"] << " social items\n";
    if (!j["article"].is_null())
      os << "  article " << j["article"]["item"].get<std::string>() << " at " << j["article"]["time"].get<std::string>()
         << "\n";
    os << fmt::format("  {:<20} {:>10}  {:<32} {}\n", "time", "delay", "actor", "item");
    for (const auto& r : j["results"]) {
      std::string delay = r["delay_s"].is_null() ? "-" : fmt::format("{:.0f}s", r["delay_s"].get<double>());
      std::string actor = r["actor"].is_null() ? "?" : r["actor"]["key"].get<std::string>();
      os << fmt::format("  {:<20} {:>10}  {:<32} {}\n", r["time"].get<std::string>(), delay, actor.substr(0, 32),
                        r["item"].get<std::string>());
    }
  } else {
    os << "strongest chain from " << j["from"]["key"].get<std::string>() << " to " << j["to"]["key"].get<std::string>();
    if (!j["found"].get<bool>()) {
      os << ": none\n";
      return os.str();
    }
    os << fmt::format(" (strength {:.3g})\n", j["strength"].get<double>());
    for (const auto& h : j["hops"]) {
      os << fmt::format("  {} -> {}: {} flows ({:.1f}% of the source's)\n", h["source"]["key"].get<std::string>(),
                        h["target"]["key"].get<std::string>(), h["count"].get<std::int64_t>(),
                        100 * h["share_of_source"].get<double>());
      for (const auto& e : h["evidence"])
        os << "      " << e["layer"].get<std::string>() << " " << e["source_item"].get<std::string>() << " -> "
           << e["item"].get<std::string>() << " at " << e["time"].get<std::string>() << "\n";
    }
  }
  return os.str();
}

}  // namespace relais::toolkit
