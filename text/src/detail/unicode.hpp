// UTF-8 helpers and the Latin fast-path character table (built once from ICU's properties).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "relais/base/utf8.hpp"

namespace relais::text::detail {

inline constexpr char32_t kReplacement = 0xFFFD;

char32_t DecodeUtf8NonAscii(std::string_view s, std::size_t& i, bool* invalid);

/// Decodes one code point at s[i], advancing i. Invalid sequences give U+FFFD and set *invalid
/// (the maximal ill-formed subpart is consumed, as ICU's U8_NEXT does). ASCII is decoded inline.
inline char32_t DecodeUtf8(std::string_view s, std::size_t& i, bool* invalid) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  return DecodeUtf8NonAscii(s, i, invalid);
}

using ::relais::AppendUtf8;  // relais/base/utf8.hpp

/// Word-break classes the fast scanner understands (a subset of UAX #29 as ICU applies it).
enum class WbClass : std::uint8_t { kOther, kLetter, kNumeric, kMidNumLet, kMidNum, kSingleQuote, kExtendNumLet };

/// What the light normalisation does with a character.
enum class CharAction : std::uint8_t { kKeep, kSpace, kDrop, kApostrophe, kQuote };

inline constexpr char32_t kFastLimit = 0x250;  // Basic Latin .. Latin Extended-B

struct CharInfo {
  bool fast_ok = false;    // the fast path reproduces ICU exactly for this character
  bool word_char = false;  // letter, digit, mark or underscore (hashtag/mention bodies)
  bool letter = false;     // alphabetic
  WbClass wb = WbClass::kOther;
  std::string fold;         // full case folding (UTF-8)
  std::string accent_fold;  // NFD minus nonspacing marks, recomposed (UTF-8, case kept)
};

/// Light-normalisation action for any code point (apostrophes, quotes, spaces, zero-width).
CharAction ActionFor(char32_t c);

const std::array<CharInfo, kFastLimit>& LatinTableSlow();

/// The table for code points below kFastLimit (built on first use; later calls are an inlined load).
inline const std::array<CharInfo, kFastLimit>& LatinTable() {
  static const std::array<CharInfo, kFastLimit>& table = LatinTableSlow();
  return table;
}

/// Punctuation above kFastLimit common in French tweets and press (… – — € •): the fast path takes lines
/// containing them when ICU's properties say the scanner handles them exactly (checked when the table is built).
inline constexpr std::array<char32_t, 5> kFastPunctuation = {0x2026, 0x2013, 0x2014, 0x20AC, 0x2022};

/// The columns of LatinTable the scanners read per character, packed for the cache, and the fast
/// punctuation's.
struct LatinClasses {
  std::array<WbClass, kFastLimit> wb;
  std::array<bool, kFastLimit> word_char;
  std::array<WbClass, kFastPunctuation.size()> punct_wb;
  std::array<bool, kFastPunctuation.size()> punct_fast_ok;
};
const LatinClasses& LatinClassesSlow();
inline const LatinClasses& Classes() {
  static const LatinClasses& classes = LatinClassesSlow();
  return classes;
}

/// Index of c in kFastPunctuation, or -1.
inline int FastPunctuationIndex(char32_t c) {
  for (std::size_t k = 0; k < kFastPunctuation.size(); ++k)
    if (kFastPunctuation[k] == c) return static_cast<int>(k);
  return -1;
}
/// Whether the fast scanner reproduces ICU for c (any code point).
inline bool IsFastOk(char32_t c) {
  if (c < kFastLimit) return LatinTable()[c].fast_ok;
  const int k = FastPunctuationIndex(c);
  return k >= 0 && Classes().punct_fast_ok[static_cast<std::size_t>(k)];
}
/// Word-break class for the fast scanner: c must satisfy IsFastOk.
inline WbClass FastWbClass(char32_t c) {
  if (c < kFastLimit) return Classes().wb[c];
  return Classes().punct_wb[static_cast<std::size_t>(FastPunctuationIndex(c))];
}

bool IsWordCharNonLatin(char32_t c);
/// Letter, digit, combining mark or underscore, by ICU properties (table below kFastLimit).
inline bool IsWordChar(char32_t c) { return c < kFastLimit ? Classes().word_char[c] : IsWordCharNonLatin(c); }
bool IsExtendedPictographic(char32_t c);
bool IsRegionalIndicator(char32_t c);

/// Full case folding of a UTF-8 string (table below kFastLimit, ICU otherwise).
void AppendFolded(std::string& out, std::string_view utf8);
/// Accent folding: strip nonspacing marks after NFD, recompose.
std::string FoldAccents(std::string_view utf8);

}  // namespace relais::text::detail
