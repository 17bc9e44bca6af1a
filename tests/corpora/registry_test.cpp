// The actor registry: CSV loading and its errors, resolution rules, and the shipped registry.
#include "relais/corpora/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "relais/base/error.hpp"
#include "relais/corpora/geo.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

namespace fs = std::filesystem;

std::string ClassOf(const Registry& r, std::string_view key) {
  const auto info = r.Resolve(key);
  return info ? info->actor_class : "(none)";
}

std::string RegionOf(const Registry& r, std::string_view key) {
  const auto info = r.Resolve(key);
  return info ? info->region : "(none)";
}

std::string NameOf(const Registry& r, std::string_view key) {
  const auto info = r.Resolve(key);
  return info ? info->name : "(none)";
}

/// Runs `fn`, expecting a relais::Error of `kind`; returns its what().
template <typename Fn>
std::string ErrorOf(ErrorKind kind, Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no relais::Error thrown";
  return {};
}

template <typename Fn>
std::string DataErrorOf(Fn fn) {
  return ErrorOf(ErrorKind::kData, fn);
}

// ---------------------------------------------------------------------------------------------
// Loading

TEST(RegistryCsv, ParsesQuotedFieldsCommentsHeaderAndCrlf) {
  Registry r;
  r.LoadCsvText(
      "\xEF\xBB\xBFkey,kind,actor_class,region,name\r\n"
      "# comment line\r\n"
      "\r\n"
      "journal.example,domain,press-regional,Bretagne,\"Le Journal, \"\"édition\"\" du soir\"\r\n"
      " @Someone , handle , journalist , , Some One \r\n"
      "twitter:42,platform_id,politician,,Quarante-Deux\n",
      "mem.csv");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(NameOf(r, "https://www.journal.example/a"), "Le Journal, \"édition\" du soir");
  EXPECT_EQ(ClassOf(r, "@someone"), "journalist");
  EXPECT_EQ(NameOf(r, "someone"), "Some One");
  EXPECT_EQ(r.Resolve("SOMEONE")->key, "@Someone");
  EXPECT_EQ(ClassOf(r, "twitter:42"), "politician");
  EXPECT_EQ(ClassOf(r, "42"), "politician");  // a bare number is a Twitter user id
}

TEST(RegistryCsv, HeaderIsOptional) {
  Registry r;
  r.LoadCsvText("lemonde.fr,domain,press-national,,Le Monde\n", "noheader.csv");
  EXPECT_EQ(ClassOf(r, "lemonde.fr"), "press-national");
}

TEST(RegistryCsv, OptionalDepartmentAndGroupColumns) {
  Registry r;
  r.LoadCsvText(
      "key,kind,actor_class,region,name,department,group\n"
      "varmatin.com,domain,press-regional,Provence-Alpes-C\xC3\xB4te d'Azur,Var-Matin,83,Nice-Matin\n"
      "corsematin.com,domain,press-regional,Corse,Corse-Matin,2A,Nice-Matin\n"
      "lemonde.fr,domain,press-national,,Le Monde\n"
      "clicanoo.re,domain,press-regional,La R\xC3\xA9union,Le JIR,974,\n",
      "g.csv");
  ASSERT_EQ(r.size(), 4u);
  auto a = r.Resolve("https://www.varmatin.com/faits-divers/x");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->department, "83");
  EXPECT_EQ(a->group, "Nice-Matin");
  a = r.Resolve("corsematin.com");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->department, "2A");
  a = r.Resolve("lemonde.fr");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->department, "");
  EXPECT_EQ(a->group, "");
  a = r.Resolve("clicanoo.re");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->department, "974");
  EXPECT_EQ(a->group, "");
}

TEST(RegistryCsv, BadRowsNameFileAndLine) {
  Registry r;
  std::string msg = DataErrorOf([&] {
    r.LoadCsvText("key,kind,actor_class,region,name\n@a,handle,public,,A\n@b,handle,influencer,,B\n", "x.csv");
  });
  EXPECT_NE(msg.find("x.csv:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("influencer"), std::string::npos) << msg;
  EXPECT_EQ(r.size(), 0u) << "a bad file must not be half-loaded";

  msg = DataErrorOf(
      [&] { r.LoadCsvText("key,kind,actor_class,region,name\n\nlemonde.fr,domain,press-national\n", "y.csv"); });
  EXPECT_NE(msg.find("y.csv:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("5 or 7 columns"), std::string::npos) << msg;

  // Six columns: neither the short nor the full form.
  msg = DataErrorOf([&] {
    r.LoadCsvText("key,kind,actor_class,region,name\nlemonde.fr,domain,press-national,,Le Monde,75\n", "s.csv");
  });
  EXPECT_NE(msg.find("s.csv:2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("5 or 7 columns"), std::string::npos) << msg;

  // A department must be an INSEE code.
  msg = DataErrorOf([&] {
    r.LoadCsvText(
        "key,kind,actor_class,region,name,department,group\nvarmatin.com,domain,press-regional,"
        "Provence-Alpes-C\xC3\xB4te d'Azur,Var-Matin,Var,Nice-Matin\n",
        "d.csv");
  });
  EXPECT_NE(msg.find("d.csv:2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("department 'Var'"), std::string::npos) << msg;

  msg = DataErrorOf([&] { r.LoadCsvText("lemonde.fr,website,press-national,,Le Monde\n", "z.csv"); });
  EXPECT_NE(msg.find("z.csv:1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("website"), std::string::npos) << msg;

  msg = DataErrorOf([&] { r.LoadCsvText(",handle,public,,Nobody\n", "e.csv"); });
  EXPECT_NE(msg.find("e.csv:1"), std::string::npos) << msg;

  msg = DataErrorOf([&] { r.LoadCsvText("@,handle,public,,Nobody\n", "e2.csv"); });
  EXPECT_NE(msg.find("e2.csv:1"), std::string::npos) << msg;

  msg = DataErrorOf([&] { r.LoadCsvText("a,domain,public,,\"unterminated\n", "q.csv"); });
  EXPECT_NE(msg.find("q.csv:1"), std::string::npos) << msg;

  msg = DataErrorOf([&] { r.LoadCsvText("@a,handle,public,,\xC3\x28\n", "u.csv"); });
  EXPECT_NE(msg.find("UTF-8"), std::string::npos) << msg;
  EXPECT_EQ(r.size(), 0u);
}

TEST(RegistryCsv, AnotherKindOfFileIsAUsageError) {
  Registry r;
  std::string msg =
      ErrorOf(ErrorKind::kInvalidArgument, [&] { r.LoadCsvText("{\"id\": 1, \"text\": \"x\"}\n", "a.jsonl"); });
  EXPECT_NE(msg.find("a.jsonl: not an actor registry CSV"), std::string::npos) << msg;
  msg = ErrorOf(ErrorKind::kInvalidArgument,
                [&] { r.LoadCsvText("<?xml version=\"1.0\"?>\n<rss><channel/></rss>\n", "feed.rss"); });
  EXPECT_NE(msg.find("not an actor registry CSV"), std::string::npos) << msg;
  msg = ErrorOf(ErrorKind::kInvalidArgument, [&] { r.LoadCsvText("key,kind,actor_class,region,name\n", "h.csv"); });
  EXPECT_NE(msg.find("holds no actors"), std::string::npos) << msg;
  msg = ErrorOf(ErrorKind::kInvalidArgument, [&] { r.LoadCsvText("", "empty.csv"); });
  EXPECT_NE(msg.find("holds no actors"), std::string::npos) << msg;
  msg = ErrorOf(ErrorKind::kInvalidArgument, [&] { r.LoadCsv((testing::FixturesDir() / "registry").string()); });
  EXPECT_NE(msg.find("is a folder"), std::string::npos) << msg;
  // A quoted comma does not make a column: this first row has five fields, so a bad row is a data error.
  msg = DataErrorOf([&] { r.LoadCsvText("\"a,b\",handle,nope,,Name\n", "q.csv"); });
  EXPECT_NE(msg.find("q.csv:1"), std::string::npos) << msg;
  EXPECT_EQ(r.size(), 0u);
}

TEST(RegistryCsv, LineNumbersCountQuotedNewlines) {
  Registry r;
  const std::string msg =
      DataErrorOf([&] { r.LoadCsvText("a.example,domain,public,,\"two\nlines\"\n@b,handle,nope,,B\n", "multi.csv"); });
  EXPECT_NE(msg.find("multi.csv:3"), std::string::npos) << msg;
}

TEST(RegistryCsv, FilesFromFixtures) {
  Registry r = Registry::Builtin();
  const auto dir = testing::FixturesDir() / "registry";
  r.LoadCsv((dir / "extra.csv").string());
  EXPECT_EQ(ClassOf(r, "@jeanne_reporter"), "journalist");
  EXPECT_EQ(NameOf(r, "http://journal-local.example/x"), "Le Journal local, édition du soir");
  EXPECT_EQ(NameOf(r, "@varmatin"), "Var-Matin (overridden)");  // later entries override
  EXPECT_EQ(NameOf(r, "varmatin.com"), "Var-Matin");            // other keys untouched

  std::string msg = DataErrorOf([&] { r.LoadCsv((dir / "bad_class.csv").string()); });
  EXPECT_NE(msg.find("bad_class.csv:3"), std::string::npos) << msg;
  msg = DataErrorOf([&] { r.LoadCsv((dir / "bad_columns.csv").string()); });
  EXPECT_NE(msg.find("bad_columns.csv:3"), std::string::npos) << msg;
  msg = DataErrorOf([&] { r.LoadCsv((dir / "bad_kind.csv").string()); });
  EXPECT_NE(msg.find("bad_kind.csv:2"), std::string::npos) << msg;
  msg = DataErrorOf([&] { r.LoadCsv((dir / "no-such-file.csv").string()); });
  EXPECT_NE(msg.find("no-such-file.csv"), std::string::npos) << msg;
}

// CheckCsv (the commands' usage check of --actors) throws what LoadCsv throws, and nothing for a good file.
TEST(RegistryCsv, CheckCsvThrowsWhatLoadCsvThrows) {
  const auto dir = testing::FixturesDir() / "registry";
  EXPECT_NO_THROW(Registry::CheckCsv((dir / "extra.csv").string()));
  for (const char* name : {"bad_class.csv", "bad_columns.csv", "bad_kind.csv", "no-such-file.csv"}) {
    const std::string path = (dir / name).string();
    Registry r;
    const std::string loaded = DataErrorOf([&] { r.LoadCsv(path); });
    EXPECT_FALSE(loaded.empty()) << name;
    EXPECT_EQ(DataErrorOf([&] { Registry::CheckCsv(path); }), loaded) << name;
  }
  const std::string folder = ErrorOf(ErrorKind::kInvalidArgument, [&] { Registry::CheckCsv(dir.string()); });
  EXPECT_NE(folder.find("is a folder"), std::string::npos) << folder;
}

TEST(RegistryCsv, OverrideKeepsPositionAndSize) {
  Registry r;
  r.LoadCsvText("@a,handle,public,,A\n@b,handle,public,,B\n", "1.csv");
  r.LoadCsvText("@A,handle,journalist,,A2\n", "2.csv");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.Entry(0).kind, "handle");
  EXPECT_EQ(r.Entry(0).name, "A2");
  EXPECT_EQ(r.Entry(0).actor_class, "journalist");
  EXPECT_EQ(r.Entry(0).key, "@A");
  EXPECT_EQ(r.Entry(1).name, "B");
  EXPECT_THROW(r.Entry(2), std::out_of_range);
  EXPECT_THROW(r.Add("website", "x.fr", ActorInfo{"", "public", "", "X"}), Error);
  EXPECT_THROW(r.Add("domain", "x.fr", ActorInfo{"", "blogger", "", "X"}), Error);
}

TEST(RegistryCsv, RandomMutationsLoadOrFailCleanly) {
  const std::string base =
      "key,kind,actor_class,region,name\n@a,handle,public,,A\n\"b.fr/x\",domain,press-regional,Corse,\"B, b\"\n"
      "twitter:1,platform_id,politician,,C\n";
  const std::string alphabet = ",\"\n\r#@:/. ax\xC3\xA9";
  std::uint64_t state = 7;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  std::size_t loaded = 0, rejected = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string csv = base;
    for (int e = 0; e < 3; ++e) {
      const std::size_t pos = next() % csv.size();
      if (next() % 2) {
        csv.insert(csv.begin() + static_cast<std::ptrdiff_t>(pos), alphabet[next() % alphabet.size()]);
      } else {
        csv.erase(pos, 1);
      }
    }
    Registry r;
    try {
      r.LoadCsvText(csv, "fuzz.csv");
      ++loaded;
      for (std::size_t idx = 0; idx < r.size(); ++idx) EXPECT_TRUE(IsActorClass(r.Entry(idx).actor_class));
    } catch (const Error& e) {
      // A mutated header can turn the file into "not a registry" (a usage error); anything else is a data error.
      ASSERT_TRUE(e.kind() == ErrorKind::kData || e.kind() == ErrorKind::kInvalidArgument) << e.what();
      ASSERT_EQ(std::string(e.what()).rfind("fuzz.csv", 0), 0u) << e.what();
      ASSERT_EQ(r.size(), 0u);
      ++rejected;
    }
  }
  EXPECT_GT(loaded, 0u);
  EXPECT_GT(rejected, 0u);
}

// ---------------------------------------------------------------------------------------------
// Resolution rules

Registry SmallRegistry() {
  Registry r;
  r.LoadCsvText(
      "ouest-france.fr,domain,press-regional,Bretagne,Ouest-France\n"
      "ouest-france.fr/normandie,domain,press-regional,Normandie,Ouest-France\n"
      "lefigaro.fr,domain,press-national,,Le Figaro\n"
      "madame.lefigaro.fr,domain,press-national,,Madame Figaro\n"
      "gouv.fr,domain,institution,,État\n"
      "interieur.gouv.fr,domain,institution,,Intérieur\n"
      "@varmatin,handle,press-regional,Provence-Alpes-Côte d'Azur,Var-Matin\n"
      "mastodon:@alice@piaille.fr,handle,journalist,,Alice\n"
      "bluesky:@lemonde.fr,handle,press-national,,Le Monde\n"
      "twitter:1976143068,platform_id,politician,,Emmanuel Macron\n",
      "small.csv");
  return r;
}

TEST(RegistryResolve, Handles) {
  const Registry r = SmallRegistry();
  for (const char* k : {"@varmatin", "varmatin", "@VarMatin", "VARMATIN", " @varmatin ", "twitter:@varmatin",
                        "https://twitter.com/VarMatin", "https://x.com/varmatin/status/1"}) {
    EXPECT_EQ(ClassOf(r, k), "press-regional") << k;
  }
  EXPECT_EQ(r.Resolve("@varmatin")->key, "@varmatin");
  EXPECT_EQ(ClassOf(r, "mastodon:@Alice@piaille.fr"), "journalist");
  EXPECT_EQ(ClassOf(r, "mastodon:alice@piaille.fr"), "journalist");
  EXPECT_EQ(ClassOf(r, "@alice@piaille.fr"), "(none)");  // without a platform it is not Mastodon's
  EXPECT_EQ(ClassOf(r, "bluesky:@lemonde.fr"), "press-national");
  EXPECT_EQ(ClassOf(r, "@nicematin"), "(none)");
  EXPECT_EQ(ClassOf(r, "https://twitter.com/i/web/status/1"), "(none)");
  EXPECT_EQ(ClassOf(r, "@"), "(none)");
}

TEST(RegistryResolve, DomainsSubdomainsAndPaths) {
  const Registry r = SmallRegistry();
  EXPECT_EQ(NameOf(r, "lefigaro.fr"), "Le Figaro");
  EXPECT_EQ(NameOf(r, "www.lefigaro.fr"), "Le Figaro");
  EXPECT_EQ(NameOf(r, "https://amp.lefigaro.fr/politique/x"), "Le Figaro");
  EXPECT_EQ(NameOf(r, "https://m.madame.lefigaro.fr/x"), "Madame Figaro");
  EXPECT_EQ(NameOf(r, "https://sport24.lefigaro.fr/x"), "Le Figaro");
  EXPECT_EQ(NameOf(r, "https://www.interieur.gouv.fr/actualites"), "Intérieur");
  EXPECT_EQ(NameOf(r, "https://www.herault.gouv.fr"), "État");
  EXPECT_EQ(RegionOf(r, "https://www.ouest-france.fr/normandie/caen-14000/un-titre-123"), "Normandie");
  EXPECT_EQ(RegionOf(r, "https://www.ouest-france.fr/NORMANDIE"), "Normandie");
  EXPECT_EQ(RegionOf(r, "ouest-france.fr/normandie/caen"), "Normandie");
  EXPECT_EQ(RegionOf(r, "https://www.ouest-france.fr/normandie-pas-vraiment/x"), "Bretagne");
  EXPECT_EQ(RegionOf(r, "https://www.ouest-france.fr/politique/x?a=normandie"), "Bretagne");
  EXPECT_EQ(RegionOf(r, "https://www.ouest-france.fr/x#normandie"), "Bretagne");
  // Labels, not characters: these are not the registered outlets.
  EXPECT_EQ(ClassOf(r, "notlefigaro.fr"), "(none)");
  EXPECT_EQ(ClassOf(r, "lefigaro.fr.example.com"), "(none)");
  EXPECT_EQ(ClassOf(r, "https://example.com/lefigaro.fr"), "(none)");
  EXPECT_EQ(ClassOf(r, "fr"), "(none)");
  EXPECT_EQ(ClassOf(r, ""), "(none)");
  EXPECT_EQ(ClassOf(r, "ftp://lefigaro.fr"), "(none)");
}

TEST(RegistryResolve, PlatformIds) {
  const Registry r = SmallRegistry();
  EXPECT_EQ(NameOf(r, "twitter:1976143068"), "Emmanuel Macron");
  EXPECT_EQ(NameOf(r, "1976143068"), "Emmanuel Macron");
  EXPECT_EQ(r.ResolvePlatformId("TWITTER:1976143068")->name, "Emmanuel Macron");
  EXPECT_FALSE(r.ResolvePlatformId("twitter:1"));
}

// ---------------------------------------------------------------------------------------------
// The shipped registry

TEST(BuiltinRegistry, ContractCases) {
  const Registry r = Registry::Builtin();
  EXPECT_EQ(ClassOf(r, "lemonde.fr"), "press-national");
  EXPECT_EQ(ClassOf(r, "https://www.varmatin.com/politique/un-article-123"), "press-regional");
  EXPECT_EQ(RegionOf(r, "https://www.varmatin.com/politique/un-article-123"), "Provence-Alpes-Côte d'Azur");
  EXPECT_EQ(ClassOf(r, "@varmatin"), "press-regional");
  EXPECT_EQ(ClassOf(r, "@Nice_Matin"), "press-regional");
  EXPECT_EQ(NameOf(r, "https://www.nicematin.com/x"), "Nice-Matin");
  EXPECT_EQ(ClassOf(r, "@AFP"), "press-agency");
  EXPECT_EQ(ClassOf(r, "@afpfr"), "press-agency");
  EXPECT_EQ(ClassOf(r, "https://www.businesswire.com/news/home/x/fr/"), "pr");
  EXPECT_EQ(ClassOf(r, "@EmmanuelMacron"), "politician");
  EXPECT_EQ(ClassOf(r, "@realDonaldTrump"), "politician");
  EXPECT_EQ(ClassOf(r, "@POTUS"), "politician");
  EXPECT_EQ(ClassOf(r, "@Elysee"), "institution");
  EXPECT_EQ(ClassOf(r, "https://www.elysee.fr/emmanuel-macron"), "institution");
  EXPECT_EQ(RegionOf(r, "https://www.ouest-france.fr/normandie/caen-14000/x"), "Normandie");
  EXPECT_EQ(ClassOf(r, "https://www.leparisien.fr/politique/x"), "press-national");
  EXPECT_EQ(RegionOf(r, "https://www.leparisien.fr/seine-saint-denis-93/x"), "Île-de-France");
  EXPECT_EQ(RegionOf(r, "https://france3-regions.francetvinfo.fr/bretagne/ille-et-vilaine/x"), "Bretagne");
  EXPECT_EQ(ClassOf(r, "https://www.francetvinfo.fr/politique/x"), "press-national");
  EXPECT_EQ(RegionOf(r, "https://actu.fr/normandie/rouen_76540/x"), "Normandie");
  EXPECT_EQ(ClassOf(r, "https://www.example.com/"), "(none)");
}

const std::set<std::string>& KnownRegions() {
  static const std::set<std::string> regions = {
      // the 13 metropolitan regions
      "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse", "Grand Est",
      "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire",
      "Provence-Alpes-Côte d'Azur",
      // overseas departments and collectivities
      "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte", "Polynésie française", "Nouvelle-Calédonie",
      "Saint-Pierre-et-Miquelon", "Wallis-et-Futuna", "Saint-Barthélemy", "Saint-Martin",
      // Monaco-Matin's principality
      "Monaco"};
  return regions;
}

TEST(BuiltinRegistry, SizeClassesAndRegions) {
  const Registry r = Registry::Builtin();
  std::set<std::string> names, regional_names, outlet_names;
  std::map<std::string, int> by_class;
  std::set<std::string> regions_used;
  for (std::size_t idx = 0; idx < r.size(); ++idx) {
    const ActorInfo info = r.Entry(idx).Info();
    EXPECT_TRUE(IsActorClass(info.actor_class)) << info.key;
    EXPECT_FALSE(info.name.empty()) << info.key;
    if (!info.region.empty()) {
      EXPECT_TRUE(KnownRegions().count(info.region)) << info.key << ": region '" << info.region << "'";
      regions_used.insert(info.region);
    }
    if (names.insert(info.name).second) ++by_class[info.actor_class];
    if (info.actor_class == "press-regional") regional_names.insert(info.name);
    if (info.actor_class.rfind("press", 0) == 0) outlet_names.insert(info.name);
  }
  std::cout << "builtin registry: " << r.size() << " entries, " << names.size() << " distinct actors, "
            << outlet_names.size() << " press outlets";
  for (const auto& [cls, n] : by_class) std::cout << ", " << cls << " " << n;
  std::cout << ", " << regions_used.size() << " regions\n";
  // Measured on the shipped files (see docs/registry.md); lower bounds so that additions pass.
  EXPECT_GE(r.size(), 1400u);
  EXPECT_GE(names.size(), 1200u);
  EXPECT_GE(outlet_names.size(), 1000u);  // issue 16: ≥ 1,000 outlets
  EXPECT_GE(regional_names.size(), 450u);
  for (const char* cls :
       {"press-national", "press-regional", "press-agency", "pr", "brand", "politician", "institution"}) {
    EXPECT_GT(by_class[cls], 0) << cls;
  }
  // Every metropolitan region has at least one regional outlet.
  for (const char* region : {"Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire",
                             "Corse", "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie",
                             "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire", "Provence-Alpes-Côte d'Azur"}) {
    EXPECT_TRUE(regions_used.count(region)) << region;
  }
}

/// The régions, départements and groups of the shipped registry agree with the gazetteer and with
/// corpora/data/registry_groups.csv (unique keys are checked by EmbeddedCopyMatchesSourceFiles…).
TEST(BuiltinRegistry, DepartmentsRegionsAndGroupsAreConsistent) {
  const Registry r = Registry::Builtin();
  const auto& gaz = geo::Gazetteer::Builtin();
  std::set<std::string> gazetteer_regions;
  for (auto region : gaz.Regions()) gazetteer_regions.insert(std::string(region));
  // The overseas collectivities with a code of their own are their own "région" in the gazetteer.
  for (const char* code : {"975", "977", "978", "986", "987", "988"}) {
    ASSERT_FALSE(gaz.RegionOf(code).empty()) << code;
    gazetteer_regions.insert(std::string(gaz.RegionOf(code)));
  }

  // The groups list.
  const fs::path groups_file = fs::path(RELAIS_SOURCE_DIR) / "corpora" / "data" / "registry_groups.csv";
  std::ifstream in(groups_file);
  ASSERT_TRUE(in) << groups_file;
  std::set<std::string> groups;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("group,", 0) == 0) continue;
    const std::string group = line.substr(0, line.find(','));
    EXPECT_TRUE(groups.insert(group).second) << "group listed twice: " << group;
  }
  ASSERT_GE(groups.size(), 30u);

  std::set<std::string> groups_used;
  std::map<std::string, std::set<std::string>> titles_of_group;
  std::size_t with_department = 0, regional = 0, regional_with_region = 0;
  for (std::size_t idx = 0; idx < r.size(); ++idx) {
    const ActorInfo info = r.Entry(idx).Info();
    if (!info.department.empty()) {
      ++with_department;
      const auto region = gaz.RegionOf(info.department);
      EXPECT_FALSE(region.empty()) << info.key << ": department " << info.department << " unknown to the gazetteer";
      EXPECT_EQ(region, info.region) << info.key << ": department " << info.department << " lies in " << region;
    }
    if (info.actor_class == "press-regional") {
      ++regional;
      if (!info.region.empty()) {
        ++regional_with_region;
        EXPECT_TRUE(gazetteer_regions.count(info.region) || info.region == "Monaco")
            << info.key << ": région '" << info.region << "' unknown to the gazetteer";
      }
    }
    if (!info.group.empty()) {
      EXPECT_TRUE(groups.count(info.group)) << info.key << ": group '" << info.group << "' not in registry_groups.csv";
      groups_used.insert(info.group);
      titles_of_group[info.group].insert(info.name);
    }
  }
  for (const auto& g : groups) EXPECT_TRUE(groups_used.count(g)) << "group '" << g << "' listed but unused";
  std::cout << "builtin registry: " << with_department << " entries with a department, " << regional_with_region
            << " of " << regional << " regional entries with a région, " << groups_used.size() << " groups\n";
  EXPECT_GE(with_department, 420u);
  // Titles of one group can be named as syndication partners.
  EXPECT_TRUE(titles_of_group["EBRA"].count("Le Progrès"));
  EXPECT_TRUE(titles_of_group["EBRA"].count("Dernières Nouvelles d'Alsace (DNA)"));
  EXPECT_TRUE(titles_of_group["Nice-Matin"].count("Var-Matin"));
  EXPECT_TRUE(titles_of_group["Rossel La Voix"].count("Le Courrier picard"));
  // Town and département editions under a path resolve to the edition, with its département.
  const auto rennes = r.Resolve("https://www.ouest-france.fr/bretagne/rennes-35000/un-article-123");
  ASSERT_TRUE(rennes);
  EXPECT_EQ(rennes->department, "35");
  EXPECT_EQ(rennes->group, "Sipa Ouest-France");
  const auto toulouse = r.Resolve("https://actu.fr/occitanie/toulouse_31555/un-article_123.html");
  ASSERT_TRUE(toulouse);
  EXPECT_EQ(toulouse->department, "31");
  const auto var_f3 = r.Resolve("https://france3-regions.francetvinfo.fr/provence-alpes-cote-d-azur/var/toulon/x.html");
  ASSERT_TRUE(var_f3);
  EXPECT_EQ(var_f3->department, "83");
  EXPECT_EQ(var_f3->region, "Provence-Alpes-Côte d'Azur");
  // A section of the same site stays the title itself.
  const auto of = r.Resolve("https://www.ouest-france.fr/politique/un-article-123");
  ASSERT_TRUE(of);
  EXPECT_EQ(of->name, "Ouest-France");
  const auto var = r.Resolve("https://www.varmatin.com/faits-divers/x");
  ASSERT_TRUE(var);
  EXPECT_EQ(var->department, "83");
  EXPECT_EQ(var->group, "Nice-Matin");
  const auto gers = r.Resolve("https://www.lepetitjournal.net/32-gers/2024/03/01/x");
  ASSERT_TRUE(gers);
  EXPECT_EQ(gers->department, "32");
  EXPECT_EQ(gers->region, "Occitanie");
}

/// Non-comment, non-blank data rows of a registry CSV (the shipped files hold no quoted newlines).
std::size_t CountRows(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::size_t rows = 0;
  bool first = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (first && line.rfind("key,kind,", 0) == 0) {
      first = false;
      continue;
    }
    first = false;
    ++rows;
  }
  return rows;
}

TEST(BuiltinRegistry, EmbeddedCopyMatchesSourceFilesWithoutDuplicateKeys) {
  const fs::path dir = fs::path(RELAIS_SOURCE_DIR) / "corpora" / "data" / "registry";
  ASSERT_TRUE(fs::is_directory(dir)) << dir << " not found";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".csv") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  Registry from_files;
  std::size_t rows = 0;
  for (const auto& f : files) {
    from_files.LoadCsv(f.string());
    rows += CountRows(f);
  }
  const Registry builtin = Registry::Builtin();
  // Every row has its own key: no row of the shipped registry silently overrides another.
  EXPECT_EQ(builtin.size(), rows);
  ASSERT_EQ(builtin.size(), from_files.size());
  for (std::size_t idx = 0; idx < builtin.size(); ++idx) {
    const RegistryEntry a = builtin.Entry(idx), b = from_files.Entry(idx);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.key, b.key);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.region, b.region);
    EXPECT_EQ(a.department, b.department);
    EXPECT_EQ(a.group, b.group);
  }
}

// The registry's own lookup tables against a std::map of the same rows: 60,000 actors (tables grown many
// times), a third of them overridden by a second file, then the registry copied.
TEST(RegistryScale, ManyActorsResolveLikeAMapAfterOverridesAndACopy) {
  std::map<std::string, std::pair<std::string, std::string>> expected;  // normalised key -> (class, name)
  std::string first = "key,kind,actor_class,region,name,department,group\n", second = first;
  for (int n = 0; n < 20000; ++n) {
    const std::string id = std::to_string(n);
    first += "@User_" + id + ",handle,public,,Person " + id + ",,\n";
    first += "twitter:" + id + ",platform_id,public,,Person " + id + ",,\n";
    first +=
        "site" + id + ".fr,domain,press-regional,Bretagne,Titre " + id + ",35,Groupe " + std::to_string(n % 7) + "\n";
    expected["@user_" + id] = {"public", "Person " + id};
    expected["twitter:" + id] = {"public", "Person " + id};
    expected["site" + id + ".fr"] = {"press-regional", "Titre " + id};
    if (n % 3 == 0) {
      second += "@user_" + id + ",handle,journalist,,Journaliste " + id + ",,\n";
      expected["@user_" + id] = {"journalist", "Journaliste " + id};
    }
  }
  Registry loaded;
  loaded.LoadCsvText(first, "first.csv");
  loaded.LoadCsvText(second, "second.csv");
  const Registry r = loaded;  // a copy resolves like the original
  ASSERT_EQ(r.size(), 60000u);
  for (const auto& [key, want] : expected) {
    const auto hit = r.Resolve(key);
    ASSERT_TRUE(hit.has_value()) << key;
    EXPECT_EQ(hit->actor_class, want.first) << key;
    EXPECT_EQ(hit->name, want.second) << key;
  }
  EXPECT_EQ(r.ResolveHandle("@USER_3")->key, "@user_3");  // an override shows its last value, key as written
  EXPECT_EQ(r.ResolveHandle("@USER_4")->key, "@User_4");
  EXPECT_EQ(r.ResolveHandle("user_3")->name, "Journaliste 3");
  EXPECT_EQ(r.ResolveDomain("https://www.site42.fr/a/b")->group, "Groupe 0");
  EXPECT_EQ(r.ResolveDomain("site42.fr")->department, "35");
  EXPECT_EQ(r.ResolvePlatformId("17")->name, "Person 17");  // bare numbers are Twitter ids
  EXPECT_FALSE(r.ResolveHandle("@user_20000").has_value());
  EXPECT_FALSE(r.ResolveDomain("site20000.fr").has_value());
  // Entries keep load order: the first file's rows, overridden rows in their first place.
  EXPECT_EQ(r.Entry(0).key, "@user_0");
  EXPECT_EQ(r.Entry(0).actor_class, "journalist");
  EXPECT_EQ(r.Entry(2).kind, "domain");
  EXPECT_EQ(r.Entry(2).region, "Bretagne");
  EXPECT_EQ(r.Entry(59999).key, "site19999.fr");
}

}  // namespace
}  // namespace relais::corpora
