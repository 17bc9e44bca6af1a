// The synthetic world's actors: real French outlet, agency and PR-wire names (public facts), synthetic
// people, brands and institutions; class proportions per scale; heavy-tailed activity and audience.
#include <algorithm>
#include <set>
#include <unordered_set>

#include "synth_internal.hpp"

namespace relais::corpora::detail {
namespace {

struct Outlet {
  const char* name;
  const char* domain;
  const char* handle;
  const char* region;
  const char* group;  // syndication group, "" when independent
};

const char* const kRegions[] = {"Auvergne-Rhône-Alpes",
                                "Bourgogne-Franche-Comté",
                                "Bretagne",
                                "Centre-Val de Loire",
                                "Corse",
                                "Grand Est",
                                "Hauts-de-France",
                                "Île-de-France",
                                "Normandie",
                                "Nouvelle-Aquitaine",
                                "Occitanie",
                                "Pays de la Loire",
                                "Provence-Alpes-Côte d'Azur"};

const Outlet kRegional[] = {
    {"Ouest-France", "ouest-france.fr", "OuestFrance", "Bretagne", "Ouest-France"},
    {"Le Télégramme", "letelegramme.fr", "LeTelegramme", "Bretagne", ""},
    {"Presse Océan", "presseocean.fr", "presseocean", "Pays de la Loire", "Ouest-France"},
    {"Le Courrier de l'Ouest", "courrierdelouest.fr", "courrierouest", "Pays de la Loire", "Ouest-France"},
    {"Le Maine libre", "lemainelibre.fr", "lemainelibre", "Pays de la Loire", "Ouest-France"},
    {"La Presse de la Manche", "lapressedelamanche.fr", "PresseManche", "Normandie", "Ouest-France"},
    {"Sud Ouest", "sudouest.fr", "sudouest", "Nouvelle-Aquitaine", "Sud Ouest"},
    {"Charente libre", "charentelibre.fr", "charentelibre", "Nouvelle-Aquitaine", "Sud Ouest"},
    {"La République des Pyrénées", "larepubliquedespyrenees.fr", "larepdespyr", "Nouvelle-Aquitaine", "Sud Ouest"},
    {"La Voix du Nord", "lavoixdunord.fr", "lavoixdunord", "Hauts-de-France", "Rossel"},
    {"Courrier picard", "courrier-picard.fr", "courrierpicard", "Hauts-de-France", "Rossel"},
    {"L'Union", "lunion.fr", "lunion", "Grand Est", "Rossel"},
    {"L'Ardennais", "lardennais.fr", "lardennais", "Grand Est", "Rossel"},
    {"L'Est éclair", "lest-eclair.fr", "lesteclair", "Grand Est", "Rossel"},
    {"Le Progrès", "leprogres.fr", "leprogres", "Auvergne-Rhône-Alpes", "EBRA"},
    {"Le Dauphiné libéré", "ledauphine.com", "ledauphine", "Auvergne-Rhône-Alpes", "EBRA"},
    {"L'Est Républicain", "estrepublicain.fr", "lestrepublicain", "Grand Est", "EBRA"},
    {"Le Républicain lorrain", "republicain-lorrain.fr", "RLorrain", "Grand Est", "EBRA"},
    {"Dernières Nouvelles d'Alsace", "dna.fr", "dna_presse", "Grand Est", "EBRA"},
    {"L'Alsace", "lalsace.fr", "lalsace", "Grand Est", "EBRA"},
    {"Vosges Matin", "vosgesmatin.fr", "vosgesmatin", "Grand Est", "EBRA"},
    {"Le Bien public", "bienpublic.com", "lebienpublic", "Bourgogne-Franche-Comté", "EBRA"},
    {"Le Journal de Saône-et-Loire", "lejsl.com", "lejsl", "Bourgogne-Franche-Comté", "EBRA"},
    {"La Montagne", "lamontagne.fr", "lamontagne_fr", "Auvergne-Rhône-Alpes", "Centre France"},
    {"Le Berry républicain", "leberry.fr", "leberryrepublic", "Centre-Val de Loire", "Centre France"},
    {"La République du Centre", "larep.fr", "larepducentre", "Centre-Val de Loire", "Centre France"},
    {"Le Populaire du Centre", "lepopulaire.fr", "lepopulaire", "Nouvelle-Aquitaine", "Centre France"},
    {"L'Yonne républicaine", "lyonne.fr", "lyonne_rep", "Bourgogne-Franche-Comté", "Centre France"},
    {"Le Journal du Centre", "lejdc.fr", "lejdc", "Bourgogne-Franche-Comté", "Centre France"},
    {"La Dépêche du Midi", "ladepeche.fr", "ladepechedumidi", "Occitanie", "La Dépêche"},
    {"Midi Libre", "midilibre.fr", "Midilibre", "Occitanie", "La Dépêche"},
    {"L'Indépendant", "lindependant.fr", "lindependant", "Occitanie", "La Dépêche"},
    {"Centre Presse Aveyron", "centrepresseaveyron.fr", "CentrePresse12", "Occitanie", "La Dépêche"},
    {"Nice-Matin", "nicematin.com", "Nice_Matin", "Provence-Alpes-Côte d'Azur", "Nice-Matin"},
    {"Var-Matin", "varmatin.com", "varmatin", "Provence-Alpes-Côte d'Azur", "Nice-Matin"},
    {"Monaco-Matin", "monacomatin.mc", "monacomatin", "Provence-Alpes-Côte d'Azur", "Nice-Matin"},
    {"Corse-Matin", "corsematin.com", "corsematin", "Corse", "Nice-Matin"},
    {"La Provence", "laprovence.com", "laprovence", "Provence-Alpes-Côte d'Azur", ""},
    {"La Marseillaise", "lamarseillaise.fr", "lamarseillaise", "Provence-Alpes-Côte d'Azur", ""},
    {"Paris-Normandie", "paris-normandie.fr", "parisnormandie", "Normandie", ""},
    {"La Nouvelle République", "lanouvellerepublique.fr", "lanouvellerep", "Centre-Val de Loire", ""},
    {"Le Parisien Val-d'Oise", "leparisien-95.fr", "LeParisien_95", "Île-de-France", ""},
};

const Outlet kNational[] = {
    {"Le Monde", "lemonde.fr", "lemondefr", "", ""},
    {"Le Figaro", "lefigaro.fr", "Le_Figaro", "", ""},
    {"Libération", "liberation.fr", "libe", "", ""},
    {"Le Parisien", "leparisien.fr", "le_Parisien", "", ""},
    {"Les Échos", "lesechos.fr", "LesEchos", "", ""},
    {"La Croix", "la-croix.com", "LaCroix", "", ""},
    {"L'Humanité", "humanite.fr", "humanite_fr", "", ""},
    {"L'Opinion", "lopinion.fr", "lopinion_fr", "", ""},
    {"franceinfo", "francetvinfo.fr", "franceinfo", "", ""},
    {"BFMTV", "bfmtv.com", "BFMTV", "", ""},
    {"LCI", "lci.fr", "LCI", "", ""},
    {"20 Minutes", "20minutes.fr", "20Minutes", "", ""},
    {"Le HuffPost", "huffingtonpost.fr", "LeHuffPost", "", ""},
    {"Marianne", "marianne.net", "MarianneleMag", "", ""},
    {"L'Express", "lexpress.fr", "LEXPRESS", "", ""},
    {"Le Point", "lepoint.fr", "LePoint", "", ""},
    {"L'Obs", "nouvelobs.com", "lobs", "", ""},
    {"Mediapart", "mediapart.fr", "Mediapart", "", ""},
    {"Europe 1", "europe1.fr", "Europe1", "", ""},
    {"RTL", "rtl.fr", "RTLFrance", "", ""},
    {"France Inter", "franceinter.fr", "franceinter", "", ""},
    {"France Culture", "franceculture.fr", "franceculture", "", ""},
    {"CNews", "cnews.fr", "CNEWS", "", ""},
    {"Le JDD", "lejdd.fr", "leJDD", "", ""},
    {"La Tribune", "latribune.fr", "LaTribune", "", ""},
    {"Challenges", "challenges.fr", "Challenges", "", ""},
    {"RFI", "rfi.fr", "RFI", "", ""},
    {"France 24", "france24.com", "FRANCE24", "", ""},
    {"Public Sénat", "publicsenat.fr", "publicsenat", "", ""},
    {"Courrier international", "courrierinternational.com", "courrierinter", "", ""},
    {"Slate.fr", "slate.fr", "Slatefr", "", ""},
    {"Konbini", "konbini.com", "konbini", "", ""},
};

const Outlet kAgencies[] = {
    {"AFP", "afp.com", "afpfr", "", ""},
    {"Reuters", "reuters.com", "ReutersFrance", "", ""},
    {"Associated Press", "apnews.com", "AP", "", ""},
    {"Relaxnews", "relaxnews.com", "relaxnews", "", ""},
};

const Outlet kPrWires[] = {
    {"Business Wire", "businesswire.com", "BusinessWire", "", ""},
    {"PR Newswire", "prnewswire.com", "PRNewswire", "", ""},
    {"GlobeNewswire", "globenewswire.com", "GlobeNewswire", "", ""},
    {"Actusnews", "actusnews.com", "Actusnews", "", ""},
    {"Cision", "cision.fr", "CisionFrance", "", ""},
};

const char* const kFirstNames[] = {
    "Marie",  "Jean",     "Claire", "Pierre",  "Sophie",  "Nicolas",  "Camille", "Julien", "Élodie",  "Thomas",
    "Léa",    "Antoine",  "Chloé",  "Mathieu", "Inès",    "François", "Manon",   "Hugo",   "Aurélie", "Louis",
    "Céline", "Olivier",  "Hélène", "Benoît",  "Amélie",  "Rémi",     "Noémie",  "Jérôme", "Agnès",   "Loïc",
    "Gaëlle", "Stéphane", "Zoé",    "Yannick", "Mélanie", "Théo",     "Anaïs",   "Cédric", "Margaux", "Sébastien"};
const char* const kLastNames[] = {
    "Martin",  "Bernard", "Dubois",  "Thomas",   "Robert",   "Richard", "Petit",    "Durand", "Leroy",      "Moreau",
    "Simon",   "Laurent", "Lefèvre", "Michel",   "Garcia",   "David",   "Bertrand", "Roux",   "Vincent",    "Fournier",
    "Morel",   "Girard",  "André",   "Lefebvre", "Mercier",  "Dupont",  "Lambert",  "Bonnet", "François",   "Martinez",
    "Legrand", "Garnier", "Faure",   "Rousseau", "Blanc",    "Guérin",  "Muller",   "Henry",  "Roussel",    "Nicolas",
    "Perrin",  "Morin",   "Mathieu", "Clément",  "Gauthier", "Le Gall", "Kervella", "Quéré",  "Castellani", "Pujol"};
const char* const kBrandStems[] = {"Lumière", "Azur",   "Horizon", "Vega",    "Opaline", "Terroir", "Alto",
                                   "Boréal",  "Cèdre",  "Nova",    "Ondine",  "Pavot",   "Rivage",  "Sirius",
                                   "Tilleul", "Vallon", "Zéphyr",  "Canopée", "Ardoise", "Mistral"};
const char* const kBrandKinds[] = {"Énergie",    "Mutuelle", "Telecom", "Mobilités", "Cosmétiques",
                                   "Assurances", "Banque",   "Maison",  "Sport",     "Alimentaire"};
const char* const kInstitutionKinds[] = {"Préfecture", "Mairie", "Conseil départemental", "ARS", "Rectorat", "CHU"};
const char* const kCities[] = {"Lyon",  "Dijon", "Rennes",   "Orléans",  "Ajaccio", "Strasbourg", "Lille",
                               "Paris", "Rouen", "Bordeaux", "Toulouse", "Nantes",  "Marseille"};  // by region
const char* const kInstances[] = {"mastodon.social", "piaille.fr", "framapiaf.org"};

std::string AsciiFold(std::string_view s) {
  // Latin letters with accents to ASCII for handles; other non-alphanumerics dropped.
  static const std::pair<const char*, char> kMap[] = {{"é", 'e'}, {"è", 'e'}, {"ê", 'e'}, {"ë", 'e'}, {"É", 'E'},
                                                      {"È", 'E'}, {"à", 'a'}, {"â", 'a'}, {"ä", 'a'}, {"î", 'i'},
                                                      {"ï", 'i'}, {"Î", 'I'}, {"ô", 'o'}, {"ö", 'o'}, {"ù", 'u'},
                                                      {"û", 'u'}, {"ü", 'u'}, {"ç", 'c'}, {"Ç", 'C'}, {"œ", 'o'}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) out += static_cast<char>(c);
      ++i;
      continue;
    }
    bool matched = false;
    for (const auto& [from, to] : kMap) {
      std::string_view f(from);
      if (s.substr(i, f.size()) == f) {
        out += to;
        i += f.size();
        matched = true;
        break;
      }
    }
    if (!matched) ++i;
  }
  return out;
}

double Pareto(Rng& rng, double alpha, double cap) { return std::min(cap, std::pow(1.0 - rng.Uniform(), -1.0 / alpha)); }

struct Counts {
  int national, regional, agency, pr, brand, politician, institution, journalist, total;
};

Counts CountsFor(SynthScale s) {
  switch (s) {
    case SynthScale::kSmall:
      return {30, 60, 4, 40, 80, 100, 60, 150, 2000};
    case SynthScale::kMedium:
      return {80, 200, 6, 300, 1000, 1500, 1000, 3000, 50000};
    case SynthScale::kLarge:
      return {150, 400, 8, 2000, 8000, 10000, 8000, 25000, 500000};
  }
  return {30, 60, 4, 40, 80, 100, 60, 150, 2000};
}

}  // namespace

std::vector<std::string> Regions() { return {std::begin(kRegions), std::end(kRegions)}; }

void BuildActors(std::uint64_t seed, SynthScale scale, std::vector<Actor>& actors,
                 std::vector<SyndicationGroup>& synd_groups,
                 std::array<std::vector<std::int32_t>, kNumGroups>& by_group) {
  const Counts c = CountsFor(scale);
  const auto regions = Regions();
  std::set<std::string> used_handles;  // lower-case
  std::set<std::string> used_domains;
  auto unique_handle = [&](std::string base) {
    if (base.empty()) base = "compte";
    if (base.size() > 15) base.resize(15);
    std::string lower = base;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (used_handles.insert(lower).second) return base;
    for (int n = 2;; ++n) {
      std::string suffix = std::to_string(n);
      std::string cand = base.substr(0, std::min<std::size_t>(base.size(), 15 - suffix.size())) + suffix;
      std::string cl = cand;
      std::transform(cl.begin(), cl.end(), cl.begin(), [](unsigned char ch) { return std::tolower(ch); });
      if (used_handles.insert(cl).second) return cand;
    }
  };
  auto region_index = [&](const std::string& r) {
    for (std::size_t i = 0; i < regions.size(); ++i)
      if (regions[i] == r) return static_cast<int>(i);
    return -1;
  };
  auto add = [&](Actor a) {
    a.handle = unique_handle(a.handle);
    if (!a.domain.empty()) used_domains.insert(a.domain);
    a.region_idx = region_index(a.region);
    by_group[a.group].push_back(static_cast<std::int32_t>(actors.size()));
    actors.push_back(std::move(a));
  };
  auto add_outlets = [&](const Outlet* list, std::size_t n_list, int want, std::uint8_t group,
                         const std::string& synthetic_prefix, const std::string& synthetic_name) {
    for (int i = 0; i < want; ++i) {
      Actor a;
      a.group = group;
      Rng rng(Key(seed, 11, group, i));
      if (static_cast<std::size_t>(i) < n_list) {
        a.name = list[i].name;
        a.domain = list[i].domain;
        a.handle = list[i].handle;
        a.region = list[i].region;
      } else {
        // Local titles and editions beyond the real list, named like the real thing.
        int r = static_cast<int>(rng.Below(regions.size()));
        std::string city = kCities[r];
        std::string city_ascii = AsciiFold(city);
        std::string lower = city_ascii;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
        a.name = synthetic_name + " " + city + " " + std::to_string(i);
        a.domain = synthetic_prefix + lower + std::to_string(i) + ".fr";
        a.handle = AsciiFold(synthetic_name).substr(0, 7) + city_ascii.substr(0, 4) + std::to_string(i);
        if (group == kPressRegional) a.region = regions[r];
      }
      a.activity = 0.3 + Pareto(rng, 1.6, 20);
      a.audience = (group == kPressNational ? 40.0 : group == kPressAgency ? 25.0 : 8.0) * (0.5 + Pareto(rng, 1.5, 30));
      add(std::move(a));
    }
  };

  add_outlets(kNational, std::size(kNational), c.national, kPressNational, "journal-", "Le Journal de");
  add_outlets(kRegional, std::size(kRegional), c.regional, kPressRegional, "echo-", "L'Écho de");
  add_outlets(kAgencies, std::size(kAgencies), c.agency, kPressAgency, "agence-", "Agence Presse");
  add_outlets(kPrWires, std::size(kPrWires), c.pr, kPr, "communiques-", "Communiqués");
  // PR beyond the wires: company newsrooms.
  for (std::int32_t idx : by_group[kPr]) {
    Actor& a = actors[idx];
    if (a.name.rfind("Communiqués", 0) == 0) {
      Rng rng(Key(seed, 12, idx));
      std::string stem = kBrandStems[rng.Below(std::size(kBrandStems))];
      a.name = "Salle de presse " + stem + " " + std::to_string(idx);
      a.domain = "presse." + AsciiFold(stem) + std::to_string(idx) + ".fr";
      std::transform(a.domain.begin(), a.domain.end(), a.domain.begin(),
                     [](unsigned char ch) { return std::tolower(ch); });
    }
  }
  // Syndication groups of the regional press.
  for (std::int32_t idx : by_group[kPressRegional]) {
    std::string g;
    for (const auto& o : kRegional)
      if (actors[idx].domain == o.domain) g = o.group;
    if (g.empty()) continue;
    auto it = std::find_if(synd_groups.begin(), synd_groups.end(), [&](const auto& s) { return s.name == g; });
    if (it == synd_groups.end()) {
      synd_groups.push_back({g, {}});
      it = synd_groups.end() - 1;
    }
    actors[idx].synd_group = static_cast<int>(it - synd_groups.begin());
    it->members.push_back(idx);
  }

  auto person = [&](Rng& rng) {
    return std::string(kFirstNames[rng.Below(std::size(kFirstNames))]) + " " +
           kLastNames[rng.Below(std::size(kLastNames))];
  };
  // The head of state: one account with a very large audience, posting mostly in English.
  {
    Actor a;
    a.group = kPolitician;
    a.name = "Head of State";
    a.handle = "HeadOfStateUS";
    a.activity = 1.0;
    a.audience = 0.0;  // set in BuildFollowerGraph (followed directly by a planted share)
    a.head_of_state = true;
    add(std::move(a));
  }
  auto add_people = [&](int want, std::uint8_t group) {
    for (int i = 0; i < want; ++i) {
      Rng rng(Key(seed, 13, group, i));
      Actor a;
      a.group = group;
      std::string full = person(rng);
      a.region = regions[rng.Below(regions.size())];
      if (group == kBrand) {
        std::string stem = kBrandStems[rng.Below(std::size(kBrandStems))];
        std::string kind = kBrandKinds[rng.Below(std::size(kBrandKinds))];
        a.name = stem + " " + kind;
        a.handle = AsciiFold(stem) + AsciiFold(kind).substr(0, 5);
      } else if (group == kInstitution) {
        std::string kind = kInstitutionKinds[rng.Below(std::size(kInstitutionKinds))];
        int r = region_index(a.region);
        std::string city = kCities[r];
        a.name = kind + " de " + city;
        a.handle = AsciiFold(kind).substr(0, 8) + AsciiFold(city);
      } else {
        a.name = full;
        std::string first = full.substr(0, full.find(' '));
        std::string last = full.substr(full.find(' ') + 1);
        switch (rng.Below(3)) {
          case 0:
            a.handle = AsciiFold(first) + AsciiFold(last);
            break;
          case 1:
            a.handle = AsciiFold(first).substr(0, 1) + AsciiFold(last) + std::to_string(rng.Below(100));
            break;
          default:
            a.handle = AsciiFold(last) + "_" + AsciiFold(first);
            break;
        }
      }
      a.activity = group == kPublic ? Pareto(rng, 1.3, 200) : 0.3 + Pareto(rng, 1.6, 30);
      double base = group == kPolitician    ? 15
                    : group == kJournalist  ? 6
                    : group == kInstitution ? 5
                    : group == kBrand       ? 4
                                            : 1;
      a.audience = base * Pareto(rng, group == kPublic ? 1.2 : 1.5, 500);
      if ((group == kPublic && rng.Bernoulli(0.05)) || (group == kJournalist && rng.Bernoulli(0.08))) {
        a.platform = kMastodon;
        a.host = kInstances[rng.Below(std::size(kInstances))];
      }
      add(std::move(a));
    }
  };
  add_people(c.brand, kBrand);
  add_people(c.politician - 1, kPolitician);
  add_people(c.institution, kInstitution);
  add_people(c.journalist, kJournalist);
  add_people(c.total - static_cast<int>(actors.size()), kPublic);

  for (std::size_t i = 0; i < actors.size(); ++i) {
    Actor& a = actors[i];
    a.user_id = 100000000ULL + i * 1000ULL + (Key(seed, 14, i) % 1000ULL);
  }
  // Three outlets publish only as RSS feeds, one (dirty worlds only) as a Windows-1252 CSV export.
  int rss = 0;
  for (std::int32_t idx : by_group[kPressRegional]) {
    Actor& a = actors[idx];
    if (a.domain == "letelegramme.fr" || a.domain == "lamarseillaise.fr" || a.domain == "paris-normandie.fr") {
      a.rss = true;
      ++rss;
    }
    if (a.domain == "lanouvellerepublique.fr") a.csv = true;
  }
  (void)rss;
}

}  // namespace relais::corpora::detail
