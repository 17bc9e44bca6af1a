// JSON helpers for the document readers.
#include "detail/json_util.hpp"

#include <cstring>

#include "relais/corpora/input.hpp"

#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace dom = simdjson::dom;

std::size_t SkipJsonWs(std::string_view s, std::size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) ++pos;
  return pos;
}

namespace {
// The closing quote of the string opening at s[open] == '"', or npos when the text ends first: memchr
// to each '"', kept when an even number of backslashes precede it (strings dominate JSON bytes).
std::size_t ClosingQuote(std::string_view s, std::size_t open) {
  std::size_t j = open + 1;
  while (j < s.size()) {
    const void* q = std::memchr(s.data() + j, '"', s.size() - j);
    if (!q) return std::string_view::npos;
    const std::size_t k = static_cast<std::size_t>(static_cast<const char*>(q) - s.data());
    std::size_t backslashes = 0;
    while (k - backslashes > open + 1 && s[k - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return k;
    j = k + 1;
  }
  return std::string_view::npos;
}
}  // namespace

std::optional<std::size_t> JsonValueEnd(std::string_view s, std::size_t pos, std::size_t* error_at) {
  auto fail = [&](std::size_t at) -> std::optional<std::size_t> {
    if (error_at) *error_at = at;
    return std::nullopt;
  };
  if (pos >= s.size()) return fail(pos);
  char c = s[pos];
  if (c == '"') {
    std::size_t close = ClosingQuote(s, pos);
    return close == std::string_view::npos ? fail(pos) : std::optional<std::size_t>(close + 1);
  }
  if (c == '{' || c == '[') {
    std::string stack;
    for (std::size_t i = pos; i < s.size(); ++i) {
      char ch = s[i];
      if (ch == '"') {
        std::size_t j = ClosingQuote(s, i);
        if (j == std::string_view::npos) return fail(i);
        i = j;
      } else if (ch == '{' || ch == '[') {
        stack += ch;
      } else if (ch == '}' || ch == ']') {
        if (stack.empty() || (ch == '}' ? '{' : '[') != stack.back()) return fail(i);
        stack.pop_back();
        if (stack.empty()) return i + 1;
      }
    }
    return fail(s.size());
  }
  if (c == ',' || c == ']' || c == '}' || c == ':') return fail(pos);
  std::size_t i = pos;
  while (i < s.size() && s[i] != ',' && s[i] != ']' && s[i] != '}' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
         s[i] != '\r')
    ++i;
  return i;
}

bool SplitJsonArray(std::string_view s, std::size_t pos, std::vector<JsonSpan>& out, std::size_t* error_at) {
  std::size_t i = SkipJsonWs(s, pos + 1);
  if (i < s.size() && s[i] == ']') return true;
  while (true) {
    auto end = JsonValueEnd(s, i, error_at);
    if (!end) return false;
    out.push_back(JsonSpan{i, *end});
    i = SkipJsonWs(s, *end);
    if (i < s.size() && s[i] == ']') return true;
    if (i >= s.size() || s[i] != ',') {
      *error_at = i;
      return false;
    }
    i = SkipJsonWs(s, i + 1);
  }
}

bool SplitJsonObject(std::string_view s, std::size_t pos, std::vector<JsonMember>& out, std::size_t* error_at) {
  std::size_t i = SkipJsonWs(s, pos + 1);
  if (i < s.size() && s[i] == '}') return true;
  while (true) {
    if (i >= s.size() || s[i] != '"') {
      *error_at = i;
      return false;
    }
    auto key_end = JsonValueEnd(s, i, error_at);
    if (!key_end) return false;
    std::string_view key = s.substr(i + 1, *key_end - i - 2);
    i = SkipJsonWs(s, *key_end);
    if (i >= s.size() || s[i] != ':') {
      *error_at = i;
      return false;
    }
    i = SkipJsonWs(s, i + 1);
    auto end = JsonValueEnd(s, i, error_at);
    if (!end) return false;
    out.push_back(JsonMember{key, JsonSpan{i, *end}});
    i = SkipJsonWs(s, *end);
    if (i < s.size() && s[i] == '}') return true;
    if (i >= s.size() || s[i] != ',') {
      *error_at = i;
      return false;
    }
    i = SkipJsonWs(s, i + 1);
  }
}

namespace {

void AddStructureError(std::string_view content, const InputPos& pos, std::string message,
                       std::vector<RecordOutcome>& out, std::size_t at) {
  out.push_back(MakeDiagnostic(ErrorKind::kParse, pos, "invalid-json", std::move(message),
                               content.substr(std::min(at, content.size()))));
}

bool IsBlank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

}  // namespace

InputPos PosInChunk(const JsonChunk& chunk, std::size_t offset) {
  InputPos pos = chunk.pos;
  std::size_t line_start = 0;
  bool moved = false;
  for (std::size_t i = 0; i < offset && i < chunk.text.size(); ++i) {
    if (chunk.text[i] == '\n') {
      ++pos.line;
      line_start = i + 1;
      moved = true;
    }
  }
  pos.column = moved ? static_cast<std::uint32_t>(offset - line_start + 1)
                     : static_cast<std::uint32_t>(chunk.pos.column + offset);
  return pos;
}

void SplitJsonRecords(std::string_view content, const std::string& path, std::vector<JsonChunk>& chunks,
                      std::vector<RecordOutcome>& diagnostics) {
  std::size_t start = 0;
  if (content.substr(0, 3) == "\xEF\xBB\xBF") start = 3;
  start = SkipJsonWs(content, start);
  if (start >= content.size()) return;
  LineCounter lines(content);
  if (content[start] == '[') {
    std::vector<JsonSpan> spans;
    std::size_t error_at = 0;
    bool ok = SplitJsonArray(content, start, spans, &error_at);
    for (const auto& sp : spans)
      chunks.push_back(JsonChunk{content.substr(sp.begin, sp.end - sp.begin), lines.At(sp.begin, path)});
    if (!ok) {
      AddStructureError(content, lines.At(error_at, path),
                        "top-level array is cut or malformed here (expected a value, ',' or ']')", diagnostics,
                        error_at);
      return;
    }
    return;
  }
  // One value spanning the file, or JSONL. A cut or malformed single document is still handed
  // over whole: the readers salvage the complete elements of its containers.
  auto line_holds_value = [&](std::size_t from) {
    std::size_t nl = content.find('\n', from);
    auto e = JsonValueEnd(content, from);
    return e && (nl == std::string_view::npos || *e <= nl);
  };
  std::size_t first_nl = content.find('\n', start);
  std::size_t second = first_nl == std::string_view::npos ? content.size() : SkipJsonWs(content, first_nl);
  auto end = JsonValueEnd(content, start);
  bool jsonl = false;
  if (end) {
    std::size_t rest = SkipJsonWs(content, *end);
    if (rest < content.size()) {
      if (first_nl != std::string_view::npos && *end <= first_nl) {
        jsonl = true;
      } else {
        chunks.push_back(JsonChunk{content.substr(start, *end - start), lines.At(start, path)});
        AddStructureError(content, lines.At(rest, path), "unexpected data after the JSON value", diagnostics, rest);
        return;
      }
    }
  } else if (second < content.size()) {
    std::string_view first_line = Trim(content.substr(start, first_nl - start));
    char last = first_line.empty() ? '\0' : first_line.back();
    bool opens_document = last == '[' || last == '{' || last == ',' || last == ':';
    jsonl = line_holds_value(start) || (!opens_document && content[second] == '{' && line_holds_value(second));
  }
  if (!jsonl) {
    std::size_t stop = end ? *end : content.size();
    chunks.push_back(JsonChunk{content.substr(start, stop - start), lines.At(start, path)});
    return;
  }
  // JSONL: each non-blank line is a record.
  std::uint64_t line_no = 0;
  std::size_t ls = 0;
  while (ls < content.size()) {
    std::size_t le = content.find('\n', ls);
    if (le == std::string_view::npos) le = content.size();
    ++line_no;
    std::string_view line = content.substr(ls, le - ls);
    if (line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!IsBlank(line)) chunks.push_back(JsonChunk{line, InputPos{path, line_no, 1}});
    ls = le + 1;
  }
}

bool FindMemberArray(const JsonChunk& chunk, std::string_view key, std::vector<JsonChunk>& out,
                     std::vector<RecordOutcome>& diagnostics) {
  std::string_view s = chunk.text;
  std::size_t i = SkipJsonWs(s, 0);
  if (i >= s.size() || s[i] != '{') return false;
  // Walk the members up to the end or to where the object is cut; keep the last non-empty array
  // named `key` (outboxes repeat "orderedItems").
  std::optional<std::size_t> chosen;
  i = SkipJsonWs(s, i + 1);
  while (i < s.size() && s[i] == '"') {
    auto key_end = JsonValueEnd(s, i);
    if (!key_end) break;
    std::string_view k = s.substr(i + 1, *key_end - i - 2);
    i = SkipJsonWs(s, *key_end);
    if (i >= s.size() || s[i] != ':') break;
    i = SkipJsonWs(s, i + 1);
    if (i >= s.size()) break;
    if (k == key && s[i] == '[') {
      std::size_t first = SkipJsonWs(s, i + 1);
      bool empty = first < s.size() && s[first] == ']';
      if (!chosen || !empty) chosen = i;
    }
    auto end = JsonValueEnd(s, i);
    if (!end) break;
    i = SkipJsonWs(s, *end);
    if (i >= s.size() || s[i] != ',') break;
    i = SkipJsonWs(s, i + 1);
  }
  if (!chosen) return false;
  std::vector<JsonSpan> spans;
  std::size_t error_at = 0;
  bool ok = SplitJsonArray(s, *chosen, spans, &error_at);
  // Positions advance incrementally: outboxes are one multi-megabyte line.
  InputPos pos = chunk.pos;
  std::size_t scanned = 0, line_start = 0;
  bool moved = false;
  auto pos_at = [&](std::size_t offset) {
    for (; scanned < offset; ++scanned) {
      if (s[scanned] == '\n') {
        ++pos.line;
        line_start = scanned + 1;
        moved = true;
      }
    }
    InputPos p = pos;
    p.column = moved ? static_cast<std::uint32_t>(offset - line_start + 1)
                     : static_cast<std::uint32_t>(chunk.pos.column + offset);
    return p;
  };
  for (const auto& sp : spans) out.push_back(JsonChunk{s.substr(sp.begin, sp.end - sp.begin), pos_at(sp.begin)});
  if (!ok) AddStructureError(s, PosInChunk(chunk, error_at), "array is malformed here", diagnostics, error_at);
  return true;
}

std::optional<dom::element> ParseJsonChunk(dom::parser& parser, const JsonChunk& chunk,
                                           std::vector<RecordOutcome>& out) {
  std::size_t bad = 0;
  if (!IsValidUtf8(chunk.text, &bad)) {
    out.push_back(MakeDiagnostic(ErrorKind::kEncoding, PosInChunk(chunk, bad), "invalid-utf8",
                                 "invalid UTF-8 byte at offset " + std::to_string(bad) + " of the record", chunk.text));
    return std::nullopt;
  }
  dom::element doc;
  auto err = parser.parse(chunk.text.data(), chunk.text.size(), true).get(doc);
  if (err) {
    out.push_back(MakeDiagnostic(ErrorKind::kParse, chunk.pos, "invalid-json",
                                 std::string("record is not valid JSON: ") + simdjson::error_message(err), chunk.text));
    return std::nullopt;
  }
  return doc;
}

dom::parser& ThreadParser() {
  thread_local dom::parser parser;
  return parser;
}

std::string_view Str(dom::element e, std::string_view key) {
  std::string_view v;
  if (e.at_key(key).get_string().get(v)) return {};
  return v;
}

std::optional<dom::element> Member(dom::element e, std::string_view key) {
  dom::element v;
  if (e.at_key(key).get(v)) return std::nullopt;
  if (v.is_null()) return std::nullopt;
  return v;
}

std::optional<dom::object> Obj(dom::element e, std::string_view key) {
  dom::object v;
  if (e.at_key(key).get_object().get(v)) return std::nullopt;
  return v;
}

std::optional<dom::array> Arr(dom::element e, std::string_view key) {
  dom::array v;
  if (e.at_key(key).get_array().get(v)) return std::nullopt;
  return v;
}

bool IsObject(dom::element e) { return e.type() == dom::element_type::OBJECT; }

bool HasKey(dom::element e, std::string_view key) {
  if (!IsObject(e)) return false;
  dom::element v;
  return !e.at_key(key).get(v);
}

std::string IdStr(dom::element e, std::string_view key) {
  dom::element v;
  if (e.at_key(key).get(v)) return {};
  switch (v.type()) {
    case dom::element_type::STRING:
      return std::string(v.get_string().value_unsafe());
    case dom::element_type::INT64:
      return std::to_string(v.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return std::to_string(v.get_uint64().value_unsafe());
    default:
      return {};
  }
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

}  // namespace relais::corpora::detail
