// Snowball French stemming: the full reference vocabulary (21,655 pairs), the current-version rules, and
// the 2.x mode against Debian's libstemmer.
#include "relais/text/stem.hpp"

#include "relais/text/tokenize.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace relais::text {
namespace {

TEST(Stem, GivesTheContractExamples) {
  EXPECT_EQ(StemFrench("continuellement"), "continuel");
  EXPECT_EQ(StemFrench("élections"), "élect");
}

// The reference vocabulary is Snowball's current French output (snowball-data); every pair must match.
TEST(Stem, EqualsTheWholeSnowballVocabulary) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  std::ifstream in(data / "snowball-french" / "snowball_french_pairs.tsv");
  ASSERT_TRUE(in);
  FrenchStemmer cached;
  FrenchStemmer uncached(0);
  std::string line;
  std::size_t num_pairs = 0, num_wrong = 0;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    const std::string word = line.substr(0, tab), stem = line.substr(tab + 1);
    ++num_pairs;
    if (cached.Stem(word) != uncached.Stem(word)) ADD_FAILURE() << "cache changed the stem of " << word;
    if (cached.Stem(word) != stem) {
      if (++num_wrong < 10) ADD_FAILURE() << word << " -> " << cached.Stem(word) << ", expected " << stem;
    }
  }
  EXPECT_EQ(num_pairs, 21655u);
  EXPECT_EQ(num_wrong, 0u);
}

// The rules libstemmer 2.2 lacks, each on words of the vocabulary and on its counter-examples.
TEST(Stem, AppliesTheCurrentSnowballRules) {
  FrenchStemmer current(0);
  FrenchStemmer old(0, SnowballVersion::kSnowball2);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bijoux", "bijou"},      {"genoux", "genou"},    {"jaloux", "jalou"},     {"doux", "doux"},
      {"courroux", "courroux"}, {"française", "franc"}, {"japonaises", "japon"}, {"anglaise", "anglais"},
      {"malaise", "malais"},    {"palais", "palais"},   {"mauvais", "mauvais"},  {"parlais", "parl"},
      {"relais", "rel"},        {"nier", "nier"},       {"nierais", "nier"},     {"niée", "nié"},
      {"niche", "nich"},        {"l'avion", "avion"},   {"qu'il", "il"}};
  for (const auto& [word, stem] : cases) EXPECT_EQ(current.Stem(word), stem) << word;
  EXPECT_EQ(old.Stem("bijoux"), "bijoux");
  EXPECT_EQ(old.Stem("nier"), "ni");
  EXPECT_EQ(old.Stem("l'avion"), "l'avion");
}

// With the Snowball 3 rules off, our implementation is the 2.x algorithm: equal to Debian's libstemmer on
// every vocabulary word, the words of 20,000 French tweets, and 50,000 random strings of French letters.
TEST(Stem, Snowball2ModeEqualsLibstemmer) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  FrenchStemmer ours(0, SnowballVersion::kSnowball2);
  Libstemmer lib;
  std::vector<std::string> words;
  {
    std::ifstream in(data / "snowball-french" / "snowball_french_pairs.tsv");
    std::string line;
    while (std::getline(in, line)) words.push_back(line.substr(0, line.find('\t')));
  }
  {
    std::ifstream in(data / "fr-debate-tweets-2017" / "tweets_debat.csv");
    ASSERT_TRUE(in);
    std::string line;
    std::vector<std::string> tokens;
    for (int i = 0; i < 20000 && std::getline(in, line); ++i) {
      tokens.clear();
      ReuseTokens(line, tokens);
      words.insert(words.end(), tokens.begin(), tokens.end());
    }
  }
  const std::vector<std::string> letters = {"a", "e", "i", "o", "u", "y", "à", "â", "ç", "é", "è", "ê", "ë",
                                            "î", "ï", "ô", "ù", "û", "q", "n", "s", "r", "t", "l", "x", "'"};
  std::mt19937 rng(7);
  for (int i = 0; i < 50000; ++i) {
    std::string w;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) w += letters[rng() % letters.size()];
    words.push_back(w);
  }
  ASSERT_GT(words.size(), 80000u);
  std::size_t num_wrong = 0;
  for (const auto& w : words) {
    const std::string expected(lib.Stem(w));
    if (ours.Stem(w) != expected && ++num_wrong < 10)
      ADD_FAILURE() << w << " -> " << ours.Stem(w) << ", libstemmer " << expected;
  }
  EXPECT_EQ(num_wrong, 0u);
}

TEST(Stem, LeavesInvalidUtf8Unchanged) {
  FrenchStemmer stemmer(0);
  const std::string bad = "mang\xC3";
  EXPECT_EQ(stemmer.Stem(bad), bad);
}

TEST(Stem, RemovesElisionsFirst) {
  EXPECT_EQ(StemFrench("l'importance"), StemFrench("importance"));
  EXPECT_EQ(StemFrench("qu'est"), "est");
  EXPECT_EQ(StemFrench("jusqu'alors"), "jusqu'alor") << "only c' d' j' l' m' n' s' t' qu' are elisions for Snowball";
  EXPECT_EQ(StemFrench("l'"), "l'");
}

TEST(Stem, CacheGivesTheSameAnswersAndCountsHits) {
  FrenchStemmer stemmer(4);
  const std::vector<std::string> words = {
      "manifestations", "présidentielle", "manifestations", "élus", "élus", "gouvernement", "a", "b", "c",
      "manifestations"};
  FrenchStemmer reference(0);
  for (const auto& w : words) EXPECT_EQ(stemmer.Stem(w), std::string(reference.Stem(w)));
  EXPECT_GE(stemmer.cache_hits(), 2u);
}

}  // namespace
}  // namespace relais::text
