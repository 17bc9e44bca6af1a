// Language identification with CLD2 (Compact Language Detector 2).
//
//   auto g = relais::text::DetectLanguage("Le président a été suspendu hier soir.");
//   // g.lang == "fr", g.confidence in [0, 1]
#pragma once

#include <string>
#include <string_view>

namespace relais::text {

struct LanguageGuess {
  std::string lang = "und";  ///< ISO 639-1 code where CLD2 has one ("fr", "en"), "und" when unknown
  double confidence = 0.0;   ///< share of the text in that language, halved when CLD2 says unreliable
  bool reliable = false;     ///< CLD2's own reliability flag
};

/// URLs, e-mails and @mentions are removed first (they are not language); hashtag bodies are kept.
/// Invalid UTF-8 is repaired before detection.
LanguageGuess DetectLanguage(std::string_view text);

}  // namespace relais::text
