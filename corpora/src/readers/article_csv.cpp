// Press articles and PR releases as CSV (RFC 4180). Each data row is a record whose line is its
// first line. Columns map to fields by header name (case-insensitive, French and English synonyms,
// see ArticleFieldForHeader) or by --columns field=COL (a header name, or a 1-based number with
// --no-header). The document is decoded with DecodeToUtf8(options.encoding) first, so this reader
// expects the file's raw bytes. When the header holds no `options.delimiter`, the delimiter is
// guessed among ';', tab and '|' (French exports often use ';'); .tsv files default to tab.
#include <cctype>

#include "relais/corpora/input.hpp"

#include "detail/article.hpp"
#include "detail/csv.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

class ArticleCsvReader final : public Reader {
 public:
  ArticleCsvReader(const ReadOptions& options, Channel channel) : options_(options), channel_(channel) {}
  Format format() const override { return channel_ == Channel::kPr ? Format::kPrCsv : Format::kPressCsv; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view raw, const std::string& path, std::vector<RecordOutcome>& out) const override {
    std::string content;
    try {
      content = DecodeToUtf8(raw, options_.encoding);
    } catch (const Error& e) {
      throw Error(e.kind(), InputPos{path, 0, 0}, e.what());
    }
    char delim = options_.delimiter;
    std::string lower = ToLowerAscii(path);
    if (delim == ',' && lower.size() > 4 &&
        (lower.ends_with(".tsv") || lower.ends_with(".tsv.gz") || lower.ends_with(".tsv.zst")))
      delim = '\t';
    std::string_view first_line = std::string_view(content).substr(0, content.find('\n'));
    if (delim == ',') delim = GuessDelimiter(first_line, ',');

    CsvReader reader(content, delim);
    CsvRow row;
    std::vector<std::string> header;
    if (!options_.no_header) {
      if (!reader.Next(row)) return;
      header = row.fields;
    }
    // field → column index
    std::vector<std::pair<std::string, std::size_t>> mapping;
    auto map_field = [&](const std::string& field, std::size_t col) {
      for (auto& m : mapping)
        if (m.first == field) return;
      mapping.emplace_back(field, col);
    };
    for (const auto& column : options_.columns) {
      // Named, not structured, bindings: clang 14 cannot capture those in the lambdas below.
      const std::string& field = column.first;
      const std::string& col = column.second;
      ArticleFields probe;
      if (!probe.Set(field, {}))
        throw Error(ErrorKind::kInvalidArgument,
                    "--columns: unknown field \"" + field +
                        "\" (expected url, published, title, text, outlet, author, id, edition)");
      if (AllDigits(col) &&
          (options_.no_header || std::none_of(header.begin(), header.end(), [&](const std::string& h) {
             return ToLowerAscii(Trim(h)) == ToLowerAscii(col);
           }))) {
        std::size_t n = std::stoul(col);
        if (n == 0) throw Error(ErrorKind::kInvalidArgument, "--columns: column numbers start at 1, got " + col);
        map_field(field, n - 1);
        continue;
      }
      if (options_.no_header)
        throw Error(ErrorKind::kInvalidArgument,
                    "--columns " + field + "=" + col + ": with --no-header, give a column number");
      auto it = std::find_if(header.begin(), header.end(),
                             [&](const std::string& h) { return ToLowerAscii(Trim(h)) == ToLowerAscii(Trim(col)); });
      if (it == header.end())
        throw Error(ErrorKind::kInvalidArgument, InputPos{path, 1, 0},
                    "--columns " + field + "=" + col + ": no column named \"" + col + "\" in the header");
      map_field(field, static_cast<std::size_t>(it - header.begin()));
    }
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (auto field = ArticleFieldForHeader(header[c])) map_field(std::string(*field), c);
    }
    if (options_.no_header && mapping.empty())
      throw Error(ErrorKind::kInvalidArgument, InputPos{path, 0, 0}, "--no-header needs --columns field=NUMBER,…");

    const std::size_t expected = options_.no_header ? 0 : header.size();
    std::size_t first_width = 0;
    while (reader.Next(row)) {
      InputPos pos{path, row.line, 1};
      if (row.unterminated) {
        out.push_back(MakeDiagnostic(ErrorKind::kParse, pos, "bad-row", "quoted field is not terminated", row.raw));
        continue;
      }
      std::size_t want = expected;
      if (want == 0) {
        if (first_width == 0) first_width = row.fields.size();
        want = first_width;
      }
      if (row.fields.size() != want) {
        out.push_back(MakeDiagnostic(
            ErrorKind::kParse, pos, "bad-row",
            "row has " + std::to_string(row.fields.size()) + " fields, expected " + std::to_string(want), row.raw));
        continue;
      }
      ArticleFields fields;
      for (const auto& [field, col] : mapping)
        if (col < row.fields.size()) fields.Set(field, row.fields[col]);
      auto built = BuildArticle(std::move(fields), channel_, options_);
      if (auto* failure = std::get_if<ArticleFailure>(&built)) {
        out.push_back(MakeDiagnostic(ErrorKind::kSchema, pos, failure->reason, failure->message, row.raw));
        continue;
      }
      std::vector<ItemRecord> items;
      items.push_back(std::move(std::get<ItemRecord>(built)));
      out.push_back(ParsedRecord{std::move(items), pos});
    }
  }

 private:
  ReadOptions options_;
  Channel channel_;
};

}  // namespace

std::unique_ptr<Reader> MakeArticleCsvReader(const ReadOptions& options, Channel channel) {
  return std::make_unique<ArticleCsvReader>(options, channel);
}

}  // namespace relais::corpora::detail
