// Ingest benchmarks: the writer alone (hand-made records into a new store), record finalisation,
// and Ingest() of a generated twarc2 file (RELAIS_INGEST_BENCH_FILE, e.g. from
// experiments/baselines/python_ingest.py generate). Throughput in records/s.
#include <benchmark/benchmark.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "relais/corpora/ingest.hpp"

namespace {

using namespace relais::corpora;

std::filesystem::path FreshDir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

PreparedRecord MakeRecord(std::int64_t i) {
  ItemRecord it;
  it.key = "twitter:" + std::to_string(1400000000000000000LL + i);
  it.platform = "twitter";
  it.author = ActorRecord{"@compte_" + std::to_string(i % 20000), "twitter", "compte_" + std::to_string(i % 20000),
                          "Compte", std::to_string(10000 + i % 20000)};
  it.time = 1609459200000 + i * 1000;
  it.text = "préfecture réforme grève élection incendie député plage projet annonce région tramway #Toulon";
  it.lang = "fr";
  it.hashtags = {"Toulon"};
  if (i % 3 == 0) it.mentions = {"compte_" + std::to_string((i * 7) % 20000)};
  if (i % 4 == 0) it.links = {"https://www.varmatin.com/article/" + std::to_string(i % 100000) + "?utm_source=tw"};
  if (i > 0 && i % 3 == 1)
    it.refs.push_back(ItemRef{Layer::kRetweet, "twitter:" + std::to_string(1400000000000000000LL + i - 1), ""});
  ParsedRecord r;
  r.items.push_back(std::move(it));
  r.pos = relais::InputPos{"bench.jsonl", static_cast<std::uint64_t>(i + 1), 0};
  return PrepareRecord(std::move(r));
}

void BM_PrepareRecord(benchmark::State& state) {
  std::int64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(MakeRecord(i++));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PrepareRecord);

void BM_StoreWriter(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  std::vector<PreparedRecord> records;
  for (std::int64_t i = 0; i < n; ++i) records.push_back(MakeRecord(i));
  Registry registry;
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = FreshDir("relais-bench-writer");
    auto store = Store::Open(dir, OpenMode::kCreate);
    store.DropSecondaryIndexes();
    state.ResumeTiming();
    {
      StoreWriter writer(store, registry);
      store.Begin();
      for (std::int64_t i = 0; i < n; ++i) {
        writer.Write(records[static_cast<std::size_t>(i)]);
        if (i % 20000 == 19999) {
          store.Commit();
          store.Begin();
        }
      }
      store.Commit();
    }
    store.EnsureIndexes();
    RecomputeFlows(store);
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_StoreWriter)->Arg(100000)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_IngestFile(benchmark::State& state) {
  const char* file = std::getenv("RELAIS_INGEST_BENCH_FILE");
  if (!file || !std::filesystem::exists(file)) {
    state.SkipWithError("set RELAIS_INGEST_BENCH_FILE to a twarc2 JSONL file");
    return;
  }
  Registry registry;
  std::uint64_t records = 0;
  double files = 0, indexes = 0, flows = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = FreshDir("relais-bench-ingest");
    auto store = Store::Open(dir, OpenMode::kCreate);
    IngestOptions opt;
    opt.paths = {file};
    opt.format = Format::kTwitterV2;
    opt.threads = static_cast<int>(state.range(0));
    opt.registry = &registry;
    state.ResumeTiming();
    IngestResult r = Ingest(store, opt);
    records += r.total.read;
    files += r.files_seconds;
    indexes += r.index_seconds;
    flows += r.flow_seconds;
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  // Seconds per iteration spent in each phase: files (hash, read, parse, write), indexes, flows.
  const double n = static_cast<double>(state.iterations());
  state.counters["files_s"] = files / n;
  state.counters["index_s"] = indexes / n;
  state.counters["flow_s"] = flows / n;
}
BENCHMARK(BM_IngestFile)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
