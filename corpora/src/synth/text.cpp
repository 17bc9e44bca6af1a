// Synthetic French text (accents, elisions l'/d'/qu', lexicalised forms), English for the head of state,
// edits of copied text, and the small encoders the writers need (JSON, XML, Windows-1252).
#include <algorithm>

#include "synth_internal.hpp"

namespace relais::corpora::detail {
namespace {

struct Noun {
  const char* word;
  bool fem;
};
const Noun kNouns[] = {
    {"gouvernement", false}, {"ministre", false},    {"région", true},      {"mairie", true},
    {"projet", false},       {"entreprise", true},   {"hôpital", false},    {"école", true},
    {"élection", true},      {"réforme", true},      {"budget", false},     {"été", false},
    {"hiver", false},        {"emploi", false},      {"usine", true},       {"association", true},
    {"économie", true},      {"sécurité", true},     {"santé", true},       {"vaccin", false},
    {"épidémie", true},      {"autoroute", true},    {"tramway", false},    {"agriculteur", false},
    {"commune", true},       {"département", false}, {"préfet", false},     {"député", false},
    {"sénateur", false},     {"syndicat", false},    {"grève", true},       {"manifestation", true},
    {"chantier", false},     {"festival", false},    {"théâtre", false},    {"musée", false},
    {"équipe", true},        {"match", false},       {"club", false},       {"stade", false},
    {"incendie", false},     {"tempête", true},      {"inondation", true},  {"enquête", true},
    {"tribunal", false},     {"procès", false},      {"accord", false},     {"aéroport", false},
    {"gare", true},          {"logement", false},    {"immeuble", false},   {"quartier", false},
    {"lycée", false},        {"université", true},   {"étudiant", false},   {"salarié", false},
    {"habitant", false},     {"élu", false},         {"opposition", true},  {"majorité", true},
    {"conseil", false},      {"piscine", true},      {"médiathèque", true}, {"forêt", true},
    {"littoral", false},     {"vignoble", false},    {"récolte", true},     {"pêcheur", false},
    {"commerçant", false},   {"marché", false},      {"boulangerie", true}, {"collège", false},
    {"infirmière", true},    {"pompier", false},     {"gendarmerie", true}, {"candidat", false},
    {"sondage", false},      {"loi", true},          {"décret", false},     {"couvre-feu", false},
    {"confinement", false},  {"aide", true},         {"subvention", true},  {"investissement", false},
    {"industrie", true},     {"chômage", false},     {"retraite", true},    {"énergie", true},
};
struct Adjective {
  const char* masc;
  const char* fem;
};
const Adjective kAdjectives[] = {
    {"régional", "régionale"},
    {"économique", "économique"},
    {"public", "publique"},
    {"local", "locale"},
    {"important", "importante"},
    {"historique", "historique"},
    {"sanitaire", "sanitaire"},
    {"européen", "européenne"},
    {"municipal", "municipale"},
    {"social", "sociale"},
    {"difficile", "difficile"},
    {"inédit", "inédite"},
    {"élevé", "élevée"},
    {"prévu", "prévue"},
    {"annoncé", "annoncée"},
    {"contesté", "contestée"},
    {"fragile", "fragile"},
    {"écologique", "écologique"},
    {"énergétique", "énergétique"},
    {"nouveau", "nouvelle"},
    {"exceptionnel", "exceptionnelle"},
    {"départemental", "départementale"},
    {"coûteux", "coûteuse"},
    {"très attendu", "très attendue"},
};
const char* const kVerbs[] = {"annonce",  "présente", "dénonce",  "prépare",  "lance",    "soutient", "critique",
                              "inaugure", "réclame",  "confirme", "dévoile",  "examine",  "accélère", "suspend",
                              "défend",   "finance",  "organise", "rejette",  "attend",   "évoque",   "prolonge",
                              "reporte",  "modifie",  "négocie",  "approuve", "conteste", "relance",  "célèbre"};
const char* const kTimes[] = {"aujourd'hui",
                              "ce matin",
                              "cette semaine",
                              "lundi",
                              "mardi soir",
                              "dès l'été prochain",
                              "jusqu'à la fin de l'année",
                              "d'ici l'hiver",
                              "depuis l'automne",
                              "en fin de journée",
                              "à la mi-janvier",
                              "avant l'été",
                              "vendredi dernier",
                              "dans les prochains jours"};
const char* const kPlaces[] = {"Lyon",    "Dijon",    "Rennes",   "Orléans",  "Ajaccio",   "Strasbourg",  "Lille",
                               "Paris",   "Rouen",    "Bordeaux", "Toulouse", "Nantes",    "Marseille",   "Brest",
                               "Limoges", "Amiens",   "Nice",     "Toulon",   "Perpignan", "Quimper",     "Évreux",
                               "Angers",  "Besançon", "Metz",     "Nancy",    "Avignon",   "Montpellier", "Île-de-Ré"};
const char* const kOpeners[] = {"D'après", "Selon", "Pour", "Face à", "À la demande de", "Malgré", "Avec", "Après"};
const char* const kFixed[] = {
    "Il s'agit d'une première pour la commune.",
    "L'opposition dénonce un projet trop coûteux.",
    "Aujourd'hui, personne ne sait qu'en penser.",
    "Quelqu'un l'a résumé ainsi : « c'est inédit ».",
    "Les habitants de la presqu'île attendent des réponses.",
    "Jusqu'à présent, l'État n'a rien confirmé.",
    "L'été dernier, la situation était déjà tendue.",
    "Qu'il s'agisse d'emploi ou de logement, l'enjeu est réel.",
    "L'élu assure qu'elle sera « prête à temps ».",
    "Le coût s'élève à plusieurs millions d'euros.",
};
const char* const kHashtags[] = {"réforme",   "municipales", "COVID19",     "vaccination", "grève",  "économie",
                                 "Bretagne",  "Marseille",   "climat",      "santé",       "école",  "sécurité",
                                 "retraites", "énergie",     "agriculture", "culture",     "emploi", "Europe"};
const char* const kEmoji[] = {"🔴", "👉", "📢", "🇫🇷", "😡", "👏", "🙏", "⚠️", "💪", "🤔", "😂", "❤️"};
const char* const kPostOpeners[] = {"Bravo à", "Honte à",    "Merci à",          "Incroyable :",  "À lire :",
                                    "Enfin !", "Scandale :", "Bonne nouvelle :", "On en parle ?", "Quelle journée :"};
const char* const kEnglish[] = {"We are working very hard for our great nation.",
                                "Tremendous support from the people, thank you!",
                                "The economy is doing better than ever before.",
                                "Big meeting today with leaders from around the world.",
                                "We will never give up, never!",
                                "Great news for our farmers and our workers.",
                                "The election results must be respected.",
                                "Our country is stronger than ever.",
                                "Thank you to the great people of the heartland.",
                                "Many people are saying it is the best plan ever.",
                                "Jobs, jobs, jobs. Record numbers!",
                                "A very important day for our country."};
const char* const kFiller[] = {"notamment", "également", "désormais",  "toutefois", "encore",
                               "déjà",      "surtout",   "finalement", "plutôt",    "vraiment"};

bool StartsWithVowel(std::string_view w) {
  static const char* const kV[] = {"a", "e", "i", "o", "u", "h", "é", "è", "ê", "à", "â", "î", "ô", "û", "É", "Î"};
  for (const char* v : kV)
    if (w.rfind(v, 0) == 0) return true;
  return false;
}

void AppendDet(std::string& s, const Noun& n, int det) {
  bool v = StartsWithVowel(n.word);
  switch (det) {
    case 0:
      s += v ? "l'" : (n.fem ? "la " : "le ");
      break;  // definite
    case 1:
      s += v ? "de l'" : (n.fem ? "de la " : "du ");
      break;  // of
    case 2:
      s += v ? "à l'" : (n.fem ? "à la " : "au ");
      break;  // to
    case 3:
      s += n.fem ? "une " : "un ";
      break;  // indefinite
    default:
      s += v ? (n.fem ? "cette " : "cet ") : (n.fem ? "cette " : "ce ");
      break;
  }
  s += n.word;
}

struct Topic {
  std::array<int, 10> nouns{};
  int place = 0;
  int hashtag = 0;
};
Topic MakeTopic(std::uint64_t topic) {
  Rng rng(Key(topic, 77));
  Topic t;
  for (int& n : t.nouns) n = static_cast<int>(rng.Below(std::size(kNouns)));
  t.place = static_cast<int>(rng.Below(std::size(kPlaces)));
  t.hashtag = static_cast<int>(rng.Below(std::size(kHashtags)));
  return t;
}
const Noun& PickNoun(Rng& rng, const Topic& t) {
  if (rng.Bernoulli(0.7)) return kNouns[t.nouns[rng.Below(t.nouns.size())]];
  return kNouns[rng.Below(std::size(kNouns))];
}

void Capitalize(std::string& s, std::size_t from) {
  if (from >= s.size()) return;
  unsigned char c = static_cast<unsigned char>(s[from]);
  if (c >= 'a' && c <= 'z') {
    s[from] = static_cast<char>(c - 32);
    return;
  }
  // Two-byte lower-case accents é à è → É À È.
  if (c == 0xC3 && from + 1 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[from + 1]);
    if (d >= 0xA0 && d <= 0xBE) s[from + 1] = static_cast<char>(d - 0x20);
  }
}

void AppendNounPhrase(std::string& s, Rng& rng, const Topic& t, int det) {
  const Noun& n = PickNoun(rng, t);
  AppendDet(s, n, det);
  if (rng.Bernoulli(0.45)) {
    const Adjective& a = kAdjectives[rng.Below(std::size(kAdjectives))];
    s += ' ';
    s += n.fem ? a.fem : a.masc;
  }
}

void AppendSentence(std::string& s, Rng& rng, const Topic& t) {
  std::size_t begin = s.size();
  switch (rng.Below(6)) {
    case 0: {
      s += kOpeners[rng.Below(std::size(kOpeners))];
      s += ' ';
      AppendNounPhrase(s, rng, t, 0);
      s += ", ";
      AppendNounPhrase(s, rng, t, 0);
      s += ' ';
      s += kVerbs[rng.Below(std::size(kVerbs))];
      s += ' ';
      AppendNounPhrase(s, rng, t, 3);
      s += ' ';
      s += kTimes[rng.Below(std::size(kTimes))];
      break;
    }
    case 1: {
      AppendNounPhrase(s, rng, t, 0);
      s += " estime qu'il ";
      s += kVerbs[rng.Below(std::size(kVerbs))];
      s += ' ';
      AppendNounPhrase(s, rng, t, 0);
      s += " à ";
      s += kPlaces[t.place];
      break;
    }
    case 2: {
      s += kFixed[rng.Below(std::size(kFixed))];
      return;
    }
    default: {
      AppendNounPhrase(s, rng, t, 0);
      s += ' ';
      AppendNounPhrase(s, rng, t, 1);
      s += ' ';
      s += kVerbs[rng.Below(std::size(kVerbs))];
      s += ' ';
      AppendNounPhrase(s, rng, t, rng.Bernoulli(0.5) ? 0 : 4);
      if (rng.Bernoulli(0.5)) {
        s += " à ";
        s += kPlaces[rng.Bernoulli(0.8) ? t.place : static_cast<int>(rng.Below(std::size(kPlaces)))];
      }
      s += ' ';
      s += kTimes[rng.Below(std::size(kTimes))];
      break;
    }
  }
  Capitalize(s, begin);
  s += '.';
}

std::size_t CountWords(std::string_view s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), ' ')) + 1; }

std::string StripAccents(std::string_view w) {
  static const std::pair<const char*, const char*> kMap[] = {{"é", "e"}, {"è", "e"}, {"ê", "e"}, {"à", "a"},
                                                             {"â", "a"}, {"î", "i"}, {"ô", "o"}, {"û", "u"},
                                                             {"ç", "c"}, {"É", "E"}};
  std::string out;
  for (std::size_t i = 0; i < w.size();) {
    bool done = false;
    for (const auto& [from, to] : kMap) {
      std::string_view f(from);
      if (w.substr(i, f.size()) == f) {
        out += to;
        i += f.size();
        done = true;
        break;
      }
    }
    if (!done) out += w[i++];
  }
  return out;
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size() + 16);
  std::size_t pos = 0;
  while (true) {
    std::size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(s, pos);
  s.swap(out);
}

}  // namespace

std::string ArticleBody(std::uint64_t seed, std::uint64_t topic, int min_words, int max_words) {
  Rng rng(seed);
  Topic t = MakeTopic(topic);
  std::size_t target =
      static_cast<std::size_t>(min_words + rng.Below(static_cast<std::uint64_t>(max_words - min_words + 1)));
  std::string s;
  s.reserve(target * 8);
  std::size_t words = 0, in_par = 0;
  while (words < target) {
    if (!s.empty()) s += in_par >= 3 ? "\n\n" : " ";
    if (in_par >= 3) in_par = 0;
    std::size_t before = s.size();
    AppendSentence(s, rng, t);
    words += CountWords(std::string_view(s).substr(before));
    ++in_par;
  }
  return s;
}

std::string Headline(std::uint64_t seed, std::uint64_t topic) {
  Rng rng(seed ^ 0x4eadULL);
  Topic t = MakeTopic(topic);
  std::string s;
  const Noun& n = PickNoun(rng, t);
  s += n.word;
  Capitalize(s, 0);
  s += " : ";
  std::size_t b = s.size();
  AppendNounPhrase(s, rng, t, 0);
  Capitalize(s, b);
  s += ' ';
  s += kVerbs[rng.Below(std::size(kVerbs))];
  s += ' ';
  AppendNounPhrase(s, rng, t, 3);
  s += " à ";
  s += kPlaces[t.place];
  return s;
}

TextPiece PostText(std::uint64_t seed, std::uint64_t topic, bool english, int max_words) {
  Rng rng(seed ^ 0x9057ULL);
  Topic t = MakeTopic(topic);
  TextPiece p;
  if (english) {
    p.text = kEnglish[rng.Below(std::size(kEnglish))];
    if (rng.Bernoulli(0.5)) {
      p.text += ' ';
      p.text += kEnglish[rng.Below(std::size(kEnglish))];
    }
    return p;
  }
  if (rng.Bernoulli(0.3)) {
    p.text += kPostOpeners[rng.Below(std::size(kPostOpeners))];
    p.text += ' ';
  }
  std::size_t b = p.text.size();
  AppendSentence(p.text, rng, t);
  Capitalize(p.text, b);
  while (static_cast<int>(CountWords(p.text)) > max_words) {
    auto cut = p.text.rfind(' ');
    if (cut == std::string::npos) break;
    p.text.resize(cut);
  }
  if (rng.Bernoulli(0.45)) {
    std::string tag = kHashtags[rng.Bernoulli(0.7) ? t.hashtag : rng.Below(std::size(kHashtags))];
    p.text += " #" + tag;
    p.hashtags.push_back(tag);
  }
  if (rng.Bernoulli(0.35)) {
    p.text += ' ';
    p.text += kEmoji[rng.Below(std::size(kEmoji))];
  }
  return p;
}

std::string EditText(const std::string& source, std::uint64_t seed, Edit level, std::uint64_t topic) {
  Rng rng(seed ^ 0xed17ULL);
  std::string s = source;
  // Apostrophe variants: typographic in one newsroom, straight in another.
  if (rng.Bernoulli(0.5)) {
    if (s.find('\'') != std::string::npos) {
      ReplaceAll(s, "'", "’");
    } else {
      ReplaceAll(s, "’", "'");
    }
  }
  if (level == kVerbatim || level == kNoEdit) return s;
  const double sub = level == kLight ? 0.03 : 0.10, ins = level == kLight ? 0.02 : 0.05;
  const double cut = level == kLight ? 0.10 : 0.40, accent = level == kLight ? 0.02 : 0.06;
  // Split on spaces (paragraph breaks stay inside tokens).
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t sp = s.find(' ', pos);
    if (sp == std::string::npos) sp = s.size();
    words.emplace_back(s, pos, sp - pos);
    pos = sp + 1;
  }
  std::size_t keep =
      words.size() - static_cast<std::size_t>(static_cast<double>(words.size()) * cut * (0.6 + 0.8 * rng.Uniform()));
  keep = std::max<std::size_t>(keep, std::min<std::size_t>(words.size(), 12));
  words.resize(keep);
  Topic t = MakeTopic(topic);
  std::string out;
  out.reserve(s.size() + 64);
  if (level == kHeavy) {
    AppendSentence(out, rng, t);  // the newsroom's own lead
    out += "\n\n";
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += ' ';
    std::string w = words[i];
    bool plain = !w.empty() && w.find('\n') == std::string::npos && std::isalpha(static_cast<unsigned char>(w.back()));
    if (plain && rng.Bernoulli(sub)) {
      const Noun& n = kNouns[rng.Below(std::size(kNouns))];
      w = n.word;
    } else if (rng.Bernoulli(accent)) {
      w = StripAccents(w);
    }
    out += w;
    if (plain && rng.Bernoulli(ins)) {
      out += ' ';
      out += kFiller[rng.Below(std::size(kFiller))];
    }
  }
  if (!out.empty() && out.back() != '.') out += '.';
  return out;
}

std::string AuthorName(std::uint64_t seed) {
  static const char* const kFirst[] = {"Marie",  "Jean", "Claire",  "Pierre", "Sophie", "Nicolas", "Élodie",
                                       "Thomas", "Léa",  "Antoine", "Hélène", "Loïc",   "Agnès",   "Rémi"};
  static const char* const kLast[] = {"Martin",   "Dubois",  "Lefèvre", "Moreau", "Girard", "Mercier", "Guérin",
                                      "Rousseau", "Le Gall", "Quéré",   "Faure",  "Perrin", "Clément", "Roux"};
  Rng rng(seed ^ 0xa7ULL);
  return std::string(kFirst[rng.Below(std::size(kFirst))]) + " " + kLast[rng.Below(std::size(kLast))];
}

std::string Slugify(std::string_view title, std::size_t max_len) {
  std::string folded = StripAccents(title);
  std::string out;
  for (unsigned char c : folded) {
    if (std::isalnum(c) && c < 0x80) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
    if (out.size() >= max_len) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

namespace {
// Decodes one UTF-8 code point at s[i]; returns its length (1 for an invalid byte, cp set to 0xFFFD).
std::size_t DecodeUtf8(std::string_view s, std::size_t i, std::uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    *cp = 0xFFFD;
    return 1;
  }
  std::uint32_t v = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (int k = 1; k < len; ++k) v = (v << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *cp = v;
  return static_cast<std::size_t>(len);
}
}  // namespace

bool Utf8ToCp1252(std::string_view in, std::string* out) {
  static const std::pair<std::uint32_t, unsigned char> kHigh[] = {
      {0x20AC, 0x80}, {0x2026, 0x85}, {0x2018, 0x91}, {0x2019, 0x92}, {0x201C, 0x93}, {0x201D, 0x94},
      {0x2013, 0x96}, {0x2014, 0x97}, {0x0152, 0x8C}, {0x0153, 0x9C}, {0x0178, 0x9F}};
  out->clear();
  for (std::size_t i = 0; i < in.size();) {
    std::uint32_t cp;
    i += DecodeUtf8(in, i, &cp);
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
      out->push_back(static_cast<char>(cp));
      continue;
    }
    bool ok = false;
    for (const auto& [u, b] : kHigh) {
      if (u == cp) {
        out->push_back(static_cast<char>(b));
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void AppendXmlEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace relais::corpora::detail
