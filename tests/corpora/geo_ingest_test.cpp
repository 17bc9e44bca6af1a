// Geography read and stored (issue 15): the readers keep geotags, places and profile locations
// (real fixtures of ../shared/data), ingest resolves them with the gazetteer into item_geo and
// actor_geo (docs/schema.md "Geography"), press datelines included.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "relais/corpora/geo_store.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/reader.hpp"
#include "relais/corpora/registry.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

using relais::testing::Slurp;

// Every item (records and expansions) of a file read with `format`, by key.
std::map<std::string, ItemRecord> ReadItems(Format format, const std::filesystem::path& path) {
  auto reader = MakeReader(format, {});
  std::vector<RecordOutcome> outcomes;
  reader->ParseDocument(Slurp(path), path.string(), outcomes);
  std::map<std::string, ItemRecord> out;
  for (auto& o : outcomes) {
    if (auto* r = std::get_if<ParsedRecord>(&o)) {
      for (auto& item : r->items) out.emplace(item.key, item);
    }
  }
  return out;
}

TEST(GeoReaders, TwitterV1KeepsCoordinatesPlaceAndProfileLocation) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto items = ReadItems(Format::kTwitterV1, data / "twitterdev-tweet-payloads" / "original_format_examples.json");
  ASSERT_TRUE(items.count("twitter:887453193294282752"));
  const ItemRecord& geotagged = items.at("twitter:887453193294282752");
  EXPECT_TRUE(geotagged.geo.has_point);
  EXPECT_DOUBLE_EQ(geotagged.geo.lat, 40.01736548);  // GeoJSON [lon, lat] read in the right order
  EXPECT_DOUBLE_EQ(geotagged.geo.lon, -105.27786886);
  EXPECT_EQ(geotagged.geo.place, "Boulder, CO");
  EXPECT_EQ(geotagged.geo.country_code, "US");
  ASSERT_TRUE(items.count("twitter:867834809732677634"));
  const ItemRecord& placed = items.at("twitter:867834809732677634");
  EXPECT_FALSE(placed.geo.has_point);
  EXPECT_EQ(placed.geo.place, "Las Condes, Chile");
  EXPECT_EQ(placed.geo.country_code, "CL");
  // A quoted status's author (an expansion) keeps its profile location.
  ASSERT_TRUE(items.count("twitter:861652051016663040"));
  EXPECT_EQ(items.at("twitter:861652051016663040").author_location, "Boulder, CO");
  ASSERT_TRUE(items.count("twitter:872836479608733696"));
  EXPECT_TRUE(items.at("twitter:872836479608733696").geo.empty());

  auto timeline = ReadItems(Format::kTwitterV1, data / "v1-fr-timeline-2013" / "statuses.jsonl");
  std::map<std::string, std::string> location;  // handle → profile location
  for (const auto& [key, item] : timeline) location[item.author.handle] = item.author_location;
  EXPECT_EQ(location.at("sdouche"), "Paris");
  EXPECT_EQ(location.at("sdeleuze"), "Lyon");
  EXPECT_EQ(location.at("yanngalut"), "Bourges-France");
  EXPECT_EQ(location.at("chrisbuckett"), "Maidstone, Kent, UK");
  EXPECT_EQ(location.at("GirouGuillaume"), "");
  ASSERT_TRUE(timeline.count("twitter:327175694410977281"));
  EXPECT_EQ(timeline.at("twitter:327175694410977281").geo.place, "Chicago, IL");
}

TEST(GeoReaders, TwitterV2KeepsGeoCoordinatesAndIncludedPlaces) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto items = ReadItems(Format::kTwitterV2, data / "twarc2-jsonl" / "geo_tweets.jsonl");
  ASSERT_TRUE(items.count("twitter:1249702384659554308"));
  const ItemRecord& point = items.at("twitter:1249702384659554308");
  EXPECT_TRUE(point.geo.has_point);
  EXPECT_DOUBLE_EQ(point.geo.lon, 42.77810097);  // v2 writes GeoJSON order: [lon, lat]
  EXPECT_DOUBLE_EQ(point.geo.lat, 88.01785747);
  ASSERT_TRUE(items.count("twitter:1501963039859363843"));
  const ItemRecord& placed = items.at("twitter:1501963039859363843");
  EXPECT_FALSE(placed.geo.has_point);
  EXPECT_EQ(placed.geo.place, "Berlin, Germany");  // geo.place_id found in includes.places
  EXPECT_EQ(placed.geo.country_code, "DE");
  EXPECT_EQ(placed.author_location, "Ireland");

  auto twitwi = ReadItems(Format::kTwitterV2, data / "twitwi-tweets-bluesky" / "payload-v2-geo.json");
  ASSERT_TRUE(twitwi.count("twitter:1382840699322732544"));
  const ItemRecord& miami = twitwi.at("twitter:1382840699322732544");
  EXPECT_TRUE(miami.geo.has_point);
  EXPECT_DOUBLE_EQ(miami.geo.lat, 25.7751);
  EXPECT_DOUBLE_EQ(miami.geo.lon, -80.1936);
  EXPECT_EQ(miami.geo.place, "Miami, FL");
  EXPECT_EQ(miami.author_location, "Miami, FL");
}

TEST(GeoReaders, MastodonProfileFieldNamedLikeALocation) {
  // No real Mastodon fixture has a location field: a status as the API writes it, its account's
  // `fields` holding one (HTML value, as Mastodon renders it).
  const std::string status =
      R"({"id":"1","uri":"https://mastodon.social/users/alice/statuses/1","url":"https://mastodon.social/@alice/1",)"
      R"("created_at":"2024-07-02T08:00:00.000Z","content":"<p>Bonjour</p>","account":{"id":"9","username":"alice",)"
      R"("acct":"alice","url":"https://mastodon.social/@alice","display_name":"Alice","fields":[{"name":"Site",)"
      R"("value":"<a href=\"https://example.org\">example.org</a>"},{"name":"Localisation","value":"<p>Toulon, Var</p>"}]},)"
      R"("mentions":[],"tags":[],"media_attachments":[]})";
  auto reader = MakeReader(Format::kMastodon, {});
  std::vector<RecordOutcome> outcomes;
  reader->ParseDocument(status + "\n", "mem.jsonl", outcomes);
  ASSERT_EQ(outcomes.size(), 1u);
  const auto* rec = std::get_if<ParsedRecord>(&outcomes[0]);
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->items.at(0).author_location, "Toulon, Var");
}

// A new store in `dir` holding `paths` ingested with the built-in registry (2 threads).
Store* NewStoreOf(const testing::TempDir& dir, std::vector<std::string> paths, int partitions) {
  static const Registry registry = Registry::Builtin();
  auto* store = new Store(Store::Open(dir.path() / "st", OpenMode::kCreate));
  IngestOptions opt;
  opt.paths = std::move(paths);
  opt.threads = 2;
  opt.partitions = partitions;
  opt.registry = &registry;
  Ingest(*store, opt);
  return store;
}

// The rows SQL gives on a store, each as its text columns joined by '|'.
std::vector<std::string> QueryRows(const Store& store, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(store.db(), sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(store.db());
  std::vector<std::string> rows;
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    std::string& row = rows.emplace_back();
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      if (c) row += "|";
      const unsigned char* t = sqlite3_column_text(st, c);
      if (t) row += reinterpret_cast<const char*>(t);
    }
  }
  sqlite3_finalize(st);
  return rows;
}

// One ingest of the real fixtures with geography and of the dateline fixture, into 3 partitions.
class GeoStore : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new std::filesystem::path(testing::SharedDataDir());
    if (data_->empty()) return;
    tmp_ = new testing::TempDir();
    store_ = NewStoreOf(*tmp_,
                        {(*data_ / "v1-fr-timeline-2013" / "statuses.jsonl").string(),
                         (*data_ / "twitterdev-tweet-payloads" / "original_format_examples.json").string(),
                         (*data_ / "twarc2-jsonl" / "geo_tweets.jsonl").string(),
                         (testing::FixturesDir() / "geo" / "datelines.jsonl").string()},
                        3);
  }
  static void TearDownTestSuite() {
    delete store_;
    delete tmp_;
    delete data_;
    store_ = nullptr;
    tmp_ = nullptr;
    data_ = nullptr;
  }
  void SetUp() override {
    if (data_->empty()) GTEST_SKIP() << "../shared/data not found (set RELAIS_SHARED_DATA); real-data test skipped";
  }
  // One row of SQL as text columns joined by '|'.
  static std::string Row(const std::string& sql) {
    const auto rows = QueryRows(*store_, sql);
    return rows.empty() ? "<none>" : rows.front();
  }
  static std::filesystem::path* data_;
  static testing::TempDir* tmp_;
  static Store* store_;
};
std::filesystem::path* GeoStore::data_ = nullptr;
testing::TempDir* GeoStore::tmp_ = nullptr;
Store* GeoStore::store_ = nullptr;

TEST_F(GeoStore, SchemaVersionAndTables) {
  EXPECT_EQ(store_->GetMeta("schema_version"), "5");
  EXPECT_TRUE(HasGeography(*store_));
}

TEST_F(GeoStore, ItemGeoHoldsCoordinatesPlaceAndResolution) {
  // A geotag abroad that no seed resolves: its place does ("Boulder, CO" with country code US).
  EXPECT_EQ(Row("SELECT g.lat, g.lon, g.place, g.country_code, coalesce(g.departement, ''), g.country, g.evidence "
                "FROM item_geo g JOIN items i ON i.id = g.item_id WHERE i.key = 'twitter:887453193294282752'"),
            "40.01736548|-105.27786886|Boulder, CO|US||US|place");
  EXPECT_EQ(Row("SELECT g.place, g.country, g.evidence FROM item_geo g JOIN items i ON i.id = g.item_id "
                "WHERE i.key = 'twitter:1501963039859363843'"),
            "Berlin, Germany|DE|place");
  // A point near the North Pole: kept, unresolved (no evidence, no country).
  EXPECT_EQ(Row("SELECT g.lat, g.lon, g.evidence IS NULL, g.country IS NULL FROM item_geo g JOIN items i "
                "ON i.id = g.item_id WHERE i.key = 'twitter:1249702384659554308'"),
            "88.01785747|42.77810097|1|1");
  // Items without geography have no row.
  EXPECT_EQ(Row("SELECT count(*) FROM item_geo g JOIN items i ON i.id = g.item_id "
                "WHERE i.key = 'twitter:872836479608733696'"),
            "0");
}

TEST_F(GeoStore, PressDatelinesResolveToTheirDepartement) {
  EXPECT_EQ(Row("SELECT g.departement, g.region, g.evidence FROM item_geo g JOIN items i ON i.id = g.item_id "
                "WHERE i.url LIKE '%/faits-divers/incendie-1'"),
            "83|Provence-Alpes-Côte d'Azur|dateline");
  EXPECT_EQ(Row("SELECT g.departement, g.evidence FROM item_geo g JOIN items i ON i.id = g.item_id "
                "WHERE i.url LIKE '%/politique/conseil-2'"),
            "83|dateline");  // Hyères
  EXPECT_EQ(Row("SELECT count(*) FROM item_geo g JOIN items i ON i.id = g.item_id "
                "WHERE i.url LIKE '%/sport/rct-4'"),
            "0");
  // The outlet's home: its datelines' département (3 of 3 in the Var).
  EXPECT_EQ(Row("SELECT g.departement, g.evidence, g.items, g.confidence FROM actor_geo g JOIN actors a "
                "ON a.id = g.actor_id WHERE a.key = 'varmatin.com'"),
            "83|dateline|3|1.0");
}

TEST_F(GeoStore, ActorGeoHoldsProfilesAndHomes) {
  auto home = [](const std::string& key) {
    return Row(
        "SELECT coalesce(g.location, ''), coalesce(g.departement, ''), coalesce(g.region, ''), "
        "coalesce(g.country, ''), coalesce(g.evidence, '') FROM actor_geo g JOIN actors a ON a.id = g.actor_id "
        "WHERE a.key = '" +
        key + "'");
  };
  EXPECT_EQ(home("@sdouche"), "Paris|75|Île-de-France|FR|profile");
  EXPECT_EQ(home("@sdeleuze"), "Lyon|69|Auvergne-Rhône-Alpes|FR|profile");
  EXPECT_EQ(home("@yanngalut"), "Bourges-France|18|Centre-Val de Loire|FR|profile");
  EXPECT_EQ(home("@gordontesos"), "Nantes|44|Pays de la Loire|FR|profile");
  EXPECT_EQ(home("@chrisbuckett"), "Maidstone, Kent, UK|||GB|profile");
  EXPECT_EQ(home("@dartlang_fr"), "Sur les pages Web||||");  // kept, unresolved
  EXPECT_EQ(home("@GirouGuillaume"), "<none>");              // empty profile location: no row
  // Places outrank a profile: RobotPrincessFi's posts are placed in Las Condes (CL) more often than
  // in Boulder (US); notFromShrek's profile says Boulder, CO, its posts' places agree (3 of 4).
  EXPECT_EQ(home("@RobotPrincessFi"), "|||CL|place");
  EXPECT_EQ(Row("SELECT g.location, g.country, g.evidence, g.items FROM actor_geo g JOIN actors a "
                "ON a.id = g.actor_id WHERE a.key = '@notFromShrek'"),
            "Boulder, CO|US|place|3");
}

TEST_F(GeoStore, ActorPlacesPreferTheRegistryRegion) {
  auto places = ActorPlaces(*store_);
  std::map<std::string, ActorPlace> by_key;
  Statement st(store_->db(), "SELECT id, key FROM actors");
  while (st.Step()) {
    auto it = places.find(st.Int(0));
    if (it != places.end()) by_key[st.Text(1)] = it->second;
  }
  ASSERT_TRUE(by_key.count("varmatin.com"));
  EXPECT_TRUE(by_key.at("varmatin.com").registry);
  EXPECT_EQ(by_key.at("varmatin.com").region, "Provence-Alpes-Côte d'Azur");
  EXPECT_EQ(by_key.at("varmatin.com").departement, "83");
  ASSERT_TRUE(by_key.count("@sdeleuze"));
  EXPECT_EQ(by_key.at("@sdeleuze").departement, "69");
  EXPECT_EQ(by_key.at("@sdeleuze").evidence, geo::Evidence::kProfile);
  EXPECT_FALSE(by_key.count("@dartlang_fr"));
}

// An item's place from its strongest evidence (PrepareRecord): a press article's edition is its place, so it
// ranks below its geotag and above its dateline.
TEST(GeoReaders, EditionRanksBelowGeotagAboveDateline) {
  auto place_of = [](const ItemRecord& item) {
    ParsedRecord rec;
    rec.items.push_back(item);
    return PrepareRecord(std::move(rec)).places.at(0);
  };
  ItemRecord a;
  a.platform = "press";
  a.channel = Channel::kPress;
  a.kind = ItemKind::kArticle;
  a.author.key = "nicematin.com";
  a.author.platform = "press";
  a.url = "https://www.nicematin.com/a-1";
  a.title = "Titre";
  a.text = "TOULON (AFP) \xE2\x80\x93 Les marins sont arriv\xC3\xA9s.";  // dateline: Toulon, 83
  auto p = place_of(a);
  EXPECT_EQ(p.departement, "83");
  EXPECT_EQ(p.evidence, geo::Evidence::kDateline);
  a.geo.place = "Cannes";  // the edition ("Nice-Matin (Cannes)") wins over the dateline
  p = place_of(a);
  EXPECT_EQ(p.departement, "06");
  EXPECT_EQ(p.evidence, geo::Evidence::kPlace);
  EXPECT_GT(p.confidence, geo::Gazetteer::Builtin().ResolveDateline(a.text).confidence);
  a.geo.place = "Trifouillis-les-Oies";  // an edition that does not resolve leaves the dateline
  p = place_of(a);
  EXPECT_EQ(p.departement, "83");
  EXPECT_EQ(p.evidence, geo::Evidence::kDateline);
  a.geo.place = "Saint-Denis";  // a homonym (93, 974): France, no département, as the gazetteer says
  p = place_of(a);
  EXPECT_EQ(p.departement, "");
  EXPECT_EQ(p.country, "FR");
  EXPECT_TRUE(p.ambiguous);
  EXPECT_EQ(p.evidence, geo::Evidence::kPlace);
  a.geo.place = "Cannes";
  a.geo.has_point = true;  // a geotag outranks the edition (Rennes)
  a.geo.lat = 48.1114;
  a.geo.lon = -1.6800;
  p = place_of(a);
  EXPECT_EQ(p.departement, "35");
  EXPECT_EQ(p.evidence, geo::Evidence::kGeotag);
}

// The edition fixture (own, no shared data) ingested: item_geo, actor_geo and ActorPlaces.
class GeoEditions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    store_ = NewStoreOf(*tmp_, {(testing::FixturesDir() / "input" / "europresse-editions").string()}, 2);
  }
  static void TearDownTestSuite() {
    delete store_;
    delete tmp_;
    store_ = nullptr;
    tmp_ = nullptr;
  }
  // Every row of SQL, columns joined by '|', rows by '\n'.
  static std::string Rows(const std::string& sql) {
    std::string out;
    for (const auto& row : QueryRows(*store_, sql)) out += (out.empty() ? "" : "\n") + row;
    return out;
  }
  static std::int64_t ActorId(const std::string& key) {
    return std::stoll(Rows("SELECT id FROM actors WHERE key = '" + key + "'"));
  }
  static testing::TempDir* tmp_;
  static Store* store_;
};
testing::TempDir* GeoEditions::tmp_ = nullptr;
Store* GeoEditions::store_ = nullptr;

TEST_F(GeoEditions, ItemGeoHoldsEachEdition) {
  // In the fixture's order: the edition (the `place` column), its resolution and the evidence used.
  EXPECT_EQ(Rows("SELECT a.key, coalesce(g.place, ''), coalesce(g.departement, ''), coalesce(g.country, ''), "
                 "coalesce(g.evidence, '') FROM items i JOIN actors a ON a.id = i.actor_id "
                 "LEFT JOIN item_geo g ON g.item_id = i.id ORDER BY i.id"),
            "ouest-france.fr|Rennes|35|FR|place\n"  // not Brest, its dateline
            "nicematin.com|Cannes|06|FR|place\n"    // not Toulon, its dateline
            "varmatin.com|Toulon|83|FR|place\n"
            "nicematin.com||13|FR|dateline\n"         // "(site web)": its dateline
            "leprogres.fr|Trifouillis-les-Oies|||\n"  // kept as text, unresolved
            "sudouest.fr/gironde/bordeaux|Bordeaux|33|FR|place\n"
            "letelegramme.fr||56|FR|dateline\n"  // "(édition numérique)": Lorient
            "Le Petit Varois|Hy\xC3\xA8res|83|FR|place\n"
            "Le Petit Varois|Hy\xC3\xA8res|83|FR|place\n"
            "La Gazette du Sud|Saint-Denis||FR|place\n"  // 93 or 974
            "Le Courrier Libre||06|FR|dateline");
}

TEST_F(GeoEditions, PerEditionGeographyIsQueryable) {
  // The outlets' articles by the département of their edition: what `relais sql` answers on item_geo.
  EXPECT_EQ(Rows("SELECT a.key, g.departement, count(*) FROM item_geo g JOIN items i ON i.id = g.item_id "
                 "JOIN actors a ON a.id = i.actor_id WHERE i.channel = 'press' AND g.evidence = 'place' AND "
                 "g.departement IS NOT NULL "
                 "GROUP BY 1, 2 ORDER BY 1, 2"),
            "Le Petit Varois|83|2\n"
            "nicematin.com|06|1\n"
            "ouest-france.fr|35|1\n"
            "sudouest.fr/gironde/bordeaux|33|1\n"
            "varmatin.com|83|1");
  // An edition is not an actor of its own (docs/geo.md): Ouest-France's Rennes article is the title's.
  EXPECT_EQ(Rows("SELECT count(*) FROM actors WHERE key LIKE 'ouest-france.fr/%'"), "0");
}

TEST_F(GeoEditions, OutletHomesFromEditionsBeforeDatelines) {
  auto home = [](const std::string& key) {
    return Rows(
        "SELECT coalesce(g.departement, ''), g.country, g.evidence, g.items, g.confidence FROM actor_geo g "
        "JOIN actors a ON a.id = g.actor_id WHERE a.key = '" +
        key + "'");
  };
  EXPECT_EQ(home("nicematin.com"), "06|FR|place|1|1.0");  // its edition, not its other article's dateline
  EXPECT_EQ(home("Le Petit Varois"), "83|FR|place|2|1.0");
  EXPECT_EQ(home("Le Courrier Libre"), "06|FR|dateline|1|1.0");
  EXPECT_EQ(home("La Gazette du Sud"), "|FR|place|1|1.0");
  EXPECT_EQ(home("leprogres.fr"), "");  // an unresolved edition gives no home
  // Analyses (who --audience-of, flows/stats --by region) locate an unlisted title by its editions, never by
  // its datelines (where it reports, not where it is published).
  const auto places = ActorPlaces(*store_);
  ASSERT_TRUE(places.count(ActorId("Le Petit Varois")));
  const ActorPlace& varois = places.at(ActorId("Le Petit Varois"));
  EXPECT_EQ(varois.departement, "83");
  EXPECT_EQ(varois.region, "Provence-Alpes-C\xC3\xB4te d'Azur");
  EXPECT_EQ(varois.evidence, geo::Evidence::kPlace);
  EXPECT_FALSE(varois.registry);
  EXPECT_FALSE(places.count(ActorId("Le Courrier Libre")));
  // A listed title keeps the registry's région, with its editions' département when it lies in it.
  const ActorPlace& of = places.at(ActorId("ouest-france.fr"));
  EXPECT_EQ(of.region, "Bretagne");
  EXPECT_EQ(of.departement, "35");
  EXPECT_TRUE(of.registry);
}

// Homes after several ingests equal one ingest of everything, whichever file comes first: an incremental ingest
// redoes the homes of the actors its new items and profiles touch (items of one account in several runs, a
// profile written again, datelines and editions), and those alone.
TEST(GeoIncremental, HomesAfterAppendsInEitherOrderEqualOneIngest) {
  const std::filesystem::path data = testing::SharedDataDir();
  if (data.empty()) GTEST_SKIP() << "../shared/data not found (set RELAIS_SHARED_DATA); real-data test skipped";
  testing::TempDir dir;
  // Each file of lines cut in two, so that an account's posts and profile arrive in two runs.
  std::vector<std::string> parts;
  for (const auto& [name, file] : {std::pair{"timeline", data / "v1-fr-timeline-2013" / "statuses.jsonl"},
                                   std::pair{"geo", data / "twarc2-jsonl" / "geo_tweets.jsonl"}}) {
    std::istringstream lines(Slurp(file));
    std::string line, halves[2];
    for (int n = 0; std::getline(lines, line); ++n) halves[n % 2] += line + "\n";
    for (int h = 0; h < 2; ++h) {
      parts.push_back((dir.path() / (std::string(name) + std::to_string(h) + ".jsonl")).string());
      std::ofstream(parts.back(), std::ios::binary) << halves[h];
    }
  }
  parts.push_back((data / "twitterdev-tweet-payloads" / "original_format_examples.json").string());
  parts.push_back((testing::FixturesDir() / "geo" / "datelines.jsonl").string());
  parts.push_back((testing::FixturesDir() / "input" / "europresse-editions").string());
  const Registry registry = Registry::Builtin();
  auto ingest = [&](const std::string& store, std::vector<std::string> paths) {
    Store st = Store::Open(dir.path() / store, OpenMode::kCreate);
    IngestOptions opt;
    opt.paths = std::move(paths);
    opt.threads = 2;
    opt.partitions = 3;
    opt.registry = &registry;
    Ingest(st, opt);
  };
  auto homes = [&](const std::string& store) {
    Store st = Store::Open(dir.path() / store, OpenMode::kReadOnly);
    std::string out;
    for (const auto& row : QueryRows(st,
                                     "SELECT a.key, coalesce(g.location, ''), coalesce(g.departement, ''), "
                                     "coalesce(g.region, ''), coalesce(g.country, ''), coalesce(g.evidence, ''), "
                                     "coalesce(g.confidence, ''), g.items FROM actor_geo g JOIN actors a ON a.id = "
                                     "g.actor_id ORDER BY a.key"))
      out += row + "\n";
    return out;
  };
  ingest("once", parts);
  const std::string once = homes("once");
  for (const bool reversed : {false, true}) {
    const std::string name = reversed ? "backward" : "forward";
    std::vector<std::string> order = parts;
    if (reversed) std::reverse(order.begin(), order.end());
    for (const auto& part : order) ingest(name, {part});
    ingest(name, {order.front()});  // a rerun: duplicates whose profiles are written again
    EXPECT_EQ(homes(name), once) << name;
  }
  // The fixtures give homes of every kind of evidence.
  for (const char* evidence : {"|profile|", "|place|", "|dateline|"})
    EXPECT_NE(once.find(evidence), std::string::npos) << evidence;
}

}  // namespace
}  // namespace relais::corpora
