// Twitter API v2 reader: twarc2 pages ({data, includes:{users,tweets}, meta, __twarc}, one per line),
// twarc's flattened lines (one tweet with inline `author` and expanded `referenced_tweets`), and API
// response bodies ({data: object-or-array, includes}) pretty-printed over many lines.
//
// Each tweet of `data` is a record; tweets of includes.tweets that a record references become
// expansion items of that record (followed transitively, so a retweet of a quote carries the quote
// and the tweet it quotes). One pass over the page with simdjson ondemand collects the tweets and
// the users as string views into the parser's buffers (valid while the page's document lives);
// entity lists and references are ranges into thread-local pools, so a page costs no allocation
// beyond the records it produces. Authors and references are resolved once the page is read.
#include <algorithm>
#include <functional>

#include "detail/readers.hpp"
#include "detail/tweet_json.hpp"

namespace relais::corpora::detail {
namespace {

using SV = std::string_view;

// A contiguous run of a pool.
struct Range {
  std::uint32_t begin = 0, count = 0;
};

struct V2User {
  SV id, username, name, location;
};

// An element of includes.places.
struct V2Place {
  SV id, full_name, country_code;
};

struct V2Ref {
  SV type, id;
};

struct V2Tweet {
  SV id, text, note_text, author_id, created_at, lang, in_reply_to_user_id;
  SV in_reply_to_handle;            // flattened: in_reply_to_user.username
  SV ref_type;                      // when this object is an element of referenced_tweets
  Range refs;                       // into Pools::refs
  Range links, hashtags, mentions;  // into Pools::strings
  Range note_links, note_hashtags, note_mentions;
  bool has_note_entities = false;
  SV place_id;             // geo.place_id
  bool has_point = false;  // geo.coordinates (GeoJSON order: lon, lat)
  double lat = 0, lon = 0;
  V2User author;  // flattened: inline author
  bool has_author = false;
  bool has_text = false;
  bool is_event = false;             // a DM event, compliance event…: has text-like fields but is no tweet
  std::vector<V2Tweet> inline_refs;  // flattened: referenced tweets expanded inline
  std::uint64_t line = 0;
  std::size_t offset = 0;  // in the page text, for excerpts

  bool LooksLikeTweet() const { return !is_event && (has_text || !author_id.empty() || refs.count > 0); }
};

// A lookup table from id to an element of a vector, sorted once the page is read. Ids are decimal
// strings: they are compared as integers (strings that are not short decimals by hash, confirmed by
// comparing the strings).
template <typename T>
class IdIndex {
 public:
  void clear() {
    items.clear();
    index_.clear();
  }
  void Seal() {
    index_.clear();
    index_.reserve(items.size());
    for (std::uint32_t i = 0; i < items.size(); ++i) index_.emplace_back(Code(items[i].id), i);
    std::sort(index_.begin(), index_.end());
  }
  const T* Find(SV id) const {
    std::uint64_t code = Code(id);
    auto it = std::lower_bound(index_.begin(), index_.end(), std::pair<std::uint64_t, std::uint32_t>(code, 0));
    for (; it != index_.end() && it->first == code; ++it) {
      if (items[it->second].id == id) return &items[it->second];
    }
    return nullptr;
  }
  std::vector<T> items;

 private:
  static std::uint64_t Code(SV id) {
    if (id.empty() || id.size() > 19) return std::hash<SV>{}(id) | (1ull << 63);
    std::uint64_t v = 0;
    for (char c : id) {
      if (c < '0' || c > '9') return std::hash<SV>{}(id) | (1ull << 63);
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;  // < 10^19 < 2^63
  }
  std::vector<std::pair<std::uint64_t, std::uint32_t>> index_;
};

// Per-thread scratch reused from page to page: parsing a page allocates nothing once warm.
struct Pools {
  std::vector<SV> strings;
  std::vector<V2Ref> refs;
  std::vector<V2Tweet> data;
  IdIndex<V2User> users;
  IdIndex<V2Tweet> included;
  IdIndex<V2Place> places;
  void clear() {
    strings.clear();
    refs.clear();
    data.clear();
    users.clear();
    included.clear();
    places.clear();
  }
};

// The page being parsed: its text, where its padded copy starts, and the line of its first byte.
struct PageText {
  SV text;
  const char* base = nullptr;
  std::uint64_t line = 0;
  bool multiline = false;
};

struct V2Page {
  bool has_data = false;
  std::size_t non_tweets = 0;  // elements of data that are not tweets (users, counts, DM events)
  V2Tweet top;                 // the line itself when it is a flattened tweet
  SV action;                   // compliance events
  Pools* pools = nullptr;
};

#define RELAIS_HOT inline __attribute__((always_inline))

// Throws for a failure other than a type mismatch (a bad escape, a cut document), as the
// exception-mode getters would.
RELAIS_HOT void ThrowUnlessType(simdjson::error_code e) {
  if (e != simdjson::INCORRECT_TYPE) throw simdjson::simdjson_error(e);
}

RELAIS_HOT SV Str(od::value v) { return v.get_string(); }

// A string, or {} for null; another type throws (the page is invalid-json, as before).
RELAIS_HOT SV StrOrNull(od::value v, bool* is_null = nullptr) {
  SV s;
  simdjson::error_code e = v.get_string().get(s);
  if (e == simdjson::SUCCESS) return s;
  ThrowUnlessType(e);
  bool null = v.is_null();
  if (!null) throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE);
  if (is_null) *is_null = true;
  return {};
}

// String value, or the digits of a number (ids are strings in v2, but be lenient).
RELAIS_HOT SV IdView(od::value v) {
  SV s;
  simdjson::error_code e = v.get_string().get(s);
  if (e == simdjson::SUCCESS) return s;
  ThrowUnlessType(e);
  if (v.type() != od::json_type::number) return {};
  SV token = v.raw_json_token();
  std::size_t n = 0;
  while (n < token.size() && token[n] >= '0' && token[n] <= '9') ++n;
  return token.substr(0, n);
}

RELAIS_HOT V2User ParseUser(od::object obj) {
  V2User u;
  for (auto field : obj) {
    SV key = RawKey(field);
    if (Is(key, "id")) {
      u.id = IdView(field.value());
    } else if (Is(key, "username")) {
      u.username = Str(field.value());
    } else if (Is(key, "name")) {
      u.name = Str(field.value());
    } else if (Is(key, "location")) {
      u.location = StrOrNull(field.value());
    }
  }
  return u;
}

// A tweet's geo: {"coordinates": {"type": "Point", "coordinates": [lon, lat]}, "place_id": "…"}.
__attribute__((noinline)) void ParseGeo(od::value v, V2Tweet& t) {
  if (v.type() != od::json_type::object) return;
  for (auto f : v.get_object()) {
    SV k = RawKey(f);
    od::value x = f.value();
    if (Is(k, "place_id")) {
      t.place_id = StrOrNull(x);
    } else if (Is(k, "coordinates") && x.type() == od::json_type::object) {
      for (auto c : x.get_object()) {
        od::value arr = c.value();
        if (!Is(RawKey(c), "coordinates") || arr.type() != od::json_type::array) continue;
        double xy[2] = {0, 0};
        int n = 0;
        for (auto e : arr.get_array()) {
          od::value ev = e.value();
          if (ev.type() == od::json_type::number && n < 2) xy[n] = ev.get_double();
          ++n;
        }
        if (n == 2 && xy[1] >= -90 && xy[1] <= 90 && xy[0] >= -180 && xy[0] <= 180) {
          t.has_point = true;
          t.lon = xy[0];
          t.lat = xy[1];
        }
      }
    }
  }
}

V2Place ParsePlace(od::object obj) {
  V2Place p;
  for (auto field : obj) {
    SV key = RawKey(field);
    if (Is(key, "id"))
      p.id = StrOrNull(field.value());
    else if (Is(key, "full_name"))
      p.full_name = StrOrNull(field.value());
    else if (Is(key, "country_code"))
      p.country_code = StrOrNull(field.value());
  }
  return p;
}

// Appends the strings of one entity array (the `name` field of each element) to the pool.
template <std::size_t N>
RELAIS_HOT Range ParseEntityList(od::array arr, const char (&name)[N], std::vector<SV>& pool) {
  Range r{static_cast<std::uint32_t>(pool.size()), 0};
  for (auto elem : arr) {
    for (auto f : elem.get_object()) {
      if (!Is(RawKey(f), name)) continue;
      SV s = Str(f.value());
      if (!s.empty()) pool.push_back(s);
    }
  }
  r.count = static_cast<std::uint32_t>(pool.size() - r.begin);
  return r;
}

RELAIS_HOT void ParseUrls(od::array arr, Range& links, std::vector<SV>& pool) {
  links.begin = static_cast<std::uint32_t>(pool.size());
  for (auto u : arr) {
    SV url, expanded, unwound;
    for (auto f : u.get_object()) {
      SV k = RawKey(f);
      if (Is(k, "url"))
        url = Str(f.value());
      else if (Is(k, "expanded_url"))
        expanded = Str(f.value());
      else if (Is(k, "unwound_url"))
        unwound = Str(f.value());
    }
    SV best = !unwound.empty() ? unwound : !expanded.empty() ? expanded : url;
    if (!best.empty()) pool.push_back(best);
  }
  links.count = static_cast<std::uint32_t>(pool.size() - links.begin);
}

RELAIS_HOT void ParseEntities(od::object obj, Range& links, Range& hashtags, Range& mentions, std::vector<SV>& pool) {
  for (auto field : obj) {
    SV key = RawKey(field);
    if (Is(key, "urls")) {
      ParseUrls(field.value().get_array(), links, pool);
    } else if (Is(key, "hashtags")) {
      hashtags = ParseEntityList(field.value().get_array(), "tag", pool);
    } else if (Is(key, "mentions")) {
      mentions = ParseEntityList(field.value().get_array(), "username", pool);
    }
  }
}

bool IsNullValue(od::value& v) { return v.type() == od::json_type::null; }

void ParseTweet(od::object obj, V2Tweet& t, Pools& pools);

// The elements of referenced_tweets: {type, id} in pages, whole tweets in flattened lines.
__attribute__((noinline)) void ParseReferences(od::array arr, V2Tweet& t, Pools& pools) {
  // Nested (flattened) referenced tweets append their own refs to the pool: collect this tweet's
  // refs aside and append them as one run afterwards.
  V2Ref local[4];
  std::vector<V2Ref> more;
  std::size_t n = 0;
  for (auto elem : arr) {
    V2Tweet ref;
    ParseTweet(elem.get_object(), ref, pools);
    V2Ref r{ref.ref_type, ref.id};
    if (n < 4)
      local[n] = r;
    else
      more.push_back(r);
    ++n;
    if (ref.has_text) t.inline_refs.push_back(std::move(ref));
  }
  t.refs.begin = static_cast<std::uint32_t>(pools.refs.size());
  for (std::size_t i = 0; i < n; ++i) pools.refs.push_back(i < 4 ? local[i] : more[i - 4]);
  t.refs.count = static_cast<std::uint32_t>(n);
}

__attribute__((noinline)) void ParseNoteTweet(od::object obj, V2Tweet& t, Pools& pools) {
  for (auto f : obj) {
    SV k = RawKey(f);
    if (Is(k, "text")) {
      t.note_text = Str(f.value());
    } else if (Is(k, "entities")) {
      ParseEntities(f.value().get_object(), t.note_links, t.note_hashtags, t.note_mentions, pools.strings);
      t.has_note_entities = true;
    }
  }
}

// The tweet fields the reader uses.
enum class TweetField : std::uint8_t {
  kNone,
  kId,
  kGeo,
  kText,
  kLang,
  kType,
  kAuthor,
  kEvent,  // action, event_type, dm_conversation_id: not a tweet
  kEntities,
  kAuthorId,
  kCreatedAt,
  kNoteTweet,
  kInReplyToUser,
  kReferencedTweets,
  kInReplyToUserId,
};

// Dispatches on the key's length first: most fields of a tweet (public_metrics,
// context_annotations…) fail there with one compare.
RELAIS_HOT TweetField TweetFieldOf(SV key) {
  switch (key.size()) {
    case 2:
      return Is(key, "id") ? TweetField::kId : TweetField::kNone;
    case 3:
      return Is(key, "geo") ? TweetField::kGeo : TweetField::kNone;
    case 4:
      if (Is(key, "text")) return TweetField::kText;
      if (Is(key, "lang")) return TweetField::kLang;
      if (Is(key, "type")) return TweetField::kType;
      return TweetField::kNone;
    case 6:
      if (Is(key, "author")) return TweetField::kAuthor;
      if (Is(key, "action")) return TweetField::kEvent;
      return TweetField::kNone;
    case 8:
      return Is(key, "entities") ? TweetField::kEntities : TweetField::kNone;
    case 9:
      return Is(key, "author_id") ? TweetField::kAuthorId : TweetField::kNone;
    case 10:
      if (Is(key, "created_at")) return TweetField::kCreatedAt;
      if (Is(key, "note_tweet")) return TweetField::kNoteTweet;
      if (Is(key, "event_type")) return TweetField::kEvent;
      return TweetField::kNone;
    case 16:
      return Is(key, "in_reply_to_user") ? TweetField::kInReplyToUser : TweetField::kNone;
    case 17:
      return Is(key, "referenced_tweets") ? TweetField::kReferencedTweets : TweetField::kNone;
    case 18:
      return Is(key, "dm_conversation_id") ? TweetField::kEvent : TweetField::kNone;
    case 19:
      return Is(key, "in_reply_to_user_id") ? TweetField::kInReplyToUserId : TweetField::kNone;
    default:
      return TweetField::kNone;
  }
}

// Reads one field of a tweet object. Out of line: keeping the field loop small lets the compiler
// hold the iterator in registers (inlined, the loop spilled it to the stack on every field).
__attribute__((noinline)) void ReadTweetField(TweetField which, od::value value, V2Tweet& t, Pools& pools) {
  switch (which) {
    case TweetField::kNone:
      break;
    case TweetField::kId:
      t.id = IdView(value);
      break;
    case TweetField::kGeo:
      ParseGeo(value, t);
      break;
    case TweetField::kText: {
      bool null = false;
      t.text = StrOrNull(value, &null);
      t.has_text = !null;
      break;
    }
    case TweetField::kLang:
      t.lang = StrOrNull(value);
      break;
    case TweetField::kType:
      t.ref_type = Str(value);
      break;
    case TweetField::kAuthor:
      if (value.type() == od::json_type::object) {
        t.author = ParseUser(value.get_object());
        t.has_author = !t.author.username.empty();
      }
      break;
    case TweetField::kEvent:
      t.is_event = true;
      break;
    case TweetField::kEntities:
      if (!IsNullValue(value)) ParseEntities(value.get_object(), t.links, t.hashtags, t.mentions, pools.strings);
      break;
    case TweetField::kAuthorId:
      t.author_id = IdView(value);
      break;
    case TweetField::kCreatedAt:
      t.created_at = StrOrNull(value);
      break;
    case TweetField::kNoteTweet:
      ParseNoteTweet(value.get_object(), t, pools);
      break;
    case TweetField::kInReplyToUser:
      if (value.type() == od::json_type::object) t.in_reply_to_handle = ParseUser(value.get_object()).username;
      break;
    case TweetField::kReferencedTweets:
      ParseReferences(value.get_array(), t, pools);
      break;
    case TweetField::kInReplyToUserId:
      t.in_reply_to_user_id = IdView(value);
      break;
  }
}

void ParseTweet(od::object obj, V2Tweet& t, Pools& pools) {
  for (auto field : obj) {
    TweetField which = TweetFieldOf(RawKey(field));
    if (which != TweetField::kNone) ReadTweetField(which, field.value(), t, pools);
  }
}

void ParseDataElement(od::value elem, V2Page& page, const PageText& pt) {
  auto& data = page.pools->data;
  V2Tweet& t = data.emplace_back();
  // Where the element starts, for its excerpt and its line in pretty-printed documents.
  SV token = elem.raw_json_token();
  t.offset = static_cast<std::size_t>(token.data() - pt.base);
  t.line = pt.multiline ? LineAt(pt.text, t.offset, pt.line) : pt.line;
  if (elem.type() == od::json_type::object) ParseTweet(elem.get_object(), t, *page.pools);
  if (!t.LooksLikeTweet()) {
    ++page.non_tweets;
    data.pop_back();
  }
}

void ParsePage(od::document& doc, V2Page& page, const PageText& pt) {
  for (auto field : doc.get_object()) {
    SV key = RawKey(field);
    if (Is(key, "data")) {
      page.has_data = true;
      od::value data = field.value();
      od::json_type type = data.type();
      if (type == od::json_type::array) {
        for (auto elem : data.get_array()) ParseDataElement(elem.value(), page, pt);
      } else if (type == od::json_type::object) {
        ParseDataElement(data, page, pt);
      }
    } else if (Is(key, "includes")) {
      for (auto inc : field.value().get_object()) {
        SV k = RawKey(inc);
        if (Is(k, "users")) {
          for (auto u : inc.value().get_array()) {
            V2User user = ParseUser(u.get_object());
            if (!user.id.empty()) page.pools->users.items.push_back(user);
          }
        } else if (Is(k, "places")) {
          for (auto pl : inc.value().get_array()) {
            V2Place place = ParsePlace(pl.get_object());
            if (!place.id.empty()) page.pools->places.items.push_back(place);
          }
        } else if (Is(k, "tweets")) {
          auto& included = page.pools->included.items;
          for (auto tw : inc.value().get_array()) {
            V2Tweet& t = included.emplace_back();
            ParseTweet(tw.get_object(), t, *page.pools);
            if (t.id.empty()) included.pop_back();
          }
        }
      }
    } else if (Is(key, "action")) {
      page.action = Str(field.value());
      page.top.is_event = true;
    } else {
      TweetField which = TweetFieldOf(key);
      if (which != TweetField::kNone) ReadTweetField(which, field.value(), page.top, *page.pools);
    }
  }
}

Layer LayerOf(SV type, bool* known) {
  *known = true;
  if (Is(type, "retweeted")) return Layer::kRetweet;
  if (Is(type, "quoted")) return Layer::kQuote;
  if (Is(type, "replied_to")) return Layer::kReply;
  *known = false;
  return Layer::kReply;
}

std::string Concat(SV a, SV b) {
  std::string s;
  s.reserve(a.size() + b.size());
  s.append(a);
  s.append(b);
  return s;
}

// The ids already expanded for one record: a few (a retweet of a quote of a reply at most a handful),
// so a linear scan of an inline array; more spill to a vector.
class SeenIds {
 public:
  explicit SeenIds(SV first) { Insert(first); }
  // False when `id` was already there.
  bool Insert(SV id) {
    for (std::size_t i = 0; i < n_ && i < kInline; ++i) {
      if (inline_[i] == id) return false;
    }
    if (std::find(more_.begin(), more_.end(), id) != more_.end()) return false;
    if (n_ < kInline)
      inline_[n_] = id;
    else
      more_.push_back(id);
    ++n_;
    return true;
  }

 private:
  static constexpr std::size_t kInline = 8;
  SV inline_[kInline];
  std::size_t n_ = 0;
  std::vector<SV> more_;
};

class Resolver {
 public:
  explicit Resolver(Pools& pools) : pools_(pools) {
    pools.users.Seal();
    pools.included.Seal();
    pools.places.Seal();
  }

  // The author of `t`: inline (flattened) or from includes.users.
  const V2User* AuthorOf(const V2Tweet& t) const {
    if (t.has_author) return &t.author;
    return pools_.users.Find(t.author_id);
  }

  // True when `t` may carry expansions: it references tweets and some are at hand.
  bool MayExpand(const V2Tweet& t) const {
    return t.refs.count > 0 && (!t.inline_refs.empty() || !pools_.included.items.empty());
  }

  // A referenced tweet: inline in `t` or in includes.tweets.
  const V2Tweet* Referenced(const V2Tweet& t, SV id) const {
    for (const auto& r : t.inline_refs) {
      if (r.id == id) return &r;
    }
    return pools_.included.Find(id);
  }

  // Builds the item of `t`; on a problem returns false and fills *problem.
  bool Build(const V2Tweet& t, ItemRecord& item, RecordProblem* problem) const {
    if (t.id.empty()) return Fail(problem, "missing-field", "field \"id\" is missing");
    std::string id(t.id);
    if (!t.has_text && t.note_text.empty()) {
      return Fail(problem, "missing-field", "tweet " + id + ": field \"text\" is missing");
    }
    if (t.created_at.empty()) {
      return Fail(problem, "missing-field", "tweet " + id + ": field \"created_at\" is missing");
    }
    auto time = ParseApiTime(t.created_at);
    if (!time) {
      return Fail(
          problem, "bad-timestamp",
          "tweet " + id + ": field \"created_at\" has \"" + std::string(t.created_at) + "\", expected ISO 8601");
    }
    const V2User* author = AuthorOf(t);
    if (!author) {
      if (t.author_id.empty())
        return Fail(problem, "missing-field", "tweet " + id + ": field \"author_id\" is missing");
      return Fail(problem, "missing-field",
                  "tweet " + id + ": author_id \"" + std::string(t.author_id) + "\" not found in includes.users");
    }
    item.key = Concat("twitter:", t.id);
    item.platform = "twitter";
    item.channel = Channel::kSocial;
    item.author.key = Concat("@", author->username);
    item.author.platform = "twitter";
    item.author.handle = author->username;
    item.author.name = author->name;
    item.author.platform_id = author->id;
    item.author_location = author->location;
    if (t.has_point) {
      item.geo.has_point = true;
      item.geo.lat = t.lat;
      item.geo.lon = t.lon;
    }
    if (!t.place_id.empty()) {
      if (const V2Place* place = pools_.places.Find(t.place_id)) {
        item.geo.place = place->full_name;
        item.geo.country_code = place->country_code;
      }
    }
    item.time = *time;
    item.text = !t.note_text.empty() ? t.note_text : t.text;
    DecodeTwitterEntities(item.text);
    item.lang = t.lang;
    bool note = t.has_note_entities && !t.note_text.empty();
    Assign(item.links, note ? t.note_links : t.links);
    Assign(item.hashtags, note ? t.note_hashtags : t.hashtags);
    Assign(item.mentions, note ? t.note_mentions : t.mentions);
    bool retweet = false, quote = false, reply = false;
    item.refs.reserve(t.refs.count);
    for (std::uint32_t i = 0; i < t.refs.count; ++i) {
      const V2Ref& r = pools_.refs[t.refs.begin + i];
      bool known = false;
      Layer layer = LayerOf(r.type, &known);
      if (!known || r.id.empty()) continue;
      ItemRef ref{layer, Concat("twitter:", r.id), {}};
      if (layer == Layer::kReply) {
        ref.target_author_handle = ReplyHandle(t);
        reply = true;
      } else {
        retweet |= layer == Layer::kRetweet;
        quote |= layer == Layer::kQuote;
      }
      if (ref.target_author_handle.empty()) {
        if (const V2Tweet* target = Referenced(t, r.id)) {
          if (const V2User* a = AuthorOf(*target)) ref.target_author_handle = a->username;
        }
      }
      item.refs.push_back(std::move(ref));
    }
    item.kind = retweet ? ItemKind::kRetweet
                : quote ? ItemKind::kQuote
                : reply ? ItemKind::kReply
                        : ItemKind::kOriginal;
    return true;
  }

  // Appends the expansions `t` references (transitively, each once per record).
  void AddExpansions(const V2Tweet& t, ParsedRecord& record, SeenIds& seen, int depth) const {
    if (depth > 4) return;
    for (std::uint32_t i = 0; i < t.refs.count; ++i) {
      SV id = pools_.refs[t.refs.begin + i].id;
      if (id.empty() || !seen.Insert(id)) continue;
      const V2Tweet* target = Referenced(t, id);
      if (!target) continue;
      ItemRecord item;
      RecordProblem ignored;
      // An expansion that cannot be built (no author in includes…) is only a missing enrichment: the
      // record's reference still names it, and the record itself is counted.
      if (!Build(*target, item, &ignored)) continue;
      item.expansion = true;
      record.items.push_back(std::move(item));
      AddExpansions(*target, record, seen, depth + 1);
    }
  }

 private:
  void Assign(std::vector<std::string>& out, Range r) const {
    out.reserve(r.count);
    for (std::uint32_t i = 0; i < r.count; ++i) out.emplace_back(pools_.strings[r.begin + i]);
  }
  SV ReplyHandle(const V2Tweet& t) const {
    if (!t.in_reply_to_handle.empty()) return t.in_reply_to_handle;
    const V2User* user = pools_.users.Find(t.in_reply_to_user_id);
    return user ? user->username : SV();
  }
  static bool Fail(RecordProblem* problem, std::string reason, std::string message) {
    problem->reason = std::move(reason);
    problem->message = std::move(message);
    return false;
  }
  const Pools& pools_;
};

void EmitTweet(const Resolver& resolver, const V2Tweet& t, const PageText& pt, const std::string& file,
               std::vector<RecordOutcome>& out) {
  ParsedRecord record;
  const bool may_expand = resolver.MayExpand(t);
  record.items.reserve(1 + (may_expand ? t.refs.count : 0));
  record.items.emplace_back();
  RecordProblem problem;
  if (!resolver.Build(t, record.items[0], &problem)) {
    std::size_t end = ScanJsonValue(pt.text, t.offset);
    SV raw = pt.text.substr(t.offset, end == SV::npos ? SV::npos : end - t.offset);
    out.push_back(MakeDiagnostic(InputPos{file, t.line, 0}, problem.reason, std::move(problem.message), raw));
    return;
  }
  record.pos = InputPos{file, t.line, 0};
  if (may_expand) {
    SeenIds seen(t.id);
    resolver.AddExpansions(t, record, seen, 0);
  }
  out.push_back(std::move(record));
}

// Parses one page, flattened tweet or body; `line` is the line of its first byte; `multiline` says
// whether `text` holds line breaks (pretty-printed bodies), which the lines of JSONL never do.
void ParseV2Value(SV text, const std::string& file, std::uint64_t line, bool multiline,
                  std::vector<RecordOutcome>& out) {
  thread_local Pools pools;
  pools.clear();
  InputPos pos{file, line, 0};
  std::size_t first_out = out.size();
  try {
    PaddedDocument padded = IterateThreadLocal(text);
    if (padded.doc->type() != od::json_type::object) {
      out.push_back(MakeDiagnostic(pos, "not-a-tweet", "expected a JSON object (a twarc2 page or a tweet)", text));
      return;
    }
    V2Page page;
    page.pools = &pools;
    page.top.line = line;
    PageText pt{text, padded.base, line, multiline};
    ParsePage(*padded.doc, page, pt);
    if (padded.doc->current_location().error() == simdjson::SUCCESS) {
      out.push_back(MakeDiagnostic(pos, "invalid-json", "trailing content after the JSON value", text));
      return;
    }
    Resolver resolver(pools);
    const std::vector<V2Tweet>& data = pools.data;
    if (page.has_data) {
      if (data.empty()) {
        out.push_back(MakeDiagnostic(pos, "not-a-tweet",
                                     "page \"data\" holds no tweets (" + std::to_string(page.non_tweets) +
                                         " other elements: users, counts or events)",
                                     text));
      }
      out.reserve(out.size() + data.size());
      for (const auto& t : data) EmitTweet(resolver, t, pt, file, out);
      if (!data.empty() && page.non_tweets > 0) {
        out.push_back(MakeDiagnostic(pos, "not-a-tweet",
                                     std::to_string(page.non_tweets) + " elements of \"data\" are not tweets", text));
      }
      return;
    }
    if (page.top.LooksLikeTweet()) {
      EmitTweet(resolver, page.top, pt, file, out);
      return;
    }
    std::string why = !page.action.empty() ? "compliance event (action \"" + std::string(page.action) + "\")"
                                           : std::string("no \"data\" and no tweet fields (errors-only page?)");
    out.push_back(MakeDiagnostic(pos, "not-a-tweet", why, text));
  } catch (const simdjson::simdjson_error& e) {
    out.resize(first_out);  // a page that fails midway is one bad record, not half a page
    out.push_back(JsonErrorDiagnostic(e.error(), pos, text, "twitter-v2 record"));
  }
}

class TwitterV2Reader final : public Reader {
 public:
  Format format() const override { return Format::kTwitterV2; }
  bool line_oriented() const override { return true; }
  bool line_oriented_for(std::string_view head) const override { return LooksLikeJsonl(head); }

  // A line holds no line break (the pipeline splits on them), so every tweet of a page is on its line.
  void ParseLine(SV line, const InputPos& pos, std::vector<RecordOutcome>& out) const override {
    ParseV2Value(line, pos.file, pos.line, false, out);
  }

  // Whole files: JSONL line by line, or pretty-printed bodies value by value.
  void ParseDocument(SV content, const std::string& path, std::vector<RecordOutcome>& out) const override {
    for (const DocumentRecord& rec : SplitDocument(content)) {
      if (rec.truncated) {
        out.push_back(
            JsonErrorDiagnostic(simdjson::TAPE_ERROR, InputPos{path, rec.line, 0}, rec.text, "twitter-v2 record"));
        continue;
      }
      ParseV2Value(rec.text, path, rec.line, rec.text.find('\n') != SV::npos, out);
    }
  }
};

#undef RELAIS_HOT

}  // namespace

std::unique_ptr<Reader> MakeTwitterV2Reader(const ReadOptions&) { return std::make_unique<TwitterV2Reader>(); }

}  // namespace relais::corpora::detail
