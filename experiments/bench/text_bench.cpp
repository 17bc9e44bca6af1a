// Benchmarks of relais::text: normalise+tokenise MB/s (vs ICU's word BreakIterator alone), stems/s (cached,
// uncached, raw libstemmer), MinHash texts/s at 128 permutations, and the reuse engine's LSH + verification.
// Corpus: the French tweets of ../shared/data/fr-debate-tweets-2017 (RELAIS_SHARED_DATA overrides), repeated.
//   build-text/bench/relais_text_bench --benchmark_out=text.json --benchmark_out_format=json
#include <benchmark/benchmark.h>
#include <unicode/brkiter.h>
#include <unicode/unistr.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include "relais/text/lsh.hpp"
#include "relais/text/minhash.hpp"
#include "relais/text/normalize.hpp"
#include "relais/text/reuse.hpp"
#include "relais/text/stem.hpp"
#include "relais/text/tokenize.hpp"

namespace {

std::filesystem::path SharedData() {
  if (const char* env = std::getenv("RELAIS_SHARED_DATA"); env && *env) return env;
  return std::filesystem::path(RELAIS_SOURCE_DIR) / ".." / "shared" / "data";
}

// One French text per line (tweets, quotes, URLs, hashtags), about 1 MB.
const std::vector<std::string>& Corpus() {
  static const std::vector<std::string> corpus = [] {
    std::vector<std::string> lines;
    for (const char* rel :
         {"fr-debate-tweets-2017/tweets_debat.csv", "fr-debate-tweets-2017/tweets_debat_20170404.csv"}) {
      std::ifstream in(SharedData() / rel);
      std::string line;
      while (std::getline(in, line))
        if (line.size() > 20) lines.push_back(line);
    }
    if (lines.empty())
      lines.push_back("L’été, qu'on attendait #Élysée : 3,5 % de hausse à Toulon https://t.co/x @Var_Matin");
    std::vector<std::string> out;
    std::size_t bytes = 0;
    while (bytes < (1u << 20))
      for (const auto& l : lines) {
        out.push_back(l);
        bytes += l.size();
      }
    return out;
  }();
  return corpus;
}

std::size_t CorpusBytes() {
  std::size_t b = 0;
  for (const auto& l : Corpus()) b += l.size();
  return b;
}

void BM_ReuseTokenHashes(benchmark::State& state) {
  std::vector<std::uint64_t> out;
  for (auto _ : state) {
    for (const auto& line : Corpus()) {
      out.clear();
      relais::text::ReuseTokenHashes(line, out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * CorpusBytes()));
}
BENCHMARK(BM_ReuseTokenHashes)->Unit(benchmark::kMillisecond);

void BM_TokenizeFrench(benchmark::State& state) {
  for (auto _ : state)
    for (const auto& line : Corpus()) benchmark::DoNotOptimize(relais::text::TokenizeFrench(line));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * CorpusBytes()));
}
BENCHMARK(BM_TokenizeFrench)->Unit(benchmark::kMillisecond);

void BM_TokenizeFrenchIcuPath(benchmark::State& state) {
  for (auto _ : state)
    for (const auto& line : Corpus()) benchmark::DoNotOptimize(relais::text::TokenizeFrenchIcu(line));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * CorpusBytes()));
}
BENCHMARK(BM_TokenizeFrenchIcuPath)->Unit(benchmark::kMillisecond);

void BM_Normalize(benchmark::State& state) {
  for (auto _ : state)
    for (const auto& line : Corpus()) benchmark::DoNotOptimize(relais::text::Normalize(line, {.lower = true}));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * CorpusBytes()));
}
BENCHMARK(BM_Normalize)->Unit(benchmark::kMillisecond);

// The reference: ICU's word BreakIterator alone, including the UTF-8 → UTF-16 conversion.
void BM_IcuWordBreakIterator(benchmark::State& state) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> bi(icu::BreakIterator::createWordInstance(icu::Locale("fr"), status));
  for (auto _ : state) {
    std::size_t words = 0;
    for (const auto& line : Corpus()) {
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(line);
      bi->setText(u);
      for (int32_t p = bi->first(); p != icu::BreakIterator::DONE; p = bi->next()) words += bi->getRuleStatus() != 0;
    }
    benchmark::DoNotOptimize(words);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * CorpusBytes()));
}
BENCHMARK(BM_IcuWordBreakIterator)->Unit(benchmark::kMillisecond);

const std::vector<std::string>& Words() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w;
    for (const auto& line : Corpus()) relais::text::ReuseTokens(line, w);
    return w;
  }();
  return words;
}

void BM_StemCached(benchmark::State& state) {
  relais::text::FrenchStemmer stemmer;
  for (auto _ : state)
    for (const auto& w : Words()) benchmark::DoNotOptimize(stemmer.Stem(w).data());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * Words().size()));
}
BENCHMARK(BM_StemCached)->Unit(benchmark::kMillisecond);

// Our Snowball (current version) without the cache.
void BM_StemUncached(benchmark::State& state) {
  relais::text::FrenchStemmer stemmer(0);
  for (auto _ : state)
    for (const auto& w : Words()) benchmark::DoNotOptimize(stemmer.StemUncached(w).data());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * Words().size()));
}
BENCHMARK(BM_StemUncached)->Unit(benchmark::kMillisecond);

// Debian's libstemmer (Snowball 2.2), the brief's reference rate.
void BM_StemRawLibstemmer(benchmark::State& state) {
  relais::text::Libstemmer stemmer;
  for (auto _ : state)
    for (const auto& w : Words()) benchmark::DoNotOptimize(stemmer.Stem(w).data());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * Words().size()));
}
BENCHMARK(BM_StemRawLibstemmer)->Unit(benchmark::kMillisecond);

// Tweet-length texts (the corpus lines are tweets): token hashes → shingles → 128-permutation signature.
void BM_MinHash128Texts(benchmark::State& state) {
  static std::vector<std::vector<std::uint64_t>> tokens = [] {
    std::vector<std::vector<std::uint64_t>> t;
    for (const auto& line : Corpus()) {
      t.emplace_back();
      relais::text::ReuseTokenHashes(line, t.back());
    }
    return t;
  }();
  const relais::text::MinHasher mh(128, 1);
  std::vector<std::uint32_t> sig(128);
  for (auto _ : state) {
    for (const auto& t : tokens) {
      const auto sh = relais::text::ShingleHashes(t, 5);
      mh.Sign(sh, sig);
      benchmark::DoNotOptimize(sig.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * tokens.size()));
}
BENCHMARK(BM_MinHash128Texts)->Unit(benchmark::kMillisecond);

void BM_MinHash128SignOnly(benchmark::State& state) {
  std::mt19937_64 rng(1);
  std::vector<std::uint64_t> shingles(25);
  for (auto& s : shingles) s = rng();
  const relais::text::MinHasher mh(128, 1);
  std::vector<std::uint32_t> sig(128);
  for (auto _ : state) {
    mh.Sign(shingles, sig);
    benchmark::DoNotOptimize(sig.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MinHash128SignOnly);

// The whole engine on the corpus with planted copies: every 10th line is quoted later with edits.
void BM_FindReuse(benchmark::State& state) {
  static std::vector<std::string> texts = [] {
    std::vector<std::string> t(Corpus().begin(), Corpus().begin() + std::min<std::size_t>(Corpus().size(), 20000));
    const std::size_t n = t.size();
    for (std::size_t k = 0; k < n; k += 10) t.push_back("RT bien vu : " + t[k] + " #Toulon");
    return t;
  }();
  std::vector<relais::text::ReuseDoc> docs(texts.size());
  for (std::size_t k = 0; k < texts.size(); ++k) {
    docs[k].text = texts[k];
    docs[k].time = static_cast<std::int64_t>(k);
    docs[k].key = "";
  }
  relais::text::ReuseOptions opt;
  opt.threads = static_cast<int>(state.range(0));
  std::size_t flows = 0;
  for (auto _ : state) flows = relais::text::FindReuse(docs, opt).flows.size();
  state.counters["flows"] = static_cast<double>(flows);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * docs.size()));
}
BENCHMARK(BM_FindReuse)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
