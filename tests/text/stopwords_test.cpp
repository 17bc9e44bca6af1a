// Stop words: the embedded Snowball list equals the reference file; boilerplate lookups.
#include "relais/text/stopwords.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "test_util.hpp"

namespace relais::text {
namespace {

TEST(StopWords, EmbeddedSnowballListEqualsTheReference) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  std::ifstream in(data / "snowball-french" / "snowball_french_stop.txt");
  ASSERT_TRUE(in);
  std::vector<std::string> reference;
  std::string w;
  while (std::getline(in, w))
    if (!w.empty()) reference.push_back(w);
  const auto embedded = SnowballFrenchStopWords();
  ASSERT_EQ(embedded.size(), reference.size());
  for (std::size_t k = 0; k < reference.size(); ++k) EXPECT_EQ(embedded[k], reference[k]);
}

TEST(StopWords, LooksUpCaseFoldedTokensAndClitics) {
  EXPECT_TRUE(IsFrenchStopWord("les"));
  EXPECT_TRUE(IsFrenchStopWord("Les"));
  EXPECT_TRUE(IsFrenchStopWord("MÊME"));
  EXPECT_TRUE(IsFrenchStopWord("qu'"));
  EXPECT_TRUE(IsFrenchStopWord("L'"));
  EXPECT_FALSE(IsFrenchStopWord("président"));
  EXPECT_FALSE(IsFrenchStopWord(""));
}

TEST(StopWords, KnowsSocialAndPressBoilerplate) {
  for (const char* w : {"RT", "via", "lire", "abonnez-vous", "AFP"}) EXPECT_TRUE(IsBoilerplateWord(w)) << w;
  EXPECT_FALSE(IsBoilerplateWord("Toulon"));
  EXPECT_TRUE(IsStopWord("rt"));
  EXPECT_TRUE(IsStopWord("le"));
  EXPECT_TRUE(ContainsBoilerplatePhrase("\" lire aussi \" : le maire de toulon"));
  EXPECT_FALSE(ContainsBoilerplatePhrase("le maire de toulon"));
  std::set<std::string_view> unique(BoilerplateWords().begin(), BoilerplateWords().end());
  EXPECT_EQ(unique.size(), BoilerplateWords().size()) << "duplicate boilerplate entries";
}

}  // namespace
}  // namespace relais::text
