// RFC 4180 CSV rows and the article column names.
#include "detail/csv.hpp"

#include "detail/text_util.hpp"

namespace relais::corpora::detail {

CsvReader::CsvReader(std::string_view text, char delimiter) : text_(text), delim_(delimiter) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::Next(CsvRow& row) {
  // Skip blank lines.
  while (pos_ < text_.size()) {
    std::size_t e = pos_;
    while (e < text_.size() && (text_[e] == ' ' || text_[e] == '\t' || text_[e] == '\r') && text_[e] != delim_) ++e;
    if (e < text_.size() && text_[e] == '\n') {
      pos_ = e + 1;
      ++line_;
      continue;
    }
    if (e >= text_.size()) pos_ = text_.size();
    break;
  }
  if (pos_ >= text_.size()) return false;
  row.fields.clear();
  row.line = line_;
  row.unterminated = false;
  const std::size_t start = pos_;
  std::uint64_t lines_in_row = 0;
  std::string field;
  std::size_t i = pos_;
  while (true) {
    field.clear();
    if (i < text_.size() && text_[i] == '"') {
      const std::size_t open = i;
      const std::uint64_t lines_before = lines_in_row;
      ++i;
      bool closed = false;
      while (i < text_.size()) {
        char c = text_[i];
        if (c == '"') {
          if (i + 1 < text_.size() && text_[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (c == '\n') ++lines_in_row;
        field += c;
        ++i;
      }
      if (!closed) {
        // Resume on the line after the opening quote's. Not earlier: every quote run after an
        // unterminated opening quote has even length (else it would have closed the field), so a
        // field opened past it closes within its own run and no later row scans to the end again:
        // the reader stays linear on hostile input (resuming after the row's first line re-read
        // the same tail once per line the row spanned).
        const std::size_t nl = text_.find('\n', open);
        const std::size_t end = nl == std::string_view::npos ? text_.size() : nl;
        pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
        line_ += lines_before + 1;
        row.raw = text_.substr(start, end - start);
        if (const auto cut = field.find('\n'); cut != std::string::npos) field.resize(cut);  // its first line
        row.unterminated = true;
        row.fields.push_back(std::move(field));
        return true;
      }
      // Lenient: text after the closing quote joins the field.
      while (i < text_.size() && text_[i] != delim_ && text_[i] != '\n' && text_[i] != '\r') field += text_[i++];
    } else {
      while (i < text_.size() && text_[i] != delim_ && text_[i] != '\n') field += text_[i++];
      if (!field.empty() && field.back() == '\r' && (i >= text_.size() || text_[i] == '\n')) field.pop_back();
    }
    row.fields.push_back(field);
    if (i < text_.size() && text_[i] == '\r') ++i;
    if (i < text_.size() && text_[i] == delim_) {
      ++i;
      continue;
    }
    // End of row.
    std::size_t row_end = i;
    if (i < text_.size() && text_[i] == '\n') ++i;
    row.raw = text_.substr(start, row_end - start);
    pos_ = i;
    line_ += lines_in_row + 1;
    return true;
  }
}

std::optional<std::string_view> ArticleFieldForHeader(std::string_view header) {
  struct Synonym {
    std::string_view name;
    std::string_view field;
  };
  static constexpr Synonym kSynonyms[] = {
      {"url", "url"},
      {"lien", "url"},
      {"link", "url"},
      {"permalink", "url"},
      {"adresse", "url"},
      {"published", "published"},
      {"date", "published"},
      {"pubdate", "published"},
      {"date_publication", "published"},
      {"datepublication", "published"},
      {"published_at", "published"},
      {"publication_date", "published"},
      {"datetime", "published"},
      {"time", "published"},
      {"title", "title"},
      {"titre", "title"},
      {"headline", "title"},
      {"text", "text"},
      {"texte", "text"},
      {"body", "text"},
      {"content", "text"},
      {"contenu", "text"},
      {"corps", "text"},
      {"description", "text"},
      {"outlet", "outlet"},
      {"journal", "outlet"},
      {"source", "outlet"},
      {"media", "outlet"},
      {"m\xc3\xa9"
       "dia",
       "outlet"},
      {"publication", "outlet"},
      {"author", "author"},
      {"auteur", "author"},
      {"byline", "author"},
      {"signature", "author"},
      {"id", "id"},
      {"identifiant", "id"},
      {"lang", "lang"},
      {"langue", "lang"},
      {"language", "lang"},
      {"channel", "channel"},
      {"canal", "channel"},
      {"edition", "edition"},
      {"\xc3\xa9"
       "dition",
       "edition"},
  };
  std::string h = ToLowerAscii(Trim(header));
  // "Titre" with a BOM or surrounding quotes already removed by the reader; accept spaces as '_'.
  for (char& c : h)
    if (c == ' ' || c == '-') c = '_';
  if (h.size() >= 2 && h.substr(0, 2) == "\xc3\x89") {  // É (upper-case) → é
    h.replace(0, 2, "\xc3\xa9");
  }
  for (const auto& s : kSynonyms)
    if (s.name == h) return s.field;
  return std::nullopt;
}

char GuessDelimiter(std::string_view header_line, char preferred) {
  auto count = [&](char d) {
    std::size_t n = 0;
    bool in_quotes = false;
    for (char c : header_line) {
      if (c == '"') in_quotes = !in_quotes;
      if (!in_quotes && c == d) ++n;
    }
    return n;
  };
  if (count(preferred) > 0) return preferred;
  char best = preferred;
  std::size_t best_n = 0;
  for (char d : {';', '\t', '|', ','}) {
    std::size_t n = count(d);
    if (n > best_n) {
      best = d;
      best_n = n;
    }
  }
  return best;
}

}  // namespace relais::corpora::detail
