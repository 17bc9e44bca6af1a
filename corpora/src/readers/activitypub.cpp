// ActivityPub outboxes (Mastodon's account export, outbox.json): an OrderedCollection whose
// orderedItems are activities. Create{Note} → an original post (a reply with inReplyTo),
// Announce → a boost of `object` (a URI). Keys: "mastodon:<object id>" for notes and
// "mastodon:<activity id>" for boosts, as the REST API's `uri` gives them. A real outbox holds the
// key "orderedItems" twice (first [], then the real array): the last non-empty one is read. The
// author's name and handle come from actor.json beside the outbox when present.
#include <filesystem>

#include "relais/corpora/input.hpp"

#include "detail/html.hpp"
#include "detail/json_util.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {
namespace dom = simdjson::dom;

struct ActorInfo {
  std::string id;
  std::string username;
  std::string name;
};

// "https://host/users/NAME/statuses/1" or "https://host/@NAME/1" → "NAME@host".
std::string HandleFromUri(std::string_view uri) {
  std::string host = HostOf(uri, false);
  if (host.empty()) return {};
  std::size_t p = uri.find("://");
  std::string_view path = uri.substr(p + 3);
  path = path.substr(std::min(path.size(), path.find('/')));
  std::string_view name;
  if (path.rfind("/users/", 0) == 0) {
    name = path.substr(7);
  } else if (path.rfind("/@", 0) == 0) {
    name = path.substr(2);
  } else if (path.rfind("/u/", 0) == 0) {
    name = path.substr(3);
  } else {
    return {};
  }
  name = name.substr(0, name.find_first_of("/?#"));
  if (name.empty()) return {};
  return std::string(name) + "@" + host;
}

// A string, or an object's "id", or an array's first such value.
std::string IdOf(dom::element e) {
  if (e.is_string()) return std::string(e.get_string().value_unsafe());
  if (IsObject(e)) {
    std::string_view id = Str(e, "id");
    if (!id.empty()) return std::string(id);
    return std::string(Str(e, "href"));
  }
  dom::array arr;
  if (!e.get_array().get(arr)) {
    for (dom::element x : arr) {
      std::string s = IdOf(x);
      if (!s.empty()) return s;
    }
  }
  return {};
}

std::string MemberId(dom::element e, std::string_view key) {
  auto m = Member(e, key);
  return m ? IdOf(*m) : std::string();
}

ActorRecord MakeActor(const std::string& actor_uri, const ActorInfo& info) {
  ActorRecord a;
  a.platform = "mastodon";
  a.platform_id = actor_uri;
  std::string host = HostOf(actor_uri, false);
  std::string handle = HandleFromUri(actor_uri);
  if (!info.id.empty() && info.id == actor_uri) {
    if (!info.username.empty()) handle = info.username + "@" + host;
    a.name = info.name;
  }
  if (handle.empty()) handle = actor_uri;
  a.handle = handle;
  a.key = "mastodon:@" + handle;
  return a;
}

ActorInfo ReadActorBeside(const std::string& path) {
  ActorInfo info;
  std::error_code ec;
  std::filesystem::path p = std::filesystem::path(path).parent_path() / "actor.json";
  if (path.empty() || std::filesystem::path(path).filename() == "actor.json" ||
      !std::filesystem::is_regular_file(p, ec))
    return info;
  try {
    std::string text = ReadAll(p);
    dom::parser parser;
    dom::element doc;
    if (parser.parse(text).get(doc) || !IsObject(doc)) return info;
    info.id = std::string(Str(doc, "id"));
    info.username = std::string(Str(doc, "preferredUsername"));
    info.name = std::string(Str(doc, "name"));
  } catch (const Error&) {
    // An unreadable actor.json only costs the display name.
  }
  return info;
}

struct Failure {
  std::string reason;
  std::string message;
};

bool IsPostType(std::string_view t) {
  return t == "Note" || t == "Article" || t == "Page" || t == "Question" || t == "Video" || t == "Image" ||
         t == "Event" || t == "Audio";
}

std::optional<Failure> ConvertNote(dom::element note, dom::element activity, const ActorInfo& info, ItemRecord& item) {
  std::string id(Str(note, "id"));
  if (id.empty()) return Failure{"missing-field", "object has no \"id\""};
  std::string actor = MemberId(note, "attributedTo");
  if (actor.empty()) actor = MemberId(activity, "actor");
  if (actor.empty()) return Failure{"missing-field", "object has no \"attributedTo\" nor activity \"actor\""};
  std::string_view published = Str(note, "published");
  if (published.empty()) published = Str(activity, "published");
  if (published.empty()) return Failure{"missing-field", "object has no \"published\""};
  auto time = ParseIso8601(published);
  if (!time) return Failure{"bad-timestamp", "\"published\" has \"" + std::string(published) + "\", expected ISO 8601"};

  item.key = "mastodon:" + id;
  item.platform = "mastodon";
  item.channel = Channel::kSocial;
  item.kind = ItemKind::kOriginal;
  item.time = *time;
  item.author = MakeActor(actor, info);
  item.url = MemberId(note, "url");
  const std::string host = HostOf(actor, false);

  std::string_view html = Str(note, "content");
  if (auto cmap = Obj(note, "contentMap")) {
    for (auto field : *cmap) {
      if (item.lang.empty()) item.lang = std::string(field.key);
      if (html.empty() && field.value.is_string()) html = field.value.get_string().value_unsafe();
    }
  }
  std::vector<HtmlLink> html_links;
  item.text = HtmlToText(html, &html_links, {"quote-inline"});
  std::string_view summary = Str(note, "summary");
  if (!summary.empty()) item.text = std::string(summary) + (item.text.empty() ? "" : "\n\n") + item.text;

  std::vector<std::string> not_links;
  if (auto tags = Arr(note, "tag")) {
    for (dom::element t : *tags) {
      std::string_view type = Str(t, "type"), name = Str(t, "name");
      not_links.emplace_back(Str(t, "href"));
      if (type == "Mention" && !name.empty()) {
        std::string m(name.substr(name[0] == '@' ? 1 : 0));
        if (m.find('@') == std::string::npos) {
          std::string h = HandleFromUri(Str(t, "href"));
          m = h.empty() ? m + "@" + host : h;
        }
        item.mentions.push_back(m);
      } else if (type == "Hashtag" && !name.empty()) {
        item.hashtags.emplace_back(name.substr(name[0] == '#' ? 1 : 0));
      }
    }
  }
  for (const auto& l : html_links) {
    if (l.cls.find("mention") != std::string::npos || l.cls.find("hashtag") != std::string::npos ||
        l.rel.find("tag") != std::string::npos)
      continue;
    if (l.href.rfind("http://", 0) != 0 && l.href.rfind("https://", 0) != 0) continue;
    if (std::find(not_links.begin(), not_links.end(), l.href) != not_links.end()) continue;
    if (std::find(item.links.begin(), item.links.end(), l.href) != item.links.end()) continue;
    item.links.push_back(l.href);
  }
  // Quotes (FEP-e232 / Misskey / Mastodon 4.4 extensions).
  for (std::string_view key : {"quote", "quoteUri", "quoteUrl", "_misskey_quote"}) {
    std::string q = MemberId(note, key);
    if (q.empty()) continue;
    item.refs.push_back(ItemRef{Layer::kQuote, "mastodon:" + q, HandleFromUri(q)});
    item.kind = ItemKind::kQuote;
    break;
  }
  std::string reply_to = MemberId(note, "inReplyTo");
  if (!reply_to.empty()) {
    item.refs.push_back(ItemRef{Layer::kReply, "mastodon:" + reply_to, HandleFromUri(reply_to)});
    if (item.kind == ItemKind::kOriginal) item.kind = ItemKind::kReply;
  }
  return std::nullopt;
}

class ActivityPubReader final : public Reader {
 public:
  Format format() const override { return Format::kActivityPub; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    ActorInfo info = ReadActorBeside(path);
    ParseJsonDocument(content, path, out, [&](const std::vector<JsonChunk>& records) {
      for (const auto& record : records) {
        ForEachContainedRecord(record, {"orderedItems", "items"}, out,
                               [&](const JsonChunk& activity) { HandleActivity(activity, info, out); });
      }
    });
  }

 private:
  static void HandleActivity(const JsonChunk& chunk, const ActorInfo& info, std::vector<RecordOutcome>& out) {
    auto doc = ParseJsonChunk(ThreadParser(), chunk, out);
    if (!doc) return;
    auto fail = [&](const Failure& f) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, chunk.pos, f.reason, f.message, chunk.text));
    };
    if (!IsObject(*doc)) {
      fail({"not-a-post",
            doc->is_string() ? "collection item is a bare URI, not an activity" : "item is not an object"});
      return;
    }
    std::string_view type = Str(*doc, "type");
    ItemRecord item;
    if (type == "Create" || type == "Update") {
      auto object = Member(*doc, "object");
      if (!object || !IsObject(*object)) {
        fail({"not-a-post", std::string(type) + " activity has no embedded object"});
        return;
      }
      std::string_view otype = Str(*object, "type");
      if (!IsPostType(otype)) {
        fail({"not-a-post", std::string(type) + " of a \"" + std::string(otype) + "\", not a post"});
        return;
      }
      if (auto f = ConvertNote(*object, *doc, info, item)) {
        fail(*f);
        return;
      }
    } else if (IsPostType(type)) {
      if (auto f = ConvertNote(*doc, *doc, info, item)) {
        fail(*f);
        return;
      }
    } else if (type == "Announce") {
      std::string id(Str(*doc, "id"));
      std::string object = MemberId(*doc, "object");
      std::string actor = MemberId(*doc, "actor");
      std::string_view published = Str(*doc, "published");
      if (id.empty()) return fail({"missing-field", "Announce has no \"id\""});
      if (object.empty()) return fail({"missing-field", "Announce has no \"object\""});
      if (actor.empty()) return fail({"missing-field", "Announce has no \"actor\""});
      if (published.empty()) return fail({"missing-field", "Announce has no \"published\""});
      auto time = ParseIso8601(published);
      if (!time)
        return fail({"bad-timestamp", "\"published\" has \"" + std::string(published) + "\", expected ISO 8601"});
      item.key = "mastodon:" + id;
      item.platform = "mastodon";
      item.kind = ItemKind::kRetweet;
      item.time = *time;
      item.author = MakeActor(actor, info);
      item.refs.push_back(ItemRef{Layer::kRetweet, "mastodon:" + object, HandleFromUri(object)});
    } else {
      fail({"not-a-post", "activity of type \"" + std::string(type) + "\" is not a post"});
      return;
    }
    std::vector<ItemRecord> items;
    items.push_back(std::move(item));
    out.push_back(ParsedRecord{std::move(items), chunk.pos});
  }
};

}  // namespace

std::unique_ptr<Reader> MakeActivityPubReader(const ReadOptions&) { return std::make_unique<ActivityPubReader>(); }

}  // namespace relais::corpora::detail
