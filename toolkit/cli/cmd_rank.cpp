// relais rank: scores nodes of an edge list or of the store's flow graph
// (PageRank, HITS, k-core, betweenness, degree). On a store the arcs are
// reversed (derived → source) so the source of a flow — the retweeted account,
// the copied outlet — is credited.
#include <tbb/task_arena.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "relais/base/error.hpp"
#include "relais/base/json_writer.hpp"
#include "relais/base/threads.hpp"
#include "relais/base/time.hpp"
#include "relais/corpora/store.hpp"
#include "relais/dist/comm.hpp"
#include "relais/graph/dist_rank.hpp"
#include "relais/graph/rank.hpp"
#include "relais/toolkit/graph_view.hpp"
#include "relais/toolkit/store_rank.hpp"

namespace relais::cli {
namespace {

struct RankArgs {
  std::string store, edges, metric, layers, from, to, by = "actor";
  bool directed = false, undirected = false, weighted = false, json = false, no_pseudonymise = false;
  double damping = 0.85, epsilon = 0, delta = 0.1;
  std::size_t top = 20;
  int threads = 0;
  std::uint64_t seed = 1;
};

TimeMs ParseTimeArg(const std::string& flag, const std::string& value) {
  auto t = ParseIso8601(value);
  if (!t)
    throw Error(ErrorKind::kInvalidArgument, flag + " has \"" + value + "\", expected ISO 8601 (2021-01-08T23:21Z)");
  return *t;
}

graph::RankOptions CheckedOptions(const RankArgs& a) {
  if (a.store.empty() == a.edges.empty())
    throw Error(ErrorKind::kInvalidArgument, "give exactly one of --store DIR or --edges FILE");
  if (!a.edges.empty() && (!a.layers.empty() || !a.from.empty() || !a.to.empty()))
    throw Error(ErrorKind::kInvalidArgument, "--layers, --from and --to apply to --store only");
  graph::RankOptions opt;
  opt.metric = graph::ParseMetric(a.metric);
  opt.damping = a.damping;
  opt.weighted = a.weighted;
  opt.epsilon = a.epsilon;
  opt.delta = a.delta;
  opt.seed = a.seed;
  if (opt.metric == graph::Metric::kPageRank && !(opt.damping >= 0 && opt.damping < 1))
    throw Error(ErrorKind::kInvalidArgument, "damping " + std::to_string(opt.damping) + " is not in [0, 1)");
  return opt;
}

void PrintRanking(const RankArgs& a, graph::Metric metric, const std::vector<std::pair<std::string, double>>& rows,
                  int ranks) {
  if (a.json) {  // {"metric", "results": [{"node", "score"}…], "ranks"}, a row at a time (--top 0: every node)
    PrintStreamedWithRanks(
        [&](JsonWriter& w) {
          w.Member("metric", graph::MetricName(metric));
          w.Key("results");
          w.BeginArray();
          for (const auto& [node, score] : rows) w.Value({{"node", node}, {"score", score}});
          w.EndArray();
        },
        ranks);
    return;
  }
  std::cout << "rank\tnode\t" << graph::MetricName(metric) << "\n";
  for (std::size_t i = 0; i < rows.size(); ++i)
    std::cout << i + 1 << "\t" << rows[i].first << "\t" << rows[i].second << "\n";
}

// Under mpirun, `--edges` with pagerank, hits, degree or kcore runs on every
// rank over a CSR partitioned by node (graph/dist_rank.hpp); the other cases
// run on rank 0 alone.
void RunRank(const RankArgs& a, CliContext& ctx) {
  const dist::Comm& world = ctx.world();
  const int threads = ThreadCountOrDefault(a.threads);
  if (!world.serial()) {
    ctx.collective = true;
    graph::RankOptions dopt;
    const bool distributed = dist::Agree(world, [&] {
      dopt = CheckedOptions(a);
      return !a.edges.empty() && graph::HasDistributedKernel(dopt.metric);
    });
    if (distributed) {
      tbb::task_arena arena(threads);
      graph::DistRankResult r;
      arena.execute([&] { r = graph::RankEdgeListDistributed(a.edges, dopt, !a.undirected, a.top, world); });
      if (a.weighted && !r.stats.weighted_input && world.root())
        std::cerr << "relais: note: " << a.edges << " has no weight column; --weighted uses weight 1\n";
      ctx.ranks = world.size();
      if (world.root()) PrintRanking(a, dopt.metric, r.results, ctx.ranks);
      return;
    }
    ctx.collective = false;
    if (!world.root()) return;
    std::cerr << "relais: note: rank " << a.metric << (a.edges.empty() ? " on a store" : "")
              << " has no distributed kernel yet; rank 0 computes it alone\n";
  }
  const graph::RankOptions opt = CheckedOptions(a);
  const bool directed = !a.undirected;
  tbb::task_arena arena(threads);

  std::vector<std::pair<std::string, double>> rows;
  arena.execute([&] {
    if (!a.edges.empty()) {
      graph::EdgeListRanking r = graph::RankEdgeListFile(a.edges, opt, directed, a.top);
      if (a.weighted && !r.weighted_input)
        std::cerr << "relais: note: " << a.edges << " has no weight column; --weighted uses weight 1\n";
      rows = std::move(r.results);
      return;
    }
    auto store = corpora::Store::Open(a.store, corpora::OpenMode::kReadOnly);
    toolkit::StoreRankOptions ro;
    ro.rank = opt;
    ro.directed = directed;
    ro.top = a.top;
    ro.pseudonymise = !a.no_pseudonymise;
    ro.query.layers = toolkit::ParseLayers(a.layers);
    ro.query.by = toolkit::ParseAggregation(a.by);
    if (!a.from.empty()) ro.query.from = ParseTimeArg("--from", a.from);
    if (!a.to.empty()) ro.query.to = ParseTimeArg("--to", a.to);
    toolkit::StoreRanking ranking = toolkit::RankStore(store, ro);
    if (ranking.skipped_flows)
      std::cerr << "relais: " << ranking.skipped_flows << " matching flows have no source "
                << toolkit::AggregationName(ro.query.by) << " and are not in the graph\n";
    rows = std::move(ranking.results);
  });

  ctx.ranks = 1;
  PrintRanking(a, opt.metric, rows, ctx.ranks);
}

}  // namespace

void RegisterRank(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<RankArgs>();
  auto* sub = app.add_subcommand("rank", "rank nodes of the flow graph or of an edge list");
  auto* store = sub->add_option("--store", args->store, "store folder");
  auto* edges = sub->add_option("--edges", args->edges, "SNAP-style edge list (src dst [weight]; .gz ok)");
  store->excludes(edges);
  sub->add_option("--metric", args->metric, "pagerank, hits, kcore, betweenness or degree")->required();
  auto* dir = sub->add_flag("--directed", args->directed, "keep arc directions (default)");
  auto* undir = sub->add_flag("--undirected", args->undirected, "ignore directions");
  dir->excludes(undir);
  sub->add_flag("--weighted", args->weighted, "use weights (flow counts on a store)");
  sub->add_option("--damping", args->damping, "PageRank damping factor (default 0.85)");
  sub->add_option("--top", args->top, "number of results, 0 = all (default 20)");
  sub->add_option("--layers", args->layers, "store: flow layers, comma-separated (default all)");
  sub->add_option("--from", args->from, "store: flows at or after this time (ISO 8601)");
  sub->add_option("--to", args->to, "store: flows before this time (ISO 8601)");
  sub->add_option("--by", args->by, "store: node = actor (default), item, class or region");
  sub->add_flag("--no-pseudonymise", args->no_pseudonymise, "store: show non-public actors' keys");
  sub->add_option("--epsilon", args->epsilon, "betweenness: sample with this additive error (0 = exact)");
  sub->add_option("--delta", args->delta, "betweenness sampling: failure probability (default 0.1)");
  sub->add_option("--seed", args->seed, "betweenness sampling seed (default 1)");
  sub->add_option("--threads", args->threads, "worker threads (default: all cores)");
  sub->add_flag("--json", args->json, "print {metric, results:[{node, score}]}");
  sub->callback([args, &ctx] {
    RunRank(*args, ctx);
    ctx.exit_code = 0;
  });
}

}  // namespace relais::cli
