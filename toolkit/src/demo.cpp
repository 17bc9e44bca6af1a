// relais demo: synth (small) → ingest → reuse → flows before/after → event study → Hawkes → ranking
// → report.html, with the planted truth checked at each step where the world knows it.
#include "relais/toolkit/demo.hpp"

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "relais/base/error.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/stats.hpp"
#include "relais/corpora/store.hpp"
#include "relais/corpora/synth.hpp"
#include "relais/graph/rank.hpp"
#include "relais/toolkit/analysis/event.hpp"
#include "relais/toolkit/analysis/hawkes.hpp"
#include "relais/toolkit/flow_matrix.hpp"
#include "relais/toolkit/graph_view.hpp"
#include "relais/toolkit/region_map.hpp"
#include "relais/toolkit/report.hpp"
#include "relais/toolkit/reuse.hpp"

namespace relais::toolkit {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class Stage {
 public:
  Stage(bool on, std::string name, nlohmann::json& timings)
      : on_(on), name_(std::move(name)), timings_(timings), t0_(Clock::now()) {
    if (on_) std::cerr << "relais demo: " << name_ << "…\n";
  }
  ~Stage() {
    double s = std::chrono::duration<double>(Clock::now() - t0_).count();
    timings_[name_] = std::round(s * 100) / 100;
    if (on_) std::cerr << fmt::format("relais demo: {} done in {:.1f}s\n", name_, s);
  }

 private:
  bool on_;
  std::string name_;
  nlohmann::json& timings_;
  Clock::time_point t0_;
};

nlohmann::json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw Error(ErrorKind::kIo, "cannot read " + p.string());
  return nlohmann::json::parse(in);
}

nlohmann::json Check(const std::string& name, double truth, double estimate, double lo, double hi) {
  return {{"name", name},
          {"truth", truth},
          {"estimate", estimate},
          {"ci", {lo, hi}},
          {"covered", lo <= truth && truth <= hi}};
}

// Items per day by channel over the whole period.
nlohmann::json Activity(const corpora::Store& store, TimeMs event) {
  const TimeMs day = 86400000;
  corpora::Statement span(store.db(), "SELECT min(time), max(time) FROM items WHERE expansion = 0");
  span.Step();
  TimeMs t0 = span.Int(0) / day * day, t1 = span.Int(1);
  std::size_t n = static_cast<std::size_t>((t1 - t0) / day + 1);
  std::vector<Series> series = {{"social", {}}, {"press", {}}, {"pr", {}}};
  for (auto& s : series) s.values.assign(n, 0);
  corpora::Statement st(store.db(),
                        "SELECT channel, (time - ?) / ?, count(*) FROM items WHERE expansion = 0 GROUP BY 1, 2");
  st.Bind(1, t0).Bind(2, day);
  while (st.Step()) {
    std::string ch = st.Text(0);
    auto idx = static_cast<std::size_t>(st.Int(1));
    for (auto& s : series)
      if (s.name == ch && idx < n) s.values[idx] = static_cast<double>(st.Int(2));
  }
  nlohmann::json j = {{"title", "items per day by channel"},
                      {"start_ms", t0},
                      {"step_ms", day},
                      {"event_ms", event},
                      {"y_label", "items per day"}};
  j["series"] = nlohmann::json::array();
  for (const auto& s : series) j["series"].push_back({{"name", s.name}, {"values", s.values}});
  return j;
}

// Text reuse on the store, scored against the planted pairs (press-side targets).
void DemoReuse(corpora::Store& store, const nlohmann::json& truth, int threads, nlohmann::json& results,
               nlohmann::json& checks) {
  ReuseRunOptions ro;
  ro.engine.threads = threads;
  auto r = RunReuse(store, ro);
  const text::ReuseStats& reuse_stats = r.stats;
  const std::size_t reuse_flows = r.flows.size();
  std::size_t true_positives = 0;
  std::set<std::pair<std::string, std::string>> planted;
  for (const auto& p : truth["reuse_pairs"])
    planted.emplace(p["source"].get<std::string>(), p["target"].get<std::string>());
  // The planted pairs are press-side (release/dispatch/article → article); posts quoting an article's
  // title are reuse too but the world does not enumerate them, so precision is measured on article targets.
  std::size_t article_targets = 0;
  for (const auto& f : r.flows) {
    if (f.target_key.rfind("http", 0) != 0) continue;
    ++article_targets;
    true_positives += planted.count({f.source_key, f.target_key});
  }
  double precision = article_targets ? static_cast<double>(true_positives) / static_cast<double>(article_targets) : 0;
  double recall = planted.empty() ? 0 : static_cast<double>(true_positives) / static_cast<double>(planted.size());
  nlohmann::json examples = nlohmann::json::array();
  for (std::size_t i = 0; i < r.flows.size() && i < 8; ++i)
    examples.push_back(
        {{"source", r.flows[i].source_key}, {"target", r.flows[i].target_key}, {"score", r.flows[i].score}});
  results["reuse"] = {{"reuse flows found", reuse_flows},
                      {"flows into articles", article_targets},
                      {"planted reuse pairs", planted.size()},
                      {"precision vs planted (article targets)", precision},
                      {"recall vs planted", recall},
                      {"candidate pairs", reuse_stats.candidates},
                      {"examples", examples}};
  checks.push_back({{"name", "reuse precision ≥ 0.95"},
                    {"truth", 0.95},
                    {"estimate", precision},
                    {"ci", {precision, precision}},
                    {"covered", precision >= 0.95}});
  checks.push_back({{"name", "reuse recall ≥ 0.90"},
                    {"truth", 0.90},
                    {"estimate", recall},
                    {"ci", {recall, recall}},
                    {"covered", recall >= 0.90}});
}

// The event study: the planted shift in link shares (ITS), the retweeters' activity (DiD), all items (ITS).
void DemoEvent(corpora::Store& store, const nlohmann::json& truth, TimeMs event, nlohmann::json& results,
               nlohmann::json& checks) {
  nlohmann::json rows = nlohmann::json::array();
  StoreEventOptions eo;
  eo.at = event;
  // The world spans 60 days either side of the event: use all of it but a day at each end.
  eo.before = eo.after = 59LL * 86400000;
  eo.bin = 86400000;
  // The planted shift: alpha press-regional→public ×1.6 and press-national→public ×0.8, so the public's link
  // shares move towards regional press (outlets' own shares, planted unchanged, are left out).
  eo.outcome = "share:link:press-regional:public";
  eo.design = "its";
  eo.its.model = EventModel::kOls;
  auto share = RunStoreEvent(store, eo);
  rows.push_back({{"name",
                   "regional press's share of public accounts' link shares: level change (ITS, OLS + "
                   "Newey–West)"},
                  {"estimate", share.level.estimate},
                  {"ci", {share.level.lo, share.level.hi}},
                  {"p", share.level.p},
                  {"truth", "increase (alpha press-regional→public ×1.6, press-national→public ×0.8)"}});
  checks.push_back({{"name", "regional press's share of public link shares rises after the event"},
                    {"truth", "> 0"},
                    {"estimate", share.level.estimate},
                    {"ci", {share.level.lo, share.level.hi}},
                    {"covered", share.level.lo > 0}});
  const std::string hos = truth["event"]["actor"].get<std::string>();
  StoreEventOptions did = eo;
  did.outcome = "items";
  did.design = "did";
  did.treated = "retweeted:" + hos + ":2";
  try {
    auto d = RunStoreEvent(store, did);
    rows.push_back({{"name", "items per account-day (DiD, two-way FE, clustered SE; treated = retweeted " + hos +
                                 " ≥ 2 times before)"},
                    {"estimate", d.level.estimate},
                    {"ci", {d.level.lo, d.level.hi}},
                    {"p", d.level.p},
                    {"truth", fmt::format("drop: his retweets stop, and supporters (a minority of the treated) "
                                          "are planted to drop by {}",
                                          truth["event_effects"].value("supporter_activity_relative_drop", 0.0))}});
    checks.push_back({{"name", "activity of accounts that retweeted him ≥ 2 times drops (DiD)"},
                      {"truth", "< 0"},
                      {"estimate", d.level.estimate},
                      {"ci", {d.level.lo, d.level.hi}},
                      {"covered", d.level.hi < 0}});
  } catch (const Error& e) {
    rows.push_back({{"name", std::string("DiD on accounts that retweeted him: ") + e.what()}, {"estimate", nullptr}});
  }
  StoreEventOptions its = eo;
  its.outcome = "items";
  its.its.model = EventModel::kQuasiPoisson;
  its.its.harmonics = 1;
  its.its.period = 7;
  auto all = RunStoreEvent(store, its);
  rows.push_back({{"name", "all items per day: rate ratio (ITS, quasi-Poisson, weekly harmonic)"},
                  {"estimate", all.rate_ratio},
                  {"ci", {all.rate_ratio_lo, all.rate_ratio_hi}},
                  {"p", all.level.p},
                  {"truth", "–"}});
  results["event"] = {{"description", "Event at " + FormatIso8601(event) + ", daily bins, 59 days either side."},
                      {"rows", rows}};
}

// Hawkes influence between classes on the ten days before the event.
void DemoInfluence(corpora::Store& store, const nlohmann::json& truth, TimeMs event, nlohmann::json& results) {
  // Ten days before the event keep the fit quick; times are in hours, β per hour as planted.
  auto ev = ReadStoreEvents(store, "class", event - 10LL * 86400000, event);
  HawkesFitOptions ho;
  ho.beta = truth["hawkes"]["beta_per_hour"].get<double>();
  auto fit = FitHawkes(ev, ho);
  std::vector<std::vector<double>> alpha(ev.num_groups(), std::vector<double>(ev.num_groups()));
  for (std::size_t i = 0; i < ev.num_groups(); ++i)
    for (std::size_t j = 0; j < ev.num_groups(); ++j) alpha[i][j] = fit.params.alpha(i, j);
  results["influence"] = {{"groups", ev.group_names},
                          {"alpha", alpha},
                          {"beta", fit.params.beta},
                          {"branching_ratio", fit.branching_ratio},
                          {"events", ev.times.size()}};
}

// PageRank on the actor flow graph, credit to sources.
void DemoTopActors(corpora::Store& store, nlohmann::json& results) {
  GraphQuery q;
  q.by = Aggregation::kActor;
  auto view = BuildGraphView(store, q);
  auto credit = CreditGraph(view, true);
  graph::RankOptions ro;
  auto scores = graph::ComputeScores(credit, ro);
  auto top = graph::TopK(scores, 15, [&](graph::NodeId a, graph::NodeId b) { return view.labels[a] < view.labels[b]; });
  nlohmann::json r = nlohmann::json::array();
  for (auto v : top)
    r.push_back({{"node", DisplayLabel(store, view, v, Aggregation::kActor, true) + " (" + view.actor_class[v] + ")"},
                 {"score", scores[v]}});
  results["top_actors"] = {{"title", "PageRank on the actor flow graph (credit to sources)"},
                           {"note", "Accounts that are not public actors are pseudonymised."},
                           {"results", r}};
}

// Where flows start and who relays them, by région (registry outlets' régions, accounts' resolved
// homes): two maps of the whole period.
nlohmann::json DemoRegions(const corpora::Store& store) {
  FlowMatrixOptions fo;
  fo.by = "region";
  const auto all = ComputeFlowMatrices(store, fo);
  const FlowMatrix& m = all.windows.front();
  return {{"title", "Flows by région"},
          {"note",
           "Flows counted by the région of their source (where the item relayed comes from) and of the actor who "
           "relays it: a registry outlet's région, else an account's home resolved from geotags, places or its "
           "profile. Flows of actors with no known région, or abroad, are listed under each map."},
          {"maps",
           {{{"title", "flows by région of the source"},
             {"unit", "flows"},
             {"values", RegionTotals(m, RegionSide::kSource)}},
            {{"title", "flows by région of the relay"},
             {"unit", "flows"},
             {"values", RegionTotals(m, RegionSide::kRelay)}}}}};
}

// report.html and results.json in the output folder.
void WriteDemoReport(const nlohmann::json& results, const fs::path& out) {
  std::ofstream html(out / "report.html", std::ios::binary);
  html << RenderReport(results);
  std::ofstream js(out / "results.json", std::ios::binary);
  js << results.dump(2) << "\n";
  if (!html || !js) throw Error(ErrorKind::kIo, "cannot write the report into " + out.string());
}

}  // namespace

nlohmann::json RunDemo(const DemoOptions& o) {
  nlohmann::json timings = nlohmann::json::object();
  nlohmann::json results;
  const fs::path world = o.out / "world", store_dir = o.out / "store";
  std::error_code ec;
  fs::remove_all(store_dir, ec);
  fs::create_directories(o.out, ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot create " + o.out.string() + ": " + ec.message());
  const auto start = Clock::now();

  corpora::SynthResult synth;
  {
    Stage s(o.progress, "synth (small world)", timings);
    corpora::SynthOptions so;
    so.out = world;
    so.seed = o.seed;
    so.scale = corpora::SynthScale::kSmall;
    so.threads = o.threads;
    synth = corpora::GenerateSynthWorld(so);
  }
  const nlohmann::json truth = ReadJson(world / "truth.json");
  const TimeMs event = ParseIso8601(truth["event"]["time"].get<std::string>()).value_or(corpora::kDefaultSynthEvent);

  auto store = corpora::Store::Open(store_dir, corpora::OpenMode::kCreate);
  corpora::IngestResult ingest;
  {
    Stage s(o.progress, "ingest", timings);
    corpora::IngestOptions io;
    io.paths = {(world / "data").string()};
    io.actor_files = {(world / "actors.csv").string()};
    io.threads = o.threads;
    io.args = "relais demo";
    ingest = corpora::Ingest(store, io);
  }
  nlohmann::json checks = nlohmann::json::array();

  {
    Stage s(o.progress, "text reuse", timings);
    DemoReuse(store, truth, o.threads, results, checks);
  }

  corpora::StoreStats stats = corpora::ComputeStats(store);
  results["summary"] = nlohmann::json::parse(corpora::StatsToJson(stats));
  results["summary"]["ingest"] = {{"read", ingest.total.read},
                                  {"accepted", ingest.total.accepted},
                                  {"duplicates", ingest.total.duplicates},
                                  {"quarantined", ingest.total.quarantined}};
  results["summary"]["seed"] = o.seed;
  results["summary"]["event"] = FormatIso8601(event);
  checks.push_back(Check("items stored = items planted", truth["counts"]["items"].get<double>(),
                         static_cast<double>(stats.items - stats.expansions),
                         static_cast<double>(stats.items - stats.expansions),
                         static_cast<double>(stats.items - stats.expansions)));
  results["activity"] = Activity(store, event);

  FlowMatrixOptions fo;
  fo.at = event;
  fo.before = fo.after = 30LL * 86400000;
  {
    Stage s(o.progress, "flow matrices before/after", timings);
    results["flows"] = ToJson(ComputeFlowMatrices(store, fo), fo);
  }

  {
    Stage s(o.progress, "flows by région", timings);
    results["regions"] = DemoRegions(store);
  }

  {
    Stage s(o.progress, "event study", timings);
    DemoEvent(store, truth, event, results, checks);
  }

  {
    Stage s(o.progress, "Hawkes influence between classes", timings);
    DemoInfluence(store, truth, event, results);
  }

  {
    Stage s(o.progress, "ranking actors", timings);
    DemoTopActors(store, results);
  }

  results["checks"] = checks;
  results["title"] = "relais demo: a synthetic deplatforming, seen through French press, PR and social media";
  results["intro"] =
      "A small synthetic world (seed " + std::to_string(o.seed) +
      ") with planted influence between PR, agencies, national and regional press, politicians and the public; "
      "a head of state's account is removed at " +
      FormatIso8601(event) +
      ". relais reads it from real formats (Twitter v2/v1.1, Mastodon, press and PR JSONL, RSS), rebuilds "
      "the flows and measures what changed.";
  timings["total"] = std::round(std::chrono::duration<double>(Clock::now() - start).count() * 100) / 100;
  results["timings_s"] = timings;
  results["footer"] = "Generated by relais " RELAIS_VERSION " in " +
                      fmt::format("{:.1f}", timings["total"].get<double>()) + " s. Stage times (s): " + timings.dump();
  WriteDemoReport(results, o.out);
  return results;
}

std::string DemoSummary(const nlohmann::json& r, const fs::path& out) {
  std::ostringstream os;
  const auto& s = r["summary"];
  os << "relais demo: " << s["items"] << " items, " << s["actors"] << " actors, flows " << s["flows_by_layer"].dump()
     << "\n";
  os << "  ingest: read " << s["ingest"]["read"] << ", accepted " << s["ingest"]["accepted"] << ", quarantined "
     << s["ingest"]["quarantined"] << "\n";
  os << fmt::format("  reuse: {} flows, precision {:.3f}, recall {:.3f} against the planted pairs\n",
                    r["reuse"]["reuse flows found"].get<std::size_t>(),
                    r["reuse"]["precision vs planted (article targets)"].get<double>(),
                    r["reuse"]["recall vs planted"].get<double>());
  for (const auto& row : r["event"]["rows"]) {
    if (row["estimate"].is_null()) continue;
    os << "  event: " << row["name"].get<std::string>() << ": " << fmt::format("{:.4g}", row["estimate"].get<double>())
       << "\n";
  }
  int covered = 0;
  for (const auto& c : r["checks"]) covered += c.value("covered", false) ? 1 : 0;
  os << "  planted-truth checks passed: " << covered << "/" << r["checks"].size() << "\n";
  os << "  report: " << (out / "report.html").string() << "\n";
  return os.str();
}

}  // namespace relais::toolkit
