// Counterfactual deplatforming: fit a multivariate Hawkes model on the period before an event with the
// removed actor as its own group, then re-simulate the period after it (Ogata thinning, history kept)
// with and without the actor, and report the reach the removal took away: items by group, direct
// flows by (source group → target group), and items in clusters rooted at the actor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "relais/base/time.hpp"
#include "relais/toolkit/analysis/hawkes.hpp"

namespace relais::corpora {
class Store;
}

namespace relais::toolkit {

struct CounterfactualOptions {
  std::string actor;  // actor key
  TimeMs at = 0;
  DurationMs before = 30LL * 86'400'000;  // fit window
  DurationMs after = 7LL * 86'400'000;    // simulated window
  int runs = 100;
  std::uint64_t seed = 1;
  std::string group_by = "class";
  std::optional<double> beta;  // per hour; nullopt = profile likelihood
};

/// Simulation part, usable without a store: `history` holds the fitted window's events (times on
/// the fit's scale, ending at history.end); simulates (history.end, history.end + horizon].
nlohmann::json SimulateRemoval(const HawkesFit& fit, const EventSequence& history, int removed_group, double horizon,
                               int runs, std::uint64_t seed);

nlohmann::json RunCounterfactual(const corpora::Store& store, const CounterfactualOptions& options);

}  // namespace relais::toolkit
