// Store statistics for `relais stats`: only SELECTs, so the result is a pure function of the content.
#include "relais/corpora/stats.hpp"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <sstream>

#include "relais/corpora/record.hpp"
#include "relais/corpora/registry.hpp"

namespace relais::corpora {

StoreStats ComputeStats(const Store& store) {
  StoreStats s;
  for (auto c : {Channel::kSocial, Channel::kPress, Channel::kPr}) s.by_channel[std::string(ToString(c))] = 0;
  for (auto c : kActorClasses) s.by_class[std::string(c)] = 0;
  for (int l = 0; l < kNumLayers; ++l) s.flows_by_layer[std::string(ToString(static_cast<Layer>(l)))] = 0;
  sqlite3* db = store.db();
  {
    Statement st(db, "SELECT count(*), coalesce(sum(expansion), 0), min(time), max(time) FROM items");
    if (st.Step()) {
      s.items = static_cast<std::uint64_t>(st.Int(0));
      s.expansions = static_cast<std::uint64_t>(st.Int(1));
      if (!st.IsNull(2)) s.first = st.Int(2);
      if (!st.IsNull(3)) s.last = st.Int(3);
    }
  }
  {
    Statement st(db, "SELECT count(*) FROM actors");
    if (st.Step()) s.actors = static_cast<std::uint64_t>(st.Int(0));
  }
  {
    Statement st(db, "SELECT channel, count(*) FROM items GROUP BY channel");
    while (st.Step()) s.by_channel[st.Text(0)] = static_cast<std::uint64_t>(st.Int(1));
  }
  {
    Statement st(db,
                 "SELECT coalesce(a.actor_class, 'public'), count(*) FROM items i LEFT JOIN actors a ON a.id = "
                 "i.actor_id GROUP BY 1");
    while (st.Step()) s.by_class[st.Text(0)] += static_cast<std::uint64_t>(st.Int(1));
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
