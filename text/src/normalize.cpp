// Normalisation: character mapping in one UTF-8 pass, then ICU NFC only when a character needs it.
#include "relais/text/normalize.hpp"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "detail/icu_util.hpp"
#include "detail/light_normalize.hpp"
#include "detail/unicode.hpp"

namespace relais::text {
namespace detail {
namespace {

bool IsEmojiContext(char32_t c) {
  return IsExtendedPictographic(c) || (c >= 0x1F3FB && c <= 0x1F3FF) || c == 0xFE0F || (c >= 0xE0020 && c <= 0xE007F);
}

char32_t PeekNext(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  return DecodeUtf8(s, i, nullptr);
}

void Nfc(std::string& text) {
  IcuError err("NFC");
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  err.assertSuccess();
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (nfc->isNormalized(u, err)) return;
  icu::UnicodeString n = nfc->normalize(u, err);
  err.assertSuccess();
  text.clear();
  n.toUTF8String(text);
}

bool IsPlainAscii(unsigned char b) { return b > 0x20 && b < 0x7F && b != '`'; }

}  // namespace

std::size_t LightNormalize(std::string_view text, std::string& out, bool* all_fast, bool force_icu) {
  out.clear();
  out.reserve(text.size());
  std::size_t num_invalid = 0;
  bool fast = true;
  bool pending_space = false;
  char32_t last = 0;  // last code point written
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    // ASCII letters, digits and common punctuation: copy the whole run straight through.
    if (IsPlainAscii(b)) {
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      std::size_t j = i + 1;
      while (j < text.size() && IsPlainAscii(static_cast<unsigned char>(text[j]))) ++j;
      out.append(text.data() + i, j - i);
      last = static_cast<unsigned char>(text[j - 1]);
      i = j;
      continue;
    }
    if (b == ' ') {
      pending_space = true;
      ++i;
      continue;
    }
    bool invalid = false;
    const char32_t c = DecodeUtf8(text, i, &invalid);
    if (invalid) ++num_invalid;
    CharAction action = ActionFor(c);
    if (c == 0x200D || c == 0x200C) {
      action =
          IsEmojiContext(last) && IsExtendedPictographic(PeekNext(text, i)) ? CharAction::kKeep : CharAction::kDrop;
      if (action == CharAction::kKeep) fast = false;
    }
    switch (action) {
      case CharAction::kSpace:
        pending_space = true;
        continue;
      case CharAction::kDrop:
        continue;
      case CharAction::kApostrophe:
        if (pending_space && !out.empty()) out.push_back(' ');
        pending_space = false;
        out.push_back('\'');
        last = '\'';
        continue;
      case CharAction::kQuote:
        if (pending_space && !out.empty()) out.push_back(' ');
        pending_space = false;
        out.push_back('"');
        last = '"';
        continue;
      case CharAction::kKeep:
        break;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    if (!detail::IsFastOk(c)) fast = false;
    AppendUtf8(out, c);
    last = c;
  }
  if (!fast || force_icu) Nfc(out);
  if (all_fast) *all_fast = fast;
  return num_invalid;
}

}  // namespace detail

NormalizeResult Normalize(std::string_view text, const NormalizeOptions& options) {
  NormalizeResult r;
  std::string light;
  r.num_invalid = detail::LightNormalize(text, light, nullptr);
  if (options.lower) {
    std::string folded;
    detail::AppendFolded(folded, light);
    light.swap(folded);
  }
  if (options.fold_accents) light = detail::FoldAccents(light);
  r.text = std::move(light);
  return r;
}

}  // namespace relais::text
