// Tokenisation: golden cases, kinds, invalid UTF-8, and the fast path against ICU on corpora and random text.
#include "relais/text/tokenize.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "test_util.hpp"

namespace relais::text {
namespace {

std::vector<std::string> Texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const auto& t : tokens) out.push_back(t.text);
  return out;
}

TEST(Tokenize, MatchesTheContractExample) {
  EXPECT_EQ(Texts(TokenizeFrench("L’été, qu'on attendait #Élysée")),
            (std::vector<std::string>{"L'", "été", "qu'", "on", "attendait", "#Élysée"}));
}

TEST(Tokenize, MatchesEveryGoldenCase) {
  std::ifstream in(testing::FixturesDir() / "text" / "tokenize_golden.jsonl");
  ASSERT_TRUE(in) << "missing tests/fixtures/text/tokenize_golden.jsonl";
  std::string line;
  int num_cases = 0;
  while (std::getline(in, line)) {
    const auto c = nlohmann::json::parse(line);
    const std::string input = c["in"];
    const auto expected = c["tokens"].get<std::vector<std::string>>();
    EXPECT_EQ(Texts(TokenizeFrench(input)), expected) << "input: " << input;
    EXPECT_EQ(Texts(TokenizeFrenchIcu(input)), expected) << "ICU path, input: " << input;
    ++num_cases;
  }
  EXPECT_GE(num_cases, 60);
}

TEST(Tokenize, GivesKinds) {
  const auto toks = TokenizeFrench("RT @Var_Matin: 3,5 % à #Toulon https://t.co/x 🇫🇷 a@b.fr mot");
  std::vector<TokenKind> kinds;
  for (const auto& t : toks) kinds.push_back(t.kind);
  EXPECT_EQ(kinds, (std::vector<TokenKind>{TokenKind::kWord, TokenKind::kMention, TokenKind::kNumber, TokenKind::kWord,
                                           TokenKind::kHashtag, TokenKind::kUrl, TokenKind::kEmoji, TokenKind::kEmail,
                                           TokenKind::kWord}));
}

TEST(Tokenize, ReplacesAndCountsInvalidUtf8) {
  TokenizeStats stats;
  const std::string bad =
      std::string("caf\xC3") + " cr\xE8me \xFF\xFEok \xED\xA0\x80 fin";  // truncated, Latin-1, bytes, surrogate
  const auto toks = TokenizeFrench(bad, &stats);
  EXPECT_EQ(stats.num_invalid, 7u);  // C3 | E8 | FF | FE | ED | A0 | 80 (maximal subparts)
  const auto texts = Texts(toks);
  EXPECT_EQ(texts.front(), "caf");
  EXPECT_EQ(texts.back(), "fin");
  for (const auto& t : texts) EXPECT_EQ(t.find('\xFF'), std::string::npos);
  // Overlong encodings and lone continuation bytes too.
  EXPECT_EQ(TokenizeFrench("\xC0\xAF a \x80", &stats).size(), 1u);
  EXPECT_EQ(stats.num_invalid, 3u);
}

TEST(Tokenize, ReuseTokensAreCaseFoldedSurfaceTokens) {
  std::vector<std::string> toks;
  ReuseTokens("L’ÉTÉ à #Toulon, Straße", toks);
  EXPECT_EQ(toks, (std::vector<std::string>{"l'", "été", "à", "#toulon", "strasse"}));
  std::vector<std::uint64_t> hashes;
  ReuseTokenHashes("L’ÉTÉ à #Toulon, Straße", hashes);
  ASSERT_EQ(hashes.size(), toks.size());
  for (std::size_t k = 0; k < toks.size(); ++k) EXPECT_EQ(hashes[k], TokenHash(toks[k]));
}

void ExpectFastEqualsIcu(const std::string& text) {
  TokenizeStats fast_stats;
  const auto fast = TokenizeFrench(text, &fast_stats);
  const auto icu = TokenizeFrenchIcu(text);
  ASSERT_EQ(fast, icu) << "text: " << text;
  std::vector<std::string> a, b;
  ReuseTokens(text, a, false);
  ReuseTokens(text, b, true);
  ASSERT_EQ(a, b) << "text: " << text;
}

// Every French line of the shared corpora, through both paths.
TEST(Tokenize, FastPathEqualsIcuOnRealFrenchTweets) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  std::size_t num_lines = 0, num_fast = 0;
  for (const char* rel : {"fr-debate-tweets-2017/tweets_debat.csv", "fr-debate-tweets-2017/tweets_debat_20170404.csv",
                          "v1-fr-timeline-2013/statuses.jsonl", "twitter-text-conformance/extract.yml"}) {
    std::ifstream in(data / rel);
    ASSERT_TRUE(in) << rel;
    std::string line;
    while (std::getline(in, line)) {
      ExpectFastEqualsIcu(line);
      TokenizeStats stats;
      TokenizeFrench(line, &stats);
      num_fast += !stats.used_icu;
      ++num_lines;
    }
  }
  EXPECT_GT(num_lines, 1000u);
  EXPECT_GT(num_fast, num_lines / 2) << "most French lines should take the fast path";
}

// Random strings over an alphabet of everything the scanner distinguishes.
TEST(Tokenize, FastPathEqualsIcuOnRandomLatinText) {
  const std::vector<std::string> alphabet = {
      "a",    "b",     "Z",      "é",      "È",      "ç",   "œ",  "ß",   "ÿ",           "Ǆ",
      "ª",    "µ",     "0",      "7",      "1",      " ",   " ",  " ",   "'",           "’",
      ".",    ",",     ";",      ":",      "-",      "_",   "@",  "#",   "/",           "%",
      "€",    "…",     "–",      "—",      "•",      "!",   "?",  "(",   ")",           "«",
      "»",    "\"",    "×",      "\u00a0", "\u202f", "\t",  "l'", "qu'", "aujourd'hui", "http://x.fr/a",
      "www.", "t.co/", "x@y.fr", "12",     "000",    "1er", "h"};
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    const int len = static_cast<int>(rng() % 24);
    for (int k = 0; k < len; ++k) text += alphabet[rng() % alphabet.size()];
    ExpectFastEqualsIcu(text);
  }
}

}  // namespace
}  // namespace relais::text
