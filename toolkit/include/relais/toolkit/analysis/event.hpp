// Event studies: interrupted time series (segmented regression), regression discontinuity in time
// and difference-in-differences with event-study leads and lags, with placebo/permutation inference
// and moving-block bootstrap intervals. Formulas and references: docs/analyses.md.
//
//   ITS:  g(E[y_t]) = b0 + b1·τ + b2·post + b3·post·τ + Σ_k (c_k sin 2πk s/P + d_k cos 2πk s/P) [+ log offset]
//         τ = time − event (model units), post = 1[τ ≥ 0]. OLS with Newey–West SEs, or Poisson /
//         quasi-Poisson GLM (Bernal, Cummins & Gasparrini 2017).
//   RD:   local linear on each side of the event, triangular kernel, optional donut (McCabe et al.,
//         Nature 2024; Hausman & Rapson 2018 for RD in time); bandwidth given or by Ludwig–Miller CV.
//   DiD:  two-way fixed effects y_it = a_i + g_t + δ·D_it, unit-clustered SEs; event-study leads/lags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/base/time.hpp"
#include "relais/toolkit/analysis/glm.hpp"

namespace relais::corpora {
class Store;
}

namespace relais::toolkit {

enum class EventModel { kOls, kPoisson, kQuasiPoisson };
const char* EventModelName(EventModel m);
/// "ols", "poisson" or "quasipoisson"; throws kInvalidArgument naming --model otherwise.
EventModel ParseEventModel(const std::string& name);
/// A length on the model's time axis: a plain number (model units) or a duration (ms / unit_ms);
/// 0 for "". Throws kInvalidArgument naming `option`.
double ParseEventSpan(const std::string& text, double unit_ms, const char* option);

/// A time series in model units (the event at `at`).
struct SeriesInput {
  std::vector<double> time;
  std::vector<double> value;
  std::vector<double> offset;  // exposure (not logged); empty = none
  std::vector<double> season;  // seasonal position s; empty = use time
  double at = 0;
};

struct ItsOptions {
  EventModel model = EventModel::kOls;
  bool slope_change = false;
  int harmonics = 0;
  double period = 0;
  int hac_lags = -1;  // -1 = Newey–West rule
  int placebos = 0;
  int bootstrap = 0;
  int block_length = 0;  // 0 = ceil(n^(1/3))
  std::uint64_t seed = 1;
  /// OLS with an offset: weight each rate y/offset by its offset (WLS). For a share (successes over a
  /// varying number of trials) its variance falls as 1/offset, so the weighted fit is the efficient one;
  /// store mode sets it for share:… outcomes. Off by default (--series fits the unweighted rate).
  bool weight_by_offset = false;
};

struct RdOptions {
  double bandwidth = 0;  // 0 = chosen by Ludwig–Miller cross-validation
  double donut = 0;
  int placebos = 0;
  int bootstrap = 0;
  int block_length = 0;
  std::uint64_t seed = 1;
};

struct Estimate {
  double estimate = 0, se = 0, lo = 0, hi = 0, p = 1;
};

struct PlaceboSummary {
  int requested = 0;
  std::vector<double> times;
  std::vector<double> estimates;
  double permutation_p = 1;  // (1 + #{|placebo| >= |estimate|}) / (1 + placebos)
};

struct BootstrapSummary {
  int replicates = 0;
  int failed = 0;  // resamples whose design was singular (skipped, counted)
  int block_length = 0;
  double lo = 0, hi = 0;  // percentile 95% interval of the level change
};

struct EventResult {
  std::string design;  // its | rd | did
  std::string model;   // ols | poisson | quasipoisson | local-linear | twfe
  std::size_t n = 0;
  Estimate level;
  std::optional<Estimate> slope;
  double rate_ratio = 1, rate_ratio_lo = 1, rate_ratio_hi = 1;
  double dispersion = 1;
  std::string se_type;
  int hac_lags = -1;
  std::vector<std::string> terms;
  std::vector<double> coef, se;
  std::optional<PlaceboSummary> placebo;
  std::optional<BootstrapSummary> bootstrap;
  nlohmann::json extra = nlohmann::json::object();  // design-specific details (RD bandwidth, DiD leads/lags…)
};

/// The --json form: {design, model, n, level_change{estimate,se,ci,p}, slope_change|null, rate_ratio{estimate,ci},
/// dispersion, se_type, coefficients, placebo?, bootstrap?, …extra}.
nlohmann::json ToJson(const EventResult& r);

/// Interrupted time series. Throws kData without observations on both sides of the event.
EventResult FitInterruptedTimeSeries(const SeriesInput& input, const ItsOptions& options);

/// Regression discontinuity in time (local linear, triangular kernel).
EventResult FitRegressionDiscontinuity(const SeriesInput& input, const RdOptions& options);

/// Ludwig–Miller cross-validated bandwidth for an RD at `at` (one-sided local linear predictions).
double ChooseRdBandwidth(const std::vector<double>& time, const std::vector<double>& value, double at, double donut);

/// A balanced unit × period panel for difference-in-differences.
struct Panel {
  std::size_t units = 0, periods = 0;
  std::vector<double> y;       // units × periods, row-major by unit
  std::vector<bool> treated;   // per unit
  std::size_t first_post = 0;  // index of the first post-event period
};

struct DidOptions {
  int event_study_bins = 6;     // leads and lags are grouped into at most this many bins per side
  bool placebo_in_time = true;  // also fit the static DiD on the pre-event periods alone, split at their middle
};

/// Two-way fixed-effects DiD with unit-clustered SEs plus an event study (leads/lags relative to the
/// last pre-event bin), a joint Wald F test of the leads (extra.pretrend_test) and an in-time placebo: the
/// static DiD on the pre-event periods only with a fake event at their middle (extra.placebo_in_time; its
/// interval should cover 0 when trends are parallel). Throws kData on
/// degenerate panels (no treated or no control unit, no pre or post period).
EventResult FitDifferenceInDifferences(const Panel& panel, const DidOptions& options = {});

/// Series mode (a CSV series): the time column's values and whether they were ISO 8601 (epoch ms) or plain
/// numbers (model units already).
struct SeriesEventOptions {
  std::string design = "its";  // its | rd
  bool iso_times = false;
  double at = 0;                  // on the time column's scale (epoch ms when iso_times)
  std::string bandwidth, donut;   // RD: a number of model units or a duration ("" = CV / none)
  std::string source = "series";  // named in errors
  ItsOptions its;
  RdOptions rd;
};

/// The model's time unit for ISO times: the median gap between distinct sorted times (ms). Throws kData
/// naming `source` with fewer than two distinct times.
double MedianTimeSpacing(std::vector<double> times, const std::string& source);

/// Fits an ITS or RD on a series whose `time` is on the time column's scale: ISO times are put on the unit of
/// their median spacing (reported as extra.time_unit_ms; placebo times go back to epoch ms), durations in
/// --bandwidth/--donut are read in that unit. Throws kInvalidArgument for a design other than its or rd.
EventResult RunSeriesEvent(SeriesInput input, const SeriesEventOptions& options);

/// Store mode.
struct StoreEventOptions {
  TimeMs at = 0;
  DurationMs before = 0, after = 0, bin = 3'600'000;
  std::string outcome = "items";
  std::string design = "its";  // its | rd | did
  std::string treated;         // DiD rule: retweeted:<actor>[:k] or flows:<layer>:<actor>[:k]
  ItsOptions its;
  RdOptions rd;
  DidOptions did;
};

EventResult RunStoreEvent(const corpora::Store& store, const StoreEventOptions& options);

}  // namespace relais::toolkit
