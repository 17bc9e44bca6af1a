// URL canonicalisation (table-driven) so the same article shared many ways gets one key.
#pragma once

#include <string>
#include <string_view>

namespace relais::corpora {

/// Canonical form used as item key and for link matching: "https://host/path?query" with the
/// scheme normalised to https, host lower-cased, `www.`/`m.`/`amp.`/`mobile.` dropped, default
/// ports, AMP paths and `?amp` removed, tracking parameters (utm_*, xtor, fbclid, gclid, at_*…)
/// removed, remaining parameters sorted, fragment and trailing slash dropped, percent-encoding
/// normalised. Returns empty when the input is not an http(s) URL.
std::string CanonicalizeUrl(std::string_view url);

/// Lower-case host without `www.` etc., or empty.
std::string UrlHost(std::string_view url);

/// True for known shorteners (t.co, bit.ly, ow.ly, tinyurl.com, goo.gl, dlvr.it, buff.ly…).
bool IsShortenedUrl(std::string_view url);

/// True for a status URL (twitter.com/x.com …/status/ID, a Mastodon status, a bsky.app post)
/// whose item key can be derived offline; then sets `item_key` (when not null) to that key:
/// "twitter:ID"; "mastodon:https://HOST/users/USER/statuses/ID" for https://HOST/@USER/ID (local
/// accounts only); "bluesky:at://DID/app.bsky.feed.post/RKEY" when the profile is a DID (a
/// handle needs a network lookup: false). `item_key` is left untouched when false.
bool StatusUrlToItemKey(std::string_view url, std::string* item_key);

}  // namespace relais::corpora
