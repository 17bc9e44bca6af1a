// Multivariate exponential Hawkes: EM, profile likelihood, bootstrap, Ogata simulation (see hawkes.hpp).
#include "relais/toolkit/analysis/hawkes.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "relais/base/error.hpp"
#include "relais/base/time.hpp"
#include "relais/toolkit/analysis/random.hpp"
#include "relais/toolkit/analysis/series.hpp"

namespace relais::toolkit {

namespace {

void CheckEvents(const EventSequence& ev) {
  const std::size_t g = ev.num_groups();
  if (g == 0 || ev.times.empty()) throw Error(ErrorKind::kData, "no events to fit");
  if (ev.times.size() != ev.groups.size()) throw Error(ErrorKind::kInternal, "times and groups differ in length");
  if (!(ev.end > ev.start)) throw Error(ErrorKind::kData, "the observation window is empty");
  for (std::size_t k = 0; k < ev.times.size(); ++k) {
    if (ev.groups[k] < 0 || static_cast<std::size_t>(ev.groups[k]) >= g)
      throw Error(ErrorKind::kInternal, "group out of range");
    if (k > 0 && ev.times[k] < ev.times[k - 1]) throw Error(ErrorKind::kInternal, "events must be sorted by time");
    if (ev.times[k] < ev.start || ev.times[k] > ev.end) throw Error(ErrorKind::kInternal, "event outside the window");
  }
}

constexpr std::size_t kEventBlock = 8192;

// R(k, i) = Σ_{l: t_l < t_k, g_l = i} β e^{−β (t_k − t_l)}; events at the same instant do not excite
// each other. Also returns K_i = Σ_{l ∈ i} (1 − e^{−β (end − t_l)}).
//
// Distributed (comm with several ranks): rank r owns the events of blocks [block_begin, block_end)
// (kEventBlock events each, contiguous in time) and keeps R for those only. The recursion is passed
// from rank to rank in time order (state, pending, now and the running compensator), so every value
// is computed by the same operations in the same order as in one process; the last rank broadcasts K.
struct Excitation {
  std::vector<double> r;            // (event_end − event_begin) × G
  std::vector<double> compensator;  // per source group
  std::size_t block_begin = 0, block_end = 0, event_begin = 0, event_end = 0;
  const dist::Comm* comm = nullptr;  // nullptr or serial: all blocks here
  bool distributed() const { return comm != nullptr && !comm->serial(); }
};

Excitation ComputeExcitation(const EventSequence& ev, double beta, const dist::Comm* comm = nullptr) {
  const std::size_t n = ev.times.size(), g = ev.num_groups();
  const std::size_t blocks = (n + kEventBlock - 1) / kEventBlock;
  Excitation x;
  x.comm = comm;
  x.block_end = blocks;
  if (x.distributed()) {
    x.block_begin = dist::BlockBegin(blocks, comm->size(), comm->rank());
    x.block_end = dist::BlockBegin(blocks, comm->size(), comm->rank() + 1);
  }
  x.event_begin = std::min(n, x.block_begin * kEventBlock);
  x.event_end = std::min(n, x.block_end * kEventBlock);
  x.r.assign((x.event_end - x.event_begin) * g, 0.0);
  x.compensator.assign(g, 0.0);
  // carry = [state (g), pending (g), compensator (g), now]
  std::vector<double> carry(3 * g + 1, 0.0);
  carry[3 * g] = n ? ev.times[0] : 0;
  constexpr int kTag = 17;
  if (x.distributed() && comm->rank() > 0) {
    carry = dist::Comm::FromBytes<double>(comm->RecvBytes(comm->rank() - 1, kTag));
    if (carry.size() != 3 * g + 1) throw Error(ErrorKind::kInternal, "Hawkes excitation: bad carry from previous rank");
  }
  double* state = carry.data();        // excitation at time `now` from events strictly before `now`
  double* pending = carry.data() + g;  // events at `now`, added when time moves on
  double* comp = carry.data() + 2 * g;
  double& now = carry[3 * g];
  for (std::size_t k = x.event_begin; k < x.event_end; ++k) {
    const double t = ev.times[k];
    if (t > now) {
      const double decay = std::exp(-beta * (t - now));
      for (std::size_t i = 0; i < g; ++i) {
        state[i] = (state[i] + pending[i]) * decay;
        pending[i] = 0;
      }
      now = t;
    }
    for (std::size_t i = 0; i < g; ++i) x.r[(k - x.event_begin) * g + i] = state[i];
    pending[static_cast<std::size_t>(ev.groups[k])] += beta;
    comp[static_cast<std::size_t>(ev.groups[k])] += -std::expm1(-beta * (ev.end - t));
  }
  if (x.distributed()) {
    if (comm->rank() + 1 < comm->size())
      comm->SendBytes(std::as_bytes(std::span<const double>(carry)), comm->rank() + 1, kTag);
    std::vector<double> k_total(comp, comp + g);
    comm->Bcast(k_total, comm->size() - 1);
    x.compensator = std::move(k_total);
  } else {
    x.compensator.assign(comp, comp + g);
  }
  return x;
}

std::vector<std::size_t> Counts(const EventSequence& ev) {
  std::vector<std::size_t> c(ev.num_groups(), 0);
  for (int gr : ev.groups) ++c[static_cast<std::size_t>(gr)];
  return c;
}

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

namespace {

// One pass over the events at parameters p: Σ log λ_k, and the EM sufficient statistics
// bg[j] = Σ_{k∈j} μ_j/λ_k and trig[i·G+j] = Σ_{k∈j} α_ij R(k,i)/λ_k (also the expected parent
// shares). Events are cut into fixed blocks summed in double, in parallel; block totals are added
// in block order, so the result does not depend on the number of threads.
struct EStep {
  long double sum_log = 0;
  std::vector<long double> bg, trig;
  bool positive = true;  // every λ_k > 0
};

EStep RunEStep(const EventSequence& ev, const Excitation& x, const HawkesParams& p) {
  const std::size_t n = ev.times.size(), g = ev.num_groups();
  // This rank's blocks (all of them in one process); block b covers events [b·kEventBlock, …).
  const std::size_t b0 = x.block_begin, blocks = x.block_end - x.block_begin;
  // Per block: [sum_log, bg (g), trig (g·g), positive flag (1 or 0)] in double.
  const std::size_t width = 1 + g + g * g + 1;
  std::vector<double> partial(blocks * width, 0.0);
  std::vector<double> alpha_t(g * g);  // alpha_t[j·G+i] = α_ij: the column of j contiguous
  for (std::size_t i = 0; i < g; ++i)
    for (std::size_t j = 0; j < g; ++j) alpha_t[j * g + i] = p.alpha(i, j);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const auto& range) {
    std::vector<double> term(g);
    for (std::size_t b = range.begin(); b != range.end(); ++b) {
      double* out = &partial[b * width];
      double* bg = out + 1;
      double* trig = out + 1 + g;
      out[width - 1] = 1;
      const std::size_t k_end = std::min(n, (b0 + b + 1) * kEventBlock);
      for (std::size_t k = (b0 + b) * kEventBlock; k < k_end; ++k) {
        const auto j = static_cast<std::size_t>(ev.groups[k]);
        const double* rk = &x.r[(k - x.event_begin) * g];
        const double* aj = &alpha_t[j * g];
        double lambda = p.mu[j];
        for (std::size_t i = 0; i < g; ++i) {
          term[i] = aj[i] * rk[i];
          lambda += term[i];
        }
        if (!(lambda > 0)) {
          out[width - 1] = 0;
          continue;
        }
        out[0] += std::log(lambda);
        const double inv = 1.0 / lambda;
        bg[j] += p.mu[j] * inv;
        for (std::size_t i = 0; i < g; ++i) trig[i * g + j] += term[i] * inv;
      }
    }
  });
  // Distributed: every rank gets every block's partial sums (contiguous blocks, so rank order is
  // block order) and adds them exactly as one process does.
  if (x.distributed()) partial = x.comm->Allgather(std::span<const double>(partial));
  const std::size_t all_blocks = partial.size() / width;
  EStep e;
  e.bg.assign(g, 0.0L);
  e.trig.assign(g * g, 0.0L);
  for (std::size_t b = 0; b < all_blocks; ++b) {
    const double* out = &partial[b * width];
    e.positive = e.positive && out[width - 1] != 0;
    e.sum_log += out[0];
    for (std::size_t j = 0; j < g; ++j) e.bg[j] += out[1 + j];
    for (std::size_t q = 0; q < g * g; ++q) e.trig[q] += out[1 + g + q];
  }
  return e;
}

// The log-likelihood at p from its E-step: Σ log λ_k − Σ_j μ_j T − Σ_ij α_ij K_i.
double LogLikelihoodFrom(const EStep& e, const EventSequence& ev, const Excitation& x, const HawkesParams& p) {
  if (!e.positive) return -std::numeric_limits<double>::infinity();
  const std::size_t g = ev.num_groups();
  long double ll = e.sum_log;
  const double span = ev.end - ev.start;
  for (std::size_t j = 0; j < g; ++j) {
    ll -= static_cast<long double>(p.mu[j]) * span;
    for (std::size_t i = 0; i < g; ++i) ll -= static_cast<long double>(p.alpha(i, j)) * x.compensator[i];
  }
  return static_cast<double>(ll);
}

}  // namespace

void CheckHawkesInput(const EventSequence& events) {
  CheckEvents(events);
  const auto counts = Counts(events);
  for (std::size_t j = 0; j < counts.size(); ++j)
    if (counts[j] == 0)
      throw Error(ErrorKind::kData, "group \"" + events.group_names[j] + "\" has no events in the window");
}

double HawkesLogLikelihood(const EventSequence& events, const HawkesParams& params) {
  CheckEvents(events);
  const Excitation x = ComputeExcitation(events, params.beta);
  return LogLikelihoodFrom(RunEStep(events, x, params), events, x, params);
}

namespace {

// The observed information of target group j's parameters (μ_j, α_·j): Σ_{k∈j} v_k v_kᵀ / λ_k².
Matrix TargetInformation(const EventSequence& ev, const Excitation& x, const HawkesParams& p, std::size_t j) {
  const std::size_t g = ev.num_groups();
  Matrix info(g + 1, g + 1);
  std::vector<double> v(g + 1);
  for (std::size_t k = 0; k < ev.times.size(); ++k) {
    if (static_cast<std::size_t>(ev.groups[k]) != j) continue;
    const double* rk = &x.r[k * g];
    v[0] = 1;
    double lambda = p.mu[j];
    for (std::size_t i = 0; i < g; ++i) {
      v[i + 1] = rk[i];
      lambda += p.alpha(i, j) * rk[i];
    }
    const double w = 1 / (lambda * lambda);
    for (std::size_t a = 0; a <= g; ++a)
      for (std::size_t b = 0; b <= g; ++b) info(a, b) += w * v[a] * v[b];
  }
  return info;
}

}  // namespace

HawkesStandardErrors HawkesObservedInformationSe(const EventSequence& events, const HawkesParams& params) {
  CheckHawkesInput(events);
  const std::size_t g = events.num_groups();
  if (params.mu.size() != g || params.alpha.rows() != g || params.alpha.cols() != g)
    ThrowInvalidArgument("Hawkes parameters do not match the events' groups");
  const Excitation x = ComputeExcitation(events, params.beta);
  HawkesStandardErrors se;
  se.mu.assign(g, std::numeric_limits<double>::quiet_NaN());
  se.alpha = Matrix(g, g, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t j = 0; j < g; ++j) {
    try {
      const Matrix cov = InverseSpd(TargetInformation(events, x, params, j), "Hawkes observed information");
      se.mu[j] = std::sqrt(cov(0, 0));
      for (std::size_t i = 0; i < g; ++i) se.alpha(i, j) = std::sqrt(cov(i + 1, i + 1));
    } catch (const Error&) {
      // Singular block (a source group that never precedes target j's events): left NaN.
    }
  }
  return se;
}

// EM (Veen & Schoenberg 2008's branching-structure EM for the exponential kernel): each iteration
// is one pass over the events, which gives both the E-step at the current parameters and their
// log-likelihood (used for the stopping rule of the previous M-step).
HawkesFit FitHawkesFixedBeta(const EventSequence& ev, double beta, const HawkesFitOptions& o,
                             const HawkesParams* init) {
  CheckEvents(ev);
  if (!(beta > 0) || !std::isfinite(beta)) ThrowInvalidArgument("--beta must be positive");
  const std::size_t g = ev.num_groups();
  const auto counts = Counts(ev);
  for (std::size_t j = 0; j < g; ++j)
    if (counts[j] == 0)
      throw Error(ErrorKind::kData, "group \"" + ev.group_names[j] + "\" has no events in the window");
  const Excitation x = ComputeExcitation(ev, beta, o.comm);
  const double span = ev.end - ev.start;
  HawkesParams p;
  p.beta = beta;
  if (init && init->mu.size() == g && init->alpha.rows() == g) {
    p.mu = init->mu;
    p.alpha = init->alpha;
    // EM cannot leave zero; nudge exact zeros so a warm start does not pin them.
    for (auto& m : p.mu) m = std::max(m, 1e-12);
    for (std::size_t i = 0; i < g; ++i)
      for (std::size_t j = 0; j < g; ++j) p.alpha(i, j) = std::max(p.alpha(i, j), 1e-6);
  } else {
    p.mu.resize(g);
    for (std::size_t j = 0; j < g; ++j) p.mu[j] = 0.5 * static_cast<double>(counts[j]) / span;
    p.alpha = Matrix(g, g, 0.5 / static_cast<double>(g));
  }
  HawkesFit fit;
  EStep e = RunEStep(ev, x, p);
  double ll = LogLikelihoodFrom(e, ev, x, p);
  int it = 0;
  for (; it < o.max_iterations; ++it) {
    for (std::size_t j = 0; j < g; ++j) p.mu[j] = static_cast<double>(e.bg[j] / span);
    for (std::size_t i = 0; i < g; ++i)
      for (std::size_t j = 0; j < g; ++j)
        p.alpha(i, j) = x.compensator[i] > 0 ? static_cast<double>(e.trig[i * g + j] / x.compensator[i]) : 0.0;
    e = RunEStep(ev, x, p);
    const double new_ll = LogLikelihoodFrom(e, ev, x, p);
    const bool done = std::abs(new_ll - ll) <= o.tolerance * (1 + std::abs(new_ll));
    ll = new_ll;
    if (done) {
      fit.converged = true;
      ++it;
      break;
    }
  }
  fit.params = p;
  fit.loglik = ll;
  fit.iterations = it;
  fit.counts = counts;
  fit.branching_ratio = SpectralRadiusNonnegative(p.alpha);
  // Expected parent shares under the final parameters: the last E-step's statistics.
  fit.caused_share = Matrix(g, g);
  fit.background_share.assign(g, 0.0);
  for (std::size_t j = 0; j < g; ++j) {
    fit.background_share[j] = static_cast<double>(e.bg[j] / static_cast<long double>(counts[j]));
    for (std::size_t i = 0; i < g; ++i)
      fit.caused_share(j, i) = static_cast<double>(e.trig[i * g + j] / static_cast<long double>(counts[j]));
  }
  return fit;
}

namespace {

HawkesFit FitPoint(const EventSequence& ev, const HawkesFitOptions& o) {
  if (o.beta) {
    HawkesFit f = FitHawkesFixedBeta(ev, *o.beta, o);
    return f;
  }
  // Profile likelihood over log β: a coarse grid, then golden-section search around the best point.
  const double span = ev.end - ev.start;
  const double mean_gap = span / static_cast<double>(ev.times.size());
  const double lo = std::log(1.0 / span), hi = std::log(1000.0 / mean_gap);
  HawkesFitOptions scan = o;
  scan.max_iterations = std::min(o.max_iterations, 300);
  scan.tolerance = std::max(o.tolerance, 1e-7);
  constexpr int kGrid = 24;
  std::vector<double> grid(kGrid), value(kGrid);
  HawkesParams warm;
  bool have_warm = false;
  for (int k = 0; k < kGrid; ++k) {
    grid[k] = lo + (hi - lo) * k / (kGrid - 1);
    const HawkesFit f = FitHawkesFixedBeta(ev, std::exp(grid[k]), scan, have_warm ? &warm : nullptr);
    value[k] = f.loglik;
    warm = f.params;
    have_warm = true;
  }
  const int best = static_cast<int>(std::max_element(value.begin(), value.end()) - value.begin());
  double a = grid[std::max(0, best - 1)], b = grid[std::min(kGrid - 1, best + 1)];
  auto eval = [&](double lb) {
    const HawkesFit f = FitHawkesFixedBeta(ev, std::exp(lb), scan, &warm);
    warm = f.params;
    return f.loglik;
  };
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double c = b - phi * (b - a), d = a + phi * (b - a);
  double fc = eval(c), fd = eval(d);
  for (int it = 0; it < 40 && b - a > 1e-6; ++it) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = eval(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = eval(d);
    }
  }
  double best_lb = fc > fd ? c : d;
  if (std::max(fc, fd) < value[best]) best_lb = grid[best];
  HawkesFit f = FitHawkesFixedBeta(ev, std::exp(best_lb), o, &warm);
  f.beta_fitted = true;
  return f;
}

}  // namespace

HawkesFit FitHawkes(const EventSequence& ev, const HawkesFitOptions& o) {
  CheckEvents(ev);
  HawkesFit fit = FitPoint(ev, o);
  if (o.bootstrap <= 0) return fit;
  // Parametric bootstrap: simulate from the fit on the same window, refit, percentile intervals.
  const std::size_t g = ev.num_groups();
  std::vector<std::vector<double>> mu(g), alpha(g * g), share(g * g);
  std::vector<double> betas, branching;
  HawkesFitOptions bo = o;
  bo.bootstrap = 0;
  for (int r = 0; r < o.bootstrap; ++r) {
    SimulationOptions so;
    so.start = ev.start;
    so.end = ev.end;
    so.seed = o.seed * 1000003ULL + static_cast<std::uint64_t>(r);
    so.max_events = std::max<std::size_t>(100 * ev.times.size(), 100000);
    EventSequence sim;
    sim.group_names = ev.group_names;
    sim.start = ev.start;
    sim.end = ev.end;
    try {
      for (const auto& e : SimulateHawkes(fit.params, so)) {
        sim.times.push_back(e.time);
        sim.groups.push_back(e.group);
      }
      const HawkesFit f = FitPoint(sim, bo);
      for (std::size_t j = 0; j < g; ++j) mu[j].push_back(f.params.mu[j]);
      for (std::size_t i = 0; i < g; ++i)
        for (std::size_t j = 0; j < g; ++j) {
          alpha[i * g + j].push_back(f.params.alpha(i, j));
          share[i * g + j].push_back(f.caused_share(i, j));
        }
      betas.push_back(f.params.beta);
      branching.push_back(f.branching_ratio);
    } catch (const Error&) {
      // A replicate where a group drew no event cannot be fitted; it is left out (counted below).
    }
  }
  fit.bootstrap_replicates = static_cast<int>(betas.size());
  if (betas.empty()) return fit;
  auto ci = [](const std::vector<double>& v) { return std::make_pair(Percentile(v, 0.025), Percentile(v, 0.975)); };
  for (std::size_t j = 0; j < g; ++j) fit.mu_ci.push_back(ci(mu[j]));
  fit.alpha_ci.assign(g, {});
  fit.caused_share_ci.assign(g, {});
  for (std::size_t i = 0; i < g; ++i)
    for (std::size_t j = 0; j < g; ++j) {
      fit.alpha_ci[i].push_back(ci(alpha[i * g + j]));
      fit.caused_share_ci[i].push_back(ci(share[i * g + j]));
    }
  fit.alpha_boot_mean.assign(g, std::vector<double>(g, 0.0));
  fit.alpha_boot_sd.assign(g, std::vector<double>(g, 0.0));
  for (std::size_t i = 0; i < g; ++i)
    for (std::size_t j = 0; j < g; ++j) {
      const auto& v = alpha[i * g + j];
      long double m = 0, ss = 0;
      for (double x : v) m += x;
      m /= static_cast<long double>(v.size());
      for (double x : v) ss += (x - m) * (x - m);
      fit.alpha_boot_mean[i][j] = static_cast<double>(m);
      fit.alpha_boot_sd[i][j] = v.size() > 1 ? std::sqrt(static_cast<double>(ss / (v.size() - 1))) : 0.0;
    }
  fit.beta_ci = ci(betas);
  fit.branching_ci = ci(branching);
  return fit;
}

std::vector<SimulatedEvent> SimulateHawkes(const HawkesParams& p, const SimulationOptions& o) {
  const std::size_t g = p.mu.size();
  if (p.alpha.rows() != g || p.alpha.cols() != g) throw Error(ErrorKind::kInternal, "alpha must be G x G");
  if (!(p.beta > 0)) ThrowInvalidArgument("simulation needs a positive beta");
  if (!(o.end >= o.start)) ThrowInvalidArgument("simulation window is reversed");
  auto suppressed = [&](std::size_t j) { return !o.suppressed.empty() && o.suppressed[j]; };
  // state(i, r): excitation units from events of group i whose cluster root is group r.
  std::vector<double> state(g * g, 0.0);
  if (o.history) {
    for (std::size_t k = 0; k < o.history->times.size(); ++k) {
      const double t = o.history->times[k];
      if (t >= o.start) continue;
      const auto i = static_cast<std::size_t>(o.history->groups[k]);
      state[i * g + i] += p.beta * std::exp(-p.beta * (o.start - t));
    }
  }
  std::vector<double> out_rate(g, 0.0);  // Σ_j α_ij over non-suppressed targets
  double base = 0;
  for (std::size_t j = 0; j < g; ++j) {
    if (suppressed(j)) continue;
    base += p.mu[j];
    for (std::size_t i = 0; i < g; ++i) out_rate[i] += p.alpha(i, j);
  }
  auto total_intensity = [&] {
    long double s = base;
    for (std::size_t i = 0; i < g; ++i) {
      long double si = 0;
      for (std::size_t r = 0; r < g; ++r) si += state[i * g + r];
      s += si * out_rate[i];
    }
    return static_cast<double>(s);
  };
  Rng rng(o.seed);
  std::vector<SimulatedEvent> events;
  double t = o.start;
  std::vector<double> weights;
  while (true) {
    const double bound = total_intensity();
    if (!(bound > 0)) break;
    const double w = rng.Exponential() / bound;
    t += w;
    if (t > o.end) break;
    const double decay = std::exp(-p.beta * w);
    for (double& s : state) s *= decay;
    const double lambda = total_intensity();
    if (rng.Uniform() * bound > lambda) continue;  // thinned
    // Pick (target, parent source, root) in proportion to each term of the intensity.
    weights.clear();
    double u = rng.Uniform() * lambda;
    SimulatedEvent e;
    e.time = t;
    bool chosen = false;
    for (std::size_t j = 0; j < g && !chosen; ++j) {
      if (suppressed(j)) continue;
      if (u < p.mu[j]) {
        e.group = static_cast<int>(j);
        e.parent_group = -1;
        e.root_group = static_cast<int>(j);
        chosen = true;
        break;
      }
      u -= p.mu[j];
      for (std::size_t i = 0; i < g && !chosen; ++i)
        for (std::size_t r = 0; r < g; ++r) {
          const double term = p.alpha(i, j) * state[i * g + r];
          if (u < term) {
            e.group = static_cast<int>(j);
            e.parent_group = static_cast<int>(i);
            e.root_group = static_cast<int>(r);
            chosen = true;
            break;
          }
          u -= term;
        }
    }
    if (!chosen) {
      // Rounding left u past the last term: take the last non-suppressed group as background.
      for (std::size_t j = g; j-- > 0;)
        if (!suppressed(j)) {
          e.group = e.root_group = static_cast<int>(j);
          e.parent_group = -1;
          break;
        }
    }
    const auto gi = static_cast<std::size_t>(e.group), ri = static_cast<std::size_t>(e.root_group);
    state[gi * g + ri] += p.beta;
    events.push_back(e);
    if (events.size() > o.max_events)
      throw Error(ErrorKind::kData, "simulation exceeded " + std::to_string(o.max_events) +
                                        " events (explosive process: branching ratio >= 1?)");
  }
  return events;
}

nlohmann::json ToJson(const HawkesFit& fit, const std::vector<std::string>& names) {
  const std::size_t g = names.size();
  nlohmann::json j;
  j["groups"] = names;
  j["mu"] = fit.params.mu;
  nlohmann::json alpha = nlohmann::json::array(), share = nlohmann::json::array();
  for (std::size_t i = 0; i < g; ++i) {
    std::vector<double> ra(g), rs(g);
    for (std::size_t k = 0; k < g; ++k) {
      ra[k] = fit.params.alpha(i, k);
      rs[k] = fit.caused_share(i, k);
    }
    alpha.push_back(ra);
    share.push_back(rs);
  }
  j["alpha"] = alpha;
  j["beta"] = fit.params.beta;
  j["beta_fitted"] = fit.beta_fitted;
  j["loglik"] = fit.loglik;
  j["branching_ratio"] = fit.branching_ratio;
  j["caused_share"] = share;
  j["background_share"] = fit.background_share;
  j["counts"] = fit.counts;
  j["iterations"] = fit.iterations;
  j["converged"] = fit.converged;
  if (fit.bootstrap_replicates > 0) {
    auto pair = [](const std::pair<double, double>& p) { return nlohmann::json::array({p.first, p.second}); };
    nlohmann::json mu_ci = nlohmann::json::array(), alpha_ci = nlohmann::json::array(),
                   share_ci = nlohmann::json::array();
    for (const auto& c : fit.mu_ci) mu_ci.push_back(pair(c));
    for (std::size_t i = 0; i < g; ++i) {
      nlohmann::json ra = nlohmann::json::array(), rs = nlohmann::json::array();
      for (std::size_t k = 0; k < g; ++k) {
        ra.push_back(pair(fit.alpha_ci[i][k]));
        rs.push_back(pair(fit.caused_share_ci[i][k]));
      }
      alpha_ci.push_back(ra);
      share_ci.push_back(rs);
    }
    j["bootstrap"] = {{"replicates", fit.bootstrap_replicates},
                      {"kind", "parametric"},
                      {"mu_ci", mu_ci},
                      {"alpha_ci", alpha_ci},
                      {"caused_share_ci", share_ci},
                      {"beta_ci", pair(fit.beta_ci)},
                      {"branching_ratio_ci", pair(fit.branching_ci)}};
  }
  return j;
}

EventSequence ReadEventsCsv(const std::string& path) {
  const CsvTable t = ReadCsv(path);
  const TimeColumn tc = ParseTimeColumn(t, t.Column("time"));
  const std::size_t gcol = t.Column("group");
  if (t.rows.empty()) throw Error(ErrorKind::kData, InputPos{path, 0, 0}, "no events");
  std::map<std::string, int> index;
  for (const auto& row : t.rows) index.emplace(row[gcol], 0);
  EventSequence ev;
  for (auto& [name, id] : index) {
    if (name.empty()) throw Error(ErrorKind::kParse, InputPos{path, 0, 0}, "an event has an empty group");
    id = static_cast<int>(ev.group_names.size());
    ev.group_names.push_back(name);
  }
  std::vector<std::size_t> order(t.rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return tc.values[a] < tc.values[b]; });
  const double scale = tc.iso ? 3'600'000.0 : 1.0;  // ISO times are measured in hours
  const double origin = tc.values[order.front()];
  for (auto r : order) {
    ev.times.push_back((tc.values[r] - (tc.iso ? origin : 0.0)) / scale);
    ev.groups.push_back(index[t.rows[r][gcol]]);
  }
  ev.start = ev.times.front();
  ev.end = ev.times.back();
  if (!(ev.end > ev.start)) throw Error(ErrorKind::kData, InputPos{path, 0, 0}, "events span no time");
  return ev;
}

HawkesFitOptions HawkesOptionsFromFlags(double beta, int bootstrap, int max_iterations, std::uint64_t seed) {
  if (beta < 0) ThrowInvalidArgument("--beta must be positive");
  if (bootstrap < 0) ThrowInvalidArgument("--bootstrap must be >= 0");
  HawkesFitOptions o;
  if (beta > 0) o.beta = beta;
  o.bootstrap = bootstrap;
  o.seed = seed;
  o.max_iterations = max_iterations;
  return o;
}

}  // namespace relais::toolkit
