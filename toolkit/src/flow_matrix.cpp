// Flow matrices: counts, shares and median latency between actor groups, with before/after windows.
#include "relais/toolkit/flow_matrix.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "relais/base/error.hpp"
#include "relais/base/quantile.hpp"

namespace relais::toolkit {
namespace {

std::string GroupOf(const corpora::Store& store, const std::unordered_map<std::int64_t, ActorRow>& actors,
                    const std::unordered_map<std::int64_t, std::string>& regions, std::int64_t actor_id,
                    const std::string& by, bool pseudonymise) {
  auto it = actors.find(actor_id);
  if (it == actors.end()) return "(unknown)";
  const ActorRow& a = it->second;
  if (by == "class") return a.actor_class.empty() ? "public" : a.actor_class;
  if (by == "region") {  // the registry's région, else the account's resolved one (RegionGroups)
    auto r = regions.find(actor_id);
    return r != regions.end() ? r->second : a.region.empty() ? "(none)" : a.region;
  }
  return DisplayKey(store, a, pseudonymise);
}

FlowMatrix Build(const std::vector<FlowRow>& flows, const corpora::Store& store,
                 const std::unordered_map<std::int64_t, ActorRow>& actors,
                 const std::unordered_map<std::int64_t, std::string>& regions, const FlowMatrixOptions& o,
                 std::string name, std::optional<TimeMs> from, std::optional<TimeMs> to) {
  FlowMatrix m;
  m.name = std::move(name);
  m.from = from;
  m.to = to;
  struct Acc {
    std::int64_t count = 0;
    std::vector<std::int64_t> latencies;
  };
  std::map<std::pair<std::string, std::string>, Acc> acc;
  std::map<std::string, std::int64_t> row_totals;
  std::set<std::string> groups;
  for (const auto& f : flows) {
    if (from && f.time < *from) continue;
    if (to && f.time >= *to) continue;
    std::string s = GroupOf(store, actors, regions, f.src_actor, o.by, o.pseudonymise);
    std::string t = GroupOf(store, actors, regions, f.dst_actor, o.by, o.pseudonymise);
    auto& a = acc[{s, t}];
    ++a.count;
    if (f.latency) a.latencies.push_back(*f.latency);
    ++row_totals[s];
    ++m.total;
    groups.insert(s);
    groups.insert(t);
  }
  m.groups.assign(groups.begin(), groups.end());
  for (auto& [key, a] : acc) {
    FlowCell c;
    c.source = key.first;
    c.target = key.second;
    c.count = a.count;
    c.share = m.total ? static_cast<double>(a.count) / static_cast<double>(m.total) : 0;
    c.row_share = static_cast<double>(a.count) / static_cast<double>(row_totals[key.first]);
    if (!a.latencies.empty()) c.median_latency_s = Median(std::move(a.latencies)) / 1000.0;
    m.cells.push_back(std::move(c));
  }
  return m;
}

nlohmann::json CellJson(const FlowCell& c) {
  nlohmann::json j = {
      {"source", c.source}, {"target", c.target}, {"count", c.count}, {"share", c.share}, {"row_share", c.row_share}};
  j["median_latency_s"] = c.median_latency_s ? nlohmann::json(*c.median_latency_s) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

FlowComparison ComputeFlowMatrices(const corpora::Store& store, const FlowMatrixOptions& o) {
  if (o.by != "class" && o.by != "region" && o.by != "actor")
    ThrowInvalidArgument("--by: \"" + o.by + "\" is not one of class, region, actor");
  auto actors = LoadActors(store);
  const auto regions = o.by == "region" ? RegionGroups(store) : std::unordered_map<std::int64_t, std::string>{};
  auto flows = LoadFlows(store, o.query);
  FlowComparison out;
  if (!o.at) {
    out.windows.push_back(Build(flows, store, actors, regions, o, "all", o.query.from, o.query.to));
    return out;
  }
  if (o.before <= 0 || o.after <= 0) ThrowInvalidArgument("--at needs --before and --after durations");
  const TimeMs at = *o.at;
  out.windows.push_back(Build(flows, store, actors, regions, o, "before", at - o.before, at));
  out.windows.push_back(Build(flows, store, actors, regions, o, "after", at, at + o.after));
  const FlowMatrix& b = out.windows[0];
  const FlowMatrix& a = out.windows[1];
  std::map<std::pair<std::string, std::string>, std::pair<const FlowCell*, const FlowCell*>> cells;
  for (const auto& c : b.cells) cells[{c.source, c.target}].first = &c;
  for (const auto& c : a.cells) cells[{c.source, c.target}].second = &c;
  out.difference = nlohmann::json::array();
  const double hours_before = static_cast<double>(o.before) / 3.6e6, hours_after = static_cast<double>(o.after) / 3.6e6;
  for (const auto& [key, pr] : cells) {
    std::int64_t cb = pr.first ? pr.first->count : 0, ca = pr.second ? pr.second->count : 0;
    double sb = pr.first ? pr.first->share : 0, sa = pr.second ? pr.second->share : 0;
    double rate_b = static_cast<double>(cb) / hours_before, rate_a = static_cast<double>(ca) / hours_after;
    nlohmann::json d = {{"source", key.first},          {"target", key.second},
                        {"count_before", cb},           {"count_after", ca},
                        {"share_before", sb},           {"share_after", sa},
                        {"share_diff", sa - sb},        {"rate_per_hour_before", rate_b},
                        {"rate_per_hour_after", rate_a}};
    d["rate_ratio"] = rate_b > 0 ? nlohmann::json(rate_a / rate_b) : nlohmann::json(nullptr);
    out.difference.push_back(std::move(d));
  }
  return out;
}

nlohmann::json ToJson(const FlowComparison& c, const FlowMatrixOptions& o) {
  nlohmann::json j;
  j["by"] = o.by;
  j["layers"] = o.query.layers;
  j["windows"] = nlohmann::json::array();
  for (const auto& m : c.windows) {
    nlohmann::json w = {{"name", m.name}, {"total", m.total}, {"groups", m.groups}};
    w["from"] = m.from ? nlohmann::json(FormatIso8601(*m.from)) : nlohmann::json(nullptr);
    w["to"] = m.to ? nlohmann::json(FormatIso8601(*m.to)) : nlohmann::json(nullptr);
    w["cells"] = nlohmann::json::array();
    for (const auto& cell : m.cells) w["cells"].push_back(CellJson(cell));
    j["windows"].push_back(std::move(w));
  }
  if (c.windows.size() == 2) j["difference"] = c.difference;
  return j;
}

std::string ToTable(const FlowComparison& c) {
  std::ostringstream os;
  for (const auto& m : c.windows) {
    os << fmt::format("flows ({}{}{}) total {}\n", m.name, m.from ? ", from " + FormatIso8601(*m.from) : "",
                      m.to ? " to " + FormatIso8601(*m.to) : "", m.total);
    os << fmt::format("  {:<28} {:<28} {:>9} {:>7} {:>8} {:>12}\n", "source", "target", "count", "share", "row%",
                      "median lat.");
    for (const auto& cell : m.cells) {
      std::string lat = cell.median_latency_s ? fmt::format("{:.0f}s", *cell.median_latency_s) : "-";
      os << fmt::format("  {:<28} {:<28} {:>9} {:>6.1f}% {:>7.1f}% {:>12}\n", cell.source.substr(0, 28),
                        cell.target.substr(0, 28), cell.count, 100 * cell.share, 100 * cell.row_share, lat);
    }
    os << "\n";
  }
  if (c.windows.size() == 2) {
    os << "difference (after - before)\n";
    os << fmt::format("  {:<28} {:<28} {:>8} {:>8} {:>10} {:>10}\n", "source", "target", "before", "after", "share pp",
                      "rate ratio");
    for (const auto& d : c.difference) {
      std::string rr = d["rate_ratio"].is_null() ? "-" : fmt::format("{:.2f}", d["rate_ratio"].get<double>());
      os << fmt::format("  {:<28} {:<28} {:>8} {:>8} {:>+10.2f} {:>10}\n", d["source"].get<std::string>().substr(0, 28),
                        d["target"].get<std::string>().substr(0, 28), d["count_before"].get<std::int64_t>(),
                        d["count_after"].get<std::int64_t>(), 100 * d["share_diff"].get<double>(), rr);
    }
  }
  return os.str();
}

}  // namespace relais::toolkit
