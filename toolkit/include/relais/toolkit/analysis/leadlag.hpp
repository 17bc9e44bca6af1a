// Lead–lag between two binned series: VAR lag order by AIC/BIC, Granger F tests both ways (the
// statsmodels grangercausalitytests "ssr_ftest"), transfer entropy on discretised series with a
// seeded permutation test (Schreiber 2000), the cross-correlation peak, and item-level latency
// distributions from a store's flows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/base/time.hpp"

namespace relais::corpora {
class Store;
}

namespace relais::toolkit {

struct VarOrderSelection {
  int aic = 0, bic = 0;
  std::vector<double> aic_values, bic_values;  // index = lag order 0..max_lag, same sample for all
};

/// statsmodels VAR(...).select_order(max_lag, trend="c"): log det Σ_mle + penalty·(p k² + k)/T.
VarOrderSelection SelectVarOrder(const std::vector<double>& a, const std::vector<double>& b, int max_lag);

struct GrangerResult {
  int lag = 0;
  double f = 0, p = 1, df_num = 0, df_den = 0;
  double ssr_restricted = 0, ssr_unrestricted = 0;
};

/// Does `cause` Granger-cause `effect` at `lag`? OLS of effect on its own lags (+const) versus own and
/// cause lags; F = ((SSR_r − SSR_u)/lag) / (SSR_u/(n − 2·lag − 1)) with n = T − lag.
GrangerResult GrangerTest(const std::vector<double>& effect, const std::vector<double>& cause, int lag);

struct TransferEntropyResult {
  double te = 0;  // bits, history length 1
  double p = 1;   // permutation p
  int permutations = 0;
};

/// TE(source → target) after discretising each series into `bins` equal-count bins (2 = above the
/// median or not). The permutation test shuffles the source series (seeded).
TransferEntropyResult TransferEntropy(const std::vector<double>& source, const std::vector<double>& target, int bins,
                                      int permutations, std::uint64_t seed);

struct CrossCorrelation {
  std::vector<int> lags;
  std::vector<double> values;  // corr(a_t, b_{t+lag})
  int peak_lag = 0;            // positive: a leads b
  double peak_value = 0;
};

CrossCorrelation CrossCorrelate(const std::vector<double>& a, const std::vector<double>& b, int max_lag);

struct LeadLagOptions {
  int max_lag = 48;
  std::string criterion = "aic";  // aic | bic: the lag used by the Granger tests
  int te_bins = 2;
  int permutations = 200;
  std::uint64_t seed = 1;
};

/// All of the above on two aligned series; JSON {n, max_lag, var_order{aic,bic,selected},
/// granger{a_to_b, b_to_a}, transfer_entropy{a_to_b, b_to_a}, cross_correlation{peak_lag, peak_value, …}}.
nlohmann::json AnalyzeLeadLag(const std::vector<double>& a, const std::vector<double>& b,
                              const LeadLagOptions& options);

/// Item-level latencies (hours) from flows: release → first press article, article → first social
/// post, post → first press article citing it. JSON {name: {n, median, q1, q3, mean}}.
nlohmann::json StoreLatencies(const corpora::Store& store);

/// Store mode of `relais leadlag`: series A and B binned from the store (a bare name is an actor
/// class, anything with ':' an outcome spec as BinStoreOutcome), analysed with `options` (max_lag is
/// set from `max_lag` / `bin`). Window defaults to the store's items. JSON of AnalyzeLeadLag plus
/// bin_ms, window, latency, a, b.
struct StoreLeadLagQuery {
  std::string a, b;
  DurationMs bin = 3'600'000, max_lag = 48 * 3'600'000;
  std::optional<TimeMs> from, to;
};
nlohmann::json StoreLeadLag(const corpora::Store& store, const StoreLeadLagQuery& query, LeadLagOptions options);

}  // namespace relais::toolkit
