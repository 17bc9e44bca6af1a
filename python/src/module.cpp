// relais._relais: the C++ side of the Python module (python/relais/__init__.py wraps it in pandas).
// Every function calls the same library functions as the matching CLI subcommand and returns the
// CLI's JSON text (parsed on the Python side) or columns. Long calls release the GIL; calls on one
// Store are serialised by its mutex (one SQLite connection).
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/base/error.hpp"
#include "relais/base/threads.hpp"
#include "relais/base/time.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/stats.hpp"
#include "relais/corpora/store.hpp"
#include "relais/corpora/synth.hpp"
#include "relais/graph/rank.hpp"
#include "relais/toolkit/analysis/event.hpp"
#include "relais/toolkit/analysis/hawkes.hpp"
#include "relais/toolkit/analysis/leadlag.hpp"
#include "relais/toolkit/analysis/series.hpp"
#include "relais/toolkit/cascades.hpp"
#include "relais/toolkit/flow_matrix.hpp"
#include "relais/toolkit/graph_view.hpp"
#include "relais/toolkit/item_table.hpp"
#include "relais/toolkit/reuse.hpp"
#include "relais/toolkit/run_summary.hpp"
#include "relais/toolkit/store_rank.hpp"
#include "relais/toolkit/who.hpp"

namespace py = pybind11;
using relais::TimeMs;
namespace corpora = relais::corpora;
namespace toolkit = relais::toolkit;

namespace {

// A numpy array over a vector's buffer: the vector moves to the heap and the array owns it (no copy).
template <typename T>
py::array_t<T> ToNumpy(std::vector<T>&& v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(heap->size())}, {sizeof(T)}, heap->data(), owner);
}

py::list ToList(const std::vector<std::string>& v, bool empty_is_none) {
  py::list out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (empty_is_none && v[i].empty()) {
      out[i] = py::none();
    } else {
      out[i] = py::str(v[i]);
    }
  }
  return out;
}

int Threads(int threads) {
  if (threads < 0) relais::ThrowInvalidArgument("--threads must be >= 0");
  return relais::ThreadCountOrDefault(threads);
}

std::optional<TimeMs> OptTime(const std::optional<std::string>& s, const char* option) {
  if (!s) return std::nullopt;
  return toolkit::ParseTimeOption(*s, option);
}

// An open store: the connection and the lock that serialises its use across Python threads.

// `relais influence --json`'s document for a fit of `ev`.
std::string InfluenceJson(const toolkit::EventSequence& ev, const toolkit::HawkesFitOptions& o,
                          std::string_view time_unit) {
  toolkit::CheckHawkesInput(ev);
  auto j = toolkit::ToJson(toolkit::FitHawkes(ev, o), ev.group_names);
  j["time_unit"] = time_unit;
  j["window"] = {ev.start, ev.end};
  return j.dump();
}

// As the --events mode of cmd_influence.cpp: a CSV with columns time and group.
std::string InfluenceEvents(const std::string& path, double beta, int bootstrap, int max_iterations,
                            std::uint64_t seed) {
  py::gil_scoped_release nogil;
  const toolkit::HawkesFitOptions o = toolkit::HawkesOptionsFromFlags(beta, bootstrap, max_iterations, seed);
  return InfluenceJson(toolkit::ReadEventsCsv(path), o, "input");
}

class PyStore {
 public:
  explicit PyStore(const std::string& dir) {
    py::gil_scoped_release nogil;
    store_ = std::make_unique<corpora::Store>(corpora::Store::Open(dir, corpora::OpenMode::kReadOnly));
    dir_ = dir;
  }

  const corpora::Store& store() const {
    if (!store_) relais::ThrowInvalidArgument("the store " + dir_ + " is closed");
    return *store_;
  }
  std::mutex& mutex() { return mu_; }
  const std::string& dir() const { return dir_; }
  void Close() {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mu_);
    store_.reset();
  }

  std::string Stats() {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mu_);
    return corpora::StatsToJson(corpora::ComputeStats(store()));
  }

  std::string Flows(const std::string& by, const std::string& layers, const std::optional<std::string>& from,
                    const std::optional<std::string>& to, const std::optional<std::string>& at,
                    const std::optional<std::string>& before, const std::optional<std::string>& after,
                    bool pseudonymise) {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mu_);
    // As cmd_flows.cpp.
    toolkit::FlowMatrixOptions opt;
    opt.by = by;
    opt.query.layers = toolkit::ParseLayers(layers);
    opt.query.from = OptTime(from, "--from");
    opt.query.to = OptTime(to, "--to");
    if (at) {
      opt.at = toolkit::ParseTimeOption(*at, "--at");
      opt.before = toolkit::ParseDurationOption(before.value_or("30d"), "--before");
      opt.after = toolkit::ParseDurationOption(after.value_or("30d"), "--after");
    }
    opt.pseudonymise = pseudonymise;
    return toolkit::ToJson(toolkit::ComputeFlowMatrices(store(), opt), opt).dump();
  }

  // As the --store path of cmd_rank.cpp; returns (JSON, skipped flows).
  std::pair<std::string, std::size_t> Rank(const std::string& metric, const std::string& by, std::size_t top,
                                           const std::string& layers, const std::optional<std::string>& from,
                                           const std::optional<std::string>& to, bool directed, bool weighted,
                                           double damping, double epsilon, double delta, std::uint64_t seed,
                                           int threads, bool pseudonymise) {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mu_);
    toolkit::StoreRankOptions ro;
    ro.rank.metric = relais::graph::ParseMetric(metric);
    ro.rank.damping = damping;
    ro.rank.weighted = weighted;
    ro.rank.epsilon = epsilon;
    ro.rank.delta = delta;
    ro.rank.seed = seed;
    ro.directed = directed;
    ro.top = top;
    ro.pseudonymise = pseudonymise;
    ro.query.layers = toolkit::ParseLayers(layers);
    ro.query.by = toolkit::ParseAggregation(by);
    ro.query.from = OptTime(from, "--from");
    ro.query.to = OptTime(to, "--to");
    tbb::task_arena arena(Threads(threads));
    toolkit::StoreRanking ranking;
    arena.execute([&] { ranking = toolkit::RankStore(store(), ro); });
    return {toolkit::ToJson(ranking).dump(), ranking.skipped_flows};
  }

  // The graph view rank uses (arcs source → derived, weight = flows) as columns.
  py::dict Graph(const std::string& by, const std::string& layers, const std::optional<std::string>& from,
                 const std::optional<std::string>& to, bool pseudonymise) {
    std::vector<std::string> labels, actor_class, region;
    std::vector<std::uint8_t> is_public;
    std::vector<std::int64_t> src, dst, weight;
    std::uint64_t flows = 0, skipped = 0;
    {
      py::gil_scoped_release nogil;
      std::lock_guard lock(mu_);
      toolkit::GraphQuery q;
      q.layers = toolkit::ParseLayers(layers);
      q.by = toolkit::ParseAggregation(by);
      q.from = OptTime(from, "--from");
      q.to = OptTime(to, "--to");
      toolkit::GraphView view = toolkit::BuildGraphView(store(), q);
      const auto& g = view.graph;
      for (relais::graph::NodeId v = 0; v < g.num_nodes(); ++v) {
        labels.push_back(toolkit::DisplayLabel(store(), view, v, q.by, pseudonymise));
        const auto nbrs = g.out_neighbors(v);
        for (std::size_t k = 0; k < nbrs.size(); ++k) {
          src.push_back(v);
          dst.push_back(nbrs[k]);
          weight.push_back(static_cast<std::int64_t>(g.arc_weight(g.out_begin(v) + k)));
        }
      }
      actor_class = std::move(view.actor_class);
      region = std::move(view.region);
      is_public = std::move(view.is_public);
      flows = view.flows;
      skipped = view.skipped_flows;
    }
    py::dict out;
    out["label"] = ToList(labels, false);
    out["actor_class"] = ToList(actor_class, false);
    out["region"] = ToList(region, true);
    out["public"] = ToNumpy(std::move(is_public));
    out["source"] = ToNumpy(std::move(src));
    out["target"] = ToNumpy(std::move(dst));
    out["weight"] = ToNumpy(std::move(weight));
    out["flows"] = flows;
    out["skipped_flows"] = skipped;
    return out;
  }

  std::string Who(const std::string& query, const std::vector<std::string>& args, const std::string& layers, int top,
                  bool pseudonymise) {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mu_);
    toolkit::WhoOptions opt;  // as cmd_who.cpp
    opt.layers = toolkit::ParseLayers(layers);
    opt.top = top;
    opt.pseudonymise = pseudonymise;
    if (query == "amplifiers_of") return toolkit::AmplifiersOf(store(), args.at(0), opt).dump();
    if (query == "first_sharers") return toolkit::FirstSharers(store(), args.at(0), opt).dump();
    return toolkit::StrongestPath(store(), args.at(0), args.at(1), opt).dump();
  }

  // As the store mode of cmd_event.cpp.
  std::string Event(const std::string& at, const std::string& before, const std::string& after, const std::string& bin,
                    const std::string& outcome, const std::string& design, const std::string& treated,
                    const std::string& model, bool slope_change, int harmonics, double period, int hac_lags,
                    int placebos, int bootstrap, int block_length, std::uint64_t seed, const std::string& bandwidth,
                    const std::string& donut, int es_bins) {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mu_);
    if (placebos < 0 || bootstrap < 0) relais::ThrowInvalidArgument("--placebos and --bootstrap must be >= 0");
    toolkit::StoreEventOptions so;
    so.its.model = toolkit::ParseEventModel(model);
    so.its.slope_change = slope_change;
    so.its.harmonics = harmonics;
    so.its.period = period;
    so.its.hac_lags = hac_lags;
    so.its.placebos = so.rd.placebos = placebos;
    so.its.bootstrap = so.rd.bootstrap = bootstrap;
    so.its.block_length = so.rd.block_length = block_length;
    so.its.seed = so.rd.seed = seed;
    so.at = toolkit::ParseTimeOption(at, "--at");
    so.before = toolkit::ParseDurationOption(before, "--before");
    so.after = toolkit::ParseDurationOption(after, "--after");
    so.bin = toolkit::ParseDurationOption(bin, "--bin");
    so.outcome = outcome;
    so.design = design;
    so.treated = treated;
    so.rd.bandwidth = toolkit::ParseEventSpan(bandwidth, static_cast<double>(so.bin), "--bandwidth");
    so.rd.donut = toolkit::ParseEventSpan(donut, static_cast<double>(so.bin), "--donut");
    so.did.event_study_bins = es_bins;
    return toolkit::ToJson(toolkit::RunStoreEvent(store(), so)).dump();
  }

  // As the store mode of cmd_leadlag.cpp.
  std::string LeadLag(const std::string& a, const std::string& b, const std::string& bin, const std::string& max_lag,
                      const std::optional<std::string>& from, const std::optional<std::string>& to,
                      const std::string& criterion, int te_bins, int permutations, std::uint64_t seed) {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mu_);
    if (a.empty() || b.empty()) relais::ThrowInvalidArgument("leadlag needs --a and --b");
    toolkit::LeadLagOptions o;
    o.criterion = criterion;
    o.te_bins = te_bins;
    o.permutations = permutations;
    o.seed = seed;
    toolkit::StoreLeadLagQuery q;
    q.a = a;
    q.b = b;
    q.bin = toolkit::ParseDurationOption(bin, "--bin");
    q.max_lag = toolkit::ParseDurationOption(max_lag, "--max-lag");
    q.from = OptTime(from, "--from");
    q.to = OptTime(to, "--to");
    return toolkit::StoreLeadLag(store(), q, o).dump();
  }

  // As the store mode of cmd_influence.cpp.
  std::string Influence(const std::string& groups, const std::optional<std::string>& from,
                        const std::optional<std::string>& to, double beta, int bootstrap, int max_iterations,
                        std::uint64_t seed) {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mu_);
    const toolkit::HawkesFitOptions o = toolkit::HawkesOptionsFromFlags(beta, bootstrap, max_iterations, seed);
    auto [first, last] = toolkit::StoreTimeSpan(store());
    const TimeMs t0 = from ? toolkit::ParseTimeOption(*from, "--from") : first;
    const TimeMs t1 = to ? toolkit::ParseTimeOption(*to, "--to") : last + 1;
    return InfluenceJson(toolkit::ReadStoreEvents(store(), groups, t0, t1), o, "hour");
  }

  // As cmd_cascades.cpp.
  std::string Cascades(const std::optional<std::string>& root, std::size_t top, const std::string& layers,
                       const std::optional<std::string>& followers, int threads, bool pseudonymise) {
    py::gil_scoped_release nogil;
    std::lock_guard lock(mu_);
    toolkit::CascadeQuery q;
    q.layers = toolkit::ParseLayers(layers);
    q.root = root;
    q.top = top;
    q.pseudonymise = pseudonymise;
    tbb::task_arena arena(Threads(threads));
    std::optional<toolkit::FollowerGraph> fg;
    toolkit::CascadeReport r;
    arena.execute([&] {
      if (followers) {
        fg = toolkit::ReadFollowerGraph(store(), *followers);
        q.followers = &*fg;
      }
      r = toolkit::ComputeCascades(store(), q);
    });
    return toolkit::CascadesJson(r, fg ? &*fg : nullptr, root.has_value()).dump();
  }

 private:
  std::unique_ptr<corpora::Store> store_;
  std::string dir_;
  std::mutex mu_;
};

// A streaming reader of items; keeps its store alive.
class PyItemReader {
 public:
  PyItemReader(std::shared_ptr<PyStore> store, const std::optional<std::string>& from,
               const std::optional<std::string>& to, const std::string& channel, const std::string& actor_class,
               const std::string& actor, bool with_text, bool pseudonymise)
      : store_(std::move(store)) {
    toolkit::ItemQuery q;
    q.from = OptTime(from, "--from");
    q.to = OptTime(to, "--to");
    q.channel = channel;
    q.actor_class = actor_class;
    q.actor = actor;
    q.with_text = with_text;
    q.pseudonymise = pseudonymise;
    py::gil_scoped_release nogil;
    std::lock_guard lock(store_->mutex());
    reader_ = std::make_unique<toolkit::ItemReader>(store_->store(), q);
  }

  py::object Next(std::size_t rows) {
    if (rows == 0) relais::ThrowInvalidArgument("chunksize must be positive");
    toolkit::ItemChunk c;
    {
      py::gil_scoped_release nogil;
      std::lock_guard lock(store_->mutex());
      store_->store();  // throws once closed
      if (!reader_->Next(rows, c)) return py::none();
    }
    py::dict out;
    out["id"] = ToNumpy(std::move(c.id));
    out["time"] = ToNumpy(std::move(c.time));
    out["key"] = ToList(c.key, true);
    out["platform"] = ToList(c.platform, true);
    out["channel"] = ToList(c.channel, true);
    out["kind"] = ToList(c.kind, true);
    out["actor"] = ToList(c.actor, true);
    out["actor_class"] = ToList(c.actor_class, true);
    out["region"] = ToList(c.region, true);
    out["actor_public"] = ToNumpy(std::move(c.actor_public));
    out["lang"] = ToList(c.lang, true);
    out["url"] = ToList(c.url, true);
    out["expansion"] = ToNumpy(std::move(c.expansion));
    if (!c.text.empty() || !c.title.empty()) {
      out["title"] = ToList(c.title, true);
      out["text"] = ToList(c.text, true);
    }
    return out;
  }

 private:
  std::shared_ptr<PyStore> store_;
  std::unique_ptr<toolkit::ItemReader> reader_;
};

// As cmd_ingest.cpp (auto format, builtin registry plus `actors`); returns (JSON, failed messages).
std::pair<std::string, std::vector<std::string>> Ingest(const std::string& dir, const std::vector<std::string>& paths,
                                                        const std::vector<std::string>& actors, int threads,
                                                        const std::function<void(py::dict)>& progress) {
  if (paths.empty()) relais::ThrowInvalidArgument("ingest needs at least one path");
  if (threads < 0) relais::ThrowInvalidArgument("--threads: expected a positive number");
  corpora::IngestOptions opt;
  opt.paths = paths;
  opt.actor_files = actors;
  opt.threads = threads;
  opt.args = "ingest";
  for (const auto& p : paths) opt.args += " " + p;
  if (progress) {
    opt.on_progress = [&progress](const corpora::IngestProgress& p) {
      py::gil_scoped_acquire gil;
      py::dict d;
      d["stage"] = "ingest";
      d["phase"] = std::string(p.phase);  // "files", then "indexes" and "flows" partition by partition
      d["partitions_done"] = p.partitions_done;
      d["partitions"] = p.partitions;
      d["file_index"] = p.file_index;
      d["num_files"] = p.num_files;
      d["path"] = p.path;
      d["records"] = p.records;
      d["seconds"] = p.seconds;
      progress(d);  // a Python exception propagates as py::error_already_set and ends the run
    };
  }
  py::gil_scoped_release nogil;
  auto store = corpora::Store::Open(dir, corpora::OpenMode::kCreate);
  corpora::IngestResult r = corpora::Ingest(store, opt);
  std::vector<std::string> failed;
  for (const auto& f : r.failed_files) failed.push_back(f.message);
  return {toolkit::IngestSummaryJson(r).dump(), failed};
}

// As cmd_reuse.cpp (finds and stores the reuse flows); returns the JSON lines of flows or groups.
std::vector<std::string> Reuse(const std::string& dir, const std::vector<std::string>& from,
                               const std::vector<std::string>& to, double min_score, int threads, bool groups,
                               const std::function<void(py::dict)>& progress, bool pseudonymise) {
  if (!(min_score >= 0.0 && min_score <= 1.0))
    relais::ThrowInvalidArgument("--min-score must be in [0, 1], got " + std::to_string(min_score));
  if (threads < 0) relais::ThrowInvalidArgument("--threads must be positive");
  toolkit::ReuseRunOptions options;
  options.from = from;
  options.to = to;
  options.engine.min_score = min_score;
  options.engine.threads = threads;
  options.groups = groups;
  options.pseudonymise = pseudonymise;
  std::function<void(std::string_view, std::size_t, std::size_t)> report;
  if (progress) {
    report = [&progress](std::string_view stage, std::size_t done, std::size_t total) {
      py::gil_scoped_acquire gil;
      py::dict d;
      d["stage"] = std::string(stage);
      d["done"] = done;
      d["total"] = total;
      progress(d);
    };
  }
  py::gil_scoped_release nogil;
  auto store = corpora::Store::Open(dir, corpora::OpenMode::kReadWrite);
  const auto result = toolkit::RunReuse(store, options, report);
  std::vector<std::string> lines;
  if (groups) {
    for (const auto& g : result.groups) lines.push_back(toolkit::SyndicationGroupJson(g).dump());
  } else {
    for (const auto& f : result.flows) lines.push_back(toolkit::ReuseFlowJson(f).dump());
  }
  return lines;
}

// As cmd_synth.cpp.
std::string Synth(const std::string& out, std::uint64_t seed, const std::string& scale, int threads, double dirty,
                  const std::optional<std::string>& event, bool deactivation) {
  corpora::SynthOptions opt;
  opt.out = out;
  opt.seed = seed;
  auto s = corpora::ParseSynthScale(scale);
  if (!s) relais::ThrowInvalidArgument("synth: --scale must be small, medium or large (got '" + scale + "')");
  opt.scale = *s;
  opt.threads = threads;
  opt.dirty = dirty;
  opt.deactivation = deactivation;
  opt.quiet = true;
  if (event) {
    auto t = relais::ParseIso8601(*event);
    if (!t) relais::ThrowInvalidArgument("synth: --event is not an ISO 8601 time: '" + *event + "'");
    opt.event_time = *t;
  }
  py::gil_scoped_release nogil;
  return toolkit::SynthSummaryJson(out, corpora::GenerateSynthWorld(opt)).dump();
}

}  // namespace

PYBIND11_MODULE(_relais, m) {
  m.doc() = "relais C++ core (use the relais package, not this module)";
  m.attr("__version__") = RELAIS_VERSION;
  static py::exception<relais::Error> usage_error(m, "UsageError", PyExc_ValueError);
  static py::exception<relais::Error> data_error(m, "DataError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const relais::Error& e) {
      switch (e.kind()) {
        case relais::ErrorKind::kInvalidArgument:
          usage_error(e.what());
          break;
        case relais::ErrorKind::kGraph:
        case relais::ErrorKind::kInternal:
          PyErr_SetString(PyExc_RuntimeError, e.what());
          break;
        default:
          data_error(e.what());
      }
    }
  });

  py::class_<PyStore, std::shared_ptr<PyStore>>(m, "Store")
      .def(py::init<const std::string&>(), py::arg("path"))
      .def_property_readonly("path", &PyStore::dir)
      .def("close", &PyStore::Close)
      .def("stats", &PyStore::Stats)
      .def("flows", &PyStore::Flows, py::arg("by"), py::arg("layers"), py::arg("start"), py::arg("end"), py::arg("at"),
           py::arg("before"), py::arg("after"), py::arg("pseudonymise"))
      .def("rank", &PyStore::Rank, py::arg("metric"), py::arg("by"), py::arg("top"), py::arg("layers"),
           py::arg("start"), py::arg("end"), py::arg("directed"), py::arg("weighted"), py::arg("damping"),
           py::arg("epsilon"), py::arg("delta"), py::arg("seed"), py::arg("threads"), py::arg("pseudonymise"))
      .def("graph", &PyStore::Graph, py::arg("by"), py::arg("layers"), py::arg("start"), py::arg("end"),
           py::arg("pseudonymise"))
      .def("event", &PyStore::Event, py::arg("at"), py::arg("before"), py::arg("after"), py::arg("bin"),
           py::arg("outcome"), py::arg("design"), py::arg("treated"), py::arg("model"), py::arg("slope_change"),
           py::arg("harmonics"), py::arg("period"), py::arg("hac_lags"), py::arg("placebos"), py::arg("bootstrap"),
           py::arg("block_length"), py::arg("seed"), py::arg("bandwidth"), py::arg("donut"), py::arg("es_bins"))
      .def("leadlag", &PyStore::LeadLag, py::arg("a"), py::arg("b"), py::arg("bin"), py::arg("max_lag"),
           py::arg("start"), py::arg("end"), py::arg("criterion"), py::arg("te_bins"), py::arg("permutations"),
           py::arg("seed"))
      .def("influence", &PyStore::Influence, py::arg("groups"), py::arg("start"), py::arg("end"), py::arg("beta"),
           py::arg("bootstrap"), py::arg("max_iterations"), py::arg("seed"))
      .def("cascades", &PyStore::Cascades, py::arg("root"), py::arg("top"), py::arg("layers"), py::arg("followers"),
           py::arg("threads"), py::arg("pseudonymise"))
      .def("who", &PyStore::Who, py::arg("query"), py::arg("args"), py::arg("layers"), py::arg("top"),
           py::arg("pseudonymise"));

  py::class_<PyItemReader>(m, "ItemReader")
      .def(py::init<std::shared_ptr<PyStore>, const std::optional<std::string>&, const std::optional<std::string>&,
                    const std::string&, const std::string&, const std::string&, bool, bool>(),
           py::arg("store"), py::arg("start"), py::arg("end"), py::arg("channel"), py::arg("actor_class"),
           py::arg("actor"), py::arg("with_text"), py::arg("pseudonymise"))
      .def("next", &PyItemReader::Next, py::arg("rows"));

  m.def("ingest", &Ingest, py::arg("store"), py::arg("paths"), py::arg("actors"), py::arg("threads"),
        py::arg("progress"));
  m.def("influence_events", &InfluenceEvents, py::arg("path"), py::arg("beta"), py::arg("bootstrap"),
        py::arg("max_iterations"), py::arg("seed"));
  m.def("reuse", &Reuse, py::arg("store"), py::arg("sources"), py::arg("targets"), py::arg("min_score"),
        py::arg("threads"), py::arg("groups"), py::arg("progress"), py::arg("pseudonymise"));
  m.def("synth", &Synth, py::arg("out"), py::arg("seed"), py::arg("scale"), py::arg("threads"), py::arg("dirty"),
        py::arg("event"), py::arg("deactivation"));
}
