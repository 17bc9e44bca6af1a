// Stop words for French text: Snowball's French list and a list of social and press boilerplate.
//
//   relais::text::IsFrenchStopWord("Les")   // true (case-folded lookup)
//   relais::text::IsFrenchStopWord("qu'")   // true: elided clitics match their bare form
//   relais::text::IsBoilerplateWord("RT")   // true
#pragma once

#include <span>
#include <string_view>

namespace relais::text {

/// Snowball's French stop list (154 words), embedded.
std::span<const std::string_view> SnowballFrenchStopWords();
/// Single-token boilerplate of social posts and press pages (rt, via, afp, lire, abonnez-vous, …).
std::span<const std::string_view> BoilerplateWords();
/// Multi-word boilerplate ("lire aussi", "réservé aux abonnés", …), lower case.
std::span<const std::string_view> BoilerplatePhrases();

/// Case-folded membership in Snowball's list; a trailing apostrophe (l', qu') is ignored.
bool IsFrenchStopWord(std::string_view token);
/// Case-folded membership in the boilerplate word list.
bool IsBoilerplateWord(std::string_view token);
/// Either of the two.
bool IsStopWord(std::string_view token);
/// Whether a normalised, lower-cased text contains a boilerplate phrase.
bool ContainsBoilerplatePhrase(std::string_view normalised_lower_text);

}  // namespace relais::text
