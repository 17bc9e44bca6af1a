// Small helpers shared by the non-Twitter readers: excerpts, line/column tracking, hosts, PR words.
#pragma once

#include "relais/base/strings.hpp"

#include <cstdint>
#include <string>
#include <string_view>

#include "relais/base/error.hpp"
#include "relais/base/utf8.hpp"

namespace relais::corpora::detail {

/// Up to `max_bytes` of `bytes` as valid UTF-8: cut on a character boundary, invalid bytes
/// written as "\xNN", control characters other than tab/newline dropped.
std::string MakeExcerpt(std::string_view bytes, std::size_t max_bytes = 200);

/// A Diagnostic with its excerpt made from `record`.
Diagnostic MakeDiagnostic(ErrorKind kind, const InputPos& pos, std::string reason, std::string message,
                          std::string_view record);

/// Turns byte offsets (visited in increasing order) into 1-based line and column numbers.
class LineCounter {
 public:
  LineCounter(std::string_view content, std::uint64_t first_line = 1) : content_(content), line_(first_line) {}
  /// Position of byte `offset` (>= every offset asked before).
  InputPos At(std::size_t offset, const std::string& file);

 private:
  std::string_view content_;
  std::size_t scanned_ = 0;
  std::size_t line_start_ = 0;
  std::uint64_t line_;
};

/// Lower-cased host of an http(s) URL without userinfo and port; "www." dropped when strip_www.
/// Empty when `url` has no "scheme://host".
std::string HostOf(std::string_view url, bool strip_www = true);

/// True when `path_or_name` contains PR words as a name component:
/// (^|[/_.-])(pr|releases?|communiques?|communiqués?|press-releases?)([/_.-]|$), case-insensitive.
bool MatchesPrWords(std::string_view path_or_name);

using ::relais::AppendUtf8;    // relais/base/utf8.hpp
using ::relais::ToLowerAscii;  // relais/base/strings.hpp
using ::relais::Trim;

}  // namespace relais::corpora::detail
