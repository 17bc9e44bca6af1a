// Lead–lag statistics (see leadlag.hpp).
#include "relais/toolkit/analysis/leadlag.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include "relais/base/error.hpp"
#include "relais/base/quantile.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/analysis/glm.hpp"
#include "relais/toolkit/analysis/random.hpp"

namespace relais::toolkit {

namespace {

void CheckPair(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) throw Error(ErrorKind::kInternal, "lead-lag series differ in length");
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) throw Error(ErrorKind::kData, "series has a non-finite value");
}

// Residual covariance (MLE, 2×2) of a VAR(p) fitted on rows [offset, T).
std::array<double, 4> VarResidualCov(const std::vector<double>& a, const std::vector<double>& b, int p,
                                     std::size_t first) {
  const std::size_t t_end = a.size();
  const std::size_t n = t_end - first;
  Matrix x(n, 1 + 2 * static_cast<std::size_t>(p));
  std::vector<double> ya(n), yb(n);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t t = first + r;
    x(r, 0) = 1;
    for (int l = 1; l <= p; ++l) {
      x(r, 1 + 2 * (l - 1)) = a[t - static_cast<std::size_t>(l)];
      x(r, 2 + 2 * (l - 1)) = b[t - static_cast<std::size_t>(l)];
    }
    ya[r] = a[t];
    yb[r] = b[t];
  }
  std::vector<double> ra, rb;
  if (p == 0) {
    const double ma = std::accumulate(ya.begin(), ya.end(), 0.0) / static_cast<double>(n);
    const double mb = std::accumulate(yb.begin(), yb.end(), 0.0) / static_cast<double>(n);
    for (std::size_t r = 0; r < n; ++r) {
      ra.push_back(ya[r] - ma);
      rb.push_back(yb[r] - mb);
    }
  } else {
    ra = FitOls(x, ya).resid;
    rb = FitOls(x, yb).resid;
  }
  long double saa = 0, sab = 0, sbb = 0;
  for (std::size_t r = 0; r < n; ++r) {
    saa += static_cast<long double>(ra[r]) * ra[r];
    sab += static_cast<long double>(ra[r]) * rb[r];
    sbb += static_cast<long double>(rb[r]) * rb[r];
  }
  const auto nn = static_cast<long double>(n);
  return {static_cast<double>(saa / nn), static_cast<double>(sab / nn), static_cast<double>(sab / nn),
          static_cast<double>(sbb / nn)};
}

std::vector<int> Discretise(const std::vector<double>& v, int bins) {
  const std::size_t n = v.size();
  std::vector<double> sorted(v);
  std::sort(sorted.begin(), sorted.end());
  // Cut points at the q/bins quantiles; a value goes to the number of cut points strictly below it
  // (so with many ties, e.g. zero counts, a tied value stays in the lower bin: 2 bins = x > median).
  std::vector<double> cuts;
  for (int q = 1; q < bins; ++q)
    cuts.push_back(sorted[std::min(n - 1, n * static_cast<std::size_t>(q) / static_cast<std::size_t>(bins))]);
  std::vector<int> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    int c = 0;
    for (double cut : cuts)
      if (v[i] > cut) ++c;
    out[i] = c;
  }
  return out;
}

double TransferEntropyBits(const std::vector<int>& x, const std::vector<int>& y, int bins) {
  const std::size_t n = y.size();
  const auto q = static_cast<std::size_t>(bins);
  std::vector<double> pxyz(q * q * q, 0), pyz(q * q, 0), py(q, 0), pyy(q * q, 0);
  // Joint counts of (y_{t+1}, y_t, x_t).
  for (std::size_t t = 0; t + 1 < n; ++t) {
    const auto y1 = static_cast<std::size_t>(y[t + 1]), y0 = static_cast<std::size_t>(y[t]),
               x0 = static_cast<std::size_t>(x[t]);
    pxyz[(y1 * q + y0) * q + x0] += 1;
    pyz[y0 * q + x0] += 1;
    py[y0] += 1;
    pyy[y1 * q + y0] += 1;
  }
  long double te = 0;
  const double m = static_cast<double>(n - 1);
  for (std::size_t y1 = 0; y1 < q; ++y1)
    for (std::size_t y0 = 0; y0 < q; ++y0)
      for (std::size_t x0 = 0; x0 < q; ++x0) {
        const double c = pxyz[(y1 * q + y0) * q + x0];
        if (c == 0) continue;
        // p(y1|y0,x0) / p(y1|y0) = (c / pyz) / (pyy / py)
        te += c / m * std::log2((c / pyz[y0 * q + x0]) / (pyy[y1 * q + y0] / py[y0]));
      }
  return static_cast<double>(te);
}

}  // namespace

VarOrderSelection SelectVarOrder(const std::vector<double>& a, const std::vector<double>& b, int max_lag) {
  CheckPair(a, b);
  if (max_lag < 1) ThrowInvalidArgument("--max-lag must cover at least one bin");
  const auto first = static_cast<std::size_t>(max_lag);
  if (a.size() <= first + 2 * static_cast<std::size_t>(max_lag) + 2)
    throw Error(ErrorKind::kData, "series of " + std::to_string(a.size()) + " bins is too short for " +
                                      std::to_string(max_lag) + " lags (shorten --max-lag or widen the window)");
  VarOrderSelection s;
  const double nobs = static_cast<double>(a.size() - first);
  for (int p = 0; p <= max_lag; ++p) {
    const auto c = VarResidualCov(a, b, p, first);
    const double det = c[0] * c[3] - c[1] * c[2];
    const double ld = det > 0 ? std::log(det) : -std::numeric_limits<double>::infinity();
    const double free_params = p * 4.0 + 2.0;
    s.aic_values.push_back(ld + 2.0 / nobs * free_params);
    s.bic_values.push_back(ld + std::log(nobs) / nobs * free_params);
  }
  s.aic = static_cast<int>(std::min_element(s.aic_values.begin(), s.aic_values.end()) - s.aic_values.begin());
  s.bic = static_cast<int>(std::min_element(s.bic_values.begin(), s.bic_values.end()) - s.bic_values.begin());
  return s;
}

GrangerResult GrangerTest(const std::vector<double>& effect, const std::vector<double>& cause, int lag) {
  CheckPair(effect, cause);
  if (lag < 1) ThrowInvalidArgument("Granger lag must be >= 1");
  const auto p = static_cast<std::size_t>(lag);
  if (effect.size() <= 3 * p + 2)
    throw Error(ErrorKind::kData, "series too short for a Granger test at lag " + std::to_string(lag));
  const std::size_t n = effect.size() - p;
  Matrix own(n, 1 + p), joint(n, 1 + 2 * p);
  std::vector<double> y(n);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t t = r + p;
    y[r] = effect[t];
    own(r, 0) = joint(r, 0) = 1;
    for (std::size_t l = 1; l <= p; ++l) {
      own(r, l) = joint(r, l) = effect[t - l];
      joint(r, p + l) = cause[t - l];
    }
  }
  const RegressionFit fr = FitOls(own, y), fu = FitOls(joint, y);
  GrangerResult g;
  g.lag = lag;
  g.ssr_restricted = fr.ssr;
  g.ssr_unrestricted = fu.ssr;
  g.df_num = static_cast<double>(p);
  g.df_den = fu.df_resid;
  g.f = (fr.ssr - fu.ssr) / fu.ssr / g.df_num * g.df_den;
  g.p = FSurvival(g.f, g.df_num, g.df_den);
  return g;
}

TransferEntropyResult TransferEntropy(const std::vector<double>& source, const std::vector<double>& target, int bins,
                                      int permutations, std::uint64_t seed) {
  CheckPair(source, target);
  if (bins < 2 || bins > 16) ThrowInvalidArgument("transfer entropy bins must be in 2..16");
  if (source.size() < 3) throw Error(ErrorKind::kData, "series too short for transfer entropy");
  auto x = Discretise(source, bins);
  const auto y = Discretise(target, bins);
  TransferEntropyResult r;
  r.te = TransferEntropyBits(x, y, bins);
  r.permutations = std::max(0, permutations);
  Rng rng(seed);
  int extreme = 0;
  for (int k = 0; k < r.permutations; ++k) {
    for (std::size_t i = x.size() - 1; i > 0; --i) std::swap(x[i], x[rng.Below(i + 1)]);
    if (TransferEntropyBits(x, y, bins) >= r.te - 1e-15) ++extreme;
  }
  r.p = static_cast<double>(1 + extreme) / static_cast<double>(1 + r.permutations);
  return r;
}

CrossCorrelation CrossCorrelate(const std::vector<double>& a, const std::vector<double>& b, int max_lag) {
  CheckPair(a, b);
  CrossCorrelation c;
  const auto n = static_cast<long>(a.size());
  for (long lag = -max_lag; lag <= max_lag; ++lag) {
    long double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    long m = 0;
    for (long t = std::max(0L, -lag); t < n && t + lag < n; ++t) {
      const long double x = a[static_cast<std::size_t>(t)], y = b[static_cast<std::size_t>(t + lag)];
      sa += x;
      sb += y;
      saa += x * x;
      sbb += y * y;
      sab += x * y;
      ++m;
    }
    if (m < 3) continue;
    const long double cov = sab - sa * sb / m, va = saa - sa * sa / m, vb = sbb - sb * sb / m;
    const double r = va > 0 && vb > 0 ? static_cast<double>(cov / std::sqrt(va * vb)) : 0.0;
    c.lags.push_back(static_cast<int>(lag));
    c.values.push_back(r);
    if (std::abs(r) > std::abs(c.peak_value)) {
      c.peak_value = r;
      c.peak_lag = static_cast<int>(lag);
    }
  }
  return c;
}

nlohmann::json AnalyzeLeadLag(const std::vector<double>& a, const std::vector<double>& b, const LeadLagOptions& o) {
  if (o.criterion != "aic" && o.criterion != "bic") ThrowInvalidArgument("--criterion must be aic or bic");
  const auto order = SelectVarOrder(a, b, o.max_lag);
  const int selected = std::max(1, o.criterion == "aic" ? order.aic : order.bic);
  auto granger = [](const GrangerResult& g) {
    return nlohmann::json{{"lag", g.lag}, {"F", g.f}, {"p", g.p}, {"df", {g.df_num, g.df_den}}};
  };
  auto te = [](const TransferEntropyResult& t) {
    return nlohmann::json{{"bits", t.te}, {"p", t.p}, {"permutations", t.permutations}};
  };
  const auto cc = CrossCorrelate(a, b, o.max_lag);
  nlohmann::json j;
  j["n"] = a.size();
  j["max_lag"] = o.max_lag;
  j["var_order"] = {{"aic", order.aic}, {"bic", order.bic}, {"criterion", o.criterion}, {"selected", selected}};
  j["granger"] = {{"a_to_b", granger(GrangerTest(b, a, selected))}, {"b_to_a", granger(GrangerTest(a, b, selected))}};
  j["transfer_entropy"] = {{"bins", o.te_bins},
                           {"a_to_b", te(TransferEntropy(a, b, o.te_bins, o.permutations, o.seed))},
                           {"b_to_a", te(TransferEntropy(b, a, o.te_bins, o.permutations, o.seed + 1))}};
  j["cross_correlation"] = {
      {"peak_lag", cc.peak_lag}, {"peak_value", cc.peak_value}, {"lags", cc.lags}, {"values", cc.values}};
  return j;
}

nlohmann::json StoreLatencies(const corpora::Store& store) {
  struct Kind {
    const char* name;
    const char* src_channel;
    const char* dst_channel;
  };
  static constexpr Kind kKinds[] = {{"release_to_first_article", "pr", "press"},
                                    {"article_to_first_post", "press", "social"},
                                    {"post_to_first_article", "social", "press"}};
  nlohmann::json j = nlohmann::json::object();
  for (const auto& k : kKinds) {
    // Per partition, the flows into its items of the derived channel (a local join); the source item
    // may be in any partition: its channel is checked by id on every partition. Minimum latency per
    // source item, in source item order (as GROUP BY f.src_item gave them).
    using Rows = std::vector<std::pair<std::int64_t, std::int64_t>>;
    const auto parts = corpora::MapPartitions<Rows>(store, [&](sqlite3* db, int) {
      Rows rows;
      corpora::Statement st(db,
                            "SELECT f.src_item, f.latency FROM flows f JOIN items d ON d.id = f.dst_item WHERE "
                            "d.channel = ?1 AND f.src_item IS NOT NULL AND f.latency IS NOT NULL AND f.latency >= 0");
      st.Bind(1, std::string_view(k.dst_channel));
      while (st.Step()) rows.emplace_back(st.Int(0), st.Int(1));
      return rows;
    });
    std::map<std::int64_t, std::int64_t> first;  // source item → minimum latency
    for (const Rows& rows : parts)
      for (const auto& [src, latency] : rows) {
        auto [it, inserted] = first.try_emplace(src, latency);
        if (!inserted) it->second = std::min(it->second, latency);
      }
    const auto found = corpora::MapPartitions<std::vector<std::int64_t>>(store, [&](sqlite3* db, int) {
      std::vector<std::int64_t> ids;
      corpora::Statement st(db, "SELECT 1 FROM items WHERE id = ?1 AND channel = ?2");
      for (const auto& [src, latency] : first) {
        st.Reset();
        st.Bind(1, src).Bind(2, std::string_view(k.src_channel));
        if (st.Step()) ids.push_back(src);
      }
      return ids;
    });
    std::set<std::int64_t> sources;
    for (const auto& ids : found) sources.insert(ids.begin(), ids.end());
    std::vector<double> hours;
    for (const auto& [src, latency] : first)
      if (sources.count(src)) hours.push_back(static_cast<double>(latency) / 3'600'000.0);
    if (hours.empty()) {
      j[k.name] = {{"n", 0}, {"median", nullptr}, {"q1", nullptr}, {"q3", nullptr}, {"mean", nullptr}};
      continue;
    }
    const double mean = std::accumulate(hours.begin(), hours.end(), 0.0) / static_cast<double>(hours.size());
    j[k.name] = {{"n", hours.size()},
                 {"median", Quantile(hours, 0.5)},
                 {"q1", Quantile(hours, 0.25)},
                 {"q3", Quantile(hours, 0.75)},
                 {"mean", mean},
                 {"unit", "hour"}};
  }
  return j;
}

}  // namespace relais::toolkit
