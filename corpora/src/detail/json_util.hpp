// JSON helpers for the document readers: a tolerant structural scanner that finds records (array
// elements, JSONL lines, members of a container) with their positions, and simdjson DOM accessors.
//
// Records are located by the scanner and parsed one at a time, so a bad element (invalid UTF-8,
// a syntax error) is quarantined alone while its neighbours are read.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "relais/corpora/record.hpp"

namespace relais::corpora::detail {

/// A JSON value's bytes [begin, end) in a larger text.
struct JsonSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// Offset of the first non-whitespace byte at or after pos.
std::size_t SkipJsonWs(std::string_view s, std::size_t pos);

/// End (one past) of the JSON value starting at s[pos]; nullopt when it is cut or its brackets do
/// not match. Scalars end at the next ',', ']', '}' or whitespace. *error_at gets where it failed.
std::optional<std::size_t> JsonValueEnd(std::string_view s, std::size_t pos, std::size_t* error_at = nullptr);

/// Elements of the array starting at s[pos] == '['. Returns false on a structural error (with
/// *error_at set); the elements found before it are in *out.
bool SplitJsonArray(std::string_view s, std::size_t pos, std::vector<JsonSpan>& out, std::size_t* error_at);

/// A member of a JSON object: its key (raw, without quotes; escapes left as written) and value.
struct JsonMember {
  std::string_view key;
  JsonSpan value;
};

/// Members of the object starting at s[pos] == '{', duplicates kept in order. False on error.
bool SplitJsonObject(std::string_view s, std::size_t pos, std::vector<JsonMember>& out, std::size_t* error_at);

/// One record found in a document, with its position.
struct JsonChunk {
  std::string_view text;
  InputPos pos;
};

/// Splits a JSON document into top-level records: the elements of a top-level array, the single
/// top-level value, or the lines of a JSONL file (when the first line is a complete value and more
/// follows). Structural damage gives an "invalid-json" Diagnostic for the rest of the file.
void SplitJsonRecords(std::string_view content, const std::string& path, std::vector<JsonChunk>& chunks,
                      std::vector<RecordOutcome>& diagnostics);

/// Spans of the elements of member `key` of the object `chunk` (the last non-empty one when the key
/// is repeated, as in Mastodon outboxes), with positions. False when there is no such array member.
bool FindMemberArray(const JsonChunk& chunk, std::string_view key, std::vector<JsonChunk>& out,
                     std::vector<RecordOutcome>& diagnostics);

/// The skeleton of a document reader: splits `content` into its top-level records, hands them all
/// to `handle_records` (which may append outcomes and fix them up afterwards), then appends the
/// document's structural diagnostics, so they follow the records read before the damage.
template <typename HandleRecords>
void ParseJsonDocument(std::string_view content, const std::string& path, std::vector<RecordOutcome>& out,
                       HandleRecords&& handle_records) {
  std::vector<JsonChunk> records;
  std::vector<RecordOutcome> structure_errors;
  SplitJsonRecords(content, path, records, structure_errors);
  handle_records(static_cast<const std::vector<JsonChunk>&>(records));
  for (auto& d : structure_errors) out.push_back(std::move(d));
}

/// Calls `handle` on each element of the first member of `chunk` named in `container_keys` that is
/// an array (a page or export wrapping its records), or on `chunk` itself when it has none.
template <typename Handle>
void ForEachContainedRecord(const JsonChunk& chunk, std::initializer_list<std::string_view> container_keys,
                            std::vector<RecordOutcome>& out, Handle&& handle) {
  std::vector<JsonChunk> contained;
  for (std::string_view key : container_keys) {
    if (FindMemberArray(chunk, key, contained, out)) {
      for (const auto& element : contained) handle(element);
      return;
    }
  }
  handle(chunk);
}

/// Parses a chunk with `parser`: checks UTF-8 first ("invalid-utf8" with the bad byte's position),
/// then JSON ("invalid-json"). On failure appends the Diagnostic and returns nullopt.
std::optional<simdjson::dom::element> ParseJsonChunk(simdjson::dom::parser& parser, const JsonChunk& chunk,
                                                     std::vector<RecordOutcome>& out);

/// The parser for this thread (readers are called from several threads).
simdjson::dom::parser& ThreadParser();

// --- DOM accessors: missing or mistyped members read as empty -------------------------------------
std::string_view Str(simdjson::dom::element e, std::string_view key);
std::optional<simdjson::dom::element> Member(simdjson::dom::element e, std::string_view key);
std::optional<simdjson::dom::object> Obj(simdjson::dom::element e, std::string_view key);
std::optional<simdjson::dom::array> Arr(simdjson::dom::element e, std::string_view key);
bool IsObject(simdjson::dom::element e);
bool HasKey(simdjson::dom::element e, std::string_view key);
/// A string, or a number written as a string ("id": 123 → "123").
std::string IdStr(simdjson::dom::element e, std::string_view key);

/// The position of byte `offset` of `chunk` (counting lines and columns from the chunk's start).
InputPos PosInChunk(const JsonChunk& chunk, std::size_t offset);

/// `s` as a JSON string literal (quotes, backslash, \n \r \t and \u00XX for other control bytes) appended to `out`.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace relais::corpora::detail
