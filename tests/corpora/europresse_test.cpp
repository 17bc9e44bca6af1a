// Europresse HTML exports: the two real exports of ../shared/data/europresse-html (the 2015
// <article> layout with its broken third article, and the 2012 flat layout with a wrong META
// charset), today's rdp__ layout (own fixture), French dates, each quarantine reason, and the editions of
// regional titles (own fixture input/europresse-editions).
#include <gtest/gtest.h>

#include "corpora/reader_ingest_util.hpp"
#include "corpora/reader_test_util.hpp"
#include "detail/article.hpp"
#include "relais/corpora/geo.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
namespace fs = std::filesystem;
using relais::testing::FixturesDir;
using relais::testing::ReadText;
using relais::testing::ReadWith;

constexpr TimeMs kDay = 86400000;

TEST(EuropresseReader, ArticleLayout2015) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kEuropresse, data / "europresse-html" / "europresse_test2.html");
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_TRUE(r.diagnostics.empty());
  const auto& a = r.records[0].items[0];
  EXPECT_EQ(a.platform, "press");
  EXPECT_EQ(a.channel, Channel::kPress);
  EXPECT_EQ(a.kind, ItemKind::kArticle);
  EXPECT_EQ(a.author.key, "Newspaper");  // not a registry outlet
  EXPECT_EQ(a.title, "Title");
  EXPECT_EQ(a.text, "Some text: a mark.");
  EXPECT_EQ(a.time, DaysFromCivil(2006, 3, 14) * kDay);  // "Communication, mardi 14 mars 2006, p. 16"
  EXPECT_EQ(a.key,
            "europresse:news\xC2\xB7"
            "20060315\xC2\xB7LM\xC2\xB7"
            "0q1503_1256056");
  EXPECT_EQ(r.records[1].items[0].key,
            "europresse:news\xC2\xB7"
            "20060314\xC2\xB7LM\xC2\xB7"
            "0q1403_1255263");
  // The third article has no DocText wrapper and stray closing tags: its <section> is the body.
  const auto& c = r.records[2].items[0];
  EXPECT_EQ(c.title, "A heading");
  EXPECT_EQ(c.text, "A paragraph.");
  EXPECT_EQ(c.time, DaysFromCivil(2006, 3, 13) * kDay);
  EXPECT_EQ(r.records[3].items[0].text, "Text.\nText.");
  EXPECT_EQ(r.records[3].items[0].title, "Title");
}

TEST(EuropresseReader, FlatLayout2012WithWrongCharset) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kEuropresse, data / "europresse-html" / "europresse_test1.html");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_TRUE(r.diagnostics.empty());
  const auto& a = r.records[0].items[0];
  EXPECT_EQ(a.author.key, "humanite.fr");  // "l'Humanité" is the registry's L'Humanité
  EXPECT_EQ(a.author.name, "l'Humanit\xC3\xA9");
  EXPECT_EQ(a.title, "A heading: some text");
  // UTF-8 bytes despite the META's ISO-8859-1.
  EXPECT_EQ(a.text,
            "Some text, and a few accentuated characters: \xC3\xA9\xC3\xA8\xC3\xAA\xC3\xB9. Continuation. "
            "More text, a sentence.\nTest.");
  EXPECT_EQ(a.time, DaysFromCivil(2013, 10, 5) * kDay);
  EXPECT_EQ(a.key,
            "europresse:news\xC2\xB7"
            "20121004\xC2\xB7PO\xC2\xB7"
            "2040056000");
  const auto& b = r.records[1].items[0];
  EXPECT_EQ(b.title, "Another heading with colored text inside");
  EXPECT_EQ(b.text, "Contents of the article.\n(1) A note.");
  EXPECT_EQ(b.time, DaysFromCivil(2012, 10, 3) * kDay);
  const auto& c = r.records[2].items[0];
  EXPECT_EQ(c.author.key, "Magazine 1");  // ", no. 5968" dropped
  EXPECT_EQ(c.title, "Heading");
  EXPECT_EQ(c.text, "This is a test: a test");
  EXPECT_EQ(c.time, DaysFromCivil(2012, 10, 4) * kDay);
}

TEST(EuropresseReader, RdpLayoutEditionsAndTimes) {
  auto r = ReadWith(Format::kEuropresse, FixturesDir() / "input" / "europresse" / "rdp_layout.html");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.by_reason["missing-field"], 2);  // no publication; neither title nor text
  EXPECT_EQ(r.by_reason["bad-timestamp"], 1);
  const auto& nm = r.records[0].items[0];
  EXPECT_EQ(nm.author.key, "nicematin.com");
  EXPECT_EQ(nm.author.name, "Nice-Matin (site web)");
  EXPECT_EQ(nm.url, "https://www.nicematin.com/politique/le-conseil-municipal-vote-le-budget-612345");
  EXPECT_EQ(nm.key, "");  // keyed by its canonical URL in the pipeline
  EXPECT_EQ(nm.time, DaysFromCivil(2021, 1, 11) * kDay + (8 * 60 + 35) * 60000);  // 09:35 UTC +0100
  EXPECT_EQ(nm.title, "Le conseil municipal vote le budget");
  EXPECT_EQ(nm.text,
            "Le conseil municipal de Toulon a vot\xC3\xA9 le budget lundi soir.\nLa s\xC3\xA9"
            "ance a dur\xC3\xA9 trois heures.");
  const auto& vm = r.records[1].items[0];
  EXPECT_EQ(vm.author.key, "varmatin.com");
  EXPECT_EQ(vm.author.name, "Var-Matin");
  EXPECT_EQ(vm.time, DaysFromCivil(2021, 1, 11) * kDay);
  EXPECT_EQ(vm.key,
            "europresse:news\xC2\xB7"
            "20210111\xC2\xB7VM\xC2\xB7"
            "25481006");
  const auto& of = r.records[2].items[0];
  EXPECT_EQ(of.author.key, "ouest-france.fr");
  EXPECT_EQ(of.author.name, "Ouest-France (Rennes)");
  EXPECT_EQ(of.time, DaysFromCivil(2021, 6, 1) * kDay + (16 * 60 + 5) * 60000);  // 18h05 Paris summer time
}

TEST(EuropresseReader, IngestedAndSniffed) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  for (const char* name : {"europresse_test1.html", "europresse_test2.html"}) {
    auto p = data / "europresse-html" / name;
    auto f = SniffFormat(p, ReadAll(p).substr(0, 65536));
    ASSERT_TRUE(f) << name;
    EXPECT_EQ(*f, Format::kEuropresse) << name;
  }
  auto s = relais::testing::IngestAndSummarise(
      {(data / "europresse-html").string(), (FixturesDir() / "input" / "europresse").string()});
  // The DESCRIPTION file is not an export: reported as unrecognised.
  EXPECT_EQ(s.result.failed_files.size(), 1u);
  EXPECT_EQ(s.result.by_format.at("europresse").read, 13u);  // 3 + 4 + 6
  EXPECT_EQ(s.result.by_format.at("europresse").accepted, 10u);
  EXPECT_EQ(s.result.by_format.at("europresse").quarantined, 3u);
  EXPECT_EQ(s.stats.by_channel.at("press"), 10u);
}

TEST(EuropresseReader, FrenchDates) {
  auto one = [](const std::string& header) {
    std::string html =
        "<html><body><article><header><span class=\"DocPublicationName\">Le Monde</span>"
        "<span class=\"DocHeader\">" +
        header +
        "</span><p class=\"titreArticleVisu\">T</p></header>"
        "<section><div class=\"DocText\"><p>x</p></div></section>"
        "<footer><p>Num\xC3\xA9ro de document : news\xC2\xB7"
        "20990101\xC2\xB7LM\xC2\xB7"
        "1</p></footer></article></body></html>";
    auto r = ReadText(Format::kEuropresse, html, "x.html");
    return r.records.empty() ? TimeMs{-1} : r.records[0].items[0].time;
  };
  EXPECT_EQ(one("Politique, lundi 11 janvier 2021"), DaysFromCivil(2021, 1, 11) * kDay);
  EXPECT_EQ(one("samedi 1er f\xC3\xA9vrier 2020, p. 3"), DaysFromCivil(2020, 2, 1) * kDay);
  EXPECT_EQ(one("vendredi 15 ao\xC3\xBBt 2003"), DaysFromCivil(2003, 8, 15) * kDay);
  EXPECT_EQ(one("D\xC3\xA9"
                "cembre 2020"),
            DaysFromCivil(2099, 1, 1) * kDay);  // no day: the document number's date
  EXPECT_EQ(one("lundi 11 janvier 2021 - 09:35"), DaysFromCivil(2021, 1, 11) * kDay + (8 * 60 + 35) * 60000);
  EXPECT_EQ(one("lundi 12 juillet 2021 - 09:35"), DaysFromCivil(2021, 7, 12) * kDay + (7 * 60 + 35) * 60000);
  EXPECT_EQ(one("Thursday, December 22, 2022 13887 mots, p. 819(40)"), DaysFromCivil(2022, 12, 22) * kDay);
  EXPECT_EQ(one("mardi 12 janvier 2021 10:00 UTC"), DaysFromCivil(2021, 1, 12) * kDay + 10 * 3600000);
}

TEST(EuropresseReader, EachQuarantineReason) {
  auto r = ReadText(Format::kEuropresse, "<html><body><p>Rien</p></body></html>", "x.html");
  EXPECT_EQ(r.by_reason["not-an-article"], 1);
  auto empty = ReadText(Format::kEuropresse, "", "x.html");
  EXPECT_EQ(empty.by_reason["not-an-article"], 1);
  // missing-field and bad-timestamp: the fixture above; a missing document number and link:
  auto no_id = ReadText(Format::kEuropresse,
                        "<article><span class=\"DocPublicationName\">Le Monde</span><span class=\"DocHeader\">lundi 11 "
                        "janvier 2021</span><p class=\"titreArticleVisu\">T</p></article>",
                        "x.html");
  EXPECT_EQ(no_id.by_reason["missing-field"], 1);
}

TEST(EuropresseReader, RealExportsNameNoEdition) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  // The publications of the two real exports: none ends with "(…)", so no article has an edition
  // (nor any other geography: their placeholder texts open with no dateline).
  std::vector<std::string> names;
  for (const char* file : {"europresse_test1.html", "europresse_test2.html"}) {
    auto r = ReadWith(Format::kEuropresse, data / "europresse-html" / file);
    for (const auto& rec : r.records) {
      const ItemRecord& a = rec.items[0];
      names.push_back(a.author.name);
      EXPECT_TRUE(a.geo.empty()) << a.author.name;
      EXPECT_FALSE(geo::Gazetteer::Builtin().ResolveDateline(a.text).resolved()) << a.text;
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"l'Humanit\xC3\xA9", "Mag", "Magazine 1", "Newspaper", "Newspaper",
                                             "Newspaper", "Newspaper"}));
}

TEST(EuropresseReader, EditionsOfRegionalTitles) {
  auto r = ReadWith(Format::kEuropresse, FixturesDir() / "input" / "europresse-editions" / "editions.html");
  ASSERT_EQ(r.records.size(), 11u);
  EXPECT_TRUE(r.diagnostics.empty());
  struct Want {
    const char* key;
    const char* name;
    const char* edition;
  };
  const Want want[] = {
      // The title is the author, its edition the article's place (docs/geo.md "Editions of regional titles").
      {"ouest-france.fr", "Ouest-France (Rennes)", "Rennes"},
      {"nicematin.com", "Nice-Matin (Cannes)", "Cannes"},
      {"varmatin.com", "Var-Matin (Toulon)", "Toulon"},
      {"nicematin.com", "Nice-Matin (site web)", ""},                                        // not a place
      {"leprogres.fr", "Le Progr\xC3\xA8s (Trifouillis-les-Oies)", "Trifouillis-les-Oies"},  // kept as written
      // Written exactly as the registry names its path-keyed edition: that actor ("édition de" dropped).
      {"sudouest.fr/gironde/bordeaux",
       "Sud Ouest (\xC3\xA9"
       "dition de Bordeaux)",
       "Bordeaux"},
      {"letelegramme.fr",
       "Le T\xC3\xA9l\xC3\xA9gramme (\xC3\xA9"
       "dition num\xC3\xA9rique)",
       ""},
      {"Le Petit Varois", "Le Petit Varois (Hy\xC3\xA8res)", "Hy\xC3\xA8res"},  // not in the registry
      {"Le Petit Varois", "Le Petit Varois (Hy\xC3\xA8res)", "Hy\xC3\xA8res"},
      {"La Gazette du Sud", "La Gazette du Sud (Saint-Denis)", "Saint-Denis"},
      {"Le Courrier Libre", "Le Courrier Libre", ""},
  };
  for (std::size_t k = 0; k < std::size(want); ++k) {
    const ItemRecord& a = r.records[k].items[0];
    EXPECT_EQ(a.author.key, want[k].key) << k;
    EXPECT_EQ(a.author.name, want[k].name) << k;
    EXPECT_EQ(a.geo.place, want[k].edition) << k;
    EXPECT_EQ(a.geo.country_code, "") << k;
    EXPECT_FALSE(a.geo.has_point) << k;
  }
}

TEST(EuropresseReader, EditionPlaces) {
  using detail::EditionPlace;
  using detail::SplitEdition;
  EXPECT_EQ(SplitEdition("Ouest-France (Rennes)").outlet, "Ouest-France");
  EXPECT_EQ(SplitEdition("Ouest-France (Rennes)").edition, "Rennes");
  EXPECT_EQ(SplitEdition("Var-Matin").edition, "");
  EXPECT_EQ(SplitEdition("(Rennes)").edition, "");  // a name, not an outlet and its edition
  EXPECT_EQ(EditionPlace("Rennes"), "Rennes");
  EXPECT_EQ(EditionPlace(" \xC3\xA9"
                         "dition de Rennes "),
            "Rennes");
  EXPECT_EQ(EditionPlace("\xC3\x89"
                         "dition d'Avignon"),
            "Avignon");
  EXPECT_EQ(EditionPlace("\xC3\xA9"
                         "dition du Var"),
            "Var");
  EXPECT_EQ(EditionPlace("Ille-et-Vilaine"), "Ille-et-Vilaine");
  for (const char* none : {"site web", "Site Web", "web", "en ligne",
                           "\xC3\xA9"
                           "dition num\xC3\xA9rique",
                           "abonn\xC3\xA9s", "suppl\xC3\xA9ment", "Magazine", "dimanche", "", "  "})
    EXPECT_EQ(EditionPlace(none), "") << none;
}

}  // namespace
}  // namespace relais::corpora
