// Normalisation: NFC, apostrophes and quotes, spaces, zero-width characters, folding, invalid UTF-8.
#include "relais/text/normalize.hpp"

#include <gtest/gtest.h>

namespace relais::text {
namespace {

TEST(Normalize, ComposesToNfc) { EXPECT_EQ(Normalize("e\u0301te\u0301").text, "été"); }

TEST(Normalize, UnifiesApostrophesAndQuotes) {
  EXPECT_EQ(Normalize("l’été l‘a lʼa l′a l`a l´a").text, "l'été l'a l'a l'a l'a l'a");
  EXPECT_EQ(Normalize("« Lire » “aussi” „x‟").text, "\" Lire \" \"aussi\" \"x\"");
}

TEST(Normalize, CollapsesEveryKindOfSpaceAndTrims) {
  EXPECT_EQ(Normalize("  a\u00a0\u00a0b\u202fc\td\u2009e\u3000f  ").text, "a b c d e f");
}

TEST(Normalize, DropsZeroWidthCharactersOutsideEmoji) {
  EXPECT_EQ(Normalize("\ufeffin\u00adcroy\u200bable\u2060!").text, "incroyable!");
  EXPECT_EQ(Normalize("a\u200db\u200cc").text, "abc");
  // The ZWJ inside an emoji sequence stays.
  EXPECT_EQ(Normalize("👨\u200d👩\u200d👧").text, "👨\u200d👩\u200d👧");
  EXPECT_EQ(Normalize("ok\u0007\u0001go").text, "okgo");
}

TEST(Normalize, FoldsCaseAndAccentsOnRequest) {
  EXPECT_EQ(Normalize("L’ÉTÉ à Noël", {.lower = true}).text, "l'été à noël");
  EXPECT_EQ(Normalize("L’ÉTÉ à Noël", {.fold_accents = true}).text, "L'ETE a Noel");
  EXPECT_EQ(Normalize("L’ÉTÉ à Noël, Straße", {.lower = true, .fold_accents = true}).text, "l'ete a noel, strasse");
  EXPECT_EQ(Normalize("Ĳssel Łódź Ǆ", {.lower = true, .fold_accents = true}).text, "ĳssel łodz ǆ");
  EXPECT_EQ(Normalize("Ελληνικά", {.fold_accents = true}).text, "Ελληνικα");
}

TEST(Normalize, ReplacesAndCountsInvalidUtf8) {
  const NormalizeResult r = Normalize(std::string("caf\xE9 ok\xC3"));
  EXPECT_EQ(r.num_invalid, 2u);
  EXPECT_EQ(r.text, "caf\uFFFD ok\uFFFD");
  EXPECT_EQ(Normalize("").num_invalid, 0u);
}

}  // namespace
}  // namespace relais::text
