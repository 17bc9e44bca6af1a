// The synthetic world's share of the formats people hold since the APIs closed (issue 16): X web
// GraphQL responses (SearchTimeline pages, as scrapers save them), Zeeschuimer/4CAT NDJSON, Bluesky
// Jetstream events, Telegram Desktop channel exports and Europresse HTML exports.
//
// A share of the tweets that would have gone to twarc2 pages is written as GraphQL or Zeeschuimer,
// each tweet in exactly one file, so the world's items, keys, times, authors, texts and references
// are those of the API formats (a GraphQL tweet's `legacy` is a v1.1 status without its user:
// the tweets are converted from the v1.1 statuses write.cpp composes, nothing is written twice).
//
// Bluesky and Telegram keys (`bluesky:at://…`, `telegram:<chat>/<id>`) cannot name a tweet, so a post
// written there can only be referenced from its own platform. What moves is therefore a conversation:
// the posts joined by retweets, quotes and replies (a root, its retweets, quotes and replies, and
// theirs), all of them by public accounts (not supporters, without a profile location), none of them
// mentioning someone, carrying a place or embedded in an article (those name Twitter handles and
// status URLs). A share of those conversations, drawn per conversation from the seed, is written on
// Bluesky (a retweet as an app.bsky.feed.repost, a quote as a post embedding the quoted record, a reply
// with reply refs to its parent and thread root) or on Telegram (a retweet as a forward naming its
// source channel, a reply with reply_to_message_id, plus reply_to_peer_id when it answers another
// channel; conversations with a quote go to Bluesky). Their authors get a second account there (a DID,
// a channel), registered in actors.csv with the same class and name, while their other posts stay on
// Twitter. Items keep their times, classes, texts and link shares under the keys the readers give
// them, so every planted flow and count is unchanged (a Telegram forward's flow starts at its source
// channel: Telegram Desktop does not export the original message's id).
// About half of the Bluesky accounts (BlueskyRepoExport, per account from the seed) are written as their
// repository export (a CAR, repo_car.cpp) instead of Jetstream events: the same records, the same keys.
// Europresse gives times to the minute: the regional press articles published on a whole minute are
// written there (the article's own link keys it by its URL, as press JSONL does).
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/base/civil.hpp"
#include "synth_internal.hpp"

namespace relais::corpora::detail {
namespace {

using ojson = nlohmann::ordered_json;

constexpr std::uint64_t kGraphqlPerMille = 60;      // of the tweets not in v1.1 files
constexpr std::uint64_t kZeeschuimerPerMille = 50;  // likewise
constexpr std::size_t kTweetsPerResponse = 20;      // SearchTimeline's page size
constexpr const char* kAccountCreated = "Wed Mar 14 09:12:44 +0000 2012";
constexpr const char* kSearchQuery = "variables=%7B%22rawQuery%22%3A%22actualit%C3%A9%22%2C%22count%22%3A20%7D";

// The v1.1 status fields a GraphQL `legacy` object does not carry (numeric ids: only the _str
// forms remain; the user and the embedded statuses move to their own objects).
bool DroppedFromLegacy(const std::string& key) {
  return key == "id" || key == "user" || key == "truncated" || key == "source" || key == "in_reply_to_status_id" ||
         key == "in_reply_to_user_id" || key == "quoted_status_id" || key == "retweeted_status" ||
         key == "quoted_status";
}

// core.user_results of a tweet: the handle and name under `core` (X's layout since 2024) or under
// `legacy` (before); the other v1.1 user fields under `legacy`.
ojson UserResults(const ojson& user, bool core_layout) {
  ojson result = {{"__typename", "User"}, {"rest_id", user.at("id_str")}};
  ojson legacy = ojson::object();
  if (core_layout) {
    result["core"] = {
        {"created_at", kAccountCreated}, {"name", user.at("name")}, {"screen_name", user.at("screen_name")}};
  } else {
    legacy["created_at"] = kAccountCreated;
  }
  for (const auto& [key, value] : user.items()) {
    if (key == "id" || key == "id_str") continue;
    if (core_layout && (key == "name" || key == "screen_name")) continue;
    legacy[key] = value;
  }
  result["legacy"] = std::move(legacy);
  return {{"result", std::move(result)}};
}

// A GraphQL tweet result from a v1.1 status (the retweeted and quoted statuses nested as results).
ojson TweetResult(const ojson& status, bool core_layout) {
  ojson result = {{"__typename", "Tweet"}, {"rest_id", status.at("id_str")}};
  result["core"] = {{"user_results", UserResults(status.at("user"), core_layout)}};
  ojson legacy = ojson::object();
  for (const auto& [key, value] : status.items()) {
    if (DroppedFromLegacy(key) || value.is_null()) continue;
    legacy[key] = value;
  }
  if (status.contains("retweeted_status"))
    legacy["retweeted_status_result"] = {{"result", TweetResult(status.at("retweeted_status"), core_layout)}};
  legacy["user_id_str"] = status.at("user").at("id_str");
  const auto reply_to = status.find("in_reply_to_status_id_str");
  legacy["conversation_id_str"] = reply_to != status.end() && reply_to->is_string() ? *reply_to : status.at("id_str");
  result["legacy"] = std::move(legacy);
  if (status.contains("quoted_status"))
    result["quoted_status_result"] = {{"result", TweetResult(status.at("quoted_status"), core_layout)}};
  const std::uint64_t retweets = status.value("retweet_count", std::uint64_t{0});
  result["views"] = {{"count", std::to_string(40 * retweets + 17)}, {"state", "EnabledWithCount"}};
  result["source"] = status.value("source", "");
  return result;
}

ojson TimelineEntry(const ojson& status) {
  const std::string id = status.at("id_str");
  return {{"entryId", "tweet-" + id},
          {"sortIndex", id},
          {"content",
           {{"entryType", "TimelineTimelineItem"},
            {"__typename", "TimelineTimelineItem"},
            {"itemContent",
             {{"itemType", "TimelineTweet"},
              {"__typename", "TimelineTweet"},
              {"tweet_results", {{"result", TweetResult(status, true)}}},
              {"tweetDisplayType", "Tweet"}}}}}};
}

ojson CursorEntry(std::size_t page) {
  const std::string value = "DAACCgACGBh" + std::to_string(page);
  return {{"entryId", "cursor-bottom-" + value},
          {"sortIndex", value},
          {"content",
           {{"entryType", "TimelineTimelineCursor"},
            {"__typename", "TimelineTimelineCursor"},
            {"value", value},
            {"cursorType", "Bottom"}}}};
}

// --- Bluesky, Telegram, Europresse ------------------------------------------------------------------

constexpr std::uint64_t kBlueskyPerMille = 400;      // of the conversations that can move
constexpr std::uint64_t kTelegramPerMille = 400;     // likewise; the rest stay on Twitter
constexpr std::uint64_t kBlueskyRepoPerMille = 500;  // of the Bluesky accounts: a repository export each
constexpr TimeMs kMinute = 60 * 1000;
constexpr TimeMs kParisWinter = 3600 * 1000;  // +01:00, as the world's other Paris times (write.cpp)

// atproto's base32-sortable alphabet, used by TIDs (record keys) and did:plc identifiers.
constexpr char kBase32Sort[] = "234567abcdefghijklmnopqrstuvwxyz";

// A TID record key: 53 bits of microseconds and 10 bits of clock id, 13 characters.
std::string Tid(TimeMs t, std::uint64_t clock) {
  std::uint64_t v = ((static_cast<std::uint64_t>(t) * 1000ULL) << 10) | (clock & 0x3FFULL);
  std::string s(13, '2');
  for (int k = 12; k >= 0; --k) {
    s[static_cast<std::size_t>(k)] = kBase32Sort[v & 31ULL];
    v >>= 5;
  }
  return s;
}

// An account that may leave Twitter at all: a Twitter account of the public (not a supporter, whose
// planted drop the event experiments read on Twitter) without a profile location (geography's evidence).
bool MayLeaveTwitter(const World& w, std::size_t ai) {
  const Actor& a = w.actors[ai];
  return a.platform == kTwitter && a.group == kPublic && !a.supporter && !a.head_of_state &&
         ProfileLocation(w, static_cast<std::int32_t>(ai)).empty();
}

// Union-find over items, the smallest index as a set's representative (so the representative, and
// the draw keyed by it, do not depend on the order of the unions).
class ItemSets {
 public:
  explicit ItemSets(std::size_t n) : parent_(n) {
    for (std::size_t k = 0; k < n; ++k) parent_[k] = k;
  }
  std::size_t Find(std::size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void Join(std::size_t a, std::size_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
  }

 private:
  std::vector<std::size_t> parent_;
};

// Whether a post must stay on Twitter whatever its conversation: its author may not leave, it mentions
// someone (a mention names a Twitter handle), it carries a place, or an article embeds it (by its
// twitter.com status URL).
std::vector<bool> PinnedToTwitter(const World& w) {
  std::vector<bool> may_leave(w.actors.size());
  for (std::size_t ai = 0; ai < w.actors.size(); ++ai) may_leave[ai] = MayLeaveTwitter(w, ai);
  std::vector<bool> pinned(w.items.size(), false);
  for (std::size_t r = 0; r < w.items.size(); ++r) {
    const Item& it = w.items[r];
    if (it.embed >= 0) pinned[static_cast<std::size_t>(it.embed)] = true;
    if (it.kind == kArticle || it.kind == kRelease || it.mention >= 0 ||
        !may_leave[static_cast<std::size_t>(it.actor)] || ItemGeoOf(w, static_cast<std::int32_t>(r)).place >= 0)
      pinned[r] = true;
  }
  return pinned;
}

// The conversations that can move (see the file comment): items joined by every retweet, quote and
// reply; a conversation moves only when none of its items is pinned to Twitter. Returns each item's
// conversation representative (or -1: stays), and marks the conversations holding a quote (which
// Telegram cannot express).
struct Conversations {
  std::vector<std::int64_t> rep;
  std::vector<bool> has_quote;
};

Conversations MovableConversations(const World& w) {
  const std::size_t n = w.items.size();
  const std::vector<bool> pinned = PinnedToTwitter(w);
  ItemSets sets(n);
  for (std::size_t r = 0; r < n; ++r)
    if (w.items[r].ref >= 0) sets.Join(r, static_cast<std::size_t>(w.items[r].ref));
  std::vector<bool> rep_pinned(n, false);
  Conversations c;
  c.has_quote.assign(n, false);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t rep = sets.Find(r);
    if (pinned[r]) rep_pinned[rep] = true;
    if (w.items[r].kind == kQuote) c.has_quote[rep] = true;
  }
  c.rep.assign(n, -1);
  for (std::size_t r = 0; r < n; ++r)
    if (const std::size_t rep = sets.Find(r); !rep_pinned[rep]) c.rep[r] = static_cast<std::int64_t>(rep);
  return c;
}

const char* const kJoursFr[] = {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"};
const char* const kMoisFr[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                               "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};

// "samedi 9 janvier 2021 - 00:21 UTC +0100 612 mots"
std::string EuropresseHeader(TimeMs t, std::size_t words) {
  const CivilTime c = ToCivil(t + kParisWinter);
  char b[128];
  std::snprintf(b, sizeof b, "%s %u %s %d - %02u:%02u UTC +0100 %zu mots", kJoursFr[c.weekday], c.day,
                kMoisFr[c.month - 1], c.year, c.hour, c.minute, words);
  return b;
}

std::size_t WordCount(std::string_view s) {
  std::size_t n = 0;
  bool in_word = false;
  for (char ch : s) {
    const bool space = ch == ' ' || ch == '\n';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

}  // namespace

void AssignVenues(World& w) {
  const Conversations conv = MovableConversations(w);
  w.venues.assign(w.items.size(), Venue::kTwitter);
  for (std::size_t r = 0; r < w.items.size(); ++r) {
    if (conv.rep[r] < 0) continue;
    const auto rep = static_cast<std::size_t>(conv.rep[r]);
    const std::uint64_t draw = Key(w.opt.seed, 74, w.items[rep].uid) % 1000;
    if (draw < kBlueskyPerMille)
      w.venues[r] = Venue::kBluesky;
    else if (draw < kBlueskyPerMille + kTelegramPerMille)
      w.venues[r] = conv.has_quote[rep] ? Venue::kBluesky : Venue::kTelegram;
  }
  // Items in time order: a channel's message ids count up from 1, as Telegram numbers them.
  std::vector<std::uint64_t> next_message(w.actors.size(), 1);
  for (std::size_t r = 0; r < w.items.size(); ++r) {
    const Item& it = w.items[r];
    const auto ai = static_cast<std::size_t>(it.actor);
    switch (w.venues[r]) {
      case Venue::kBluesky:
        w.actors[ai].on_bluesky = true;
        w.ids[r] = 0;
        w.keys[r] = "bluesky:" + BlueskyUri(w, it.actor, it.kind == kRetweet, Tid(it.t, it.uid));
        break;
      case Venue::kTelegram:
        w.actors[ai].on_telegram = true;
        w.ids[r] = next_message[ai]++;
        w.keys[r] = "telegram:" + TelegramChannelId(w, it.actor) + "/" + std::to_string(w.ids[r]);
        break;
      case Venue::kTwitter:
        break;
    }
  }
}

std::string BlueskyUri(const World& w, std::int32_t ai, bool repost, const std::string& rkey) {
  return "at://" + BlueskyDid(w, ai) + (repost ? "/app.bsky.feed.repost/" : "/app.bsky.feed.post/") + rkey;
}

std::string ActorKey(const World& w, std::int32_t ai) {
  const Actor& a = w.actors[static_cast<std::size_t>(ai)];
  if (a.platform == kMastodon) return "mastodon:@" + a.handle + "@" + a.host;
  return "@" + a.handle;
}

std::string ActorKey(const World& w, std::int32_t ai, Venue venue) {
  if (venue == Venue::kBluesky) return "bluesky:" + BlueskyDid(w, ai);
  if (venue == Venue::kTelegram) return "telegram:channel" + TelegramChannelId(w, ai);
  return ActorKey(w, ai);
}

std::string BlueskyDid(const World& w, std::int32_t ai) {
  std::uint64_t h = Key(w.opt.seed, 75, static_cast<std::uint64_t>(ai));
  std::uint64_t g = Key(w.opt.seed, 76, static_cast<std::uint64_t>(ai));
  std::string s = "did:plc:";
  for (int k = 0; k < 24; ++k) {
    std::uint64_t& src = k < 12 ? h : g;
    s += kBase32Sort[src & 31ULL];
    src >>= 5;
  }
  return s;
}

bool BlueskyRepoExport(const World& w, std::int32_t ai) {
  return Key(w.opt.seed, 78, static_cast<std::uint64_t>(ai)) % 1000 < kBlueskyRepoPerMille;
}

std::string BlueskyRepoFile(const World& w, std::int32_t ai) {
  return "data/bluesky/repos/" + BlueskyDid(w, ai).substr(8) + ".car";
}

std::string TelegramChannelId(const World& w, std::int32_t ai) {
  return std::to_string(1500000000ULL + static_cast<std::uint64_t>(ai) * 1000ULL +
                        Key(w.opt.seed, 77, static_cast<std::uint64_t>(ai)) % 1000ULL);
}

bool EuropresseCarries(const World& w, std::int32_t r) {
  const Item& it = w.items[static_cast<std::size_t>(r)];
  const Actor& a = w.actors[static_cast<std::size_t>(it.actor)];
  return it.kind == kArticle && a.group == kPressRegional && !a.rss && !a.csv && it.t % kMinute == 0;
}

namespace {

// The CID the world gives a record (Jetstream's `commit.cid`, a strong ref's `cid`): a stand-in built
// from the record key, as the world keeps no record bytes to hash.
std::string RecordCid(std::string_view uri) {
  const std::string rkey(uri.substr(uri.rfind('/') + 1));
  return "bafyrei" + rkey + rkey;
}

ojson StrongRef(const std::string& uri) { return {{"uri", uri}, {"cid", RecordCid(uri)}}; }

// One Jetstream commit event creating `record` in `collection`.
void AppendCommit(std::string& out, const std::string& did, const std::string& collection, const std::string& rkey,
                  TimeMs t, ojson record) {
  // Jetstream's time_us is when the relay saw the commit: a few seconds after createdAt.
  const std::int64_t seen_us = (t + 2000) * 1000 + static_cast<std::int64_t>(rkey.back() - '2');
  const std::string uri = "at://" + did + "/" + collection + "/" + rkey;
  ojson event = {{"did", did},
                 {"time_us", seen_us},
                 {"kind", "commit"},
                 {"commit",
                  {{"rev", rkey},
                   {"operation", "create"},
                   {"collection", collection},
                   {"rkey", rkey},
                   {"record", std::move(record)},
                   {"cid", RecordCid(uri)}}}};
  out += event.dump();
  out += '\n';
}

}  // namespace

ojson BlueskyPostRecord(TimeMs t, const std::string& lang, const BlueskyPost& post) {
  ojson record = {{"$type", "app.bsky.feed.post"}, {"createdAt", FormatIso8601(t)}, {"langs", ojson::array({lang})}};
  record["text"] = post.text;
  ojson facets = ojson::array();
  for (std::size_t k = 0; k < post.tags.size(); ++k)
    facets.push_back({{"index", {{"byteStart", post.tag_bytes[k].first}, {"byteEnd", post.tag_bytes[k].second}}},
                      {"features", ojson::array({{{"$type", "app.bsky.richtext.facet#tag"}, {"tag", post.tags[k]}}})}});
  if (!post.link.empty())
    facets.push_back({{"index", {{"byteStart", post.link_start}, {"byteEnd", post.link_end}}},
                      {"features", ojson::array({{{"$type", "app.bsky.richtext.facet#link"}, {"uri", post.link}}})}});
  if (!facets.empty()) record["facets"] = std::move(facets);
  if (!post.reply_parent_uri.empty())
    record["reply"] = {{"root", StrongRef(post.reply_root_uri)}, {"parent", StrongRef(post.reply_parent_uri)}};
  if (!post.quote_uri.empty())
    record["embed"] = {{"$type", "app.bsky.embed.record"}, {"record", StrongRef(post.quote_uri)}};
  return record;
}

ojson BlueskyRepostRecord(TimeMs t, const std::string& subject_uri) {
  return {{"$type", "app.bsky.feed.repost"}, {"createdAt", FormatIso8601(t)}, {"subject", StrongRef(subject_uri)}};
}

void AppendJetstreamPost(std::string& out, const std::string& did, const std::string& rkey, TimeMs t,
                         const std::string& lang, const BlueskyPost& post) {
  AppendCommit(out, did, "app.bsky.feed.post", rkey, t, BlueskyPostRecord(t, lang, post));
}

void AppendJetstreamRepost(std::string& out, const std::string& did, const std::string& rkey, TimeMs t,
                           const std::string& subject_uri) {
  AppendCommit(out, did, "app.bsky.feed.repost", rkey, t, BlueskyRepostRecord(t, subject_uri));
}

std::string TelegramMessage(std::uint64_t id, TimeMs t, const std::string& channel_id, const std::string& name,
                            const BlueskyPost& post, const TelegramRefs& refs) {
  // The text in pieces: plain strings, "#tag" hashtags and the link, as text_entities lists them.
  struct Span {
    std::size_t start, end;
    const char* type;
  };
  std::vector<Span> spans;
  for (const auto& [start, end] : post.tag_bytes) spans.push_back({start, end, "hashtag"});
  if (!post.link.empty()) spans.push_back({post.link_start, post.link_end, "link"});
  std::sort(spans.begin(), spans.end(), [](const Span& x, const Span& y) { return x.start < y.start; });
  ojson entities = ojson::array();
  std::size_t at = 0;
  for (const Span& sp : spans) {
    if (sp.start > at) entities.push_back({{"type", "plain"}, {"text", post.text.substr(at, sp.start - at)}});
    entities.push_back({{"type", sp.type}, {"text", post.text.substr(sp.start, sp.end - sp.start)}});
    at = sp.end;
  }
  if (at < post.text.size()) entities.push_back({{"type", "plain"}, {"text", post.text.substr(at)}});
  // Telegram Desktop writes `date` in the exporting machine's local time (Paris) without a zone.
  std::string local = FormatIso8601(t + kParisWinter);
  if (!local.empty() && local.back() == 'Z') local.pop_back();
  ojson msg = {{"id", id},      {"type", "message"},
               {"date", local}, {"date_unixtime", std::to_string(t / 1000)},
               {"from", name},  {"from_id", "channel" + channel_id}};
  // A forward names its source channel (the original message's id is not exported); a reply the
  // message it answers, and that message's chat when it is another channel's.
  if (!refs.forwarded_from_id.empty()) {
    msg["forwarded_from"] = refs.forwarded_from;
    msg["forwarded_from_id"] = refs.forwarded_from_id;
  }
  if (refs.reply_to > 0) {
    if (!refs.reply_to_peer.empty()) msg["reply_to_peer_id"] = refs.reply_to_peer;
    msg["reply_to_message_id"] = refs.reply_to;
  }
  msg["text"] = entities;
  msg["text_entities"] = std::move(entities);
  return msg.dump();
}

void AppendTelegramExport(std::string& out, const std::string& channel_id, const std::string& name,
                          const std::vector<std::string>& messages) {
  out += "{\n \"name\": ";
  out += ojson(name).dump();
  out += ",\n \"type\": \"public_channel\",\n \"id\": " + channel_id + ",\n \"messages\": [";
  for (std::size_t k = 0; k < messages.size(); ++k) {
    out += k ? ",\n  " : "\n  ";
    out += messages[k];
  }
  out += "\n ]\n}\n";
}

void AppendEuropresseArticle(std::string& out, const EuropresseArticle& a) {
  const std::string publication = a.publication + " (site web)";
  out += "<article>\n<header>\n<div class=\"rdp__DocPublicationName\"><span class=\"DocPublicationName\">";
  AppendXmlEscaped(out, publication);
  out += "</span></div>\n<div class=\"rdp__DocHeader\"><span class=\"DocHeader\">";
  AppendXmlEscaped(out, EuropresseHeader(a.t, WordCount(a.body)));
  out += "</span></div>\n<div class=\"titreArticle\"><p class=\"titreArticleVisu rdp__articletitle\">";
  AppendXmlEscaped(out, a.title);
  out += "</p></div>\n<div class=\"docAuthors\">";
  AppendXmlEscaped(out, a.byline);
  out += "</div>\n</header>\n<section>\n<div class=\"DocText clearfix\">\n<div class=\"docOcurrContainer\">\n";
  for (std::size_t at = 0; at < a.body.size();) {
    std::size_t end = a.body.find("\n\n", at);
    if (end == std::string::npos) end = a.body.size();
    out += "<p>";
    AppendXmlEscaped(out, std::string_view(a.body).substr(at, end - at));
    out += "</p>\n";
    at = end + 2;
  }
  out += "</div>\n</div>\n</section>\n<footer>\n<div class=\"Doc-LegalInfo\"><small>© ";
  out += std::to_string(ToCivil(a.t + kParisWinter).year) + " ";
  AppendXmlEscaped(out, a.publication);
  out += ". Tous droits réservés.</small></div>\n<div class=\"Doc-UrlRef\"><a class=\"linkReferencedDoc\" href=\"";
  AppendXmlEscaped(out, a.url);
  out += "\">Cet article est paru dans ";
  AppendXmlEscaped(out, publication);
  const CivilTime c = ToCivil(a.t + kParisWinter);
  char number[96];
  std::snprintf(number, sizeof number, "news·%04d%02u%02u·%s·%llu", c.year, c.month, c.day, a.doc_code.c_str(),
                static_cast<unsigned long long>(a.doc_number));
  out += "</a></div>\n<div class=\"publiC-lblNodoc\">";
  out += number;
  out += "</div>\n</footer>\n</article>\n";
}

TwitterShare TwitterShareOf(std::uint64_t seed, std::uint64_t uid) {
  const std::uint64_t draw = Key(seed, 73, uid) % 1000;
  if (draw < kGraphqlPerMille) return TwitterShare::kGraphql;
  if (draw < kGraphqlPerMille + kZeeschuimerPerMille) return TwitterShare::kZeeschuimer;
  return TwitterShare::kApi;
}

std::string TwitterShareFolder(TwitterShare share) {
  return share == TwitterShare::kGraphql ? "data/twitter/graphql" : "data/twitter/zeeschuimer";
}

std::string TwitterShareFile(TwitterShare share, const std::string& week) {
  return share == TwitterShare::kGraphql ? "data/twitter/graphql/search-timeline-week" + week + ".jsonl"
                                         : "data/twitter/zeeschuimer/zeeschuimer-x-week" + week + ".ndjson";
}

void AppendGraphqlResponses(std::string& out, const std::vector<std::string>& v1_statuses) {
  for (std::size_t first = 0; first < v1_statuses.size(); first += kTweetsPerResponse) {
    ojson entries = ojson::array();
    const std::size_t last = std::min(v1_statuses.size(), first + kTweetsPerResponse);
    for (std::size_t k = first; k < last; ++k) entries.push_back(TimelineEntry(ojson::parse(v1_statuses[k])));
    entries.push_back(CursorEntry(first / kTweetsPerResponse));
    ojson response = {{"data",
                       {{"search_by_raw_query",
                         {{"search_timeline",
                           {{"timeline",
                             {{"instructions", ojson::array({{{"type", "TimelineAddEntries"},
                                                              {"entries", std::move(entries)}}})}}}}}}}}}};
    out += response.dump();
    out += '\n';
  }
}

void AppendZeeschuimerItems(std::string& out, const std::vector<std::string>& v1_statuses, TimeMs collected,
                            std::uint64_t first_line_id) {
  for (std::size_t k = 0; k < v1_statuses.size(); ++k) {
    const ojson status = ojson::parse(v1_statuses[k]);
    ojson item = {{"nav_index", "1:1:" + std::to_string(k)},
                  {"item_id", status.at("id_str")},
                  {"timestamp_collected", collected},
                  {"source_platform", "twitter.com"},
                  {"source_platform_url", "https://twitter.com/search?q=actualit%C3%A9&src=typed_query&f=live"},
                  {"source_url", std::string("https://twitter.com/i/api/graphql/synth/SearchTimeline?") + kSearchQuery},
                  {"user_agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
                  {"data", TweetResult(status, false)},
                  {"id", first_line_id + k}};
    out += item.dump();
    out += '\n';
  }
}

}  // namespace relais::corpora::detail
