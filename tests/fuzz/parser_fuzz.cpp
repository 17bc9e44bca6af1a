// libFuzzer target for one parser shared by the readers (RELAIS_FUZZ_PARSER): the URL canonicaliser,
// CSV rows, the XML tokenizer, HTML to text and the time parsers. Any bytes must give a result or a
// typed error, never a crash, a hang or a sanitizer report; a few properties are checked on the way.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "detail/csv.hpp"
#include "detail/html.hpp"
#include "detail/xml.hpp"
#include "relais/base/error.hpp"
#include "relais/base/time.hpp"
#include "relais/corpora/url.hpp"

namespace {

using namespace relais::corpora;
using namespace relais::corpora::detail;

#define RELAIS_FUZZ_CHECK(cond) \
  do {                          \
    if (!(cond)) std::abort();  \
  } while (0)

[[maybe_unused]] void FuzzUrl(std::string_view s) {
  std::string c = CanonicalizeUrl(s);
  // Canonical form is a fixed point.
  RELAIS_FUZZ_CHECK(CanonicalizeUrl(c) == c);
  (void)UrlHost(s);
  (void)IsShortenedUrl(s);
  std::string key;
  (void)StatusUrlToItemKey(s, &key);
}

[[maybe_unused]] void FuzzCsv(std::string_view s) {
  for (char delim : {',', ';', '\t'}) {
    CsvReader reader(s, delim);
    CsvRow row;
    std::uint64_t last_line = 0;
    std::size_t rows = 0;
    while (reader.Next(row)) {
      RELAIS_FUZZ_CHECK(row.line > last_line || rows == 0);
      last_line = row.line;
      RELAIS_FUZZ_CHECK(++rows <= s.size() + 1);  // every row consumes input
    }
  }
  std::string_view header = s.substr(0, s.find('\n'));
  (void)GuessDelimiter(header, ',');
  (void)ArticleFieldForHeader(header);
}

[[maybe_unused]] void FuzzXml(std::string_view s) {
  (void)XmlDeclaredEncoding(s.substr(0, 512));
  XmlTokenizer tok(s);
  XmlEvent ev;
  std::size_t events = 0;
  try {
    while (tok.Next(ev)) {
      (void)ev.Attr("href");
      RELAIS_FUZZ_CHECK(++events <= 2 * s.size() + 2);
    }
  } catch (const XmlError&) {
  }
}

[[maybe_unused]] void FuzzHtml(std::string_view s) {
  std::vector<HtmlLink> links;
  (void)HtmlToText(s, &links, {"quote-inline"});
  (void)DecodeEntities(s);
  (void)DecodeAttributeEntities(s);
  (void)LooksLikeHtml(s);
}

[[maybe_unused]] void FuzzTime(std::string_view s) {
  // The first line is a strftime-style format for ParseWithFormat, the rest the text to parse.
  std::size_t nl = s.find('\n');
  std::string_view fmt = nl == std::string_view::npos ? std::string_view("%Y-%m-%d %H:%M:%S") : s.substr(0, nl);
  std::string_view text = nl == std::string_view::npos ? s : s.substr(nl + 1);
  for (std::string_view t : {s, text}) {
    if (auto v = relais::ParseIso8601(t)) {
      // Round trip: a parsed instant formats to ISO 8601 that parses back to the same instant.
      std::string iso = relais::FormatIso8601(*v);
      auto back = relais::ParseIso8601(iso);
      RELAIS_FUZZ_CHECK(back && *back == *v);
    }
    (void)relais::ParseTwitterDate(t);
    (void)relais::ParseRfc822(t);
    (void)relais::ParseAnyTime(t);
    (void)relais::ParseDuration(t);
  }
  (void)relais::ParseWithFormat(text, fmt);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  try {
    RELAIS_FUZZ_PARSER(s);
  } catch (const relais::Error&) {
    // A typed error is an accepted outcome where the API throws one (URL, CSV, HTML); the time
    // parsers return std::nullopt on bad input and must not throw.
    if (!RELAIS_FUZZ_MAY_THROW) std::abort();
  }
  return 0;
}
