// Bluesky post records shared by the readers of views, repository exports (CAR) and Jetstream:
// at:// URIs, authors named by a URI, and the conversion of an app.bsky.feed.post record.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "relais/corpora/record.hpp"

namespace relais::corpora::detail {

struct Failure {
  std::string reason;
  std::string message;
};

/// "at://…/app.bsky.feed.post/…".
bool IsPostUri(std::string_view uri);
/// "at://did:plc:x/app.bsky.feed.post/rkey" → "did:plc:x"; → "rkey".
std::string_view UriAuthority(std::string_view uri);
std::string_view UriRkey(std::string_view uri);
/// The author named by a record URI: "bluesky:<did>" (platform_id = the DID) or "bluesky:@<handle>".
ActorRecord ActorFromUri(std::string_view uri);
/// The post quoted by an embed (app.bsky.embed.record / recordWithMedia), or empty.
std::string QuotedUri(simdjson::dom::element embed);
/// Fills text, lang, refs (reply, quote), links, mentions and hashtags from a post record.
void FillFromRecord(simdjson::dom::element record, ItemRecord& item);
/// Sets item.time from record.createdAt (else `fallback`); a Failure when absent or unreadable.
std::optional<Failure> CheckTime(simdjson::dom::element record, std::string_view fallback, ItemRecord& item);
/// https://bsky.app/profile/<handle or did>/post/<rkey>, empty without either.
std::string PostUrl(const ActorRecord& author, std::string_view uri);

}  // namespace relais::corpora::detail
