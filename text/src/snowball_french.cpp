// The Snowball French stemmer (snowballstem.org's algorithm, step for step), on code points. Snowball's
// backward-mode operations become suffix tests on the word: "R2 delete" means "the suffix starts at or
// after p2, remove it", and so on. Upper-case I U Y H are the prelude's markers, as in Snowball.
#include "detail/snowball_french.hpp"

#include <array>
#include <initializer_list>
#include <string_view>

namespace relais::text::detail {
namespace {

using Sv = std::u32string_view;

bool IsVowel(char32_t c) {
  switch (c) {
    case U'a':
    case U'e':
    case U'i':
    case U'o':
    case U'u':
    case U'y':
    case U'â':
    case U'à':
    case U'ë':
    case U'é':
    case U'ê':
    case U'è':
    case U'ï':
    case U'î':
    case U'ô':
    case U'û':
    case U'ù':
      return true;
    default:
      return false;
  }
}

// The state of one stemming: the word, its regions, and the backward limit of a `setlimit tomark pV`.
class Stemmer {
 public:
  Stemmer(std::u32string& w, SnowballRules rules) : w_(w), rules_(rules) {}

  void Run() {
    if (rules_.current) RemoveElision();
    Prelude();
    MarkRegions();
    if (StandardSuffix() || IVerbSuffix() || VerbSuffix()) {
      if (!w_.empty() && w_.back() == U'Y')
        w_.back() = U'i';
      else if (!w_.empty() && w_.back() == U'ç')
        w_.back() = U'c';
    } else {
      ResidualSuffix();
    }
    UnDouble();
    UnAccent();
    Postlude();
  }

 private:
  std::size_t Size() const { return w_.size(); }
  bool Ends(Sv s) const { return w_.size() >= s.size() && Sv(w_).substr(w_.size() - s.size()) == s; }
  // Start of suffix s if the word ends with it.
  std::size_t StartOf(Sv s) const { return w_.size() - s.size(); }
  // The longest of `list` the word ends with, starting at or after `limit`; empty if none.
  Sv Among(std::initializer_list<Sv> list, std::size_t limit = 0) const {
    Sv best;
    bool found = false;
    if (w_.empty()) return best;
    const char32_t last = w_.back();
    for (Sv s : list) {
      if (s.empty() || s.back() != last) continue;
      if ((!found || s.size() > best.size()) && Ends(s) && StartOf(s) >= limit) {
        best = s;
        found = true;
      }
    }
    return found ? best : Sv();
  }
  void Cut(std::size_t n) { w_.resize(w_.size() - n); }
  void Replace(Sv suffix, Sv by) {
    Cut(suffix.size());
    w_.append(by);
  }
  bool InR1(Sv s) const { return StartOf(s) >= p1_; }
  bool InR2(Sv s) const { return StartOf(s) >= p2_; }
  bool InRV(Sv s) const { return StartOf(s) >= pv_; }

  // Snowball 3: an elided article or pronoun is removed first (l'avion → avion).
  void RemoveElision() {
    for (Sv prefix :
         {Sv(U"qu'"), Sv(U"c'"), Sv(U"d'"), Sv(U"j'"), Sv(U"l'"), Sv(U"m'"), Sv(U"n'"), Sv(U"s'"), Sv(U"t'")}) {
      if (w_.size() > prefix.size() && Sv(w_).substr(0, prefix.size()) == prefix) {
        w_.erase(0, prefix.size());
        return;
      }
    }
  }

  // u, i between vowels, y next to a vowel and u after q become the non-vowels U I Y; ë → He, ï → Hi.
  void Prelude() {
    std::size_t c = 0;
    while (c < w_.size())
      if (!PreludeAt(c)) ++c;
  }
  // Tries Snowball's prelude alternatives at position c; true if one changed the word. Snowball's `goto`
  // leaves the cursor where the match began, so the scan retries c after a change (every change turns a
  // letter into a marker, so this ends).
  bool PreludeAt(std::size_t c) {
    const auto at = [&](std::size_t i) { return i < w_.size() ? w_[i] : char32_t{0}; };
    if (IsVowel(at(c))) {
      const char32_t x = at(c + 1);
      if ((x == U'u' || x == U'i') && IsVowel(at(c + 2))) {
        w_[c + 1] = x == U'u' ? U'U' : U'I';
        return true;
      }
      if (x == U'y') {
        w_[c + 1] = U'Y';
        return true;
      }
    }
    if (at(c) == U'ë' || at(c) == U'ï') {
      w_[c] = at(c) == U'ë' ? U'e' : U'i';
      w_.insert(w_.begin() + static_cast<std::ptrdiff_t>(c), U'H');
      return true;
    }
    if (at(c) == U'y' && IsVowel(at(c + 1))) {
      w_[c] = U'Y';
      return true;
    }
    if (at(c) == U'q' && at(c + 1) == U'u') {
      w_[c + 1] = U'U';
      return true;
    }
    return false;
  }

  std::size_t GopastVowel(std::size_t c) const {
    while (c < w_.size() && !IsVowel(w_[c])) ++c;
    return c < w_.size() ? c + 1 : Npos();
  }
  std::size_t GopastNonVowel(std::size_t c) const {
    while (c < w_.size() && IsVowel(w_[c])) ++c;
    return c < w_.size() ? c + 1 : Npos();
  }
  static constexpr std::size_t Npos() { return static_cast<std::size_t>(-1); }

  void MarkRegions() {
    const std::size_t n = w_.size();
    pv_ = p1_ = p2_ = n;
    const Sv w(w_);
    if (rules_.current && n >= 3 && w.substr(0, 2) == U"ni" && IsVowel(w[2])) {
      pv_ = 3;  // Snowball 3: ni + vowel (nier, nié, niais) keeps its first three letters
    } else if (n >= 3 && IsVowel(w[0]) && IsVowel(w[1])) {
      pv_ = 3;
    } else if (n >= 3 && (w.substr(0, 3) == U"par" || w.substr(0, 3) == U"col" || w.substr(0, 3) == U"tap")) {
      pv_ = 3;
    } else if (n >= 1) {
      const std::size_t c = GopastVowel(1);
      if (c != Npos()) pv_ = c;
    }
    std::size_t c = GopastVowel(0);
    if (c != Npos()) c = GopastNonVowel(c);
    if (c == Npos()) return;
    p1_ = c;
    c = GopastVowel(c);
    if (c != Npos()) c = GopastNonVowel(c);
    if (c != Npos()) p2_ = c;
  }

  // Deletes the trailing "ic" (in R2) or makes it "iqU"; does nothing without it.
  void IcToIqu() {
    if (!Ends(U"ic")) return;
    if (InR2(U"ic"))
      Cut(2);
    else
      Replace(U"ic", U"iqU");
  }

  // Step 1. Returns false when nothing was removed, or for the -ment family (which goes on to step 2).
  bool StandardSuffix() {
    const Sv s =
        Among({U"ance",   U"iqUe",     U"isme",      U"able",   U"iste",   U"eux",     U"ances",  U"iqUes",  U"ismes",
               U"ables",  U"istes",    U"atrice",    U"ateur",  U"ation",  U"atrices", U"ateurs", U"ations", U"logie",
               U"logies", U"usion",    U"ution",     U"usions", U"utions", U"ence",    U"ences",  U"ement",  U"ements",
               U"ité",    U"ités",     U"if",        U"ive",    U"ifs",    U"ives",    U"eaux",   U"aux",    U"euse",
               U"euses",  U"issement", U"issements", U"amment", U"emment", U"ment",    U"ments",  U"oux"});
    if (s.empty()) return false;
    const auto is = [&](std::initializer_list<Sv> list) {
      for (Sv x : list)
        if (s == x) return true;
      return false;
    };
    if (is({U"ance", U"iqUe", U"isme", U"able", U"iste", U"eux", U"ances", U"iqUes", U"ismes", U"ables", U"istes"})) {
      if (!InR2(s)) return false;
      Cut(s.size());
      return true;
    }
    if (is({U"atrice", U"ateur", U"ation", U"atrices", U"ateurs", U"ations"})) {
      if (!InR2(s)) return false;
      Cut(s.size());
      IcToIqu();
      return true;
    }
    if (is({U"logie", U"logies"})) return InR2(s) && (Replace(s, U"log"), true);
    if (is({U"usion", U"ution", U"usions", U"utions"})) return InR2(s) && (Replace(s, U"u"), true);
    if (is({U"ence", U"ences"})) return InR2(s) && (Replace(s, U"ent"), true);
    if (is({U"ement", U"ements"})) {
      if (!InRV(s)) return false;
      Cut(s.size());
      AfterEment();
      return true;
    }
    if (is({U"ité", U"ités"})) {
      if (!InR2(s)) return false;
      Cut(s.size());
      AfterIte();
      return true;
    }
    if (is({U"if", U"ive", U"ifs", U"ives"})) {
      if (!InR2(s)) return false;
      Cut(s.size());
      if (Ends(U"at") && InR2(U"at")) {
        Cut(2);
        IcToIqu();
      }
      return true;
    }
    if (s == U"eaux") return Replace(s, U"eau"), true;
    if (s == U"aux") return InR1(s) && (Replace(s, U"al"), true);
    if (is({U"euse", U"euses"})) {
      if (InR2(s)) return Cut(s.size()), true;
      return InR1(s) && (Replace(s, U"eux"), true);
    }
    if (is({U"issement", U"issements"})) {
      const std::size_t b = StartOf(s);
      if (b < p1_ || b == 0 || IsVowel(w_[b - 1])) return false;
      Cut(s.size());
      return true;
    }
    if (s == U"amment" || s == U"emment") {
      if (InRV(s)) Replace(s, s == U"amment" ? Sv(U"ant") : Sv(U"ent"));
      return false;
    }
    if (is({U"ment", U"ments"})) {
      const std::size_t b = StartOf(s);
      if (b > 0 && IsVowel(w_[b - 1]) && b - 1 >= pv_) Cut(s.size());
      return false;
    }
    // s == "oux": Snowball 3 singularises the -x plurals of -ou nouns (bijoux → bijou) but not the
    // invariable -oux words (doux, courroux, sioux): the letter before must be a consonant other than d or r.
    if (!rules_.current) return false;
    const std::size_t b = StartOf(s);
    if (b == 0 || IsVowel(w_[b - 1]) || w_[b - 1] == U'd' || w_[b - 1] == U'r') return false;
    Cut(1);
    return true;
  }

  void AfterEment() {
    const Sv t = Among({U"iv", U"eus", U"abl", U"iqU", U"ièr", U"Ièr"});
    if (t == U"iv") {
      if (!InR2(t)) return;
      Cut(2);
      if (Ends(U"at") && InR2(U"at")) Cut(2);
    } else if (t == U"eus") {
      if (InR2(t))
        Cut(3);
      else if (InR1(t))
        Replace(t, U"eux");
    } else if (t == U"abl" || t == U"iqU") {
      if (InR2(t)) Cut(3);
    } else if (t == U"ièr" || t == U"Ièr") {
      if (InRV(t)) Replace(t, U"i");
    }
  }

  void AfterIte() {
    const Sv t = Among({U"abil", U"ic", U"iv"});
    if (t == U"abil") {
      if (InR2(t))
        Cut(4);
      else
        Replace(t, U"abl");
    } else if (t == U"ic") {
      IcToIqu();
    } else if (t == U"iv") {
      if (InR2(t)) Cut(2);
    }
  }

  // Step 2a: i-verb endings in RV, after a non-vowel (not H) also in RV.
  bool IVerbSuffix() {
    const Sv s = Among(
        {U"îmes",    U"ît",     U"îtes",     U"i",      U"ie",     U"ies",     U"ir",      U"ira",      U"irai",
         U"iraIent", U"irais",  U"irait",    U"iras",   U"irent",  U"irez",    U"iriez",   U"irions",   U"irons",
         U"iront",   U"is",     U"issaIent", U"issais", U"issait", U"issant",  U"issante", U"issantes", U"issants",
         U"isse",    U"issent", U"isses",    U"issez",  U"issiez", U"issions", U"issons",  U"it"},
        pv_);
    if (s.empty()) return false;
    const std::size_t b = StartOf(s);
    if (b == 0 || b - 1 < pv_ || w_[b - 1] == U'H' || IsVowel(w_[b - 1])) return false;
    Cut(s.size());
    return true;
  }

  // Snowball 3 keeps -ais after al and auv (palais, calais, mauvais), and -aise(s) after l and v (malaise,
  // déplaise, mauvaise), where they are no verb ending or nationality suffix.
  bool KeepsAis(Sv suffix) const {
    const Sv head = Sv(w_).substr(0, StartOf(suffix));
    const auto ends = [&](Sv x) { return head.size() >= x.size() && head.substr(head.size() - x.size()) == x; };
    if (suffix == U"ais") return ends(U"al") || ends(U"auv");
    return ends(U"l") || ends(U"v");
  }

  // Step 2b: other verb endings in RV.
  bool VerbSuffix() {
    const bool current = rules_.current;
    const Sv s = Among({U"ions",
                        U"é",
                        U"ée",
                        U"ées",
                        U"és",
                        U"èrent",
                        U"er",
                        U"era",
                        U"erai",
                        U"eraIent",
                        U"erais",
                        U"erait",
                        U"eras",
                        U"erez",
                        U"eriez",
                        U"erions",
                        U"erons",
                        U"eront",
                        U"ez",
                        U"iez",
                        U"âmes",
                        U"ât",
                        U"âtes",
                        U"a",
                        U"ai",
                        U"aIent",
                        U"ais",
                        U"ait",
                        U"ant",
                        U"ante",
                        U"antes",
                        U"ants",
                        U"as",
                        U"asse",
                        U"assent",
                        U"asses",
                        U"assiez",
                        U"assions",
                        current ? U"aise" : U"",
                        current ? U"aises" : U""},
                       pv_);
    if (s.empty()) return false;
    if (s == U"ions") return InR2(s) && (Cut(4), true);
    const bool a_group = s.front() == U'a' || s.front() == U'â';
    if (current && (s == U"ais" || s == U"aise" || s == U"aises") && KeepsAis(s)) return false;
    Cut(s.size());
    if (a_group && Ends(U"e") && StartOf(U"e") >= pv_) Cut(1);
    return true;
  }

  // Step 4, when steps 1 and 2 removed nothing.
  void ResidualSuffix() {
    if (Ends(U"s") && Size() >= 2) {
      const char32_t before = w_[Size() - 2];
      const bool hi = Size() >= 3 && before == U'i' && w_[Size() - 3] == U'H';
      const bool keep =
          before == U'a' || before == U'i' || before == U'o' || before == U'u' || before == U'è' || before == U's';
      if (hi || !keep) Cut(1);
    }
    const Sv s = Among({U"ion", U"ier", U"ière", U"Ier", U"Ière", U"e", U"ë"}, pv_);
    if (s.empty()) return;
    if (s == U"ion") {
      const std::size_t b = StartOf(s);
      if (b >= p2_ && b >= 1 && b - 1 >= pv_ && (w_[b - 1] == U's' || w_[b - 1] == U't')) Cut(3);
    } else if (s == U"e") {
      Cut(1);
    } else if (s == U"ë") {
      const std::size_t b = StartOf(s);
      if (b >= 2 && b - 2 >= pv_ && w_[b - 2] == U'g' && w_[b - 1] == U'u') Cut(1);
    } else {
      Replace(s, U"i");
    }
  }

  void UnDouble() {
    if (Ends(U"enn") || Ends(U"onn") || Ends(U"ett") || Ends(U"ell") || Ends(U"eill")) Cut(1);
  }

  // A final é or è followed only by (at least one) non-vowels becomes e.
  void UnAccent() {
    std::size_t i = w_.size();
    while (i > 0 && !IsVowel(w_[i - 1])) --i;
    if (i == w_.size() || i == 0) return;
    if (w_[i - 1] == U'é' || w_[i - 1] == U'è') w_[i - 1] = U'e';
  }

  void Postlude() {
    std::size_t out = 0;
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const char32_t c = w_[i];
      const char32_t next = i + 1 < w_.size() ? w_[i + 1] : 0;
      if (c == U'I') {
        w_[out++] = U'i';
      } else if (c == U'U') {
        w_[out++] = U'u';
      } else if (c == U'Y') {
        w_[out++] = U'y';
      } else if (c == U'H' && (next == U'e' || next == U'i')) {
        w_[out++] = next == U'e' ? U'ë' : U'ï';
        ++i;
      } else if (c != U'H') {
        w_[out++] = c;
      }
    }
    w_.resize(out);
  }

  std::u32string& w_;
  SnowballRules rules_;
  std::size_t pv_ = 0, p1_ = 0, p2_ = 0;
};

}  // namespace

void SnowballFrench(std::u32string& word, SnowballRules rules) { Stemmer(word, rules).Run(); }

}  // namespace relais::text::detail
