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

nlohmann::json FlowEvidence(const corpora::Store& store, const FlowEvidenceQuery& q, bool pseudonymise) {
  if (q.by != "class" && q.by != "region" && q.by != "actor")
    ThrowInvalidArgument("by: \"" + q.by + "\" is not one of class, region, actor");
  // Group names as flow_matrix.cpp's GroupOf gives them.
  const std::string group =
      q.by == "class" ? "coalesce(nullif(actor_class, ''), 'public')" : "coalesce(nullif(region, ''), '(none)')";
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
        where += std::string(" AND f.") + column + " IN (SELECT id FROM actors WHERE " + group + " = ?)";
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
