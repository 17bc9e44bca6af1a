// RSS / Atom reader: items, CDATA and entities, dates, PR feeds, malformed XML.
#include <gtest/gtest.h>

#include "corpora/reader_test_util.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
using relais::testing::FixturesDir;
using relais::testing::ReadText;
using relais::testing::ReadWith;

TEST(RssReader, Rss2Items) {
  auto r = ReadWith(Format::kRss, FixturesDir() / "input" / "feed.rss");
  ASSERT_EQ(r.records.size(), 2u);
  ASSERT_EQ(r.diagnostics.size(), 2u);
  const auto& a = r.records[0].items[0];
  EXPECT_EQ(r.records[0].pos.line, 7u);
  EXPECT_EQ(a.kind, ItemKind::kArticle);
  EXPECT_EQ(a.title, "Le port de Toulon & la rade");
  EXPECT_EQ(a.url, "https://www.varmatin.com/toulon/port-123?xtor=RSS-1");
  EXPECT_EQ(a.time, *ParseIso8601("2021-01-08T09:00:00Z"));
  EXPECT_EQ(a.text, "Les navires arrivent.\n\nDeuxième paragraphe.");
  EXPECT_EQ(a.author.key, "varmatin.com");
  EXPECT_EQ(a.author.name, "Var-Matin - Toulon");
  const auto& b = r.records[1].items[0];
  EXPECT_EQ(b.time, *ParseIso8601("2021-01-09T18:30:00Z"));
  EXPECT_EQ(b.text, "Le conseil a voté le budget.");  // content:encoded wins over description
  EXPECT_EQ(r.diagnostics[0].reason, "missing-field");
  EXPECT_EQ(r.diagnostics[0].pos.line, 21u);
  EXPECT_EQ(r.diagnostics[1].reason, "bad-timestamp");
  EXPECT_EQ(r.diagnostics[1].pos.line, 26u);
  EXPECT_NE(r.diagnostics[1].message.find("le 9 janvier"), std::string::npos);
}

TEST(RssReader, AtomPressReleases) {
  auto r = ReadWith(Format::kRss, FixturesDir() / "input" / "feed.atom");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_TRUE(r.diagnostics.empty());
  const auto& a = r.records[0].items[0];
  EXPECT_EQ(a.kind, ItemKind::kRelease);  // "Communiqués de presse" in the feed title
  EXPECT_EQ(a.channel, Channel::kPr);
  EXPECT_EQ(a.title, "Lancement du plan vélo");
  EXPECT_EQ(a.url, "https://www.example.gouv.fr/communiques/plan-velo");
  EXPECT_EQ(a.time, *ParseIso8601("2021-03-01T08:00:00Z"));  // published wins over updated
  EXPECT_EQ(a.author.key, "example.gouv.fr");
  const auto& b = r.records[1].items[0];
  EXPECT_EQ(b.time, *ParseIso8601("2021-03-03T10:00:00Z"));
  EXPECT_EQ(b.text, "Madame X est nommée. Elle prend ses fonctions.");
}

// A feed's title is not a publication's name: "Nice-Matin (Cannes)" as a channel title gives its items no
// edition, hence no place (press JSONL/CSV outlets and Europresse publications do: docs/geo.md).
TEST(RssReader, ChannelTitleNamesNoEdition) {
  const std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Nice-Matin (Cannes)</title>"
      "<link>https://www.nicematin.com/</link><item><title>Festival</title>"
      "<link>https://www.nicematin.com/cannes/festival-1</link><pubDate>Fri, 08 Jan 2021 09:00:00 GMT</pubDate>"
      "</item></channel></rss>";
  auto r = ReadText(Format::kRss, feed, "cannes.rss");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].items[0].author.name, "Nice-Matin (Cannes)");
  EXPECT_TRUE(r.records[0].items[0].geo.empty());
}

TEST(RssReader, MalformedXmlKeepsTheItemsBeforeIt) {
  auto r = ReadWith(Format::kRss, FixturesDir() / "input" / "broken.rss");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].items[0].title, "Deuxième");
  EXPECT_EQ(r.records[0].items[0].author.key, "leprogres.fr");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].reason, "invalid-xml");
  EXPECT_EQ(r.diagnostics[0].pos.line, 5u);
  EXPECT_NE(r.diagnostics[0].message.find("</lien>"), std::string::npos) << r.diagnostics[0].message;
}

TEST(RssReader, DeclaredLatin1AndCutDocuments) {
  std::string latin1 =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss><channel><title>Le Dauphin\xe9</title>"
      "<link>https://www.ledauphine.com/</link><item><title>\xc9lection</title>"
      "<pubDate>Tue, 12 Jan 2021 07:00:00 +0100</pubDate></item></channel></rss>";
  auto r = ReadText(Format::kRss, latin1, "dl.xml");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].items[0].title, "Élection");
  EXPECT_EQ(r.records[0].items[0].author.name, "Le Dauphiné");
  auto cut = ReadText(Format::kRss, "<rss><channel><title>T</title><item><title>x</title>", "cut.xml");
  EXPECT_TRUE(cut.records.empty());
  ASSERT_EQ(cut.diagnostics.size(), 1u);
  EXPECT_EQ(cut.diagnostics[0].reason, "invalid-xml");
  auto pr_by_name = ReadText(Format::kRss,
                             "<rss><channel><title>Entreprise</title><item><title>x</title>"
                             "<pubDate>2021-01-01</pubDate></item></channel></rss>",
                             "feeds/press-releases.xml");
  ASSERT_EQ(pr_by_name.records.size(), 1u);
  EXPECT_EQ(pr_by_name.records[0].items[0].kind, ItemKind::kRelease);
}

}  // namespace
}  // namespace relais::corpora
