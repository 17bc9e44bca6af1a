// Store mode of lead-lag: the two series binned from the store, then AnalyzeLeadLag.
#include <algorithm>
#include <string>

#include "relais/toolkit/analysis/leadlag.hpp"
#include "relais/toolkit/analysis/series.hpp"

namespace relais::toolkit {

nlohmann::json StoreLeadLag(const corpora::Store& store, const StoreLeadLagQuery& q, LeadLagOptions o) {
  o.max_lag = static_cast<int>(std::max<DurationMs>(1, q.max_lag / q.bin));
  auto [first, last] = StoreTimeSpan(store);
  const TimeMs from = q.from.value_or(first);
  const TimeMs to = q.to.value_or(last + 1);
  if (to > from)
    CheckBinBudget(store, from, to, q.bin, kLeadLagBudget / static_cast<std::size_t>(o.max_lag),
                   " (" + std::to_string(kLeadLagBudget) + " / max lag " + std::to_string(o.max_lag) + " bins)");
  // A bare name is an actor class; anything with ':' is an outcome spec (flows:<layer>, actor:<key>…).
  auto spec = [](const std::string& s) { return s.find(':') == std::string::npos ? "class:" + s : s; };
  const auto a = BinStoreOutcome(store, spec(q.a), from, to, q.bin).values;
  const auto b = BinStoreOutcome(store, spec(q.b), from, to, q.bin).values;
  nlohmann::json j = AnalyzeLeadLag(a, b, o);
  j["bin_ms"] = q.bin;
  j["window"] = {FormatIso8601(from), FormatIso8601(to)};
  j["latency"] = StoreLatencies(store);
  j["a"] = q.a;
  j["b"] = q.b;
  return j;
}

}  // namespace relais::toolkit
