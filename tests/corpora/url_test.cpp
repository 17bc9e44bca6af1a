// URL canonicalisation: our own table of French-press cases, and agreement with médialab's ural
// vectors (GPL-3.0, read in place from ../shared/data, never copied here).
#include "relais/corpora/url.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "test_util.hpp"

namespace relais::corpora {
namespace {

struct Case {
  const char* in;
  const char* want;
};

// clang-format off
const Case kCanonicalCases[] = {
    // scheme, host case, www./m./mobile./amp. prefixes, default ports, trailing slash
    {"http://www.lemonde.fr/politique/article/2017/04/23/le-vote_5116.html", "https://lemonde.fr/politique/article/2017/04/23/le-vote_5116.html"},
    {"HTTPS://WWW.LeMonde.FR/politique/", "https://lemonde.fr/politique"},
    {"https://m.lefigaro.fr/politique/macron-20170507", "https://lefigaro.fr/politique/macron-20170507"},
    {"https://mobile.lemonde.fr/a", "https://lemonde.fr/a"},
    {"https://www2.lemonde.fr/a", "https://lemonde.fr/a"},
    {"http://amp.lefigaro.fr/flash-actu/une-info", "https://lefigaro.fr/flash-actu/une-info"},
    {"http://www.varmatin.com:80/politique/un-article-123", "https://varmatin.com/politique/un-article-123"},
    {"https://www.nicematin.com:443/", "https://nicematin.com"},
    {"https://nicematin.com:8443/x", "https://nicematin.com:8443/x"},
    {"https://www.ouest-france.fr/bretagne/rennes-35000/", "https://ouest-france.fr/bretagne/rennes-35000"},
    {"https://user:pw@www.liberation.fr/france/", "https://liberation.fr/france"},
    {"https://www.lemonde.fr./a", "https://lemonde.fr/a"},
    {"https://en.m.wikipedia.org/wiki/Var-Matin", "https://en.wikipedia.org/wiki/Var-Matin"},
    {"https://www.m6.fr", "https://m6.fr"},  // "www.m6.fr" keeps its registrable "m6.fr"
    {"https://m.co/x", "https://m.co/x"},     // a bare "m.co" is a name, not a prefix
    // AMP
    {"https://www.20minutes.fr/amp/a/4001234", "https://20minutes.fr/a/4001234"},
    {"https://www.europe1.fr/politique/un-titre-3423641.amp", "https://europe1.fr/politique/un-titre-3423641"},
    {"https://www.sudouest.fr/2017/08/15/titre-3696402-3350.amp.html", "https://sudouest.fr/2017/08/15/titre-3696402-3350.html"},
    {"https://www.bfmtv.com/politique/titre_AN-201905050001.html?amp", "https://bfmtv.com/politique/titre_AN-201905050001.html"},
    {"https://www.ladepeche.fr/2019/01/01/titre/amp", "https://ladepeche.fr/2019/01/01/titre"},
    {"https://www.lexpress.fr/x.html?amp=1", "https://lexpress.fr/x.html"},
    {"https://www.lesechos.fr/x?outputType=amp", "https://lesechos.fr/x"},
    {"https://www-lemonde-fr.cdn.ampproject.org/c/s/www.lemonde.fr/amp/article/2019/01/01/t_1.html", "https://lemonde.fr/article/2019/01/01/t_1.html"},
    // tracking parameters
    {"https://www.lemonde.fr/a.html?xtor=RSS-3208", "https://lemonde.fr/a.html"},
    {"https://www.lefigaro.fr/a?xtor=AL-155-[twitter]&page=2", "https://lefigaro.fr/a?page=2"},
    {"https://www.liberation.fr/a/?utm_source=twitter&utm_medium=social&utm_campaign=echobox#Echobox=1", "https://liberation.fr/a"},
    {"https://www.leparisien.fr/a.php?at_medium=social&at_campaign=twitter&fbclid=IwAR0", "https://leparisien.fr/a.php"},
    {"https://www.lemonde.fr/a?lmd_medium=al&lmd_campaign=envoye-par-appli&lmd_creation=android", "https://lemonde.fr/a"},
    {"https://www.laprovence.com/a?gclid=x&dclid=y&msclkid=z&mc_cid=1&mc_eid=2&_ga=3&igshid=4", "https://laprovence.com/a"},
    {"https://www.francetvinfo.fr/a.html?ns_campaign=x&ns_source=y&cmpid=z&xts=1", "https://francetvinfo.fr/a.html"},
    {"https://www.ouest-france.fr/a?ref=fb&source=twitter", "https://ouest-france.fr/a"},
    {"https://www.lesoir.be/search?ref=/sport/foot", "https://lesoir.be/search?ref=/sport/foot"},
    {"https://www.lemonde.fr/recherche/?search_keywords=retraites&page=2&start_at=01/01/2019", "https://lemonde.fr/recherche?page=2&search_keywords=retraites&start_at=01/01/2019"},
    {"https://www.lemonde.fr/a?b=2&a=1&a=0", "https://lemonde.fr/a?a=0&a=1&b=2"},
    {"https://www.lemonde.fr/a?&&b=2&amp;utm_source=x", "https://lemonde.fr/a?b=2"},
    {"https://www.lemonde.fr/a?q=a+b", "https://lemonde.fr/a?q=a+b"},
    // Twitter: s/t/ref_src only there, x.com is twitter.com, hash-bang
    {"https://twitter.com/lemondefr/status/1346930000000000000?s=20&t=abc", "https://twitter.com/lemondefr/status/1346930000000000000"},
    {"https://x.com/varmatin/status/1?s=46", "https://twitter.com/varmatin/status/1"},
    {"https://mobile.twitter.com/Nice_Matin", "https://twitter.com/Nice_Matin"},
    {"https://twitter.com/#!/afpfr/status/123", "https://twitter.com/afpfr/status/123"},
    {"https://www.lemonde.fr/a?s=20", "https://lemonde.fr/a?s=20"},
    {"https://www.youtube.com/watch?v=abc&feature=youtu.be&si=xyz", "https://youtube.com/watch?v=abc"},
    {"https://youtu.be/abc?t=42", "https://youtube.com/watch?t=42&v=abc"},
    // fragments, dot segments, index pages, slashes
    {"https://www.lemonde.fr/a#xtor=RSS-11", "https://lemonde.fr/a"},
    {"https://www.lemonde.fr/#", "https://lemonde.fr"},
    {"https://www.lemonde.fr/a#!/", "https://lemonde.fr/a"},
    {"https://app.example.fr/#/dossiers/42", "https://app.example.fr#/dossiers/42"},  // a single-page-app route
    {"https://app.example.fr/#!/dossiers/42", "https://app.example.fr#!/dossiers/42"},
    {"https://www.lemonde.fr/INDEX.HTML", "https://lemonde.fr/INDEX.HTML"},  // paths are case-sensitive
    {"https://www.lemonde.fr//a/./b/../c/", "https://lemonde.fr/a/c"},
    {"https://www.lemonde.fr/index.html", "https://lemonde.fr"},
    {"https://www.lemonde.fr/rubrique/default.aspx?id=3", "https://lemonde.fr/rubrique?id=3"},
    {"https://www.lemonde.fr/a\\b", "https://lemonde.fr/a/b"},
    // percent-encoding: unreserved decoded, hex upper-cased, non-ASCII and spaces encoded
    {"https://www.lemonde.fr/%7Eauteur/%61rticle", "https://lemonde.fr/~auteur/article"},
    {"https://www.lemonde.fr/a%2fb%3f", "https://lemonde.fr/a%2Fb%3F"},
    {"https://www.lemonde.fr/société/élection présidentielle", "https://lemonde.fr/soci%C3%A9t%C3%A9/%C3%A9lection%20pr%C3%A9sidentielle"},
    {"https://www.lemonde.fr/soci%c3%a9t%c3%a9", "https://lemonde.fr/soci%C3%A9t%C3%A9"},
    {"https://www.lemonde.fr/100%", "https://lemonde.fr/100%25"},
    {"https://www.lemonde.fr/a?q=%C3%A9t%C3%A9&r=%26", "https://lemonde.fr/a?q=%C3%A9t%C3%A9&r=%26"},
    // IDN: punycode and Unicode hosts give one lower-case Unicode host
    {"http://xn--tlrama-bvab.fr/a", "https://télérama.fr/a"},
    {"http://TÉLÉRAMA.fr/a", "https://télérama.fr/a"},
    // control characters and spaces around
    {"  https://www.lemonde.fr/a\n", "https://lemonde.fr/a"},
    {"https://www.lemonde.fr/a\tb", "https://lemonde.fr/ab"},
};
// clang-format on

TEST(CanonicalizeUrl, OwnTable) {
  EXPECT_GE(std::size(kCanonicalCases), 40u);
  for (const auto& c : kCanonicalCases) {
    EXPECT_EQ(CanonicalizeUrl(c.in), c.want) << "input: " << c.in;
    // A canonical URL is a fixed point.
    EXPECT_EQ(CanonicalizeUrl(c.want), c.want) << "not idempotent: " << c.want;
  }
}

TEST(CanonicalizeUrl, RejectsWhatIsNotAnHttpUrl) {
  for (const char* bad : {"", "   ", "lemonde.fr/a", "//www.lemonde.fr", "ftp://lemonde.fr/a", "mailto:a@b.fr",
                          "javascript:alert(1)", "https://", "https:///a", "https://lemonde.fr:80x/",
                          "https://lemon de.fr/", "https://ohioamf.org]", "https://a..b/", "not a url"}) {
    EXPECT_EQ(CanonicalizeUrl(bad), "") << "input: " << bad;
  }
}

TEST(UrlHost, LowerCaseWithoutMeaninglessPrefixes) {
  EXPECT_EQ(UrlHost("https://WWW.Varmatin.com/politique/x"), "varmatin.com");
  EXPECT_EQ(UrlHost("http://m.nicematin.com"), "nicematin.com");
  EXPECT_EQ(UrlHost("https://france3-regions.francetvinfo.fr/bretagne"), "france3-regions.francetvinfo.fr");
  EXPECT_EQ(UrlHost("lemonde.fr/a"), "lemonde.fr");
  EXPECT_EQ(UrlHost("//www.lemonde.fr"), "lemonde.fr");
  EXPECT_EQ(UrlHost("https://x.com/a"), "twitter.com");
  EXPECT_EQ(UrlHost("https://[2001:db8::1]:8080/a"), "[2001:db8::1]");
  EXPECT_EQ(UrlHost("varmatin"), "");
  EXPECT_EQ(UrlHost("ftp://lemonde.fr"), "");
  EXPECT_EQ(UrlHost(""), "");
}

TEST(IsShortenedUrl, KnownShortenersWithAPath) {
  for (const char* s : {"https://t.co/yusF6sIMv7", "http://bit.ly/1sNZMwL", "https://ow.ly/abc", "https://buff.ly/x",
                        "https://tinyurl.com/abc", "https://goo.gl/x", "https://dlvr.it/x", "https://is.gd/x",
                        "https://lnkd.in/x", "https://fb.me/x", "https://lemde.fr/2xYz", "t.co/abc"}) {
    EXPECT_TRUE(IsShortenedUrl(s)) << s;
  }
  for (const char* s : {"https://t.co", "https://bit.ly/", "https://www.lemonde.fr/a", "https://youtu.be/abc",
                        "https://twitter.com/a", "lemonde.fr", "", "https://not-t.co/x"}) {
    EXPECT_FALSE(IsShortenedUrl(s)) << s;
  }
}

TEST(StatusUrlToItemKey, Twitter) {
  std::string key;
  EXPECT_TRUE(StatusUrlToItemKey("https://twitter.com/EmmanuelMacron/status/1346930000000000001", &key));
  EXPECT_EQ(key, "twitter:1346930000000000001");
  EXPECT_TRUE(StatusUrlToItemKey("https://x.com/varmatin/status/42?s=20", &key));
  EXPECT_EQ(key, "twitter:42");
  EXPECT_TRUE(StatusUrlToItemKey("http://mobile.twitter.com/a/statuses/43/photo/1", &key));
  EXPECT_EQ(key, "twitter:43");
  EXPECT_TRUE(StatusUrlToItemKey("https://twitter.com/i/web/status/44", &key));
  EXPECT_EQ(key, "twitter:44");
  EXPECT_TRUE(StatusUrlToItemKey("https://twitter.com/#!/afpfr/status/45", &key));
  EXPECT_EQ(key, "twitter:45");
  key = "unchanged";
  EXPECT_FALSE(StatusUrlToItemKey("https://twitter.com/varmatin", &key));
  EXPECT_FALSE(StatusUrlToItemKey("https://twitter.com/a/status/notanumber", &key));
  EXPECT_FALSE(StatusUrlToItemKey("https://twitter.com/status/46", &key));  // no user
  EXPECT_FALSE(StatusUrlToItemKey("https://www.lemonde.fr/a/status/47", &key));
  EXPECT_EQ(key, "unchanged");
  EXPECT_TRUE(StatusUrlToItemKey("https://twitter.com/a/status/48", nullptr));
}

TEST(StatusUrlToItemKey, MastodonAndBluesky) {
  std::string key;
  EXPECT_TRUE(StatusUrlToItemKey("https://mastodon.social/@Gargron/109876543210", &key));
  EXPECT_EQ(key, "mastodon:https://mastodon.social/users/Gargron/statuses/109876543210");
  EXPECT_TRUE(StatusUrlToItemKey("https://piaille.fr/users/alice/statuses/1234", &key));
  EXPECT_EQ(key, "mastodon:https://piaille.fr/users/alice/statuses/1234");
  EXPECT_FALSE(StatusUrlToItemKey("https://mastodon.social/@bob@piaille.fr/1234", &key));  // remote view
  EXPECT_FALSE(StatusUrlToItemKey("https://www.youtube.com/@lemonde/123", &key));
  EXPECT_FALSE(StatusUrlToItemKey("https://mastodon.social/@Gargron", &key));
  EXPECT_TRUE(StatusUrlToItemKey("https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3kabc", &key));
  EXPECT_EQ(key, "bluesky:at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kabc");
  // A handle needs a DID lookup: not resolvable offline.
  EXPECT_FALSE(StatusUrlToItemKey("https://bsky.app/profile/lemonde.fr/post/3kabc", &key));
}

// ---------------------------------------------------------------------------------------------
// ural (médialab) vectors, read in place.

nlohmann::json LoadVectors(const std::filesystem::path& dir, const char* name) {
  std::ifstream in(dir / "ural-url-test-vectors" / name);
  if (!in) return nullptr;
  return nlohmann::json::parse(in);
}

/// ural's normalize_url strips the scheme and shows IRIs (non-ASCII decoded). Projection of ours:
/// drop "https://", decode %XX runs that form non-ASCII UTF-8. Inputs without a scheme get "http://".
std::string ProjectOurs(const std::string& input) {
  std::string in = input;
  const auto trimmed = in.find_first_not_of(' ');
  std::string_view body = trimmed == std::string::npos ? std::string_view{} : std::string_view(in).substr(trimmed);
  if (body.find("://") == std::string_view::npos)
    in = (body.substr(0, 2) == "//" ? "http:" : "http://") + std::string(body);
  std::string out = CanonicalizeUrl(in);
  if (out.rfind("https://", 0) == 0) out.erase(0, 8);
  std::string decoded;
  for (std::size_t pos = 0; pos < out.size(); ++pos) {
    if (out[pos] == '%' && pos + 2 < out.size()) {
      const int v = std::stoi(out.substr(pos + 1, 2), nullptr, 16);
      if (v >= 0x80) {
        decoded.push_back(static_cast<char>(v));
        pos += 2;
        continue;
      }
    }
    decoded.push_back(out[pos]);
  }
  return decoded;
}

/// Vectors of ural's normalize_url TESTS table (by index) where relais deliberately differs.
/// Listed by index, with the reason, so that no GPL content is copied here; docs/registry.md
/// explains each rule.
const std::map<std::size_t, const char*> kDeliberateDifferences = {
    {4, "a path segment named 'index' (no extension) is not an index page: kept"},
    {28, "'seen' is not a known tracking parameter: kept"},
    {56, "a host with ']' is not a valid URL: we return empty, ural echoes it"},
    {63, "'recruiter' (change.org) is not a known tracking parameter: kept"},
    {72, "no redirect inference: facebook.com/login?next=… stays itself"},
    {85, "'s', 'm', '_ss' are dropped by ural everywhere, by relais only where they are known trackers"},
    {92, "youtu.be/ID is rewritten to youtube.com/watch?v=ID (ural does it only in platform-aware mode)"},
    {93, "'s' is dropped on twitter.com even without a value"},
};

TEST(UralVectors, NormalizeUrl) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  const auto vectors = LoadVectors(dir, "normalize_url_test.vectors.json");
  ASSERT_FALSE(vectors.is_null()) << "ural vectors missing from " << dir;
  const auto& tests = vectors.at("TESTS");
  ASSERT_EQ(tests.size(), 94u) << "ural vectors changed: review kDeliberateDifferences";
  std::size_t agree = 0;
  for (std::size_t idx = 0; idx < tests.size(); ++idx) {
    const std::string in = tests[idx][0], want = tests[idx][1];
    const std::string got = ProjectOurs(in);
    agree += got == want;
    if (kDeliberateDifferences.count(idx)) {
      EXPECT_NE(got, want) << "vector " << idx << " now agrees: drop it from kDeliberateDifferences";
    } else {
      EXPECT_EQ(got, want) << "vector " << idx << ": " << in;
    }
  }
  std::cout << "ural normalize_url: " << agree << " / " << tests.size() << " agree, " << kDeliberateDifferences.size()
            << " deliberate differences\n";
  EXPECT_EQ(agree + kDeliberateDifferences.size(), tests.size());
}

TEST(UralVectors, IsShortened) {
  RELAIS_REQUIRE_SHARED_DATA(dir);
  const auto vectors = LoadVectors(dir, "is_shortened_test.vectors.json");
  ASSERT_FALSE(vectors.is_null()) << "ural vectors missing from " << dir;
  std::size_t agree = 0;
  for (const auto& t : vectors.at("TESTS")) {
    const std::string in = t[0];
    const bool want = t[1];
    EXPECT_EQ(IsShortenedUrl(in), want) << in;
    agree += IsShortenedUrl(in) == want;
  }
  std::cout << "is_shortened: " << agree << " / " << vectors.at("TESTS").size() << " agree\n";
}

}  // namespace
}  // namespace relais::corpora

namespace relais::corpora {
namespace {

/// Random mutations of real-looking URLs: never a crash, and every non-empty result is a fixed point.
TEST(CanonicalizeUrl, RandomInputsAreSafeAndIdempotent) {
  const std::string alphabet = "abcXYZ019-._~:/?#[]@!$&'()*+,;=% \t\"<>\\^`{|}\xC3\xA9\xE2\x9E\xBD";
  const char* seeds[] = {"https://www.lemonde.fr/a/b.html?utm_source=x&b=2#frag",
                         "http://m.varmatin.com:80/amp/x.amp",
                         "https://t.co/abc?amp=1",
                         "https://xn--tlrama-bvab.fr/%7e/%c3%a9?q=%26",
                         "https://www-x-fr.cdn.ampproject.org/c/s/www.x.fr/a",
                         "https://twitter.com/#!/a/status/1"};
  std::uint64_t state = 42;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  std::size_t non_empty = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string url = seeds[next() % std::size(seeds)];
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t pos = next() % (url.size() + 1);
      const char c = alphabet[next() % alphabet.size()];
      switch (next() % 3) {
        case 0:
          url.insert(url.begin() + static_cast<std::ptrdiff_t>(pos), c);
          break;
        case 1:
          if (pos < url.size()) url.erase(pos, 1);
          break;
        default:
          if (pos < url.size()) url[pos] = c;
          break;
      }
    }
    const std::string once = CanonicalizeUrl(url);
    if (once.empty()) continue;
    ++non_empty;
    ASSERT_EQ(CanonicalizeUrl(once), once) << "input: " << url;
    ASSERT_EQ(once.rfind("https://", 0), 0u) << once;
    (void)UrlHost(url);
    (void)IsShortenedUrl(url);
    std::string key;
    (void)StatusUrlToItemKey(url, &key);
  }
  EXPECT_GT(non_empty, 5000u);  // most mutations stay valid URLs (9333 of 20000 measured)
}

}  // namespace
}  // namespace relais::corpora

// Found by the 10-minute fuzz_url campaign: a segment with two AMP markers lost one per call, and a dropped
// last segment ("/amp", an index page) left the marker of the segment before it; canonical is a fixed point.
TEST(Url, AmpMarkersGoInOneCallSoCanonicalIsAFixedPoint) {
  for (const std::string& u :
       {std::string("https://twv/us-/}ser/-<.amp.--<.amp.--e"), std::string("https://x.fr/a/b.amp.amp.html"),
        std::string("https://x.fr/a/story.amp.html/amp"), std::string("https://x.fr/a/story.amp.html/index.html"),
        std::string("https://x.fr/a/b.amp.amp")}) {
    const std::string c = relais::corpora::CanonicalizeUrl(u);
    EXPECT_EQ(relais::corpora::CanonicalizeUrl(c), c) << u;
  }
  EXPECT_EQ(relais::corpora::CanonicalizeUrl("https://x.fr/a/b.amp.amp.html"), "https://x.fr/a/b.html");
  EXPECT_EQ(relais::corpora::CanonicalizeUrl("https://x.fr/a/story.amp.html/amp"), "https://x.fr/a/story.html");
}

// Hosts that UTS #46 maps to bytes no host holds (U+0385 becomes a space and two combining marks; U+3002, the
// ideographic full stop, a dot): the first canonicalisation keeps the host as written, so the canonical form is a
// fixed point (the fuzz smoke found "HTTP://f\xff\xff]_@\x00\xce\x85+\x0b#[", 2026-12-06).
TEST(Url, HostsMappedToInvalidBytesStayAsWrittenSoCanonicalIsAFixedPoint) {
  for (const std::string& u :
       {std::string("HTTP://f\xff\xff]_@\x00\xce\x85+\x0b#["), std::string("https://\xce\x85.fr/a"),
        std::string("https://lemonde\xe3\x80\x82"
                    "fr/a"),
        std::string("https://a.\xe3\x80\x82/x")}) {
    const std::string c = relais::corpora::CanonicalizeUrl(u);
    EXPECT_EQ(relais::corpora::CanonicalizeUrl(c), c) << u;
  }
  EXPECT_EQ(relais::corpora::CanonicalizeUrl("https://\xce\x85.fr/a"), "https://\xce\x85.fr/a");
}
