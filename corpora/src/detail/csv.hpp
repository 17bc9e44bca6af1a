// RFC 4180 CSV rows (quotes, doubled quotes, multi-line quoted fields) and the article column names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relais::corpora::detail {

/// One CSV row as read: its fields, the line it starts on, its bytes.
struct CsvRow {
  std::vector<std::string> fields;
  std::uint64_t line = 0;     // 1-based line of the row's first byte
  std::string_view raw;       // the row's bytes (for excerpts)
  bool unterminated = false;  // a quoted field runs to the end of the input
};

/// Reads rows one by one, in time linear in the input whatever it holds. A row with an unterminated
/// quote is returned with unterminated=true (its raw bytes and that field end with the opening quote's
/// line) and reading resumes on the line after the opening quote's (so later rows are not swallowed).
class CsvReader {
 public:
  CsvReader(std::string_view text, char delimiter);
  /// False at the end of the input. Blank lines are skipped.
  bool Next(CsvRow& row);

 private:
  std::string_view text_;
  char delim_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
};

/// The article field ("url", "published", "title", "text", "outlet", "author", "id", "lang",
/// "channel") a column header names, case-insensitive, with French and English synonyms
/// (lien, date, pubdate, titre, texte, body, content, journal, source, media, auteur…).
std::optional<std::string_view> ArticleFieldForHeader(std::string_view header);

/// The delimiter a header line most likely uses when it holds no `preferred` one: ';', '\t' or '|'.
char GuessDelimiter(std::string_view header_line, char preferred);

}  // namespace relais::corpora::detail
