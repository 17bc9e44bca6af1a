// relais leadlag: who leads whom between two classes (store) or two columns (CSV series).
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/analysis/leadlag.hpp"
#include "relais/toolkit/analysis/series.hpp"

namespace relais::cli {

namespace {

struct LeadlagArgs {
  std::string store, series, a, b, bin = "1h", max_lag = "48h", from, to, criterion = "aic";
  int te_bins = 2, permutations = 200;
  std::uint64_t seed = 1;
  bool json = false;
};

void RunLeadlag(const LeadlagArgs& args) {
  if (args.store.empty() == args.series.empty()) ThrowInvalidArgument("give exactly one of --store and --series");
  if (args.a.empty() || args.b.empty()) ThrowInvalidArgument("leadlag needs --a and --b");
  toolkit::LeadLagOptions o;
  o.criterion = args.criterion;
  o.te_bins = args.te_bins;
  o.permutations = args.permutations;
  o.seed = args.seed;
  nlohmann::json j;
  std::size_t n = 0;
  if (!args.series.empty()) {
    const auto t = toolkit::ReadCsv(args.series);
    const auto a = toolkit::NumericColumn(t, t.Column(args.a));
    const auto b = toolkit::NumericColumn(t, t.Column(args.b));
    n = a.size();
    try {
      o.max_lag = std::stoi(args.max_lag);
    } catch (const std::exception&) {
      ThrowInvalidArgument("with --series, --max-lag is a number of rows, got \"" + args.max_lag + "\"");
    }
    j = toolkit::AnalyzeLeadLag(a, b, o);
  } else {
    const auto store = corpora::Store::Open(args.store, corpora::OpenMode::kReadOnly);
    toolkit::StoreLeadLagQuery q;
    q.a = args.a;
    q.b = args.b;
    q.bin = toolkit::ParseDurationOption(args.bin, "--bin");
    q.max_lag = toolkit::ParseDurationOption(args.max_lag, "--max-lag");
    if (!args.from.empty()) q.from = toolkit::ParseTimeOption(args.from, "--from");
    if (!args.to.empty()) q.to = toolkit::ParseTimeOption(args.to, "--to");
    j = toolkit::StoreLeadLag(store, q, o);
    o.max_lag = j["max_lag"].get<int>();
    n = j["n"].get<std::size_t>();
  }
  j["a"] = args.a;  // StoreLeadLag sets them too
  j["b"] = args.b;
  if (args.json) {
    std::cout << WithRanks(j.dump(), 1) << "\n";
    return;
  }
  std::printf("lead-lag %s vs %s over %zu bins (max lag %d)\n", args.a.c_str(), args.b.c_str(), n, o.max_lag);
  std::printf("VAR order: AIC %d, BIC %d (Granger at lag %d)\n", j["var_order"]["aic"].get<int>(),
              j["var_order"]["bic"].get<int>(), j["var_order"]["selected"].get<int>());
  for (const char* dir : {"a_to_b", "b_to_a"}) {
    const auto& g = j["granger"][dir];
    const auto& te = j["transfer_entropy"][dir];
    std::printf("%s: Granger F %.4g p %.3g; transfer entropy %.4g bits p %.3g\n", dir, g["F"].get<double>(),
                g["p"].get<double>(), te["bits"].get<double>(), te["p"].get<double>());
  }
  std::printf("cross-correlation peak: lag %d (positive = a leads), r = %.4f\n",
              j["cross_correlation"]["peak_lag"].get<int>(), j["cross_correlation"]["peak_value"].get<double>());
  if (j.contains("latency"))
    for (const auto& [name, d] : j["latency"].items())
      if (d["n"].get<std::size_t>() > 0)
        std::printf("%s: n %zu, median %.3g h [q1 %.3g, q3 %.3g]\n", name.c_str(), d["n"].get<std::size_t>(),
                    d["median"].get<double>(), d["q1"].get<double>(), d["q3"].get<double>());
}

}  // namespace

void RegisterLeadlag(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<LeadlagArgs>();
  auto* sub = app.add_subcommand("leadlag", "lead-lag: Granger, transfer entropy, cross-correlation, latencies");
  sub->add_option("--store", args->store, "store folder");
  sub->add_option("--series", args->series, "CSV with one column per series");
  sub->add_option("--a", args->a, "class (or outcome spec) / column A");
  sub->add_option("--b", args->b, "class (or outcome spec) / column B");
  sub->add_option("--bin", args->bin, "store mode: bin width");
  sub->add_option("--max-lag", args->max_lag, "longest lag (duration in store mode, rows with --series)");
  sub->add_option("--from", args->from, "store mode: window start");
  sub->add_option("--to", args->to, "store mode: window end");
  sub->add_option("--criterion", args->criterion, "aic|bic: VAR order used by the Granger tests");
  sub->add_option("--te-bins", args->te_bins, "transfer entropy: equal-count bins per series (2 = binarised)");
  sub->add_option("--permutations", args->permutations, "transfer entropy permutation test size");
  sub->add_option("--seed", args->seed, "permutation seed");
  sub->add_flag("--json", args->json, "machine output");
  sub->callback([args] { RunLeadlag(*args); });
}

}  // namespace relais::cli
