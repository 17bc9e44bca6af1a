// HTML fragments to plain text: a forgiving scanner, not a validating parser (real feeds hold tag soup).
#include "detail/html.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {

struct NamedEntity {
  std::string_view name;
  char32_t cp;
};

// Entities met in French news feeds: XML's five, Latin-1 letters and typography.
constexpr NamedEntity kEntities[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},     {"iexcl", 0xA1},    {"cent", 0xA2},     {"pound", 0xA3},    {"curren", 0xA4},
    {"yen", 0xA5},      {"brvbar", 0xA6},   {"sect", 0xA7},     {"uml", 0xA8},      {"copy", 0xA9},
    {"ordf", 0xAA},     {"laquo", 0xAB},    {"not", 0xAC},      {"shy", 0xAD},      {"reg", 0xAE},
    {"macr", 0xAF},     {"deg", 0xB0},      {"plusmn", 0xB1},   {"sup2", 0xB2},     {"sup3", 0xB3},
    {"acute", 0xB4},    {"micro", 0xB5},    {"para", 0xB6},     {"middot", 0xB7},   {"cedil", 0xB8},
    {"sup1", 0xB9},     {"ordm", 0xBA},     {"raquo", 0xBB},    {"frac14", 0xBC},   {"frac12", 0xBD},
    {"frac34", 0xBE},   {"iquest", 0xBF},   {"Agrave", 0xC0},   {"Aacute", 0xC1},   {"Acirc", 0xC2},
    {"Atilde", 0xC3},   {"Auml", 0xC4},     {"Aring", 0xC5},    {"AElig", 0xC6},    {"Ccedil", 0xC7},
    {"Egrave", 0xC8},   {"Eacute", 0xC9},   {"Ecirc", 0xCA},    {"Euml", 0xCB},     {"Igrave", 0xCC},
    {"Iacute", 0xCD},   {"Icirc", 0xCE},    {"Iuml", 0xCF},     {"ETH", 0xD0},      {"Ntilde", 0xD1},
    {"Ograve", 0xD2},   {"Oacute", 0xD3},   {"Ocirc", 0xD4},    {"Otilde", 0xD5},   {"Ouml", 0xD6},
    {"times", 0xD7},    {"Oslash", 0xD8},   {"Ugrave", 0xD9},   {"Uacute", 0xDA},   {"Ucirc", 0xDB},
    {"Uuml", 0xDC},     {"Yacute", 0xDD},   {"THORN", 0xDE},    {"szlig", 0xDF},    {"agrave", 0xE0},
    {"aacute", 0xE1},   {"acirc", 0xE2},    {"atilde", 0xE3},   {"auml", 0xE4},     {"aring", 0xE5},
    {"aelig", 0xE6},    {"ccedil", 0xE7},   {"egrave", 0xE8},   {"eacute", 0xE9},   {"ecirc", 0xEA},
    {"euml", 0xEB},     {"igrave", 0xEC},   {"iacute", 0xED},   {"icirc", 0xEE},    {"iuml", 0xEF},
    {"eth", 0xF0},      {"ntilde", 0xF1},   {"ograve", 0xF2},   {"oacute", 0xF3},   {"ocirc", 0xF4},
    {"otilde", 0xF5},   {"ouml", 0xF6},     {"divide", 0xF7},   {"oslash", 0xF8},   {"ugrave", 0xF9},
    {"uacute", 0xFA},   {"ucirc", 0xFB},    {"uuml", 0xFC},     {"yacute", 0xFD},   {"thorn", 0xFE},
    {"yuml", 0xFF},     {"OElig", 0x152},   {"oelig", 0x153},   {"Scaron", 0x160},  {"scaron", 0x161},
    {"Yuml", 0x178},    {"fnof", 0x192},    {"circ", 0x2C6},    {"tilde", 0x2DC},   {"ensp", 0x2002},
    {"emsp", 0x2003},   {"thinsp", 0x2009}, {"zwnj", 0x200C},   {"zwj", 0x200D},    {"ndash", 0x2013},
    {"mdash", 0x2014},  {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"ldquo", 0x201C},
    {"rdquo", 0x201D},  {"bdquo", 0x201E},  {"dagger", 0x2020}, {"Dagger", 0x2021}, {"bull", 0x2022},
    {"hellip", 0x2026}, {"permil", 0x2030}, {"prime", 0x2032},  {"lsaquo", 0x2039}, {"rsaquo", 0x203A},
    {"euro", 0x20AC},   {"trade", 0x2122},  {"larr", 0x2190},   {"rarr", 0x2192},   {"hyphen", 0x2010},
    {"numsp", 0x2007},  {"NewLine", '\n'},  {"Tab", '\t'},
};

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':'; }

// Decodes the reference starting at s[i] == '&'; returns the bytes consumed (0 when not one). In an
// attribute value (HTML5 §13.2.5.73), a named reference without ';' followed by '=' or an
// alphanumeric stays as written: "?x=1&sect=2" is a URL's query, not "?x=1§=2".
std::size_t DecodeEntityAt(std::string_view s, std::size_t i, std::string& out, bool in_attribute) {
  std::size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    ++j;
    bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    std::uint32_t cp = 0;
    std::size_t digits = 0;
    while (j < s.size() && digits < 8) {
      char c = s[j];
      int v;
      if (c >= '0' && c <= '9') {
        v = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        v = c - 'A' + 10;
      } else {
        break;
      }
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
      ++j;
      ++digits;
    }
    if (digits == 0) return 0;
    if (j < s.size() && s[j] == ';') ++j;
    // Numeric references to C1 controls mean Windows-1252 in practice (&#146; = ’).
    static constexpr char16_t kC1[32] = {0x20AC, 0x81,   0x201A, 0x192,  0x201E, 0x2026, 0x2020, 0x2021,
                                         0x2C6,  0x2030, 0x160,  0x2039, 0x152,  0x8D,   0x17D,  0x8F,
                                         0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                         0x2DC,  0x2122, 0x161,  0x203A, 0x153,  0x9D,   0x17E,  0x178};
    if (cp >= 0x80 && cp < 0xA0) cp = kC1[cp - 0x80];
    if (cp == 0) cp = 0xFFFD;
    AppendUtf8(out, cp);
    return j - i;
  }
  std::size_t start = j;
  while (j < s.size() && j - start < 12 && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
  std::string_view name = s.substr(start, j - start);
  if (name.empty()) return 0;
  for (const auto& e : kEntities) {
    if (e.name != name) continue;
    if (j < s.size() && s[j] == ';') {
      ++j;
    } else if (in_attribute && j < s.size() && (s[j] == '=' || std::isalnum(static_cast<unsigned char>(s[j])))) {
      return 0;
    }
    AppendUtf8(out, e.cp);
    return j - i;
  }
  return 0;
}

std::string_view AttrValue(std::string_view tag, std::string_view attr) {
  // tag is the inside of "<...>", name first.
  std::size_t i = 0;
  while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
  while (i < tag.size()) {
    while (i < tag.size() && (std::isspace(static_cast<unsigned char>(tag[i])) || tag[i] == '/')) ++i;
    std::size_t name_start = i;
    while (i < tag.size() && tag[i] != '=' && !std::isspace(static_cast<unsigned char>(tag[i])) && tag[i] != '/') ++i;
    std::string_view name = tag.substr(name_start, i - name_start);
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    std::string_view value;
    if (i < tag.size() && tag[i] == '=') {
      ++i;
      while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
      if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
        char q = tag[i++];
        std::size_t vs = i;
        while (i < tag.size() && tag[i] != q) ++i;
        value = tag.substr(vs, i - vs);
        if (i < tag.size()) ++i;
      } else {
        std::size_t vs = i;
        while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
        value = tag.substr(vs, i - vs);
      }
    }
    if (name.size() == attr.size() && std::equal(name.begin(), name.end(), attr.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return value;
    if (name.empty()) ++i;
  }
  return {};
}

bool IsBlockElement(std::string_view name) {
  static constexpr std::string_view kBlocks[] = {
      "p",  "div",        "li",      "ul",      "ol",     "h1",     "h2",  "h3",    "h4",     "h5",        "h6",
      "tr", "blockquote", "section", "article", "header", "footer", "pre", "table", "figure", "figcaption"};
  return std::find(std::begin(kBlocks), std::end(kBlocks), name) != std::end(kBlocks);
}

// Output builder that collapses source whitespace and keeps explicit breaks.
class TextSink {
 public:
  void Text(std::string_view s) {
    for (char c : s) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        pending_space_ = true;
        continue;
      }
      Flush();
      out_ += c;
    }
  }
  void Decoded(const std::string& s) {
    if (s == "\xc2\xa0") {  // nbsp: a plain space in text
      pending_space_ = true;
      return;
    }
    Flush();
    out_ += s;
  }
  void LineBreak() {
    pending_space_ = false;
    TrimTrailingSpace();
    out_ += '\n';
  }
  void ParagraphBreak() {
    pending_space_ = false;
    TrimTrailingSpace();
    if (out_.empty()) return;
    std::size_t nl = 0;
    while (nl < out_.size() && out_[out_.size() - 1 - nl] == '\n') ++nl;
    while (nl < 2) {
      out_ += '\n';
      ++nl;
    }
  }
  std::string Take() {
    TrimTrailingSpace();
    while (!out_.empty() && out_.back() == '\n') out_.pop_back();
    std::size_t b = 0;
    while (b < out_.size() && (out_[b] == '\n' || out_[b] == ' ')) ++b;
    return out_.substr(b);
  }

 private:
  void Flush() {
    if (pending_space_ && !out_.empty() && out_.back() != '\n' && out_.back() != ' ') out_ += ' ';
    pending_space_ = false;
  }
  void TrimTrailingSpace() {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
  }
  std::string out_;
  bool pending_space_ = false;
};

std::string Decode(std::string_view s, bool in_attribute) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      std::size_t n = DecodeEntityAt(s, i, out, in_attribute);
      if (n > 0) {
        i += n;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

}  // namespace

std::string DecodeEntities(std::string_view s) { return Decode(s, false); }
std::string DecodeAttributeEntities(std::string_view s) { return Decode(s, true); }

bool LooksLikeHtml(std::string_view s) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '<' && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '/' || s[i + 1] == '!'))
      return true;
    if (s[i] == '&' && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '#')) return true;
  }
  return false;
}

std::string HtmlToText(std::string_view html, std::vector<HtmlLink>* links,
                       const std::vector<std::string_view>& skip_classes) {
  TextSink sink;
  std::vector<std::pair<std::string, int>> open;  // element names inside a skipped element, depth
  int skip_depth = 0;                             // > 0 while inside a skipped element
  std::string skip_name;
  std::size_t i = 0;
  std::string decoded;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      if (html.compare(i, 4, "<!--") == 0) {
        std::size_t e = html.find("-->", i + 4);
        i = e == std::string_view::npos ? html.size() : e + 3;
        continue;
      }
      if (html.compare(i, 9, "<![CDATA[") == 0) {
        std::size_t e = html.find("]]>", i + 9);
        std::string_view body = html.substr(i + 9, (e == std::string_view::npos ? html.size() : e) - i - 9);
        if (skip_depth == 0) sink.Text(body);
        i = e == std::string_view::npos ? html.size() : e + 3;
        continue;
      }
      std::size_t j = i + 1;
      bool closing = j < html.size() && html[j] == '/';
      if (closing) ++j;
      if (j >= html.size() ||
          !(std::isalpha(static_cast<unsigned char>(html[j])) || html[j] == '!' || html[j] == '?')) {
        if (skip_depth == 0) sink.Text("<");
        ++i;
        continue;
      }
      // Find the tag end, honouring quoted attribute values.
      std::size_t k = j;
      char quote = 0;
      while (k < html.size()) {
        char ch = html[k];
        if (quote) {
          if (ch == quote) quote = 0;
        } else if (ch == '"' || ch == '\'') {
          quote = ch;
        } else if (ch == '>') {
          break;
        }
        ++k;
      }
      std::string_view tag = html.substr(j, k - j);
      i = k < html.size() ? k + 1 : html.size();
      std::size_t name_end = 0;
      while (name_end < tag.size() && IsNameChar(tag[name_end])) ++name_end;
      std::string name = ToLowerAscii(tag.substr(0, name_end));
      bool self_closing = !tag.empty() && tag.back() == '/';
      if (name == "script" || name == "style") {
        if (!closing && !self_closing) {
          std::string end_tag = "</" + name;
          std::size_t pos = i;
          while (pos < html.size()) {
            pos = html.find("</", pos);
            if (pos == std::string_view::npos) break;
            if (ToLowerAscii(html.substr(pos, end_tag.size())) == end_tag) break;
            pos += 2;
          }
          if (pos == std::string_view::npos) {
            i = html.size();
          } else {
            std::size_t gt = html.find('>', pos);
            i = gt == std::string_view::npos ? html.size() : gt + 1;
          }
        }
        continue;
      }
      if (skip_depth > 0) {
        if (name == skip_name) skip_depth += closing ? -1 : (self_closing ? 0 : 1);
        continue;
      }
      if (!closing && !skip_classes.empty()) {
        std::string_view cls = AttrValue(tag, "class");
        bool skip = false;
        for (auto sc : skip_classes)
          if (!cls.empty() && cls.find(sc) != std::string_view::npos) skip = true;
        if (skip && !self_closing) {
          skip_depth = 1;
          skip_name = name;
          continue;
        }
      }
      if (name == "br") {
        sink.LineBreak();
      } else if (IsBlockElement(name)) {
        sink.ParagraphBreak();
      } else if (name == "a" && !closing && links) {
        std::string_view href = AttrValue(tag, "href");
        if (!href.empty()) {
          links->push_back(HtmlLink{DecodeAttributeEntities(Trim(href)),
                                    DecodeAttributeEntities(AttrValue(tag, "class")),
                                    DecodeAttributeEntities(AttrValue(tag, "rel"))});
        }
      }
      continue;
    }
    if (skip_depth > 0) {
      ++i;
      continue;
    }
    if (c == '&') {
      decoded.clear();
      std::size_t n = DecodeEntityAt(html, i, decoded, false);
      if (n > 0) {
        sink.Decoded(decoded);
        i += n;
        continue;
      }
    }
    std::size_t next = i + 1;
    while (next < html.size() && html[next] != '<' && html[next] != '&') ++next;
    sink.Text(html.substr(i, next - i));
    i = next;
  }
  return sink.Take();
}

}  // namespace relais::corpora::detail
