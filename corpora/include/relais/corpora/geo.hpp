// The French gazetteer: place names, postcodes, coordinates and free-text profile locations resolved
// to a département (INSEE code), its région and a country, with the kind of evidence and a confidence.
// The data ship with relais (corpora/data/geo/*.csv, embedded at build time; see docs/geo.md).
//
//   const auto& gaz = relais::corpora::geo::Gazetteer::Builtin();
//   auto p = gaz.Resolve("Marseille 13");        // p.departement == "13", p.region == "Provence-Alpes-Côte d'Azur"
//   auto q = gaz.ResolvePoint(43.12, 5.93);      // Toulon's coordinates: q.departement == "83"
//   auto r = gaz.Resolve("Saint-Denis");         // 93 or 974: r.ambiguous, empty département and région
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relais::corpora::geo {

/// Where a location comes from, strongest first: a geotag (coordinates), a platform place (Twitter's
/// place), a profile's free text, a press dateline. Stored in the store as its name.
enum class Evidence { kNone = 0, kDateline = 1, kProfile = 2, kPlace = 3, kGeotag = 4 };
std::string_view EvidenceName(Evidence e);  ///< "none", "dateline", "profile", "place", "geotag"
std::optional<Evidence> ParseEvidence(std::string_view name);

/// A resolved location. Views point into the gazetteer (valid as long as it lives; Builtin() lives
/// for the whole program). Empty fields mean "unknown at this level".
struct Place {
  std::string_view departement;  ///< INSEE code: "83", "2A", "974"; empty when unresolved or ambiguous
  std::string_view region;       ///< région name ("Provence-Alpes-Côte d'Azur"); empty when unknown
  std::string_view country;      ///< ISO 3166-1 alpha-2 ("FR", "ES"); empty when unknown or ambiguous
  double confidence = 0;         ///< heuristic score in [0,1] that the non-empty fields are right; 0 when all are empty
  Evidence evidence = Evidence::kNone;
  bool ambiguous = false;  ///< several places fit equally (Saint-Denis, "Aix", "Paris / Lyon")
  bool resolved() const { return !country.empty(); }
};

struct GazetteerStats {
  std::size_t departements = 0;   ///< the 101 départements
  std::size_t collectivites = 0;  ///< overseas collectivities with a code of their own (975, 977…)
  std::size_t regions = 0;        ///< the 18 régions
  std::size_t communes = 0;       ///< commune rows
  std::size_t foreign = 0;        ///< foreign countries, regions and cities
  std::size_t names = 0;          ///< distinct folded lookup keys
};

class Gazetteer {
 public:
  /// The shipped gazetteer, built once on first use (thread-safe).
  static const Gazetteer& Builtin();
  /// A gazetteer from CSV texts named like the shipped files (regions.csv, departements.csv,
  /// communes*.csv, foreign.csv). Throws relais::Error (kData) naming the file and line on a bad row.
  static std::unique_ptr<Gazetteer> FromCsv(const std::vector<std::pair<std::string, std::string>>& files);
  ~Gazetteer();
  Gazetteer(const Gazetteer&) = delete;
  Gazetteer& operator=(const Gazetteer&) = delete;

  /// Resolves free text: a commune, département, région or country name (any case, accents,
  /// punctuation, emoji), a postcode ("83000"), a département number next to a name ("Marseille 13"),
  /// a flag emoji. `kind` is the evidence the text comes from (profile by default). Thread-safe.
  Place Resolve(std::string_view text, Evidence kind = Evidence::kProfile) const;
  /// Resolves coordinates (WGS84 degrees) to the nearest département centroid, or to a foreign border
  /// city nearer than that; unresolved far from every seed. Thread-safe.
  Place ResolvePoint(double lat, double lon, Evidence kind = Evidence::kGeotag) const;
  /// Resolves a Twitter-like place: its full name ("Toulon, France") checked against its country code.
  Place ResolvePlace(std::string_view full_name, std::string_view country_code) const;

  /// Resolves the dateline of a press text: the place in capitals or in title case that opens it before
  /// "(AFP)", a dash or a colon ("TOULON (AFP) – …", "Marseille, 12 mars (AFP) - …", "NICE — …"), as
  /// dateline evidence; unresolved when the text does not open with one.
  Place ResolveDateline(std::string_view article_text) const;

  /// The région of a département code ("83" → "Provence-Alpes-Côte d'Azur"), empty when unknown.
  std::string_view RegionOf(std::string_view departement) const;
  /// Département codes in file order; région names in file order.
  std::vector<std::string_view> Departements() const;
  std::vector<std::string_view> Regions() const;
  GazetteerStats Stats() const;

 private:
  Gazetteer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The dateline place of a press text ("TOULON" in "TOULON (AFP) – …"), empty when there is none.
std::string_view DatelineOf(std::string_view article_text);

/// "lat,lon" / "lat lon" / "lat;lon" with a decimal point in at least one number, within range.
std::optional<std::pair<double, double>> ParseLatLon(std::string_view text);

/// The folded form used for lookups: lower-case ASCII words separated by one space (accents and
/// ligatures folded, punctuation and emoji dropped, flags as "%fr"). Exposed for tests and tools.
std::string FoldPlaceText(std::string_view text);

}  // namespace relais::corpora::geo
