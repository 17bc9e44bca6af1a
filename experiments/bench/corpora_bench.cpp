// Parse throughput of the corpora readers, side by side with raw simdjson ondemand on the same bytes.
//
// Inputs, built in memory from ../shared/data/twarc2-jsonl/brexit.jsonl (RELAIS_SHARED_DATA overrides):
//   brexit: the real twarc2 page (100 tweets + includes.users/tweets, ~3.5 KB per tweet) replicated to
//           ~50 MB;
//   short:  the same tweets cut to the fields a collection keeps (id, text, author_id, created_at, lang,
//           entities, referenced_tweets) in pages of 100 with includes.users, replicated to ~50 MB.
// Reader benchmarks turn every tweet into a ParsedRecord (ItemRecord with author, refs, links…);
// raw benchmarks extract the same fields into string views with ondemand (see RunRaw); the
// RawIdTextAuthor ones are the earlier, narrower baseline (id, text, author_id of `data` only).
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

#include "bench_util.hpp"

namespace {

constexpr std::size_t kTargetBytes = 50u << 20;

struct Corpus {
  std::string bytes;  // JSONL, with SIMDJSON_PADDING spare bytes after the end
  std::vector<std::string_view> lines;
  std::size_t tweets = 0;
  std::string error;
};

using relais::bench::SharedData;

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

// What a competent simdjson user writes to get the fields the reader extracts, as string views, in one
// ondemand pass: for every tweet of `data` and `includes.tweets`: id, text, author_id, created_at,
// lang, in_reply_to_user_id, referenced_tweets (type, id), entities.urls (url, expanded_url,
// unwound_url), entities.hashtags (tag), entities.mentions (username); for every user of
// `includes.users`: id, username, name. Views go to vectors reused from page to page (no allocation
// once warm); keys are compared raw (`field.key() == "…"`, no unescaping); everything else is
// skipped. It does not resolve authors or references, decode entities, parse times nor build records:
// that is the reader's work that the ratio measures.
namespace od = simdjson::ondemand;
using SV = std::string_view;

struct RawTweet {
  SV id, text, author_id, created_at, lang, in_reply_to_user_id;
  std::uint32_t first_view = 0, num_views = 0;  // urls, hashtags, mentions, refs in RawPage::views
};
struct RawUser {
  SV id, username, name;
};
struct RawPage {
  std::vector<RawTweet> tweets;
  std::vector<RawUser> users;
  std::vector<SV> views;
  void clear() {
    tweets.clear();
    users.clear();
    views.clear();
  }
};

void RawEntities(od::object entities, std::vector<SV>& views) {
  for (auto field : entities) {
    od::raw_json_string key = field.key();
    if (key == "urls") {
      for (auto u : field.value().get_array()) {
        for (auto f : u.get_object()) {
          od::raw_json_string k = f.key();
          if (k == "url" || k == "expanded_url" || k == "unwound_url") views.push_back(f.value().get_string());
        }
      }
    } else if (key == "hashtags" || key == "mentions") {
      SV name = key == "hashtags" ? SV("tag") : SV("username");
      for (auto h : field.value().get_array()) {
        for (auto f : h.get_object()) {
          od::raw_json_string k = f.key();
          if (k == name) views.push_back(f.value().get_string());
        }
      }
    }
  }
}

void RawTweetFields(od::object tweet, RawPage& page) {
  RawTweet t;
  t.first_view = static_cast<std::uint32_t>(page.views.size());
  for (auto f : tweet) {
    od::raw_json_string key = f.key();
    if (key == "id") {
      t.id = f.value().get_string();
    } else if (key == "text") {
      t.text = f.value().get_string();
    } else if (key == "author_id") {
      t.author_id = f.value().get_string();
    } else if (key == "created_at") {
      t.created_at = f.value().get_string();
    } else if (key == "lang") {
      t.lang = f.value().get_string();
    } else if (key == "in_reply_to_user_id") {
      t.in_reply_to_user_id = f.value().get_string();
    } else if (key == "entities") {
      RawEntities(f.value().get_object(), page.views);
    } else if (key == "referenced_tweets") {
      for (auto r : f.value().get_array()) {
        for (auto rf : r.get_object()) {
          od::raw_json_string k = rf.key();
          if (k == "type" || k == "id") page.views.push_back(rf.value().get_string());
        }
      }
    }
  }
  t.num_views = static_cast<std::uint32_t>(page.views.size() - t.first_view);
  page.tweets.push_back(t);
}

void RawPageFields(od::document& doc, RawPage& page, std::size_t& data_tweets) {
  for (auto field : doc.get_object()) {
    od::raw_json_string key = field.key();
    if (key == "data") {
      for (auto tweet : field.value().get_array()) {
        RawTweetFields(tweet.get_object(), page);
        ++data_tweets;
      }
    } else if (key == "includes") {
      for (auto inc : field.value().get_object()) {
        od::raw_json_string k = inc.key();
        if (k == "users") {
          for (auto u : inc.value().get_array()) {
            RawUser user;
            for (auto f : u.get_object()) {
              od::raw_json_string uk = f.key();
              if (uk == "id") {
                user.id = f.value().get_string();
              } else if (uk == "username") {
                user.username = f.value().get_string();
              } else if (uk == "name") {
                user.name = f.value().get_string();
              }
            }
            page.users.push_back(user);
          }
        } else if (k == "tweets") {
          for (auto tweet : inc.value().get_array()) RawTweetFields(tweet.get_object(), page);
        }
      }
    }
  }
}

void RunRaw(benchmark::State& state, const Corpus& c) {
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  od::parser parser;
  RawPage page;
  std::size_t tweets = 0;
  std::size_t checksum = 0;
  const char* end = c.bytes.data() + c.bytes.size();
  for (auto _ : state) {
    tweets = 0;
    for (std::string_view line : c.lines) {
      page.clear();
      // In place: the following bytes of the buffer serve as padding.
      od::document doc = parser.iterate(line.data(), line.size(), static_cast<std::size_t>(end - line.data()));
      RawPageFields(doc, page, tweets);
      checksum += page.tweets.size() + page.users.size() + page.views.size();
      benchmark::DoNotOptimize(page.tweets.data());
      benchmark::DoNotOptimize(page.users.data());
      benchmark::DoNotOptimize(page.views.data());
    }
    benchmark::DoNotOptimize(checksum);
  }
  if (tweets != c.tweets) state.SkipWithError("raw pass saw a different number of tweets");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.tweets));
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * (c.bytes.size() - simdjson::SIMDJSON_PADDING)));
}

// The previous raw baseline, kept for comparison: touches only id, text and author_id of the tweets
// of `data` (entities, references and includes skipped), so it does a fraction of the reader's work.
void RunRawIdTextAuthor(benchmark::State& state, const Corpus& c) {
  if (!c.error.empty()) {
    state.SkipWithError(c.error.c_str());
    return;
  }
  od::parser parser;
  std::size_t tweets = 0;
  std::size_t checksum = 0;
  const char* end = c.bytes.data() + c.bytes.size();
  for (auto _ : state) {
    tweets = 0;
    for (std::string_view line : c.lines) {
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
void BM_RawIdTextAuthor_Brexit(benchmark::State& state) { RunRawIdTextAuthor(state, BrexitCorpus()); }
void BM_RawIdTextAuthor_Short(benchmark::State& state) { RunRawIdTextAuthor(state, ShortCorpus()); }

BENCHMARK(BM_TwitterV2Reader_Brexit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawOndemand_Brexit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TwitterV2Reader_Short)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawOndemand_Short)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawIdTextAuthor_Brexit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawIdTextAuthor_Short)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
