// Tokenisation: special spans (URLs, e-mails, hashtags, mentions) first, then word segmentation of the
// gaps (ICU BreakIterator, or the Latin fast scanner that reproduces it), then the French rules
// (elisions, lexicalised forms, digit groups, % and currency signs) shared by both paths.
#include "relais/text/tokenize.hpp"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <memory>

#include "detail/icu_util.hpp"
#include "detail/light_normalize.hpp"
#include "detail/unicode.hpp"
#include "relais/base/hash.hpp"

namespace relais::text {
namespace {

using detail::CharInfo;
using detail::DecodeUtf8;
using detail::WbClass;

enum class SegType : std::uint8_t { kRaw, kUrl, kEmail, kHashtag, kMention };

struct Segment {
  std::uint32_t begin;
  std::uint32_t end;
  SegType type;
};

constexpr std::array<std::string_view, 13> kClitics = {"l", "d",  "j",     "m",      "n",      "s",     "t",
                                                       "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"};
// Lexicalised forms: a word starting with one of these (case-folded) stays whole.
constexpr std::array<std::string_view, 9> kLexicalised = {"aujourd'hui", "presqu'", "quelqu'", "prud'hom", "entr'",
                                                          "grand'",      "d'ores",  "ch'ti",   "s'entr'"};

char32_t CodePointBefore(std::string_view s, std::size_t i) {
  if (i == 0) return 0;
  std::size_t k = i - 1;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  return DecodeUtf8(s, k, nullptr);
}

bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool StartsWithCi(std::string_view s, std::size_t i, std::string_view prefix) {
  if (s.size() - i < prefix.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    char c = s[i + k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != prefix[k]) return false;
  }
  return true;
}

// Domain labels [A-Za-z0-9-]+ separated by dots, the last alphabetic and at least 2 long.
// Returns the end of the domain or npos.
std::size_t MatchDomain(std::string_view s, std::size_t i) {
  std::size_t k = i;
  std::size_t num_labels = 0;
  std::size_t last_label_begin = i;
  while (true) {
    const std::size_t label_begin = k;
    while (k < s.size() && (IsAsciiAlnum(s[k]) || s[k] == '-')) ++k;
    if (k == label_begin) {
      if (num_labels == 0) return std::string_view::npos;
      k = label_begin - 1;  // give back the dot
      break;
    }
    ++num_labels;
    last_label_begin = label_begin;
    if (k < s.size() && s[k] == '.' && k + 1 < s.size() && IsAsciiAlnum(s[k + 1])) {
      ++k;
      continue;
    }
    break;
  }
  if (num_labels < 2) return std::string_view::npos;
  if (k - last_label_begin < 2) return std::string_view::npos;
  for (std::size_t q = last_label_begin; q < k; ++q)
    if (!IsAsciiAlpha(s[q])) return std::string_view::npos;
  return k;
}

std::size_t TrimUrlEnd(std::string_view s, std::size_t begin, std::size_t end) {
  while (end > begin) {
    const char c = s[end - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '"') {
      --end;
      continue;
    }
    if (end - begin >= 3 && s.substr(end - 3, 3) == "\xE2\x80\xA6") {  // …
      end -= 3;
      continue;
    }
    if (c == ')' || c == ']') {
      const char open = c == ')' ? '(' : '[';
      auto seg = s.substr(begin, end - begin);
      if (std::count(seg.begin(), seg.end(), open) < std::count(seg.begin(), seg.end(), c)) {
        --end;
        continue;
      }
    }
    break;
  }
  return end;
}

std::size_t UrlBodyEnd(std::string_view s, std::size_t k) {
  while (k < s.size()) {
    const char c = s[k];
    if (c == ' ' || c == '"' || c == '<' || c == '>') break;
    ++k;
  }
  return k;
}

std::size_t MatchUrl(std::string_view s, std::size_t i) {
  std::size_t body = 0;
  if (StartsWithCi(s, i, "https://")) {
    body = i + 8;
  } else if (StartsWithCi(s, i, "http://")) {
    body = i + 7;
  } else if (StartsWithCi(s, i, "www.")) {
    if (MatchDomain(s, i) == std::string_view::npos) return std::string_view::npos;
    body = i + 4;
  } else {
    // Bare domain followed by a path: t.co/abc, lemonde.fr/politique/...
    const std::size_t d = MatchDomain(s, i);
    if (d == std::string_view::npos || d >= s.size() || s[d] != '/') return std::string_view::npos;
    body = d;
  }
  std::size_t end = TrimUrlEnd(s, i, UrlBodyEnd(s, body));
  if (end <= body) return std::string_view::npos;
  return end;
}

bool IsLocalPartChar(char c) { return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }

std::size_t MatchEmail(std::string_view s, std::size_t i) {
  if (!IsAsciiAlnum(s[i]) && s[i] != '_') return std::string_view::npos;
  std::size_t k = i;
  while (k < s.size() && IsLocalPartChar(s[k])) ++k;
  if (k >= s.size() || s[k] != '@' || s[k - 1] == '.') return std::string_view::npos;
  return MatchDomain(s, k + 1);
}

std::size_t WordCharsEnd(std::string_view s, std::size_t k, bool* has_non_digit) {
  while (k < s.size()) {
    std::size_t next = k;
    const char32_t c = DecodeUtf8(s, next, nullptr);
    if (!detail::IsWordChar(c)) break;
    if (has_non_digit && !(c >= '0' && c <= '9')) *has_non_digit = true;
    k = next;
  }
  return k;
}

std::size_t MatchHashtag(std::string_view s, std::size_t i) {
  if (s[i] != '#') return std::string_view::npos;
  bool has_non_digit = false;
  const std::size_t end = WordCharsEnd(s, i + 1, &has_non_digit);
  if (end == i + 1 || !has_non_digit) return std::string_view::npos;
  return end;
}

std::size_t MatchMention(std::string_view s, std::size_t i) {
  if (s[i] != '@') return std::string_view::npos;
  std::size_t end = WordCharsEnd(s, i + 1, nullptr);
  if (end == i + 1) return std::string_view::npos;
  if (end < s.size() && s[end] == '@') {  // Mastodon: @user@instance.tld
    const std::size_t d = MatchDomain(s, end + 1);
    if (d != std::string_view::npos) end = d;
  }
  return end;
}

// One scan that rules out most word starts before MatchUrl and MatchEmail: a bare domain needs a dot in the
// run of local-part characters (a superset of domain characters), an email needs '@' right after that run.
bool MayStartUrlOrEmail(std::string_view s, std::size_t i) {
  if (StartsWithCi(s, i, "http") || StartsWithCi(s, i, "www.")) return true;
  bool has_dot = false;
  std::size_t k = i;
  while (k < s.size() && IsLocalPartChar(s[k])) has_dot |= s[k++] == '.';
  return has_dot || (k < s.size() && s[k] == '@');
}

bool BlocksSpecialStart(char32_t prev) {
  if (prev == 0) return false;
  if (detail::IsWordChar(prev)) return true;
  switch (prev) {
    case '.':
    case '-':
    case '/':
    case '@':
    case '#':
    case '+':
    case '%':
    case '&':
    case '=':
    case '?':
      return true;
    default:
      return false;
  }
}

// ---- gap segmentation ------------------------------------------------------------------------

WbClass FastClass(std::string_view s, std::size_t i, std::size_t end, std::size_t* next) {
  *next = i;
  if (i >= end) return WbClass::kOther;
  const char32_t c = DecodeUtf8(s, *next, nullptr);
  return detail::FastWbClass(c);
}

bool IsWordClass(WbClass c) { return c == WbClass::kLetter || c == WbClass::kNumeric || c == WbClass::kExtendNumLet; }

// UAX #29 WB5–WB13b restricted to the classes of the Latin table (ICU's behaviour on that subset).
void SegmentFast(std::string_view s, std::size_t begin, std::size_t end, std::vector<Segment>& out) {
  std::size_t i = begin;
  while (i < end) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t next;
    WbClass cls = FastClass(s, i, end, &next);
    if (!IsWordClass(cls)) {
      out.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(next), SegType::kRaw});
      i = next;
      continue;
    }
    const std::size_t seg_begin = i;
    WbClass last = cls;
    i = next;
    while (i < end) {
      std::size_t n1;
      const WbClass c1 = FastClass(s, i, end, &n1);
      if (IsWordClass(c1)) {
        last = c1;
        i = n1;
        continue;
      }
      if (c1 != WbClass::kMidNumLet && c1 != WbClass::kMidNum && c1 != WbClass::kSingleQuote) break;
      std::size_t n2;
      const WbClass c2 = FastClass(s, n1, end, &n2);
      const bool letters = last == WbClass::kLetter && c1 != WbClass::kMidNum && c2 == WbClass::kLetter;
      const bool digits = last == WbClass::kNumeric && c2 == WbClass::kNumeric;
      if (!letters && !digits) break;
      last = c2;
      i = n2;
    }
    out.push_back({static_cast<std::uint32_t>(seg_begin), static_cast<std::uint32_t>(i), SegType::kRaw});
  }
}

icu::BreakIterator& WordBreaker() {
  thread_local std::unique_ptr<icu::BreakIterator> bi = [] {
    detail::IcuError err("word BreakIterator");
    std::unique_ptr<icu::BreakIterator> b(icu::BreakIterator::createWordInstance(icu::Locale("fr"), err));
    err.assertSuccess();
    return b;
  }();
  return *bi;
}

void SegmentIcu(std::string_view s, std::size_t begin, std::size_t end, std::vector<Segment>& out) {
  if (begin >= end) return;
  const std::string_view gap = s.substr(begin, end - begin);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(gap.data(), static_cast<int32_t>(gap.size())));
  thread_local std::vector<std::uint32_t> u16_to_u8;
  u16_to_u8.assign(static_cast<std::size_t>(u.length()) + 1, 0);
  {
    std::size_t b8 = 0;
    int32_t k16 = 0;
    while (b8 < gap.size()) {
      u16_to_u8[static_cast<std::size_t>(k16)] = static_cast<std::uint32_t>(b8);
      const char32_t c = DecodeUtf8(gap, b8, nullptr);
      k16 += c >= 0x10000 ? 2 : 1;
    }
    u16_to_u8[static_cast<std::size_t>(u.length())] = static_cast<std::uint32_t>(gap.size());
  }
  icu::BreakIterator& bi = WordBreaker();
  bi.setText(u);
  int32_t a = bi.first();
  for (int32_t b = bi.next(); b != icu::BreakIterator::DONE; a = b, b = bi.next()) {
    const auto sb = static_cast<std::uint32_t>(begin + u16_to_u8[static_cast<std::size_t>(a)]);
    const auto se = static_cast<std::uint32_t>(begin + u16_to_u8[static_cast<std::size_t>(b)]);
    if (s[sb] == ' ') continue;
    out.push_back({sb, se, SegType::kRaw});
  }
}

// ---- the French rules ------------------------------------------------------------------------

void Fold(std::string& out, std::string_view s) {
  out.clear();
  detail::AppendFolded(out, s);
}

bool IsClitic(std::string_view folded) { return std::find(kClitics.begin(), kClitics.end(), folded) != kClitics.end(); }

bool IsLexicalised(std::string_view folded) {
  for (std::string_view lex : kLexicalised)
    if (folded.substr(0, lex.size()) == lex) return true;
  return false;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit); }

// "000" or "000,5" / "000.25": a French thousands group, possibly with decimals.
bool IsThousandsGroup(std::string_view s, bool* pure) {
  if (s.size() < 3 || !AllDigits(s.substr(0, 3))) return false;
  *pure = s.size() == 3;
  if (*pure) return true;
  return (s[3] == ',' || s[3] == '.') && s.size() > 4 && AllDigits(s.substr(4));
}

bool IsUnitSign(std::string_view s) {
  return s == "%" || s == "\xE2\x80\xB0" || s == "\xE2\x82\xAC" || s == "$" || s == "\xC2\xA3";
}

enum class RawClass { kWord, kNumber, kEmoji, kNone };

RawClass ClassifyRaw(std::string_view seg) {
  std::size_t i = 0;
  const char32_t first = DecodeUtf8(seg, i, nullptr);
  if (first >= 0x80) {
    const auto u = static_cast<UChar32>(first);
    if (detail::IsRegionalIndicator(first) || u_hasBinaryProperty(u, UCHAR_EMOJI_PRESENTATION) ||
        (detail::IsExtendedPictographic(first) &&
         (first >= 0x1F000 || seg.find("\xEF\xB8\x8F") != std::string_view::npos)))
      return RawClass::kEmoji;
  }
  if (IsDigit(static_cast<char>(first))) return RawClass::kNumber;
  i = 0;
  while (i < seg.size()) {
    const char32_t c = DecodeUtf8(seg, i, nullptr);
    if (c < detail::kFastLimit) {
      if (detail::LatinTable()[c].letter || (c >= '0' && c <= '9')) return RawClass::kWord;
      continue;
    }
    const auto u = static_cast<UChar32>(c);
    if (u_isUAlphabetic(u) || u_isdigit(u)) return RawClass::kWord;
  }
  return RawClass::kNone;
}

template <typename Emit>
void EmitWord(std::string_view norm, std::size_t begin, std::size_t end, std::string& scratch, Emit&& emit) {
  std::string_view rest = norm.substr(begin, end - begin);
  while (true) {
    const std::size_t apos = rest.find('\'');
    if (apos == std::string_view::npos || apos == 0 || apos + 1 >= rest.size()) break;
    Fold(scratch, rest);
    if (IsLexicalised(scratch)) break;
    Fold(scratch, rest.substr(0, apos));
    if (!IsClitic(scratch)) break;
    emit(rest.substr(0, apos + 1), TokenKind::kWord);
    rest = rest.substr(apos + 1);
  }
  emit(rest, TokenKind::kWord);
}

template <typename Emit>
void ApplyRules(std::string_view norm, const std::vector<Segment>& segs, Emit&& emit) {
  thread_local std::string scratch;
  const std::size_t n = segs.size();
  auto raw_text = [&](std::size_t k) { return norm.substr(segs[k].begin, segs[k].end - segs[k].begin); };
  auto follows = [&](std::size_t k, std::size_t end, bool allow_space) {
    return k < n && segs[k].type == SegType::kRaw &&
           (segs[k].begin == end || (allow_space && segs[k].begin == end + 1 && norm[end] == ' '));
  };
  for (std::size_t k = 0; k < n; ++k) {
    const Segment& seg = segs[k];
    switch (seg.type) {
      case SegType::kUrl:
        emit(raw_text(k), TokenKind::kUrl);
        continue;
      case SegType::kEmail:
        emit(raw_text(k), TokenKind::kEmail);
        continue;
      case SegType::kHashtag:
        emit(raw_text(k), TokenKind::kHashtag);
        continue;
      case SegType::kMention:
        emit(raw_text(k), TokenKind::kMention);
        continue;
      case SegType::kRaw:
        break;
    }
    const std::string_view text = raw_text(k);
    switch (ClassifyRaw(text)) {
      case RawClass::kNone:
        continue;
      case RawClass::kEmoji:
        emit(text, TokenKind::kEmoji);
        continue;
      case RawClass::kNumber: {
        std::size_t end = seg.end;
        if (text.size() <= 3 && AllDigits(text)) {
          bool pure = true;
          while (pure && follows(k + 1, end, true) && segs[k + 1].begin == end + 1 &&
                 IsThousandsGroup(raw_text(k + 1), &pure)) {
            ++k;
            end = segs[k].end;
          }
        }
        if (follows(k + 1, end, true) && IsUnitSign(raw_text(k + 1))) {
          ++k;
          end = segs[k].end;
        }
        emit(norm.substr(seg.begin, end - seg.begin), TokenKind::kNumber);
        continue;
      }
      case RawClass::kWord:
        break;
    }
    // A clitic written before a space ("l' été"): ICU leaves the apostrophe alone.
    if (follows(k + 1, seg.end, false) && raw_text(k + 1) == "'") {
      Fold(scratch, text);
      if (IsClitic(scratch)) {
        emit(norm.substr(seg.begin, seg.end + 1 - seg.begin), TokenKind::kWord);
        ++k;
        continue;
      }
    }
    EmitWord(norm, seg.begin, seg.end, scratch, emit);
  }
}

// Finds special spans and segments the gaps between them.
void Segment_(std::string_view norm, bool fast, std::vector<Segment>& segs) {
  segs.clear();
  std::size_t gap_begin = 0;
  std::size_t i = 0;
  char32_t prev = 0;
  auto flush_gap = [&](std::size_t gap_end) {
    if (fast) {
      SegmentFast(norm, gap_begin, gap_end, segs);
    } else {
      SegmentIcu(norm, gap_begin, gap_end, segs);
    }
  };
  while (i < norm.size()) {
    const char b = norm[i];
    if (!BlocksSpecialStart(prev) && (IsAsciiAlnum(b) || b == '#' || b == '@' || b == '_')) {
      SegType type = SegType::kRaw;
      std::size_t end = std::string_view::npos;
      if (b == '#') {
        end = MatchHashtag(norm, i);
        type = SegType::kHashtag;
      } else if (b == '@') {
        end = MatchMention(norm, i);
        type = SegType::kMention;
      } else if (MayStartUrlOrEmail(norm, i)) {
        end = MatchUrl(norm, i);
        type = SegType::kUrl;
        if (end == std::string_view::npos) {
          end = MatchEmail(norm, i);
          type = SegType::kEmail;
        }
      }
      if (end != std::string_view::npos) {
        flush_gap(i);
        segs.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(end), type});
        gap_begin = end;
        prev = CodePointBefore(norm, end);
        i = end;
        continue;
      }
    }
    if (static_cast<unsigned char>(b) < 0x80) {
      prev = static_cast<unsigned char>(b);
      ++i;
      continue;
    }
    std::size_t next = i;
    prev = DecodeUtf8(norm, next, nullptr);
    i = next;
  }
  flush_gap(norm.size());
}

template <typename Emit>
std::size_t TokenizeImpl(std::string_view text, bool force_icu, bool* used_icu, Emit&& emit) {
  thread_local std::string norm;
  thread_local std::vector<Segment> segs;
  bool fast = false;
  const std::size_t num_invalid = detail::LightNormalize(text, norm, &fast, force_icu);
  fast = fast && !force_icu;
  if (used_icu) *used_icu = !fast;
  Segment_(norm, fast, segs);
  ApplyRules(norm, segs, emit);
  return num_invalid;
}

}  // namespace

std::vector<Token> TokenizeFrench(std::string_view text, TokenizeStats* stats) {
  std::vector<Token> out;
  bool used_icu = false;
  const std::size_t num_invalid = TokenizeImpl(text, false, &used_icu, [&](std::string_view t, TokenKind k) {
    out.push_back({std::string(t), k});
  });
  if (stats) *stats = {num_invalid, used_icu};
  return out;
}

std::vector<Token> TokenizeFrenchIcu(std::string_view text, TokenizeStats* stats) {
  std::vector<Token> out;
  const std::size_t num_invalid = TokenizeImpl(text, true, nullptr, [&](std::string_view t, TokenKind k) {
    out.push_back({std::string(t), k});
  });
  if (stats) *stats = {num_invalid, true};
  return out;
}

void ReuseTokens(std::string_view text, std::vector<std::string>& out, bool force_icu) {
  TokenizeImpl(text, force_icu, nullptr, [&](std::string_view t, TokenKind) {
    out.emplace_back();
    detail::AppendFolded(out.back(), t);
  });
}

std::uint64_t TokenHash(std::string_view folded_token) { return Hash64(folded_token, 0x7265757365ULL); }

std::size_t ReuseTokenHashes(std::string_view text, std::vector<std::uint64_t>& out) {
  thread_local std::string folded;
  return TokenizeImpl(text, false, nullptr, [&](std::string_view t, TokenKind) {
    folded.clear();
    detail::AppendFolded(folded, t);
    out.push_back(TokenHash(folded));
  });
}

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kWord:
      return "word";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kHashtag:
      return "hashtag";
    case TokenKind::kMention:
      return "mention";
    case TokenKind::kUrl:
      return "url";
    case TokenKind::kEmail:
      return "email";
    case TokenKind::kEmoji:
      return "emoji";
  }
  return "word";
}

}  // namespace relais::text
