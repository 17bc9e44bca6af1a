// Store statistics for `relais stats`: only SELECTs, so the result is a pure function of the content.
#include "relais/corpora/stats.hpp"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <map>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "relais/corpora/geo_infer.hpp"
#include "relais/corpora/geo_store.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/record.hpp"
#include "relais/corpora/registry.hpp"

namespace relais::corpora {

StatsPartial ComputeStatsPartial(sqlite3* db) {
  // One scan of items (a large store's items table is mostly text: one pass instead of three); author
  // classes are looked up per actor in FinishStats.
  StatsPartial part;
  {
    Statement st(db, "SELECT channel, actor_id, expansion, time FROM items");
    std::unordered_map<std::int64_t, std::uint64_t> by_actor;
    std::map<std::string, std::uint64_t, std::less<>> channels;
    while (st.Step()) {
      ++part.items;
      part.expansions += st.Int(2) != 0 ? 1 : 0;
      const TimeMs t = st.Int(3);
      if (!part.first || t < *part.first) part.first = t;
      if (!part.last || t > *part.last) part.last = t;
      const std::string_view channel = st.TextView(0);
      auto it = channels.find(channel);
      if (it == channels.end()) it = channels.emplace(std::string(channel), 0).first;
      ++it->second;
      ++by_actor[st.IsNull(1) ? 0 : st.Int(1)];
    }
    part.channels.insert(channels.begin(), channels.end());
    part.by_actor.insert(by_actor.begin(), by_actor.end());
  }
  Statement st(db, "SELECT layer, count(*) FROM flows GROUP BY layer");
  while (st.Step()) part.layers[st.Text(0)] += static_cast<std::uint64_t>(st.Int(1));
  return part;
}

namespace {

// The inferred homes `regions` asks for (none for kObserved; a usage error when there are none to give).
std::map<std::int64_t, InferredRegion> InferredHomesFor(const Store& store, StatsRegions regions) {
  if (regions == StatsRegions::kObserved) return {};
  return RequireInferredRegions(store);
}

StoreStats FinishStatsWith(const Store& store, const std::vector<StatsPartial>& partials, StatsRegions regions,
                           const std::map<std::int64_t, InferredRegion>& inferred) {
  StoreStats s;
  s.inferred_regions = regions == StatsRegions::kWithInferred;
  for (auto c : {Channel::kSocial, Channel::kPress, Channel::kPr}) s.by_channel[std::string(ToString(c))] = 0;
  for (auto c : kActorClasses) s.by_class[std::string(c)] = 0;
  for (int l = 0; l < kNumLayers; ++l) s.flows_by_layer[std::string(ToString(static_cast<Layer>(l)))] = 0;
  std::unordered_map<std::int64_t, std::uint64_t> by_actor;
  std::map<std::string, std::uint64_t> layers;
  for (const StatsPartial& part : partials) {
    s.items += part.items;
    s.expansions += part.expansions;
    if (part.first && (!s.first || *part.first < *s.first)) s.first = part.first;
    if (part.last && (!s.last || *part.last > *s.last)) s.last = part.last;
    for (const auto& [channel, n] : part.channels) s.by_channel[channel] += n;
    for (const auto& [actor, n] : part.by_actor) by_actor[actor] += n;
    for (const auto& [layer, n] : part.layers) layers[layer] += n;
  }
  const auto places = ActorPlaces(store);
  auto region_of = [&](std::int64_t actor) -> std::string {
    auto p = places.find(actor);
    if (p != places.end() && !p->second.country.empty() && p->second.country != "FR") return "(abroad)";
    if (p != places.end() && !p->second.region.empty()) return p->second.region;
    auto i = inferred.find(actor);
    return i == inferred.end() ? "(none)" : InferredRegionLabel(i->second.region);
  };
  {
    Statement st(store.db(), "SELECT id, coalesce(actor_class, 'public') FROM actors");
    while (st.Step()) {
      ++s.actors;
      auto& region = s.by_region[region_of(st.Int(0))];
      ++region.actors;
      auto it = by_actor.find(st.Int(0));
      if (it == by_actor.end()) continue;
      region.items += it->second;
      s.by_class[st.Text(1)] += it->second;
      by_actor.erase(it);
    }
    // Items without an author, or whose author row is missing, count as "public" (LEFT JOIN).
    for (const auto& [actor, n] : by_actor) {
      s.by_class["public"] += n;
      s.by_region["(none)"].items += n;
    }
  }
  for (const auto& [layer, n] : layers) s.flows_by_layer[layer] = n;
  return s;
}

}  // namespace

StoreStats FinishStats(const Store& store, const std::vector<StatsPartial>& partials, StatsRegions regions) {
  return FinishStatsWith(store, partials, regions, InferredHomesFor(store, regions));
}

StoreStats ComputeStats(const Store& store, StatsRegions regions) {
  const auto inferred = InferredHomesFor(store, regions);  // read once, and the usage error before the scan
  return FinishStatsWith(store,
                         MapPartitions<StatsPartial>(store, [](sqlite3* db, int) { return ComputeStatsPartial(db); }),
                         regions, inferred);
}

std::string StatsPartialToJson(const StatsPartial& p) {
  nlohmann::json j;
  j["items"] = p.items;
  j["expansions"] = p.expansions;
  j["first"] = p.first ? nlohmann::json(*p.first) : nlohmann::json(nullptr);
  j["last"] = p.last ? nlohmann::json(*p.last) : nlohmann::json(nullptr);
  j["channels"] = p.channels;
  j["layers"] = p.layers;
  nlohmann::json actors = nlohmann::json::array();
  for (const auto& [actor, n] : p.by_actor) actors.push_back({actor, n});
  j["by_actor"] = std::move(actors);
  return j.dump();
}

StatsPartial StatsPartialFromJson(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text);
  StatsPartial p;
  p.items = j.at("items").get<std::uint64_t>();
  p.expansions = j.at("expansions").get<std::uint64_t>();
  if (!j.at("first").is_null()) p.first = j.at("first").get<TimeMs>();
  if (!j.at("last").is_null()) p.last = j.at("last").get<TimeMs>();
  p.channels = j.at("channels").get<std::map<std::string, std::uint64_t>>();
  p.layers = j.at("layers").get<std::map<std::string, std::uint64_t>>();
  for (const auto& e : j.at("by_actor")) p.by_actor[e.at(0).get<std::int64_t>()] = e.at(1).get<std::uint64_t>();
  return p;
}

std::string StatsToJson(const StoreStats& s) {
  nlohmann::ordered_json j;
  j["items"] = s.items;
  j["expansions"] = s.expansions;
  j["actors"] = s.actors;
  j["by_channel"] = s.by_channel;
  j["by_class"] = s.by_class;
  j["flows_by_layer"] = s.flows_by_layer;
  j["first"] = s.first ? nlohmann::ordered_json(FormatIso8601(*s.first)) : nlohmann::ordered_json(nullptr);
  j["last"] = s.last ? nlohmann::ordered_json(FormatIso8601(*s.last)) : nlohmann::ordered_json(nullptr);
  nlohmann::ordered_json regions = nlohmann::ordered_json::object();
  for (const auto& [region, c] : s.by_region) regions[region] = {{"actors", c.actors}, {"items", c.items}};
  j["by_region"] = std::move(regions);
  if (s.inferred_regions) j["geo"] = "inferred";  // absent: observed homes only
  return j.dump();
}

std::string StatsToTable(const StoreStats& s) {
  std::ostringstream out;
  auto row = [&](const std::string& name, std::uint64_t v) {
    out << "  " << std::left << std::setw(18) << name << std::right << std::setw(12) << v << "\n";
  };
  out << "items " << s.items << " (" << s.expansions << " expansions), actors " << s.actors << "\n";
  out << "period " << (s.first ? FormatIso8601(*s.first) : "-") << " .. " << (s.last ? FormatIso8601(*s.last) : "-")
      << "\n";
  out << "items by channel\n";
  for (const auto& [k, v] : s.by_channel) row(k, v);
  out << "items by author class\n";
  for (const auto& [k, v] : s.by_class) row(k, v);
  out << "flows by layer\n";
  for (int l = 0; l < kNumLayers; ++l) {
    std::string name(ToString(static_cast<Layer>(l)));
    row(name, s.flows_by_layer.at(name));
  }
  out << "actors (items) by région" << (s.inferred_regions ? ", inferred homes apart" : "") << "\n";
  for (const auto& [region, c] : s.by_region)
    out << "  " << std::left << std::setw(34) << region << std::right << std::setw(8) << c.actors << " (" << c.items
        << ")\n";
  return out.str();
}

}  // namespace relais::corpora
