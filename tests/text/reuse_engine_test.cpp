// The reuse engine on hand-checked French texts (release → articles → tweet) and on planted random copies.
#include "relais/text/reuse.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "relais/base/error.hpp"
#include "relais/base/time.hpp"
#include "relais/text/tokenize.hpp"
#include "test_util.hpp"

namespace relais::text {
namespace {

struct World {
  std::vector<nlohmann::json> items;
  std::vector<std::string> keys, texts;
  std::vector<ReuseDoc> docs;
};

World LoadWorld() {
  World w;
  std::ifstream in(testing::FixturesDir() / "text" / "reuse_world.jsonl");
  std::string line;
  while (std::getline(in, line)) w.items.push_back(nlohmann::json::parse(line));
  for (const auto& it : w.items) {
    w.keys.push_back(it["key"]);
    w.texts.push_back(it["text"]);
  }
  for (std::size_t k = 0; k < w.items.size(); ++k) {
    const std::string channel = w.items[k]["channel"];
    ReuseDoc d;
    d.key = w.keys[k];
    d.text = w.texts[k];
    d.time = *ParseIso8601(w.items[k]["time"].get<std::string>());
    d.is_source = channel == "pr" || channel == "press";
    d.is_target = channel == "press" || channel == "social";
    d.is_press = channel == "press";
    w.docs.push_back(d);
  }
  return w;
}

std::set<std::pair<std::string, std::string>> Pairs(const World& w, const ReuseResult& r) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& f : r.flows) out.emplace(w.keys[f.source], w.keys[f.target]);
  return out;
}

const std::string kRelease = "https://www.var.gouv.fr/rd559-travaux";
const std::string kArticle1 = "https://www.varmatin.com/vie-locale/rd559-fermee";
const std::string kArticle2 = "https://www.laprovence.com/bandol-rd559";
const std::string kTweet = "twitter:1665700000000000001";

TEST(ReuseEngine, FindsReleaseArticlesAndQuotingTweetAttributedToTheRelease) {
  const World w = LoadWorld();
  ASSERT_EQ(w.docs.size(), 6u);
  const ReuseResult r = FindReuse(w.docs, {});
  EXPECT_EQ(Pairs(w, r), (std::set<std::pair<std::string, std::string>>{
                             {kRelease, kArticle1}, {kRelease, kArticle2}, {kRelease, kTweet}}));
  // The tweet quotes 19 tokens verbatim: "une déviation … échangeurs" (tokens 0..18 of the tweet).
  for (const auto& f : r.flows) {
    if (w.keys[f.target] != kTweet) continue;
    EXPECT_EQ(f.target_span.begin, 0u);
    EXPECT_EQ(f.target_span.end, 19u);
    EXPECT_EQ(f.source_span.end - f.source_span.begin, 19u);
    EXPECT_DOUBLE_EQ(f.alignment_score, 38.0);
    EXPECT_DOUBLE_EQ(f.score, 1.0);
    std::vector<std::string> toks;
    ReuseTokens(w.texts[f.source], toks);
    EXPECT_EQ(toks[f.source_span.begin], "une");
    EXPECT_EQ(toks[f.source_span.end - 1], "échangeurs");
  }
  for (const auto& f : r.flows) {
    EXPECT_LT(w.docs[f.source].time, w.docs[f.target].time) << "source must be earlier";
    EXPECT_GE(f.score, 0.5);
    EXPECT_LE(f.score, 1.0);
  }
}

TEST(ReuseEngine, AllPairsKeepsCopiesOfCopies) {
  const World w = LoadWorld();
  ReuseOptions opt;
  opt.all_pairs = true;
  const auto pairs = Pairs(w, FindReuse(w.docs, opt));
  EXPECT_TRUE(pairs.count({kArticle1, kArticle2}));
  EXPECT_TRUE(pairs.count({kArticle1, kTweet}));
  EXPECT_TRUE(pairs.count({kArticle2, kTweet}));
  for (const auto& [s, t] : pairs) {
    EXPECT_NE(t, "twitter:1665700000000000002") << "the paraphrasing tweet reuses no text";
    EXPECT_NE(s, "https://www.varmatin.com/politique/budget-toulon");
  }
}

TEST(ReuseEngine, ChannelFiltersRestrictSourcesAndTargets) {
  World w = LoadWorld();
  for (auto& d : w.docs) d.is_target = d.is_target && d.key.substr(0, 8) == "twitter:";
  const auto pairs = Pairs(w, FindReuse(w.docs, {}));
  EXPECT_EQ(pairs, (std::set<std::pair<std::string, std::string>>{{kRelease, kTweet}}));
}

TEST(ReuseEngine, SyndicationGroupHasBothRegionalTitlesWithEditDistances) {
  const World w = LoadWorld();
  const ReuseResult r = FindReuse(w.docs, {});
  const auto groups = FindSyndicationGroups(w.docs, r.flows);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(w.keys[groups[0].source], kRelease);
  ASSERT_EQ(groups[0].members.size(), 2u);
  EXPECT_EQ(w.keys[groups[0].members[0].doc], kArticle1);
  EXPECT_EQ(w.keys[groups[0].members[1].doc], kArticle2);
  // Article 2 is the closer copy.
  EXPECT_LT(groups[0].members[1].edit_distance, groups[0].members[0].edit_distance);
  std::vector<std::uint64_t> a, b;
  ReuseTokenHashes(w.texts[0], a);
  ReuseTokenHashes(w.texts[2], b);
  EXPECT_EQ(groups[0].members[1].edit_distance, TokenEditDistance(a, b));
}

// Random documents over a French-sized vocabulary with planted copies (whole, partial, quoted) and edits.
struct Planted {
  std::vector<std::string> texts, keys;
  std::vector<ReuseDoc> docs;
  std::set<std::pair<std::size_t, std::size_t>> truth;  // (source, target)
};

Planted MakePlanted(std::uint64_t seed, std::size_t num_sources, double noise) {
  std::mt19937_64 rng(seed);
  auto word = [&] { return "w" + std::to_string(rng() % 20000); };
  Planted p;
  std::vector<std::vector<std::string>> words;
  for (std::size_t s = 0; s < num_sources; ++s) {
    std::vector<std::string> doc(80 + rng() % 300);
    for (auto& t : doc) t = word();
    words.push_back(doc);
  }
  std::vector<std::pair<std::size_t, std::vector<std::string>>> copies;
  for (std::size_t s = 0; s < num_sources; ++s) {
    if (rng() % 2) continue;
    for (int c = 0; c < 1 + static_cast<int>(rng() % 3); ++c) {
      const auto& src = words[s];
      const bool quote = rng() % 3 == 0;
      const std::size_t len = quote ? 15 + rng() % 15 : src.size() / 2 + rng() % (src.size() / 2);
      const std::size_t at = rng() % (src.size() - len + 1);
      std::vector<std::string> out;
      for (int k = 0; k < 10; ++k) out.push_back(word());
      for (std::size_t k = at; k < at + len; ++k) {
        const double r = static_cast<double>(rng() % 10000) / 10000.0;
        if (r < noise / 3) continue;
        out.push_back(r < 2 * noise / 3 ? word() : src[k]);
        if (r > 1 - noise / 3) out.push_back(word());
      }
      for (int k = 0; k < 10; ++k) out.push_back(word());
      copies.emplace_back(s, out);
    }
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& t : v) s += t + " ";
    return s;
  };
  for (std::size_t s = 0; s < num_sources; ++s) p.texts.push_back(join(words[s]));
  for (const auto& [s, c] : copies) {
    p.truth.emplace(s, p.texts.size());
    p.texts.push_back(join(c));
  }
  for (std::size_t k = 0; k < p.texts.size(); ++k) p.keys.push_back("doc" + std::to_string(k));
  for (std::size_t k = 0; k < p.texts.size(); ++k) {
    ReuseDoc d;
    d.key = p.keys[k];
    d.text = p.texts[k];
    d.time = static_cast<std::int64_t>(k);
    d.is_source = k < num_sources;
    d.is_target = k >= num_sources;
    p.docs.push_back(d);
  }
  return p;
}

TEST(ReuseEngine, RecoversPlantedCopiesWithHighPrecisionAndRecall) {
  for (double noise : {0.0, 0.05, 0.15}) {
    const Planted p = MakePlanted(12, 400, noise);
    const ReuseResult r = FindReuse(p.docs, {});
    std::size_t tp = 0;
    for (const auto& f : r.flows) tp += p.truth.count({f.source, f.target});
    const double precision = r.flows.empty() ? 0 : static_cast<double>(tp) / r.flows.size();
    const double recall = static_cast<double>(tp) / p.truth.size();
    std::cout << "planted copies, noise " << noise << ": precision " << precision << " (" << tp << "/" << r.flows.size()
              << "), recall " << recall << " (" << tp << "/" << p.truth.size() << ")\n";
    EXPECT_GE(precision, 0.95) << "noise " << noise;
    EXPECT_GE(recall, noise > 0.1 ? 0.85 : 0.95) << "noise " << noise;
  }
}

TEST(ReuseEngine, OutputDoesNotDependOnTheThreadCount) {
  const Planted p = MakePlanted(5, 300, 0.05);
  ReuseOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const auto a = FindReuse(p.docs, one).flows, b = FindReuse(p.docs, two).flows;
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].source, b[k].source);
    EXPECT_EQ(a[k].target, b[k].target);
    EXPECT_EQ(a[k].score, b[k].score);
    EXPECT_EQ(a[k].target_span.begin, b[k].target_span.begin);
  }
}

// The memory bounds (index shards, verification blocks) change how much is held at once, never the flows.
TEST(ReuseEngine, OutputDoesNotDependOnTheMemoryBounds) {
  const Planted p = MakePlanted(7, 300, 0.05);
  ReuseOptions whole, bounded;
  bounded.index_shard_entries = 3000;  // the corpus has ~70,000 shingles: ~24 shards
  bounded.verify_block = 7;
  bounded.verify_source_tokens = 500;  // a verification block's sources: a few texts of ~200 tokens
  bounded.sign_block = 13;             // band keys appended to their files in blocks of 13 documents
  testing::TempDir tmp;                // the shards' pairs are spilled there, and removed
  ::setenv("TMPDIR", tmp.path().c_str(), 1);
  const ReuseResult a = FindReuse(p.docs, whole), b = FindReuse(p.docs, bounded);
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
  ::setenv("TMPDIR", (tmp.path() / "missing").c_str(), 1);
  try {
    FindReuse(p.docs, bounded);
    ADD_FAILURE() << "expected a data error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("TMPDIR"), std::string::npos) << e.what();
  }
  ::unsetenv("TMPDIR");
  ASSERT_GT(a.flows.size(), 50u);
  EXPECT_EQ(a.stats.lsh_candidates, b.stats.lsh_candidates);
  EXPECT_EQ(a.stats.index_candidates, b.stats.index_candidates);
  EXPECT_EQ(a.stats.candidates, b.stats.candidates);
  EXPECT_EQ(a.stats.verified, b.stats.verified);
  ASSERT_EQ(a.flows.size(), b.flows.size());
  for (std::size_t k = 0; k < a.flows.size(); ++k) {
    EXPECT_EQ(a.flows[k].source, b.flows[k].source);
    EXPECT_EQ(a.flows[k].target, b.flows[k].target);
    EXPECT_EQ(a.flows[k].score, b.flows[k].score);
    EXPECT_EQ(a.flows[k].target_span.begin, b.flows[k].target_span.begin);
    EXPECT_EQ(a.flows[k].target_span.end, b.flows[k].target_span.end);
  }
}

// The verification's source cache (blocks of sources tokenised once, kept while the next block needs them)
// verifies the same pairs as tokenising each pair's source anew: a budget of one token makes every new
// source a block of its own, so each is tokenised again for each run of its pairs.
TEST(ReuseEngine, SourceTokenCacheDoesNotChangeTheVerifiedPairs) {
  const Planted p = MakePlanted(7, 300, 0.05);
  std::vector<std::string> stored(p.texts.size());
  std::vector<ReuseDoc> docs = p.docs;
  const std::size_t num_sources = 7, num_copies = docs.size() - num_sources;
  for (std::size_t k = 0; k < docs.size(); ++k) {  // stored reversed: the engine must decode each text it reads
    stored[k].assign(p.texts[k].rbegin(), p.texts[k].rend());
    docs[k].text = stored[k];
    // The copies (made source by source) interleaved in time: consecutive targets copy different sources.
    if (k >= num_sources) docs[k].time = static_cast<std::int64_t>(num_sources + (k * 37) % num_copies);
  }
  ASSERT_NE(num_copies % 37, 0u);
  std::size_t decoded = 0;
  std::mutex lock;
  ReuseOptions per_source, cached;
  per_source.verify_source_tokens = 1;
  per_source.decode_text = [&](std::string_view s, std::string& buffer) -> std::string_view {
    const std::lock_guard<std::mutex> guard(lock);
    ++decoded;
    buffer.assign(s.rbegin(), s.rend());
    return buffer;
  };
  cached.decode_text = per_source.decode_text;
  const ReuseResult a = FindReuse(docs, per_source);
  const std::size_t decoded_per_source = decoded;
  decoded = 0;
  const ReuseResult b = FindReuse(docs, cached);
  std::vector<ReuseDoc> plain_docs = p.docs;
  for (std::size_t k = 0; k < docs.size(); ++k) plain_docs[k].time = docs[k].time;
  const ReuseResult plain = FindReuse(plain_docs, {});
  ASSERT_GT(a.stats.verified, 50u);
  EXPECT_LT(decoded, decoded_per_source) << "one block holds every source: each decoded once in verification";
  for (const ReuseResult* r : {&b, &plain}) {
    EXPECT_EQ(a.stats.candidates, r->stats.candidates);
    EXPECT_EQ(a.stats.verified, r->stats.verified);
    ASSERT_EQ(a.flows.size(), r->flows.size());
    for (std::size_t k = 0; k < a.flows.size(); ++k) {
      EXPECT_EQ(a.flows[k].source, r->flows[k].source);
      EXPECT_EQ(a.flows[k].target, r->flows[k].target);
      EXPECT_EQ(a.flows[k].score, r->flows[k].score);
      EXPECT_EQ(a.flows[k].containment, r->flows[k].containment);
      EXPECT_EQ(a.flows[k].source_span.begin, r->flows[k].source_span.begin);
      EXPECT_EQ(a.flows[k].target_span.end, r->flows[k].target_span.end);
    }
  }
}

TEST(ReuseEngine, HandlesEmptyAndTinyInputs) {
  EXPECT_TRUE(FindReuse({}, {}).flows.empty());
  std::vector<ReuseDoc> docs(3);
  docs[0].key = "a";
  docs[1].key = "b";
  docs[1].text = "Merci !";
  docs[2].key = "c";
  docs[2].text = "Merci !";
  docs[2].time = 1;
  EXPECT_TRUE(FindReuse(docs, {}).flows.empty()) << "two-token texts are below min_aligned";
}

TEST(ReuseEngine, ExplainAlignsTheQuotedPassage) {
  const World w = LoadWorld();
  const ExplainedPair e = ExplainReuse(w.texts[0], w.texts[3], {});
  EXPECT_EQ(e.alignment.b_begin, 0u);
  EXPECT_EQ(e.alignment.b_end, 19u);
  EXPECT_EQ(e.target_tokens[0], "une");
  EXPECT_GT(e.containment, 0.5);
}

}  // namespace
}  // namespace relais::text
