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
#include "relais/corpora/url.hpp"

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

/// The first `max_bytes` bytes of a text, cut on a UTF-8 character boundary, "…" when cut.
std::string Excerpt(std::string_view text, std::size_t max_bytes = 280) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

// Evidence rows read "layer, source key, source author, derived key, derived author, time, text".
constexpr const char* kEvidenceColumns =
    "f.layer, coalesce(s.key,''), coalesce(s.actor_id,0), d.key, coalesce(d.actor_id,0), d.time, "
    "coalesce(d.text,'')";

/// One flow as evidence: item keys of non-public authors are replaced by item pseudonyms.
nlohmann::json EvidenceJson(const corpora::Store& store, const std::unordered_map<std::int64_t, ActorRow>& actors,
                            const corpora::Statement& st, int first_col, bool pseudonymise, TextMasker& masker) {
  const int c = first_col;
  return {{"layer", st.Text(c)},
          {"source_item", DisplayItemKey(store, st.Text(c + 1), AuthorIsPublic(actors, st.Int(c + 2)), pseudonymise)},
          {"item", DisplayItemKey(store, st.Text(c + 3), AuthorIsPublic(actors, st.Int(c + 4)), pseudonymise)},
          {"time", FormatIso8601(st.Int(c + 5))},
          {"text", masker.Mask(Excerpt(st.TextView(c + 6)))}};
}

std::string LayerFilter(const std::vector<std::string>& layers) {
  if (layers.empty()) return "";
  std::string s = " AND f.layer IN (";
  for (std::size_t i = 0; i < layers.size(); ++i) s += (i ? ",'" : "'") + layers[i] + "'";
  return s + ")";
}

double Median(std::vector<std::int64_t> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? static_cast<double>(v[n / 2])
               : (static_cast<double>(v[n / 2 - 1]) + static_cast<double>(v[n / 2])) / 2;
}

}  // namespace

nlohmann::json AmplifiersOf(const corpora::Store& store, const std::string& actor_key, const WhoOptions& o) {
  ActorRow x = FindActor(store, actor_key);
  auto actors = LoadActors(store);
  TextMasker masker(store, o.pseudonymise);
  corpora::Statement st(store.db(),
                        std::string("SELECT f.dst_actor, f.latency, ") + kEvidenceColumns +
                            " FROM flows f JOIN items d ON d.id = f.dst_item LEFT JOIN items s ON s.id = f.src_item "
                            "WHERE f.src_actor = ? AND f.dst_actor IS NOT NULL AND f.dst_actor <> f.src_actor" +
                            LayerFilter(o.layers) + " ORDER BY d.time, f.id");
  st.Bind(1, x.id);
  struct Acc {
    std::int64_t count = 0;
    TimeMs first = 0;
    std::vector<std::int64_t> latencies;
    std::map<std::string, std::int64_t> layers;
    nlohmann::json examples = nlohmann::json::array();
  };
  std::map<std::int64_t, Acc> acc;
  while (st.Step()) {
    auto& a = acc[st.Int(0)];
    if (a.count == 0) a.first = st.Int(7);
    ++a.count;
    ++a.layers[st.Text(2)];
    if (!st.IsNull(1)) a.latencies.push_back(st.Int(1));
    if (static_cast<int>(a.examples.size()) < o.examples)
      a.examples.push_back(EvidenceJson(store, actors, st, 2, o.pseudonymise, masker));
  }
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
                        "SELECT DISTINCT i.id, i.key, i.time, coalesce(i.actor_id,0), i.kind, coalesce(i.text,'') FROM "
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
    r["item"] = DisplayItemKey(store, st.Text(1), AuthorIsPublic(actors, st.Int(3)), o.pseudonymise);
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
  auto flows = LoadFlows(store, q);
  std::map<std::int64_t, std::map<std::int64_t, std::int64_t>> w;
  std::map<std::int64_t, std::int64_t> out_strength;
  for (const auto& f : flows) {
    if (!f.src_actor || !f.dst_actor || f.src_actor == f.dst_actor) continue;
    ++w[f.src_actor][f.dst_actor];
    ++out_strength[f.src_actor];
  }
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
    corpora::Statement st(store.db(),
                          std::string("SELECT ") + kEvidenceColumns +
                              " FROM flows f JOIN items d ON d.id = f.dst_item LEFT JOIN items s ON s.id = f.src_item "
                              "WHERE f.src_actor = ? AND f.dst_actor = ?" +
                              LayerFilter(o.layers) + " ORDER BY d.time, f.id LIMIT ?");
    st.Bind(1, u).Bind(2, v).Bind(3, static_cast<std::int64_t>(o.examples));
    hop["evidence"] = nlohmann::json::array();
    while (st.Step()) hop["evidence"].push_back(EvidenceJson(store, actors, st, 0, o.pseudonymise, masker));
    out["hops"].push_back(std::move(hop));
  }
  return out;
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
