// Graph kernels' throughput (Google Benchmark). Not run in CI; see experiments/results/graph.md.
//
//   build-graph/bench/relais_graph_bench --benchmark_filter=PageRank --benchmark_min_time=1
//   RELAIS_BENCH_THREADS=2 (default: all cores)
//
// Graphs: RMAT with Graph500 parameters (a=0.57, b=0.19, c=0.19), edge factor 16, symmetrised, as in
// the GAP Benchmark Suite's kron graphs; and a heavy-tailed graph of Slashdot0902's size (82,168
// nodes, 870,161 edges: RMAT scale 17 trimmed to 82,168 node ids) for betweenness.
#include <benchmark/benchmark.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cstdlib>
#include <thread>
#include <tuple>

#include "relais/base/hash.hpp"
#include "relais/graph/betweenness.hpp"
#include "relais/graph/csr_graph.hpp"
#include "relais/graph/kcore.hpp"
#include "relais/graph/pagerank.hpp"
#include "relais/graph/reorder.hpp"

namespace {

using relais::graph::CsrGraph;
using relais::graph::NodeId;

int Threads() {
  if (const char* t = std::getenv("RELAIS_BENCH_THREADS")) return std::atoi(t);
  return static_cast<int>(std::thread::hardware_concurrency());
}

tbb::task_arena& Arena() {
  static tbb::task_arena arena(Threads());
  return arena;
}

// One RMAT edge from its index: deterministic, parallel-friendly (a SplitMix64 stream per edge).
std::pair<NodeId, NodeId> RmatEdge(int scale, std::uint64_t i, std::uint64_t seed) {
  std::uint64_t x = relais::SplitMix64(seed ^ relais::SplitMix64(i));
  NodeId u = 0, v = 0;
  for (int bit = 0; bit < scale; ++bit) {
    x = relais::SplitMix64(x);
    double r = static_cast<double>(x >> 11) * 0x1.0p-53;
    u <<= 1;
    v <<= 1;
    if (r < 0.57) continue;
    if (r < 0.76) {
      v |= 1;
    } else if (r < 0.95) {
      u |= 1;
    } else {
      u |= 1;
      v |= 1;
    }
  }
  return {u, v};
}

CsrGraph MakeRmat(int scale, std::uint64_t edges, bool directed, NodeId max_nodes = 0) {
  const NodeId n = max_nodes ? max_nodes : NodeId{1} << scale;
  std::vector<NodeId> s(edges), d(edges);
  Arena().execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, edges, 1 << 16), [&](const auto& r) {
      for (std::uint64_t i = r.begin(); i != r.end(); ++i) {
        auto [u, v] = RmatEdge(scale, i, 42);
        s[i] = u % n;
        d[i] = v % n;
      }
    });
  });
  return Arena().execute([&] {
    // Hubs first, as `relais rank --edges` builds its graphs (BM_RelabelByDegree times this step).
    relais::graph::RelabelByDegree(n, s, d);
    return CsrGraph::FromEdges(n, s, d, {}, directed);
  });
}

const CsrGraph& Kron20() {
  static CsrGraph g = [] {
    CsrGraph k = MakeRmat(20, std::uint64_t{16} << 20, false);
    k.EnsureInEdges();
    return k;
  }();
  return g;
}

// 20 iterations from the uniform vector: the L1 change stays far above 1e-6, so with the default
// mixed precision all 20 gather float contributions (as GAP's pr does); the second registration
// (arg 0) forces double contributions, the kernel's final phase.
void BM_PageRankIteration(benchmark::State& state) {
  const CsrGraph& g = Kron20();
  relais::graph::PageRankOptions o;
  o.tolerance = 0;
  o.max_iterations = 20;
  o.mixed_precision = state.range(0) != 0;
  for (auto _ : state) {
    auto r = Arena().execute([&] { return relais::graph::ComputePageRank(g, o); });
    benchmark::DoNotOptimize(r.scores.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * o.max_iterations *
                          static_cast<std::int64_t>(g.num_arcs()));
  state.counters["arcs"] = static_cast<double>(g.num_arcs());
  state.counters["threads"] = Threads();
}
BENCHMARK(BM_PageRankIteration)
    ->ArgName("mixed")
    ->Arg(1)
    ->Arg(0)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_BuildCsr(benchmark::State& state) {
  for (auto _ : state) {
    CsrGraph g = MakeRmat(18, std::uint64_t{16} << 18, false);
    benchmark::DoNotOptimize(g.targets().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * (std::int64_t{16} << 18));
}
BENCHMARK(BM_BuildCsr)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(3);

// The degree ordering of the PageRank graph's edge arrays (2^24 edges, scale 20): a one-off cost
// to set against the per-iteration gain.
void BM_RelabelByDegree(benchmark::State& state) {
  const std::uint64_t edges = std::uint64_t{16} << 20;
  const NodeId n = NodeId{1} << 20;
  std::vector<NodeId> s0(edges), d0(edges);
  for (std::uint64_t i = 0; i < edges; ++i) std::tie(s0[i], d0[i]) = RmatEdge(20, i, 42);
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<NodeId> s = s0, d = d0;
    state.ResumeTiming();
    auto perm = Arena().execute([&] { return relais::graph::RelabelByDegree(n, s, d); });
    benchmark::DoNotOptimize(perm.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * edges));
}
BENCHMARK(BM_RelabelByDegree)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(3);

const CsrGraph& SlashdotSize() {
  static CsrGraph g = MakeRmat(17, 870161, true, 82168);
  return g;
}

void BM_BetweennessPerSource(benchmark::State& state) {
  const CsrGraph& g = SlashdotSize();
  std::vector<NodeId> sources;
  for (NodeId s = 0; s < 256; ++s) sources.push_back(static_cast<NodeId>(relais::SplitMix64(s) % g.num_nodes()));
  relais::graph::BetweennessOptions o;
  o.sources = sources;
  for (auto _ : state) {
    auto bc = Arena().execute([&] { return relais::graph::ComputeBetweenness(g, o); });
    benchmark::DoNotOptimize(bc.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(sources.size()));
  state.counters["ms_per_source"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(sources.size()) / 1000.0,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_BetweennessPerSource)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);

void BM_CoreNumbers(benchmark::State& state) {
  const CsrGraph& g = SlashdotSize();
  for (auto _ : state) {
    auto c = Arena().execute([&] { return relais::graph::ComputeCoreNumbers(g); });
    benchmark::DoNotOptimize(c.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(g.num_arcs()));
}
BENCHMARK(BM_CoreNumbers)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
