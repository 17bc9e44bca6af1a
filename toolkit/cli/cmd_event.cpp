// relais event: interrupted time series, RD in time and DiD on a CSV series or a store.
#include <cstdio>
#include <iostream>
#include <utility>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/analysis/event.hpp"
#include "relais/toolkit/analysis/series.hpp"

namespace relais::cli {

namespace {

struct EventArgs {
  std::string store, series, at, time_col = "time", value_col = "value", offset_col, model = "ols", season_col;
  int harmonics = 0;
  double period = 0;
  bool slope_change = false, json = false;
  std::string design = "its", bandwidth, donut;
  int placebos = 0, bootstrap = 0, hac_lags = -1, block_length = 0, es_bins = 6;
  std::uint64_t seed = 1;
  std::string before, after, bin = "1h", outcome = "items", treated;
};

void PrintHuman(const toolkit::EventResult& r) {
  std::printf("design %s, model %s, n %zu\n", r.design.c_str(), r.model.c_str(), r.n);
  std::printf("level change   %.6g (se %.3g, 95%% CI [%.6g, %.6g], p %.3g)\n", r.level.estimate, r.level.se, r.level.lo,
              r.level.hi, r.level.p);
  if (r.slope)
    std::printf("slope change   %.6g (se %.3g, 95%% CI [%.6g, %.6g], p %.3g)\n", r.slope->estimate, r.slope->se,
                r.slope->lo, r.slope->hi, r.slope->p);
  std::printf("rate ratio     %.4f [%.4f, %.4f]\n", r.rate_ratio, r.rate_ratio_lo, r.rate_ratio_hi);
  std::printf("dispersion     %.4g (%s errors)\n", r.dispersion, r.se_type.c_str());
  if (r.placebo)
    std::printf("placebos       %zu fitted, permutation p %.3g\n", r.placebo->estimates.size(),
                r.placebo->permutation_p);
  if (r.bootstrap)
    std::printf("block bootstrap %d replicates (block %d): 95%% CI [%.6g, %.6g]\n", r.bootstrap->replicates,
                r.bootstrap->block_length, r.bootstrap->lo, r.bootstrap->hi);
}

void RunEvent(const EventArgs& a) {
  if (a.store.empty() == a.series.empty()) ThrowInvalidArgument("give exactly one of --store and --series");
  toolkit::ItsOptions its;
  its.model = toolkit::ParseEventModel(a.model);
  its.slope_change = a.slope_change;
  its.harmonics = a.harmonics;
  its.period = a.period;
  its.hac_lags = a.hac_lags;
  its.placebos = a.placebos;
  its.bootstrap = a.bootstrap;
  its.block_length = a.block_length;
  its.seed = a.seed;
  if (a.placebos < 0 || a.bootstrap < 0) ThrowInvalidArgument("--placebos and --bootstrap must be >= 0");
  toolkit::RdOptions rd;
  rd.placebos = a.placebos;
  rd.bootstrap = a.bootstrap;
  rd.block_length = a.block_length;
  rd.seed = a.seed;
  toolkit::EventResult result;
  if (!a.series.empty()) {
    const auto table = toolkit::ReadCsv(a.series);
    const auto tc = toolkit::ParseTimeColumn(table, table.Column(a.time_col));
    toolkit::SeriesInput in;
    in.value = toolkit::NumericColumn(table, table.Column(a.value_col));
    if (!a.offset_col.empty()) in.offset = toolkit::NumericColumn(table, table.Column(a.offset_col));
    if (!a.season_col.empty()) in.season = toolkit::NumericColumn(table, table.Column(a.season_col));
    toolkit::SeriesEventOptions so;
    so.design = a.design;
    so.iso_times = tc.iso;
    so.at = toolkit::ParseInstantLike(a.at, tc.iso, "--at");
    so.bandwidth = a.bandwidth;
    so.donut = a.donut;
    so.source = a.series;
    so.its = its;
    so.rd = rd;
    in.time = tc.values;
    result = toolkit::RunSeriesEvent(std::move(in), so);
  } else {
    if (a.before.empty() || a.after.empty()) ThrowInvalidArgument("store mode needs --before and --after");
    toolkit::StoreEventOptions so;
    so.at = toolkit::ParseTimeOption(a.at, "--at");
    so.before = toolkit::ParseDurationOption(a.before, "--before");
    so.after = toolkit::ParseDurationOption(a.after, "--after");
    so.bin = toolkit::ParseDurationOption(a.bin, "--bin");
    so.outcome = a.outcome;
    so.design = a.design;
    so.treated = a.treated;
    so.its = its;
    rd.bandwidth = toolkit::ParseEventSpan(a.bandwidth, static_cast<double>(so.bin), "--bandwidth");
    rd.donut = toolkit::ParseEventSpan(a.donut, static_cast<double>(so.bin), "--donut");
    so.rd = rd;
    so.did.event_study_bins = a.es_bins;
    const auto store = corpora::Store::Open(a.store, corpora::OpenMode::kReadOnly);
    result = toolkit::RunStoreEvent(store, so);
  }
  if (result.extra.contains("warnings"))
    for (const auto& w : result.extra["warnings"])
      std::cerr << "relais event: warning: " << w.get<std::string>() << "\n";
  if (a.json) {
    std::cout << WithRanks(toolkit::ToJson(result).dump(), 1) << "\n";
  } else {
    PrintHuman(result);
  }
}

}  // namespace

void RegisterEvent(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<EventArgs>();
  auto* sub =
      app.add_subcommand("event", "event study: interrupted time series, RD in time, difference-in-differences");
  sub->add_option("--store", args->store, "store folder");
  sub->add_option("--series", args->series, "CSV time series");
  sub->add_option("--at", args->at, "event time (ISO 8601, or a number on a numeric time column)")->required();
  sub->add_option("--time-col", args->time_col, "time column (numeric or ISO 8601)");
  sub->add_option("--value-col", args->value_col, "outcome column");
  sub->add_option("--offset-col", args->offset_col, "exposure column (log offset in GLMs, rate denominator in OLS)");
  sub->add_option("--model", args->model, "ols|poisson|quasipoisson");
  sub->add_option("--season-col", args->season_col, "seasonal position column (default: time)");
  sub->add_option("--harmonics", args->harmonics, "number of sin/cos harmonic pairs");
  sub->add_option("--period", args->period, "seasonal period on the season column's scale");
  sub->add_flag("--slope-change", args->slope_change, "also fit a change in slope");
  sub->add_option("--design", args->design, "its|rd|did");
  sub->add_option("--bandwidth", args->bandwidth, "RD bandwidth (number of time units, or a duration); default CV");
  sub->add_option("--donut", args->donut, "RD donut half-width (number or duration)");
  sub->add_option("--placebos", args->placebos, "placebo event times for permutation inference");
  sub->add_option("--bootstrap", args->bootstrap, "moving-block bootstrap replicates");
  sub->add_option("--block-length", args->block_length, "bootstrap block length (default ceil(n^(1/3)))");
  sub->add_option("--hac-lags", args->hac_lags, "Newey-West lags (default floor(4 (n/100)^(2/9)))");
  sub->add_option("--seed", args->seed, "seed for placebos and bootstrap");
  sub->add_option("--before", args->before, "store mode: window before the event (e.g. 7d)");
  sub->add_option("--after", args->after, "store mode: window after the event");
  sub->add_option("--bin", args->bin, "store mode: bin width (1m and up)");
  sub->add_option("--outcome", args->outcome,
                  "store mode: items|items:<channel>|flows:<layer>|class:<class>|actor:<key>|"
                  "share:<layer>:<class>[:<target class>]; DiD: items[:<kind>[+<kind>...]][:except:<actor>]");
  sub->add_option("--treated", args->treated,
                  "DiD: retweeted:<actor>[:k], flows:<layer>:<actor>[:k] or actors:<file of keys>");
  sub->add_option("--es-bins", args->es_bins, "DiD: event-study bins per side");
  sub->add_flag("--json", args->json, "machine output");
  sub->callback([args] { RunEvent(*args); });
}

}  // namespace relais::cli
