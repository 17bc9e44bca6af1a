// The synthetic world's geography (issue 15): every account's planted home (a commune, hence a
// département and a région), the evidence of it the records carry — geotagged posts (coordinates and a
// Twitter place), profile locations in the noisy forms people write —, and the realised local audiences of
// the regional titles before and after the event. See docs/synth.md "Geography".
//
// Every draw here comes from streams of their own (purposes 901–903), taken after the simulation: the
// actors, the follower graph and the items are those of a world without geography, draw for draw.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "relais/base/time.hpp"
#include "synth_internal.hpp"

namespace relais::corpora::detail {
namespace {

using ojson = nlohmann::ordered_json;

// Région indices as in actors.cpp's kRegions.
enum : int { kAra, kBfc, kBre, kCvl, kCor, kGes, kHdf, kIdf, kNor, kNaq, kOcc, kPdl, kPac, kNumRegions };

// Coordinates from corpora/data/geo/points.csv (seeds of the gazetteer: a geotag near one resolves there).
const std::vector<GeoPlace> kPlaces = {
    {"Lyon", "69", "69003", 45.76, 4.84, kAra},
    {"Grenoble", "38", "38000", 45.19, 5.72, kAra},
    {"Saint-Étienne", "42", "42000", 45.44, 4.39, kAra},
    {"Clermont-Ferrand", "63", "63000", 45.78, 3.08, kAra},
    {"Annecy", "74", "74000", 45.90, 6.13, kAra},
    {"Dijon", "21", "21000", 47.32, 5.04, kBfc},
    {"Besançon", "25", "25000", 47.24, 6.02, kBfc},
    {"Montbéliard", "25", "25200", 47.51, 6.80, kBfc},
    {"Rennes", "35", "35000", 48.11, -1.68, kBre},
    {"Brest", "29", "29200", 48.39, -4.49, kBre},
    {"Orléans", "45", "45000", 47.90, 1.90, kCvl},
    {"Tours", "37", "37000", 47.39, 0.69, kCvl},
    {"Ajaccio", "2A", "20000", 41.93, 8.74, kCor},
    {"Bastia", "2B", "20200", 42.70, 9.45, kCor},
    {"Strasbourg", "67", "67000", 48.58, 7.75, kGes},
    {"Metz", "57", "57000", 49.12, 6.18, kGes},
    {"Nancy", "54", "54000", 48.69, 6.18, kGes},
    {"Reims", "51", "51100", 49.26, 4.03, kGes},
    {"Mulhouse", "68", "68100", 47.75, 7.34, kGes},
    {"Lille", "59", "59000", 50.63, 3.06, kHdf},
    {"Roubaix", "59", "59100", 50.69, 3.18, kHdf},
    {"Amiens", "80", "80000", 49.89, 2.30, kHdf},
    {"Calais", "62", "62100", 50.95, 1.86, kHdf},
    {"Paris", "75", "75011", 48.857, 2.352, kIdf},
    {"Versailles", "78", "78000", 48.80, 2.13, kIdf},
    {"Montreuil", "93", "93100", 48.86, 2.44, kIdf},
    {"Créteil", "94", "94000", 48.79, 2.46, kIdf},
    {"Nanterre", "92", "92000", 48.89, 2.21, kIdf},
    {"Argenteuil", "95", "95100", 48.95, 2.25, kIdf},
    {"Rouen", "76", "76000", 49.44, 1.10, kNor},
    {"Caen", "14", "14000", 49.18, -0.37, kNor},
    {"Le Havre", "76", "76600", 49.49, 0.11, kNor},
    {"Bordeaux", "33", "33000", 44.84, -0.58, kNaq},
    {"Limoges", "87", "87000", 45.83, 1.26, kNaq},
    {"Poitiers", "86", "86000", 46.58, 0.34, kNaq},
    {"Pau", "64", "64000", 43.30, -0.37, kNaq},
    {"Bayonne", "64", "64100", 43.49, -1.47, kNaq},
    {"Toulouse", "31", "31000", 43.60, 1.44, kOcc},
    {"Montpellier", "34", "34000", 43.61, 3.88, kOcc},
    {"Nîmes", "30", "30000", 43.84, 4.36, kOcc},
    {"Perpignan", "66", "66000", 42.70, 2.90, kOcc},
    {"Nantes", "44", "44000", 47.22, -1.55, kPdl},
    {"Angers", "49", "49000", 47.47, -0.55, kPdl},
    {"Le Mans", "72", "72000", 48.00, 0.20, kPdl},
    {"Marseille", "13", "13001", 43.30, 5.37, kPac},
    {"Nice", "06", "06000", 43.70, 7.27, kPac},
    {"Toulon", "83", "83000", 43.12, 5.93, kPac},
    {"Avignon", "84", "84000", 43.95, 4.81, kPac},
    {"Aix-en-Provence", "13", "13100", 43.53, 5.45, kPac},
};

// What people write for a région (names, abbreviations, older régions, areas inside it).
const std::vector<std::vector<const char*>> kRegionForms = {
    {"Auvergne-Rhône-Alpes", "AURA", "Rhône-Alpes"},
    {"Bourgogne-Franche-Comté", "Bourgogne", "Franche-Comté"},
    {"Bretagne", "Breizh", "BZH"},
    {"Centre-Val de Loire", "Val de Loire", "Sologne"},
    {"Corse", "Corsica", "île de beauté"},
    {"Grand Est", "Alsace", "Lorraine"},
    {"Hauts-de-France", "Nord-Pas-de-Calais", "Picardie"},
    {"Île-de-France", "IDF", "Région parisienne"},
    {"Normandie", "Normandy", "Basse-Normandie"},
    {"Nouvelle-Aquitaine", "Aquitaine", "Pays basque"},
    {"Occitanie", "Languedoc", "Midi-Pyrénées"},
    {"Pays de la Loire", "Anjou", "Pays de Loire"},
    {"PACA", "Provence", "Côte d'Azur"},
};

// Profile locations that name no place.
const char* const kNoise[] = {"Quelque part", "🌍",   "Ici et ailleurs", "Partout et nulle part", "Dans ma bulle",
                              "Sur la route", "☕📚🎶", "Chez moi"};
const char* const kEmoji[] = {"🌊", "☀️", "❤️", "🏡", "⛰️"};

constexpr int kNumForms = 10;

// The planted model (truth.json "geography.model").
constexpr double kProfileShare = 0.35;     // accounts with a profile location
constexpr double kNoiseShare = 0.12;       // of those, the location names no place
constexpr double kGeotaggerShare = 0.06;   // Twitter accounts some of whose posts carry a location
constexpr double kTaggedPostShare = 0.6;   // a geotagger's post (not a retweet) carries one
constexpr double kCoordinatesShare = 0.5;  // a located post has coordinates (and a place), else a place only
constexpr double kTravelShare = 0.05;      // a located post is somewhere else than the home
constexpr double kLocalBefore = 0.85;      // P(home in the anchor's région | first amplified it before the event)
constexpr double kLocalAfter = 0.3;        // … at or after the event
const char* const kLayers = "retweet,quote,reply,link";

bool HasHome(const Actor& a) { return IsSocialGroup(a.group) && !a.head_of_state; }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return c < 0x80 ? std::tolower(c) : c; });
  return s;
}

std::vector<std::vector<int>> PlacesByRegion() {
  std::vector<std::vector<int>> out(kNumRegions);
  for (std::size_t i = 0; i < kPlaces.size(); ++i) out[kPlaces[i].region].push_back(static_cast<int>(i));
  return out;
}

// The item an amplification points to: the referenced post (retweet, quote, reply) or the shared article.
std::int32_t AmplifiedItem(const Item& it) {
  if (it.ref >= 0 && (it.kind == kRetweet || it.kind == kQuote || it.kind == kReply)) return it.ref;
  return it.link;
}

// Public accounts' anchors: the région whose regional titles they amplify most (ties: the smaller index),
// represented by its most amplified title, and whether their first amplification of that région's titles is at
// or after the event.
void FindAnchors(World& w) {
  struct Seen {
    std::uint32_t n = 0;
    TimeMs first = 0;
    std::map<std::int32_t, std::uint32_t> titles;
  };
  std::vector<std::map<int, Seen>> seen(w.actors.size());
  for (const Item& it : w.items) {
    const std::int32_t src = AmplifiedItem(it);
    if (src < 0 || w.actors[it.actor].group != kPublic) continue;
    const std::int32_t title = w.items[src].actor;
    if (w.actors[title].group != kPressRegional) continue;
    auto [pos, fresh] = seen[it.actor].try_emplace(w.actors[title].region_idx);
    Seen& s = pos->second;
    s.first = fresh ? it.t : std::min(s.first, it.t);
    ++s.n;
    ++s.titles[title];
  }
  for (std::size_t a = 0; a < w.actors.size(); ++a) {
    std::uint32_t best = 0;
    for (const auto& [region, s] : seen[a]) {
      if (s.n <= best) continue;
      best = s.n;
      w.homes[a].anchor_after = s.first >= w.event;
      std::uint32_t top = 0;
      for (const auto& [title, n] : s.titles) {
        if (n <= top) continue;
        top = n;
        w.homes[a].anchor = title;
      }
    }
  }
}

std::string_view EvidenceOf(const Home& h, bool coordinates, bool place) {
  if (coordinates) return "geotag";
  if (place) return "place";
  if (h.profile >= 0) return h.noise ? "profile-noise" : "profile";
  return "none";
}

}  // namespace

const std::vector<GeoPlace>& GeoPlaces() { return kPlaces; }

std::string GeoPlaceId(int place) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(SplitMix64(0x67656fULL + static_cast<std::uint64_t>(place))));
  return buf;
}

std::string GeoPlaceFullName(int place) { return std::string(kPlaces[place].name) + ", France"; }

void PlantGeography(World& w) {
  const std::uint64_t seed = w.opt.seed;
  w.homes.assign(w.actors.size(), Home{});
  FindAnchors(w);
  const auto by_region = PlacesByRegion();
  for (std::size_t a = 0; a < w.actors.size(); ++a) {
    const Actor& actor = w.actors[a];
    Home& h = w.homes[a];
    if (!HasHome(actor)) continue;
    Rng rng(Key(seed, 901, a));
    int region = actor.region_idx;  // the région the follower graph drew its local follows in
    if (h.anchor >= 0) {
      const int anchor_region = w.actors[h.anchor].region_idx;
      h.anchor_local = rng.Bernoulli(h.anchor_after ? kLocalAfter : kLocalBefore);
      if (h.anchor_local) {
        region = anchor_region;
      } else {
        region = static_cast<int>(rng.Below(kNumRegions - 1));
        if (region >= anchor_region) ++region;
      }
    }
    const auto& pool = by_region[region];
    h.region = static_cast<std::int8_t>(region);
    h.place = static_cast<std::int16_t>(pool[rng.Below(pool.size())]);
    Rng prof(Key(seed, 902, a));
    if (prof.Bernoulli(kProfileShare)) {
      h.noise = prof.Bernoulli(kNoiseShare);
      h.profile = static_cast<std::int8_t>(prof.Below(kNumForms));
    }
    h.geotagger = actor.platform == kTwitter && prof.Bernoulli(kGeotaggerShare);
  }
}

std::string ProfileLocation(const World& w, std::int32_t actor) {
  if (w.homes.empty()) return {};
  const Home& h = w.homes[actor];
  if (h.profile < 0) return {};
  Rng rng(Key(w.opt.seed, 904, actor));
  if (h.noise) return kNoise[rng.Below(std::size(kNoise))];
  const GeoPlace& p = kPlaces[h.place];
  const std::string name = p.name;
  const auto& forms = kRegionForms[h.region];
  const std::string region = forms[rng.Below(forms.size())];
  const bool arrondissements = name == "Paris" || name == "Marseille" || name == "Lyon";
  switch (h.profile) {
    case 0:
      return name;
    case 1:
      if (arrondissements) {
        const int arr = 1 + static_cast<int>(rng.Below(name == "Paris" ? 20 : name == "Marseille" ? 16 : 9));
        return name + " " + std::to_string(arr) + (arr == 1 ? "er" : "e");
      }
      return name + " " + p.departement;
    case 2:
      return name + ", France";
    case 3:
      return std::string(p.postcode) + " " + name;
    case 4:
      return region;
    case 5:
      return region + " " + kEmoji[rng.Below(std::size(kEmoji))];
    case 6:
      return name + " 🇫🇷";
    case 7:
      return name + " | " + kRegionForms[h.region][0];
    case 8:
      return Lower(name);
    default: {
      const auto by_region = PlacesByRegion();
      const auto& pool = by_region[h.region];
      const GeoPlace& q = kPlaces[pool[rng.Below(pool.size())]];
      return q.name == name ? name + " et environs" : name + " / " + q.name;
    }
  }
}

ItemGeo ItemGeoOf(const World& w, std::int32_t r) {
  ItemGeo g;
  if (w.homes.empty()) return g;
  const Item& it = w.items[r];
  const Actor& a = w.actors[it.actor];
  const Home& h = w.homes[it.actor];
  if (!h.geotagger || a.platform != kTwitter || it.kind == kRetweet || it.kind == kArticle || it.kind == kRelease)
    return g;
  Rng rng(Key(w.opt.seed, 903, it.uid));
  if (!rng.Bernoulli(kTaggedPostShare)) return g;
  g.place = rng.Bernoulli(kTravelShare) ? static_cast<int>(rng.Below(kPlaces.size())) : h.place;
  g.coordinates = rng.Bernoulli(kCoordinatesShare);
  g.lat = kPlaces[g.place].lat + (rng.Uniform() - 0.5) * 0.02;
  g.lon = kPlaces[g.place].lon + (rng.Uniform() - 0.5) * 0.02;
  return g;
}

ojson GeographyTruth(const World& w) {
  const auto regions = Regions();
  const std::size_t n_actors = w.actors.size();
  // The evidence the records carry, per actor.
  std::vector<std::uint32_t> tagged_coords(n_actors, 0), tagged_places(n_actors, 0);
  for (std::size_t r = 0; r < w.items.size(); ++r) {
    const ItemGeo g = ItemGeoOf(w, static_cast<std::int32_t>(r));
    if (g.place < 0) continue;
    ++(g.coordinates ? tagged_coords : tagged_places)[w.items[r].actor];
  }
  auto key_of = [&](std::int32_t ai) { return ActorKey(w, ai); };
  ojson homes = ojson::array();
  std::map<std::string, std::uint64_t> by_evidence, by_region;
  for (std::size_t a = 0; a < n_actors; ++a) {
    const Home& h = w.homes[a];
    if (h.place < 0) continue;
    const GeoPlace& p = kPlaces[h.place];
    const std::string evidence(EvidenceOf(h, tagged_coords[a] > 0, tagged_places[a] > 0));
    ++by_evidence[evidence];
    ++by_region[regions[h.region]];
    ojson j = {{"actor", key_of(static_cast<std::int32_t>(a))},
               {"class", std::string(GroupName(w.actors[a].group))},
               {"departement", p.departement},
               {"region", regions[h.region]},
               {"evidence", evidence}};
    if (h.anchor >= 0)
      j["anchor"] = {{"title", w.actors[h.anchor].domain},
                     {"first_amplified", h.anchor_after ? "after" : "before"},
                     {"local", h.anchor_local}};
    homes.push_back(std::move(j));
  }
  // Realised local audiences: per regional title's key (its domain for link shares of its articles, its
  // handle for retweets, quotes and replies of its posts), the distinct amplifiers (authors of the items
  // whose flows of these layers start at the key's items, the key itself left out), those with a home
  // région (accounts, regional outlets), and those in the title's région; before / at or after the event.
  struct Tally {
    std::set<std::pair<std::int32_t, bool>> all, before, after;  // (actor, as its domain)
  };
  std::map<std::pair<std::int32_t, bool>, Tally> tallies;  // (title, domain key)
  for (const Item& it : w.items) {
    const std::int32_t src = AmplifiedItem(it);
    if (src < 0) continue;
    const Item& s = w.items[src];
    const std::int32_t title = s.actor;
    if (w.actors[title].group != kPressRegional) continue;
    const bool src_domain = s.kind == kArticle || s.kind == kRelease;
    const bool dst_domain = it.kind == kArticle || it.kind == kRelease;
    if (title == it.actor && src_domain == dst_domain) continue;
    Tally& t = tallies[{title, src_domain}];
    const std::pair<std::int32_t, bool> amp{it.actor, dst_domain};
    t.all.insert(amp);
    (it.t < w.event ? t.before : t.after).insert(amp);
  }
  auto region_of = [&](std::int32_t ai) {
    const Actor& a = w.actors[ai];
    if (a.group == kPressRegional) return a.region_idx;
    return static_cast<int>(w.homes[ai].region);
  };
  ojson audiences = ojson::array();
  for (const auto& [k, t] : tallies) {
    const auto [title, domain] = k;
    const int home = w.actors[title].region_idx;
    auto period = [&](const std::set<std::pair<std::int32_t, bool>>& s) {
      std::uint64_t located = 0, local = 0;
      for (const auto& [ai, dom] : s) {
        const int r = region_of(ai);
        if (r < 0) continue;
        ++located;
        if (r == home) ++local;
      }
      ojson j = {{"amplifiers", s.size()}, {"with_region", located}, {"in_region", local}};
      j["share_region"] = located > 0 ? ojson(double(local) / double(located)) : ojson(nullptr);
      return j;
    };
    ojson j = {{"actor", domain ? w.actors[title].domain : key_of(title)},
               {"region", regions[home]},
               {"all", period(t.all)},
               {"before", period(t.before)},
               {"after", period(t.after)}};
    const auto& b = j["before"]["share_region"];
    const auto& a = j["after"]["share_region"];
    j["change_region"] = b.is_null() || a.is_null() ? ojson(nullptr) : ojson(a.get<double>() - b.get<double>());
    audiences.push_back(std::move(j));
  }
  ojson places = ojson::array();
  for (const auto& p : kPlaces) places.push_back({{"name", p.name}, {"departement", p.departement}});
  return {{"model",
           {{"homes",
             "public accounts that amplify a regional title live in its région with probability "
             "p_local_before (first amplification before the event) or p_local_after (at or after), else in "
             "one of the other régions; other accounts in the région their follows were drawn in; the "
             "commune uniform among the région's places"},
            {"p_local_before", kLocalBefore},
            {"p_local_after", kLocalAfter},
            {"profile_share", kProfileShare},
            {"profile_noise_share", kNoiseShare},
            {"geotagger_share", kGeotaggerShare},
            {"tagged_post_share", kTaggedPostShare},
            {"coordinates_share", kCoordinatesShare},
            {"travel_share", kTravelShare},
            {"places", places}}},
          {"accounts", homes.size()},
          {"by_evidence", by_evidence},
          {"by_region", by_region},
          {"audience_layers", kLayers},
          {"audiences", audiences},
          {"homes", homes}};
}

}  // namespace relais::corpora::detail
