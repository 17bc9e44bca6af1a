// Private pieces of the synthetic world generator: RNG streams, actors, items, text, the world.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "detail/json_util.hpp"
#include "relais/base/hash.hpp"
#include "relais/corpora/synth.hpp"

namespace relais::corpora::detail {

// ---------------------------------------------------------------------------------------------------
// Counter-based random streams: Rng(Key(seed, purpose, entity…)) gives the same draws whatever the thread.

inline std::uint64_t Key(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0, std::uint64_t d = 0) {
  std::uint64_t h = SplitMix64(a ^ 0x5851f42d4c957f2dULL);
  h = SplitMix64(h ^ b);
  h = SplitMix64(h ^ (c * 0x9e3779b97f4a7c15ULL));
  return SplitMix64(h ^ (d + 0x632be59bd9b4e019ULL));
}

class Rng {
 public:
  explicit Rng(std::uint64_t key) : state_(key) {}
  std::uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  /// Uniform in [0, n).
  std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : static_cast<std::uint64_t>(Uniform() * n) % n; }
  bool Bernoulli(double p) { return Uniform() < p; }
  double Exponential(double rate) { return -std::log1p(-Uniform()) / rate; }
  double Normal() {
    double u1 = Uniform(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(6.283185307179586 * u2);
  }
  /// exp(N(log(median), sigma)).
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
  std::uint64_t Poisson(double mean);
  /// Number of failures before the first success of Bernoulli(p) trials.
  std::uint64_t Geometric(double p) {
    if (p >= 1.0) return 0;
    return static_cast<std::uint64_t>(std::floor(std::log1p(-Uniform()) / std::log1p(-p)));
  }

 private:
  std::uint64_t state_;
};

/// Walker's alias table for O(1) weighted draws.
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(const std::vector<double>& weights);
  std::size_t Draw(Rng& rng) const;
  bool empty() const { return prob_.empty(); }
  std::size_t size() const { return prob_.size(); }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
};

// ---------------------------------------------------------------------------------------------------
// Actors and classes.

enum Group : std::uint8_t {
  kPressNational,
  kPressRegional,
  kPressAgency,
  kPr,
  kBrand,
  kPolitician,
  kInstitution,
  kJournalist,
  kPublic,
  kNumGroups
};
std::string_view GroupName(int g);
inline bool IsPressGroup(int g) { return g == kPressNational || g == kPressRegional || g == kPressAgency; }
inline bool IsSocialGroup(int g) { return g >= kBrand; }

enum Platform : std::uint8_t { kTwitter, kMastodon };

/// Where a post is written (write_formats.cpp): the Twitter formats, or, for a share of the
/// conversations that no mention, place or embed ties to Twitter, a Bluesky Jetstream stream or a
/// Telegram channel export. Chosen after the simulation, which never reads it.
enum class Venue : std::uint8_t { kTwitter, kBluesky, kTelegram };

struct Actor {
  std::string name;    // display / outlet name
  std::string handle;  // without '@'; for Mastodon the user part
  std::string host;    // Mastodon instance
  std::string domain;  // outlets and PR: the web domain (without www.)
  std::string region;  // regional press, and a home region for accounts
  std::uint64_t user_id = 0;
  double activity = 1.0;  // relative weight when picking an author inside its class
  double audience = 1.0;  // relative weight when picked as someone to follow
  int synd_group = -1;    // syndication group index (regional press)
  int region_idx = -1;
  std::uint8_t group = kPublic;
  std::uint8_t platform = kTwitter;
  bool supporter = false;
  bool head_of_state = false;
  bool rss = false;  // articles published as an RSS feed
  bool csv = false;  // articles exported as a Windows-1252 CSV (dirty worlds)
  // Posts some of its conversations on Bluesky / Telegram too (AssignVenues), as a second account there.
  bool on_bluesky = false;
  bool on_telegram = false;
};

struct SyndicationGroup {
  std::string name;
  std::vector<std::int32_t> members;
};

/// The shipped-like name lists (regions, outlets, agencies, PR wires) and the builder of the actor table.
std::vector<std::string> Regions();
void BuildActors(std::uint64_t seed, SynthScale scale, std::vector<Actor>& actors,
                 std::vector<SyndicationGroup>& synd_groups,
                 std::array<std::vector<std::int32_t>, kNumGroups>& by_group);

// ---------------------------------------------------------------------------------------------------
// Items.

enum Kind : std::uint8_t { kOriginal, kRetweet, kQuote, kReply, kArticle, kRelease };
enum Origin : std::uint8_t { kHawkes, kOwnShare, kSyndication, kCascade, kReplyOrigin, kQuoteOrigin };
enum Edit : std::uint8_t { kNoEdit, kVerbatim, kLight, kHeavy };
enum UrlVariant : std::uint8_t { kPlain, kTracking, kAmp, kMobile };

struct Item {
  TimeMs t = 0;
  std::uint64_t uid = 0;    // stable identity (before sorting), seeds the item's text
  std::uint64_t topic = 0;  // story the item belongs to (shared by parent and reusing children)
  std::int32_t actor = -1;
  std::int32_t ref = -1;      // retweet / quote / reply target
  std::int32_t link = -1;     // article / release whose URL the item shares
  std::int32_t embed = -1;    // social item embedded in an article
  std::int32_t reuse = -1;    // item whose text this one reuses
  std::int32_t mention = -1;  // actor mentioned in the text (besides a reply's addressee)
  std::int32_t parent = -1;   // Hawkes parent (-1 for immigrants and non-Hawkes items)
  std::int32_t via = -1;      // retweets: the item whose author passed it on (the root or an earlier retweet)
  std::uint8_t kind = kOriginal;
  std::uint8_t group = kPublic;
  std::uint8_t origin = kHawkes;
  std::uint8_t edit = kNoEdit;
  std::uint8_t variant = kPlain;
  std::uint8_t depth = 0;  // cascade depth for retweets
  bool after = false;      // at or after the event
};

// ---------------------------------------------------------------------------------------------------
// Text: French from a vocabulary with accents and elisions; English for the head of state.

struct TextPiece {
  std::string text;
  std::vector<std::string> hashtags;
};
/// Article / release body: paragraphs separated by "\n\n". cp1252-encodable (no emoji).
std::string ArticleBody(std::uint64_t seed, std::uint64_t topic, int min_words, int max_words);
std::string Headline(std::uint64_t seed, std::uint64_t topic);
/// A short post (no URL, no mention); may carry hashtags and emoji.
TextPiece PostText(std::uint64_t seed, std::uint64_t topic, bool english, int max_words);
/// Edits a copied text: kVerbatim changes apostrophes only, kLight/kHeavy substitute, insert and cut.
std::string EditText(const std::string& source, std::uint64_t seed, Edit level, std::uint64_t topic);
std::string AuthorName(std::uint64_t seed);
std::string Slugify(std::string_view title, std::size_t max_len);
/// UTF-8 to Windows-1252; false when a character has no cp1252 byte.
bool Utf8ToCp1252(std::string_view in, std::string* out);
/// Number of Unicode code points.
std::size_t CodePoints(std::string_view s);
void AppendXmlEscaped(std::string& out, std::string_view s);

// ---------------------------------------------------------------------------------------------------
// The world: parameters, actors, follower graph, items.

struct Params {
  double days = 120;
  double scale_items = 1;                     // multiplies every baseline
  std::array<double, kNumGroups> mu{};        // immigrants per day, before the event
  std::array<double, kNumGroups> mu_after{};  // after the event
  std::array<std::array<double, kNumGroups>, kNumGroups> alpha{}, alpha_after{};
  double beta_per_hour = 0.5;
  double hos_share = 0.3;                      // share of politician immigrants posted by the head of state (before)
  std::array<double, kNumGroups> p_retweet{};  // independent-cascade probability by the spreader's class
  double p_retweet_hos = 0.0;
  double second_hand = 0.6;           // multiplies p beyond the first hop (lowered to keep cascades subcritical)
  double supporter_boost = 4.0;       // multiplies p for supporters retweeting the head of state
  double supporter_drop = 0.5;        // relative drop of supporters' activity after the event
  double cascade_factor_after = 0.7;  // multiplies p for cascades rooted in politicians after the event
  std::array<double, kNumGroups> reply_rate{}, quote_rate{};
  double reply_rate_hos = 6, quote_rate_hos = 1.5;
  // press/PR
  double reuse_pr_national = 0.25, reuse_pr_regional = 0.55, reuse_pr_agency = 0.4;
  double reuse_agency_national = 0.35, reuse_agency_regional = 0.7, reuse_press_press = 0.1;
  std::vector<double> region_factor;            // multiplies the regional rates, by region index
  double light_share = 0.5, heavy_share = 0.3;  // else verbatim
  double link_prob_social = 0.6;                // Hawkes child of a press/PR parent in a social class shares its URL
  double embed_prob = 0.35;                     // press child of a social parent embeds the post
  double mention_prob = 0.35;                   // social child of a social parent mentions its author
  double random_mention_prob = 0.08;
  double own_share_press = 0.75, own_share_pr = 0.5;
  double own_share_median_min = 12, own_share_sigma = 1.0;
  double syndication_rate = 0.25, syndication_median_h = 1.5;
  double retweet_median_min = 25, retweet_sigma = 1.4;
  double reply_median_min = 40, reply_sigma = 1.2;
  double v1_share = 0.15;
  std::size_t cascade_cap = 20000;
};

/// An account's planted home (geography.cpp): a place of the world's gazetteer table and the evidence
/// the world writes for it. Drawn from streams of their own, after the simulation: no other draw changes.
struct Home {
  std::int16_t place = -1;    // index into GeoPlaces(); -1: no home (outlets, PR, the head of state)
  std::int8_t region = -1;    // index into Regions()
  std::int8_t profile = -1;   // profile location form; -1: none
  bool noise = false;         // the profile location names no place ("quelque part", "🌍")
  bool geotagger = false;     // some of its Twitter posts carry coordinates or a place
  std::int32_t anchor = -1;   // public accounts: the top title of the région whose titles they amplify most
  bool anchor_after = false;  // first amplified a title of that région at or after the event
  bool anchor_local = false;  // the home was drawn in that région
};

/// A commune of the world's small gazetteer: name, département (INSEE code), postcode, coordinates (those of
/// corpora/data/geo/points.csv, so that a geotag resolves to its département), région index.
struct GeoPlace {
  const char* name;
  const char* departement;
  const char* postcode;
  double lat, lon;
  int region;
};
const std::vector<GeoPlace>& GeoPlaces();

/// A post's planted location: coordinates (and a place), or a place only.
struct ItemGeo {
  int place = -1;
  bool coordinates = false;
  double lat = 0, lon = 0;
};

struct World {
  SynthOptions opt;
  Params par;
  TimeMs start = 0, end = 0, event = 0, removal_end = 0;  // removal window [event, removal_end)
  std::vector<Actor> actors;
  std::array<std::vector<std::int32_t>, kNumGroups> by_group;
  std::vector<SyndicationGroup> synd_groups;
  std::int32_t hos = -1;
  std::vector<std::int64_t> follower_offsets;  // CSR: followers of actor a
  std::vector<std::int32_t> followers;
  std::uint64_t follow_edges = 0;
  std::vector<Item> items;         // sorted by (t, uid) after Simulate
  std::vector<std::uint64_t> ids;  // platform ids per item (tweet / status ids; 0 for press)
  std::vector<std::string> urls;   // articles / releases: their URL
  std::vector<std::string> keys;   // item keys as the store names them
  std::vector<Venue> venues;       // per item: where it is written (AssignVenues)
  std::uint64_t hawkes_events = 0;
  std::uint64_t dropped_after_removal = 0;
  std::uint64_t cascades_capped = 0;
  std::vector<Home> homes;  // per actor (PlantGeography)

  bool Removed(TimeMs t) const { return t >= event && t < removal_end; }
};

void SetParams(World& w);
void BuildFollowerGraph(World& w);
void Simulate(World& w);
/// Plants every account's home and the evidence of it (geography.cpp), after Simulate.
void PlantGeography(World& w);
/// The profile location an actor's records carry ("" when none).
std::string ProfileLocation(const World& w, std::int32_t actor);
/// The location a social item carries (Twitter posts of geotaggers, never retweets); place < 0 when none.
ItemGeo ItemGeoOf(const World& w, std::int32_t item);
/// Twitter place of a GeoPlaces() index: its id (16 hex digits) and full name ("Toulon, France").
std::string GeoPlaceId(int place);
std::string GeoPlaceFullName(int place);
/// truth.json's "geography": the planted parameters, every account's home and the realised local audiences.
nlohmann::ordered_json GeographyTruth(const World& w);

/// Writes data/, actors.csv, truth.json, followers.csv and cascades_truth.csv; returns (files, bytes, malformed,
/// duplicates).
SynthResult WriteWorld(World& w);

// ---------------------------------------------------------------------------------------------------
// The share of the tweets written as X web GraphQL responses and Zeeschuimer NDJSON (write_formats.cpp).

enum class TwitterShare : std::uint8_t { kApi, kGraphql, kZeeschuimer };
/// Where a tweet that is not in a v1.1 file goes: twarc2 pages (kApi), or one of the scraped formats.
TwitterShare TwitterShareOf(std::uint64_t seed, std::uint64_t uid);
/// The folder (relative to the output) and the file of a week ("01"…) of a scraped format.
std::string TwitterShareFolder(TwitterShare share);
std::string TwitterShareFile(TwitterShare share, const std::string& week);
/// Writes a share of the conversations (posts joined by retweets, quotes and replies) of public accounts
/// on Bluesky or Telegram (World::venues, Actor::on_bluesky / on_telegram): those none of whose posts
/// mentions someone, carries a place or is embedded in an article. Re-keys their items as those readers
/// key them; nothing else changes. Called once, after PlantGeography.
void AssignVenues(World& w);
/// The registry key of an actor, as written in actors.csv and truth.json (and as the store names it):
/// its Twitter (or Mastodon) account; with a venue, its account there.
std::string ActorKey(const World& w, std::int32_t actor);
std::string ActorKey(const World& w, std::int32_t actor, Venue venue);
/// An actor's Bluesky DID and Telegram channel id (digits), for its posts written there.
std::string BlueskyDid(const World& w, std::int32_t actor);
std::string TelegramChannelId(const World& w, std::int32_t actor);
/// The at:// URI of an actor's Bluesky post (or, `repost`, of its repost) with record key `rkey`.
std::string BlueskyUri(const World& w, std::int32_t actor, bool repost, const std::string& rkey);
/// Regional press articles published on a whole minute (Europresse headers give hh:mm) that the
/// world writes as a Europresse export instead of press JSONL.
bool EuropresseCarries(const World& w, std::int32_t item);

/// A Bluesky post, as write.cpp composes it, for a Jetstream commit event.
struct BlueskyPost {
  std::string text;                                            // the link written out, not a t.co
  std::vector<std::pair<std::size_t, std::size_t>> tag_bytes;  // [start, end) of each "#tag"
  std::vector<std::string> tags;
  std::string link;                              // shared URL, empty if none
  std::size_t link_start = 0, link_end = 0;      // byte offsets of the link in text
  std::string quote_uri;                         // Bluesky: the quoted post (embed.record), empty if none
  std::string reply_parent_uri, reply_root_uri;  // Bluesky: the post answered and its thread's root
};
/// The app.bsky.feed.post record of a post (text, createdAt, langs, facets for its hashtags and link,
/// reply refs, the quoted record as embed.record) and the app.bsky.feed.repost record of a repost, in
/// the atproto data model's JSON form: Jetstream events carry them, repository exports their DAG-CBOR.
nlohmann::ordered_json BlueskyPostRecord(TimeMs t, const std::string& lang, const BlueskyPost& post);
nlohmann::ordered_json BlueskyRepostRecord(TimeMs t, const std::string& subject_uri);
/// Whether an account's Bluesky posts are written as its repository export (a CAR file, repo_car.hpp)
/// rather than as Jetstream events: about half of the accounts, drawn per account from the seed.
bool BlueskyRepoExport(const World& w, std::int32_t actor);
/// The export's path relative to the output: data/bluesky/repos/<the DID's plc suffix>.car.
std::string BlueskyRepoFile(const World& w, std::int32_t actor);
/// One Jetstream commit event line creating the post (key "bluesky:at://<did>/app.bsky.feed.post/<rkey>"),
/// with its reply refs and quoted record when the post has them.
void AppendJetstreamPost(std::string& out, const std::string& did, const std::string& rkey, TimeMs t,
                         const std::string& lang, const BlueskyPost& post);
/// One Jetstream commit event line creating a repost of `subject_uri`
/// (key "bluesky:at://<did>/app.bsky.feed.repost/<rkey>").
void AppendJetstreamRepost(std::string& out, const std::string& did, const std::string& rkey, TimeMs t,
                           const std::string& subject_uri);
/// A Telegram Desktop channel export (result.json): `messages` already rendered, one JSON object each.
void AppendTelegramExport(std::string& out, const std::string& channel_id, const std::string& name,
                          const std::vector<std::string>& messages);
/// What a Telegram message refers to: the channel it forwards (display name and "channel<id>"), the
/// message it answers (its id, and "channel<id>" when that message is another channel's).
struct TelegramRefs {
  std::string forwarded_from, forwarded_from_id;  // empty: not a forward
  std::uint64_t reply_to = 0;                     // 0: not a reply
  std::string reply_to_peer;
};
/// One Telegram channel message: id, time (date and date_unixtime), forward and reply fields,
/// text_entities with the link and hashtags.
std::string TelegramMessage(std::uint64_t id, TimeMs t, const std::string& channel_id, const std::string& name,
                            const BlueskyPost& post, const TelegramRefs& refs);
/// One Europresse <article> block (today's rdp__ layout): publication "(site web)", header with the
/// Paris time to the minute, title, byline, paragraphs, the article's own link and a document number.
struct EuropresseArticle {
  std::string publication, title, byline, body, url, doc_code;
  TimeMs t = 0;
  std::uint64_t doc_number = 0;
};
void AppendEuropresseArticle(std::string& out, const EuropresseArticle& a);

/// SearchTimeline responses, one a line, 20 tweets each, converted from v1.1 statuses (one JSON object
/// a string, as write.cpp composes them): each tweet keeps its id, time, author, text, entities and
/// references.
void AppendGraphqlResponses(std::string& out, const std::vector<std::string>& v1_statuses);
/// Zeeschuimer/4CAT items, one a line (`data` = the GraphQL tweet result, the pre-2024 user layout).
void AppendZeeschuimerItems(std::string& out, const std::vector<std::string>& v1_statuses, TimeMs collected,
                            std::uint64_t first_line_id);

}  // namespace relais::corpora::detail
