// Counterfactual deplatforming by Hawkes re-simulation (see counterfactual.hpp).
#include "relais/toolkit/analysis/counterfactual.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "relais/base/error.hpp"
#include "relais/corpora/store.hpp"

namespace relais::toolkit {

namespace {

nlohmann::json Summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto q = [&](double p) {
    const double pos = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  return {{"mean", mean}, {"ci", {q(0.025), q(0.975)}}};
}

}  // namespace

nlohmann::json SimulateRemoval(const HawkesFit& fit, const EventSequence& history, int removed_group, double horizon,
                               int runs, std::uint64_t seed) {
  const std::size_t g = history.num_groups();
  if (removed_group < 0 || static_cast<std::size_t>(removed_group) >= g)
    throw Error(ErrorKind::kInternal, "removed group out of range");
  if (runs < 1) ThrowInvalidArgument("--runs must be >= 1");
  if (!(horizon > 0)) ThrowInvalidArgument("--after must be positive");
  const auto rg = static_cast<std::size_t>(removed_group);
  // Per run: items by group, flows by (source, target), items in clusters rooted at the actor.
  std::vector<std::vector<double>> with_items(g), without_items(g), diff_items(g);
  std::vector<std::vector<double>> diff_flows(g * g), rooted(g);
  std::vector<double> with_total, without_total, diff_total, rooted_total;
  const std::size_t cap = std::max<std::size_t>(200 * history.times.size(), 1'000'000);
  for (int r = 0; r < runs; ++r) {
    std::vector<double> counts[2], flows[2];
    std::vector<double> root(g, 0.0);
    for (int variant = 0; variant < 2; ++variant) {
      SimulationOptions so;
      so.start = history.end;
      so.end = history.end + horizon;
      so.history = &history;
      so.max_events = cap;
      so.seed = seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(r) * 2 + static_cast<std::uint64_t>(variant);
      if (variant == 1) {
        so.suppressed.assign(g, false);
        so.suppressed[rg] = true;
      }
      counts[variant].assign(g, 0.0);
      flows[variant].assign(g * g, 0.0);
      for (const auto& e : SimulateHawkes(fit.params, so)) {
        const auto j = static_cast<std::size_t>(e.group);
        counts[variant][j] += 1;
        if (e.parent_group >= 0) flows[variant][static_cast<std::size_t>(e.parent_group) * g + j] += 1;
        if (variant == 0 && e.root_group == removed_group && e.group != removed_group) root[j] += 1;
      }
    }
    double tw = 0, two = 0, rt = 0;
    for (std::size_t j = 0; j < g; ++j) {
      with_items[j].push_back(counts[0][j]);
      without_items[j].push_back(counts[1][j]);
      diff_items[j].push_back(counts[0][j] - counts[1][j]);
      rooted[j].push_back(root[j]);
      if (j != rg) {
        tw += counts[0][j];
        two += counts[1][j];
        rt += root[j];
      }
    }
    for (std::size_t k = 0; k < g * g; ++k) diff_flows[k].push_back(flows[0][k] - flows[1][k]);
    with_total.push_back(tw);
    without_total.push_back(two);
    diff_total.push_back(tw - two);
    rooted_total.push_back(rt);
  }
  nlohmann::json items = nlohmann::json::object(), flows = nlohmann::json::array(), cascades = nlohmann::json::object();
  for (std::size_t j = 0; j < g; ++j) {
    items[history.group_names[j]] = {
        {"with", Summary(with_items[j])}, {"without", Summary(without_items[j])}, {"removed", Summary(diff_items[j])}};
    if (j != rg) cascades[history.group_names[j]] = Summary(rooted[j]);
  }
  for (std::size_t i = 0; i < g; ++i)
    for (std::size_t j = 0; j < g; ++j) {
      const auto s = Summary(diff_flows[i * g + j]);
      flows.push_back({{"source", history.group_names[i]}, {"target", history.group_names[j]}, {"removed", s}});
    }
  return {{"runs", runs},
          {"horizon", horizon},
          {"removed_group", history.group_names[rg]},
          {"items", items},
          {"others_total",
           {{"with", Summary(with_total)}, {"without", Summary(without_total)}, {"removed", Summary(diff_total)}}},
          {"flows", flows},
          {"actor_rooted_items", cascades},
          {"actor_rooted_total", Summary(rooted_total)}};
}

nlohmann::json RunCounterfactual(const corpora::Store& store, const CounterfactualOptions& o) {
  if (o.actor.empty()) ThrowInvalidArgument("--remove needs an actor key");
  if (o.before <= 0 || o.after <= 0) ThrowInvalidArgument("--before and --after must be positive");
  const EventSequence pre = ReadStoreEvents(store, o.group_by, o.at - o.before, o.at, o.actor);
  const auto it = std::find(pre.group_names.begin(), pre.group_names.end(), "actor:" + o.actor);
  const int removed = static_cast<int>(it - pre.group_names.begin());
  HawkesFitOptions fo;
  fo.beta = o.beta;
  const HawkesFit fit = FitHawkes(pre, fo);
  const double horizon = static_cast<double>(o.after) / 3'600'000.0;
  nlohmann::json j = SimulateRemoval(fit, pre, removed, horizon, o.runs, o.seed);
  j["actor"] = o.actor;
  j["at"] = FormatIso8601(o.at);
  j["fit_window"] = {FormatIso8601(o.at - o.before), FormatIso8601(o.at)};
  j["simulated_window"] = {FormatIso8601(o.at), FormatIso8601(o.at + o.after)};
  j["time_unit"] = "hour";
  j["model"] = ToJson(fit, pre.group_names);
  // What actually happened after the event, for comparison.
  nlohmann::json observed = nlohmann::json::object();
  corpora::Statement st(store.db(),
                        "SELECT COALESCE(NULLIF(" + std::string(o.group_by == "region" ? "a.region" : "a.actor_class") +
                            ", ''), 'unknown'), a.key = ?3, COUNT(*) FROM items i LEFT JOIN actors a ON a.id = "
                            "i.actor_id WHERE i.time >= ?1 AND i.time < ?2 GROUP BY 1, 2");
  st.Bind(1, static_cast<std::int64_t>(o.at))
      .Bind(2, static_cast<std::int64_t>(o.at + o.after))
      .Bind(3, std::string_view(o.actor));
  while (st.Step()) {
    const std::string name = st.Int(1) == 1 ? "actor:" + o.actor : st.Text(0);
    observed[name] = observed.value(name, 0) + st.Int(2);
  }
  j["observed_after"] = observed;
  return j;
}

}  // namespace relais::toolkit
