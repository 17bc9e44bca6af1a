// The Snowball French stemming algorithm, implemented here so that the rules of the current Snowball
// version (the reference vocabulary's) can be applied; libstemmer 2.2 (Debian 12) predates them.
//
//   std::u32string w = U"continuellement";
//   relais::text::detail::SnowballFrench(w, {});   // w == U"continuel"
//
// With SnowballRules::current = false it is the 2.x algorithm, equal to libstemmer 2.2 (tested).
#pragma once

#include <string>

namespace relais::text::detail {

struct SnowballRules {
  /// Apply the rules the reference vocabulary reflects (see docs/text.md, "Snowball version"):
  /// elisions removed, -oux plurals, -aise feminines, RV of ni+vowel words.
  bool current = true;
};

/// Stems a lower-case word in place (code points).
void SnowballFrench(std::u32string& word, SnowballRules rules);

}  // namespace relais::text::detail
