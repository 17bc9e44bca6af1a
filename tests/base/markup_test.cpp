// Tests for EscapeMarkup (GEXF/GraphML attributes, the demo report's HTML and SVG).
#include <gtest/gtest.h>

#include "relais/base/markup.hpp"

namespace relais {
namespace {

TEST(EscapeMarkup, EntitiesForTheFiveSpecialCharacters) {
  EXPECT_EQ(EscapeMarkup(R"(<a href="x">L'Est & "Var"</a>)"),
            "&lt;a href=&quot;x&quot;&gt;L&apos;Est &amp; &quot;Var&quot;&lt;/a&gt;");
}

TEST(EscapeMarkup, DropsControlCharactersXmlForbidsKeepsWhitespaceAndUtf8) {
  EXPECT_EQ(EscapeMarkup(std::string("a\x01"
                                     "b\tc\nd\re\x1f",
                                     10)),
            "ab\tc\nd\re");
  EXPECT_EQ(EscapeMarkup("Provence-Alpes-Côte d’Azur 🇫🇷"), "Provence-Alpes-Côte d’Azur 🇫🇷");
  EXPECT_EQ(EscapeMarkup(""), "");
}

}  // namespace
}  // namespace relais
