// Flow matrices: counts, shares and median latency between actor groups, with before/after windows.
#include "relais/toolkit/flow_matrix.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "relais/base/error.hpp"
#include "relais/base/json_writer.hpp"
#include "relais/base/quantile.hpp"
#include "relais/corpora/partition_query.hpp"

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

// One window of the matrices: [from, to) on the derived item's time (either bound optional).
struct Window {
  std::string name;
  std::optional<TimeMs> from, to;
};

std::vector<Window> Windows(const FlowMatrixOptions& o) {
  if (!o.at) return {Window{"all", o.query.from, o.query.to}};
  if (o.before <= 0 || o.after <= 0) ThrowInvalidArgument("--at needs --before and --after durations");
  const TimeMs at = *o.at;
  return {Window{"before", at - o.before, at}, Window{"after", at, at + o.after}};
}

void CheckBy(const FlowMatrixOptions& o) {
  if (o.by != "class" && o.by != "region" && o.by != "actor")
    ThrowInvalidArgument("--by: \"" + o.by + "\" is not one of class, region, actor");
}

// Adds flows to the partial's cells of every window they fall in. Each actor's group is worked out once
// (naming an account under pseudonymisation is a keyed hash) and cells are keyed by group numbers while
// flows stream in; Take() names them.
class Accumulator {
 public:
  Accumulator(const corpora::Store& store, const FlowMatrixOptions& o)
      : store_(store),
        o_(o),
        windows_(Windows(o)),
        actors_(LoadActors(store)),
        regions_(o.by == "region" ? RegionGroups(store, o.regions) : std::unordered_map<std::int64_t, std::string>{}) {
    cells_.resize(windows_.size());
  }

  void Add(const FlowRow& f) {
    std::optional<std::pair<std::uint32_t, std::uint32_t>> key;
    for (std::size_t w = 0; w < windows_.size(); ++w) {
      const Window& win = windows_[w];
      if (win.from && f.time < *win.from) continue;
      if (win.to && f.time >= *win.to) continue;
      if (!key) key.emplace(Group(f.src_actor), Group(f.dst_actor));
      auto& cell = cells_[w][*key];
      ++cell.count;
      if (f.latency) cell.latencies.push_back(*f.latency);
    }
  }

  FlowMatrixPartial Take() {
    FlowMatrixPartial partial;
    partial.windows.resize(cells_.size());
    for (std::size_t w = 0; w < cells_.size(); ++w) {
      while (!cells_[w].empty()) {  // each cell freed as it is named: one copy of the matrix at a time
        auto node = cells_[w].extract(cells_[w].begin());
        partial.windows[w].emplace(std::make_pair(names_[node.key().first], names_[node.key().second]),
                                   std::move(node.mapped()));
      }
    }
    return partial;
  }

 private:
  std::uint32_t Group(std::int64_t actor_id) {
    const auto [it, inserted] = group_of_actor_.emplace(actor_id, 0);
    if (!inserted) return it->second;
    std::string name = GroupOf(store_, actors_, regions_, actor_id, o_.by, o_.pseudonymise);
    const auto [named, added] = group_of_name_.emplace(name, static_cast<std::uint32_t>(names_.size()));
    if (added) names_.push_back(std::move(name));
    return it->second = named->second;
  }

  const corpora::Store& store_;
  const FlowMatrixOptions& o_;
  std::vector<Window> windows_;
  std::unordered_map<std::int64_t, ActorRow> actors_;
  std::unordered_map<std::int64_t, std::string> regions_;
  std::unordered_map<std::int64_t, std::uint32_t> group_of_actor_;
  std::unordered_map<std::string, std::uint32_t> group_of_name_;
  std::vector<std::string> names_;
  std::vector<std::map<std::pair<std::uint32_t, std::uint32_t>, FlowMatrixPartial::Cell>> cells_;
};

FlowMatrix Finish(FlowMatrixPartial::Cells& acc, const Window& win) {
  FlowMatrix m;
  m.name = win.name;
  m.from = win.from;
  m.to = win.to;
  std::map<std::string, std::int64_t> row_totals;
  std::set<std::string> groups;
  for (const auto& [key, a] : acc) {
    row_totals[key.first] += a.count;
    m.total += a.count;
    groups.insert(key.first);
    groups.insert(key.second);
  }
  m.groups.assign(groups.begin(), groups.end());
  m.cells.reserve(acc.size());
  while (!acc.empty()) {  // each partial cell freed as its FlowCell is made
    auto node = acc.extract(acc.begin());
    auto& key = node.key();
    FlowMatrixPartial::Cell& a = node.mapped();
    FlowCell c;
    c.source = std::move(key.first);
    c.target = std::move(key.second);
    c.count = a.count;
    c.share = m.total ? static_cast<double>(a.count) / static_cast<double>(m.total) : 0;
    c.row_share = static_cast<double>(a.count) / static_cast<double>(row_totals[c.source]);
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

// A window's members but its cells.
nlohmann::json WindowHeaderJson(const FlowMatrix& m) {
  nlohmann::json w = {{"name", m.name}, {"total", m.total}, {"groups", m.groups}};
  w["from"] = m.from ? nlohmann::json(FormatIso8601(*m.from)) : nlohmann::json(nullptr);
  w["to"] = m.to ? nlohmann::json(FormatIso8601(*m.to)) : nlohmann::json(nullptr);
  return w;
}

}  // namespace

FlowComparison ComputeFlowMatrices(const corpora::Store& store, const FlowMatrixOptions& o) {
  CheckBy(o);
  Accumulator acc(store, o);
  ForEachFlow(store, o.query, [&](const FlowRow& f) { acc.Add(f); });
  return FinishFlowMatrices(acc.Take(), o);
}

FlowMatrixPartial ComputeFlowMatrixPartial(const corpora::Store& store, const FlowMatrixOptions& o,
                                           const std::vector<int>& partitions) {
  CheckBy(o);
  Accumulator acc(store, o);
  std::vector<std::vector<FlowRow>> rows(partitions.size());
  corpora::ForPartitions(store, partitions, [&](sqlite3* db, int p) {
    const auto k = static_cast<std::size_t>(std::find(partitions.begin(), partitions.end(), p) - partitions.begin());
    rows[k] = LoadPartitionFlows(db, o.query);
  });
  for (const auto& part : rows)
    for (const auto& f : part) acc.Add(f);
  return acc.Take();
}

void MergeFlowMatrixPartial(FlowMatrixPartial& into, FlowMatrixPartial&& from) {
  if (into.windows.size() < from.windows.size()) into.windows.resize(from.windows.size());
  for (std::size_t w = 0; w < from.windows.size(); ++w) {
    for (auto& [key, cell] : from.windows[w]) {
      auto& c = into.windows[w][key];
      c.count += cell.count;
      c.latencies.insert(c.latencies.end(), cell.latencies.begin(), cell.latencies.end());
    }
  }
}

std::vector<std::uint8_t> FlowMatrixPartialToBytes(const FlowMatrixPartial& partial) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& cells : partial.windows) {
    nlohmann::json w = nlohmann::json::array();
    for (const auto& [key, c] : cells) w.push_back({key.first, key.second, c.count, c.latencies});
    j.push_back(std::move(w));
  }
  return nlohmann::json::to_msgpack(j);
}

FlowMatrixPartial FlowMatrixPartialFromBytes(const std::vector<std::uint8_t>& bytes) {
  FlowMatrixPartial p;
  for (const auto& w : nlohmann::json::from_msgpack(bytes)) {
    auto& cells = p.windows.emplace_back();
    for (const auto& c : w) {
      auto& cell = cells[{c.at(0).get<std::string>(), c.at(1).get<std::string>()}];
      cell.count = c.at(2).get<std::int64_t>();
      cell.latencies = c.at(3).get<std::vector<std::int64_t>>();
    }
  }
  return p;
}

FlowComparison FinishFlowMatrices(FlowMatrixPartial partial, const FlowMatrixOptions& o) {
  const std::vector<Window> windows = Windows(o);
  partial.windows.resize(windows.size());
  FlowComparison out;
  for (std::size_t w = 0; w < windows.size(); ++w) out.windows.push_back(Finish(partial.windows[w], windows[w]));
  if (!o.at) return out;
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
  if (o.regions == RegionSource::kWithInferred) j["geo"] = "inferred";  // absent: observed homes only
  j["layers"] = o.query.layers;
  j["windows"] = nlohmann::json::array();
  for (const auto& m : c.windows) {
    nlohmann::json w = WindowHeaderJson(m);
    w["cells"] = nlohmann::json::array();
    for (const auto& cell : m.cells) w["cells"].push_back(CellJson(cell));
    j["windows"].push_back(std::move(w));
  }
  if (c.windows.size() == 2) j["difference"] = c.difference;
  return j;
}

void WriteJsonMembers(JsonWriter& w, const FlowComparison& c, const FlowMatrixOptions& o) {
  // The members of ToJson's object in its (sorted) key order, one cell or difference row at a time.
  w.Member("by", o.by);
  if (c.windows.size() == 2) {
    w.Key("difference");
    w.BeginArray();
    for (const auto& d : c.difference) w.Value(d);
    w.EndArray();
  }
  if (o.regions == RegionSource::kWithInferred) w.Member("geo", "inferred");
  w.Member("layers", o.query.layers);
  w.Key("windows");
  w.BeginArray();
  for (const auto& m : c.windows) {
    w.BeginObject();
    w.MembersWith(WindowHeaderJson(m), "cells", [&] {
      w.BeginArray();
      for (const auto& cell : m.cells) w.Value(CellJson(cell));
      w.EndArray();
    });
    w.EndObject();
  }
  w.EndArray();
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
