// The normalisation shared by Normalize() and the tokenisers (no case or accent folding).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relais::text::detail {

/// Writes the lightly normalised text into out (cleared first). Returns the number of ill-formed
/// UTF-8 sequences replaced. *all_fast is true when every kept character is in the Latin fast table,
/// in which case NFC is the identity and was skipped; when force_icu is set, NFC always runs.
std::size_t LightNormalize(std::string_view text, std::string& out, bool* all_fast, bool force_icu = false);

}  // namespace relais::text::detail
