// Generation time of the synthetic world by scale and thread count (results in experiments/results/synth.md).
// Medium and large are long: run them with --benchmark_filter=medium explicitly.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "relais/corpora/synth.hpp"

namespace {

void Generate(benchmark::State& state, relais::corpora::SynthScale scale) {
  namespace fs = std::filesystem;
  fs::path out = fs::temp_directory_path() / ("relais-synth-bench-" + std::to_string(state.range(0)));
  std::uint64_t items = 0, bytes = 0;
  for (auto _ : state) {
    relais::corpora::SynthOptions o;
    o.out = out;
    o.seed = 1;
    o.scale = scale;
    o.threads = static_cast<int>(state.range(0));
    auto r = relais::corpora::GenerateSynthWorld(o);
    items = r.items;
    bytes = r.bytes;
  }
  state.counters["items"] = static_cast<double>(items);
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["items_per_s"] = benchmark::Counter(
      static_cast<double>(items) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  std::error_code ec;
  fs::remove_all(out, ec);
}

void BM_SynthSmall(benchmark::State& s) { Generate(s, relais::corpora::SynthScale::kSmall); }
void BM_SynthMedium(benchmark::State& s) { Generate(s, relais::corpora::SynthScale::kMedium); }

BENCHMARK(BM_SynthSmall)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SynthMedium)->Arg(2)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
