// Bluesky post records shared by several readers (see bluesky_record.hpp).
#include "detail/bluesky_record.hpp"

#include <algorithm>

#include "relais/base/time.hpp"

#include "detail/json_util.hpp"

namespace relais::corpora::detail {
namespace dom = simdjson::dom;

bool IsPostUri(std::string_view uri) {
  return uri.rfind("at://", 0) == 0 && uri.find("/app.bsky.feed.post/") != std::string_view::npos;
}

// "at://did:plc:x/app.bsky.feed.post/rkey" → authority ("did:plc:x") and rkey.
std::string_view UriAuthority(std::string_view uri) {
  if (uri.rfind("at://", 0) != 0) return {};
  std::string_view rest = uri.substr(5);
  return rest.substr(0, rest.find('/'));
}
std::string_view UriRkey(std::string_view uri) {
  std::size_t slash = uri.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : uri.substr(slash + 1);
}

ActorRecord ActorFromUri(std::string_view uri) {
  ActorRecord a;
  a.platform = "bluesky";
  std::string_view auth = UriAuthority(uri);
  if (auth.rfind("did:", 0) == 0) {
    a.platform_id = std::string(auth);
    a.key = "bluesky:" + a.platform_id;
  } else {
    a.handle = std::string(auth);
    a.key = "bluesky:@" + a.handle;
  }
  return a;
}

std::string QuotedUri(dom::element embed) {
  std::string_view type = Str(embed, "$type");
  if (type.rfind("app.bsky.embed.recordWithMedia", 0) == 0) {
    auto rec = Member(embed, "record");
    return rec ? QuotedUri(*rec) : std::string();
  }
  if (type.rfind("app.bsky.embed.record", 0) == 0 || type.empty()) {
    auto rec = Member(embed, "record");
    if (!rec) return {};
    std::string_view uri = Str(*rec, "uri");
    return IsPostUri(uri) ? std::string(uri) : std::string();
  }
  return {};
}

// Fills text, lang, refs, links, mentions and hashtags from a post record.
void FillFromRecord(dom::element record, ItemRecord& item) {
  item.text = std::string(Str(record, "text"));
  if (auto langs = Arr(record, "langs")) {
    for (dom::element l : *langs) {
      if (l.is_string()) {
        item.lang = std::string(l.get_string().value_unsafe());
        break;
      }
    }
  }
  if (auto facets = Arr(record, "facets")) {
    for (dom::element facet : *facets) {
      std::int64_t start = -1, end = -1;
      if (auto index = Member(facet, "index")) {
        if (index->at_key("byteStart").get_int64().get(start)) start = -1;
        if (index->at_key("byteEnd").get_int64().get(end)) end = -1;
      }
      auto features = Arr(facet, "features");
      if (!features) continue;
      for (dom::element f : *features) {
        std::string_view type = Str(f, "$type");
        if (type == "app.bsky.richtext.facet#mention") {
          std::string handle;
          if (start >= 0 && end > start && static_cast<std::size_t>(end) <= item.text.size()) {
            std::string_view written = std::string_view(item.text).substr(static_cast<std::size_t>(start),
                                                                          static_cast<std::size_t>(end - start));
            if (!written.empty() && written[0] == '@') handle = std::string(written.substr(1));
          }
          if (handle.empty()) handle = std::string(Str(f, "did"));
          if (!handle.empty()) item.mentions.push_back(handle);
        } else if (type == "app.bsky.richtext.facet#link") {
          std::string_view uri = Str(f, "uri");
          if (!uri.empty() && std::find(item.links.begin(), item.links.end(), uri) == item.links.end())
            item.links.emplace_back(uri);
        } else if (type == "app.bsky.richtext.facet#tag") {
          std::string_view tag = Str(f, "tag");
          if (!tag.empty()) item.hashtags.emplace_back(tag);
        }
      }
    }
  }
  if (auto embed = Member(record, "embed")) {
    std::string_view type = Str(*embed, "$type");
    auto external = Member(*embed, "external");
    if (!external && type.rfind("app.bsky.embed.recordWithMedia", 0) == 0) {
      if (auto media = Member(*embed, "media")) external = Member(*media, "external");
    }
    if (external) {
      std::string_view uri = Str(*external, "uri");
      if (!uri.empty() && std::find(item.links.begin(), item.links.end(), uri) == item.links.end())
        item.links.emplace_back(uri);
    }
    std::string quoted = QuotedUri(*embed);
    if (!quoted.empty()) {
      item.refs.push_back(ItemRef{Layer::kQuote, "bluesky:" + quoted, ""});
      item.kind = ItemKind::kQuote;
    }
  }
  if (auto reply = Member(record, "reply")) {
    if (auto parent = Member(*reply, "parent")) {
      std::string_view uri = Str(*parent, "uri");
      if (!uri.empty()) {
        item.refs.push_back(ItemRef{Layer::kReply, "bluesky:" + std::string(uri), ""});
        if (item.kind == ItemKind::kOriginal) item.kind = ItemKind::kReply;
      }
    }
  }
}

std::optional<Failure> CheckTime(dom::element record, std::string_view fallback, ItemRecord& item) {
  std::string_view created = Str(record, "createdAt");
  if (created.empty()) created = fallback;
  if (created.empty()) return Failure{"missing-field", "post record has no \"createdAt\""};
  auto t = ParseIso8601(created);
  if (!t) return Failure{"bad-timestamp", "\"createdAt\" has \"" + std::string(created) + "\", expected ISO 8601"};
  item.time = *t;
  // indexedAt (the AppView's time) stands in when createdAt is implausible (docs/time.md).
  if (created != fallback && !fallback.empty()) item.platform_time = ParseIso8601(fallback);
  return std::nullopt;
}

std::string PostUrl(const ActorRecord& author, std::string_view uri) {
  std::string who = author.handle.empty() ? author.platform_id : author.handle;
  if (who.empty()) return {};
  return "https://bsky.app/profile/" + who + "/post/" + std::string(UriRkey(uri));
}

}  // namespace relais::corpora::detail
