// Twitter API v2 reader: twarc2 pages ({data, includes:{users,tweets}, meta, __twarc}, one per line),
// twarc's flattened lines (one tweet with inline `author` and expanded `referenced_tweets`), and API
// response bodies ({data: object-or-array, includes}) pretty-printed over many lines.
//
// Each tweet of `data` is a record; tweets of includes.tweets that a record references become
// expansion items of that record (followed transitively, so a retweet of a quote carries the quote
// and the tweet it quotes). One pass over the page with simdjson ondemand collects the tweets and
// the users; authors and references are resolved once the page is read.
#include <unordered_map>
#include <unordered_set>

#include "detail/readers.hpp"
#include "detail/tweet_json.hpp"

namespace relais::corpora::detail {
namespace {

struct V2Tweet {
  std::string id;
  std::string text;
  std::string note_text;
  std::string author_id;
  std::string created_at;
  std::string lang;
  std::string in_reply_to_user_id;
  std::string in_reply_to_handle;                         // flattened: in_reply_to_user.username
  std::string ref_type;                                   // when this object is an element of referenced_tweets
  std::vector<std::pair<std::string, std::string>> refs;  // (type, id)
  std::vector<std::string> links, hashtags, mentions;
  std::vector<std::string> note_links, note_hashtags, note_mentions;
  bool has_note_entities = false;
  ActorRecord author;  // flattened: inline author
  bool has_author = false;
  bool has_text = false;
  bool is_event = false;             // a DM event, compliance event…: has text-like fields but is no tweet
  std::vector<V2Tweet> inline_refs;  // flattened: referenced tweets expanded inline
  std::uint64_t line = 0;
  std::size_t offset = 0;  // in the page text, for excerpts

  bool LooksLikeTweet() const { return !is_event && (has_text || !author_id.empty() || !refs.empty()); }
};

// The page being parsed: its text, where its padded copy starts, and the line of its first byte.
struct PageText {
  std::string_view text;
  const char* base = nullptr;
  std::uint64_t line = 0;
  bool multiline = false;
};

struct V2Page {
  std::vector<V2Tweet> data;
  bool has_data = false;
  std::size_t non_tweets = 0;  // elements of data that are not tweets (users, counts, DM events)
  std::unordered_map<std::string, ActorRecord> users;
  std::unordered_map<std::string, V2Tweet> included;
  V2Tweet top;         // the line itself when it is a flattened tweet
  std::string action;  // compliance events
};

ActorRecord ParseUser(od::object obj) {
  ActorRecord a;
  a.platform = "twitter";
  for (auto field : obj) {
    std::string_view key = RawKey(field);
    if (key == "id") {
      a.platform_id = IdString(field.value());
    } else if (key == "username") {
      a.handle = std::string_view(field.value().get_string());
    } else if (key == "name") {
      a.name = std::string_view(field.value().get_string());
    }
  }
  a.key = "@" + a.handle;
  return a;
}

void ParseEntities(od::object obj, std::vector<std::string>& links, std::vector<std::string>& hashtags,
                   std::vector<std::string>& mentions) {
  for (auto field : obj) {
    std::string_view key = RawKey(field);
    if (key == "urls") {
      for (auto u : field.value().get_array()) {
        std::string_view url, expanded, unwound;
        for (auto f : u.get_object()) {
          std::string_view k = RawKey(f);
          if (k == "url")
            url = f.value().get_string();
          else if (k == "expanded_url")
            expanded = f.value().get_string();
          else if (k == "unwound_url")
            unwound = f.value().get_string();
        }
        // get_string views stay valid until the next parse: copy now.
        PushNonEmpty(links, !unwound.empty() ? unwound : !expanded.empty() ? expanded : url);
      }
    } else if (key == "hashtags") {
      for (auto h : field.value().get_array()) {
        for (auto f : h.get_object()) {
          if (RawKey(f) == "tag") PushNonEmpty(hashtags, f.value().get_string());
        }
      }
    } else if (key == "mentions") {
      for (auto m : field.value().get_array()) {
        for (auto f : m.get_object()) {
          if (RawKey(f) == "username") PushNonEmpty(mentions, f.value().get_string());
        }
      }
    }
  }
}

bool IsNullValue(od::value& v) { return v.type() == od::json_type::null; }

// Handles one field of a tweet object; returns false when the key is not a tweet field.
bool ParseTweetField(std::string_view key, od::value value, V2Tweet& t);

void ParseTweet(od::object obj, V2Tweet& t) {
  for (auto field : obj) ParseTweetField(RawKey(field), field.value(), t);
}

bool ParseTweetField(std::string_view key, od::value value, V2Tweet& t) {
  if (key == "id") {
    t.id = IdString(value);
  } else if (key == "text") {
    if (IsNullValue(value)) return true;
    t.text = std::string_view(value.get_string());
    t.has_text = true;
  } else if (key == "author_id") {
    t.author_id = IdString(value);
  } else if (key == "created_at") {
    if (!IsNullValue(value)) t.created_at = std::string_view(value.get_string());
  } else if (key == "lang") {
    if (!IsNullValue(value)) t.lang = std::string_view(value.get_string());
  } else if (key == "in_reply_to_user_id") {
    t.in_reply_to_user_id = IdString(value);
  } else if (key == "entities") {
    if (!IsNullValue(value)) ParseEntities(value.get_object(), t.links, t.hashtags, t.mentions);
  } else if (key == "note_tweet") {
    for (auto f : value.get_object()) {
      std::string_view k = RawKey(f);
      if (k == "text") {
        t.note_text = std::string_view(f.value().get_string());
      } else if (k == "entities") {
        ParseEntities(f.value().get_object(), t.note_links, t.note_hashtags, t.note_mentions);
        t.has_note_entities = true;
      }
    }
  } else if (key == "referenced_tweets") {
    for (auto elem : value.get_array()) {
      V2Tweet ref;
      ParseTweet(elem.get_object(), ref);
      t.refs.emplace_back(ref.ref_type, ref.id);
      if (ref.has_text) t.inline_refs.push_back(std::move(ref));
    }
  } else if (key == "type") {
    t.ref_type = std::string_view(value.get_string());
  } else if (key == "author") {
    if (value.type() == od::json_type::object) {
      t.author = ParseUser(value.get_object());
      t.has_author = !t.author.handle.empty();
    }
  } else if (key == "in_reply_to_user") {
    if (value.type() == od::json_type::object) t.in_reply_to_handle = ParseUser(value.get_object()).handle;
  } else if (key == "event_type" || key == "dm_conversation_id" || key == "action") {
    t.is_event = true;
  } else {
    return false;
  }
  return true;
}

void ParseDataElement(od::value elem, V2Page& page, const PageText& pt) {
  V2Tweet t;
  // Where the element starts, for its excerpt and its line in pretty-printed documents.
  std::string_view token = elem.raw_json_token();
  t.offset = static_cast<std::size_t>(token.data() - pt.base);
  t.line = pt.multiline ? LineAt(pt.text, t.offset, pt.line) : pt.line;
  if (elem.type() != od::json_type::object) {
    ++page.non_tweets;
    return;
  }
  ParseTweet(elem.get_object(), t);
  if (!t.LooksLikeTweet()) {
    ++page.non_tweets;
    return;
  }
  page.data.push_back(std::move(t));
}

void ParsePage(od::document& doc, V2Page& page, const PageText& pt) {
  for (auto field : doc.get_object()) {
    std::string_view key = RawKey(field);
    if (key == "data") {
      page.has_data = true;
      od::value data = field.value();
      od::json_type type = data.type();
      if (type == od::json_type::array) {
        for (auto elem : data.get_array()) ParseDataElement(elem.value(), page, pt);
      } else if (type == od::json_type::object) {
        ParseDataElement(data, page, pt);
      }
    } else if (key == "includes") {
      for (auto inc : field.value().get_object()) {
        std::string_view k = RawKey(inc);
        if (k == "users") {
          for (auto u : inc.value().get_array()) {
            ActorRecord a = ParseUser(u.get_object());
            if (!a.platform_id.empty()) page.users.emplace(a.platform_id, std::move(a));
          }
        } else if (k == "tweets") {
          for (auto tw : inc.value().get_array()) {
            V2Tweet t;
            ParseTweet(tw.get_object(), t);
            if (!t.id.empty()) page.included.emplace(t.id, std::move(t));
          }
        }
      }
    } else if (key == "action") {
      page.action = std::string_view(field.value().get_string());
      page.top.is_event = true;
    } else {
      ParseTweetField(key, field.value(), page.top);
    }
  }
}

Layer LayerOf(std::string_view type, bool* known) {
  *known = true;
  if (type == "retweeted") return Layer::kRetweet;
  if (type == "quoted") return Layer::kQuote;
  if (type == "replied_to") return Layer::kReply;
  *known = false;
  return Layer::kReply;
}

class Resolver {
 public:
  explicit Resolver(V2Page& page) : page_(page) {}

  // The author of `t`: inline (flattened) or from includes.users.
  const ActorRecord* AuthorOf(const V2Tweet& t) const {
    if (t.has_author) return &t.author;
    auto it = page_.users.find(t.author_id);
    return it == page_.users.end() ? nullptr : &it->second;
  }

  // A referenced tweet: inline in `t` or in includes.tweets.
  const V2Tweet* Referenced(const V2Tweet& t, const std::string& id) const {
    for (const auto& r : t.inline_refs) {
      if (r.id == id) return &r;
    }
    auto it = page_.included.find(id);
    return it == page_.included.end() ? nullptr : &it->second;
  }

  // Builds the item of `t`; on a problem returns false and fills *problem.
  bool Build(const V2Tweet& t, ItemRecord& item, RecordProblem* problem) const {
    if (t.id.empty()) return Fail(problem, "missing-field", "field \"id\" is missing");
    if (!t.has_text && t.note_text.empty()) {
      return Fail(problem, "missing-field", "tweet " + t.id + ": field \"text\" is missing");
    }
    if (t.created_at.empty()) {
      return Fail(problem, "missing-field", "tweet " + t.id + ": field \"created_at\" is missing");
    }
    auto time = ParseIso8601(t.created_at);
    if (!time) {
      return Fail(problem, "bad-timestamp",
                  "tweet " + t.id + ": field \"created_at\" has \"" + t.created_at + "\", expected ISO 8601");
    }
    const ActorRecord* author = AuthorOf(t);
    if (!author) {
      if (t.author_id.empty())
        return Fail(problem, "missing-field", "tweet " + t.id + ": field \"author_id\" is missing");
      return Fail(problem, "missing-field",
                  "tweet " + t.id + ": author_id \"" + t.author_id + "\" not found in includes.users");
    }
    item.key = "twitter:" + t.id;
    item.platform = "twitter";
    item.channel = Channel::kSocial;
    item.author = *author;
    item.time = *time;
    item.text = !t.note_text.empty() ? t.note_text : t.text;
    DecodeTwitterEntities(item.text);
    item.lang = t.lang;
    item.url = "https://twitter.com/" + author->handle + "/status/" + t.id;
    bool note = t.has_note_entities && !t.note_text.empty();
    item.links = note ? t.note_links : t.links;
    item.hashtags = note ? t.note_hashtags : t.hashtags;
    item.mentions = note ? t.note_mentions : t.mentions;
    bool retweet = false, quote = false, reply = false;
    for (const auto& [type, id] : t.refs) {
      bool known = false;
      Layer layer = LayerOf(type, &known);
      if (!known || id.empty()) continue;
      ItemRef ref{layer, "twitter:" + id, {}};
      if (layer == Layer::kReply) {
        ref.target_author_handle = ReplyHandle(t);
        reply = true;
      } else {
        retweet |= layer == Layer::kRetweet;
        quote |= layer == Layer::kQuote;
      }
      if (ref.target_author_handle.empty()) {
        if (const V2Tweet* target = Referenced(t, id)) {
          if (const ActorRecord* a = AuthorOf(*target)) ref.target_author_handle = a->handle;
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
  void AddExpansions(const V2Tweet& t, ParsedRecord& record, std::unordered_set<std::string>& seen, int depth) const {
    if (depth > 4) return;
    for (const auto& [type, id] : t.refs) {
      if (id.empty() || !seen.insert(id).second) continue;
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
  std::string ReplyHandle(const V2Tweet& t) const {
    if (!t.in_reply_to_handle.empty()) return t.in_reply_to_handle;
    auto it = page_.users.find(t.in_reply_to_user_id);
    return it == page_.users.end() ? std::string() : it->second.handle;
  }
  static bool Fail(RecordProblem* problem, std::string reason, std::string message) {
    problem->reason = std::move(reason);
    problem->message = std::move(message);
    return false;
  }
  V2Page& page_;
};

void EmitTweet(const Resolver& resolver, const V2Tweet& t, const PageText& pt, const std::string& file,
               std::vector<RecordOutcome>& out) {
  InputPos pos{file, t.line, 0};
  ParsedRecord record;
  record.pos = pos;
  record.items.emplace_back();
  RecordProblem problem;
  if (!resolver.Build(t, record.items[0], &problem)) {
    std::size_t end = ScanJsonValue(pt.text, t.offset);
    std::string_view raw =
        pt.text.substr(t.offset, end == std::string_view::npos ? std::string_view::npos : end - t.offset);
    out.push_back(MakeDiagnostic(pos, problem.reason, std::move(problem.message), raw));
    return;
  }
  std::unordered_set<std::string> seen{t.id};
  resolver.AddExpansions(t, record, seen, 0);
  out.push_back(std::move(record));
}

// Parses one page, flattened tweet or body; `line` is the line of its first byte.
void ParseV2Value(std::string_view text, const std::string& file, std::uint64_t line, std::vector<RecordOutcome>& out) {
  InputPos pos{file, line, 0};
  std::size_t first_out = out.size();
  try {
    PaddedDocument padded = IterateThreadLocal(text);
    if (padded.doc->type() != od::json_type::object) {
      out.push_back(MakeDiagnostic(pos, "not-a-tweet", "expected a JSON object (a twarc2 page or a tweet)", text));
      return;
    }
    V2Page page;
    page.top.line = line;
    PageText pt{text, padded.base, line, text.find('\n') != std::string_view::npos};
    ParsePage(*padded.doc, page, pt);
    if (padded.doc->current_location().error() == simdjson::SUCCESS) {
      out.push_back(MakeDiagnostic(pos, "invalid-json", "trailing content after the JSON value", text));
      return;
    }
    Resolver resolver(page);
    if (page.has_data) {
      if (page.data.empty()) {
        out.push_back(MakeDiagnostic(pos, "not-a-tweet",
                                     "page \"data\" holds no tweets (" + std::to_string(page.non_tweets) +
                                         " other elements: users, counts or events)",
                                     text));
      }
      for (const auto& t : page.data) EmitTweet(resolver, t, pt, file, out);
      if (!page.data.empty() && page.non_tweets > 0) {
        out.push_back(MakeDiagnostic(pos, "not-a-tweet",
                                     std::to_string(page.non_tweets) + " elements of \"data\" are not tweets", text));
      }
      return;
    }
    if (page.top.LooksLikeTweet()) {
      EmitTweet(resolver, page.top, pt, file, out);
      return;
    }
    std::string why = !page.action.empty() ? "compliance event (action \"" + page.action + "\")"
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

  void ParseLine(std::string_view line, const InputPos& pos, std::vector<RecordOutcome>& out) const override {
    ParseV2Value(line, pos.file, pos.line, out);
  }

  // Whole files: JSONL line by line, or pretty-printed bodies value by value.
  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    for (const DocumentRecord& rec : SplitDocument(content)) {
      if (rec.truncated) {
        out.push_back(
            JsonErrorDiagnostic(simdjson::TAPE_ERROR, InputPos{path, rec.line, 0}, rec.text, "twitter-v2 record"));
        continue;
      }
      ParseV2Value(rec.text, path, rec.line, out);
    }
  }
};

}  // namespace

std::unique_ptr<Reader> MakeTwitterV2Reader(const ReadOptions&) { return std::make_unique<TwitterV2Reader>(); }

}  // namespace relais::corpora::detail
