// Writes the synthetic world in real formats: Twitter API v2 twarc2 pages, v1.1
// lines, Mastodon REST statuses, press/PR JSONL, RSS 2.0 feeds, a Windows-1252
// press CSV (dirty worlds), actors.csv and truth.json; the scraped formats of
// write_formats.cpp and Bluesky repository exports (repo_car.cpp). Files are grouped by
// week and built in parallel; each file's bytes depend only on the world.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <unordered_set>

#include <tbb/parallel_for.h>
#include <nlohmann/json.hpp>

#include "relais/base/civil.hpp"
#include "relais/base/error.hpp"
#include "relais/base/time.hpp"
#include "relais/corpora/url.hpp"
#include "repo_car.hpp"
#include "synth_internal.hpp"

namespace relais::corpora::detail {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

constexpr TimeMs kDay = 24LL * 3600 * 1000;

enum FileFormat : std::uint8_t {
  kFmtV2,
  kFmtV1,
  kFmtMastodon,
  kFmtPress,
  kFmtPr,
  kFmtRss,
  kFmtCsv,
  kFmtGraphql,      // write_formats.cpp
  kFmtZeeschuimer,  // write_formats.cpp
  kFmtJetstream,    // write_formats.cpp
  kFmtTelegram,     // write_formats.cpp
  kFmtEuropresse,   // write_formats.cpp
  kFmtBlueskyCar,   // repo_car.cpp
  kNumFmts
};
const char* const kFmtNames[] = {"twitter-v2", "twitter-v1", "mastodon",        "press-jsonl", "pr-jsonl",
                                 "rss",        "press-csv",  "twitter-graphql", "zeeschuimer", "bluesky-jetstream",
                                 "telegram",   "europresse", "bluesky-car"};

struct Civil {
  int y, m, d, hh, mm, ss;
  int wday;  // 0 = Sunday
};
Civil ToCivil(TimeMs t) {
  const CivilTime c = relais::ToCivil(t);
  return {c.year,
          static_cast<int>(c.month),
          static_cast<int>(c.day),
          static_cast<int>(c.hour),
          static_cast<int>(c.minute),
          static_cast<int>(c.second),
          static_cast<int>(c.weekday)};
}
const char* const kWd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const kMon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string IsoZ(TimeMs t) {  // 2021-01-08T23:21:00.000Z
  Civil c = ToCivil(t);
  char b[40];
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", c.y, c.m, c.d, c.hh, c.mm, c.ss);
  return b;
}
std::string IsoParis(TimeMs t) {  // local time in winter: +01:00
  Civil c = ToCivil(t + 3600 * 1000);
  char b[40];
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d+01:00", c.y, c.m, c.d, c.hh, c.mm, c.ss);
  return b;
}
std::string TwitterDate(TimeMs t) {  // Fri Jan 08 23:21:00 +0000 2021
  Civil c = ToCivil(t);
  char b[48];
  std::snprintf(b, sizeof b, "%s %s %02d %02d:%02d:%02d +0000 %04d", kWd[c.wday], kMon[c.m - 1], c.d, c.hh, c.mm, c.ss,
                c.y);
  return b;
}
std::string Rfc822Paris(TimeMs t) {  // Sat, 09 Jan 2021 00:21:00 +0100
  Civil c = ToCivil(t + 3600 * 1000);
  char b[48];
  std::snprintf(b, sizeof b, "%s, %02d %s %04d %02d:%02d:%02d +0100", kWd[c.wday], c.d, kMon[c.m - 1], c.y, c.hh, c.mm,
                c.ss);
  return b;
}

// ---------------------------------------------------------------------------------------------------
// Texts of items.

struct Entity {
  std::size_t start, end;  // code points
  std::string a, b, c;     // url: (t.co, expanded, display); hashtag: (tag);
                           // mention: (username, id)
};
struct Post {
  std::string text;
  std::vector<Entity> urls, hashtags, mentions;
  std::string shared_url;  // expanded URL shared (empty if none)
};

class Texts {
 public:
  explicit Texts(const World& w) : w_(w) {}

  std::string ArticleBase(std::int32_t r) const {
    const Item& it = w_.items[r];
    if (it.reuse >= 0)
      return EditText(ArticleBase(it.reuse), Key(w_.opt.seed, 61, it.uid), static_cast<Edit>(it.edit), it.topic);
    bool release = it.kind == kRelease;
    return ArticleBody(Key(w_.opt.seed, 62, it.uid), it.topic, release ? 90 : 70, release ? 200 : 220);
  }
  std::string ArticleFull(std::int32_t r) const {
    std::string s = ArticleBase(r);
    const Item& it = w_.items[r];
    if (it.embed >= 0) {
      const Actor& a = w_.actors[w_.items[it.embed].actor];
      s += "\n\nSur les réseaux sociaux, " + a.name + " a réagi : " + StatusUrl(it.embed);
    }
    return s;
  }
  std::string Title(std::int32_t r) const { return Headline(Key(w_.opt.seed, 50, w_.items[r].uid), w_.items[r].topic); }
  std::string StatusUrl(std::int32_t r) const {
    const Actor& a = w_.actors[w_.items[r].actor];
    if (a.platform == kMastodon) return "https://" + a.host + "/@" + a.handle + "/" + std::to_string(w_.ids[r]);
    return "https://twitter.com/" + a.handle + "/status/" + std::to_string(w_.ids[r]);
  }
  bool English(std::int32_t r) const {
    const Item& it = w_.items[r];
    return w_.actors[it.actor].head_of_state && it.uid % 10 < 8;
  }
  std::string Lang(std::int32_t r) const {
    const Item& it = w_.items[r];
    if (it.kind == kRetweet) return Lang(it.ref);
    return English(r) ? "en" : "fr";
  }
  std::string SharedUrl(std::int32_t r) const {
    const Item& it = w_.items[r];
    std::string url = w_.urls[it.link];
    switch (it.variant) {
      case kTracking:
        url += (it.uid % 2 ? "?utm_source=twitter&utm_medium=social&utm_campaign=partage" : "?xtor=RSS-3208");
        break;
      case kAmp: {
        auto p = url.find('/', 8);
        url = url.substr(0, p) + "/amp" + url.substr(p);
        break;
      }
      case kMobile: {
        auto p = url.find("://www.");
        if (p != std::string::npos) url = url.substr(0, p + 3) + "m." + url.substr(p + 7);
        break;
      }
      default:
        break;
    }
    return url;
  }
  static std::string Tco(std::uint64_t h) {
    static const char kB62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string s = "https://t.co/";
    for (int k = 0; k < 10; ++k) {
      s += kB62[h % 62];
      h /= 62;
    }
    return s;
  }
  static std::string Display(const std::string& url) {
    std::string d = url.substr(url.find("://") + 3);
    if (CodePoints(d) > 26) {
      std::size_t cps = 0, i = 0;
      for (; i < d.size(); ++i) {
        if ((static_cast<unsigned char>(d[i]) & 0xC0) != 0x80 && cps++ == 26) break;
      }
      d = d.substr(0, i) + "…";
    }
    return d;
  }

  /// The post as its platform shows it (for retweets: "RT @user: …").
  Post Compose(std::int32_t r) const {
    const Item& it = w_.items[r];
    const Actor& a = w_.actors[it.actor];
    Post p;
    auto add_mention = [&](std::int32_t who) {
      const Actor& m = w_.actors[who];
      std::string h = m.handle;
      p.text += "@" + h;
      std::size_t end = CodePoints(p.text);
      p.mentions.push_back({end - h.size() - 1, end, h, std::to_string(m.user_id), {}});
    };
    if (it.kind == kRetweet) {
      const Item& orig = w_.items[it.ref];
      p.text = "RT ";
      add_mention(orig.actor);
      p.text += ": ";
      TextPiece base = PostText(Key(w_.opt.seed, 60, orig.uid), orig.topic, English(it.ref), 40);
      std::string body = base.text;
      if (CodePoints(p.text) + CodePoints(body) > 140) {
        // Cut to 139 code points and add the ellipsis, as Twitter does.
        std::size_t keep = 139 - CodePoints(p.text), cps = 0, i = 0;
        for (; i < body.size(); ++i) {
          if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) {
            if (cps == keep) break;
            ++cps;
          }
        }
        body = body.substr(0, i) + "…";
      }
      p.text += body;
      return p;
    }
    if (it.kind == kReply) {
      add_mention(w_.items[it.ref].actor);
      p.text += ' ';
    }
    TextPiece base = PostText(Key(w_.opt.seed, 60, it.uid), it.topic, English(r), 40);
    std::size_t offset = CodePoints(p.text);
    p.text += base.text;
    for (const auto& tag : base.hashtags) {
      auto pos = base.text.rfind("#" + tag);
      std::size_t s = offset + CodePoints(std::string_view(base.text).substr(0, pos));
      p.hashtags.push_back({s, s + 1 + CodePoints(tag), tag, {}, {}});
    }
    if (it.mention >= 0) {
      p.text += ' ';
      add_mention(it.mention);
    }
    if (it.link >= 0) {
      p.shared_url = SharedUrl(r);
      p.text += ' ';
      if (a.platform == kTwitter) {
        std::string tco = Tco(Key(w_.opt.seed, 63, it.uid));
        std::size_t s = CodePoints(p.text);
        p.text += tco;
        p.urls.push_back({s, s + CodePoints(tco), tco, p.shared_url, Display(p.shared_url)});
      } else {
        std::size_t s = CodePoints(p.text);
        p.text += p.shared_url;
        p.urls.push_back({s, CodePoints(p.text), p.shared_url, p.shared_url, Display(p.shared_url)});
      }
    }
    return p;
  }

 private:
  const World& w_;
};

// ---------------------------------------------------------------------------------------------------
// JSON builders (hand-written for speed; key order fixed).

struct Stats {
  std::uint64_t records = 0, malformed = 0, duplicates = 0;
  std::uint64_t truncated = 0, invalid_utf8 = 0, missing_field = 0, dup_lines = 0, dup_page_tweets = 0;
  std::uint64_t bytes = 0;
};

class Writer {
 public:
  Writer(const World& w, const Texts& texts, std::vector<std::uint32_t> rt, std::vector<std::uint32_t> rp,
         std::vector<std::uint32_t> qt)
      : w_(w), t_(texts), rt_(std::move(rt)), rp_(std::move(rp)), qt_(std::move(qt)) {}

  void V2User(std::string& o, std::int32_t ai) const {
    const Actor& a = w_.actors[ai];
    o += "{\"id\":\"" + std::to_string(a.user_id) + "\",\"name\":";
    AppendJsonString(o, a.name);
    o += ",\"username\":";
    AppendJsonString(o, a.handle);
    o += ",\"created_at\":\"2012-03-14T09:12:44.000Z\",\"description\":\"\",";
    if (const std::string loc = ProfileLocation(w_, ai); !loc.empty()) {
      o += "\"location\":";
      AppendJsonString(o, loc);
      o += ',';
    }
    o += "\"protected\":false,\"verified\":";
    o += (a.group == kPressNational || a.group == kPolitician || a.group == kPressRegional) ? "true" : "false";
    o += ",\"public_metrics\":{\"followers_count\":" + std::to_string(Followers(ai)) +
         ",\"following_count\":0,\"tweet_count\":0,\"listed_count\":0}}";
  }
  std::int64_t Followers(std::int32_t ai) const { return w_.follower_offsets[ai + 1] - w_.follower_offsets[ai]; }
  std::uint64_t Id(std::int32_t r) const { return w_.ids[r]; }

  void V2Tweet(std::string& o, std::int32_t r) const {
    const Item& it = w_.items[r];
    const Actor& a = w_.actors[it.actor];
    Post p = t_.Compose(r);
    std::string id = std::to_string(Id(r));
    o += "{\"id\":\"" + id + "\",\"text\":";
    AppendJsonString(o, p.text);
    o += ",\"author_id\":\"" + std::to_string(a.user_id) + "\",\"created_at\":\"" + IsoZ(it.t) + "\",\"lang\":\"" +
         t_.Lang(r) + "\",\"conversation_id\":\"";
    o += std::to_string(it.kind == kReply ? Id(it.ref) : Id(r)) + "\"";
    if (it.kind == kReply)
      o += ",\"in_reply_to_user_id\":\"" + std::to_string(w_.actors[w_.items[it.ref].actor].user_id) + "\"";
    if (it.ref >= 0) {
      const char* type = it.kind == kRetweet ? "retweeted" : it.kind == kQuote ? "quoted" : "replied_to";
      o += ",\"referenced_tweets\":[{\"type\":\"" + std::string(type) + "\",\"id\":\"" + std::to_string(Id(it.ref)) +
           "\"}]";
    }
    if (!p.urls.empty() || !p.hashtags.empty() || !p.mentions.empty()) {
      o += ",\"entities\":{";
      bool first = true;
      auto sep = [&] {
        if (!first) o += ',';
        first = false;
      };
      if (!p.urls.empty()) {
        sep();
        o += "\"urls\":[";
        for (std::size_t k = 0; k < p.urls.size(); ++k) {
          const auto& e = p.urls[k];
          if (k) o += ',';
          o += "{\"start\":" + std::to_string(e.start) + ",\"end\":" + std::to_string(e.end) + ",\"url\":";
          AppendJsonString(o, e.a);
          o += ",\"expanded_url\":";
          AppendJsonString(o, e.b);
          o += ",\"display_url\":";
          AppendJsonString(o, e.c);
          o += '}';
        }
        o += ']';
      }
      if (!p.hashtags.empty()) {
        sep();
        o += "\"hashtags\":[";
        for (std::size_t k = 0; k < p.hashtags.size(); ++k) {
          const auto& e = p.hashtags[k];
          if (k) o += ',';
          o += "{\"start\":" + std::to_string(e.start) + ",\"end\":" + std::to_string(e.end) + ",\"tag\":";
          AppendJsonString(o, e.a);
          o += '}';
        }
        o += ']';
      }
      if (!p.mentions.empty()) {
        sep();
        o += "\"mentions\":[";
        for (std::size_t k = 0; k < p.mentions.size(); ++k) {
          const auto& e = p.mentions[k];
          if (k) o += ',';
          o += "{\"start\":" + std::to_string(e.start) + ",\"end\":" + std::to_string(e.end) + ",\"username\":";
          AppendJsonString(o, e.a);
          o += ",\"id\":\"" + e.b + "\"}";
        }
        o += ']';
      }
      o += '}';
    }
    if (const ItemGeo g = ItemGeoOf(w_, r); g.place >= 0) {
      o += ",\"geo\":{\"place_id\":\"" + GeoPlaceId(g.place) + "\"";
      if (g.coordinates) o += ",\"coordinates\":{\"type\":\"Point\",\"coordinates\":" + LonLat(g) + "}";
      o += '}';
    }
    o += ",\"public_metrics\":{\"retweet_count\":" + std::to_string(rt_[r]) +
         ",\"reply_count\":" + std::to_string(rp_[r]) + ",\"like_count\":" + std::to_string(rt_[r] * 3 + it.uid % 5) +
         ",\"quote_count\":" + std::to_string(qt_[r]) +
         "},\"possibly_sensitive\":false,\"reply_settings\":\"everyone\","
         "\"source\":\"Twitter Web App\","
         "\"edit_history_tweet_ids\":[\"" +
         id + "\"]}";
  }

  /// One twarc2 page: data, includes.users (authors, referenced authors,
  /// mentioned users), includes.tweets.
  void V2Page(std::string& o, const std::vector<std::int32_t>& rs) const {
    o += "{\"data\":[";
    std::vector<std::int32_t> users, refs;
    for (std::size_t k = 0; k < rs.size(); ++k) {
      if (k) o += ',';
      V2Tweet(o, rs[k]);
      const Item& it = w_.items[rs[k]];
      users.push_back(it.actor);
      if (it.ref >= 0) {
        refs.push_back(it.ref);
        users.push_back(w_.items[it.ref].actor);
      }
      if (it.mention >= 0) users.push_back(it.mention);
    }
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    std::sort(refs.begin(), refs.end());
    refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
    o += "],\"includes\":{\"users\":[";
    for (std::size_t k = 0; k < users.size(); ++k) {
      if (k) o += ',';
      V2User(o, users[k]);
    }
    o += "]";
    V2Places(o, rs, refs);
    if (!refs.empty()) {
      o += ",\"tweets\":[";
      for (std::size_t k = 0; k < refs.size(); ++k) {
        if (k) o += ',';
        V2Tweet(o, refs[k]);
      }
      o += "]";
    }
    std::uint64_t newest = 0, oldest = ~0ULL;
    for (auto r : rs) {
      newest = std::max(newest, Id(r));
      oldest = std::min(oldest, Id(r));
    }
    o += "},\"meta\":{\"newest_id\":\"" + std::to_string(newest) + "\",\"oldest_id\":\"" + std::to_string(oldest) +
         "\",\"result_count\":" + std::to_string(rs.size()) +
         "},\"__twarc\":{\"url\":\"https://api.twitter.com/2/tweets/search/"
         "all?expansions=author_id%2Creferenced_tweets.id"
         "%2Centities.mentions.username&max_results=100\",\"version\":\"2.14."
         "0\",\"retrieved_at\":\"" +
         IsoZ(w_.end) + "\"}}";
  }

  static std::string LonLat(const ItemGeo& g) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "[%.5f,%.5f]", g.lon, g.lat);
    return buf;
  }
  static void AppendPlace(std::string& o, int place) {
    o += "{\"id\":\"" + GeoPlaceId(place) + "\",\"full_name\":";
    AppendJsonString(o, GeoPlaceFullName(place));
    o += ",\"name\":";
    AppendJsonString(o, GeoPlaces()[place].name);
    o += ",\"country\":\"France\",\"country_code\":\"FR\",\"place_type\":\"city\"}";
  }
  /// includes.places of a v2 page: the places of its tweets and referenced tweets.
  void V2Places(std::string& o, const std::vector<std::int32_t>& rs, const std::vector<std::int32_t>& refs) const {
    std::set<int> places;
    for (const auto* list : {&rs, &refs})
      for (std::int32_t r : *list)
        if (const ItemGeo g = ItemGeoOf(w_, r); g.place >= 0) places.insert(g.place);
    if (places.empty()) return;
    o += ",\"places\":[";
    bool first = true;
    for (int p : places) {
      if (!first) o += ',';
      first = false;
      AppendPlace(o, p);
    }
    o += ']';
  }
  /// v1.1 `coordinates` ([lon, lat]) and `place` of a status.
  void V1Geo(std::string& o, std::int32_t r) const {
    const ItemGeo g = ItemGeoOf(w_, r);
    if (g.place < 0) return;
    if (g.coordinates) o += ",\"coordinates\":{\"type\":\"Point\",\"coordinates\":" + LonLat(g) + "}";
    o += ",\"place\":";
    AppendPlace(o, g.place);
  }

  void V1User(std::string& o, std::int32_t ai) const {
    const Actor& a = w_.actors[ai];
    std::string id = std::to_string(a.user_id);
    o += "{\"id\":" + id + ",\"id_str\":\"" + id + "\",\"name\":";
    AppendJsonString(o, a.name);
    o += ",\"screen_name\":";
    AppendJsonString(o, a.handle);
    o += ",\"followers_count\":" + std::to_string(Followers(ai)) + ",\"verified\":";
    o += (a.group == kPressNational || a.group == kPolitician) ? "true" : "false";
    if (const std::string loc = ProfileLocation(w_, ai); !loc.empty()) {
      o += ",\"location\":";
      AppendJsonString(o, loc);
    }
    o += "}";
  }

  void V1Status(std::string& o, std::int32_t r, bool omit_ids) const {
    const Item& it = w_.items[r];
    Post p = t_.Compose(r);
    std::string id = std::to_string(Id(r));
    o += '{';
    if (!omit_ids) o += "\"created_at\":\"" + TwitterDate(it.t) + "\",\"id\":" + id + ",\"id_str\":\"" + id + "\",";
    o += "\"full_text\":";
    AppendJsonString(o, p.text);
    o += ",\"truncated\":false,\"display_text_range\":[0," + std::to_string(CodePoints(p.text)) +
         "],\"entities\":{\"hashtags\":[";
    for (std::size_t k = 0; k < p.hashtags.size(); ++k) {
      const auto& e = p.hashtags[k];
      if (k) o += ',';
      o += "{\"text\":";
      AppendJsonString(o, e.a);
      o += ",\"indices\":[" + std::to_string(e.start) + "," + std::to_string(e.end) + "]}";
    }
    o += "],\"symbols\":[],\"user_mentions\":[";
    for (std::size_t k = 0; k < p.mentions.size(); ++k) {
      const auto& e = p.mentions[k];
      if (k) o += ',';
      o += "{\"screen_name\":";
      AppendJsonString(o, e.a);
      o += ",\"id\":" + e.b + ",\"id_str\":\"" + e.b + "\",\"indices\":[" + std::to_string(e.start) + "," +
           std::to_string(e.end) + "]}";
    }
    o += "],\"urls\":[";
    for (std::size_t k = 0; k < p.urls.size(); ++k) {
      const auto& e = p.urls[k];
      if (k) o += ',';
      o += "{\"url\":";
      AppendJsonString(o, e.a);
      o += ",\"expanded_url\":";
      AppendJsonString(o, e.b);
      o += ",\"display_url\":";
      AppendJsonString(o, e.c);
      o += ",\"indices\":[" + std::to_string(e.start) + "," + std::to_string(e.end) + "]}";
    }
    o += "]},\"source\":\"<a href=\\\"https://mobile.twitter.com\\\" "
         "rel=\\\"nofollow\\\">Twitter Web App</a>\"";
    if (it.kind == kReply) {
      const Item& par = w_.items[it.ref];
      const Actor& pa = w_.actors[par.actor];
      std::string pid = std::to_string(Id(it.ref)), uid = std::to_string(pa.user_id);
      o += ",\"in_reply_to_status_id\":" + pid + ",\"in_reply_to_status_id_str\":\"" + pid +
           "\",\"in_reply_to_user_id\":" + uid + ",\"in_reply_to_user_id_str\":\"" + uid +
           "\",\"in_reply_to_screen_name\":";
      AppendJsonString(o, pa.handle);
    } else {
      o += ",\"in_reply_to_status_id\":null,\"in_reply_to_status_id_str\":null,"
           "\"in_reply_to_user_id\":null,"
           "\"in_reply_to_user_id_str\":null,\"in_reply_to_screen_name\":null";
    }
    o += ",\"user\":";
    V1User(o, it.actor);
    V1Geo(o, r);
    if (it.kind == kRetweet) {
      o += ",\"retweeted_status\":";
      V1Status(o, it.ref, false);
    }
    o += ",\"is_quote_status\":";
    o += it.kind == kQuote ? "true" : "false";
    if (it.kind == kQuote) {
      std::string qid = std::to_string(Id(it.ref));
      o += ",\"quoted_status_id\":" + qid + ",\"quoted_status_id_str\":\"" + qid + "\",\"quoted_status\":";
      V1Status(o, it.ref, false);
    }
    o += ",\"retweet_count\":" + std::to_string(it.kind == kRetweet ? rt_[it.ref] : rt_[r]) +
         ",\"favorite_count\":" + std::to_string(rt_[r] * 3 + it.uid % 5) +
         ",\"favorited\":false,\"retweeted\":false,\"lang\":\"" + t_.Lang(r) + "\"}";
  }

  void MastodonAccount(std::string& o, std::int32_t ai) const {
    const Actor& a = w_.actors[ai];
    o += "{\"id\":\"" + std::to_string(a.user_id) + "\",\"username\":";
    AppendJsonString(o, a.handle);
    o += ",\"acct\":";
    AppendJsonString(o, a.handle + "@" + a.host);
    o += ",\"display_name\":";
    AppendJsonString(o, a.name);
    o += ",\"locked\":false,\"bot\":false,\"created_at\":\"2018-04-01T00:00:00."
         "000Z\",\"note\":\"\",\"url\":\"https://" +
         a.host + "/@" + a.handle + "\",\"followers_count\":" + std::to_string(Followers(ai)) +
         ",\"following_count\":0,\"statuses_count\":0";
    if (const std::string loc = ProfileLocation(w_, ai); !loc.empty()) {
      o += ",\"fields\":[{\"name\":\"Localisation\",\"value\":";
      AppendJsonString(o, loc);
      o += ",\"verified_at\":null}]";
    }
    o += '}';
  }

  void MastodonStatus(std::string& o, std::int32_t r, bool omit_ids) const {
    const Item& it = w_.items[r];
    const Actor& a = w_.actors[it.actor];
    std::string id = std::to_string(Id(r));
    o += '{';
    if (!omit_ids) o += "\"id\":\"" + id + "\",\"created_at\":\"" + IsoZ(it.t) + "\",";
    if (it.kind == kReply) {
      o += "\"in_reply_to_id\":\"" + std::to_string(Id(it.ref)) + "\",\"in_reply_to_account_id\":\"" +
           std::to_string(w_.actors[w_.items[it.ref].actor].user_id) + "\",";
    } else {
      o += "\"in_reply_to_id\":null,\"in_reply_to_account_id\":null,";
    }
    o += "\"sensitive\":false,\"spoiler_text\":\"\",\"visibility\":\"public\","
         "\"language\":";
    o += it.kind == kRetweet ? "null" : "\"" + t_.Lang(r) + "\"";
    if (!omit_ids) o += ",\"uri\":\"" + w_.urls[r] + "\"";
    o += ",\"url\":\"" + (it.kind == kRetweet ? w_.urls[r] : t_.StatusUrl(r)) + "\"";
    o += ",\"replies_count\":" + std::to_string(rp_[r]) + ",\"reblogs_count\":" + std::to_string(rt_[r]) +
         ",\"favourites_count\":" + std::to_string(it.uid % 4) + ",\"edited_at\":null,\"content\":";
    std::vector<std::int32_t> mentioned;
    if (it.kind == kRetweet) {
      o += "\"\",\"reblog\":";
      MastodonStatus(o, it.ref, false);
    } else {
      Post p = t_.Compose(r);
      // HTML as Mastodon renders it: links, mentions and hashtags as anchors.
      std::string html = "<p>";
      std::string text = p.text;
      std::size_t i = 0;
      while (i < text.size()) {
        if (text[i] == '@' && (i == 0 || text[i - 1] == ' ')) {
          std::size_t e = text.find(' ', i);
          if (e == std::string::npos) e = text.size();
          std::string h = text.substr(i + 1, e - i - 1);
          const Actor* m = nullptr;
          std::int32_t mi = it.kind == kReply ? w_.items[it.ref].actor : it.mention;
          if (mi >= 0 && w_.actors[mi].handle == h) m = &w_.actors[mi];
          if (m != nullptr) {
            mentioned.push_back(mi);
            html += "<span class=\"h-card\"><a href=\"https://" + m->host + "/@" + h +
                    "\" class=\"u-url mention\">@<span>" + h + "</span></a></span>";
            i = e;
            continue;
          }
        }
        if (text[i] == '#' && (i == 0 || text[i - 1] == ' ')) {
          std::size_t e = text.find(' ', i);
          if (e == std::string::npos) e = text.size();
          std::string tag = text.substr(i + 1, e - i - 1);
          html += "<a href=\"https://" + a.host + "/tags/" + tag + "\" class=\"mention hashtag\" rel=\"tag\">#<span>";
          AppendXmlEscaped(html, tag);
          html += "</span></a>";
          i = e;
          continue;
        }
        if (text.compare(i, 8, "https://") == 0) {
          std::size_t e = text.find(' ', i);
          if (e == std::string::npos) e = text.size();
          std::string url = text.substr(i, e - i);
          html += "<a href=\"";
          AppendXmlEscaped(html, url);
          html +=
              "\" target=\"_blank\" rel=\"nofollow noopener "
              "noreferrer\"><span class=\"invisible\">https://</span>"
              "<span class=\"\">";
          AppendXmlEscaped(html, url.substr(8));
          html += "</span></a>";
          i = e;
          continue;
        }
        std::size_t e = text.find_first_of("@#h", i + 1);
        if (e == std::string::npos) e = text.size();
        AppendXmlEscaped(html, std::string_view(text).substr(i, e - i));
        i = e;
      }
      html += "</p>";
      AppendJsonString(o, html);
      o += ",\"reblog\":null";
    }
    o += ",\"account\":";
    MastodonAccount(o, it.actor);
    o += ",\"media_attachments\":[],\"mentions\":[";
    for (std::size_t k = 0; k < mentioned.size(); ++k) {
      const Actor& m = w_.actors[mentioned[k]];
      if (k) o += ',';
      o += "{\"id\":\"" + std::to_string(m.user_id) + "\",\"username\":\"" + m.handle + "\",\"url\":\"https://" +
           m.host + "/@" + m.handle + "\",\"acct\":\"" + m.handle + "@" + m.host + "\"}";
    }
    o += "],\"tags\":[";
    if (it.kind != kRetweet) {
      Post p = t_.Compose(r);
      for (std::size_t k = 0; k < p.hashtags.size(); ++k) {
        if (k) o += ',';
        o += "{\"name\":";
        AppendJsonString(o, p.hashtags[k].a);
        o += ",\"url\":\"https://" + a.host + "/tags/";
        o += p.hashtags[k].a;
        o += "\"}";
      }
    }
    o += "],\"emojis\":[],\"card\":null,\"poll\":null}";
  }

  void PressLine(std::string& o, std::int32_t r, bool omit_fields) const {
    const Item& it = w_.items[r];
    const Actor& a = w_.actors[it.actor];
    o += '{';
    if (!omit_fields) {
      o += "\"url\":";
      AppendJsonString(o, w_.urls[r]);
      o += ",\"published\":\"" + IsoParis(it.t) + "\",";
    }
    o += "\"title\":";
    AppendJsonString(o, t_.Title(r));
    o += ",\"text\":";
    AppendJsonString(o, t_.ArticleFull(r));
    o += ",\"outlet\":";
    AppendJsonString(o, a.name);
    o += ",\"author\":";
    AppendJsonString(o, it.kind == kRelease ? "Service de presse" : AuthorName(Key(w_.opt.seed, 64, it.uid)));
    if (!omit_fields) o += ",\"id\":\"" + std::to_string(it.uid % 1000000000000ULL) + "\"";
    if (it.kind == kRelease) o += ",\"channel\":\"pr\"";
    o += '}';
  }

 private:
  const World& w_;
  const Texts& t_;
  std::vector<std::uint32_t> rt_, rp_, qt_;
};

struct Bucket {
  FileFormat fmt;
  std::string path;  // relative to out
  std::int32_t actor = -1;
  std::vector<std::int32_t> items;
};

// Adds a damaged copy (or an exact duplicate) of a line after it, as real
// collections have them.
void MaybeDamage(std::string& out, const std::string& line, std::string_view text_key, std::uint64_t key, double rate,
                 const std::string& missing_line, Stats& st) {
  Rng rng(key);
  if (rate <= 0 || !rng.Bernoulli(rate)) return;
  switch (rng.Below(4)) {
    case 0: {  // truncated: a prefix that lacks at least the closing brace
      std::size_t cut = line.size() / 3 + rng.Below(line.size() - 2 - line.size() / 3);
      out.append(line, 0, cut);
      out += '\n';
      ++st.truncated;
      ++st.malformed;
      break;
    }
    case 1: {  // invalid UTF-8 bytes inside a string
      std::string bad = line;
      auto p = bad.find(text_key);
      if (p == std::string::npos) p = bad.find("\":\"");
      p += text_key.size();
      bad.insert(p, "\xFF\xFE");
      out += bad;
      out += '\n';
      ++st.invalid_utf8;
      ++st.malformed;
      break;
    }
    case 2:  // required fields missing
      out += missing_line;
      out += '\n';
      ++st.missing_field;
      ++st.malformed;
      break;
    default:
      out += line;
      out += '\n';
      ++st.dup_lines;
      ++st.duplicates;
  }
}

std::string CsvField(std::string_view s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

// Streams lines to a file through a 1 MB buffer rather than building the whole
// file (a line per follow edge).
class LineFile {
 public:
  explicit LineFile(fs::path path) : path_(std::move(path)), f_(path_, std::ios::binary) {
    if (!f_) throw Error(ErrorKind::kIo, "cannot write " + path_.string());
  }
  std::string& buf() { return buf_; }
  void MaybeFlush() {
    if (buf_.size() >= (1u << 20)) Flush();
  }
  void Close() {
    Flush();
    f_.close();
    if (!f_) throw Error(ErrorKind::kIo, "cannot write " + path_.string());
  }

 private:
  void Flush() {
    f_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    if (!f_) throw Error(ErrorKind::kIo, "cannot write " + path_.string());
    buf_.clear();
  }
  fs::path path_;
  std::ofstream f_;
  std::string buf_;
};

// followers.csv: `follower,followed`, one Twitter follow edge a line (handles
// as in the tweets, with '@'), grouped by followed account in actor order,
// followers in actor order. Mastodon accounts are left out.
void WriteFollowerList(const World& w, const fs::path& path) {
  LineFile out(path);
  std::string& b = out.buf();
  b += "follower,followed\n";
  for (std::size_t t = 0; t < w.actors.size(); ++t) {
    if (w.actors[t].platform != kTwitter) continue;
    for (std::int64_t k = w.follower_offsets[t]; k < w.follower_offsets[t + 1]; ++k) {
      const Actor& f = w.actors[static_cast<std::size_t>(w.followers[static_cast<std::size_t>(k)])];
      if (f.platform != kTwitter) continue;
      b += '@';
      b += f.handle;
      b += ",@";
      b += w.actors[t].handle;
      b += '\n';
    }
    out.MaybeFlush();
  }
  out.Close();
}

// cascades_truth.csv: `item_key,parent_item_key` for every Twitter retweet of a
// planted cascade: the item its author saw it from (the root, or the retweet of
// the follower who passed it on), in item order.
void WriteCascadeTruth(const World& w, const fs::path& path) {
  LineFile out(path);
  std::string& b = out.buf();
  b += "item_key,parent_item_key\n";
  for (std::size_t r = 0; r < w.items.size(); ++r) {
    const Item& it = w.items[r];
    if (it.kind != kRetweet || it.origin != kCascade || it.via < 0) continue;
    if (w.actors[static_cast<std::size_t>(it.actor)].platform != kTwitter) continue;
    b += w.keys[r];
    b += ',';
    b += w.keys[static_cast<std::size_t>(it.via)];
    b += '\n';
    out.MaybeFlush();
  }
  out.Close();
}

// Output folders, emptied of a previous world's data files.
void PrepareFolders(const fs::path& out) {
  std::error_code ec;
  fs::remove_all(out / "data", ec);
  for (const std::string& d :
       {std::string("data/twitter/v2"), std::string("data/twitter/v1"), std::string("data/mastodon"),
        std::string("data/press"), std::string("data/pr"), std::string("data/rss"),
        TwitterShareFolder(TwitterShare::kGraphql), TwitterShareFolder(TwitterShare::kZeeschuimer),
        std::string("data/bluesky"), std::string("data/bluesky/repos"), std::string("data/telegram"),
        std::string("data/press/europresse")}) {
    fs::create_directories(out / d, ec);
    if (ec) throw Error(ErrorKind::kIo, "cannot create " + (out / d).string() + ": " + ec.message());
  }
}

// Items into data files: one bucket per (format, week), or per RSS / CSV
// outlet; sorted by path.
std::vector<Bucket> AssignBuckets(const World& w) {
  const std::uint64_t seed = w.opt.seed;
  const std::size_t n = w.items.size();
  // Buckets: (format, week) or one per RSS / CSV outlet.
  std::map<std::pair<int, std::int64_t>, std::size_t> index;
  std::vector<Bucket> buckets;
  for (std::size_t r = 0; r < n; ++r) {
    const Item& it = w.items[r];
    const Actor& a = w.actors[it.actor];
    FileFormat f;
    std::int64_t sub = (it.t - w.start) / (7 * kDay);
    if (it.kind == kArticle) {
      f = a.rss ? kFmtRss : (a.csv && w.opt.dirty > 0) ? kFmtCsv : kFmtPress;
      if (f == kFmtPress && EuropresseCarries(w, static_cast<std::int32_t>(r))) f = kFmtEuropresse;
      if (f != kFmtPress && f != kFmtEuropresse) sub = 1000 + it.actor;
    } else if (it.kind == kRelease) {
      f = kFmtPr;
    } else if (a.platform == kMastodon) {
      f = kFmtMastodon;
    } else if (w.venues[r] == Venue::kBluesky) {
      f = BlueskyRepoExport(w, it.actor) ? kFmtBlueskyCar : kFmtJetstream;
      if (f == kFmtBlueskyCar) sub = 1000 + it.actor;  // one export per account
    } else if (w.venues[r] == Venue::kTelegram) {
      f = kFmtTelegram;
      sub = 1000 + it.actor;  // one export per channel
    } else {
      f = (Key(seed, 70, it.uid) % 1000) < static_cast<std::uint64_t>(w.par.v1_share * 1000) ? kFmtV1 : kFmtV2;
      if (f == kFmtV2 && TwitterShareOf(seed, it.uid) != TwitterShare::kApi)
        f = TwitterShareOf(seed, it.uid) == TwitterShare::kGraphql ? kFmtGraphql : kFmtZeeschuimer;
    }
    auto [pos, fresh] = index.emplace(std::make_pair(static_cast<int>(f), sub), buckets.size());
    if (fresh) {
      Bucket b;
      b.fmt = f;
      char wk[16];
      std::snprintf(wk, sizeof wk, "%02lld", static_cast<long long>(sub + 1));
      switch (f) {
        case kFmtV2:
          b.path = std::string("data/twitter/v2/tweets-week") + wk + ".jsonl";
          break;
        case kFmtV1:
          b.path = std::string("data/twitter/v1/statuses-week") + wk + ".jsonl";
          break;
        case kFmtMastodon:
          b.path = std::string("data/mastodon/statuses-week") + wk + ".jsonl";
          break;
        case kFmtPress:
          b.path = std::string("data/press/articles-week") + wk + ".jsonl";
          break;
        case kFmtPr:
          b.path = std::string("data/pr/releases-week") + wk + ".jsonl";
          break;
        case kFmtRss:
          b.path = "data/rss/" + a.domain + ".xml";
          break;
        case kFmtGraphql:
          b.path = TwitterShareFile(TwitterShare::kGraphql, wk);
          break;
        case kFmtZeeschuimer:
          b.path = TwitterShareFile(TwitterShare::kZeeschuimer, wk);
          break;
        case kFmtJetstream:
          b.path = std::string("data/bluesky/jetstream-week") + wk + ".jsonl";
          break;
        case kFmtTelegram:
          b.path = "data/telegram/ChatExport_" + TelegramChannelId(w, it.actor) + "/result.json";
          break;
        case kFmtEuropresse:
          b.path = std::string("data/press/europresse/europresse-week") + wk + ".html";
          break;
        case kFmtBlueskyCar:
          b.path = BlueskyRepoFile(w, it.actor);
          break;
        default:
          b.path = "data/press/" + a.domain + "-export-cp1252.csv";
          break;
      }
      b.actor = it.actor;
      buckets.push_back(std::move(b));
    }
    buckets[pos->second].items.push_back(static_cast<std::int32_t>(r));
  }
  std::sort(buckets.begin(), buckets.end(), [](const Bucket& x, const Bucket& y) { return x.path < y.path; });

  return buckets;
}

// A post written on Bluesky or Telegram: its text with the shared URL written out (no t.co), without a
// reply's leading addressee, the byte spans of its hashtags and of the link.
BlueskyPost PlainPost(const Texts& texts, std::int32_t r, bool reply) {
  const Post p = texts.Compose(r);
  BlueskyPost out;
  out.text = p.text;
  // Twitter's leading "@addressee " of a reply: Bluesky and Telegram show whom a reply answers by its
  // reply refs, not in the text.
  if (reply && !p.mentions.empty() && p.mentions.front().start == 0) out.text.erase(0, out.text.find(' ') + 1);
  for (const Entity& e : p.urls) {
    const std::size_t at = out.text.find(e.a);
    if (at == std::string::npos) continue;
    out.text.replace(at, e.a.size(), e.b);
    out.link = e.b;
    out.link_start = at;
    out.link_end = at + e.b.size();
  }
  std::size_t from = 0;
  for (const Entity& e : p.hashtags) {
    const std::string tag = "#" + e.a;
    const std::size_t at = out.text.find(tag, from);
    if (at == std::string::npos) continue;
    out.tags.push_back(e.a);
    out.tag_bytes.emplace_back(at, at + tag.size());
    from = at + tag.size();
  }
  return out;
}

// The at:// URI of an item written on Bluesky, from its key ("bluesky:at://…").
std::string UriOf(const World& w, std::int32_t r) { return w.keys[static_cast<std::size_t>(r)].substr(8); }

// A Bluesky post item as the reader's mapping needs it: its text, facets, reply refs (parent and
// thread root) or quoted record. Every target is a Bluesky post of the same cluster (AssignVenues), so
// the refs resolve to stored items.
BlueskyPost BlueskyPostOf(const World& w, const Texts& texts, std::int32_t r) {
  const Item& it = w.items[static_cast<std::size_t>(r)];
  BlueskyPost post = PlainPost(texts, r, it.kind == kReply);
  if (it.kind == kQuote) post.quote_uri = UriOf(w, it.ref);
  if (it.kind == kReply) {
    std::int32_t root = it.ref;
    while (w.items[static_cast<std::size_t>(root)].kind == kReply) root = w.items[static_cast<std::size_t>(root)].ref;
    post.reply_parent_uri = UriOf(w, it.ref);
    post.reply_root_uri = UriOf(w, root);
  }
  return post;
}

// A Bluesky item as a Jetstream event: a repost record for a retweet, else a post record.
void AppendBlueskyItem(std::string& o, const World& w, const Texts& texts, std::int32_t r) {
  const Item& it = w.items[static_cast<std::size_t>(r)];
  const std::string& key = w.keys[static_cast<std::size_t>(r)];
  const std::string did = BlueskyDid(w, it.actor), rkey = key.substr(key.rfind('/') + 1);
  if (it.kind == kRetweet) return AppendJetstreamRepost(o, did, rkey, it.t, UriOf(w, it.ref));
  AppendJetstreamPost(o, did, rkey, it.t, texts.Lang(r), BlueskyPostOf(w, texts, r));
}

// An account's Bluesky items as its repository export: the same records as the Jetstream events would
// carry, under the same keys ("<collection>/<rkey>" of their at:// URIs); the commit's rev is the
// latest record key (TIDs sort by time).
void AppendBlueskyRepo(std::string& o, const World& w, const Texts& texts, std::int32_t actor,
                       const std::vector<std::int32_t>& items) {
  const std::string did = BlueskyDid(w, actor);
  std::vector<RepoRecord> records;
  std::string rev;
  for (std::int32_t r : items) {
    const Item& it = w.items[static_cast<std::size_t>(r)];
    const std::string uri = UriOf(w, r);
    const std::string key = uri.substr(5 + did.size() + 1);
    rev = std::max(rev, key.substr(key.rfind('/') + 1));
    const nlohmann::ordered_json record = it.kind == kRetweet
                                              ? BlueskyRepostRecord(it.t, UriOf(w, it.ref))
                                              : BlueskyPostRecord(it.t, texts.Lang(r), BlueskyPostOf(w, texts, r));
    records.push_back(RepoRecord{key, DagCbor(record)});
  }
  o += RepoCar(did, rev, std::move(records));
}

// A Telegram item as a channel message: a retweet is a forward (the original's text, its source channel
// named), a reply answers a message of its own channel or (reply_to_peer_id) of another.
std::string TelegramItem(const World& w, const Texts& texts, std::int32_t r) {
  const Item& it = w.items[static_cast<std::size_t>(r)];
  const std::string channel = TelegramChannelId(w, it.actor);
  const std::string& name = w.actors[static_cast<std::size_t>(it.actor)].name;
  TelegramRefs refs;
  BlueskyPost post;
  if (it.kind == kRetweet) {
    const std::int32_t source = w.items[static_cast<std::size_t>(it.ref)].actor;
    refs.forwarded_from = w.actors[static_cast<std::size_t>(source)].name;
    refs.forwarded_from_id = "channel" + TelegramChannelId(w, source);
    // "RT @user: text" as Compose writes it: a forward shows the text alone, without entities.
    const std::string rt = texts.Compose(r).text;
    post.text = rt.substr(rt.find(": ") + 2);
  } else {
    post = PlainPost(texts, r, it.kind == kReply);
  }
  if (it.kind == kQuote) throw Error(ErrorKind::kInternal, "synth: a quote cannot be written to Telegram");
  if (it.kind == kReply) {
    const std::int32_t target = w.items[static_cast<std::size_t>(it.ref)].actor;
    refs.reply_to = w.ids[static_cast<std::size_t>(it.ref)];
    if (target != it.actor) refs.reply_to_peer = "channel" + TelegramChannelId(w, target);
  }
  return TelegramMessage(w.ids[static_cast<std::size_t>(r)], it.t, channel, name, post, refs);
}

// One data file, written whole; returns what it holds.
Stats WriteBucket(const World& w, const Texts& texts, const Writer& writer, const Bucket& b, const fs::path& out) {
  const std::uint64_t seed = w.opt.seed;
  const double dirty = w.opt.dirty;
  Stats st;
  std::string o;
  std::string line, missing;
  switch (b.fmt) {
    case kFmtV2: {
      for (std::size_t k = 0; k < b.items.size(); k += 100) {
        std::vector<std::int32_t> page(b.items.begin() + k, b.items.begin() + std::min(b.items.size(), k + 100));
        line.clear();
        writer.V2Page(line, page);
        o += line;
        o += '\n';
        st.records += page.size();
        Rng rng(Key(seed, 91, w.items[page[0]].uid));
        if (dirty > 0 && rng.Bernoulli(dirty / 5)) {  // a page collected twice: every tweet is a duplicate
          o += line;
          o += '\n';
          st.dup_page_tweets += page.size();
          st.duplicates += page.size();
        }
      }
      break;
    }
    case kFmtV1:
    case kFmtMastodon:
    case kFmtPress:
    case kFmtPr: {
      for (std::int32_t r : b.items) {
        line.clear();
        missing.clear();
        const char* text_key = "\"text\":\"";
        if (b.fmt == kFmtV1) {
          writer.V1Status(line, r, false);
          if (dirty > 0) writer.V1Status(missing, r, true);
          text_key = "\"full_text\":\"";
        } else if (b.fmt == kFmtMastodon) {
          writer.MastodonStatus(line, r, false);
          if (dirty > 0) writer.MastodonStatus(missing, r, true);
          text_key = "\"spoiler_text\":\"";
        } else {
          writer.PressLine(line, r, false);
          if (dirty > 0) writer.PressLine(missing, r, true);
        }
        o += line;
        o += '\n';
        ++st.records;
        MaybeDamage(o, line, text_key, Key(seed, 90, w.items[r].uid), dirty, missing, st);
      }
      break;
    }
    case kFmtGraphql:
    case kFmtZeeschuimer: {  // converted from the v1.1 statuses (write_formats.cpp); never damaged
      std::vector<std::string> statuses(b.items.size());
      for (std::size_t k = 0; k < b.items.size(); ++k) writer.V1Status(statuses[k], b.items[k], false);
      if (b.fmt == kFmtGraphql)
        AppendGraphqlResponses(o, statuses);
      else
        AppendZeeschuimerItems(o, statuses, w.end, static_cast<std::uint64_t>(b.items.front()) + 1);
      st.records += statuses.size();
      break;
    }
    case kFmtJetstream:  // never damaged, as the other scraped formats
      for (std::int32_t r : b.items) AppendBlueskyItem(o, w, texts, r);
      st.records += b.items.size();
      break;
    case kFmtBlueskyCar:  // never damaged, as Jetstream
      AppendBlueskyRepo(o, w, texts, b.actor, b.items);
      st.records += b.items.size();
      break;
    case kFmtTelegram: {
      std::vector<std::string> messages;
      for (std::int32_t r : b.items) messages.push_back(TelegramItem(w, texts, r));
      AppendTelegramExport(o, TelegramChannelId(w, b.actor), w.actors[b.actor].name, messages);
      st.records += messages.size();
      break;
    }
    case kFmtEuropresse:
      o +=
          "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Europresse.com</title>\n</head>\n<body>\n";
      for (std::int32_t r : b.items) {
        const Item& it = w.items[r];
        EuropresseArticle art;
        art.publication = w.actors[it.actor].name;
        art.title = texts.Title(r);
        art.byline = AuthorName(Key(seed, 64, it.uid));
        art.body = texts.ArticleFull(r);
        art.url = w.urls[r];
        art.doc_code = "SYN";
        art.doc_number = it.uid % 1000000000000ULL;
        art.t = it.t;
        AppendEuropresseArticle(o, art);
        ++st.records;
      }
      o += "</body>\n</html>\n";
      break;
    case kFmtRss: {
      const Actor& a = w.actors[b.actor];
      o += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss "
           "version=\"2.0\">\n<channel>\n<title>";
      AppendXmlEscaped(o, a.name);
      o += "</title>\n<link>https://www." + a.domain + "/</link>\n<description>";
      AppendXmlEscaped(o, "Toute l'actualité de " + a.name);
      o += "</description>\n<language>fr</language>\n";
      for (std::int32_t r : b.items) {
        o += "<item>\n<title>";
        AppendXmlEscaped(o, texts.Title(r));
        o += "</title>\n<link>";
        AppendXmlEscaped(o, w.urls[r]);
        o += "</link>\n<description>";
        AppendXmlEscaped(o, texts.ArticleFull(r));
        o += "</description>\n<pubDate>" + Rfc822Paris(w.items[r].t) + "</pubDate>\n<guid isPermaLink=\"true\">";
        AppendXmlEscaped(o, w.urls[r]);
        o += "</guid>\n</item>\n";
        ++st.records;
      }
      o += "</channel>\n</rss>\n";
      break;
    }
    default: {  // Windows-1252 CSV export
      const Actor& a = w.actors[b.actor];
      std::string utf8 = "url,published,title,text,outlet,author,id\r\n";
      for (std::int32_t r : b.items) {
        std::string body = texts.ArticleFull(r);
        for (char& c : body)
          if (c == '\n') c = ' ';
        utf8 += CsvField(w.urls[r]) + "," + CsvField(IsoParis(w.items[r].t)) + "," + CsvField(texts.Title(r)) + "," +
                CsvField(body) + "," + CsvField(a.name) + "," + CsvField(AuthorName(Key(seed, 64, w.items[r].uid))) +
                "," + CsvField(std::to_string(w.items[r].uid % 1000000000000ULL)) + "\r\n";
        ++st.records;
      }
      if (!Utf8ToCp1252(utf8, &o)) throw Error(ErrorKind::kInternal, "synth: text not encodable in Windows-1252");
    }
  }
  // A Telegram export is a folder per channel (ChatExport_<id>/result.json), made here.
  std::error_code ec;
  fs::create_directories((out / b.path).parent_path(), ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot create " + (out / b.path).parent_path().string() + ": " + ec.message());
  std::ofstream f(out / b.path, std::ios::binary);
  f.write(o.data(), static_cast<std::streamsize>(o.size()));
  if (!f) throw Error(ErrorKind::kIo, "cannot write " + (out / b.path).string());
  st.bytes = o.size();
  return st;
}

// actors.csv: the world's registry.
void WriteActors(const World& w, const fs::path& path) {
  std::string csv = "key,kind,actor_class,region,name\n";
  auto field = [](const std::string& s) { return s.find_first_of(",\"\n") == std::string::npos ? s : CsvField(s); };
  for (std::size_t ai = 0; ai < w.actors.size(); ++ai) {
    const Actor& a = w.actors[ai];
    std::string cls(GroupName(a.group));
    if (!a.domain.empty())
      csv += field(a.domain) + ",domain," + cls + "," + field(a.group == kPressRegional ? a.region : "") + "," +
             field(a.name) + "\n";
    const std::string region = field(a.group == kPressRegional ? a.region : "");
    const auto actor = static_cast<std::int32_t>(ai);
    csv += field(ActorKey(w, actor)) + ",handle," + cls + "," + region + "," + field(a.name) + "\n";
    // Its accounts on Bluesky and Telegram, where it has some: a Jetstream author is a DID (no handle),
    // named by platform id; a Telegram channel by its peer id ("channel…"), the handle its reader gives it.
    if (a.on_bluesky)
      csv += field(ActorKey(w, actor, Venue::kBluesky)) + ",platform_id," + cls + "," + region + "," + field(a.name) +
             "\n";
    if (a.on_telegram)
      csv += field(ActorKey(w, actor, Venue::kTelegram)) + ",handle," + cls + "," + region + "," + field(a.name) + "\n";
  }
  std::ofstream f(path, std::ios::binary);
  f << csv;
  if (!f) throw Error(ErrorKind::kIo, "cannot write " + path.string());
}

// What the simulation realised, counted over the items: per class, channel,
// kind, origin and day, the flows by layer, the planted pairs, the cascade
// sizes.
struct Realised {
  std::array<std::uint64_t, kNumGroups> by_group{}, by_group_mastodon{}, hawkes_by_group{}, hawkes_before{},
      hawkes_after{};
  std::map<std::string, std::uint64_t> by_channel{{"social", 0}, {"press", 0}, {"pr", 0}}, by_kind, by_platform,
      by_origin;
  std::map<std::string, std::array<std::array<std::uint64_t, kNumGroups>, kNumGroups>> flow_matrix;
  std::map<std::string, std::uint64_t> flows{{"retweet", 0}, {"quote", 0}, {"reply", 0}, {"mention", 0},
                                             {"link", 0},    {"embed", 0}, {"reuse", 0}};
  ojson reuse_pairs = ojson::array(), link_shares = ojson::array(), embeds = ojson::array();
  std::set<std::string> author_keys;
  int days = 0;
  std::vector<std::array<std::uint64_t, kNumGroups>> daily;
  std::vector<std::uint64_t> supporter_daily, hos_daily, hos_rt_daily;
  std::uint64_t cascades = 0, max_cascade = 0;
  std::map<std::uint64_t, std::uint64_t> size_hist;
};

// The registry key of an item's author: the outlet's domain for articles and
// releases.
std::string ItemAuthorKey(const World& w, std::size_t r) {
  const Item& it = w.items[r];
  if (it.kind == kArticle || it.kind == kRelease) return w.actors[it.actor].domain;
  return ActorKey(w, it.actor, w.venues[r]);
}

// The platform the store gives a social item of this author.
std::string PlatformName(const Actor& a, Venue venue) {
  if (a.platform == kMastodon) return "mastodon";
  if (venue == Venue::kBluesky) return "bluesky";
  if (venue == Venue::kTelegram) return "telegram";
  return "twitter";
}

Realised CountRealised(const World& w, const Texts& texts) {
  const std::size_t n = w.items.size();
  Realised c;
  c.days = static_cast<int>((w.end - w.start + kDay - 1) / kDay);
  c.daily.resize(c.days);
  c.supporter_daily.assign(c.days, 0);
  c.hos_daily.assign(c.days, 0);
  c.hos_rt_daily.assign(c.days, 0);
  static const char* const kKindNames[] = {"original", "retweet", "quote", "reply", "article", "release"};
  static const char* const kOriginNames[] = {"hawkes", "own-share", "syndication", "cascade", "reply", "quote"};
  static const char* const kEditNames[] = {"none", "verbatim", "light", "heavy"};
  static const char* const kVariantNames[] = {"plain", "tracking", "amp", "mobile"};
  std::vector<std::uint64_t> cascade_size(n, 0);
  auto flow = [&](const char* layer, std::size_t src, std::size_t dst) {
    ++c.flows[layer];
    ++c.flow_matrix[layer][w.items[src].group][w.items[dst].group];
  };
  for (std::size_t r = 0; r < n; ++r) {
    const Item& it = w.items[r];
    const Actor& a = w.actors[it.actor];
    ++c.by_group[it.group];
    if (a.platform == kMastodon && it.kind != kArticle && it.kind != kRelease) ++c.by_group_mastodon[it.group];
    std::string channel = it.kind == kArticle ? "press" : it.kind == kRelease ? "pr" : "social";
    ++c.by_channel[channel];
    ++c.by_kind[kKindNames[it.kind]];
    ++c.by_origin[kOriginNames[it.origin]];
    ++c.by_platform[channel != "social" ? channel : PlatformName(a, w.venues[r])];
    c.author_keys.insert(ItemAuthorKey(w, r));
    int day = static_cast<int>((it.t - w.start) / kDay);
    ++c.daily[day][it.group];
    if (a.supporter) ++c.supporter_daily[day];
    if (a.head_of_state) ++c.hos_daily[day];
    if (it.origin == kHawkes) {
      ++c.hawkes_by_group[it.group];
      ++(it.t < w.event ? c.hawkes_before : c.hawkes_after)[it.group];
    }
    if (it.kind == kRetweet) {
      flow("retweet", it.ref, r);
      ++cascade_size[it.ref];
      if (w.actors[w.items[it.ref].actor].head_of_state) ++c.hos_rt_daily[day];
    }
    if (it.kind == kQuote) flow("quote", it.ref, r);
    if (it.kind == kReply) {
      flow("reply", it.ref, r);
      ++c.flows["mention"];  // the reply's leading @addressee
    }
    if (it.mention >= 0) ++c.flows["mention"];
    if (it.link >= 0) {
      flow("link", it.link, r);
      c.link_shares.push_back({{"post", w.keys[r]},
                               {"article", w.keys[it.link]},
                               {"url", texts.SharedUrl(static_cast<std::int32_t>(r))},
                               {"variant", kVariantNames[it.variant]},
                               {"delay_s", (it.t - w.items[it.link].t) / 1000},
                               {"own", it.origin == kOwnShare}});
    }
    if (it.embed >= 0) {
      flow("embed", it.embed, r);
      c.embeds.push_back({{"post", w.keys[it.embed]}, {"article", w.keys[r]}});
    }
    if (it.reuse >= 0) {
      flow("reuse", it.reuse, r);
      c.reuse_pairs.push_back({{"source", w.keys[it.reuse]},
                               {"target", w.keys[r]},
                               {"level", kEditNames[it.edit]},
                               {"origin", kOriginNames[it.origin]}});
    }
  }
  for (std::size_t r = 0; r < n; ++r) {
    if (w.items[r].kind != kOriginal) continue;
    if (cascade_size[r] > 0) ++c.cascades;
    c.max_cascade = std::max(c.max_cascade, cascade_size[r]);
    std::uint64_t bin = cascade_size[r] == 0 ? 0 : 1;
    while (bin < cascade_size[r]) bin *= 2;
    ++c.size_hist[bin];
  }
  return c;
}

// truth.json: the planted parameters and the realised counts, files and pairs.
Stats WriteTruth(const World& w, const Texts& texts, const std::vector<Bucket>& buckets,
                 const std::vector<Stats>& stats) {
  const fs::path out = w.opt.out;
  const std::uint64_t seed = w.opt.seed;
  const std::size_t n = w.items.size();
  const double dirty = w.opt.dirty;
  Stats total;
  ojson files = ojson::array();
  std::array<std::uint64_t, kNumFmts> by_fmt{};
  for (std::size_t bi = 0; bi < buckets.size(); ++bi) {
    const Stats& s = stats[bi];
    total.records += s.records;
    total.malformed += s.malformed;
    total.duplicates += s.duplicates;
    total.truncated += s.truncated;
    total.invalid_utf8 += s.invalid_utf8;
    total.missing_field += s.missing_field;
    total.dup_lines += s.dup_lines;
    total.dup_page_tweets += s.dup_page_tweets;
    total.bytes += s.bytes;
    by_fmt[buckets[bi].fmt] += s.records;
    files.push_back({{"path", buckets[bi].path},
                     {"format", kFmtNames[buckets[bi].fmt]},
                     {"records", s.records},
                     {"malformed", s.malformed},
                     {"duplicates", s.duplicates},
                     {"bytes", s.bytes}});
  }

  const Params& p = w.par;
  auto groups_json = [&](const auto& arr) {
    ojson o = ojson::object();
    for (int g = 0; g < kNumGroups; ++g) o[std::string(GroupName(g))] = arr[g];
    return o;
  };
  auto matrix_json = [&](const auto& m) {
    ojson o = ojson::object();
    for (int s = 0; s < kNumGroups; ++s) o[std::string(GroupName(s))] = groups_json(m[s]);
    return o;
  };
  const Realised c = CountRealised(w, texts);
  ojson fm = ojson::object();
  for (const auto& [layer, m] : c.flow_matrix) fm[layer] = matrix_json(m);
  ojson supporters = ojson::array();
  for (std::size_t i = 0; i < w.actors.size(); ++i)
    if (w.actors[i].supporter) supporters.push_back(ActorKey(w, static_cast<std::int32_t>(i)));
  ojson synd = ojson::array();
  for (const auto& g : w.synd_groups) {
    ojson m = ojson::array();
    for (auto idx : g.members) m.push_back(w.actors[idx].domain);
    synd.push_back({{"name", g.name}, {"members", m}});
  }
  ojson daily_json = ojson::object();
  for (int g = 0; g < kNumGroups; ++g) {
    ojson d = ojson::array();
    for (int k = 0; k < c.days; ++k) d.push_back(c.daily[k][g]);
    daily_json[std::string(GroupName(g))] = d;
  }
  ojson by_fmt_json = ojson::object();
  for (int f = 0; f < kNumFmts; ++f) by_fmt_json[kFmtNames[f]] = by_fmt[f];
  ojson region_factor = ojson::object();
  const auto regions = Regions();
  for (std::size_t r = 0; r < regions.size(); ++r) region_factor[regions[r]] = p.region_factor[r];

  ojson t;
  t["generator"] = "relais synth";
  t["version"] = 1;
  t["seed"] = seed;
  t["scale"] = std::string(ToString(w.opt.scale));
  t["period"] = {{"start", FormatIso8601(w.start)}, {"end", FormatIso8601(w.end)}, {"days", c.days}};
  t["event"] = {{"time", FormatIso8601(w.event)},
                {"mode", w.opt.deactivation ? "deactivation" : "removal"},
                {"actor", "@" + w.actors[w.hos].handle},
                {"window", {{"start", FormatIso8601(w.event)}, {"end", FormatIso8601(w.removal_end)}}},
                {"deactivation_minutes", w.opt.deactivation ? 11 : 0}};
  t["event_effects"] = {
      {"head_of_state_posts_stop", true},
      {"mu_after", groups_json(p.mu_after)},
      {"alpha_after_changed",
       {{"press-regional->public",
         {{"before", p.alpha[kPressRegional][kPublic]}, {"after", p.alpha_after[kPressRegional][kPublic]}}},
        {"press-national->public",
         {{"before", p.alpha[kPressNational][kPublic]}, {"after", p.alpha_after[kPressNational][kPublic]}}},
        {"politician->public",
         {{"before", p.alpha[kPolitician][kPublic]}, {"after", p.alpha_after[kPolitician][kPublic]}}}}},
      {"supporter_activity_relative_drop", p.supporter_drop},
      {"cascade_factor_politician_roots", p.cascade_factor_after},
      {"realised",
       {{"head_of_state_posts_per_day", c.hos_daily},
        {"head_of_state_retweets_per_day", c.hos_rt_daily},
        {"supporter_items_per_day", c.supporter_daily}}}};
  t["groups"] = ojson::array();
  for (int g = 0; g < kNumGroups; ++g) t["groups"].push_back(std::string(GroupName(g)));
  t["hawkes"] = {{"time_unit", "day for mu, hour for beta"},
                 {"events",
                  "items with origin hawkes: originals, articles, releases (see "
                  "docs/synth.md)"},
                 {"mu_per_day", groups_json(p.mu)},
                 {"mu_per_day_after", groups_json(p.mu_after)},
                 {"alpha", matrix_json(p.alpha)},
                 {"alpha_after", matrix_json(p.alpha_after)},
                 {"beta_per_hour", p.beta_per_hour},
                 {"head_of_state_share_of_politician_immigrants", p.hos_share},
                 {"events_per_group", groups_json(c.hawkes_by_group)},
                 {"events_per_group_before_event", groups_json(c.hawkes_before)},
                 {"events_per_group_after_event", groups_json(c.hawkes_after)}};
  t["cascades"] = {{"model", "independent cascade over the follower graph"},
                   {"p_retweet_by_spreader_class", groups_json(p.p_retweet)},
                   {"p_retweet_head_of_state", p.p_retweet_hos},
                   {"second_hand_factor", p.second_hand},
                   {"supporter_boost_on_head_of_state", p.supporter_boost},
                   {"retweet_delay_median_min", p.retweet_median_min},
                   {"retweet_delay_sigma", p.retweet_sigma},
                   {"reply_rate", groups_json(p.reply_rate)},
                   {"quote_rate", groups_json(p.quote_rate)},
                   {"cap", p.cascade_cap},
                   {"cascades_with_retweets", c.cascades},
                   {"max_size", c.max_cascade},
                   {"size_histogram_pow2", c.size_hist}};
  t["reuse_rates"] = {
      {"pr->press-national", p.reuse_pr_national},
      {"pr->press-regional", p.reuse_pr_regional},
      {"pr->press-agency", p.reuse_pr_agency},
      {"press-agency->press-national", p.reuse_agency_national},
      {"press-agency->press-regional", p.reuse_agency_regional},
      {"press->press", p.reuse_press_press},
      {"regional_factor_by_region", region_factor},
      {"edit_levels",
       {{"verbatim", 1 - p.light_share - p.heavy_share}, {"light", p.light_share}, {"heavy", p.heavy_share}}},
      {"syndication_rate", p.syndication_rate},
      {"syndication_delay_median_h", p.syndication_median_h}};
  t["link_share"] = {{"hawkes_child_share_prob", p.link_prob_social},
                     {"own_share_prob_press", p.own_share_press},
                     {"own_share_prob_pr", p.own_share_pr},
                     {"own_share_delay_median_min", p.own_share_median_min},
                     {"own_share_delay_sigma", p.own_share_sigma},
                     {"hawkes_child_delay", "exponential with beta_per_hour"},
                     {"url_variants", {{"plain", 0.45}, {"tracking", 0.30}, {"amp", 0.15}, {"mobile", 0.10}}}};
  t["embed_prob"] = p.embed_prob;
  t["mention_prob"] = {{"hawkes_social_child", p.mention_prob}, {"random", p.random_mention_prob}};
  t["follower_graph"] = {{"edges", w.follow_edges},
                         {"head_of_state_followers", w.follower_offsets[w.hos + 1] - w.follower_offsets[w.hos]}};
  t["counts"] = {{"actors", w.actors.size()},
                 {"actor_keys_with_items", c.author_keys.size()},
                 {"items", n},
                 {"records", total.records},
                 {"by_channel", c.by_channel},
                 {"by_class", groups_json(c.by_group)},
                 {"by_class_mastodon", groups_json(c.by_group_mastodon)},
                 {"by_kind", c.by_kind},
                 {"by_origin", c.by_origin},
                 {"by_platform", c.by_platform},
                 {"by_format", by_fmt_json},
                 {"daily_by_class", daily_json}};
  t["flows"] = c.flows;
  t["flow_matrix"] = fm;
  t["supporters"] = supporters;
  t["syndication_groups"] = synd;
  t["files"] = files;
  t["dirty"] = {{"rate", dirty},
                {"malformed", total.malformed},
                {"duplicates", total.duplicates},
                {"by_kind",
                 {{"truncated", total.truncated},
                  {"invalid_utf8", total.invalid_utf8},
                  {"missing_field", total.missing_field},
                  {"duplicate_lines", total.dup_lines},
                  {"duplicate_page_tweets", total.dup_page_tweets}}},
                {"windows1252_files", ojson::array()}};
  for (const auto& b : buckets)
    if (b.fmt == kFmtCsv) t["dirty"]["windows1252_files"].push_back(b.path);
  t["reuse_pairs"] = c.reuse_pairs;
  t["link_shares"] = c.link_shares;
  t["embeds"] = c.embeds;
  t["geography"] = GeographyTruth(w);
  {
    std::ofstream f(out / "truth.json", std::ios::binary);
    f << t.dump(1) << '\n';
    if (!f) throw Error(ErrorKind::kIo, "cannot write " + (out / "truth.json").string());
  }
  return total;
}

}  // namespace

SynthResult WriteWorld(World& w) {
  const fs::path out = w.opt.out;
  AssignVenues(w);
  PrepareFolders(out);
  // Reaction counts for public metrics.
  const std::size_t n = w.items.size();
  std::vector<std::uint32_t> rt(n, 0), rp(n, 0), qt(n, 0);
  for (const Item& it : w.items) {
    if (it.kind == kRetweet) ++rt[it.ref];
    if (it.kind == kReply) ++rp[it.ref];
    if (it.kind == kQuote) ++qt[it.ref];
  }
  Texts texts(w);
  Writer writer(w, texts, rt, rp, qt);
  const std::vector<Bucket> buckets = AssignBuckets(w);
  std::vector<Stats> stats(buckets.size());
  tbb::parallel_for(std::size_t{0}, buckets.size(),
                    [&](std::size_t bi) { stats[bi] = WriteBucket(w, texts, writer, buckets[bi], out); });
  WriteActors(w, out / "actors.csv");
  WriteFollowerList(w, out / "followers.csv");
  WriteCascadeTruth(w, out / "cascades_truth.csv");
  const Stats total = WriteTruth(w, texts, buckets, stats);
  SynthResult res;
  res.actors = w.actors.size();
  res.items = n;
  res.files = buckets.size() + 4;  // data files, actors.csv, truth.json,
                                   // followers.csv, cascades_truth.csv
  res.bytes = total.bytes;
  res.malformed = total.malformed;
  res.duplicates = total.duplicates;
  return res;
}

}  // namespace relais::corpora::detail
