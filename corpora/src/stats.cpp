// Store statistics for `relais stats`: only SELECTs, so the result is a pure function of the content.
#include "relais/corpora/stats.hpp"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <sstream>
#include <unordered_map>

#include "relais/corpora/record.hpp"
#include "relais/corpora/registry.hpp"

namespace relais::corpora {

StoreStats ComputeStats(const Store& store) {
  StoreStats s;
  for (auto c : {Channel::kSocial, Channel::kPress, Channel::kPr}) s.by_channel[std::string(ToString(c))] = 0;
  for (auto c : kActorClasses) s.by_class[std::string(c)] = 0;
  for (int l = 0; l < kNumLayers; ++l) s.flows_by_layer[std::string(ToString(static_cast<Layer>(l)))] = 0;
  sqlite3* db = store.db();
  // One scan of items (a large store's items table is mostly text: one pass instead of three);
  // author classes are looked up per actor afterwards.
  std::unordered_map<std::int64_t, std::uint64_t> by_actor;  // actor id (0 = none) → items
  {
    Statement st(db, "SELECT channel, actor_id, expansion, time FROM items");
    std::map<std::string, std::uint64_t, std::less<>> channels;
    while (st.Step()) {
      ++s.items;
      s.expansions += st.Int(2) != 0 ? 1 : 0;
      const TimeMs t = st.Int(3);
      if (!s.first || t < *s.first) s.first = t;
      if (!s.last || t > *s.last) s.last = t;
      const std::string_view channel = st.TextView(0);
      auto it = channels.find(channel);
      if (it == channels.end()) it = channels.emplace(std::string(channel), 0).first;
      ++it->second;
      ++by_actor[st.IsNull(1) ? 0 : st.Int(1)];
    }
    for (const auto& [channel, n] : channels) s.by_channel[channel] = n;
  }
  {
    Statement st(db, "SELECT id, coalesce(actor_class, 'public') FROM actors");
    while (st.Step()) {
      ++s.actors;
      auto it = by_actor.find(st.Int(0));
      if (it == by_actor.end()) continue;
      s.by_class[st.Text(1)] += it->second;
      by_actor.erase(it);
    }
    // Items without an author, or whose author row is missing, count as "public" (LEFT JOIN).
    for (const auto& [actor, n] : by_actor) s.by_class["public"] += n;
  }
  {
    Statement st(db, "SELECT layer, count(*) FROM flows GROUP BY layer");
    while (st.Step()) s.flows_by_layer[st.Text(0)] = static_cast<std::uint64_t>(st.Int(1));
  }
  return s;
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
  return out.str();
}

}  // namespace relais::corpora
