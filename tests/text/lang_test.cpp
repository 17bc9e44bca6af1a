// Language identification through CLD2.
#include "relais/text/lang.hpp"

#include <gtest/gtest.h>

namespace relais::text {
namespace {

TEST(Lang, RecognisesFrenchWithHighConfidence) {
  const auto g = DetectLanguage("Le président a été suspendu de la plateforme hier soir.");
  EXPECT_EQ(g.lang, "fr");
  EXPECT_GT(g.confidence, 0.5);
  EXPECT_LE(g.confidence, 1.0);
}

TEST(Lang, RecognisesOtherLanguages) {
  EXPECT_EQ(DetectLanguage("The president was suspended from the platform last night.").lang, "en");
  EXPECT_EQ(DetectLanguage("Der Präsident wurde gestern Abend von der Plattform gesperrt.").lang, "de");
  EXPECT_EQ(DetectLanguage("El presidente fue suspendido de la plataforma anoche.").lang, "es");
}

TEST(Lang, IgnoresUrlsAndMentions) {
  const auto g =
      DetectLanguage("@Var_Matin https://www.varmatin.com/a Les élus du conseil municipal ont voté hier soir");
  EXPECT_EQ(g.lang, "fr");
}

TEST(Lang, SaysUnknownForNoText) {
  EXPECT_EQ(DetectLanguage("").lang, "und");
  EXPECT_EQ(DetectLanguage("https://t.co/x @a 👍").lang, "und");
  EXPECT_EQ(DetectLanguage("").confidence, 0.0);
  EXPECT_EQ(DetectLanguage(std::string("\xFF\xFE")).lang, "und");
}

}  // namespace
}  // namespace relais::text
