// Ingest benchmarks: the writer alone (hand-made records into a new store), record finalisation,
// and Ingest() of a generated twarc2 file (RELAIS_INGEST_BENCH_FILE, e.g. from
// experiments/baselines/python_ingest.py generate). Throughput in records/s.
#include <benchmark/benchmark.h>

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "relais/corpora/ingest.hpp"
#include "relais/corpora/store.hpp"

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

// The floor of any writer on this schema: SQLite alone inserting what 1M twarc2 tweets become
// (per tweet: 1 item, 1 hashtag, 0.3 mention, 0.25 url, 0.45 ref and 1.26 flow rows, the
// proportions of experiments/results/ingest.md's store), pre-built values bound without copies,
// no parsing, no lookups; then the secondary indexes. Counters: seconds per phase.
void BM_SqliteFloor(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const std::string text(150, 'e');
  double rows_s = 0, flows_s = 0, index_s = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = FreshDir("relais-bench-floor");
    auto store = Store::Open(dir, OpenMode::kCreate);
    store.DropSecondaryIndexes();
    sqlite3* db = store.db();
    // Arg 1: no durability at all (no journal, no fsync, exclusive lock) — a bound no crash-safe
    // store can beat; arg 0: the store's own settings (WAL, synchronous=NORMAL).
    if (state.range(1) != 0)
      sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE", nullptr,
                   nullptr, nullptr);
    auto prep = [&](const char* sql) {
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
      return st;
    };
    auto run = [](sqlite3_stmt* st) {
      sqlite3_step(st);
      sqlite3_reset(st);
    };
    auto text_arg = [](sqlite3_stmt* st, int i, const std::string& v) {
      sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    };
    sqlite3_stmt* item = prep(
        "INSERT INTO items(key, platform, channel, kind, actor_id, time, text, lang, file, line) "
        "VALUES(?1, 'twitter', 'social', 'original', ?2, ?3, ?4, 'fr', 'bench.jsonl', ?5) ON CONFLICT(key) DO NOTHING");
    sqlite3_stmt* tag = prep("INSERT OR IGNORE INTO hashtags(item_id, tag) VALUES(?1, 'Toulon')");
    sqlite3_stmt* mention = prep("INSERT OR IGNORE INTO mentions(item_id, handle) VALUES(?1, ?2)");
    sqlite3_stmt* url = prep(
        "INSERT OR IGNORE INTO urls(item_id, url, raw_url, host, host_actor) VALUES(?1, ?2, ?2, 'varmatin.com', 7)");
    sqlite3_stmt* ref = prep(
        "INSERT OR IGNORE INTO refs(item_id, layer, target_key, target_handle) "
        "VALUES(?1, 'retweet', ?2, ?3)");
    sqlite3_stmt* flow = prep(
        "INSERT INTO flows(layer, src_item, dst_item, src_actor, dst_actor, latency) "
        "VALUES('retweet', ?1, ?2, ?3, ?4, ?5)");
    std::vector<std::string> keys(static_cast<std::size_t>(n)), handles(20000), urls(100000);
    for (std::int64_t i = 0; i < n; ++i) keys[i] = "twitter:" + std::to_string(1400000000000000000LL + i);
    for (std::size_t i = 0; i < handles.size(); ++i) handles[i] = "compte_" + std::to_string(i);
    for (std::size_t i = 0; i < urls.size(); ++i) urls[i] = "https://varmatin.com/article/" + std::to_string(i);
    state.ResumeTiming();
    auto t0 = std::chrono::steady_clock::now();
    store.Begin();
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t id = i + 1;
      text_arg(item, 1, keys[i]);
      sqlite3_bind_int64(item, 2, 1 + i % 20000);
      sqlite3_bind_int64(item, 3, 1609459200000 + i * 1000);
      text_arg(item, 4, text);
      sqlite3_bind_int64(item, 5, i + 1);
      run(item);
      sqlite3_bind_int64(tag, 1, id);
      run(tag);
      if (i % 10 < 3) {
        sqlite3_bind_int64(mention, 1, id);
        text_arg(mention, 2, handles[(i * 7) % 20000]);
        run(mention);
      }
      if (i % 4 == 0) {
        sqlite3_bind_int64(url, 1, id);
        text_arg(url, 2, urls[(i * 13) % 100000]);
        run(url);
      }
      if (i > 0 && i % 20 < 9) {
        sqlite3_bind_int64(ref, 1, id);
        text_arg(ref, 2, keys[i - 1]);
        text_arg(ref, 3, handles[(i * 3) % 20000]);
        run(ref);
      }
      if (i % 20000 == 19999) {
        store.Commit();
        store.Begin();
      }
    }
    store.Commit();
    auto t1 = std::chrono::steady_clock::now();
    store.Begin();
    for (std::int64_t k = 0; k < n + n / 4; ++k) {
      const std::int64_t dst = 1 + (k * 5) % n;
      sqlite3_bind_int64(flow, 1, dst > 1 ? dst - 1 : 1);
      sqlite3_bind_int64(flow, 2, dst);
      sqlite3_bind_int64(flow, 3, 1 + k % 20000);
      sqlite3_bind_int64(flow, 4, 1 + (k * 3) % 20000);
      sqlite3_bind_int64(flow, 5, 60000);
      run(flow);
    }
    store.Commit();
    auto t2 = std::chrono::steady_clock::now();
    store.EnsureIndexes();
    auto t3 = std::chrono::steady_clock::now();
    rows_s += std::chrono::duration<double>(t1 - t0).count();
    flows_s += std::chrono::duration<double>(t2 - t1).count();
    index_s += std::chrono::duration<double>(t3 - t2).count();
    for (sqlite3_stmt* st : {item, tag, mention, url, ref, flow}) sqlite3_finalize(st);
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  const double it = static_cast<double>(state.iterations());
  state.counters["rows_s"] = rows_s / it;
  state.counters["flows_s"] = flows_s / it;
  state.counters["index_s"] = index_s / it;
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_SqliteFloor)
    ->ArgNames({"tweets", "unsafe"})
    ->Args({1000000, 0})
    ->Args({1000000, 1})
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

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
