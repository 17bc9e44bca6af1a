// The query service behind `relais serve`: routes GET requests to the journalists' queries.
#include <tbb/task_arena.h>

#include <charconv>
#include <thread>

#include <nlohmann/json.hpp>

#include "relais/base/error.hpp"
#include "relais/corpora/stats.hpp"
#include "relais/toolkit/analysis/series.hpp"
#include "relais/toolkit/flow_matrix.hpp"
#include "relais/toolkit/server.hpp"
#include "relais/toolkit/store_query.hpp"
#include "relais/toolkit/store_rank.hpp"
#include "relais/toolkit/who.hpp"

namespace relais::toolkit {
namespace {

/// A request the privacy rules refuse (HTTP 403).
struct Forbidden {
  std::string message;
};

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  return HttpResponse{status, "application/json", body.dump() + "\n"};
}

HttpResponse ErrorResponse(int status, const std::string& message) {
  return JsonResponse(status, nlohmann::json{{"error", message}});
}

std::string Param(const QueryParams& p, std::string_view name, std::string_view fallback = "") {
  auto it = p.find(name);
  return it == p.end() ? std::string(fallback) : it->second;
}

std::string RequiredParam(const QueryParams& p, std::string_view name) {
  std::string v = Param(p, name);
  if (v.empty()) throw Error(ErrorKind::kInvalidArgument, "missing query parameter \"" + std::string(name) + "\"");
  return v;
}

long long IntParam(const QueryParams& p, std::string_view name, long long fallback, long long lo, long long hi) {
  auto it = p.find(name);
  if (it == p.end() || it->second.empty()) return fallback;
  long long v = 0;
  const std::string& s = it->second;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi)
    throw Error(ErrorKind::kInvalidArgument, "parameter \"" + std::string(name) + "\" must be an integer in [" +
                                                 std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

bool BoolParam(const QueryParams& p, std::string_view name) {
  std::string v = Param(p, name);
  return v == "1" || v == "true" || v == "yes";
}

/// An actor named in a request: with pseudonymisation on, a non-public account may be named only by
/// its pseudonym, so that the server cannot be used to link a real handle to a pseudonym.
std::string CheckedActor(const corpora::Store& store, const std::string& key, bool pseudonymise) {
  ActorRow a = FindActor(store, key);
  if (pseudonymise && !a.is_public && key.rfind("anon-", 0) != 0)
    throw Forbidden{"\"" + key + "\" is not a public actor: ask by its pseudonym"};
  return key;
}

void ApplyWindow(const QueryParams& p, std::optional<TimeMs>& from, std::optional<TimeMs>& to) {
  if (auto f = Param(p, "from"); !f.empty()) from = ParseTimeOption(f, "from");
  if (auto t = Param(p, "to"); !t.empty()) to = ParseTimeOption(t, "to");
}

WhoOptions WhoOpts(const QueryParams& p, bool pseudonymise) {
  WhoOptions o;
  o.layers = ParseLayers(Param(p, "layers"));
  o.top = static_cast<int>(IntParam(p, "top", 20, 0, 10000));
  o.pseudonymise = pseudonymise;
  return o;
}

nlohmann::json Actors(const corpora::Store& store, const QueryParams& p, bool pseudonymise) {
  const std::string q = Param(p, "q");
  const auto limit = IntParam(p, "limit", 20, 1, 1000);
  std::string like;
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') like += '\\';
    like += c;
  }
  corpora::Statement st(store.db(),
                        std::string("SELECT key, coalesce(name,''), coalesce(actor_class,''), coalesce(region,''), "
                                    "public FROM actors WHERE (lower(key) LIKE lower(?1) ESCAPE '\\' OR "
                                    "lower(coalesce(name,'')) LIKE lower(?1) ESCAPE '\\')") +
                            (pseudonymise ? " AND public = 1" : "") + " ORDER BY key LIMIT ?2");
  st.Bind(1, "%" + like + "%").Bind(2, static_cast<std::int64_t>(limit));
  nlohmann::json out = nlohmann::json::array();
  while (st.Step())
    out.push_back({{"key", st.Text(0)},
                   {"name", st.Text(1)},
                   {"actor_class", st.Text(2)},
                   {"region", st.Text(3)},
                   {"public", st.Int(4) != 0}});
  return nlohmann::json{{"query", q}, {"actors", out}};
}

nlohmann::json Flows(const corpora::Store& store, const QueryParams& p, bool pseudonymise) {
  FlowMatrixOptions o;
  o.by = Param(p, "by", "class");
  if (o.by != "class" && o.by != "region" && o.by != "actor")
    throw Error(ErrorKind::kInvalidArgument, "parameter \"by\" must be class, region or actor");
  o.query.layers = ParseLayers(Param(p, "layers"));
  ApplyWindow(p, o.query.from, o.query.to);
  if (auto at = Param(p, "at"); !at.empty()) {
    o.at = ParseTimeOption(at, "at");
    o.before = ParseDurationOption(Param(p, "before", "30d"), "before");
    o.after = ParseDurationOption(Param(p, "after", "30d"), "after");
  }
  o.pseudonymise = pseudonymise;
  return ToJson(ComputeFlowMatrices(store, o), o);
}

nlohmann::json Rank(const corpora::Store& store, const QueryParams& p, const QueryServiceOptions& options) {
  StoreRankOptions o;
  o.rank.metric = graph::ParseMetric(Param(p, "metric", "pagerank"));
  if (auto d = Param(p, "damping"); !d.empty()) {
    try {
      o.rank.damping = std::stod(d);
    } catch (const std::exception&) {
      throw Error(ErrorKind::kInvalidArgument, "parameter \"damping\" must be a number");
    }
    if (!(o.rank.damping >= 0 && o.rank.damping < 1))
      throw Error(ErrorKind::kInvalidArgument, "parameter \"damping\" must be in [0, 1)");
  }
  o.rank.weighted = BoolParam(p, "weighted");
  o.query.layers = ParseLayers(Param(p, "layers"));
  o.query.by = ParseAggregation(Param(p, "by", "actor"));
  ApplyWindow(p, o.query.from, o.query.to);
  o.top = static_cast<std::size_t>(IntParam(p, "top", 20, 0, 100000));
  o.pseudonymise = options.pseudonymise;
  const int threads =
      options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  tbb::task_arena arena(threads);
  StoreRanking r = arena.execute([&] { return RankStore(store, o); });
  nlohmann::json out = ToJson(r);
  out["skipped_flows"] = r.skipped_flows;
  return out;
}

}  // namespace

QueryService::QueryService(const std::filesystem::path& store_dir, QueryServiceOptions options)
    : store_(corpora::Store::Open(store_dir, corpora::OpenMode::kReadOnly)), options_(options) {}

std::int64_t QueryService::DataVersion() const {
  corpora::Statement st(store_.db(), "PRAGMA data_version");
  return st.Step() ? st.Int(0) : -1;
}

HttpResponse QueryService::Get(std::string_view path, const QueryParams& params) const {
  constexpr std::size_t kCacheBytes = 64 << 20;
  std::lock_guard lock(mu_);
  try {
    const std::int64_t version = DataVersion();
    if (version != cache_version_) {
      cache_.clear();
      cache_bytes_ = 0;
      cache_version_ = version;
    }
    std::string key(path);
    for (const auto& [k, v] : params) key += "\n" + k + "=" + v;
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    HttpResponse r = Route(path, params);
    if (r.status == 200 && r.body.size() < kCacheBytes / 4) {
      if (cache_bytes_ + r.body.size() > kCacheBytes) {
        cache_.clear();
        cache_bytes_ = 0;
      }
      cache_bytes_ += r.body.size();
      cache_.emplace(std::move(key), r);
    }
    return r;
  } catch (const Forbidden& f) {
    return ErrorResponse(403, f.message);
  } catch (const Error& e) {
    const bool user = e.kind() == ErrorKind::kInvalidArgument;
    return ErrorResponse(user ? 400 : 500, e.what());
  } catch (const std::exception& e) {
    return ErrorResponse(500, std::string("internal error: ") + e.what());
  }
}

HttpResponse QueryService::Route(std::string_view path, const QueryParams& p) const {
  const bool pseudo = options_.pseudonymise;
  if (path == "/" || path == "/index.html")
    return HttpResponse{200, "text/html; charset=utf-8", std::string(WebPage())};
  if (path == "/api/stats")
    return HttpResponse{200, "application/json", corpora::StatsToJson(corpora::ComputeStats(store_)) + "\n"};
  if (path == "/api/actors") return JsonResponse(200, Actors(store_, p, pseudo));
  if (path == "/api/amplifiers")
    return JsonResponse(200,
                        AmplifiersOf(store_, CheckedActor(store_, RequiredParam(p, "of"), pseudo), WhoOpts(p, pseudo)));
  if (path == "/api/first-sharers")
    return JsonResponse(200, FirstSharers(store_, RequiredParam(p, "url"), WhoOpts(p, pseudo)));
  if (path == "/api/path") {
    std::string from = CheckedActor(store_, RequiredParam(p, "from"), pseudo);
    std::string to = CheckedActor(store_, RequiredParam(p, "to"), pseudo);
    return JsonResponse(200, StrongestPath(store_, from, to, WhoOpts(p, pseudo)));
  }
  if (path == "/api/flows") return JsonResponse(200, Flows(store_, p, pseudo));
  if (path == "/api/rank") return JsonResponse(200, Rank(store_, p, options_));
  return ErrorResponse(404, "no such endpoint: " + std::string(path));
}

}  // namespace relais::toolkit
