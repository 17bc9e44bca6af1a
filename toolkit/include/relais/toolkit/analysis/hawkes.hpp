// Multivariate Hawkes processes with exponential kernels: EM fit (branching-structure EM with the
// recursive exponential sums, Veen & Schoenberg 2008; Lewis & Mohler 2011), profile likelihood for the
// decay, parametric bootstrap, and an exact Ogata (1981) thinning simulator.
//
//   λ_j(t) = μ_j + Σ_i Σ_{t_k^i < t} α_ij β e^{−β (t − t_k^i)}
//
// alpha[i][j] (source i, target j) is the expected number of direct offspring in group j of one
// event of group i (the kernel integrates to one). caused_share[j][i] is the expected share of group
// j's events whose parent is an event of group i (Zannettou et al., IMC 2017); the remainder
// 1 − Σ_i caused_share[j][i] is background (immigrant) events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/base/time.hpp"
#include "relais/dist/comm.hpp"
#include "relais/toolkit/analysis/linalg.hpp"

namespace relais::corpora {
class Store;
}

namespace relais::toolkit {

/// Events sorted by time; groups are 0..num_groups-1.
struct EventSequence {
  std::vector<double> times;
  std::vector<int> groups;
  std::vector<std::string> group_names;
  double start = 0;  // observation window [start, end]
  double end = 0;
  std::size_t num_groups() const { return group_names.size(); }
};

struct HawkesParams {
  std::vector<double> mu;  // per group
  Matrix alpha;            // alpha(source, target)
  double beta = 1;
};

struct HawkesFitOptions {
  std::optional<double> beta;  // fixed decay; nullopt = profile likelihood over β
  int max_iterations = 2000;
  double tolerance = 1e-9;  // relative change of the log-likelihood
  int bootstrap = 0;
  std::uint64_t seed = 1;
  /// Distributed fit (mpirun): every rank holds the events, the E-step's blocks of 8192 events are
  /// split in contiguous time ranges across the ranks, the excitation is passed along the ranks in
  /// time order, and the blocks' partial sums are gathered and added in block order — the fit is the
  /// single-process one to the bit, with the same iterations. Every rank must call with the same
  /// events and options. nullptr = this process alone.
  const dist::Comm* comm = nullptr;
};

struct HawkesFit {
  HawkesParams params;
  double loglik = 0;
  double branching_ratio = 0;            // spectral radius of alpha
  Matrix caused_share;                   // (target, source)
  std::vector<double> background_share;  // per target group
  int iterations = 0;
  bool converged = false;
  bool beta_fitted = false;
  std::vector<std::size_t> counts;  // events per group
  // Bootstrap percentile intervals (95%), when asked.
  int bootstrap_replicates = 0;
  std::vector<std::pair<double, double>> mu_ci;
  std::vector<std::vector<std::pair<double, double>>> alpha_ci, caused_share_ci;
  std::pair<double, double> beta_ci{0, 0}, branching_ci{0, 0};
  // Mean and standard deviation of each alpha entry over the bootstrap replicates (for bias checks and
  // normal or basic intervals: e04 scores their coverage over seeds beside the percentile intervals).
  std::vector<std::vector<double>> alpha_boot_mean, alpha_boot_sd;
};

/// Throws kData when the events cannot be fitted (no events, an empty window, a group without events).
void CheckHawkesInput(const EventSequence& events);

/// The fit options of `relais influence` (and the Python module) from its flags: beta 0 = profiled, a negative
/// beta or bootstrap is an InvalidArgument naming the flag.
HawkesFitOptions HawkesOptionsFromFlags(double beta, int bootstrap, int max_iterations, std::uint64_t seed);

/// Log-likelihood of the parameters on the events (exact compensator over [start, end]).
double HawkesLogLikelihood(const EventSequence& events, const HawkesParams& params);

/// Standard errors of μ and α at fixed β from the observed information: the negative Hessian of the
/// log-likelihood in (μ_j, α_0j … α_{G−1,j}) is, for each target group j, Σ_{k∈j} v_k v_kᵀ / λ_k² with
/// v_k = (1, R_k,0 … R_k,G−1) (the compensator is linear in the parameters), so it is block-diagonal by target
/// and each block is inverted alone. For Wald intervals (the MLE is asymptotically normal, Ogata 1978); they do
/// not hold for entries on the boundary (α = 0). A block that is not positive definite gives NaN.
struct HawkesStandardErrors {
  std::vector<double> mu;  // per group
  Matrix alpha;            // alpha(source, target)
};
HawkesStandardErrors HawkesObservedInformationSe(const EventSequence& events, const HawkesParams& params);

/// EM fit at fixed β (warm-started from `init` when its sizes match).
HawkesFit FitHawkesFixedBeta(const EventSequence& events, double beta, const HawkesFitOptions& options,
                             const HawkesParams* init = nullptr);

/// Full fit: fixed or profiled β, then bootstrap intervals if options.bootstrap > 0. Throws kData when a
/// group has no event or the window is empty.
HawkesFit FitHawkes(const EventSequence& events, const HawkesFitOptions& options);

/// A simulated event with its branching structure.
struct SimulatedEvent {
  double time = 0;
  int group = 0;
  int parent_group = -1;  // -1 = background (immigrant) or history event
  int root_group = -1;  // group of the cluster's root: an immigrant, or a history event (which roots its own offspring)
};

struct SimulationOptions {
  double start = 0, end = 0;
  std::uint64_t seed = 1;
  std::size_t max_events = 10'000'000;     // guards explosive processes (throws kData past it)
  const EventSequence* history = nullptr;  // events before start that still excite (their groups used)
  std::vector<bool> suppressed;            // groups that produce no event (removed); empty = none
};

/// Exact Ogata thinning: between events the total intensity only decays, so its current value
/// bounds it until the next event. Parents are drawn in proportion to each source's contribution.
std::vector<SimulatedEvent> SimulateHawkes(const HawkesParams& params, const SimulationOptions& options);

/// {groups, mu, alpha, beta, loglik, branching_ratio, caused_share, background_share, counts, …, bootstrap?}.
nlohmann::json ToJson(const HawkesFit& fit, const std::vector<std::string>& group_names);

/// Reads an events CSV with columns `time` (number, or ISO 8601 → hours) and `group`.
EventSequence ReadEventsCsv(const std::string& path);

/// Items of a store as events grouped by author `class` or `region` (actors without one go to
/// "unknown"), times in hours since `from`, window [from, to) (defaults: the store's span).
/// `own_group_actor` (an actor key), when set, gets its own group "actor:<key>".
EventSequence ReadStoreEvents(const corpora::Store& store, std::string_view group_by, TimeMs from, TimeMs to,
                              const std::string& own_group_actor = "");

}  // namespace relais::toolkit
