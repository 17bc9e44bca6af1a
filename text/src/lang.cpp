// Language identification: CLD2's ExtDetectLanguageSummary on the words of the text.
#include "relais/text/lang.hpp"

#include <compact_lang_det.h>

#include "relais/text/tokenize.hpp"

namespace relais::text {

LanguageGuess DetectLanguage(std::string_view text) {
  // Tokenising repairs UTF-8 and lets URLs and mentions go; CLD2 reads the words.
  std::string words;
  for (const Token& t : TokenizeFrench(text)) {
    if (t.kind == TokenKind::kUrl || t.kind == TokenKind::kEmail || t.kind == TokenKind::kMention ||
        t.kind == TokenKind::kEmoji)
      continue;
    std::string_view w = t.text;
    if (t.kind == TokenKind::kHashtag) w.remove_prefix(1);
    if (!words.empty()) words.push_back(' ');
    words.append(w);
  }
  LanguageGuess guess;
  if (words.empty()) return guess;
  CLD2::Language language3[3];
  int percent3[3] = {0, 0, 0};
  double scores3[3] = {0, 0, 0};
  int text_bytes = 0;
  bool reliable = false;
  const CLD2::Language lang =
      CLD2::ExtDetectLanguageSummary(words.data(), static_cast<int>(words.size()), true, nullptr, 0,
                                     CLD2::UNKNOWN_LANGUAGE, language3, percent3, scores3, &text_bytes, &reliable);
  if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE) return guess;
  guess.lang = CLD2::LanguageCode(lang);
  guess.reliable = reliable;
  int percent = 0;
  for (int k = 0; k < 3; ++k)
    if (language3[k] == lang) percent += percent3[k];
  guess.confidence = std::min(1.0, percent / 100.0) * (reliable ? 1.0 : 0.5);
  return guess;
}

}  // namespace relais::text
