// Reading flows and actors out of the store.
#include "relais/toolkit/store_query.hpp"

#include <cctype>

#include "relais/base/error.hpp"
#include "relais/base/strings.hpp"
#include "relais/corpora/geo_infer.hpp"
#include "relais/corpora/geo_store.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/record.hpp"
#include "relais/corpora/registry.hpp"
#include "relais/corpora/url.hpp"

namespace relais::toolkit {

std::string LayerInClause(const std::vector<std::string>& layers) {
  if (layers.empty()) return "";
  std::string sql = " AND f.layer IN (";
  for (std::size_t i = 0; i < layers.size(); ++i) sql += i ? ",?" : "?";
  return sql + ")";
}

int BindLayers(corpora::Statement& st, int first, const std::vector<std::string>& layers) {
  for (const auto& layer : layers) st.Bind(first++, std::string_view(layer));
  return first;
}

namespace {

// The flows of `query` with their dst item's time, in id order, on one partition's connection (or a
// one-partition store's db()): the one statement LoadPartitionFlows and ForEachFlow run.
std::string FlowSql(const FlowQuery& query) {
  std::string sql =
      "SELECT f.id, f.layer, coalesce(f.src_item,0), f.dst_item, coalesce(f.src_actor,0), coalesce(f.dst_actor,0), "
      "d.time, f.latency FROM flows f JOIN items d ON d.id = f.dst_item WHERE 1=1" +
      LayerInClause(query.layers);
  if (query.from) sql += " AND d.time >= ?";
  if (query.to) sql += " AND d.time < ?";
  return sql + " ORDER BY f.id";
}

void BindFlowQuery(corpora::Statement& st, const FlowQuery& query) {
  int idx = BindLayers(st, 1, query.layers);
  if (query.from) st.Bind(idx++, static_cast<std::int64_t>(*query.from));
  if (query.to) st.Bind(idx++, static_cast<std::int64_t>(*query.to));
}

void ReadFlowRow(const corpora::Statement& st, FlowRow& r) {
  r.id = st.Int(0);
  r.layer = st.Text(1);
  r.src_item = st.Int(2);
  r.dst_item = st.Int(3);
  r.src_actor = st.Int(4);
  r.dst_actor = st.Int(5);
  r.time = st.Int(6);
  r.latency = st.IsNull(7) ? std::nullopt : std::optional<std::int64_t>(st.Int(7));
}

}  // namespace

std::vector<FlowRow> LoadPartitionFlows(sqlite3* db, const FlowQuery& query) {
  corpora::Statement st(db, FlowSql(query));
  BindFlowQuery(st, query);
  std::vector<FlowRow> out;
  while (st.Step()) ReadFlowRow(st, out.emplace_back());
  return out;
}

void ForEachFlow(const corpora::Store& store, const FlowQuery& query, const std::function<void(const FlowRow&)>& fn) {
  FlowRow r;
  corpora::MergePartitionRows(
      store, FlowSql(query), [&](corpora::Statement& st) { BindFlowQuery(st, query); }, 1,
      [&](const corpora::Statement& st) {
        ReadFlowRow(st, r);
        fn(r);
      });
}

namespace {
constexpr const char* kActorColumns =
    "SELECT id, key, coalesce(name,''), coalesce(actor_class,'public'), coalesce(region,''), "
    "coalesce(platform,''), public FROM actors";

ActorRow ReadActor(const corpora::Statement& st) {
  ActorRow a;
  a.id = st.Int(0);
  a.key = st.Text(1);
  a.name = st.Text(2);
  a.actor_class = st.Text(3);
  a.region = st.Text(4);
  a.platform = st.Text(5);
  a.is_public = st.Int(6) != 0;
  return a;
}
}  // namespace

void ForEachActor(const corpora::Store& store, const std::function<void(ActorRow&)>& fn) {
  corpora::Statement st(store.db(), kActorColumns);
  while (st.Step()) {
    ActorRow a = ReadActor(st);
    fn(a);
  }
}

std::unordered_map<std::int64_t, ActorRow> LoadActors(const corpora::Store& store) {
  std::unordered_map<std::int64_t, ActorRow> out;
  ForEachActor(store, [&](ActorRow& a) { out.emplace(a.id, std::move(a)); });
  return out;
}

std::string RegionGroupSql(const corpora::Store& store, std::string* join) {
  return RegionGroupSql(store, join, "a", "g");
}

std::string RegionGroupSql(const corpora::Store& store, std::string* join, std::string_view actor_alias,
                           std::string_view geo_alias) {
  const std::string a(actor_alias), g(geo_alias);
  if (!corpora::HasGeography(store)) {
    join->clear();
    return "coalesce(nullif(" + a + ".region, ''), '(none)')";
  }
  *join = " LEFT JOIN actor_geo " + g + " ON " + g + ".actor_id = " + a + ".id";
  return "(CASE WHEN nullif(" + a + ".region, '') IS NOT NULL THEN " + a + ".region WHEN " + g +
         ".evidence IN ('geotag', 'place', 'profile') AND nullif(" + g + ".region, '') IS NOT NULL THEN " + g +
         ".region WHEN " + g + ".evidence IN ('geotag', 'place', 'profile') AND " + g +
         ".country <> 'FR' THEN '(abroad)' ELSE '(none)' END)";
}

RegionSource ParseRegionSource(std::string_view name) {
  if (name == "observed") return RegionSource::kObserved;
  if (name == "inferred") return RegionSource::kWithInferred;
  ThrowInvalidArgument("--geo: expected observed or inferred, got \"" + std::string(name) + "\"");
}

std::unordered_map<std::int64_t, std::string> RegionGroups(const corpora::Store& store, RegionSource source) {
  std::string join;
  const std::string group = RegionGroupSql(store, &join);
  corpora::Statement st(store.db(), "SELECT a.id, " + group + " FROM actors a" + join);
  std::unordered_map<std::int64_t, std::string> out;
  while (st.Step()) out.emplace(st.Int(0), st.Text(1));
  if (source == RegionSource::kObserved) return out;
  const auto inferred = corpora::RequireInferredRegions(store);
  for (const auto& [actor, home] : inferred) {
    auto it = out.find(actor);
    if (it != out.end() && it->second == "(none)") it->second = corpora::InferredRegionLabel(home.region);
  }
  return out;
}

std::string DisplayKey(const corpora::Store& store, const ActorRow& actor, bool pseudonymise) {
  if (!pseudonymise || actor.is_public) return actor.key;
  return store.Pseudonym(actor.key);
}

std::string DisplayItemKey(const corpora::Store& store, const std::string& item_key, bool author_is_public,
                           bool pseudonymise) {
  if (!pseudonymise || author_is_public || item_key.empty()) return item_key;
  return "item-" + store.Pseudonym("item\x1f" + item_key).substr(5);  // "anon-" dropped
}

namespace {

bool IsHandleChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-' || c == '@';
}

bool IsSocialLink(std::string_view url) {
  const std::string host = ToLowerAscii(corpora::UrlHost(std::string(url)));
  for (const char* h : {"twitter.com", "x.com", "t.co", "bsky.app", "threads.net", "facebook.com", "instagram.com"}) {
    const std::string_view hv(h);
    if (host == hv || (host.size() > hv.size() && host.compare(host.size() - hv.size(), hv.size(), hv) == 0 &&
                       host[host.size() - hv.size() - 1] == '.'))
      return true;
  }
  return url.find("/@") != std::string_view::npos || url.find("/users/") != std::string_view::npos;
}

}  // namespace

std::string TextMasker::Mention(const std::string& handle) {
  auto [it, inserted] = mentions_.try_emplace(ToLowerAscii(handle));
  if (!inserted) return it->second;
  corpora::Statement st(store_.db(),
                        "SELECT key, public FROM actors WHERE handle = ?1 COLLATE NOCASE OR key = '@' || ?1 OR "
                        "key = 'mastodon:@' || ?1 OR key = 'bluesky:@' || ?1 ORDER BY public DESC, id LIMIT 1");
  st.Bind(1, handle);
  if (!st.Step()) return it->second = "@…";
  return it->second = st.Int(1) != 0 ? "@" + handle : store_.Pseudonym(st.Text(0));
}

std::string TextMasker::Mask(std::string_view text) {
  if (!pseudonymise_) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const bool word_start = i == 0 || !IsHandleChar(text[i - 1]);
    if (text[i] == '@' && word_start && i + 1 < text.size() && IsHandleChar(text[i + 1])) {
      std::size_t end = i + 1;
      while (end < text.size() && IsHandleChar(text[end])) ++end;
      std::size_t stop = end;
      while (stop > i + 1 && (text[stop - 1] == '.' || text[stop - 1] == '-' || text[stop - 1] == '@')) --stop;
      out += Mention(std::string(text.substr(i + 1, stop - i - 1)));
      i = stop;
      continue;
    }
    if (word_start && (text.substr(i, 7) == "http://" || text.substr(i, 8) == "https://")) {
      std::size_t end = i;
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
      const std::string_view url = text.substr(i, end - i);
      out += IsSocialLink(url) ? std::string("[lien masqué]") : std::string(url);
      i = end;
      continue;
    }
    out += text[i++];
  }
  return out;
}

namespace {
std::optional<ActorRow> ActorWhere(const corpora::Store& store, const std::string& where, const std::string& value) {
  corpora::Statement st(store.db(), std::string(kActorColumns) + " WHERE " + where + " ORDER BY id LIMIT 1");
  st.Bind(1, value);
  if (!st.Step()) return std::nullopt;
  return ReadActor(st);
}
}  // namespace

ActorRow FindActor(const corpora::Store& store, const std::string& key) {
  if (auto a = ActorWhere(store, "key = ?1", key)) return *a;
  std::string k = key;
  if (k.rfind("http://", 0) == 0 || k.rfind("https://", 0) == 0) k = corpora::UrlHost(k);
  if (k.rfind("www.", 0) == 0) k = k.substr(4);
  if (auto a = ActorWhere(store, "lower(key) = lower(?1)", k)) return *a;
  std::string handle = k[0] == '@' ? k.substr(1) : k;
  if (auto a = ActorWhere(store, "lower(handle) = lower(?1)", handle)) return *a;
  if (auto a = ActorWhere(store, "lower(key) = lower('@' || ?1)", handle)) return *a;
  if (auto a = ActorWhere(store, "lower(name) = lower(?1)", key)) return *a;
  // A registry alias (e.g. @varmatin for the outlet stored under its domain) names it too.
  if (auto info = corpora::Registry::Builtin().Resolve(key)) {
    if (auto a = ActorWhere(store, "lower(name) = lower(?1)", info->name)) return *a;
    if (auto a = ActorWhere(store, "lower(key) = lower(?1)", info->key)) return *a;
  }
  // A pseudonym given back to us (from an export) names the actor too.
  if (key.rfind("anon-", 0) == 0) {
    corpora::Statement st(store.db(), "SELECT key FROM actors WHERE public = 0");
    while (st.Step()) {
      std::string ak = st.Text(0);
      if (store.Pseudonym(ak) == key) return *ActorWhere(store, "key = ?1", ak);
    }
  }
  ThrowInvalidArgument("no actor \"" + key +
                       "\" in the store (give a handle like @varmatin, a domain or an actor key)");
}

std::string ItemKey(const corpora::Store& store, std::int64_t item_id) {
  if (item_id == 0) return "";
  corpora::Statement st(store.db(), "SELECT key FROM items WHERE id = ?");
  st.Bind(1, item_id);
  return st.Step() ? st.Text(0) : "";
}

}  // namespace relais::toolkit
