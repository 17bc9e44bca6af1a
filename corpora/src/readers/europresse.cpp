// Europresse HTML exports: one file, many articles. Parsed with libxml2's HTML parser in recover
// mode (stray closing tags, missing wrappers and a wrong META charset are common).
//
// Layouts: `<article>` blocks (2015 on, and today's `rdp__…` classes: div.rdp__DocPublicationName,
// div.rdp__subtitle, p.titreArticleVisu / .rdp__articletitle, div.docAuthors, div.DocText), and the
// older flat layout (before 2013) where each document starts at a span.DocPublicationName.
// Fields: publication (span.DocPublicationName, ", no. 1234" dropped; a trailing "(Rennes)" or
// "(site web)" is the edition, the item's place when it names one: docs/geo.md), span.DocHeader (section, French or
// English date with an optional time and "UTC +0100" zone, page, "612 mots"), title, author, body, the document number
// ("news·20060314·LM·0q1403_1255263") and the article's own link when the export gives one.
//
// Keys: the article's own URL when given (the pipeline canonicalises it), else
// "europresse:<document number>". The author is the outlet: the shipped registry's domain for the
// publication name (without its edition), else the link's host, else the name. A time written
// without a zone is Paris time; a date alone is midnight UTC.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <mutex>
#include <unordered_map>

#include "relais/corpora/input.hpp"
#include "relais/corpora/registry.hpp"

#include "detail/article.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {

// --- DOM helpers -----------------------------------------------------------------------------------

std::string_view NameOf(const xmlNode* n) {
  return n->name ? std::string_view(reinterpret_cast<const char*>(n->name)) : std::string_view();
}

std::string Attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return {};
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

bool HasClass(const xmlNode* n, std::string_view cls) {
  if (n->type != XML_ELEMENT_NODE) return false;
  std::string c = Attr(n, "class");
  std::size_t i = 0;
  while (i < c.size()) {
    std::size_t j = c.find_first_of(" \t\n", i);
    if (j == std::string::npos) j = c.size();
    if (std::string_view(c).substr(i, j - i) == cls) return true;
    i = j + 1;
  }
  return false;
}

bool IsBlock(std::string_view name) {
  static constexpr std::array<std::string_view, 21> kBlocks = {
      "p",  "div", "br", "section", "article", "header", "footer", "aside", "li", "ul",        "ol",
      "h1", "h2",  "h3", "h4",      "h5",      "h6",     "tr",     "table", "td", "blockquote"};
  return std::find(kBlocks.begin(), kBlocks.end(), name) != kBlocks.end();
}

// Text of a subtree: whitespace collapsed, block boundaries as '\n'.
void AppendText(const xmlNode* n, std::string& out) {
  for (const xmlNode* c = n; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      const char* t = reinterpret_cast<const char*>(c->content);
      for (; t && *t; ++t) {
        char ch = *t;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
          if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
        } else {
          out += ch;
        }
      }
    } else if (c->type == XML_ELEMENT_NODE) {
      std::string_view name = NameOf(c);
      if (name == "script" || name == "style") continue;
      bool block = IsBlock(name);
      if (block && !out.empty() && out.back() != '\n') {
        if (out.back() == ' ') out.pop_back();
        out += '\n';
      }
      AppendText(c->children, out);
      if (block && !out.empty() && out.back() != '\n') {
        if (out.back() == ' ') out.pop_back();
        out += '\n';
      }
    }
  }
}

// Lines of text, each trimmed, empty ones dropped, joined by `sep`.
std::string JoinLines(const std::string& raw, std::string_view sep) {
  std::string out;
  std::size_t i = 0;
  while (i <= raw.size()) {
    std::size_t j = raw.find('\n', i);
    if (j == std::string::npos) j = raw.size();
    std::string_view line = Trim(std::string_view(raw).substr(i, j - i));
    if (!line.empty()) {
      if (!out.empty()) out += sep;
      for (char c : line) {
        if (c == ' ' && !out.empty() && out.back() == ' ') continue;  // runs of spaces collapsed
        out += c;
      }
    }
    i = j + 1;
  }
  return out;
}

std::string TextOf(const xmlNode* n, std::string_view sep = " ") {
  if (!n) return {};
  std::string raw;
  AppendText(n->children, raw);
  return JoinLines(raw, sep);
}

// Depth-first search below `root` (not `root` itself), in document order.
template <typename Pred>
void FindAll(xmlNode* root, Pred pred, std::vector<xmlNode*>& out) {
  for (xmlNode* c = root ? root->children : nullptr; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (pred(c)) out.push_back(c);
    FindAll(c, pred, out);
  }
}
template <typename Pred>
xmlNode* FindFirst(xmlNode* root, Pred pred) {
  for (xmlNode* c = root ? root->children : nullptr; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (pred(c)) return c;
    if (xmlNode* r = FindFirst(c, pred)) return r;
  }
  return nullptr;
}
xmlNode* FindClass(xmlNode* root, std::string_view cls) {
  return FindFirst(root, [&](xmlNode* n) { return HasClass(n, cls); });
}

// --- Dates -----------------------------------------------------------------------------------------

std::string Fold(std::string_view s) {
  // Lower-case ASCII and the accented letters of French month names.
  std::string out = ToLowerAscii(s);
  for (auto [from, to] : {std::pair<std::string_view, std::string_view>{"\xC3\xA9", "e"},  // é
                          {"\xC3\x89", "e"},                                               // É
                          {"\xC3\xBB", "u"},                                               // û
                          {"\xC3\xA8", "e"}}) {                                            // è
    for (std::size_t p; (p = out.find(from)) != std::string::npos;) out.replace(p, from.size(), to);
  }
  return out;
}

int MonthOf(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kFr = {"janvier",   "fevrier", "mars",     "avril",
                                                           "mai",       "juin",    "juillet",  "aout",
                                                           "septembre", "octobre", "novembre", "decembre"};
  static constexpr std::array<std::string_view, 12> kEn = {"january",   "february", "march",    "april",
                                                           "may",       "june",     "july",     "august",
                                                           "september", "october",  "november", "december"};
  for (int m = 0; m < 12; ++m)
    if (w == kFr[static_cast<std::size_t>(m)] || w == kEn[static_cast<std::size_t>(m)]) return m + 1;
  return 0;
}

std::optional<int> Number(std::string_view w) {
  if (w.size() > 2 && w.substr(w.size() - 2) == "er") w.remove_suffix(2);  // "1er"
  int v = 0;
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc() || p != w.data() + w.size()) return std::nullopt;
  return v;
}

// Offset of Paris time (CET/CEST) from UTC at a UTC instant, in ms.
TimeMs ParisOffset(TimeMs utc) {
  auto last_sunday_1am = [](int year, unsigned month) {
    std::int64_t day = DaysFromCivil(year, month, 31);
    std::int64_t weekday = ((day % 7) + 11) % 7;  // 1970-01-01 was a Thursday (4); 0 = Sunday
    return (day - weekday) * 86400000LL + 3600000LL;
  };
  std::int64_t days = utc >= 0 ? utc / 86400000LL : (utc - 86399999LL) / 86400000LL;
  // Year of the instant (civil_from_days, Howard Hinnant's algorithm).
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  if (mp >= 10) ++y;  // January, February
  const int year = static_cast<int>(y);
  bool summer = utc >= last_sunday_1am(year, 3) && utc < last_sunday_1am(year, 10);
  return summer ? 7200000LL : 3600000LL;
}

struct HeaderInfo {
  std::optional<TimeMs> time;
  std::string section;
};

// "Politique, mardi 14 mars 2006, p. 12", "lundi 11 janvier 2021 - 09:35 UTC +0100 612 mots",
// "Thursday, December 22, 2022 13887 mots, p. 819(40)".
HeaderInfo ParseHeader(std::string_view header) {
  HeaderInfo info;
  std::string folded = Fold(header);
  std::vector<std::pair<std::string, std::size_t>> words;  // word, offset in folded
  for (std::size_t i = 0; i < folded.size();) {
    std::size_t j = folded.find_first_of(" ,\t\n", i);
    if (j == std::string::npos) j = folded.size();
    if (j > i) words.emplace_back(folded.substr(i, j - i), i);
    i = j + 1;
  }
  for (std::size_t k = 0; k < words.size(); ++k) {
    int month = MonthOf(words[k].first);
    if (!month) continue;
    std::optional<int> day, year;
    std::size_t after = k + 1;
    if (k > 0 && k + 1 < words.size() && (day = Number(words[k - 1].first)) && (year = Number(words[k + 1].first))) {
      after = k + 2;
    } else if (k + 2 < words.size() && (day = Number(words[k + 1].first)) && (year = Number(words[k + 2].first))) {
      after = k + 3;
    } else {
      continue;
    }
    if (*day < 1 || *day > 31 || *year < 1800 || *year > 2200) continue;
    TimeMs t = DaysFromCivil(*year, static_cast<unsigned>(month), static_cast<unsigned>(*day)) * 86400000LL;
    // An optional "- 09:35" / "09h35", then "UTC +0100".
    std::size_t w = after;
    if (w < words.size() && words[w].first == "-") ++w;
    int hh = -1, mm = 0;
    if (w < words.size()) {
      std::string_view tw = words[w].first;
      std::size_t sep = tw.find_first_of(":h");
      if (sep != std::string_view::npos && sep > 0 && sep <= 2) {
        auto h = Number(tw.substr(0, sep));
        auto m = Number(tw.substr(sep + 1));
        if (h && m && *h < 24 && *m < 60) {
          hh = *h;
          mm = *m;
          ++w;
        }
      }
    }
    if (hh >= 0) {
      t += (hh * 60LL + mm) * 60000LL;
      std::optional<TimeMs> offset;
      if (w < words.size() && (words[w].first == "utc" || words[w].first == "gmt")) {
        offset = 0;
        std::string_view z = w + 1 < words.size() ? std::string_view(words[w + 1].first) : std::string_view();
        if (!z.empty() && (z[0] == '+' || z[0] == '-')) {
          std::string digits;
          for (char c : z.substr(1))
            if (c >= '0' && c <= '9') digits += c;
          if (digits.size() == 4) {
            int oh = (digits[0] - '0') * 10 + (digits[1] - '0'), om = (digits[2] - '0') * 10 + (digits[3] - '0');
            offset = (oh * 60LL + om) * 60000LL * (z[0] == '-' ? -1 : 1);
          }
        }
      }
      t -= offset ? *offset : ParisOffset(t - 3600000LL);
    }
    info.time = t;
    // The section is what comes before the weekday and date.
    std::size_t date_start = words[day && after == k + 2 ? k - 1 : k].second;
    std::string_view before = header.substr(0, std::min(date_start, header.size()));
    std::size_t comma = before.rfind(',');
    if (comma != std::string_view::npos) info.section = std::string(Trim(before.substr(0, comma)));
    return info;
  }
  return info;
}

// "news·20060314·LM·0q1403_1255263" → its date, midnight UTC.
std::optional<TimeMs> DocIdDate(std::string_view id) {
  std::size_t p = id.find("\xC2\xB7");  // ·
  if (p == std::string_view::npos || p + 10 > id.size()) return std::nullopt;
  std::string_view d = id.substr(p + 2, 8);
  int v = 0;
  auto [e, ec] = std::from_chars(d.data(), d.data() + d.size(), v);
  if (ec != std::errc() || e != d.data() + d.size()) return std::nullopt;
  int y = v / 10000, m = (v / 100) % 100, day = v % 100;
  if (m < 1 || m > 12 || day < 1 || day > 31) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(day)) * 86400000LL;
}

// The document number in a text: "Numéro de document : news·…" or a bare "news·…".
std::string FindDocId(std::string_view text) {
  std::size_t p = text.find("news\xC2\xB7");
  if (p == std::string_view::npos) p = text.find("\xC2\xB7");
  if (p == std::string_view::npos) return {};
  std::size_t start = text.rfind(' ', p);
  start = start == std::string_view::npos ? 0 : start + 1;
  if (text.compare(p, 4, "news") == 0) start = p;
  std::size_t end = text.find_first_of(" \n", p);
  if (end == std::string_view::npos) end = text.size();
  return std::string(text.substr(start, end - start));
}

// --- Publications ----------------------------------------------------------------------------------

struct Publication {
  std::string name;     // as written, issue number dropped ("Ouest-France (Rennes)")
  std::string outlet;   // without the edition ("Ouest-France")
  std::string edition;  // "Rennes", "site web", or empty
};

Publication ParsePublication(std::string_view raw) {
  Publication p;
  std::string name = JoinLines(std::string(raw), " ");
  // "Magazine 1, no. 5968", "La Croix, no. 43018", "Acme Law Review, Vol. 14, no 4".
  for (std::string_view marker : {", no.", ", no ", ", n\xC2\xB0", ", vol."}) {
    std::string lower = ToLowerAscii(name);  // same length as name
    std::size_t at = lower.find(marker);
    if (at != std::string::npos) name.resize(at);
  }
  p.name = std::string(Trim(name));
  OutletEdition split = SplitEdition(p.name);
  p.outlet = std::move(split.outlet);
  p.edition = std::move(split.edition);
  return p;
}

// Outlet names of the shipped registry (case- and accent-folded) → their domain.
const std::unordered_map<std::string, std::string>& OutletDomains() {
  static const std::unordered_map<std::string, std::string> map = [] {
    std::unordered_map<std::string, std::string> m;
    for (const auto& [kind, info] : Registry::Builtin().Entries()) {
      if (kind != "domain" || info.name.empty()) continue;
      if (info.actor_class.rfind("press", 0) != 0) continue;
      m.emplace(Fold(info.name), info.key);  // the first entry of a name wins (the outlet's main domain)
    }
    return m;
  }();
  return map;
}

bool IsEuropresseHost(std::string_view host) {
  for (std::string_view h : {"europresse.com", "eureka.cc", "cedrom-sni.com"}) {
    if (host == h) return true;
    if (host.size() > h.size() && host.compare(host.size() - h.size(), h.size(), h) == 0 &&
        host[host.size() - h.size() - 1] == '.')
      return true;
  }
  return false;
}

// --- Articles --------------------------------------------------------------------------------------

struct ArticleParts {
  std::string publication, header, title, author, body, doc_id, url;
};

void ExtractLink(xmlNode* root, ArticleParts& a) {
  std::vector<xmlNode*> anchors;
  FindAll(
      root, [](xmlNode* n) { return NameOf(n) == "a"; }, anchors);
  for (xmlNode* n : anchors) {
    std::string href = Attr(n, "href");
    if (href.rfind("http://", 0) != 0 && href.rfind("https://", 0) != 0) continue;
    if (IsEuropresseHost(HostOf(href))) continue;
    a.url = href;
    return;
  }
}

// One <article> element.
ArticleParts FromArticle(xmlNode* art) {
  ArticleParts a;
  xmlNode* pub = FindClass(art, "DocPublicationName");
  if (!pub) pub = FindClass(art, "rdp__DocPublicationName");
  a.publication = TextOf(pub);
  std::vector<xmlNode*> headers;
  FindAll(
      art, [](xmlNode* n) { return HasClass(n, "DocHeader"); }, headers);
  for (xmlNode* h : headers) a.header += (a.header.empty() ? "" : " ") + TextOf(h);
  xmlNode* title = nullptr;
  for (std::string_view cls : {"titreArticleVisu", "rdp__articletitle", "TitreArticleVisu", "grandTitre"})
    if (!title) title = FindClass(art, cls);
  a.title = TextOf(title);
  if (xmlNode* au = FindClass(art, "docAuthors")) {
    a.author = TextOf(au);
  } else {
    std::vector<xmlNode*> news;
    FindAll(
        art, [](xmlNode* n) { return HasClass(n, "sm-margin-bottomNews"); }, news);
    if (!news.empty()) {
      a.author = TextOf(news.back());
    } else if (xmlNode* box = FindClass(art, "titreArticle")) {
      // 2015 layout: a plain <div> after the title box holds the author.
      for (xmlNode* s = box->next; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE) continue;
        if (NameOf(s) == "div" && Attr(s, "class").empty()) a.author = TextOf(s);
        break;
      }
    }
  }
  xmlNode* body = FindClass(art, "DocText");
  if (!body) body = FindClass(art, "docOcurrContainer");
  if (!body) body = FindFirst(art, [](xmlNode* n) { return NameOf(n) == "section"; });
  a.body = TextOf(body, "\n");
  xmlNode* id = FindFirst(art, [](xmlNode* n) {
    std::string i = Attr(n, "id");
    return HasClass(n, "publiC-lblNodoc") || i == "PubliC_lblNodoc" || i == "publiC-lblNodoc";
  });
  a.doc_id = id ? TextOf(id) : std::string();
  if (a.doc_id.empty()) a.doc_id = FindDocId(TextOf(art, "\n"));
  ExtractLink(art, a);
  return a;
}

// The flat layout: a document runs from one span.DocPublicationName to the next.
struct FlatPiece {
  std::string text;
  enum Role { kNone, kPublication, kHeader, kTitle } role;
  bool block_before;
};

void Flatten(xmlNode* n, FlatPiece::Role role, std::vector<FlatPiece>& out, std::vector<xmlNode*>& anchors) {
  for (xmlNode* c = n; c; c = c->next) {
    if (c->type == XML_TEXT_NODE) {
      // Whitespace collapsed; a leading space is kept (it separates this text from the previous).
      std::string raw;
      for (const char* t = reinterpret_cast<const char*>(c->content); t && *t; ++t) {
        char ch = *t;
        bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
        if (space) {
          if (raw.empty() || raw.back() != ' ') raw += ' ';
        } else {
          raw += ch;
        }
      }
      if (!Trim(raw).empty()) out.push_back(FlatPiece{raw, role, false});
      continue;
    }
    if (c->type != XML_ELEMENT_NODE) continue;
    std::string_view name = NameOf(c);
    if (name == "script" || name == "style" || name == "form") continue;
    FlatPiece::Role r = role;
    if (HasClass(c, "DocPublicationName")) r = FlatPiece::kPublication;
    if (HasClass(c, "DocHeader")) r = FlatPiece::kHeader;
    if (HasClass(c, "TitreArticleVisu") || HasClass(c, "titreArticleVisu")) r = FlatPiece::kTitle;
    if (r != role || IsBlock(name)) out.push_back(FlatPiece{"", r, true});  // a boundary marker
    if (name == "a") anchors.push_back(c);
    Flatten(c->children, r, out, anchors);
    if (r != role || IsBlock(name)) out.push_back(FlatPiece{"", role, true});
  }
}

std::vector<ArticleParts> FromFlat(xmlNode* body) {
  std::vector<FlatPiece> pieces;
  std::vector<xmlNode*> anchors;
  Flatten(body ? body->children : nullptr, FlatPiece::kNone, pieces, anchors);
  std::vector<ArticleParts> out;
  ArticleParts* cur = nullptr;
  std::string lines;  // text after the title, one line per block
  bool after_title = false, in_pub = false, done = false;
  auto finish = [&] {
    if (!cur) return;
    // The first short line after the title is the author; the body stops at "©" / the document number.
    std::vector<std::string> ls;
    std::size_t i = 0;
    while (i <= lines.size()) {
      std::size_t j = lines.find('\n', i);
      if (j == std::string::npos) j = lines.size();
      std::string_view l = Trim(std::string_view(lines).substr(i, j - i));
      if (!l.empty()) ls.emplace_back(l);
      i = j + 1;
    }
    std::size_t first = 0;
    if (!ls.empty()) {
      const std::string& l = ls[0];
      std::size_t spaces = static_cast<std::size_t>(std::count(l.begin(), l.end(), ' '));
      char last = l.back();
      if (l.size() <= 80 && spaces <= 5 && last != '.' && last != ':' && last != '!' && last != '?') {
        cur->author = l;
        first = 1;
      }
    }
    for (std::size_t k = first; k < ls.size(); ++k) {
      if (ls[k].rfind("\xC2\xA9", 0) == 0 || ls[k].rfind("Num\xC3\xA9ro de document", 0) == 0) break;
      if (!cur->body.empty()) cur->body += '\n';
      cur->body += ls[k];
    }
    lines.clear();
  };
  for (const auto& p : pieces) {
    if (p.role == FlatPiece::kPublication && !in_pub) {
      finish();
      out.emplace_back();
      cur = &out.back();
      after_title = done = false;
    }
    in_pub = p.role == FlatPiece::kPublication;
    if (!cur) continue;
    if (p.block_before) {
      if (!lines.empty() && lines.back() != '\n') lines += '\n';
      continue;
    }
    switch (p.role) {
      case FlatPiece::kPublication:
        cur->publication += p.text;
        break;
      case FlatPiece::kHeader:
        cur->header += p.text;
        break;
      case FlatPiece::kTitle:
        cur->title += p.text;
        after_title = true;
        break;
      case FlatPiece::kNone: {
        std::string_view t = Trim(p.text);
        if (cur->doc_id.empty() && t.find("news\xC2\xB7") != std::string_view::npos) {
          cur->doc_id = FindDocId(t);
          done = true;
        }
        if (after_title && !done) {
          std::string_view add = p.text;
          if (!add.empty() && add.front() == ' ' && (lines.empty() || lines.back() == ' ' || lines.back() == '\n'))
            add.remove_prefix(1);
          lines += add;
        }
        break;
      }
    }
  }
  finish();
  for (auto& a : out) {
    a.publication = JoinLines(a.publication, " ");
    a.header = JoinLines(a.header, " ");
    a.title = JoinLines(a.title, " ");
  }
  // Links: the first non-Europresse anchor after each document's start is not attributable in this
  // layout (no container); the older exports carry none.
  return out;
}

class EuropresseReader final : public Reader {
 public:
  explicit EuropresseReader(ReadOptions options) : options_(std::move(options)) {}
  Format format() const override { return Format::kEuropresse; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    // The pipeline hands raw bytes: decode (UTF-8 kept; windows-1252 exports converted).
    std::string text = DecodeToUtf8(content, options_.encoding);
    // An export of many <article> blocks is parsed one block at a time: one DOM of a 100 MB page
    // spent most of its time in malloc (measured: experiments/results/readers.md).
    if (ParseByArticle(text, path, out)) return;
    // The META charset is not trusted (exports declare ISO-8859-1 over UTF-8 bytes).
    htmlDocPtr doc = htmlReadMemory(
        text.data(), static_cast<int>(text.size()), path.c_str(), "UTF-8",
        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
    if (!doc) {
      out.push_back(
          MakeDiagnostic(ErrorKind::kSchema, InputPos{path, 1, 0}, "not-an-article", "not an HTML document", content));
      return;
    }
    std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> guard(doc, xmlFreeDoc);
    xmlNode* root = xmlDocGetRootElement(doc);
    std::vector<xmlNode*> articles;
    if (root)
      FindAll(
          root, [](xmlNode* n) { return NameOf(n) == "article"; }, articles);
    std::vector<std::pair<ArticleParts, long>> parts;
    if (!articles.empty()) {
      for (xmlNode* a : articles) parts.emplace_back(FromArticle(a), xmlGetLineNo(a));
    } else if (root) {
      xmlNode* body = FindFirst(root, [](xmlNode* n) { return NameOf(n) == "body"; });
      for (auto& a : FromFlat(body ? body : root)) parts.emplace_back(std::move(a), 0);
    }
    if (parts.empty()) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, InputPos{path, 1, 0}, "not-an-article",
                                   "no Europresse article (no <article>, no span.DocPublicationName)", content));
      return;
    }
    std::uint64_t ordinal = 0;
    for (auto& [a, line] : parts) {
      ++ordinal;
      InputPos pos{path, line > 0 ? static_cast<std::uint64_t>(line) : ordinal, 0};
      Convert(a, pos, out);
    }
  }

 private:
  // Each "<article" up to the next one (or the end) parsed as a page of its own, its lines counted
  // from the file's start. False (nothing appended) when the text holds fewer than two.
  static bool ParseByArticle(const std::string& text, const std::string& path, std::vector<RecordOutcome>& out) {
    std::vector<std::size_t> starts;
    for (std::size_t at = text.find("<article"); at != std::string::npos; at = text.find("<article", at + 8)) {
      char next = at + 8 < text.size() ? text[at + 8] : '>';
      if (next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r') starts.push_back(at);
    }
    if (starts.size() < 2) return false;
    std::uint64_t line = 1;
    std::size_t counted = 0;
    std::string page;
    for (std::size_t k = 0; k < starts.size(); ++k) {
      const std::size_t begin = starts[k], end = k + 1 < starts.size() ? starts[k + 1] : text.size();
      line += static_cast<std::uint64_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted),
                                                    text.begin() + static_cast<std::ptrdiff_t>(begin), '\n'));
      counted = begin;
      page.assign("<html><body>");
      page.append(text, begin, end - begin);
      htmlDocPtr doc = htmlReadMemory(
          page.data(), static_cast<int>(page.size()), path.c_str(), "UTF-8",
          HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
      if (!doc) continue;
      std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> guard(doc, xmlFreeDoc);
      xmlNode* root = xmlDocGetRootElement(doc);
      std::vector<xmlNode*> articles;
      if (root)
        FindAll(
            root, [](xmlNode* n) { return NameOf(n) == "article"; }, articles);
      for (xmlNode* a : articles) {
        const long rel = xmlGetLineNo(a);
        InputPos pos{path, rel > 0 ? line + static_cast<std::uint64_t>(rel) - 1 : line, 0};
        Convert(FromArticle(a), pos, out);
      }
    }
    return true;
  }

  static void Convert(const ArticleParts& a, const InputPos& pos, std::vector<RecordOutcome>& out) {
    auto fail = [&](const char* reason, std::string msg) {
      std::string excerpt = a.publication + " | " + a.header + " | " + a.title;
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, pos, reason, std::move(msg), excerpt));
    };
    Publication pub = ParsePublication(a.publication);
    if (pub.name.empty()) return fail("missing-field", "article has no publication name (span.DocPublicationName)");
    if (a.title.empty() && a.body.empty()) return fail("missing-field", "article has neither title nor text");
    HeaderInfo h = ParseHeader(a.header);
    if (!h.time) h.time = DocIdDate(a.doc_id);
    if (!h.time) return fail("bad-timestamp", "no date in the header \"" + a.header + "\" nor in the document number");
    if (a.url.empty() && a.doc_id.empty())
      return fail("missing-field", "article has neither its own link nor a document number");
    ItemRecord item;
    item.platform = "press";
    item.channel = Channel::kPress;
    item.kind = ItemKind::kArticle;
    item.time = *h.time;
    item.title = a.title;
    item.text = a.body;
    item.url = a.url;
    if (a.url.empty()) item.key = "europresse:" + a.doc_id;  // else the pipeline keys it by its URL
    const auto& domains = OutletDomains();
    auto it = domains.find(Fold(pub.name));
    if (it == domains.end()) it = domains.find(Fold(pub.outlet));
    item.author.platform = "press";
    item.author.name = pub.name;
    item.geo.place = EditionPlace(pub.edition);  // the edition is the article's place: "Rennes", not "site web"
    if (it != domains.end()) {
      item.author.key = it->second;
    } else if (std::string host = HostOf(a.url); !host.empty()) {
      item.author.key = host;
    } else {
      item.author.key = pub.outlet;
    }
    ParsedRecord rec;
    rec.items.push_back(std::move(item));
    rec.pos = pos;
    out.push_back(std::move(rec));
  }

  ReadOptions options_;
};

}  // namespace

std::unique_ptr<Reader> MakeEuropresseReader(const ReadOptions& options) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  return std::make_unique<EuropresseReader>(options);
}

}  // namespace relais::corpora::detail
