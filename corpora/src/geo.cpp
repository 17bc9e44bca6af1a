// The French gazetteer (geo.hpp): the shipped CSVs of corpora/data/geo/ (embedded, geo_data.cpp) are
// folded into one hash table of lookup keys (n-grams of folded words) → candidates; a text is folded,
// cut into words, matched longest-first, and the matches vote for départements (docs/geo.md).
#include "relais/corpora/geo.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "relais/base/error.hpp"
#include "relais/text/normalize.hpp"

#include "detail/embedded_csv.hpp"

namespace relais::corpora::geo {
namespace {

constexpr std::size_t kMaxGram = 8;      // longest lookup key, in words
constexpr std::size_t kMaxMatches = 64;  // matches kept per text (support masks are 64-bit)
constexpr double kHomonymRatio = 10;     // a homonym this many times larger wins alone

// ---------------------------------------------------------------------------------------------
// Folding

/// ASCII fold of U+00C0–U+017F (Latin-1 letters and Latin Extended-A); nullptr for a separator.
const char* FoldLatin(char32_t c) {
  static constexpr const char* kLatin1[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c",     "e", "e", "e", "e", "i", "i", "i",  "i",   // C0
      "d", "n", "o", "o", "o", "o", "o",  nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",  // D0
      "a", "a", "a", "a", "a", "a", "ae", "c",     "e", "e", "e", "e", "i", "i", "i",  "i",   // E0
      "d", "n", "o", "o", "o", "o", "o",  nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};  // F0
  if (c >= 0xC0 && c <= 0xFF) return kLatin1[c - 0xC0];
  struct Range {
    char32_t lo, hi;
    const char* fold;
  };
  static constexpr Range kExtA[] = {
      {0x100, 0x105, "a"}, {0x106, 0x10D, "c"}, {0x10E, 0x111, "d"},  {0x112, 0x11B, "e"},  {0x11C, 0x123, "g"},
      {0x124, 0x127, "h"}, {0x128, 0x131, "i"}, {0x132, 0x133, "ij"}, {0x134, 0x135, "j"},  {0x136, 0x138, "k"},
      {0x139, 0x142, "l"}, {0x143, 0x14B, "n"}, {0x14C, 0x151, "o"},  {0x152, 0x153, "oe"}, {0x154, 0x159, "r"},
      {0x15A, 0x161, "s"}, {0x162, 0x167, "t"}, {0x168, 0x173, "u"},  {0x174, 0x175, "w"},  {0x176, 0x178, "y"},
      {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"}};
  for (const auto& r : kExtA)
    if (c >= r.lo && c <= r.hi) return r.fold;
  return nullptr;
}

/// Letters of non-Latin scripts kept as they are (so "Россия" or "中国" can match a variant).
bool IsOtherScriptLetter(char32_t c) {
  return (c >= 0x370 && c <= 0x3FF) || (c >= 0x400 && c <= 0x52F) || (c >= 0x530 && c <= 0x5FF) ||
         (c >= 0x600 && c <= 0x6FF) || (c >= 0x900 && c <= 0xDFF) || (c >= 0xE00 && c <= 0xE7F) ||
         (c >= 0x10A0 && c <= 0x10FF) || (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x9FFF) ||
         (c >= 0xAC00 && c <= 0xD7AF);
}

/// Decodes one UTF-8 sequence at s[pos]; returns 0 and len 1 for an ill-formed byte.
char32_t Decode(std::string_view s, std::size_t pos, std::size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  std::size_t n = (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || pos + n > s.size()) {
    *len = 1;
    return 0;
  }
  char32_t c = n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[pos + k]);
    if ((b >> 6) != 0x2) {
      *len = 1;
      return 0;
    }
    c = (c << 6) | (b & 0x3F);
  }
  *len = n;
  return c;
}

struct Token {
  std::uint32_t begin = 0, end = 0;  // in the folded string
  bool boundary = false;             // a list separator (, ; / | ( • …) precedes it
};

/// Folds `in` into `out` (words separated by one space) and its word spans.
class Folder {
 public:
  Folder(std::string* out, std::vector<Token>* toks) : out_(out), toks_(toks) {
    out_->clear();
    toks_->clear();
  }

  void Run(std::string_view in) {
    std::size_t pos = 0;
    while (pos < in.size()) {
      std::size_t len = 1;
      const char32_t c = Decode(in, pos, &len);
      const std::string_view raw = in.substr(pos, len);
      pos += len;
      if (c < 0x80) {
        const char a = static_cast<char>(c);
        if ((a >= 'a' && a <= 'z') || (a >= '0' && a <= '9')) {
          Put(a);
        } else if (a >= 'A' && a <= 'Z') {
          Put(static_cast<char>(a - 'A' + 'a'));
        } else {
          Separate(a == ',' || a == ';' || a == '/' || a == '|' || a == '(' || a == ')' || a == '[' || a == ']' ||
                   a == '\\' || a == '+' || a == '&' || a == '\n');
        }
      } else if (const char* f = FoldLatin(c)) {
        for (const char* p = f; *p; ++p) Put(*p);
      } else if (c >= 0x300 && c <= 0x36F) {
        // combining accent (NFD input): dropped, the word goes on
      } else if (c >= 0xFF01 && c <= 0xFF5E) {  // fullwidth ASCII
        const char a = static_cast<char>(c - 0xFEE0);
        if ((a >= 'a' && a <= 'z') || (a >= '0' && a <= '9'))
          Put(a);
        else if (a >= 'A' && a <= 'Z')
          Put(static_cast<char>(a - 'A' + 'a'));
        else
          Separate(false);
      } else if (c >= 0x1F1E6 && c <= 0x1F1FF) {  // regional indicator: a flag is a pair of them
        std::size_t len2 = 1;
        const char32_t d = pos < in.size() ? Decode(in, pos, &len2) : 0;
        if (d >= 0x1F1E6 && d <= 0x1F1FF) {
          pos += len2;
          Separate(true);
          Put('%');
          Put(static_cast<char>('a' + (c - 0x1F1E6)));
          Put(static_cast<char>('a' + (d - 0x1F1E6)));
          Separate(true);
        } else {
          Separate(true);
        }
      } else if (IsOtherScriptLetter(c)) {
        for (char b : raw) Put(b);
      } else if ((c >= 0x180 && c <= 0x24F) || (c >= 0x1E00 && c <= 0x1EFF)) {
        // Latin Extended-B and Additional: the text module's folding (NFD, marks stripped, case folded)
        const auto folded = text::Normalize(raw, {.lower = true, .fold_accents = true}).text;
        bool any = false;
        for (char b : folded) {
          if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) {
            Put(b);
            any = true;
          }
        }
        if (!any) Separate(false);
      } else if (c == 0x200D || c == 0xFE0F || c == 0xFE0E || (c >= 0x1F3FB && c <= 0x1F3FF)) {
        // joiners, variation selectors and skin tones inside emoji: nothing
      } else {
        // other punctuation, symbols, emoji: list-like separators (• · – — ✈ 🌊 …)
        Separate(c != 0x2019 && c != 0x2018 && c != 0xA0 && c != 0x2010 && c != 0x2011 && c != 0x202F);
      }
    }
    EndWord();
  }

 private:
  void Put(char c) {
    if (!in_word_) {
      if (!out_->empty()) out_->push_back(' ');
      toks_->push_back({static_cast<std::uint32_t>(out_->size()), 0, boundary_});
      boundary_ = false;
      in_word_ = true;
    }
    out_->push_back(c);
  }
  void Separate(bool boundary) {
    EndWord();
    boundary_ = boundary_ || boundary;
  }
  void EndWord() {
    if (!in_word_) return;
    in_word_ = false;
    Token& t = toks_->back();
    const std::string_view w(out_->data() + t.begin, out_->size() - t.begin);
    // "St-Denis", "Ste Maxime": the abbreviations are spelled out
    if (w == "st" || w == "ste") {
      const bool fem = w.size() == 3;
      out_->resize(t.begin);
      out_->append(fem ? "sainte" : "saint");
    }
    t.end = static_cast<std::uint32_t>(out_->size());
  }

  std::string* out_;
  std::vector<Token>* toks_;
  bool in_word_ = false;
  bool boundary_ = false;
};

// ---------------------------------------------------------------------------------------------
// Data

enum class Kind : std::uint8_t { kDep, kRegion, kCommune, kForeign, kFrance };

struct Cand {
  Kind kind;
  bool weak;
  std::uint16_t idx;
};

struct Dep {
  std::string code, name;
  std::uint16_t region = 0;
  bool collectivite = false;
  double lat = 0, lon = 0;
};
struct Region {
  std::string code, name;
};
struct Commune {
  std::string name;
  std::uint16_t dep = 0;
  std::uint32_t pop_k = 0;
  std::uint8_t arrondissements = 0;
};
struct Foreign {
  std::string name;
  std::uint16_t country = 0;  // index into the code table
  bool container = false;     // a country or a region (not a city)
};
struct Seed {
  double lat, lon;
  bool french;
  std::uint16_t idx;  // dep index (french) or foreign index
  double radius_km;
};

/// Words that say nothing about a place ("à", "near", "living in") or everything ("Earth").
constexpr std::string_view kNoise[] = {
    "a",      "au",          "aux",         "de",     "du",    "des",   "d",         "l",          "la",
    "le",     "les",         "en",          "sur",    "sous",  "et",    "pres",      "près",       "near",
    "in",     "the",         "of",          "from",   "and",   "y",     "chez",      "based",      "living",
    "lives",  "live",        "ici",         "here",   "earth", "world", "worldwide", "everywhere", "partout",
    "monde",  "planet",      "planete",     "europe", "eu",    "ue",    "city",      "ville",      "area",
    "region", "département", "departement", "dept",   "dpt",   "metro", "cedex",     "france2",    "mostly",
    "entre",  "between",     "born",        "bred"};

struct Match {
  const Cand* cands = nullptr;
  std::uint32_t n = 0;
  Cand inline_cand{};  // for numbers (postcodes, département numbers)
  bool weak = false;
  bool boundary = false;
  bool accepted = false;
  const Cand* begin() const { return cands ? cands : &inline_cand; }
  const Cand* end() const { return begin() + n; }
};

struct Scratch {
  std::string folded;
  std::vector<Token> toks;
  std::vector<Match> matches;
};

double Radians(double d) { return d * 3.14159265358979323846 / 180.0; }
double DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  const double x = Radians(lon2 - lon1) * std::cos(Radians((lat1 + lat2) / 2));
  const double y = Radians(lat2 - lat1);
  return 6371.0 * std::sqrt(x * x + y * y);
}

std::vector<std::string_view> SplitFields(std::string_view line, char sep) {
  std::vector<std::string_view> f;
  std::size_t start = 0;
  while (true) {
    const auto p = line.find(sep, start);
    f.push_back(line.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return f;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

// -----------------------------------------------------------------------------------------------

struct Gazetteer::Impl {
  std::vector<Region> regions;
  std::vector<Dep> deps;
  std::vector<Commune> communes;
  std::vector<Foreign> foreign;
  std::vector<Seed> seeds;
  std::array<std::string, 26 * 26> codes;  // "AA".."ZZ"
  std::uint16_t fr_code = 0;
  std::deque<std::string> key_store;
  std::unordered_map<std::string_view, std::vector<Cand>> keys;
  std::unordered_map<std::string, std::uint16_t> dep_by_code;
  std::unordered_set<std::string_view> noise;
  std::size_t max_gram = 1;

  static std::uint16_t CodeIndex(std::string_view cc) {
    return static_cast<std::uint16_t>((cc[0] - 'A') * 26 + (cc[1] - 'A'));
  }

  [[noreturn]] static void Bad(const std::string& file, std::size_t line, const std::string& what) {
    throw Error(ErrorKind::kData, "gazetteer " + file + ":" + std::to_string(line) + ": " + what);
  }

  void AddKey(std::string_view name, Cand c) { AddFoldedKey(FoldPlaceText(name), c); }

  void AddFoldedKey(std::string folded, Cand c) {
    if (folded.empty()) return;
    auto it = keys.find(folded);
    if (it == keys.end()) {
      key_store.push_back(std::move(folded));
      const std::string_view k = key_store.back();
      max_gram = std::max<std::size_t>(max_gram, 1 + std::count(k.begin(), k.end(), ' '));
      it = keys.emplace(k, std::vector<Cand>{}).first;
    }
    for (auto& e : it->second) {
      if (e.kind == c.kind && e.idx == c.idx) {
        e.weak = e.weak && c.weak;  // a strong spelling of the same place wins
        return;
      }
    }
    it->second.push_back(c);
  }

  /// name + "a|~b|c" variants; the name is weak when "~name" is among the variants.
  void AddNames(std::string_view name, std::string_view variants, Kind kind, std::uint16_t idx) {
    bool name_weak = false;
    std::vector<std::pair<std::string_view, bool>> vs;
    if (!variants.empty()) {
      for (auto v : SplitFields(variants, '|')) {
        if (v.empty()) continue;
        const bool weak = v[0] == '~';
        if (weak) v.remove_prefix(1);
        if (weak && FoldPlaceText(v) == FoldPlaceText(name)) name_weak = true;
        vs.emplace_back(v, weak);
      }
    }
    AddKey(name, {kind, name_weak, idx});
    for (const auto& [v, weak] : vs) AddKey(v, {kind, weak, idx});
  }

  std::uint16_t DepIndex(std::string_view code, const std::string& file, std::size_t line) const {
    const auto it = dep_by_code.find(std::string(code));
    if (it == dep_by_code.end()) Bad(file, line, "unknown département '" + std::string(code) + "'");
    return it->second;
  }

  using Rows = std::vector<std::pair<std::size_t, std::vector<std::string_view>>>;
  static Rows ReadRows(const std::string& file, std::string_view text, std::size_t columns) {
    Rows rows;
    std::size_t line_no = 0, pos = 0;
    bool header = true;
    while (pos <= text.size()) {
      auto nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view line = text.substr(pos, nl - pos);
      pos = nl + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty() || line[0] == '#') continue;
      if (header) {
        header = false;
        continue;
      }
      auto f = SplitFields(line, ',');
      if (f.size() != columns)
        Bad(file, line_no, std::to_string(f.size()) + " fields, expected " + std::to_string(columns));
      rows.emplace_back(line_no, std::move(f));
    }
    return rows;
  }

  static double Number(std::string_view s, const std::string& file, std::size_t line) {
    if (s.empty()) return std::numeric_limits<double>::quiet_NaN();
    const std::string tmp(s);
    char* end = nullptr;
    const double v = std::strtod(tmp.c_str(), &end);
    if (end != tmp.c_str() + tmp.size()) Bad(file, line, "not a number: '" + tmp + "'");
    return v;
  }

  void Load(const std::vector<std::pair<std::string, std::string>>& files) {
    for (std::size_t i = 0; i < codes.size(); ++i) codes[i] = {char('A' + i / 26), char('A' + i % 26)};
    fr_code = CodeIndex("FR");
    for (auto w : kNoise) noise.insert(w);
    auto find = [&](std::string_view prefix) {
      std::vector<const std::pair<std::string, std::string>*> out;
      for (const auto& f : files)
        if (f.first.rfind(prefix, 0) == 0) out.push_back(&f);
      return out;
    };
    std::unordered_map<std::string, std::uint16_t> region_by_name;
    for (const auto* f : find("regions")) {
      for (const auto& [line, r] : ReadRows(f->first, f->second, 3)) {
        const auto idx = static_cast<std::uint16_t>(regions.size());
        regions.push_back({std::string(r[0]), std::string(r[1])});
        region_by_name[std::string(r[1])] = idx;
        AddNames(r[1], r[2], Kind::kRegion, idx);
      }
    }
    for (const auto* f : find("departements")) {
      for (const auto& [line, r] : ReadRows(f->first, f->second, 7)) {
        Dep d;
        d.code = std::string(r[0]);
        d.collectivite = r[1] == "collectivite";
        if (!d.collectivite && r[1] != "departement") Bad(f->first, line, "kind must be departement|collectivite");
        d.name = std::string(r[2]);
        if (d.collectivite) {
          if (!region_by_name.count(d.name)) {  // a collectivity is its own "région"
            region_by_name[d.name] = static_cast<std::uint16_t>(regions.size());
            regions.push_back({"", d.name});
          }
        }
        const auto rit = region_by_name.find(std::string(r[3]));
        if (rit == region_by_name.end()) Bad(f->first, line, "unknown région '" + std::string(r[3]) + "'");
        d.region = rit->second;
        d.lat = Number(r[4], f->first, line);
        d.lon = Number(r[5], f->first, line);
        const auto idx = static_cast<std::uint16_t>(deps.size());
        if (!dep_by_code.emplace(d.code, idx).second) Bad(f->first, line, "duplicate département " + d.code);
        deps.push_back(d);
        AddNames(r[2], r[6], Kind::kDep, idx);
        const double radius = d.code == "973" ? 300 : d.collectivite ? 150 : 110;
        seeds.push_back({d.lat, d.lon, true, idx, radius});
      }
    }
    for (const auto* f : find("communes")) {
      for (const auto& [line, r] : ReadRows(f->first, f->second, 6)) {
        Commune c;
        c.name = std::string(r[0]);
        c.dep = DepIndex(r[1], f->first, line);
        if (!r[2].empty() && (!AllDigits(r[2]) || r[2].size() != 5)) Bad(f->first, line, "postcode must be 5 digits");
        c.pop_k = static_cast<std::uint32_t>(Number(r[3], f->first, line));
        std::string_view kind = r[4];
        if (const auto plus = kind.find('+'); plus != std::string_view::npos) {
          c.arrondissements = static_cast<std::uint8_t>(Number(kind.substr(plus + 1), f->first, line));
          kind = kind.substr(0, plus);
        }
        if (kind != "P" && kind != "S" && kind != "C") Bad(f->first, line, "kind must be P, S or C");
        const auto idx = static_cast<std::uint16_t>(communes.size());
        communes.push_back(c);
        AddNames(r[0], r[5], Kind::kCommune, idx);
      }
    }
    for (const auto* f : find("foreign")) {
      for (const auto& [line, r] : ReadRows(f->first, f->second, 6)) {
        if (r[1].size() != 2 || r[1][0] < 'A' || r[1][0] > 'Z' || r[1][1] < 'A' || r[1][1] > 'Z')
          Bad(f->first, line, "country must be an ISO 3166-1 alpha-2 code");
        if (r[2] != "country" && r[2] != "region" && r[2] != "city")
          Bad(f->first, line, "kind must be country|region|city");
        if (r[1] == "FR") {
          AddNames(r[0], r[5], Kind::kFrance, 0);
          continue;
        }
        Foreign fo{std::string(r[0]), CodeIndex(r[1]), r[2] != "city"};
        const auto idx = static_cast<std::uint16_t>(foreign.size());
        foreign.push_back(fo);
        AddNames(r[0], r[5], Kind::kForeign, idx);
        const double lat = Number(r[3], f->first, line), lon = Number(r[4], f->first, line);
        if (!std::isnan(lat) && !std::isnan(lon)) seeds.push_back({lat, lon, false, idx, 40});
      }
    }
    for (const auto* f : find("points")) {
      for (const auto& [line, r] : ReadRows(f->first, f->second, 4)) {
        seeds.push_back(
            {Number(r[2], f->first, line), Number(r[3], f->first, line), true, DepIndex(r[1], f->first, line), 60});
      }
    }
    // flags: France's, and those of the overseas départements and collectivities (ISO codes of their own)
    AddFoldedKey("%fr", {Kind::kFrance, false, 0});
    static const std::pair<std::string_view, std::string_view> kOverseasFlags[] = {
        {"%gp", "971"}, {"%mq", "972"}, {"%gf", "973"}, {"%re", "974"}, {"%yt", "976"}, {"%pm", "975"},
        {"%bl", "977"}, {"%mf", "978"}, {"%wf", "986"}, {"%pf", "987"}, {"%nc", "988"}};
    for (const auto& [flag, code] : kOverseasFlags) {
      const auto it = dep_by_code.find(std::string(code));
      if (it != dep_by_code.end()) AddFoldedKey(std::string(flag), {Kind::kDep, false, it->second});
    }
    max_gram = std::min(max_gram, kMaxGram);
  }

  const std::vector<Cand>* Lookup(std::string_view key) const {
    const auto it = keys.find(key);
    return it == keys.end() ? nullptr : &it->second;
  }

  /// The département of a postcode ("83000" → 83, "20090" → 2A, "97400" → 974); -1 if none.
  int DepOfPostcode(std::string_view pc) const {
    const std::string_view two = pc.substr(0, 2);
    const std::string_view corsica = pc[2] <= '1' ? "2A" : "2B";
    const std::string_view code = two == "20" ? corsica : (two == "97" || two == "98") ? pc.substr(0, 3) : two;
    const auto it = dep_by_code.find(std::string(code));
    return it == dep_by_code.end() ? -1 : it->second;
  }

  /// The département of a bare number ("13", "2a", "974"); -1 if none.
  int DepOfNumber(std::string_view w) const {
    std::string code(w);
    if (code == "2a" || code == "2b") code[1] = static_cast<char>(code[1] - 'a' + 'A');
    if (code.size() == 1 || code == "20") return -1;
    const auto it = dep_by_code.find(code);
    return it == dep_by_code.end() ? -1 : it->second;
  }

  /// Départements a candidate is compatible with, appended to `out`; false for a foreign one.
  void DepsOf(const Cand& c, std::vector<std::uint16_t>* out) const {
    switch (c.kind) {
      case Kind::kDep:
        out->push_back(c.idx);
        break;
      case Kind::kCommune:
        out->push_back(communes[c.idx].dep);
        break;
      case Kind::kRegion:
        for (std::size_t d = 0; d < deps.size(); ++d)
          if (deps[d].region == c.idx) out->push_back(static_cast<std::uint16_t>(d));
        break;
      default:
        break;
    }
  }

  static bool IsFrench(const Cand& c) { return c.kind != Kind::kForeign; }

  bool Compatible(const Match& a, const Match& b) const {
    for (const Cand& x : a) {
      for (const Cand& y : b) {
        if (x.kind == Kind::kForeign || y.kind == Kind::kForeign) {
          if (x.kind == Kind::kForeign && y.kind == Kind::kForeign && CountryOf(x) == CountryOf(y)) return true;
          continue;
        }
        if (x.kind == Kind::kFrance || y.kind == Kind::kFrance) return true;
        thread_local std::vector<std::uint16_t> dx, dy;
        dx.clear();
        dy.clear();
        DepsOf(x, &dx);
        DepsOf(y, &dy);
        for (auto d : dx)
          if (std::find(dy.begin(), dy.end(), d) != dy.end()) return true;
      }
    }
    return false;
  }

  Place Resolve(std::string_view text, Evidence kind) const;
  Place Point(double lat, double lon, Evidence kind) const;
  std::uint16_t CountryOf(const Cand& c) const {
    if (c.kind != Kind::kForeign) return fr_code;
    if (c.idx & 0x8000) return static_cast<std::uint16_t>(c.idx & 0x7FFF);
    return foreign[c.idx].country;
  }
};

namespace {
double BaseConfidence(Evidence e) {
  switch (e) {
    case Evidence::kGeotag:
      return 0.98;
    case Evidence::kPlace:
      return 0.95;
    case Evidence::kProfile:
      return 0.85;
    case Evidence::kDateline:
      return 0.8;
    default:
      return 0.5;
  }
}
}  // namespace

Place Gazetteer::Impl::Resolve(std::string_view text, Evidence kind) const {
  thread_local Scratch s;
  {
    Folder folder(&s.folded, &s.toks);
    folder.Run(text);
  }
  Place out;
  out.evidence = kind;
  if (s.toks.empty()) {
    out.evidence = Evidence::kNone;
    return out;
  }
  const std::string_view folded = s.folded;
  auto word = [&](std::size_t i) { return folded.substr(s.toks[i].begin, s.toks[i].end - s.toks[i].begin); };
  s.matches.clear();
  std::size_t content = 0;  // words that are neither matched nor noise
  const std::size_t n = s.toks.size();
  for (std::size_t i = 0; i < n;) {
    bool found = false;
    for (std::size_t g = std::min(max_gram, n - i); g >= 1 && !found; --g) {
      const std::string_view key = folded.substr(s.toks[i].begin, s.toks[i + g - 1].end - s.toks[i].begin);
      const auto* cands = Lookup(key);
      if (!cands) continue;
      found = true;
      if (s.matches.size() < kMaxMatches) {
        Match m;
        m.cands = cands->data();
        m.n = static_cast<std::uint32_t>(cands->size());
        m.weak = std::all_of(cands->begin(), cands->end(), [](const Cand& c) { return c.weak; });
        m.boundary = s.toks[i].boundary;
        s.matches.push_back(m);
      }
      // Paris 11, Marseille 8, Lyon 3: an arrondissement number after the commune is part of it
      std::uint8_t arr = 0;
      for (const Cand& c : *cands)
        if (c.kind == Kind::kCommune) arr = std::max(arr, communes[c.idx].arrondissements);
      i += g;
      if (arr > 0 && i < n) {
        const auto w = word(i);
        if (AllDigits(w) && w.size() <= 2 && std::atoi(std::string(w).c_str()) <= arr) ++i;
      }
    }
    if (found) continue;
    const auto w = word(i);
    const bool boundary = s.toks[i].boundary;
    ++i;
    if (AllDigits(w)) {
      int dep = -1;
      bool weak = true;
      if (w.size() == 5) {
        dep = DepOfPostcode(w);
        weak = false;
        if (w.substr(0, 3) == "980") {  // Monaco's postcodes
          Match m;
          const auto* mc = Lookup("monaco");
          if (mc) {
            m.cands = mc->data();
            m.n = static_cast<std::uint32_t>(mc->size());
            m.boundary = boundary;
            if (s.matches.size() < kMaxMatches) s.matches.push_back(m);
          }
          continue;
        }
      } else if (w.size() == 3) {
        dep = DepOfNumber(w);
        weak = false;
      } else if (w.size() == 2) {
        dep = DepOfNumber(w);
      }
      if (dep >= 0 && s.matches.size() < kMaxMatches) {
        Match m;
        m.inline_cand = {Kind::kDep, weak, static_cast<std::uint16_t>(dep)};
        m.n = 1;
        m.weak = weak;
        m.boundary = boundary;
        s.matches.push_back(m);
      }
      continue;
    }
    if (w == "2a" || w == "2b") {
      Match m;
      m.inline_cand = {Kind::kDep, true, static_cast<std::uint16_t>(DepOfNumber(w))};
      m.n = 1;
      m.weak = true;
      m.boundary = boundary;
      if (s.matches.size() < kMaxMatches) s.matches.push_back(m);
      continue;
    }
    if (noise.count(w)) continue;
    // ordinals (11e, 3eme, 1er, 2nd) and lone letters say nothing
    if (w.size() == 1) continue;
    if (w[0] >= '0' && w[0] <= '9') continue;
    if (w == "%eu" || w == "%un") continue;  // not countries
    if (w[0] == '%') {                       // a flag
      if (s.matches.size() < kMaxMatches) {
        const auto* fc = Lookup(w);
        Match m;
        m.boundary = true;
        if (fc) {
          m.cands = fc->data();
          m.n = static_cast<std::uint32_t>(fc->size());
        } else if (w == "%fr") {
          m.inline_cand = {Kind::kFrance, false, 0};
          m.n = 1;
        } else {  // any other flag: a foreign country named by its code (idx = 0x8000 | code index)
          const auto cc = CodeIndex(std::string{char(w[1] - 'a' + 'A'), char(w[2] - 'a' + 'A')});
          m.inline_cand = {Kind::kForeign, false, static_cast<std::uint16_t>(0x8000 | cc)};
          m.n = 1;
        }
        s.matches.push_back(m);
      }
      continue;
    }
    ++content;
  }
  if (s.matches.empty()) return Place{};

  auto country_of = [&](const Cand& c) { return CountryOf(c); };
  auto container = [&](const Cand& c) { return (c.idx & 0x8000) || foreign[c.idx].container; };

  // Weak matches count when something agrees, when nothing else is said, or after a list separator.
  for (auto& m : s.matches) m.accepted = !m.weak;
  std::size_t weak_count = 0;
  for (auto& m : s.matches) {
    if (!m.weak) continue;
    ++weak_count;
    bool ok = m.boundary || content == 0;
    for (const auto& o : s.matches) {
      if (ok) break;
      if (&o != &m && Compatible(m, o)) ok = true;
    }
    m.accepted = ok;
  }
  const bool only_weak = std::none_of(s.matches.begin(), s.matches.end(), [](const Match& m) { return !m.weak; });

  // French and foreign sides
  bool any_french_place = false, any_france = false, any_foreign = false;
  bool french_has_container = false;  // a département, région or "France" (not only commune names)
  bool foreign_all_containers = true;
  int foreign_country = -1;
  bool foreign_several = false;
  for (const auto& m : s.matches) {
    if (!m.accepted) continue;
    // a French place named only by a commune name may be a foreign homonym (Paris, TX)
    bool french_side = false, commune_named = false;
    for (const Cand& c : m) {
      french_side = french_side || (c.kind != Kind::kForeign && c.kind != Kind::kFrance);
      commune_named = commune_named || c.kind == Kind::kCommune;
    }
    if (french_side && !commune_named) french_has_container = true;
    for (const Cand& c : m) {
      if (c.kind == Kind::kForeign) {
        any_foreign = true;
        if (!container(c)) foreign_all_containers = false;
        const int cc = country_of(c);
        if (foreign_country >= 0 && foreign_country != cc) foreign_several = true;
        foreign_country = cc;
      } else if (c.kind == Kind::kFrance) {
        any_france = true;
        french_has_container = true;
      } else {
        any_french_place = true;
      }
    }
  }
  const double base = BaseConfidence(kind);
  const double content_factor = content > 0 ? 0.85 : 1.0;
  if (!any_french_place && !any_france && !any_foreign) return Place{};
  if (any_foreign) {
    const bool french_is_homonym = (any_french_place && !french_has_container && foreign_all_containers);
    if ((!any_french_place && !any_france) || french_is_homonym) {
      if (foreign_several) {
        out.ambiguous = true;
        return out;
      }
      out.country = codes[static_cast<std::size_t>(foreign_country)];
      out.confidence = base * 0.9 * content_factor * (only_weak ? 0.8 : 1.0);
      return out;
    }
    // French and foreign places side by side: nothing can be said
    out.ambiguous = true;
    return out;
  }
  out.country = codes[fr_code];
  if (!any_french_place) {
    out.confidence = base * 0.7 * content_factor;
    return out;
  }
  // Votes: each match supports the départements it is compatible with
  const std::size_t nd = deps.size();
  thread_local std::vector<std::uint32_t> support;
  thread_local std::vector<std::uint64_t> mask;
  thread_local std::vector<std::uint32_t> pop;
  thread_local std::vector<std::uint16_t> tmp;
  support.assign(nd, 0);
  mask.assign(nd, 0);
  pop.assign(nd, 0);
  for (std::size_t k = 0; k < s.matches.size(); ++k) {
    const auto& m = s.matches[k];
    if (!m.accepted) continue;
    tmp.clear();
    for (const Cand& c : m) {
      if (c.kind == Kind::kCommune)
        pop[communes[c.idx].dep] = std::max(pop[communes[c.idx].dep], communes[c.idx].pop_k);
      DepsOf(c, &tmp);
    }
    for (auto d : tmp) {
      if (mask[d] & (std::uint64_t{1} << k)) continue;
      mask[d] |= std::uint64_t{1} << k;
      ++support[d];
    }
  }
  std::uint32_t best = 0;
  for (auto v : support) best = std::max(best, v);
  tmp.clear();
  for (std::size_t d = 0; d < nd; ++d)
    if (support[d] == best && best > 0) tmp.push_back(static_cast<std::uint16_t>(d));
  auto set_dep = [&](std::uint16_t d, double factor) {
    out.departement = deps[d].code;
    out.region = regions[deps[d].region].name;
    out.confidence = base * factor * content_factor * (only_weak ? 0.8 : 1.0);
  };
  if (tmp.size() == 1) {
    // a place that does not fit the winner ("Marseille, Aix, Toulon"): several places are named, and
    // only what they share is said — their région, else nothing
    std::uint64_t voters = 0, region_voters = 0;
    const auto win_region = deps[tmp[0]].region;
    for (std::size_t d = 0; d < nd; ++d) {
      voters |= mask[d];
      if (deps[d].region == win_region) region_voters |= mask[d];
    }
    if ((voters & ~mask[tmp[0]]) == 0) {
      set_dep(tmp[0], best >= 2 ? 1.0 : 0.95);
      return out;
    }
    if (region_voters == voters) {
      out.region = regions[win_region].name;
      out.confidence = base * 0.9 * content_factor * (only_weak ? 0.8 : 1.0);
      return out;
    }
    out.ambiguous = true;
    out.confidence = base * 0.5 * content_factor;
    return out;
  }
  const bool same_votes = std::all_of(tmp.begin(), tmp.end(), [&](std::uint16_t d) { return mask[d] == mask[tmp[0]]; });
  if (same_votes) {  // one name, several places: a much larger homonym wins alone
    std::uint16_t top = tmp[0];
    std::uint32_t second = 0;
    for (auto d : tmp)
      if (pop[d] > pop[top]) top = d;
    for (auto d : tmp)
      if (d != top) second = std::max(second, pop[d]);
    if (pop[top] > 0 && static_cast<double>(pop[top]) >= kHomonymRatio * std::max<std::uint32_t>(second, 1) &&
        second > 0) {
      set_dep(top, 0.75);
      return out;
    }
    if (pop[top] > 0 && second == 0) {
      // a commune and places without communes (a région listing it): the commune
      bool communes_only_here = true;
      for (auto d : tmp)
        if (d != top && pop[d] > 0) communes_only_here = false;
      if (communes_only_here) {
        set_dep(top, 0.9);
        return out;
      }
    }
  }
  const auto r0 = deps[tmp[0]].region;
  if (std::all_of(tmp.begin(), tmp.end(), [&](std::uint16_t d) { return deps[d].region == r0; })) {
    out.region = regions[r0].name;
    out.confidence = base * 0.9 * content_factor * (only_weak ? 0.8 : 1.0);
    return out;
  }
  out.ambiguous = true;
  out.confidence = base * 0.5 * content_factor;  // for the country alone
  return out;
}

Place Gazetteer::Impl::Point(double lat, double lon, Evidence kind) const {
  Place out;
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return out;
  thread_local std::vector<double> dist;
  dist.resize(seeds.size());
  const Seed* best = nullptr;
  double best_d = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < seeds.size(); ++k) {
    dist[k] = DistanceKm(lat, lon, seeds[k].lat, seeds[k].lon);
    if (dist[k] < best_d) {
      best_d = dist[k];
      best = &seeds[k];
    }
  }
  if (!best || best_d > best->radius_km) return out;
  // the nearest seed with another answer: the closer it is, the lower the confidence
  double other = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < seeds.size(); ++k) {
    const Seed& sd = seeds[k];
    const bool same = sd.french == best->french &&
                      (sd.french ? sd.idx == best->idx : foreign[sd.idx].country == foreign[best->idx].country);
    if (!same) other = std::min(other, dist[k]);
  }
  const double r = std::isinf(other) ? 0 : best_d / std::max(other, 1e-9);
  out.evidence = kind;
  out.confidence = BaseConfidence(kind) * (1.0 - 0.5 * r);
  if (best->french) {
    const Dep& d = deps[best->idx];
    out.departement = d.code;
    out.region = regions[d.region].name;
    out.country = codes[fr_code];
  } else {
    out.country = codes[foreign[best->idx].country];
  }
  return out;
}

// -----------------------------------------------------------------------------------------------

std::string_view EvidenceName(Evidence e) {
  switch (e) {
    case Evidence::kGeotag:
      return "geotag";
    case Evidence::kPlace:
      return "place";
    case Evidence::kProfile:
      return "profile";
    case Evidence::kDateline:
      return "dateline";
    default:
      return "none";
  }
}

std::optional<Evidence> ParseEvidence(std::string_view name) {
  for (auto e : {Evidence::kNone, Evidence::kDateline, Evidence::kProfile, Evidence::kPlace, Evidence::kGeotag})
    if (EvidenceName(e) == name) return e;
  return std::nullopt;
}

std::string_view DatelineOf(std::string_view text) {
  std::size_t b = 0;
  while (b < text.size() && (text[b] == ' ' || text[b] == '\t' || text[b] == '\n' || text[b] == '\r')) ++b;
  text = text.substr(b, 100);
  text = text.substr(0, text.find('\n'));
  // the place ends at "(", a spaced dash (- – —) or a colon
  std::size_t end = text.size();
  bool marked = false;
  for (std::string_view m : {" (", "(", " - ", " \xE2\x80\x93", " \xE2\x80\x94", ":"}) {
    const auto at = text.find(m);
    if (at != std::string_view::npos && at < end) {
      end = at;
      marked = true;
    }
  }
  if (!marked || end == 0) return {};
  std::string_view place = text.substr(0, end);
  place = place.substr(0, place.find(','));  // "Marseille, 12 mars"
  while (!place.empty() && place.back() == ' ') place.remove_suffix(1);
  if (place.empty()) return {};
  // one to five words, each opening with a capital (ASCII or a UTF-8 lead byte) and no digits
  std::size_t words = 0;
  bool start = true;
  for (std::size_t i = 0; i < place.size(); ++i) {
    const auto c = static_cast<unsigned char>(place[i]);
    if (c >= '0' && c <= '9') return {};
    if (c == ' ' || c == '-' || c == '\'') {
      start = true;
      continue;
    }
    if (start) {
      ++words;
      const bool capital = (c >= 'A' && c <= 'Z') || c >= 0xC3;
      const std::string_view w = place.substr(i, 3);
      const bool particle = w == "sur" || w == "en-" || w == "en " || w == "de " || w == "du " || w == "la " ||
                            w == "le " || w == "les" || w == "l'" || w == "d'" || w == "aux" || w == "lès";
      if (!capital && !particle) return {};
      start = false;
    }
  }
  if (words == 0 || words > 6) return {};
  return place;
}

Place Gazetteer::ResolveDateline(std::string_view article_text) const {
  const auto place = DatelineOf(article_text);
  if (place.empty()) return Place{};
  return impl_->Resolve(place, Evidence::kDateline);
}

std::string FoldPlaceText(std::string_view text) {
  std::string out;
  std::vector<Token> toks;
  Folder f(&out, &toks);
  f.Run(text);
  return out;
}

std::optional<std::pair<double, double>> ParseLatLon(std::string_view text) {
  std::string t(text);
  for (char& c : t)
    if (c == ',' || c == ';') c = ' ';
  char* end = nullptr;
  const char* p = t.c_str();
  while (*p == ' ' || *p == '\t') ++p;
  if (!*p) return std::nullopt;
  const double lat = std::strtod(p, &end);
  if (end == p) return std::nullopt;
  const std::string_view a(p, static_cast<std::size_t>(end - p));
  p = end;
  while (*p == ' ' || *p == '\t') ++p;
  const double lon = std::strtod(p, &end);
  if (end == p) return std::nullopt;
  const std::string_view b(p, static_cast<std::size_t>(end - p));
  p = end;
  while (*p == ' ' || *p == '\t') ++p;
  if (*p) return std::nullopt;
  auto plain = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+'; });
  };
  if (!plain(a) || !plain(b)) return std::nullopt;
  if (a.find('.') == std::string_view::npos && b.find('.') == std::string_view::npos) return std::nullopt;
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return std::nullopt;
  return std::make_pair(lat, lon);
}

Gazetteer::Gazetteer() : impl_(std::make_unique<Impl>()) {}
Gazetteer::~Gazetteer() = default;

const Gazetteer& Gazetteer::Builtin() {
  static const std::unique_ptr<Gazetteer> g = [] {
    std::vector<std::pair<std::string, std::string>> files;
    for (std::size_t i = 0; i < detail::kEmbeddedGeoCount; ++i)
      files.emplace_back(detail::kEmbeddedGeo[i].name, detail::kEmbeddedGeo[i].text);
    return FromCsv(files);
  }();
  return *g;
}

std::unique_ptr<Gazetteer> Gazetteer::FromCsv(const std::vector<std::pair<std::string, std::string>>& files) {
  std::unique_ptr<Gazetteer> g(new Gazetteer());
  g->impl_->Load(files);
  return g;
}

Place Gazetteer::Resolve(std::string_view text, Evidence kind) const { return impl_->Resolve(text, kind); }

Place Gazetteer::ResolvePoint(double lat, double lon, Evidence kind) const { return impl_->Point(lat, lon, kind); }

Place Gazetteer::ResolvePlace(std::string_view full_name, std::string_view country_code) const {
  std::string cc(country_code);
  for (char& c : cc) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // French overseas places carry their own ISO codes
  static const std::pair<std::string_view, std::string_view> kOverseas[] = {
      {"GP", "971"}, {"MQ", "972"}, {"GF", "973"}, {"RE", "974"}, {"YT", "976"}, {"PM", "975"},
      {"BL", "977"}, {"MF", "978"}, {"WF", "986"}, {"PF", "987"}, {"NC", "988"}};
  for (const auto& [iso, dep] : kOverseas) {
    if (cc == iso) {
      Place p;
      const auto it = impl_->dep_by_code.find(std::string(dep));
      if (it == impl_->dep_by_code.end()) return p;
      const Dep& d = impl_->deps[it->second];
      p.departement = d.code;
      p.region = impl_->regions[d.region].name;
      p.country = impl_->codes[impl_->fr_code];
      p.evidence = Evidence::kPlace;
      p.confidence = BaseConfidence(Evidence::kPlace);
      return p;
    }
  }
  if (cc.size() == 2 && cc != "FR" && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z') {
    Place p;
    p.country = impl_->codes[Impl::CodeIndex(cc)];
    p.evidence = Evidence::kPlace;
    p.confidence = BaseConfidence(Evidence::kPlace);
    return p;
  }
  Place p = impl_->Resolve(full_name, Evidence::kPlace);
  if (cc == "FR" && (p.country.empty() || p.country != "FR")) {
    p = Place{};
    p.country = impl_->codes[impl_->fr_code];
    p.evidence = Evidence::kPlace;
    p.confidence = BaseConfidence(Evidence::kPlace) * 0.9;
  }
  return p;
}

std::string_view Gazetteer::RegionOf(std::string_view departement) const {
  const auto it = impl_->dep_by_code.find(std::string(departement));
  if (it == impl_->dep_by_code.end()) return {};
  return impl_->regions[impl_->deps[it->second].region].name;
}

std::vector<std::string_view> Gazetteer::Departements() const {
  std::vector<std::string_view> out;
  for (const auto& d : impl_->deps)
    if (!d.collectivite) out.push_back(d.code);
  return out;
}

std::vector<std::string_view> Gazetteer::Regions() const {
  std::vector<std::string_view> out;
  for (const auto& r : impl_->regions)
    if (!r.code.empty()) out.push_back(r.name);
  return out;
}

GazetteerStats Gazetteer::Stats() const {
  GazetteerStats s;
  for (const auto& d : impl_->deps) (d.collectivite ? s.collectivites : s.departements)++;
  for (const auto& r : impl_->regions) s.regions += !r.code.empty();
  s.communes = impl_->communes.size();
  s.foreign = impl_->foreign.size();
  s.names = impl_->keys.size();
  return s;
}

}  // namespace relais::corpora::geo
