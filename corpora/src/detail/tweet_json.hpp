// Shared plumbing for the Twitter readers: thread-local simdjson parsers over padded buffers, a
// string-aware JSON value scanner (record boundaries in arrays, truncation), diagnostics with
// excerpts, and the small field helpers every tweet format needs.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <simdjson.h>

#include "relais/corpora/record.hpp"

namespace relais::corpora::detail {

namespace od = simdjson::ondemand;

/// A document over a thread-local padded copy of some JSON, and where that copy starts (to map
/// positions back to offsets).
struct PaddedDocument {
  od::document* doc;
  const char* base;
};

/// Parses `json` with a thread-local parser over a thread-local padded copy; `slot` picks one of a
/// few independent pairs so a record can be re-parsed while an outer document is still open. Valid
/// until the next call with the same slot on this thread. Throws simdjson_error on a stage-1 error.
PaddedDocument IterateThreadLocal(std::string_view json, int slot = 0);

/// True when `s` is valid UTF-8; *bad_offset gets the offset of the first invalid byte.
bool ValidUtf8(std::string_view s, std::size_t* bad_offset = nullptr);

/// The first ~max bytes of a record, cut on a character boundary, invalid bytes shown as \xNN.
std::string Excerpt(std::string_view record, std::size_t max = 200);

/// A diagnostic for `record` at `pos` (kind from the reason: invalid-utf8 → kEncoding, missing-field and
/// not-a-tweet → kSchema, else kParse).
Diagnostic MakeDiagnostic(const InputPos& pos, std::string_view reason, std::string message, std::string_view record);

/// Maps a simdjson failure on `record` to a diagnostic: invalid-utf8 (with the byte offset), truncated
/// (the value never closes) or invalid-json. `context` names what was being read.
Diagnostic JsonErrorDiagnostic(simdjson::error_code error, const InputPos& pos, std::string_view record,
                               std::string_view context);

/// Scans one JSON value starting at `start` (whitespace skipped), honouring strings and escapes.
/// Returns the offset just past the value, or npos when the text ends before the value closes.
/// Only brackets and strings are checked: the parser validates the rest.
std::size_t ScanJsonValue(std::string_view s, std::size_t start);

/// One top-level record of a document: its bytes and 1-based line of its first byte.
struct DocumentRecord {
  std::string_view text;
  std::uint64_t line = 0;
  bool truncated = false;  // the document ended inside this value
};

/// Splits a JSON document into records: an optional JS prefix (`var x =`, `window.YTD.x.part0 =`) is
/// skipped; a top-level array gives its elements; otherwise consecutive top-level values (JSONL or
/// pretty-printed objects). Text between values that is not JSON (e.g. a trailing `;`) is ignored only
/// when it is punctuation; anything else becomes a record of its own (so the parser reports it).
std::vector<DocumentRecord> SplitDocument(std::string_view content);

/// True when a file starting with `head` is JSONL: its first value is an object that closes on its
/// first line (or the head holds no line break at all). False for arrays, JS prefixes and
/// pretty-printed objects.
bool LooksLikeJsonl(std::string_view head);

/// Line number of byte `offset` given the line of byte 0.
std::uint64_t LineAt(std::string_view text, std::size_t offset, std::uint64_t first_line);

/// ISO 8601 time as the v2 API writes it: "YYYY-MM-DDTHH:MM:SS.mmmZ" (or without the millis) read
/// with a fixed-format path; anything else (offsets, other separators, leap seconds…) goes to
/// ParseIso8601, so the result is always ParseIso8601's.
std::optional<TimeMs> ParseApiTime(std::string_view s);

/// Decodes the HTML entities Twitter writes in tweet text (&amp; &lt; &gt;) in place.
void DecodeTwitterEntities(std::string& text);

/// The raw key of an object field (no unescaping: keys we look for never contain escapes). Finds the
/// closing quote eight bytes at a time (the parser's buffers are padded, so reading past the key is
/// safe). An escaped quote ends the view early on a backslash, so an escaped key never equals one
/// of the plain names we look for.
template <typename Field>
inline __attribute__((always_inline)) std::string_view RawKey(Field& field) {
  od::raw_json_string key = field.key();
  const char* p = key.raw();
  for (std::size_t off = 0;; off += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + off, 8);
    std::uint64_t x = w ^ 0x2222222222222222ull;  // '"' bytes become zero
    std::uint64_t zero = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
    if (zero) return {p, off + (static_cast<std::size_t>(__builtin_ctzll(zero)) >> 3)};
  }
}

/// `key == literal` with the literal's length known at compile time (inlined compare).
template <std::size_t N>
inline bool Is(std::string_view key, const char (&literal)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

/// String value, or the digits of a number (ids are strings in some formats, numbers in others).
std::string IdString(od::value value);

/// Appends `s` to `v` unless empty.
inline void PushNonEmpty(std::vector<std::string>& v, std::string_view s) {
  if (!s.empty()) v.emplace_back(s);
}

/// True when the value is JSON null (consumes nothing otherwise).
inline bool IsNull(od::value& v) { return v.is_null(); }

/// Thrown by the record parsers for a record that is readable JSON but not a usable tweet.
struct RecordProblem {
  std::string reason;   // "missing-field" | "bad-timestamp" | "not-a-tweet"
  std::string message;  // names the field and the bad value
};

// ---- v1.1 statuses, shared by the v1 and archive readers (implemented in readers/twitter_v1.cpp) ----

struct Entities {
  std::vector<std::string> links, hashtags, mentions;
};

/// A v1.1 status (or Gnip activity, or archive tweet) as read, before it becomes an ItemRecord.
struct V1Status {
  std::string id, id_number;  // id_str, and the numeric id as fallback
  std::string created_at;     // Twitter format, or ISO 8601 for activities
  bool iso_time = false;
  std::string text, full_text, extended_full_text;
  bool has_text = false;
  std::string lang;
  ActorRecord user;
  std::string user_location;  // user.location (v1.1) / actor.location.displayName (activities)
  bool has_user = false;
  ItemGeo geo;  // coordinates / geo, place (v1.1); geo, location (activities)
  std::string reply_to_status_id, reply_to_screen_name;
  std::string quoted_status_id;
  Entities entities, extended_entities;
  bool has_extended = false;
  std::unique_ptr<V1Status> retweeted, quoted, object;
  std::string verb;                                 // activities: post | share
  std::string notice;                               // stream notices: delete, limit, …
  std::vector<std::unique_ptr<V1Status>> statuses;  // search responses
  bool has_statuses = false;
  const char* start = nullptr;  // where a search response's status starts (in the padded copy)
};

/// Reads a status object (v1.1, Gnip activity or archive tweet); depth limits nested statuses.
void ParseV1Status(od::object obj, V1Status& s, int depth);

/// The item of `s`; false with *problem set when a required field is missing or bad.
bool BuildV1Item(const V1Status& s, ItemRecord& item, RecordProblem* problem);

/// Appends the retweeted and quoted statuses of `s` (and theirs) as expansions, each id once.
void AddV1Expansions(const V1Status& s, ParsedRecord& record, std::unordered_set<std::string>& seen);

}  // namespace relais::corpora::detail
