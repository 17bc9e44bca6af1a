// Parse throughput of the corpora readers, side by side with raw simdjson ondemand on the same bytes.
//
// Inputs, built in memory from ../shared/data/twarc2-jsonl/brexit.jsonl (RELAIS_SHARED_DATA overrides):
//   brexit: the real twarc2 page (100 tweets + includes.users/tweets, ~3.5 KB per tweet) replicated to
//           ~50 MB;
//   short:  the same tweets cut to the fields a collection keeps (id, text, author_id, created_at, lang,
//           entities, referenced_tweets) in pages of 100 with includes.users, replicated to ~50 MB.
// Reader benchmarks turn every tweet into a ParsedRecord (ItemRecord with author, refs, links…);
// raw benchmarks iterate the same lines with ondemand and touch id, text and author_id of each tweet.
// Counters: tweets/s (items_per_second) and bytes/s, single thread.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "relais/corpora/reader.hpp"

namespace {

constexpr std::size_t kTargetBytes = 50u << 20;

struct Corpus {
  std::string bytes;  // JSONL, with SIMDJSON_PADDING spare bytes after the end
  std::vector<std::string_view> lines;
  std::size_t tweets = 0;
  std::string error;
};

std::filesystem::path SharedData() {
  if (const char* env = std::getenv("RELAIS_SHARED_DATA"); env && *env) return env;
  return std::filesystem::path(RELAIS_SOURCE_DIR) / ".." / "shared" / "data";
}

std::string BrexitPage(std::string* error) {
  std::ifstream in(SharedData() / "twarc2-jsonl" / "brexit.jsonl", std::ios::binary);
  if (!in) {
    *error = "brexit.jsonl not found (set RELAIS_SHARED_DATA)";
    return {};
  }
  std::string line;
  std::getline(in, line);
  return line;
}

Corpus Replicate(const std::string& page, std::size_t tweets_per_page) {
  Corpus c;
  while (c.bytes.size() < kTargetBytes) {
    c.bytes += page;
    c.bytes += '\n';
    c.tweets += tweets_per_page;
  }
  std::size_t size = c.bytes.size();
  c.bytes.append(simdjson::SIMDJSON_PADDING, '\0');
  std::string_view all(c.bytes.data(), size);
  for (std::size_t start = 0; start < all.size();) {
    std::size_t end = all.find('\n', start);
    c.lines.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return c;
}

const Corpus& BrexitCorpus() {
  static const Corpus corpus = [] {
    std::string error;
    std::string page = BrexitPage(&error);
    if (page.empty()) return Corpus{{}, {}, 0, error};
    return Replicate(page, nlohmann::json::parse(page)["data"].size());
  }();
  return corpus;
}

const Corpus& ShortCorpus() {
  static const Corpus corpus = [] {
    std::string error;
    std::string page = BrexitPage(&error);
    if (page.empty()) return Corpus{{}, {}, 0, error};
    nlohmann::json full = nlohmann::json::parse(page);
    nlohmann::json out;
    out["data"] = nlohmann::json::array();
    for (const auto& t : full["data"]) {
      nlohmann::json s;
      for (const char* key : {"id", "text", "author_id", "created_at", "lang", "entities", "referenced_tweets"}) {
        if (t.contains(key)) s[key] = t[key];
      }
      if (s.contains("entities")) s["entities"].erase("annotations");
      out["data"].push_back(s);
    }
    out["includes"]["users"] = nlohmann::json::array();
    for (const auto& u : full["includes"]["users"]) {
      out["includes"]["users"].push_back({{"id", u["id"]}, {"username", u["username"]}, {"name", u["name"]}});
    }
    return Replicate(out.dump(), out["data"].size());
  }();
  return corpus;
}

void RunReader(benchmark::State& state, const Corpus& c) {
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  auto reader = relais::corpora::MakeReader(relais::corpora::Format::kTwitterV2, {});
  std::vector<relais::corpora::RecordOutcome> out;
  relais::InputPos pos{"bench.jsonl", 0, 0};
  std::size_t records = 0;
  for (auto _ : state) {
    records = 0;
    for (std::string_view line : c.lines) {
      out.clear();
      reader->ParseLine(line, pos, out);
      for (const auto& o : out) records += std::holds_alternative<relais::corpora::ParsedRecord>(o);
      benchmark::DoNotOptimize(out.data());
    }
  }
  if (records != c.tweets) state.SkipWithError("reader did not accept every tweet");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.tweets));
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * (c.bytes.size() - simdjson::SIMDJSON_PADDING)));
}

void RunRaw(benchmark::State& state, const Corpus& c) {
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  namespace od = simdjson::ondemand;
  od::parser parser;
  std::size_t tweets = 0;
  std::size_t checksum = 0;
  const char* end = c.bytes.data() + c.bytes.size();
  for (auto _ : state) {
    tweets = 0;
    for (std::string_view line : c.lines) {
      // In place: the following bytes of the buffer serve as padding.
      od::document doc = parser.iterate(line.data(), line.size(), static_cast<std::size_t>(end - line.data()));
      for (auto field : doc.get_object()) {
        if (field.unescaped_key().value() != "data") continue;
        for (auto tweet : field.value().get_array()) {
          for (auto f : tweet.get_object()) {
            std::string_view key = f.unescaped_key().value();
            if (key == "id" || key == "text" || key == "author_id") checksum += f.value().get_string().value().size();
          }
          ++tweets;
        }
      }
    }
    benchmark::DoNotOptimize(checksum);
  }
  if (tweets != c.tweets) state.SkipWithError("raw pass saw a different number of tweets");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.tweets));
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * (c.bytes.size() - simdjson::SIMDJSON_PADDING)));
}

void BM_TwitterV2Reader_Brexit(benchmark::State& state) { RunReader(state, BrexitCorpus()); }
void BM_RawOndemand_Brexit(benchmark::State& state) { RunRaw(state, BrexitCorpus()); }
void BM_TwitterV2Reader_Short(benchmark::State& state) { RunReader(state, ShortCorpus()); }
void BM_RawOndemand_Short(benchmark::State& state) { RunRaw(state, ShortCorpus()); }

BENCHMARK(BM_TwitterV2Reader_Brexit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawOndemand_Brexit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TwitterV2Reader_Short)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawOndemand_Short)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
