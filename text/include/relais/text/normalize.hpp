// French/social text normalisation (ICU-backed): NFC, apostrophes and quotes unified, spaces and
// zero-width characters handled, optional case and accent folding. Invalid UTF-8 never throws: each
// ill-formed sequence becomes U+FFFD and is counted.
//
//   auto r = relais::text::Normalize("L’été\u00a0 à Toulon", {.lower = true});
//   // r.text == "l'été à toulon", r.num_invalid == 0
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relais::text {

struct NormalizeOptions {
  bool lower = false;         ///< full Unicode case folding ("É" → "é", "ß" → "ss")
  bool fold_accents = false;  ///< strip nonspacing marks after NFD ("été" → "ete")
};

struct NormalizeResult {
  std::string text;
  std::size_t num_invalid = 0;  ///< ill-formed UTF-8 sequences replaced by U+FFFD
};

/// Always applied: UTF-8 repaired, NFC, apostrophe variants (’ ‘ ‛ ʼ ′ ` ´ ＇) → ', double-quote variants
/// (“ ” „ « » ‹ › ″) → ", every White_Space run → one ' ' (trimmed), zero-width and bidi controls
/// removed (ZWSP, BOM, soft hyphen, word joiner; ZWJ/ZWNJ except between emoji), other controls removed.
NormalizeResult Normalize(std::string_view text, const NormalizeOptions& options = {});

}  // namespace relais::text
