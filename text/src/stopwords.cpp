// Stop words: Snowball's French list (BSD-3-Clause, snowball-stem/snowball) and relais's list of social and
// press boilerplate. Both are looked up on case-folded tokens.
#include "relais/text/stopwords.hpp"

#include <algorithm>
#include <unordered_set>

#include "detail/unicode.hpp"

namespace relais::text {
namespace {

// Snowball French stop list, 154 words, in Snowball's order.
constexpr std::string_view kSnowballFrench[] = {
    "au",       "aux",     "avec",    "ce",     "ces",    "dans",    "de",       "des",     "du",       "elle",
    "en",       "et",      "eux",     "il",     "je",     "la",      "le",       "leur",    "lui",      "ma",
    "mais",     "me",      "même",    "mes",    "moi",    "mon",     "ne",       "nos",     "notre",    "nous",
    "on",       "ou",      "par",     "pas",    "pour",   "qu",      "que",      "qui",     "sa",       "se",
    "ses",      "sur",     "ta",      "te",     "tes",    "toi",     "ton",      "tu",      "un",       "une",
    "vos",      "votre",   "vous",    "c",      "d",      "j",       "l",        "à",       "m",        "n",
    "s",        "t",       "y",       "étée",   "étées",  "étant",   "suis",     "es",      "êtes",     "sont",
    "serai",    "seras",   "sera",    "serons", "serez",  "seront",  "serais",   "serait",  "serions",  "seriez",
    "seraient", "étais",   "était",   "étions", "étiez",  "étaient", "fus",      "fut",     "fûmes",    "fûtes",
    "furent",   "sois",    "soit",    "soyons", "soyez",  "soient",  "fusse",    "fusses",  "fussions", "fussiez",
    "fussent",  "ayant",   "eu",      "eue",    "eues",   "eus",     "ai",       "avons",   "avez",     "ont",
    "aurai",    "aurons",  "aurez",   "auront", "aurais", "aurait",  "aurions",  "auriez",  "auraient", "avais",
    "avait",    "aviez",   "avaient", "eut",    "eûmes",  "eûtes",   "eurent",   "aie",     "aies",     "ait",
    "ayons",    "ayez",    "aient",   "eusse",  "eusses", "eût",     "eussions", "eussiez", "eussent",  "ceci",
    "cela",     "celà",    "cet",     "cette",  "ici",    "ils",     "les",      "leurs",   "quel",     "quels",
    "quelle",   "quelles", "sans",    "soi",
};

// Boilerplate of social posts and press pages: platform markers, agency credits, reading prompts.
// Multi-word entries ("lire aussi") are matched by IsBoilerplatePhrase on normalised text.
constexpr std::string_view kBoilerplateWords[] = {
    "rt",
    "via",
    "cc",
    "mt",
    "lire",
    "abonnez-vous",
    "abonnez",
    "afp",
    "reuters",
    "ap",
    "ansa",
    "dpa",
    "belga",
    "awp",
    "(afp)",
    "photo",
    "photos",
    "vidéo",
    "video",
    "direct",
    "live",
    "replay",
    "podcast",
    "newsletter",
    "inscrivez-vous",
    "partager",
    "tweeter",
    "pic.twitter.com",
    "thread",
    "🧵",
    "urgent",
    "alerte",
    "breaking",
    "actu",
    "infos",
    "info",
    "exclusif",
    "publicité",
    "sponsorisé",
    "copyright",
    "©",
    "crédit",
    "crédits",
};

constexpr std::string_view kBoilerplatePhrases[] = {
    "lire aussi",
    "à lire aussi",
    "lire la suite",
    "voir aussi",
    "à voir aussi",
    "abonnez-vous",
    "cet article est réservé aux abonnés",
    "article réservé aux abonnés",
    "réservé aux abonnés",
    "partager sur facebook",
    "partager sur twitter",
    "suivez-nous",
    "retrouvez-nous",
    "avec afp",
    "(avec afp)",
    "mis à jour le",
    "publié le",
    "la rédaction",
    "tous droits réservés",
    "en savoir plus",
    "pour aller plus loin",
    "inscrivez-vous à notre newsletter",
    "cliquez ici",
    "retweeted",
};

struct Sets {
  std::unordered_set<std::string_view> stop;
  std::unordered_set<std::string_view> boilerplate;
};

const Sets& TheSets() {
  static const Sets sets = [] {
    Sets s;
    s.stop.insert(std::begin(kSnowballFrench), std::end(kSnowballFrench));
    s.boilerplate.insert(std::begin(kBoilerplateWords), std::end(kBoilerplateWords));
    return s;
  }();
  return sets;
}

std::string_view StripElision(std::string_view w) {
  // "l'" / "qu'" as tokens: the stop list has the bare clitic.
  if (!w.empty() && w.back() == '\'') w.remove_suffix(1);
  return w;
}

}  // namespace

std::span<const std::string_view> SnowballFrenchStopWords() { return kSnowballFrench; }
std::span<const std::string_view> BoilerplateWords() { return kBoilerplateWords; }
std::span<const std::string_view> BoilerplatePhrases() { return kBoilerplatePhrases; }

bool IsFrenchStopWord(std::string_view token) {
  std::string folded;
  detail::AppendFolded(folded, token);
  return TheSets().stop.count(StripElision(folded)) > 0;
}

bool IsBoilerplateWord(std::string_view token) {
  std::string folded;
  detail::AppendFolded(folded, token);
  return TheSets().boilerplate.count(folded) > 0;
}

bool IsStopWord(std::string_view token) { return IsFrenchStopWord(token) || IsBoilerplateWord(token); }

bool ContainsBoilerplatePhrase(std::string_view normalised_lower_text) {
  return std::any_of(std::begin(kBoilerplatePhrases), std::end(kBoilerplatePhrases),
                     [&](std::string_view p) { return normalised_lower_text.find(p) != std::string_view::npos; });
}

}  // namespace relais::text
