// Canonical records: what every reader produces and the store keeps (see DESIGN.md "core idea").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "relais/base/error.hpp"
#include "relais/base/time.hpp"

namespace relais::corpora {

enum class Channel : std::uint8_t { kSocial, kPress, kPr };
enum class ItemKind : std::uint8_t { kOriginal, kRetweet, kQuote, kReply, kArticle, kRelease };
enum class Layer : std::uint8_t { kRetweet, kQuote, kReply, kMention, kLink, kEmbed, kReuse };
inline constexpr int kNumLayers = 7;

std::string_view ToString(Channel c);   // "social" | "press" | "pr"
std::string_view ToString(ItemKind k);  // "original" | "retweet" | "quote" | "reply" | "article" | "release"
std::string_view ToString(Layer l);     // "retweet" | … | "reuse"
std::optional<Channel> ParseChannel(std::string_view s);
std::optional<ItemKind> ParseItemKind(std::string_view s);
std::optional<Layer> ParseLayer(std::string_view s);

/// An author: an account on a platform, or an outlet / PR source.
struct ActorRecord {
  /// "@handle" for Twitter; "mastodon:@user@instance", "bluesky:@handle.bsky.social" elsewhere;
  /// the outlet's domain (e.g. "varmatin.com") or, lacking one, its name for press/PR.
  std::string key;
  std::string platform;     // "twitter" | "mastodon" | "bluesky" | "press" | "pr"
  std::string handle;       // without '@' (empty for outlets)
  std::string name;         // display name
  std::string platform_id;  // numeric user id, DID, account URL; empty if unknown
};

/// A platform reference from this item to an earlier one it derives from.
struct ItemRef {
  Layer layer;                       // kRetweet, kQuote or kReply
  std::string target_key;            // item key of the earlier item, e.g. "twitter:1346…"
  std::string target_author_handle;  // when known (lets reply/mention flows fall back to the actor)
};

/// Where an item says it was posted, as the platform gives it (docs/geo.md): a geotag (WGS84
/// degrees) and/or a platform place (Twitter's `place`: "Toulon, France", "FR"). Resolved to a
/// département and région at ingest; precise values are never shown for non-public accounts.
struct ItemGeo {
  bool has_point = false;
  double lat = 0, lon = 0;
  std::string place;         // place name ("Toulon, France"), empty if none
  std::string country_code;  // ISO 3166-1 alpha-2 of the place ("FR"), empty if unknown
  bool empty() const { return !has_point && place.empty(); }
};

/// One published item. Readers fill what the format carries; the ingest pipeline finalises
/// `key` for press/PR (canonical URL, or "press:sha256-…" of outlet+time+title) and
/// canonicalises `url` and `links`.
struct ItemRecord {
  std::string key;       // "twitter:123", "mastodon:https://host/users/u/statuses/1", "bluesky:at://…"
  std::string platform;  // "twitter" | "mastodon" | "bluesky" | "press" | "pr"
  Channel channel = Channel::kSocial;
  ItemKind kind = ItemKind::kOriginal;
  ActorRecord author;
  TimeMs time = 0;
  /// A second time the platform recorded (Bluesky's `indexedAt`): used in place of `time` when
  /// `time` is implausible and this one is not (docs/time.md).
  std::optional<TimeMs> platform_time;
  std::string text;                   // plain text (HTML stripped), valid UTF-8, NFC not required
  std::string title;                  // articles/releases
  std::string lang;                   // BCP-47 as given by the platform, or empty
  std::string url;                    // the item's own URL (always for articles/releases when known)
  std::vector<std::string> links;     // URLs the item shares, expanded when the record carries it
  std::vector<std::string> hashtags;  // without '#', as written
  std::vector<std::string> mentions;  // handles without '@'
  std::vector<ItemRef> refs;
  bool expansion = false;  // only seen inside another record (includes, retweeted_status…)
  ItemGeo geo;             // the item's own geotag / place, when the format carries one
  /// The author's free-text profile location as this record gives it ("Marseille 13"), empty if none.
  std::string author_location;
};

/// A record as read: items[0] is the record itself, the rest are expansions it carried.
struct ParsedRecord {
  std::vector<ItemRecord> items;
  InputPos pos;
};

/// What parsing one record gives: the record, or why it was quarantined.
using RecordOutcome = std::variant<ParsedRecord, Diagnostic>;

/// The plausible-time rule (docs/time.md): social posts from 2006-03-21 (Twitter's first post;
/// no post on any platform relais reads is older), press and PR from 1900-01-01, all before
/// 2100-01-01; the Unix epoch itself (0, a common "no date" default) is never plausible.
/// `platform` is the item's platform ("twitter", "press", …).
bool IsPlausibleTime(TimeMs t, std::string_view platform);

/// Applies the rule to every item of a parsed record. An item whose `time` is implausible takes its
/// plausible `platform_time` (a note "time-from-platform" per item); an expansion with no plausible
/// time is dropped (note "expansion-dropped-implausible-time"). Returns a diagnostic with reason
/// "implausible-time" when the record's own item (items[0]) has no plausible time: the record is
/// then quarantined, its file, line and time kept in the quarantine table.
std::optional<Diagnostic> ApplyTimeRule(ParsedRecord& record, std::vector<std::string>& notes);

}  // namespace relais::corpora
