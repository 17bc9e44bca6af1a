// Event studies, shared parts: model names, row helpers and the JSON form of a result (see event.hpp).
// The designs live in its.cpp, rd.cpp and did.cpp; placebo and bootstrap inference in placebo.cpp.
#include "relais/toolkit/analysis/event.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "event_internal.hpp"
#include "relais/base/error.hpp"

namespace relais::toolkit {

const char* EventModelName(EventModel m) {
  switch (m) {
    case EventModel::kOls:
      return "ols";
    case EventModel::kPoisson:
      return "poisson";
    case EventModel::kQuasiPoisson:
      return "quasipoisson";
  }
  return "?";
}

namespace event_detail {

nlohmann::json JsonNumber(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

Estimate EstimateOf(const RegressionFit& fit, std::size_t k) {
  Estimate e;
  e.estimate = fit.coef[k];
  e.se = fit.se[k];
  std::tie(e.lo, e.hi) = fit.Interval(k);
  e.p = fit.PValue(k);
  return e;
}

// Rows sorted by time; validates lengths and finiteness.
std::vector<std::size_t> SortedRows(const SeriesInput& in) {
  const std::size_t n = in.time.size();
  if (in.value.size() != n || (!in.offset.empty() && in.offset.size() != n) ||
      (!in.season.empty() && in.season.size() != n))
    throw Error(ErrorKind::kInternal, "series columns differ in length");
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(in.time[i]) || !std::isfinite(in.value[i]))
      throw Error(ErrorKind::kData, "series has a non-finite value at row " + std::to_string(i + 1));
    if (!in.offset.empty() && !(in.offset[i] > 0))
      throw Error(ErrorKind::kData,
                  "offset must be positive, row " + std::to_string(i + 1) + " has " + std::to_string(in.offset[i]));
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return in.time[a] < in.time[b]; });
  return order;
}

SeriesInput Subset(const SeriesInput& in, const std::vector<std::size_t>& rows) {
  SeriesInput out;
  out.at = in.at;
  for (auto r : rows) {
    out.time.push_back(in.time[r]);
    out.value.push_back(in.value[r]);
    if (!in.offset.empty()) out.offset.push_back(in.offset[r]);
    if (!in.season.empty()) out.season.push_back(in.season[r]);
  }
  return out;
}

void RequireBothSides(const SeriesInput& in, std::size_t min_side, const char* what) {
  std::size_t pre = 0, post = 0;
  for (double t : in.time) (t < in.at ? pre : post) += 1;
  if (pre < min_side || post < min_side)
    throw Error(ErrorKind::kData, std::string(what) + " needs at least " + std::to_string(min_side) +
                                      " observations on each side of the event; got " + std::to_string(pre) +
                                      " before and " + std::to_string(post) + " after");
}

}  // namespace event_detail

using event_detail::JsonNumber;

namespace {

nlohmann::json EstimateJson(const Estimate& e) {
  return {{"estimate", JsonNumber(e.estimate)},
          {"se", JsonNumber(e.se)},
          {"ci", {JsonNumber(e.lo), JsonNumber(e.hi)}},
          {"p", JsonNumber(e.p)}};
}

}  // namespace

nlohmann::json ToJson(const EventResult& r) {
  nlohmann::json j;
  j["design"] = r.design;
  j["model"] = r.model;
  j["n"] = r.n;
  j["level_change"] = EstimateJson(r.level);
  j["slope_change"] = r.slope ? EstimateJson(*r.slope) : nlohmann::json(nullptr);
  j["rate_ratio"] = {{"estimate", JsonNumber(r.rate_ratio)},
                     {"ci", {JsonNumber(r.rate_ratio_lo), JsonNumber(r.rate_ratio_hi)}}};
  j["dispersion"] = JsonNumber(r.dispersion);
  j["se_type"] = r.se_type;
  if (r.hac_lags >= 0) j["hac_lags"] = r.hac_lags;
  nlohmann::json coefs = nlohmann::json::array();
  for (std::size_t k = 0; k < r.terms.size(); ++k)
    coefs.push_back({{"term", r.terms[k]}, {"estimate", JsonNumber(r.coef[k])}, {"se", JsonNumber(r.se[k])}});
  j["coefficients"] = coefs;
  if (r.placebo) {
    j["placebo"] = {{"requested", r.placebo->requested},
                    {"fitted", r.placebo->estimates.size()},
                    {"times", r.placebo->times},
                    {"estimates", r.placebo->estimates},
                    {"permutation_p", r.placebo->permutation_p}};
  }
  if (r.bootstrap) {
    j["bootstrap"] = {{"replicates", r.bootstrap->replicates},
                      {"failed", r.bootstrap->failed},
                      {"block_length", r.bootstrap->block_length},
                      {"ci", {JsonNumber(r.bootstrap->lo), JsonNumber(r.bootstrap->hi)}}};
  }
  for (const auto& [k, v] : r.extra.items()) j[k] = v;
  return j;
}

}  // namespace relais::toolkit
