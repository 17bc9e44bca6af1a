// Twitter API v1.1 reader: statuses as JSONL, as a JSON array, as a JS file (`var tweets = [ … ];`),
// search responses ({statuses:[…]}), stream notices (delete, limit…: quarantined as not-a-tweet), and
// Gnip activity streams (verb, actor, object, long_object, twitter_quoted_status), which map onto
// the same fields.
//
// A status is one record; its retweeted_status and quoted_status (and theirs) are expansion items.
#include <unordered_set>

#include "detail/readers.hpp"
#include "detail/tweet_json.hpp"

namespace relais::corpora::detail {
namespace {

// "tag:search.twitter.com,2005:123" / "id:twitter.com:123" → "123".
std::string TailId(std::string id) {
  std::size_t colon = id.rfind(':');
  return colon == std::string::npos ? id : id.substr(colon + 1);
}

void ParseEntities(od::object obj, Entities& e) {
  for (auto field : obj) {
    std::string_view key = RawKey(field);
    if (Is(key, "urls")) {
      for (auto u : field.value().get_array()) {
        std::string_view url, expanded;
        for (auto f : u.get_object()) {
          std::string_view k = RawKey(f);
          od::value v = f.value();
          if (v.type() != od::json_type::string) continue;
          if (Is(k, "url"))
            url = v.get_string();
          else if (Is(k, "expanded_url"))
            expanded = v.get_string();
        }
        PushNonEmpty(e.links, !expanded.empty() ? expanded : url);
      }
    } else if (Is(key, "hashtags")) {
      for (auto h : field.value().get_array()) {
        for (auto f : h.get_object()) {
          if (Is(RawKey(f), "text")) PushNonEmpty(e.hashtags, f.value().get_string());
        }
      }
    } else if (Is(key, "user_mentions")) {
      for (auto m : field.value().get_array()) {
        for (auto f : m.get_object()) {
          if (Is(RawKey(f), "screen_name")) PushNonEmpty(e.mentions, f.value().get_string());
        }
      }
    }
  }
}

// A number (or a numeric string) of a coordinates array.
bool Number(od::value v, double* out) {
  if (v.type() == od::json_type::number) {
    *out = v.get_double();
    return true;
  }
  return false;
}

// A GeoJSON-like point {"type":"Point","coordinates":[a,b]}: [lon,lat] in `coordinates`, [lat,lon] in
// v1.1's deprecated `geo` and in activities' `geo` (lat_first).
void ParsePoint(od::value v, ItemGeo& g, bool lat_first) {
  if (v.type() != od::json_type::object) return;
  for (auto f : v.get_object()) {
    if (!Is(RawKey(f), "coordinates")) continue;
    od::value c = f.value();
    if (c.type() != od::json_type::array) continue;
    double xy[2];
    int n = 0;
    for (auto e : c.get_array()) {
      double d = 0;
      if (n < 2 && Number(e.value(), &d)) xy[n] = d;
      ++n;
    }
    if (n != 2) continue;
    const double lat = lat_first ? xy[0] : xy[1], lon = lat_first ? xy[1] : xy[0];
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180) continue;
    g.has_point = true;
    g.lat = lat;
    g.lon = lon;
  }
}

// A place object: v1.1 {full_name, country_code}; activities {displayName, country_code}.
void ParsePlace(od::value v, ItemGeo& g) {
  if (v.type() != od::json_type::object) return;
  for (auto f : v.get_object()) {
    std::string_view k = RawKey(f);
    od::value x = f.value();
    if (x.type() != od::json_type::string) continue;
    if (Is(k, "full_name") || Is(k, "displayName"))
      g.place = std::string_view(x.get_string());
    else if (Is(k, "country_code"))
      g.country_code = std::string_view(x.get_string());
  }
}

void ParseUser(od::object obj, ActorRecord& a, bool activity, std::string* location) {
  a.platform = "twitter";
  for (auto field : obj) {
    std::string_view key = RawKey(field);
    od::value v = field.value();
    if (v.type() == od::json_type::null) continue;
    if (Is(key, "id_str")) {
      a.platform_id = std::string_view(v.get_string());
    } else if (Is(key, "id")) {
      if (a.platform_id.empty()) a.platform_id = activity ? TailId(IdString(v)) : IdString(v);
    } else if (Is(key, "screen_name") || Is(key, "preferredUsername")) {
      a.handle = std::string_view(v.get_string());
    } else if (Is(key, "name") || Is(key, "displayName")) {
      a.name = std::string_view(v.get_string());
    } else if (Is(key, "location")) {
      if (v.type() == od::json_type::string) {
        *location = std::string_view(v.get_string());
      } else if (v.type() == od::json_type::object) {  // activities: {"objectType":"place","displayName":…}
        for (auto f : v.get_object()) {
          od::value x = f.value();
          if (Is(RawKey(f), "displayName") && x.type() == od::json_type::string)
            *location = std::string_view(x.get_string());
        }
      }
    }
  }
  a.key = "@" + a.handle;
}

bool IsNotice(std::string_view key) {
  static constexpr std::string_view kNotices[] = {"delete",        "limit",       "scrub_geo",      "status_withheld",
                                                  "user_withheld", "disconnect",  "warning",        "event",
                                                  "friends",       "friends_str", "direct_message", "control"};
  for (auto n : kNotices) {
    if (key == n) return true;
  }
  return false;
}

std::string StatusIdFromLink(std::string_view link, std::string* screen_name) {
  // http://twitter.com/<user>/statuses/<id>
  std::size_t at = link.find("/status");
  if (at == std::string_view::npos) return {};
  std::size_t slash = link.rfind('/', at == 0 ? 0 : at - 1);
  if (slash != std::string_view::npos) *screen_name = std::string(link.substr(slash + 1, at - slash - 1));
  std::size_t id_start = link.find('/', at + 1);
  if (id_start == std::string_view::npos) return {};
  return std::string(link.substr(id_start + 1));
}

}  // namespace

void ParseV1Status(od::object obj, V1Status& s, int depth) {
  for (auto field : obj) {
    std::string_view key = RawKey(field);
    od::value v = field.value();
    if (v.type() == od::json_type::null) continue;
    if (Is(key, "id_str")) {
      s.id = std::string_view(v.get_string());
    } else if (Is(key, "id")) {
      s.id_number = TailId(IdString(v));
    } else if (Is(key, "created_at")) {
      s.created_at = std::string_view(v.get_string());
    } else if (Is(key, "postedTime")) {
      s.created_at = std::string_view(v.get_string());
      s.iso_time = true;
    } else if (Is(key, "text") || Is(key, "body")) {
      s.text = std::string_view(v.get_string());
      s.has_text = true;
    } else if (Is(key, "full_text")) {
      s.full_text = std::string_view(v.get_string());
      s.has_text = true;
    } else if (Is(key, "extended_tweet") || Is(key, "long_object")) {
      for (auto f : v.get_object()) {
        std::string_view k = RawKey(f);
        if (Is(k, "full_text") || Is(k, "body")) {
          s.extended_full_text = std::string_view(f.value().get_string());
        } else if (Is(k, "entities") || Is(k, "twitter_entities")) {
          ParseEntities(f.value().get_object(), s.extended_entities);
          s.has_extended = true;
        }
      }
    } else if (Is(key, "lang") || Is(key, "twitter_lang")) {
      s.lang = std::string_view(v.get_string());
    } else if (Is(key, "user") || Is(key, "actor")) {
      ParseUser(v.get_object(), s.user, Is(key, "actor"), &s.user_location);
      s.has_user = true;
    } else if (Is(key, "coordinates")) {
      ParsePoint(v, s.geo, false);
    } else if (Is(key, "geo")) {
      if (!s.geo.has_point) ParsePoint(v, s.geo, true);
    } else if (Is(key, "place") || Is(key, "location")) {
      ParsePlace(v, s.geo);
    } else if (Is(key, "in_reply_to_status_id_str")) {
      s.reply_to_status_id = std::string_view(v.get_string());
    } else if (Is(key, "in_reply_to_status_id")) {
      if (s.reply_to_status_id.empty()) s.reply_to_status_id = IdString(v);
    } else if (Is(key, "in_reply_to_screen_name")) {
      s.reply_to_screen_name = std::string_view(v.get_string());
    } else if (Is(key, "inReplyTo")) {
      for (auto f : v.get_object()) {
        if (Is(RawKey(f), "link"))
          s.reply_to_status_id = StatusIdFromLink(f.value().get_string(), &s.reply_to_screen_name);
      }
    } else if (Is(key, "quoted_status_id_str")) {
      s.quoted_status_id = std::string_view(v.get_string());
    } else if (Is(key, "entities") || Is(key, "twitter_entities")) {
      ParseEntities(v.get_object(), s.entities);
    } else if (Is(key, "retweeted_status") || Is(key, "quoted_status") || Is(key, "twitter_quoted_status") ||
               Is(key, "object")) {
      if (depth > 4 || v.type() != od::json_type::object) continue;
      auto nested = std::make_unique<V1Status>();
      ParseV1Status(v.get_object(), *nested, depth + 1);
      if (Is(key, "retweeted_status"))
        s.retweeted = std::move(nested);
      else if (Is(key, "object"))
        s.object = std::move(nested);
      else
        s.quoted = std::move(nested);
    } else if (Is(key, "verb")) {
      s.verb = std::string_view(v.get_string());
    } else if (Is(key, "statuses") && depth == 0) {
      s.has_statuses = true;
      for (auto elem : v.get_array()) {
        auto st = std::make_unique<V1Status>();
        od::value ev = elem.value();
        st->start = std::string_view(ev.raw_json_token()).data();
        ParseV1Status(ev.get_object(), *st, depth + 1);
        s.statuses.push_back(std::move(st));
      }
    } else if (depth == 0 && IsNotice(key)) {
      s.notice = std::string(key);
    }
  }
  if (s.id.empty()) s.id = s.id_number;
  if (s.verb == "share" && s.object) s.retweeted = std::move(s.object);
}

namespace {
bool Fail(RecordProblem* problem, std::string reason, std::string message) {
  problem->reason = std::move(reason);
  problem->message = std::move(message);
  return false;
}
std::string RefKey(const std::string& id) { return id.empty() ? std::string() : "twitter:" + id; }
}  // namespace

bool BuildV1Item(const V1Status& s, ItemRecord& item, RecordProblem* problem) {
  if (s.id.empty()) return Fail(problem, "missing-field", "field \"id_str\" is missing");
  if (!s.has_text) return Fail(problem, "missing-field", "status " + s.id + ": field \"text\" is missing");
  if (s.created_at.empty())
    return Fail(problem, "missing-field", "status " + s.id + ": field \"created_at\" is missing");
  auto time = s.iso_time ? ParseIso8601(s.created_at) : ParseTwitterDate(s.created_at);
  if (!time) {
    return Fail(problem, "bad-timestamp",
                "status " + s.id + ": field \"created_at\" has \"" + s.created_at + "\", expected " +
                    (s.iso_time ? "ISO 8601" : "\"Wed Oct 10 20:19:24 +0000 2018\""));
  }
  if (!s.has_user) return Fail(problem, "missing-field", "status " + s.id + ": field \"user\" is missing");
  if (s.user.handle.empty()) {
    return Fail(problem, "missing-field", "status " + s.id + ": field \"user.screen_name\" is missing");
  }
  item.key = "twitter:" + s.id;
  item.platform = "twitter";
  item.channel = Channel::kSocial;
  item.author = s.user;
  item.time = *time;
  item.text = !s.extended_full_text.empty() ? s.extended_full_text : !s.full_text.empty() ? s.full_text : s.text;
  DecodeTwitterEntities(item.text);
  item.lang = s.lang;
  item.geo = s.geo;
  item.author_location = s.user_location;
  item.url = "https://twitter.com/" + s.user.handle + "/status/" + s.id;
  const Entities& e = s.has_extended ? s.extended_entities : s.entities;
  item.links = e.links;
  item.hashtags = e.hashtags;
  item.mentions = e.mentions;
  if (s.retweeted) {
    item.kind = ItemKind::kRetweet;
    item.refs.push_back(ItemRef{Layer::kRetweet, RefKey(s.retweeted->id), s.retweeted->user.handle});
    return true;  // a retweet of a quote: the quote ref belongs to the retweeted status
  }
  std::string quoted_id = s.quoted ? s.quoted->id : s.quoted_status_id;
  if (!quoted_id.empty()) {
    item.kind = ItemKind::kQuote;
    item.refs.push_back(ItemRef{Layer::kQuote, RefKey(quoted_id), s.quoted ? s.quoted->user.handle : ""});
  }
  if (!s.reply_to_status_id.empty()) {
    if (quoted_id.empty()) item.kind = ItemKind::kReply;
    item.refs.push_back(ItemRef{Layer::kReply, RefKey(s.reply_to_status_id), s.reply_to_screen_name});
  }
  return true;
}

void AddV1Expansions(const V1Status& s, ParsedRecord& record, std::unordered_set<std::string>& seen) {
  for (const V1Status* nested : {s.retweeted.get(), s.quoted.get()}) {
    if (!nested || nested->id.empty() || !seen.insert(nested->id).second) continue;
    ItemRecord item;
    RecordProblem ignored;
    // An expansion that cannot be built only loses enrichment: the record's ref still names it.
    if (!BuildV1Item(*nested, item, &ignored)) continue;
    item.expansion = true;
    record.items.push_back(std::move(item));
    AddV1Expansions(*nested, record, seen);
  }
}

namespace {

void EmitStatus(const V1Status& s, const InputPos& pos, std::string_view raw, std::vector<RecordOutcome>& out) {
  if (!s.notice.empty() && !s.has_text) {
    out.push_back(MakeDiagnostic(pos, "not-a-tweet", "stream notice \"" + s.notice + "\", not a status", raw));
    return;
  }
  ParsedRecord record;
  record.pos = pos;
  record.items.emplace_back();
  RecordProblem problem;
  if (!BuildV1Item(s, record.items[0], &problem)) {
    if (!s.has_text && !s.has_user && s.created_at.empty()) {
      problem = {"not-a-tweet", "no status fields (id_str, text, user, created_at)"};
    }
    out.push_back(MakeDiagnostic(pos, problem.reason, std::move(problem.message), raw));
    return;
  }
  std::unordered_set<std::string> seen{s.id};
  AddV1Expansions(s, record, seen);
  out.push_back(std::move(record));
}

void ParseV1Value(std::string_view text, const std::string& file, std::uint64_t line, std::vector<RecordOutcome>& out) {
  InputPos pos{file, line, 0};
  std::size_t first_out = out.size();
  try {
    PaddedDocument padded = IterateThreadLocal(text);
    if (padded.doc->type() != od::json_type::object) {
      out.push_back(MakeDiagnostic(pos, "not-a-tweet", "expected a JSON object (a status)", text));
      return;
    }
    V1Status s;
    ParseV1Status(padded.doc->get_object(), s, 0);
    if (padded.doc->current_location().error() == simdjson::SUCCESS) {
      out.push_back(MakeDiagnostic(pos, "invalid-json", "trailing content after the JSON value", text));
      return;
    }
    if (s.has_statuses) {  // a search response: each status is a record
      bool multiline = text.find('\n') != std::string_view::npos;
      for (const auto& st : s.statuses) {
        auto offset = static_cast<std::size_t>(st->start - padded.base);
        InputPos at{file, multiline ? LineAt(text, offset, line) : line, 0};
        std::size_t end = ScanJsonValue(text, offset);
        EmitStatus(*st, at, text.substr(offset, end == std::string_view::npos ? std::string_view::npos : end - offset),
                   out);
      }
      if (s.statuses.empty())
        out.push_back(MakeDiagnostic(pos, "not-a-tweet", "search response without statuses", text));
      return;
    }
    EmitStatus(s, pos, text, out);
  } catch (const simdjson::simdjson_error& e) {
    out.resize(first_out);
    out.push_back(JsonErrorDiagnostic(e.error(), pos, text, "twitter-v1 record"));
  }
}

class TwitterV1Reader final : public Reader {
 public:
  Format format() const override { return Format::kTwitterV1; }
  bool line_oriented() const override { return true; }
  bool line_oriented_for(std::string_view head) const override { return LooksLikeJsonl(head); }

  void ParseLine(std::string_view line, const InputPos& pos, std::vector<RecordOutcome>& out) const override {
    ParseV1Value(line, pos.file, pos.line, out);
  }

  // Whole files: JSONL line by line; arrays (also `var tweets = [ … ];`) element by element, each
  // record at the line where its element starts.
  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    for (const DocumentRecord& rec : SplitDocument(content)) {
      if (rec.truncated) {
        out.push_back(
            JsonErrorDiagnostic(simdjson::TAPE_ERROR, InputPos{path, rec.line, 0}, rec.text, "twitter-v1 record"));
        continue;
      }
      ParseV1Value(rec.text, path, rec.line, out);
    }
  }
};

}  // namespace

std::unique_ptr<Reader> MakeTwitterV1Reader(const ReadOptions&) { return std::make_unique<TwitterV1Reader>(); }

}  // namespace relais::corpora::detail
