// UTF-8 decoding, light-normalisation actions and the Latin fast-path table built from ICU.
#include "detail/unicode.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "detail/icu_util.hpp"

namespace relais::text::detail {

char32_t DecodeUtf8NonAscii(std::string_view s, std::size_t& i, bool* invalid) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  auto idx = static_cast<std::int32_t>(i);
  const auto len = static_cast<std::int32_t>(s.size());
  UChar32 c;
  U8_NEXT(p, idx, len, c);
  i = static_cast<std::size_t>(idx);
  if (c < 0) {
    if (invalid) *invalid = true;
    return kReplacement;
  }
  return static_cast<char32_t>(c);
}

CharAction ActionFor(char32_t c) {
  switch (c) {
    case 0x2019:
    case 0x2018:
    case 0x201B:
    case 0x02BC:
    case 0x2032:
    case 0x0060:
    case 0x00B4:
    case 0xFF07:
      return CharAction::kApostrophe;
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x00AB:
    case 0x00BB:
    case 0x2039:
    case 0x203A:
    case 0x2033:
    case 0xFF02:
      return CharAction::kQuote;
    case 0x200B:
    case 0xFEFF:
    case 0x00AD:
    case 0x2060:
    case 0x180E:
    case 0x200E:
    case 0x200F:
    case 0x202A:
    case 0x202B:
    case 0x202C:
    case 0x202D:
    case 0x202E:
    case 0x2066:
    case 0x2067:
    case 0x2068:
    case 0x2069:
      return CharAction::kDrop;
    default:
      break;
  }
  if (c < 0x80) {
    if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return CharAction::kSpace;
    if (c < 0x20 || c == 0x7F) return CharAction::kDrop;
    return CharAction::kKeep;
  }
  if (u_isUWhiteSpace(static_cast<UChar32>(c))) return CharAction::kSpace;
  if (u_charType(static_cast<UChar32>(c)) == U_CONTROL_CHAR) return CharAction::kDrop;
  return CharAction::kKeep;
}

namespace {

WbClass WordBreakClassOf(UChar32 c, bool* understood) {
  *understood = true;
  if (c == ':') return WbClass::kOther;   // ICU drops the colon from MidLetter
  if (c == '@') return WbClass::kLetter;  // ICU's word rules count '@' as a letter (e-mails)
  if (c == '"') return WbClass::kOther;   // Double_Quote only matters next to Hebrew letters
  switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
    case U_WB_ALETTER:
      return WbClass::kLetter;
    case U_WB_NUMERIC:
      return WbClass::kNumeric;
    case U_WB_MIDNUMLET:
      return WbClass::kMidNumLet;
    case U_WB_MIDNUM:
      return WbClass::kMidNum;
    case U_WB_SINGLE_QUOTE:
      return WbClass::kSingleQuote;
    case U_WB_EXTENDNUMLET:
      return WbClass::kExtendNumLet;
    case U_WB_OTHER:
      return WbClass::kOther;
    default:
      *understood = false;
      return WbClass::kOther;
  }
}

std::string ToUtf8(const icu::UnicodeString& u) {
  std::string s;
  u.toUTF8String(s);
  return s;
}

std::string AccentFoldIcu(const icu::UnicodeString& u) {
  IcuError err("accent folding");
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  icu::UnicodeString d = nfd->normalize(u, err);
  err.assertSuccess();
  icu::UnicodeString kept;
  for (int32_t k = 0; k < d.length();) {
    UChar32 c = d.char32At(k);
    if (u_charType(c) != U_NON_SPACING_MARK) kept.append(c);
    k += U16_LENGTH(c);
  }
  icu::UnicodeString composed = nfc->normalize(kept, err);
  err.assertSuccess();
  return ToUtf8(composed);
}

CharInfo BuildInfo(UChar32 c) {
  CharInfo ci;
  bool understood = false;
  ci.wb = WordBreakClassOf(c, &understood);
  ci.letter = u_isUAlphabetic(c);
  ci.word_char = ci.letter || u_isdigit(c) || c == '_' || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
  const bool nfc_yes = u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES;
  const bool starter = u_getCombiningClass(c) == 0;
  const CharAction action = ActionFor(static_cast<char32_t>(c));
  // Mapped characters never reach the scanner; kept ones must be NFC-inert starters it understands.
  ci.fast_ok = action != CharAction::kKeep || (understood && nfc_yes && starter);
  icu::UnicodeString u(c);
  ci.fold = ToUtf8(icu::UnicodeString(u).foldCase(U_FOLD_CASE_DEFAULT));
  ci.accent_fold = AccentFoldIcu(u);
  return ci;
}

std::array<CharInfo, kFastLimit> BuildLatinTable() {
  std::array<CharInfo, kFastLimit> t{};
  for (UChar32 c = 0; c < static_cast<UChar32>(kFastLimit); ++c) t[static_cast<std::size_t>(c)] = BuildInfo(c);
  return t;
}

}  // namespace

const std::array<CharInfo, kFastLimit>& LatinTableSlow() {
  static const std::array<CharInfo, kFastLimit> table = BuildLatinTable();
  return table;
}

const LatinClasses& LatinClassesSlow() {
  static const LatinClasses classes = [] {
    LatinClasses c{};
    const auto& t = LatinTableSlow();
    for (std::size_t k = 0; k < kFastLimit; ++k) {
      c.wb[k] = t[k].wb;
      c.word_char[k] = t[k].word_char;
    }
    for (std::size_t k = 0; k < kFastPunctuation.size(); ++k) {
      const CharInfo info = BuildInfo(static_cast<UChar32>(kFastPunctuation[k]));
      c.punct_fast_ok[k] = info.fast_ok && !info.word_char;
      c.punct_wb[k] = info.wb;
    }
    return c;
  }();
  return classes;
}

bool IsWordCharNonLatin(char32_t c) {
  const auto u = static_cast<UChar32>(c);
  return u_isUAlphabetic(u) || u_isdigit(u) || (U_GET_GC_MASK(u) & U_GC_M_MASK) != 0;
}

bool IsExtendedPictographic(char32_t c) {
  return c >= 0xA9 && u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_EXTENDED_PICTOGRAPHIC);
}

bool IsRegionalIndicator(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }

void AppendFolded(std::string& out, std::string_view utf8) {
  const auto& table = LatinTable();
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    const std::size_t start = i;
    const char32_t c = DecodeUtf8(utf8, i, nullptr);
    if (c < kFastLimit) {
      out += table[c].fold;
      continue;
    }
    icu::UnicodeString u =
        icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data() + start, static_cast<int32_t>(i - start)));
    u.foldCase(U_FOLD_CASE_DEFAULT);
    u.toUTF8String(out);
  }
}

std::string FoldAccents(std::string_view utf8) {
  const auto& table = LatinTable();
  std::string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  bool all_latin = true;
  while (i < utf8.size()) {
    const char32_t c = DecodeUtf8(utf8, i, nullptr);
    if (c >= kFastLimit) {
      all_latin = false;
      break;
    }
    out += table[c].accent_fold;
  }
  if (all_latin) return out;
  return AccentFoldIcu(icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size()))));
}

}  // namespace relais::text::detail
