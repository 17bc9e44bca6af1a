// Edge-list reading throughput (Google Benchmark): MB/s of ParseEdgeList on integer ids, string ids
// and weighted lines, and of ReadEdgeList on a file (the same integer list written to a temporary file,
// or RELAIS_EDGE_LIST_FILE when set, e.g. a 10M-edge Barabási–Albert list). Not run in CI; results in
// experiments/results/graph.md.
//
//   build/bench/relais_edge_list_bench --benchmark_min_time=1
//   RELAIS_BENCH_THREADS=2 (default: all cores)
#include <benchmark/benchmark.h>
#include <tbb/task_arena.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "relais/graph/io/edge_list.hpp"

namespace {

int Threads() {
  if (const char* t = std::getenv("RELAIS_BENCH_THREADS")) return std::atoi(t);
  return static_cast<int>(std::thread::hardware_concurrency());
}

std::uint64_t SplitMix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A preferential-attachment-like list: node i (i >= 1) links to m earlier nodes, half of them drawn
// among the targets of earlier edges (degree-proportional), as igraph's Barabási–Albert lists look.
std::string MakeList(std::size_t nodes, std::size_t m, bool strings, bool weights) {
  std::string out;
  out.reserve(nodes * m * 16);
  std::vector<std::uint32_t> targets;
  targets.reserve(nodes * m);
  std::uint64_t s = 42;
  for (std::size_t i = 1; i < nodes; ++i) {
    for (std::size_t k = 0; k < m; ++k) {
      std::uint64_t r = SplitMix(s);
      std::uint32_t t =
          (r & 1) && !targets.empty() ? targets[(r >> 1) % targets.size()] : static_cast<std::uint32_t>((r >> 1) % i);
      targets.push_back(t);
      if (strings) out += 'n';
      out += std::to_string(i);
      out += ' ';
      if (strings) out += 'n';
      out += std::to_string(t);
      if (weights) out += " 1.5";
      out += '\n';
    }
  }
  return out;
}

void Parse(benchmark::State& state, const std::string& text) {
  tbb::task_arena arena(Threads());
  for (auto _ : state) {
    arena.execute([&] {
      relais::graph::EdgeList el = relais::graph::ParseEdgeList(text);
      benchmark::DoNotOptimize(el.src.data());
    });
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}

void BM_EdgeListIntegerIds(benchmark::State& state) {
  static const std::string text = MakeList(200'000, 10, false, false);  // 2M edges, ~25 MB
  Parse(state, text);
}
BENCHMARK(BM_EdgeListIntegerIds)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_EdgeListStringIds(benchmark::State& state) {
  static const std::string text = MakeList(200'000, 10, true, false);
  Parse(state, text);
}
BENCHMARK(BM_EdgeListStringIds)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_EdgeListWeighted(benchmark::State& state) {
  static const std::string text = MakeList(200'000, 10, false, true);
  Parse(state, text);
}
BENCHMARK(BM_EdgeListWeighted)->UseRealTime()->Unit(benchmark::kMillisecond);

// The file read by BM_EdgeListFile: RELAIS_EDGE_LIST_FILE, else the integer list written once to a
// temporary file (removed at exit).
const std::filesystem::path& ListFile() {
  static const std::filesystem::path path = [] {
    if (const char* f = std::getenv("RELAIS_EDGE_LIST_FILE")) return std::filesystem::path(f);
    auto p = std::filesystem::temp_directory_path() / ("relais_edge_list_bench_" + std::to_string(getpid()) + ".tsv");
    std::ofstream(p, std::ios::binary) << MakeList(200'000, 10, false, false);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove(ListFile(), ec);
    });
    return p;
  }();
  return path;
}

void BM_EdgeListFile(benchmark::State& state) {
  const auto& path = ListFile();
  tbb::task_arena arena(Threads());
  for (auto _ : state) {
    arena.execute([&] {
      relais::graph::EdgeList el = relais::graph::ReadEdgeList(path);
      benchmark::DoNotOptimize(el.src.data());
    });
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(std::filesystem::file_size(path)));
}
BENCHMARK(BM_EdgeListFile)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
