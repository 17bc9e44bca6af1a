// Parse throughput of the readers of issue 16 on their real samples, each replicated to >= 100 MB
// in memory (RELAIS_SHARED_DATA overrides ../shared/data): one ParseDocument (or ParseLine per
// line for line-oriented readers) over the whole corpus per iteration, single thread.
// Counters: bytes/s and records/s.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "relais/corpora/input.hpp"
#include "relais/corpora/reader.hpp"

#include "bench_util.hpp"

namespace {
namespace fs = std::filesystem;
using relais::corpora::Format;

constexpr std::size_t kTargetBytes = 100u << 20;

using relais::bench::SharedData;

std::string Slurp(const fs::path& p) {
  try {
    return relais::corpora::ReadAll(p);
  } catch (const std::exception&) {
    return {};
  }
}

// `prefix` + `unit` (joined by `sep`) repeated until >= 100 MB + `suffix`.
std::string Replicate(const std::string& prefix, const std::string& unit, const std::string& sep,
                      const std::string& suffix) {
  std::string out = prefix;
  out.reserve(kTargetBytes + unit.size() + prefix.size() + suffix.size());
  bool first = true;
  while (out.size() < kTargetBytes) {
    if (!first) out += sep;
    out += unit;
    first = false;
  }
  out += suffix;
  return out;
}

// Telegram: the channel export's messages repeated inside one result.json.
std::string TelegramCorpus() {
  std::string doc = Slurp(SharedData() / "telegram-export" / "python2022i-channel" / "result.json");
  std::size_t open = doc.find('[', doc.find("\"messages\""));
  std::size_t close = doc.rfind(']');
  if (doc.empty() || open == std::string::npos || close == std::string::npos) return {};
  return Replicate(doc.substr(0, open + 1), doc.substr(open + 1, close - open - 1), ",", doc.substr(close));
}

// Lines of a JSONL sample repeated.
std::string LinesCorpus(const fs::path& p) {
  std::string s = Slurp(p);
  if (s.empty()) return {};
  if (s.back() != '\n') s += '\n';
  return Replicate("", s, "", "");
}

// Europresse: the <article> blocks of the 2015 export repeated inside one page.
std::string EuropresseCorpus() {
  std::string doc = Slurp(SharedData() / "europresse-html" / "europresse_test2.html");
  std::size_t a = doc.find("<article>"), b = doc.rfind("</article>");
  if (doc.empty() || a == std::string::npos || b == std::string::npos) return {};
  b += 10;
  return Replicate(doc.substr(0, a), doc.substr(a, b - a), "\n", doc.substr(b));
}

// X GraphQL: the SearchTimeline page and the 2022 UserTweetsAndReplies page as JSON lines.
std::string GraphqlCorpus() {
  std::string unit;
  for (const char* rel : {"fxembed-mocks/SearchTimeline/neo.json", "rettiwt-2022/user-tweets-and-replies.json"}) {
    std::string s = Slurp(SharedData() / "twitter-graphql-samples" / rel);
    if (s.empty()) return {};
    std::string line;
    for (char c : s)
      if (c != '\n' && c != '\r') line += c;
    unit += line + "\n";
  }
  return Replicate("", unit, "", "");
}

void Run(benchmark::State& state, Format format, const std::function<std::string()>& make) {
  static std::map<Format, std::string> corpora;
  auto it = corpora.find(format);
  if (it == corpora.end()) it = corpora.emplace(format, make()).first;
  const std::string& bytes = it->second;
  if (bytes.empty()) {
    state.SkipWithError("real sample not found (set RELAIS_SHARED_DATA)");
    return;
  }
  auto reader = relais::corpora::MakeReader(format, {});
  std::size_t records = 0;
  for (auto _ : state) {
    std::vector<relais::corpora::RecordOutcome> out;
    reader->ParseDocument(bytes, "bench", out);
    records += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.counters["MB"] = static_cast<double>(bytes.size()) / 1e6;
}

void BM_Telegram(benchmark::State& s) { Run(s, Format::kTelegram, TelegramCorpus); }
void BM_BlueskyJetstream(benchmark::State& s) {
  Run(s, Format::kBlueskyJetstream,
      [] { return LinesCorpus(SharedData() / "bluesky-jetstream" / "corpus" / "expected_v1.jsonl"); });
}
void BM_Europresse(benchmark::State& s) { Run(s, Format::kEuropresse, EuropresseCorpus); }
void BM_TwitterGraphql(benchmark::State& s) { Run(s, Format::kTwitterGraphql, GraphqlCorpus); }
void BM_Zeeschuimer(benchmark::State& s) {
  Run(s, Format::kZeeschuimer, [] {
    return LinesCorpus(SharedData() / "zeeschuimer-ndjson" / "zeeschuimer-decoder" / "test-files" /
                       "twitter-test.ndjson");
  });
}

// Bluesky CARs: a CAR is one repository, so the 7 real CARs (about 400 KB) are each parsed whole,
// as separate files, in turn, as many times as it takes to read >= 100 MB per iteration.
void BM_BlueskyCar(benchmark::State& state) {
  static std::vector<std::string> cars = [] {
    std::vector<std::string> v;
    for (const char* rel : {"indigo/bafyreieovfuizojpw3zresz7sx3nk4trm2by23pt5rxbey3jme4uo5ogiu.car",
                            "indigo/bnewbold.robocracy.org.20250310005405.car", "indigo/fakermaker.repo.car",
                            "indigo/greenground.repo.car", "indigo/paul_staging.repo.car", "indigo/repo_slice.car",
                            "jetstream-corpus/repo.car"}) {
      std::string s = Slurp(SharedData() / "bluesky-car" / rel);
      if (s.empty()) return std::vector<std::string>{};
      v.push_back(std::move(s));
    }
    return v;
  }();
  if (cars.empty()) {
    state.SkipWithError("real sample not found (set RELAIS_SHARED_DATA)");
    return;
  }
  std::size_t pass = 0;
  for (const auto& c : cars) pass += c.size();
  const std::size_t reps = (kTargetBytes + pass - 1) / pass;
  auto reader = relais::corpora::MakeReader(Format::kBlueskyCar, {});
  std::size_t records = 0;
  for (auto _ : state) {
    for (std::size_t r = 0; r < reps; ++r) {
      for (const auto& c : cars) {
        std::vector<relais::corpora::RecordOutcome> out;
        reader->ParseDocument(c, "bench", out);
        records += out.size();
        benchmark::DoNotOptimize(out.data());
      }
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * reps * pass));
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.counters["MB"] = static_cast<double>(reps * pass) / 1e6;
}

}  // namespace

BENCHMARK(BM_BlueskyCar)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Telegram)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_BlueskyJetstream)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Europresse)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_TwitterGraphql)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Zeeschuimer)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_MAIN();
