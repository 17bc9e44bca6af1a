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
//
// The parse is libxml2's HTML SAX interface (no DOM): one pass of start/end/text events drives a small
// state machine per <article> that captures each field's text into reused buffers, with the same
// rules the DOM walk had (first element of a class in document order, text with block boundaries as
// lines, script and style skipped). libxml2 builds its DOM from these same events, and SaxDocument places
// elements as that tree builder does, so the records are those of the former DOM reader (diffed on both
// real samples, the fixtures and damaged copies of them: experiments/results/readers.md).
#include <libxml/HTMLparser.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "relais/corpora/input.hpp"
#include "relais/corpora/registry.hpp"

#include "detail/article.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {

// --- Text ------------------------------------------------------------------------------------------

bool IsBlock(std::string_view name) {
  static constexpr std::array<std::string_view, 21> kBlocks = {
      "p",  "div", "br", "section", "article", "header", "footer", "aside", "li", "ul",        "ol",
      "h1", "h2",  "h3", "h4",      "h5",      "h6",     "tr",     "table", "td", "blockquote"};
  return std::find(kBlocks.begin(), kBlocks.end(), name) != kBlocks.end();
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

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

// What the reader needs to know of one element, read once at its start tag.
struct ElementInfo {
  enum Class : std::uint32_t {
    kPublication = 1u << 0,     // DocPublicationName
    kRdpPublication = 1u << 1,  // rdp__DocPublicationName
    kHeader = 1u << 2,          // DocHeader
    kTitleVisu = 1u << 3,       // titreArticleVisu
    kRdpTitle = 1u << 4,        // rdp__articletitle
    kTitleVisuCap = 1u << 5,    // TitreArticleVisu
    kGrandTitre = 1u << 6,      // grandTitre
    kAuthors = 1u << 7,         // docAuthors
    kNewsMargin = 1u << 8,      // sm-margin-bottomNews
    kTitleBox = 1u << 9,        // titreArticle
    kDocText = 1u << 10,        // DocText
    kOcurr = 1u << 11,          // docOcurrContainer
    kDocNumber = 1u << 12,      // class publiC-lblNodoc, or id PubliC_lblNodoc / publiC-lblNodoc
  };
  std::string_view name;
  std::uint32_t classes = 0;
  bool block = false;
  bool skipped = false;  // script, style: no text
  bool no_class = true;  // no class attribute, or an empty one
  std::string_view href;
};

std::uint32_t ClassBit(std::string_view token) {
  static constexpr std::array<std::pair<std::string_view, std::uint32_t>, 13> kClasses = {{
      {"DocPublicationName", ElementInfo::kPublication},
      {"rdp__DocPublicationName", ElementInfo::kRdpPublication},
      {"DocHeader", ElementInfo::kHeader},
      {"titreArticleVisu", ElementInfo::kTitleVisu},
      {"rdp__articletitle", ElementInfo::kRdpTitle},
      {"TitreArticleVisu", ElementInfo::kTitleVisuCap},
      {"grandTitre", ElementInfo::kGrandTitre},
      {"docAuthors", ElementInfo::kAuthors},
      {"sm-margin-bottomNews", ElementInfo::kNewsMargin},
      {"titreArticle", ElementInfo::kTitleBox},
      {"DocText", ElementInfo::kDocText},
      {"docOcurrContainer", ElementInfo::kOcurr},
      {"publiC-lblNodoc", ElementInfo::kDocNumber},
  }};
  for (const auto& [cls, bit] : kClasses)
    if (cls == token) return bit;
  return 0;
}

// The classes of interest among a class attribute's space-separated names.
std::uint32_t ClassBits(std::string_view value) {
  std::uint32_t bits = 0;
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t j = value.find_first_of(" \t\n", i);
    if (j == std::string_view::npos) j = value.size();
    if (j > i) bits |= ClassBit(value.substr(i, j - i));
    i = j + 1;
  }
  return bits;
}

std::string_view View(const xmlChar* s) {
  return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

ElementInfo ReadElement(const xmlChar* name, const xmlChar** atts) {
  ElementInfo e;
  e.name = View(name);
  e.block = IsBlock(e.name);
  e.skipped = e.name == "script" || e.name == "style";
  for (const xmlChar** a = atts; a && a[0]; a += 2) {
    std::string_view key = View(a[0]), value = View(a[1]);
    if (key == "class") {
      e.no_class = value.empty();
      e.classes |= ClassBits(value);
    } else if (key == "id") {
      if (value == "PubliC_lblNodoc" || value == "publiC-lblNodoc") e.classes |= ElementInfo::kDocNumber;
    } else if (key == "href") {
      e.href = value;
    }
  }
  return e;
}

// The text below one element: whitespace collapsed, block boundaries as '\n', script and style
// skipped. Fed the element's descendants' events; JoinLines makes the field of it.
struct TextCapture {
  std::string raw;
  std::size_t depth = 0;  // the element's depth; 0: not capturing
  int skip = 0;           // inside a script or style element
  bool taken = false;     // the first element of its kind was seen

  void Begin(std::size_t element_depth) {
    raw.clear();
    depth = element_depth;
    skip = 0;
    taken = true;
  }
  void Reset() {
    raw.clear();
    depth = 0;
    skip = 0;
    taken = false;
  }
  void Boundary() {
    if (raw.empty() || raw.back() == '\n') return;
    if (raw.back() == ' ') raw.pop_back();
    raw += '\n';
  }
  void Start(const ElementInfo& e) {
    if (skip) {
      ++skip;
    } else if (e.skipped) {
      skip = 1;
    } else if (e.block) {
      Boundary();
    }
  }
  void End(const ElementInfo& e) {
    if (skip) {
      --skip;
    } else if (e.block) {
      Boundary();
    }
  }
  void Text(const char* s, std::size_t n) {
    if (skip) return;
    const char* end = s + n;
    while (s < end) {
      if (IsSpace(*s)) {
        if (!raw.empty() && raw.back() != ' ' && raw.back() != '\n') raw += ' ';
        ++s;
        continue;
      }
      const char* run = s;
      while (s < end && !IsSpace(*s)) ++s;
      raw.append(run, static_cast<std::size_t>(s - run));
    }
  }
  std::string Field(std::string_view sep) const { return JoinLines(raw, sep); }
};

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
    const Registry builtin = Registry::Builtin();
    for (std::size_t idx = 0; idx < builtin.size(); ++idx) {
      const RegistryEntry info = builtin.Entry(idx);
      if (info.kind != "domain" || info.name.empty()) continue;
      if (info.actor_class.rfind("press", 0) != 0) continue;
      m.emplace(Fold(info.name), std::string(info.key));  // the first entry of a name wins (the outlet's main domain)
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

// One <article> element being read: a capture per field, the first element of each class in
// document order (the last one for sm-margin-bottomNews; every DocHeader).
struct ArticleState {
  std::size_t depth = 0;  // the <article> element's
  std::uint64_t line = 0;
  std::size_t slot = 0;  // its place among the document's articles (document order)
  TextCapture publication, rdp_publication, authors, news, box_sibling, doc_text, ocurr, section, doc_number;
  TextCapture whole;                  // the article's text, for a document number written in it
  std::array<TextCapture, 4> titles;  // titreArticleVisu, rdp__articletitle, TitreArticleVisu, grandTitre
  std::deque<TextCapture> headers;    // stable addresses: the active list points into it
  std::size_t header_count = 0;
  bool box_seen = false;       // the first div.titreArticle (2015 layout: the author follows it)
  std::size_t box_depth = 0;   // its depth while it is open
  std::size_t sibling_of = 0;  // its depth once closed, while its next element sibling is awaited
  std::string url;
  bool url_found = false;

  void Reset(std::size_t article_depth, std::uint64_t article_line, std::size_t article_slot) {
    depth = article_depth;
    line = article_line;
    slot = article_slot;
    for (TextCapture* c : {&publication, &rdp_publication, &authors, &news, &box_sibling, &doc_text, &ocurr, &section,
                           &doc_number, &whole})
      c->Reset();
    for (auto& t : titles) t.Reset();
    header_count = 0;
    box_seen = false;
    box_depth = sibling_of = 0;
    url.clear();
    url_found = false;
  }

  // A descendant element opens at `d`: the captures it begins join `active`.
  void OnStart(const ElementInfo& e, std::size_t d, std::vector<TextCapture*>& active) {
    auto begin = [&](TextCapture& c) {
      const bool capturing = c.depth != 0;
      c.Begin(d);
      if (!capturing) active.push_back(&c);
    };
    auto first = [&](TextCapture& c) {
      if (!c.taken) begin(c);
    };
    if (sibling_of != 0 && d == sibling_of) {
      if (e.name == "div" && e.no_class) begin(box_sibling);
      sibling_of = 0;
    }
    if (const std::uint32_t k = e.classes) {
      if (k & ElementInfo::kPublication) first(publication);
      if (k & ElementInfo::kRdpPublication) first(rdp_publication);
      if (k & ElementInfo::kHeader) {
        if (header_count == headers.size()) headers.emplace_back();
        TextCapture& h = headers[header_count++];
        h.Reset();
        begin(h);
      }
      if (k & ElementInfo::kTitleVisu) first(titles[0]);
      if (k & ElementInfo::kRdpTitle) first(titles[1]);
      if (k & ElementInfo::kTitleVisuCap) first(titles[2]);
      if (k & ElementInfo::kGrandTitre) first(titles[3]);
      if (k & ElementInfo::kAuthors) first(authors);
      if (k & ElementInfo::kNewsMargin) begin(news);  // the last one wins
      if ((k & ElementInfo::kTitleBox) && !box_seen) {
        box_seen = true;
        box_depth = d;
      }
      if (k & ElementInfo::kDocText) first(doc_text);
      if (k & ElementInfo::kOcurr) first(ocurr);
      if (k & ElementInfo::kDocNumber) first(doc_number);
    }
    if (e.name == "section") first(section);
    if (e.name == "a" && !url_found) TakeLink(e.href);
  }

  // The descendant element at depth `d` closes.
  void OnEnd(std::size_t d) {
    if (box_depth != 0 && d == box_depth) {
      box_depth = 0;
      sibling_of = d;
    } else if (sibling_of != 0 && d + 1 == sibling_of) {
      sibling_of = 0;  // the box's parent closed: no element after the box
    }
  }

  void TakeLink(std::string_view href) {
    if (href.rfind("http://", 0) != 0 && href.rfind("https://", 0) != 0) return;
    if (IsEuropresseHost(HostOf(href))) return;
    url.assign(href);
    url_found = true;
  }

  ArticleParts Parts() const {
    ArticleParts a;
    if (const TextCapture* pub = publication.taken ? &publication : rdp_publication.taken ? &rdp_publication : nullptr)
      a.publication = pub->Field(" ");
    for (std::size_t k = 0; k < header_count; ++k) a.header += (a.header.empty() ? "" : " ") + headers[k].Field(" ");
    for (const TextCapture& t : titles) {
      if (!t.taken) continue;
      a.title = t.Field(" ");
      break;
    }
    for (const TextCapture* c : {&authors, &news, &box_sibling}) {
      if (!c->taken) continue;
      a.author = c->Field(" ");
      break;
    }
    for (const TextCapture* c : {&doc_text, &ocurr, &section}) {
      if (!c->taken) continue;
      a.body = c->Field("\n");
      break;
    }
    if (doc_number.taken) a.doc_id = doc_number.Field(" ");
    if (a.doc_id.empty()) a.doc_id = FindDocId(whole.Field("\n"));
    a.url = url;
    return a;
  }
};

// The flat layout: the text of the body as pieces, each with the role its nearest classed ancestor
// gives it, and a boundary marker around every block or role change.
struct FlatPiece {
  std::string text;
  enum Role { kNone, kPublication, kHeader, kTitle } role;
  bool block_before;
};

// Collects the pieces below one element (the scope), as a walk of its subtree would: each text node
// with its whitespace collapsed (a leading space kept), script, style and form subtrees skipped.
struct FlatCollector {
  std::vector<FlatPiece> pieces;
  bool open = false;      // the scope is open: elements deeper than `scope` are in it
  std::size_t scope = 0;  // the scope element's depth (0: elements libxml2 re-attached to the root)
  bool found = false;

  void Open(std::size_t d) {
    open = found = true;
    scope = d;
  }
  bool collecting(std::size_t d) const { return open && d > scope; }
  void Close() {
    Flush();
    open = false;
  }
  void Start(const ElementInfo& e) {
    Flush();
    if (skip_) {
      ++skip_;
      return;
    }
    if (e.skipped || e.name == "form") {
      skip_ = 1;
      return;
    }
    const FlatPiece::Role parent = Current();
    FlatPiece::Role r = parent;
    if (e.classes & ElementInfo::kPublication) r = FlatPiece::kPublication;
    if (e.classes & ElementInfo::kHeader) r = FlatPiece::kHeader;
    if (e.classes & (ElementInfo::kTitleVisu | ElementInfo::kTitleVisuCap)) r = FlatPiece::kTitle;
    const bool marked = r != parent || e.block;
    if (marked) pieces.push_back(FlatPiece{"", r, true});  // a boundary marker
    open_.push_back(Open_{r, parent, marked});
  }
  void End() {
    Flush();
    if (skip_) {
      --skip_;
      return;
    }
    if (open_.empty()) return;
    const Open_ o = open_.back();
    open_.pop_back();
    if (o.marked) pieces.push_back(FlatPiece{"", o.parent, true});
  }
  void Text(const char* s, std::size_t n) {
    if (!skip_) text_.append(s, n);
  }
  // A text node ends (an element, a comment or the scope's end follows).
  void Flush() {
    if (text_.empty()) return;
    std::string raw;
    for (char ch : text_) {
      if (IsSpace(ch)) {
        if (raw.empty() || raw.back() != ' ') raw += ' ';
      } else {
        raw += ch;
      }
    }
    text_.clear();
    if (!Trim(raw).empty()) pieces.push_back(FlatPiece{std::move(raw), Current(), false});
  }

 private:
  struct Open_ {
    FlatPiece::Role role, parent;
    bool marked;
  };
  FlatPiece::Role Current() const { return open_.empty() ? FlatPiece::kNone : open_.back().role; }
  std::vector<Open_> open_;
  int skip_ = 0;
  std::string text_;
};

std::vector<ArticleParts> FromFlat(const std::vector<FlatPiece>& pieces) {
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

// --- The SAX pass ----------------------------------------------------------------------------------

// One page's events → its articles (and, for a page read whole, the flat layout's pieces), placed as
// libxml2's tree builder (xmlSAX2StartElement) places the elements: the root is the first top-level
// element, and an element that starts when no element is open goes below the root when the root is
// the document's first child (else it is a top-level sibling). Each event carries libxml2's count of
// open elements: an element libxml2 drops without an end event (a start tag with no '>') is closed
// here when the count shows it gone.
class SaxDocument {
 public:
  std::vector<std::pair<ArticleParts, std::uint64_t>> articles;  // document order, with the start tag's line
  FlatCollector root_flat, body_flat;                            // the root's and the first <body>'s
  bool has_root = false;

  void Reset(bool collect_flat) {
    articles.clear();
    root_flat = {};
    body_flat = {};
    has_root = false;
    collect_flat_ = collect_flat;
    stack_.clear();
    active_.clear();
    open_.clear();
    first_child_ = kNothing;
    dtd_ = false;
    free_.clear();
    for (auto& a : pool_) free_.push_back(a.get());
  }

  void Start(const xmlChar* name, const xmlChar** atts, std::uint64_t line, int open_names) {
    Sync(open_names - 1);
    Entry en{ReadElement(name, atts), false, false};
    const ElementInfo& e = en.info;
    const std::size_t d = stack_.size() + 1;
    bool below_root = false;  // a top-level start that libxml2 attaches below the root
    if (stack_.empty()) {
      if (first_child_ == kNothing) first_child_ = kElement;
      below_root = has_root && !dtd_ && first_child_ == kElement;
      if (below_root) {
        en.in_root = true;
      } else if (!has_root) {
        has_root = en.in_root = en.is_root = true;
      }
    } else {
      en.in_root = stack_.back().in_root;
    }
    for (TextCapture* c : active_) c->Start(e);
    if (collect_flat_ && en.in_root) {
      if (below_root) root_flat.Open(0);
      for (FlatCollector* f : {&root_flat, &body_flat})
        if (f->collecting(d)) f->Start(e);
      if (en.is_root) root_flat.Open(d);
      if (!en.is_root && !body_flat.found && e.name == "body") body_flat.Open(d);
    }
    for (ArticleState* a : open_) a->OnStart(e, d, active_);
    if (en.in_root && !en.is_root && e.name == "article") OpenArticle(d, line);
    en.info.href = {};  // the attribute's storage ends with this event
    stack_.push_back(en);
  }

  void End(int open_names) {
    Sync(open_names);
    Pop();
  }

  void Text(const char* s, std::size_t n, bool cdata, int open_names) {
    Sync(open_names);
    if (stack_.empty()) return;  // outside every element: not in the tree
    for (TextCapture* c : active_) c->Text(s, n);
    if (!collect_flat_) return;
    const std::size_t d = stack_.size() + 1;  // a text node is a child of the open element
    for (FlatCollector* f : {&root_flat, &body_flat}) {
      if (!f->collecting(d)) continue;
      if (cdata) {
        f->Flush();  // a CDATA node is not text to the flat layout, and ends the text node before it
      } else {
        f->Text(s, n);
      }
    }
  }

  // A comment or processing instruction: it ends the text node before it.
  void Break(int open_names) {
    Sync(open_names);
    if (stack_.empty() && first_child_ == kNothing) first_child_ = kOther;
    if (!collect_flat_) return;
    for (FlatCollector* f : {&root_flat, &body_flat})
      if (f->collecting(stack_.size() + 1)) f->Flush();
  }

  // A DOCTYPE: libxml2 puts its DTD first among the document's children.
  void Doctype() { dtd_ = true; }

  // What is still open at the end of the input is closed there.
  void Finish() { Sync(0); }

 private:
  struct Entry {
    ElementInfo info;
    bool in_root;  // the root or below it
    bool is_root;
  };
  enum FirstChild { kNothing, kElement, kOther };

  void Sync(int open_names) {
    const std::size_t keep = static_cast<std::size_t>(std::max(open_names, 0));
    while (stack_.size() > keep) Pop();
  }

  void Pop() {
    if (stack_.empty()) return;
    const std::size_t d = stack_.size();
    const ElementInfo e = stack_.back().info;
    stack_.pop_back();
    std::erase_if(active_, [d](TextCapture* c) {
      if (c->depth != d) return false;
      c->depth = 0;
      return true;
    });
    for (TextCapture* c : active_) c->End(e);
    for (ArticleState* a : open_) a->OnEnd(d);
    if (!open_.empty() && open_.back()->depth == d) CloseArticle();
    if (!collect_flat_) return;
    for (FlatCollector* f : {&root_flat, &body_flat}) {
      if (f->open && f->scope == d) {
        f->Close();
      } else if (f->collecting(d)) {
        f->End();
      }
    }
    if (stack_.empty() && root_flat.open) root_flat.Close();  // an element attached below the root
  }

  void OpenArticle(std::size_t d, std::uint64_t line) {
    if (free_.empty()) {
      pool_.push_back(std::make_unique<ArticleState>());
      free_.push_back(pool_.back().get());
    }
    ArticleState* a = free_.back();
    free_.pop_back();
    a->Reset(d, line, articles.size());
    articles.emplace_back();
    a->whole.Begin(d);
    active_.push_back(&a->whole);
    open_.push_back(a);
  }

  void CloseArticle() {
    ArticleState* a = open_.back();
    open_.pop_back();
    articles[a->slot] = {a->Parts(), a->line};
    free_.push_back(a);
  }

  bool collect_flat_ = false;
  std::vector<Entry> stack_;
  std::vector<TextCapture*> active_;   // the captures the next event feeds
  std::vector<ArticleState*> open_;    // the open <article> elements, outermost first
  FirstChild first_child_ = kNothing;  // the document's first child
  bool dtd_ = false;
  std::vector<std::unique_ptr<ArticleState>> pool_;
  std::vector<ArticleState*> free_;
};

htmlParserCtxtPtr ContextOf(void* ctx) { return static_cast<htmlParserCtxtPtr>(ctx); }
SaxDocument& DocumentOf(void* ctx) { return *static_cast<SaxDocument*>(ContextOf(ctx)->_private); }

void OnStartElement(void* ctx, const xmlChar* name, const xmlChar** atts) {
  const htmlParserCtxtPtr ctxt = ContextOf(ctx);
  // The line libxml2's tree builder gives the element (xmlGetLineNo: at most 65535).
  const int line = ctxt->input ? ctxt->input->line : 0;
  DocumentOf(ctx).Start(name, atts, static_cast<std::uint64_t>(std::clamp(line, 0, 65535)), ctxt->nameNr);
}
void OnEndElement(void* ctx, const xmlChar*) { DocumentOf(ctx).End(ContextOf(ctx)->nameNr); }
void OnCharacters(void* ctx, const xmlChar* s, int n) {
  DocumentOf(ctx).Text(reinterpret_cast<const char*>(s), static_cast<std::size_t>(n), false, ContextOf(ctx)->nameNr);
}
void OnCdata(void* ctx, const xmlChar* s, int n) {
  DocumentOf(ctx).Text(reinterpret_cast<const char*>(s), static_cast<std::size_t>(n), true, ContextOf(ctx)->nameNr);
}
void OnComment(void* ctx, const xmlChar*) { DocumentOf(ctx).Break(ContextOf(ctx)->nameNr); }
void OnProcessingInstruction(void* ctx, const xmlChar*, const xmlChar*) {
  DocumentOf(ctx).Break(ContextOf(ctx)->nameNr);
}
void OnInternalSubset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) { DocumentOf(ctx).Doctype(); }

// libxml2's HTML parser in recover mode with the handlers above; one context for every page of a
// document. The META charset is not trusted (exports declare ISO-8859-1 over UTF-8 bytes).
class HtmlSaxParser {
 public:
  HtmlSaxParser() : ctxt_(htmlNewParserCtxt(), htmlFreeParserCtxt) {
    if (!ctxt_) throw std::bad_alloc();
    xmlSAXHandler h{};
    h.startElement = OnStartElement;
    h.endElement = OnEndElement;
    h.characters = OnCharacters;
    h.cdataBlock = OnCdata;
    h.comment = OnComment;
    h.processingInstruction = OnProcessingInstruction;
    h.internalSubset = OnInternalSubset;
    *ctxt_->sax = h;
  }

  void Parse(std::string_view html, const std::string& path, SaxDocument& doc) {
    ctxt_->_private = &doc;
    htmlDocPtr tree = htmlCtxtReadMemory(
        ctxt_.get(), html.data(), static_cast<int>(html.size()), path.c_str(), "UTF-8",
        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
    if (tree) xmlFreeDoc(tree);  // none: these handlers build no tree
    doc.Finish();
  }

 private:
  std::unique_ptr<htmlParserCtxt, void (*)(htmlParserCtxtPtr)> ctxt_;
};

class EuropresseReader final : public Reader {
 public:
  explicit EuropresseReader(ReadOptions options) : options_(std::move(options)) {}
  Format format() const override { return Format::kEuropresse; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    // The pipeline hands raw bytes: decode (UTF-8 kept; windows-1252 exports converted).
    std::string decoded;
    const std::string_view text = DecodeToUtf8View(content, options_.encoding, decoded);
    HtmlSaxParser parser;
    SaxDocument doc;
    // An export of many <article> blocks is parsed one block at a time (what the DOM reader did to
    // keep its tree small; kept so that a broken article cannot swallow the next ones).
    if (ParseByArticle(text, path, parser, doc, out)) return;
    if (text.empty()) {
      out.push_back(
          MakeDiagnostic(ErrorKind::kSchema, InputPos{path, 1, 0}, "not-an-article", "not an HTML document", content));
      return;
    }
    doc.Reset(/*collect_flat=*/true);
    parser.Parse(text, path, doc);
    std::vector<std::pair<ArticleParts, std::uint64_t>> parts = std::move(doc.articles);
    if (parts.empty() && doc.has_root)
      for (auto& a : FromFlat(doc.body_flat.found ? doc.body_flat.pieces : doc.root_flat.pieces))
        parts.emplace_back(std::move(a), 0);
    if (parts.empty()) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, InputPos{path, 1, 0}, "not-an-article",
                                   "no Europresse article (no <article>, no span.DocPublicationName)", content));
      return;
    }
    std::uint64_t ordinal = 0;
    for (auto& [a, line] : parts) {
      ++ordinal;
      InputPos pos{path, line > 0 ? line : ordinal, 0};
      Convert(a, pos, out);
    }
  }

 private:
  // Each "<article" up to the next one (or the end) parsed as a page of its own, its lines counted
  // from the file's start. False (nothing appended) when the text holds fewer than two.
  static bool ParseByArticle(std::string_view text, const std::string& path, HtmlSaxParser& parser, SaxDocument& doc,
                             std::vector<RecordOutcome>& out) {
    std::vector<std::size_t> starts;
    for (std::size_t at = text.find("<article"); at != std::string::npos; at = text.find("<article", at + 8)) {
      char next = at + 8 < text.size() ? text[at + 8] : '>';
      if (next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r') starts.push_back(at);
    }
    if (starts.size() < 2) return false;
    std::uint64_t line = 1;
    std::size_t counted = 0;
    std::string page;
    out.reserve(out.size() + starts.size());
    for (std::size_t k = 0; k < starts.size(); ++k) {
      const std::size_t begin = starts[k], end = k + 1 < starts.size() ? starts[k + 1] : text.size();
      line += static_cast<std::uint64_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted),
                                                    text.begin() + static_cast<std::ptrdiff_t>(begin), '\n'));
      counted = begin;
      page.assign("<html><body>");
      page.append(text, begin, end - begin);
      doc.Reset(/*collect_flat=*/false);
      parser.Parse(page, path, doc);
      for (const auto& [a, rel] : doc.articles) {
        InputPos pos{path, rel > 0 ? line + rel - 1 : line, 0};
        Convert(a, pos, out);
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
