// The query service behind `relais serve`: routes GET requests to the journalists' queries.
//
// A request is first parsed and validated into a Job (its canonical key and the computation); the key
// is looked up in the answer cache; on a miss the computation runs on one of the pool's read-only
// connections inside a read transaction, under a deadline enforced by SQLite's progress handler.
#include <sqlite3.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "relais/base/error.hpp"
#include "relais/base/threads.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/search_index.hpp"
#include "relais/corpora/stats.hpp"
#include "relais/corpora/url.hpp"
#include "relais/toolkit/analysis/series.hpp"
#include "relais/toolkit/flow_matrix.hpp"
#include "relais/toolkit/region_map.hpp"
#include "relais/toolkit/server.hpp"
#include "relais/toolkit/store_query.hpp"
#include "relais/toolkit/store_rank.hpp"
#include "relais/toolkit/who.hpp"

namespace relais::toolkit {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// Caps on what one request may ask for.
constexpr long long kMaxTop = 1000;
constexpr long long kMaxActorsLimit = 100;
constexpr long long kMaxFlowCells = 5000;
constexpr std::size_t kMaxParamBytes = 2048;
// Exact betweenness is O(nm): above this many nodes it is sampled (ε below).
constexpr std::size_t kExactBetweennessMaxNodes = 5000;
constexpr double kSampledBetweennessEpsilon = 0.02;
// In-memory graph views kept for /api/rank (the server never writes the store's cache/ folder).
constexpr std::size_t kMaxGraphViews = 4;

/// A computation stopped by its deadline (HTTP 503).
struct Timeout {};
/// A path with no endpoint (HTTP 404).
struct NotFound {};

HttpResponse JsonResponse(int status, const json& body) {
  // Invalid UTF-8 never reaches here (parameters are checked, the store holds valid text), but a
  // replacement character is better than an exception and an empty 500.
  return HttpResponse{status, "application/json", body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"};
}

HttpResponse ErrorResponse(int status, const std::string& message) {
  return JsonResponse(status, json{{"error", message}});
}

/// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

/// Lower case, Latin diacritics removed (é → e, œ → oe), everything but letters and digits dropped:
/// the form in which actor searches compare keys and names.
std::string FoldForMatch(std::string_view s) {
  static const std::pair<const char*, const char*> kLatin[] = {
      {"àáâãäå", "a"}, {"ç", "c"},      {"èéêë", "e"}, {"ìíîï", "i"}, {"ñ", "n"},    {"òóôõöø", "o"}, {"ùúûü", "u"},
      {"ýÿ", "y"},     {"ÀÁÂÃÄÅ", "a"}, {"Ç", "c"},    {"ÈÉÊË", "e"}, {"ÌÍÎÏ", "i"}, {"Ñ", "n"},      {"ÒÓÔÕÖØ", "o"},
      {"ÙÚÛÜ", "u"},   {"Ý", "y"},      {"œŒ", "oe"},  {"æÆ", "ae"},  {"ß", "ss"}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) out += static_cast<char>(c);
      if (c >= 'A' && c <= 'Z') out += static_cast<char>(c + 32);
      ++i;
      continue;
    }
    const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    const std::string_view ch = s.substr(i, n);
    const char* folded = nullptr;
    for (const auto& [from, to] : kLatin)
      if (std::string_view(from).find(ch) != std::string_view::npos && ch.size() == 2) folded = to;
    if (folded) {
      out += folded;
    } else if (n > 1 && c != 0xC2 && !(c == 0xE2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80)) {
      out += ch;  // other letters as they are; Latin-1 symbols (U+0080–U+00BF) and U+2000–U+203F dropped
    }
    i += n;
  }
  return out;
}

[[noreturn]] void BadParam(std::string_view name, const std::string& what) {
  throw Error(ErrorKind::kInvalidArgument, "parameter \"" + std::string(name) + "\" " + what);
}

std::string Param(const QueryParams& p, std::string_view name, std::string_view fallback = "") {
  auto it = p.find(name);
  if (it == p.end() || it->second.empty()) return std::string(fallback);
  if (it->second.size() > kMaxParamBytes) BadParam(name, "is too long");
  return it->second;
}

std::string RequiredParam(const QueryParams& p, std::string_view name) {
  std::string v = Param(p, name);
  if (v.empty()) throw Error(ErrorKind::kInvalidArgument, "missing query parameter \"" + std::string(name) + "\"");
  return v;
}

long long IntParam(const QueryParams& p, std::string_view name, long long fallback, long long lo, long long hi) {
  std::string s = Param(p, name);
  if (s.empty()) return fallback;
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi)
    BadParam(name, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

bool BoolParam(const QueryParams& p, std::string_view name, bool fallback) {
  std::string v = Param(p, name);
  if (v.empty()) return fallback;
  if (v == "1" || v == "true" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "no") return false;
  BadParam(name, "must be 1 or 0");
}

std::optional<double> DoubleParam(const QueryParams& p, std::string_view name) {
  std::string s = Param(p, name);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) BadParam(name, "must be a number");
  return v;
}

/// at/before/after: the event's date and the windows around it (30 days each by default); before
/// and after without at are refused (they would silently mean one window).
void ParseEvent(const QueryParams& p, std::optional<TimeMs>& at, DurationMs& before, DurationMs& after) {
  const std::string b = Param(p, "before"), a = Param(p, "after");
  if (auto date = Param(p, "at"); !date.empty()) {
    at = ParseTimeOption(date, "at");
    before = ParseDurationOption(b.empty() ? "30d" : b, "before");
    after = ParseDurationOption(a.empty() ? "30d" : a, "after");
  } else if (!b.empty() || !a.empty()) {
    throw Error(ErrorKind::kInvalidArgument, "\"before\" and \"after\" need the event's date \"at\"");
  }
}

/// from/to (the window on the derived item's time): from must be before to.
void ParseWindow(const QueryParams& p, std::optional<TimeMs>& from, std::optional<TimeMs>& to) {
  if (auto f = Param(p, "from"); !f.empty()) from = ParseTimeOption(f, "from");
  if (auto t = Param(p, "to"); !t.empty()) to = ParseTimeOption(t, "to");
  if (from && to && *from >= *to)
    throw Error(ErrorKind::kInvalidArgument,
                "\"from\" (" + FormatIso8601(*from) + ") must be before \"to\" (" + FormatIso8601(*to) + ")");
}

json OptTime(const std::optional<TimeMs>& t) { return t ? json(*t) : json(nullptr); }

/// One read-only connection and the deadline of the computation running on it.
struct Worker {
  explicit Worker(corpora::Store s) : store(std::move(s)) {}
  ~Worker() { corpora::SetPartitionProgressHandler(store.db(), nullptr, nullptr); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  corpora::Store store;
  Clock::time_point deadline = Clock::time_point::max();
  std::atomic<bool> interrupted = false;  // set by ProgressHandler, also from partition connections
};

/// The name of an actor by id ("" when none).
std::string ActorName(const Worker& w, std::int64_t id) {
  corpora::Statement st(w.store.db(), "SELECT coalesce(name, '') FROM actors WHERE id = ?");
  st.Bind(1, id);
  return st.Step() ? st.Text(0) : std::string();
}

int ProgressHandler(void* p) {
  auto* w = static_cast<Worker*>(p);
  if (Clock::now() < w->deadline) return 0;
  w->interrupted = true;
  return 1;  // SQLite stops the statement with SQLITE_INTERRUPT
}

}  // namespace

// A parsed, validated request: its cache key and the computation.
struct Job {
  json key;
  std::function<HttpResponse(Worker&)> run;
};

struct QueryService::Impl {
  std::filesystem::path dir;
  QueryServiceOptions options;

  // data_version is per connection: one connection does nothing but watch it, over the catalog
  // and every partition (Store::ChangeStamp).
  std::mutex version_mu;
  std::optional<corpora::Store> version_store;
  std::string last_change_stamp;
  std::int64_t generation = 0;

  std::mutex pool_mu;
  std::condition_variable pool_cv;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<Worker*> idle;

  // LRU answer cache; the cost of an entry is its key, its body and a fixed overhead.
  struct Entry {
    std::string key;
    std::shared_ptr<const HttpResponse> response;
    std::size_t cost = 0;
  };
  mutable std::mutex cache_mu;
  std::list<Entry> lru;  // most recent first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index;
  std::size_t cache_bytes = 0;
  std::int64_t cache_generation = 0;

  // Pseudonym → actor key for every non-public actor, built once per generation.
  std::mutex anon_mu;
  std::shared_ptr<const std::unordered_map<std::string, std::string>> anon;
  std::int64_t anon_generation = -1;

  // Graph views for /api/rank, per generation, at most kMaxGraphViews (least recently used out).
  std::mutex views_mu;
  std::list<std::pair<std::string, std::shared_ptr<const GraphView>>> views;
  std::int64_t views_generation = -1;

  std::int64_t Generation();
  std::shared_ptr<const HttpResponse> CacheFind(const std::string& key, std::int64_t gen);
  void CachePut(std::string key, const HttpResponse& r, std::int64_t generation);
  HttpResponse Run(const Job& job);
  Job Prepare(std::string_view path, const QueryParams& p, std::int64_t gen);

  ActorRow ResolveActor(Worker& w, const std::string& name, std::int64_t gen);
  std::shared_ptr<const GraphView> View(Worker& w, const GraphQuery& q, std::int64_t gen);
};

std::int64_t QueryService::Impl::Generation() {
  std::lock_guard lock(version_mu);
  std::string v = version_store->ChangeStamp();
  if (v != last_change_stamp) {
    last_change_stamp = std::move(v);
    ++generation;
  }
  return generation;
}

std::shared_ptr<const HttpResponse> QueryService::Impl::CacheFind(const std::string& key, std::int64_t gen) {
  std::lock_guard lock(cache_mu);
  if (cache_generation != gen) return nullptr;
  auto it = index.find(key);
  if (it == index.end()) return nullptr;
  lru.splice(lru.begin(), lru, it->second);
  return it->second->response;
}

void QueryService::Impl::CachePut(std::string key, const HttpResponse& r, std::int64_t gen) {
  const std::size_t cost = key.size() + r.body.size() + r.content_type.size() + 160;
  if (cost > options.cache_bytes / 4) return;
  std::lock_guard lock(cache_mu);
  if (gen != cache_generation) {
    if (gen < cache_generation) return;  // computed on older data
    lru.clear();
    index.clear();
    cache_bytes = 0;
    cache_generation = gen;
  }
  if (index.count(key)) return;
  while (!lru.empty() && cache_bytes + cost > options.cache_bytes) {
    index.erase(lru.back().key);
    cache_bytes -= lru.back().cost;
    lru.pop_back();
  }
  lru.push_front(Entry{std::move(key), std::make_shared<const HttpResponse>(r), cost});
  index.emplace(lru.front().key, lru.begin());
  cache_bytes += cost;
}

HttpResponse QueryService::Impl::Run(const Job& job) {
  Worker* w = nullptr;
  {
    std::unique_lock lock(pool_mu);
    pool_cv.wait(lock, [&] { return !idle.empty(); });
    w = idle.back();
    idle.pop_back();
  }
  struct Release {
    Impl* impl;
    Worker* w;
    ~Release() {
      w->deadline = Clock::time_point::max();
      if (!sqlite3_get_autocommit(w->store.db())) sqlite3_exec(w->store.db(), "ROLLBACK", nullptr, nullptr, nullptr);
      std::lock_guard lock(impl->pool_mu);
      impl->idle.push_back(w);
      impl->pool_cv.notify_one();
    }
  } release{this, w};
  w->interrupted = false;
  w->deadline = options.query_timeout_ms > 0 ? Clock::now() + std::chrono::milliseconds(options.query_timeout_ms)
                                             : Clock::time_point::max();
  try {
    w->store.Exec("BEGIN");  // one snapshot for every statement of the computation
    HttpResponse r = job.run(*w);
    w->store.Exec("COMMIT");
    return r;
  } catch (const Error&) {
    if (w->interrupted) throw Timeout{};
    throw;
  }
}

ActorRow QueryService::Impl::ResolveActor(Worker& w, const std::string& name, std::int64_t gen) {
  const bool pseudo = options.pseudonymise;
  auto unknown = [&]() -> Error {
    return Error(ErrorKind::kInvalidArgument,
                 "no " + std::string(pseudo ? "public actor" : "actor") + " \"" + name +
                     "\" in the store (give a handle like @varmatin, a domain" +
                     (pseudo ? ", or an account's pseudonym anon-…)" : ", an actor key or a pseudonym anon-…)"));
  };
  if (name.rfind("anon-", 0) == 0) {
    std::shared_ptr<const std::unordered_map<std::string, std::string>> map;
    {
      std::lock_guard lock(anon_mu);
      if (anon_generation != gen || !anon) {
        auto m = std::make_shared<std::unordered_map<std::string, std::string>>();
        corpora::Statement st(w.store.db(), "SELECT key FROM actors WHERE public = 0");
        while (st.Step()) {
          std::string k = st.Text(0);
          m->emplace(w.store.Pseudonym(k), std::move(k));
        }
        anon = std::move(m);
        anon_generation = gen;
      }
      map = anon;
    }
    auto it = map->find(name);
    if (it == map->end()) throw unknown();
    return FindActor(w.store, it->second);
  }
  ActorRow a;
  try {
    a = FindActor(w.store, name);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInvalidArgument) throw unknown();
    throw;
  }
  // A non-public account named by its handle or name answers exactly as an unknown one: otherwise
  // anyone could test whether a person is in the corpus, or link a handle to its pseudonym.
  if (pseudo && !a.is_public) throw unknown();
  return a;
}

std::shared_ptr<const GraphView> QueryService::Impl::View(Worker& w, const GraphQuery& q, std::int64_t gen) {
  const std::string key = GraphQueryKey(q);
  {
    std::lock_guard lock(views_mu);
    if (views_generation != gen) {
      views.clear();
      views_generation = gen;
    }
    for (auto it = views.begin(); it != views.end(); ++it)
      if (it->first == key) {
        views.splice(views.begin(), views, it);
        return views.front().second;
      }
  }
  auto v = std::make_shared<const GraphView>(BuildGraphView(w.store, q, /*use_cache=*/false));
  std::lock_guard lock(views_mu);
  if (views_generation == gen) {
    views.emplace_front(key, v);
    while (views.size() > kMaxGraphViews) views.pop_back();
  }
  return v;
}

Job QueryService::Impl::Prepare(std::string_view path, const QueryParams& p, std::int64_t gen) {
  const bool pseudo = options.pseudonymise;
  auto who_options = [&](json& key) {
    WhoOptions o;
    o.layers = ParseLayers(Param(p, "layers"));
    std::sort(o.layers.begin(), o.layers.end());
    o.top = static_cast<int>(IntParam(p, "top", 20, 1, kMaxTop));
    o.pseudonymise = pseudo;
    key.push_back(o.layers);
    key.push_back(o.top);
    return o;
  };
  Job job;
  job.key = json::array({std::string(path)});
  if (path == "/api/stats") {
    job.run = [](Worker& w) {
      return HttpResponse{200, "application/json", corpora::StatsToJson(corpora::ComputeStats(w.store)) + "\n"};
    };
  } else if (path == "/api/actors") {
    std::string q = Param(p, "q");
    const auto limit = IntParam(p, "limit", 20, 1, kMaxActorsLimit);
    job.key.push_back(q);
    job.key.push_back(limit);
    job.run = [q, limit, pseudo](Worker& w) {
      // Matched on folded forms: case, diacritics, punctuation, hyphens and spaces ignored, so
      // "energie" finds "Alto Énergie" and "ouest france" finds "ouest-france.fr".
      const std::string needle = FoldForMatch(q);
      if (needle.empty() && !q.empty()) return JsonResponse(200, json{{"query", q}, {"actors", json::array()}});
      corpora::Statement st(w.store.db(),
                            std::string("SELECT key, coalesce(name,''), coalesce(actor_class,''), coalesce(region,''), "
                                        "public FROM actors") +
                                (pseudo ? " WHERE public = 1" : "") + " ORDER BY key");
      std::vector<std::pair<int, json>> found;  // (0 = key or name starts with the query, json)
      while (st.Step()) {
        const std::string key = FoldForMatch(st.TextView(0)), name = FoldForMatch(st.TextView(1));
        const auto k = key.find(needle), n = name.find(needle);
        if (k == std::string::npos && n == std::string::npos) continue;
        found.emplace_back(k == 0 || n == 0 ? 0 : 1, json{{"key", st.Text(0)},
                                                          {"name", st.Text(1)},
                                                          {"actor_class", st.Text(2)},
                                                          {"region", st.Text(3)},
                                                          {"public", st.Int(4) != 0}});
      }
      std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      json out = json::array();
      for (std::size_t i = 0; i < found.size() && static_cast<long long>(i) < limit; ++i)
        out.push_back(std::move(found[i].second));
      return JsonResponse(200, json{{"query", q}, {"actors", out}});
    };
  } else if (path == "/api/amplifiers") {
    std::string of = RequiredParam(p, "of");
    job.key.push_back(of);
    WhoOptions o = who_options(job.key);
    job.run = [this, of, o, gen](Worker& w) {
      return JsonResponse(200, AmplifiersOf(w.store, ResolveActor(w, of, gen).key, o));
    };
  } else if (path == "/api/first-sharers") {
    std::string url = corpora::CanonicalizeUrl(RequiredParam(p, "url"));
    if (url.empty()) BadParam("url", "must be an http(s) URL");
    job.key.push_back(url);
    WhoOptions o = who_options(job.key);
    job.run = [url, o](Worker& w) { return JsonResponse(200, FirstSharers(w.store, url, o)); };
  } else if (path == "/api/path") {
    std::string from = RequiredParam(p, "from"), to = RequiredParam(p, "to");
    job.key.push_back(from);
    job.key.push_back(to);
    WhoOptions o = who_options(job.key);
    job.run = [this, from, to, o, gen](Worker& w) {
      return JsonResponse(200, StrongestPath(w.store, ResolveActor(w, from, gen).key, ResolveActor(w, to, gen).key, o));
    };
  } else if (path == "/api/flows") {
    FlowMatrixOptions o;
    o.by = Param(p, "by", "class");
    if (o.by != "class" && o.by != "region" && o.by != "actor") BadParam("by", "must be class, region or actor");
    o.query.layers = ParseLayers(Param(p, "layers"));  // echoed in the answer as given
    std::vector<std::string> sorted_layers = o.query.layers;
    std::sort(sorted_layers.begin(), sorted_layers.end());
    ParseWindow(p, o.query.from, o.query.to);
    ParseEvent(p, o.at, o.before, o.after);
    o.pseudonymise = pseudo;
    // by=actor matrices can hold millions of cells: they are paged, largest cells first.
    const long long limit = IntParam(p, "limit", 500, 1, kMaxFlowCells);
    const long long offset = IntParam(p, "offset", 0, 0, 1LL << 40);
    job.key.push_back(o.by);
    job.key.push_back(o.query.layers);
    job.key.push_back(sorted_layers);
    job.key.push_back(OptTime(o.query.from));
    job.key.push_back(OptTime(o.query.to));
    job.key.push_back(OptTime(o.at));
    job.key.push_back(o.before);
    job.key.push_back(o.after);
    if (o.by == "actor") {
      job.key.push_back(limit);
      job.key.push_back(offset);
    }
    job.run = [o, limit, offset](Worker& w) {
      json j = ToJson(ComputeFlowMatrices(w.store, o), o);
      if (o.by != "actor") return JsonResponse(200, j);
      auto page = [&](json& rows, auto weight) {
        std::stable_sort(rows.begin(), rows.end(), [&](const json& a, const json& b) { return weight(a) > weight(b); });
        const auto total = rows.size();
        const auto begin = std::min<std::size_t>(total, static_cast<std::size_t>(offset));
        const auto end = std::min<std::size_t>(total, begin + static_cast<std::size_t>(limit));
        rows = json(std::vector<json>(rows.begin() + static_cast<std::ptrdiff_t>(begin),
                                      rows.begin() + static_cast<std::ptrdiff_t>(end)));
        return total;
      };
      for (auto& win : j["windows"]) {
        win["cells_total"] = page(win["cells"], [](const json& c) { return c["count"].get<std::int64_t>(); });
        win["groups_total"] = win["groups"].size();
        win.erase("groups");
      }
      if (j.contains("difference"))
        j["difference_total"] = page(j["difference"], [](const json& d) {
          const auto diff = d["count_after"].get<std::int64_t>() - d["count_before"].get<std::int64_t>();
          return diff < 0 ? -diff : diff;
        });
      j["limit"] = limit;
      j["offset"] = offset;
      return JsonResponse(200, j);
    };
  } else if (path == "/api/region-map") {
    // The choropleth of /api/flows?by=region: flows by the région of their source or of their relay.
    const std::string side = Param(p, "side", "relay");
    if (side != "relay" && side != "source") BadParam("side", "must be relay or source");
    FlowMatrixOptions o;
    o.by = "region";
    o.query.layers = ParseLayers(Param(p, "layers"));
    std::sort(o.query.layers.begin(), o.query.layers.end());
    ParseWindow(p, o.query.from, o.query.to);
    job.key.push_back(side);
    job.key.push_back(o.query.layers);
    job.key.push_back(OptTime(o.query.from));
    job.key.push_back(OptTime(o.query.to));
    job.run = [o, side](Worker& w) {
      const auto c = ComputeFlowMatrices(w.store, o);
      const auto values = RegionTotals(c.windows.front(), side == "source" ? RegionSide::kSource : RegionSide::kRelay);
      const std::string title = side == "source" ? "flux par région de la source" : "flux par région du relais";
      return JsonResponse(
          200,
          json{{"side", side}, {"title", title}, {"values", values}, {"svg", SvgRegionMap(title, values, "flux")}});
    };
  } else if (path == "/api/flow-evidence") {
    // The flows behind a cell of /api/flows (a row or a column when one side is left out).
    const std::string by = Param(p, "by", "class");
    if (by != "class" && by != "region" && by != "actor") BadParam("by", "must be class, region or actor");
    const std::string source = Param(p, "source"), target = Param(p, "target");
    if (source.empty() && target.empty())
      throw Error(ErrorKind::kInvalidArgument, "give \"source\", \"target\" or both (groups of /api/flows)");
    FlowEvidenceQuery q;
    q.by = by;
    q.query.layers = ParseLayers(Param(p, "layers"));
    std::sort(q.query.layers.begin(), q.query.layers.end());
    ParseWindow(p, q.query.from, q.query.to);
    q.limit = static_cast<int>(IntParam(p, "limit", 20, 1, kMaxActorsLimit));
    if (!source.empty()) q.source = source;
    if (!target.empty()) q.target = target;
    job.key.push_back(by);
    job.key.push_back(source);
    job.key.push_back(target);
    job.key.push_back(q.query.layers);
    job.key.push_back(OptTime(q.query.from));
    job.key.push_back(OptTime(q.query.to));
    job.key.push_back(q.limit);
    job.run = [this, q, gen, pseudo](Worker& w) mutable {
      if (q.by == "actor") {
        if (q.source) q.source_actor = ResolveActor(w, *q.source, gen).id;
        if (q.target) q.target_actor = ResolveActor(w, *q.target, gen).id;
      }
      json out = FlowEvidence(w.store, q, pseudo);
      out["source"] = q.source ? json(*q.source) : json(nullptr);
      out["target"] = q.target ? json(*q.target) : json(nullptr);
      return JsonResponse(200, out);
    };
  } else if (path == "/api/meta") {
    job.run = [pseudo](Worker& w) {
      return JsonResponse(200, json{{"pseudonymised", pseudo}, {"search_index", corpora::HasSearchIndex(w.store)}});
    };
  } else if (path == "/api/search") {
    std::string q = RequiredParam(p, "q");
    if (corpora::SearchExpression(q).empty()) BadParam("q", "holds no word to search for");
    const auto limit = IntParam(p, "limit", 50, 1, kMaxActorsLimit);
    job.key.push_back(q);
    job.key.push_back(limit);
    job.run = [q, limit, pseudo](Worker& w) {
      return JsonResponse(200, SearchJson(w.store, q, static_cast<int>(limit), pseudo));
    };
  } else if (path == "/api/timeline") {
    std::string of = Param(p, "of"), url = Param(p, "url"), cls = Param(p, "class");
    if ((!of.empty()) + (!url.empty()) + (!cls.empty()) != 1)
      throw Error(ErrorKind::kInvalidArgument, "give exactly one of \"of\" (an actor), \"url\" or \"class\"");
    if (!url.empty()) {
      url = corpora::CanonicalizeUrl(url);
      if (url.empty()) BadParam("url", "must be an http(s) URL");
    }
    TimelineQuery t;
    t.url = url;
    t.actor_class = cls;
    ParseEvent(p, t.at, t.before, t.after);
    const std::string bin = Param(p, "bin");
    if (!bin.empty()) {
      if (bin != "1h" && bin != "1d") BadParam("bin", "must be 1h or 1d");
      t.bin = bin == "1h" ? 3600000 : 86400000;
    }
    job.key.push_back(of);
    job.key.push_back(url);
    job.key.push_back(cls);
    job.key.push_back(OptTime(t.at));
    job.key.push_back(t.before);
    job.key.push_back(t.after);
    job.key.push_back(t.bin);
    job.run = [this, of, t, gen, pseudo](Worker& w) mutable {
      if (!of.empty()) t.actor = ResolveActor(w, of, gen);
      return JsonResponse(200, TimelineJson(w.store, t, pseudo));
    };
  } else if (path == "/api/rank") {
    StoreRankOptions o;
    o.rank.metric = graph::ParseMetric(Param(p, "metric", "pagerank"));
    if (auto d = DoubleParam(p, "damping")) {
      if (!(*d >= 0 && *d < 1)) BadParam("damping", "must be in [0, 1)");
      o.rank.damping = *d;
    }
    o.query.layers = ParseLayers(Param(p, "layers"));
    std::sort(o.query.layers.begin(), o.query.layers.end());
    o.query.by = ParseAggregation(Param(p, "by", "actor"));
    // Classes and regions are few nodes joined by many flows: unweighted, every class would score
    // alike (1/9 each), so weighting by the number of flows is their default.
    o.rank.weighted = BoolParam(p, "weighted", o.query.by == Aggregation::kClass || o.query.by == Aggregation::kRegion);
    ParseWindow(p, o.query.from, o.query.to);
    o.top = static_cast<std::size_t>(IntParam(p, "top", 20, 1, kMaxTop));
    o.pseudonymise = pseudo;
    job.key.push_back(graph::MetricName(o.rank.metric));
    job.key.push_back(o.rank.damping);
    job.key.push_back(o.rank.weighted);
    job.key.push_back(GraphQueryKey(o.query));
    job.key.push_back(o.top);
    job.run = [this, o, gen, pseudo](Worker& w) mutable {
      auto view = View(w, o.query, gen);
      const bool sampled = o.rank.metric == graph::Metric::kBetweenness &&
                           view->graph.num_nodes() > kExactBetweennessMaxNodes && o.rank.epsilon == 0;
      if (sampled) o.rank.epsilon = kSampledBetweennessEpsilon;
      const int threads = ThreadCountOrDefault(options.threads);
      tbb::task_arena arena(threads);
      StoreRanking r = arena.execute([&] { return RankView(w.store, *view, o); });
      json out = ToJson(r);
      out["weighted"] = o.rank.weighted;
      // Beside each key: its class and region (names of public actors), and the flows among the
      // results, for the page's graph (source → derived, number of flows).
      std::unordered_map<graph::NodeId, std::string> shown;
      for (std::size_t i = 0; i < r.nodes.size(); ++i) shown.emplace(r.nodes[i], r.results[i].first);
      for (std::size_t i = 0; i < r.nodes.size(); ++i) {
        const graph::NodeId v = r.nodes[i];
        auto& row = out["results"][i];
        row["actor_class"] = view->actor_class[v];
        row["region"] = view->region[v];
        if (o.query.by == Aggregation::kActor)
          row["name"] = view->is_public[v] || !pseudo ? ActorName(w, view->store_ids[v]) : std::string();
      }
      json edges = json::array();
      for (graph::NodeId u : r.nodes) {
        auto nb = view->graph.out_neighbors(u);
        auto wt = view->graph.out_weights(u);
        for (std::size_t k = 0; k < nb.size(); ++k) {
          if (nb[k] == u || !shown.count(nb[k])) continue;
          edges.push_back({{"source", shown[u]}, {"target", shown[nb[k]]}, {"count", wt.empty() ? 1.0 : wt[k]}});
        }
      }
      out["edges"] = std::move(edges);
      out["skipped_flows"] = r.skipped_flows;
      if (sampled) out["sampled_epsilon"] = o.rank.epsilon;
      return JsonResponse(200, out);
    };
  } else {
    throw NotFound{};
  }
  return job;
}

QueryService::QueryService(const std::filesystem::path& store_dir, QueryServiceOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->dir = store_dir;
  impl_->options = options;
  impl_->version_store.emplace(corpora::Store::Open(store_dir, corpora::OpenMode::kReadOnly));
  const int n = options.connections > 0 ? options.connections
                                        : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  // Each connection's page cache: 256 MiB in all, at least 16 MiB each.
  const long long cache_kib = std::max(16LL << 10, (256LL << 10) / n);
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>(corpora::Store::Open(store_dir, corpora::OpenMode::kReadOnly));
    w->store.Exec("PRAGMA cache_size=-" + std::to_string(cache_kib));
    sqlite3_progress_handler(w->store.db(), 1000, ProgressHandler, w.get());
    corpora::SetPartitionProgressHandler(w->store.db(), ProgressHandler, w.get());
    impl_->idle.push_back(w.get());
    impl_->workers.push_back(std::move(w));
  }
  impl_->Generation();
}

QueryService::~QueryService() = default;

std::size_t QueryService::cached_bytes() const {
  std::lock_guard lock(impl_->cache_mu);
  return impl_->cache_bytes;
}

HttpResponse QueryService::Get(std::string_view path, const QueryParams& params) const {
  try {
    if (!IsValidUtf8(path)) return ErrorResponse(400, "the path is not valid UTF-8");
    for (const auto& [k, v] : params)
      if (!IsValidUtf8(k) || !IsValidUtf8(v))
        return ErrorResponse(400, "query parameter \"" + (IsValidUtf8(k) ? k : std::string("?")) +
                                      "\" is not valid UTF-8 (percent-encode UTF-8 text)");
    if (path == "/" || path == "/index.html")
      return HttpResponse{200, "text/html; charset=utf-8", std::string(WebPage())};
    if (path == "/app.js") return HttpResponse{200, "text/javascript; charset=utf-8", std::string(WebScript())};
    if (path == "/app.css") return HttpResponse{200, "text/css; charset=utf-8", std::string(WebStyle())};
    const std::int64_t gen = impl_->Generation();
    Job job;
    try {
      job = impl_->Prepare(path, params, gen);
    } catch (const NotFound&) {
      return ErrorResponse(404, "no such endpoint: " + std::string(path));
    }
    std::string key = job.key.dump();
    if (auto hit = impl_->CacheFind(key, gen)) return *hit;
    HttpResponse r = impl_->Run(job);
    // Cached only if no commit happened since before the computation's snapshot was taken.
    if (r.status == 200 && impl_->Generation() == gen) impl_->CachePut(std::move(key), r, gen);
    return r;
  } catch (const Timeout&) {
    return ErrorResponse(503, "the query took longer than the server's limit (" +
                                  std::to_string(impl_->options.query_timeout_ms / 1000) +
                                  " s): narrow it (fewer layers, a shorter from/to window, another metric)");
  } catch (const Error& e) {
    const bool user = e.kind() == ErrorKind::kInvalidArgument;
    return ErrorResponse(user ? 400 : 500, e.what());
  } catch (const std::exception& e) {
    return ErrorResponse(500, std::string("internal error: ") + e.what());
  }
}

}  // namespace relais::toolkit
