// Shared plumbing for the Twitter readers (see tweet_json.hpp).
#include "detail/tweet_json.hpp"

#include <array>
#include <cstring>

namespace relais::corpora::detail {
namespace {

constexpr int kSlots = 3;

struct PaddedSlot {
  od::parser parser;
  std::string buffer;  // capacity >= size + SIMDJSON_PADDING
  od::document doc;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t SkipSpace(std::string_view s, std::size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

}  // namespace

PaddedDocument IterateThreadLocal(std::string_view json, int slot) {
  thread_local std::array<PaddedSlot, kSlots> slots;
  PaddedSlot& s = slots[static_cast<std::size_t>(slot)];
  if (s.buffer.size() < json.size() + simdjson::SIMDJSON_PADDING) {
    s.buffer.resize(json.size() + simdjson::SIMDJSON_PADDING + json.size() / 2);
  }
  std::memcpy(s.buffer.data(), json.data(), json.size());
  std::memset(s.buffer.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
  s.doc = s.parser.iterate(s.buffer.data(), json.size(), s.buffer.size());  // throws on a stage-1 error
  return PaddedDocument{&s.doc, s.buffer.data()};
}

// Length of the valid UTF-8 sequence at p (avail bytes left), 0 when invalid.
std::size_t Utf8SeqLen(const unsigned char* p, std::size_t avail) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (len > avail) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[k] & 0x3F);
  }
  static constexpr std::array<std::uint32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool ValidUtf8(std::string_view s, std::size_t* bad_offset) {
  if (simdjson::validate_utf8(s.data(), s.size())) return true;
  // Slow path only for invalid input: find the first bad byte.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len = Utf8SeqLen(p + i, s.size() - i);
    if (len == 0) break;
    i += len;
  }
  if (bad_offset) *bad_offset = i;
  return false;
}

std::string Excerpt(std::string_view record, std::size_t max) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(std::min(record.size(), max) + 8);
  const auto* p = reinterpret_cast<const unsigned char*>(record.data());
  std::size_t i = 0;
  while (i < record.size() && out.size() < max) {
    std::size_t len = Utf8SeqLen(p + i, record.size() - i);
    if (len == 0) {
      out += "\\x";
      out += kHex[p[i] >> 4];
      out += kHex[p[i] & 0xF];
      ++i;
      continue;
    }
    out.append(record.substr(i, len));
    i += len;
  }
  return out;
}

Diagnostic MakeDiagnostic(const InputPos& pos, std::string_view reason, std::string message, std::string_view record) {
  ErrorKind kind = ErrorKind::kParse;
  if (reason == "invalid-utf8") kind = ErrorKind::kEncoding;
  if (reason == "missing-field" || reason == "not-a-tweet" || reason == "bad-timestamp") kind = ErrorKind::kSchema;
  return Diagnostic{kind, pos, std::string(reason), std::move(message), Excerpt(record)};
}

Diagnostic JsonErrorDiagnostic(simdjson::error_code error, const InputPos& pos, std::string_view record,
                               std::string_view context) {
  std::size_t bad = 0;
  if (error == simdjson::UTF8_ERROR || !ValidUtf8(record, &bad)) {
    ValidUtf8(record, &bad);
    InputPos at = pos;
    std::size_t last_nl = record.substr(0, bad).rfind('\n');
    if (pos.line != 0) at.line = LineAt(record, bad, pos.line);
    at.column = static_cast<std::uint32_t>(last_nl == std::string_view::npos ? bad + 1 : bad - last_nl);
    return MakeDiagnostic(at, "invalid-utf8",
                          std::string(context) + ": invalid UTF-8 at byte " + std::to_string(bad) + " of the record",
                          record);
  }
  if (ScanJsonValue(record, 0) == std::string_view::npos) {
    return MakeDiagnostic(
        pos, "truncated",
        std::string(context) + ": the JSON value ends before it closes (" + std::to_string(record.size()) + " bytes)",
        record);
  }
  return MakeDiagnostic(pos, "invalid-json",
                        std::string(context) + ": invalid JSON (" + simdjson::error_message(error) + ")", record);
}

std::size_t ScanJsonValue(std::string_view s, std::size_t start) {
  std::size_t i = SkipSpace(s, start);
  if (i >= s.size()) return std::string_view::npos;
  char c = s[i];
  if (c != '{' && c != '[' && c != '"') {
    // A scalar: up to the next delimiter. A stray delimiter (a lone '}' or ']') is a value of one
    // byte, so callers always advance (found by the fuzzer: an endless loop on "}").
    const std::size_t begin = i;
    while (i < s.size() && !IsSpace(s[i]) && s[i] != ',' && s[i] != ']' && s[i] != '}') ++i;
    return i == begin ? begin + 1 : i;
  }
  int depth = 0;
  while (i < s.size()) {
    c = s[i];
    if (c == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\') ++i;
        ++i;
      }
      if (i >= s.size()) return std::string_view::npos;
      ++i;
      if (depth == 0) return i;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
    ++i;
  }
  return std::string_view::npos;
}

bool LooksLikeJsonl(std::string_view head) {
  std::size_t i = 0;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  i = SkipSpace(head, i);
  if (i >= head.size()) return true;  // empty or blank: either way gives nothing
  if (head[i] != '{') return false;
  std::size_t nl = head.find('\n', i);
  if (nl == std::string_view::npos) return true;  // one long line
  return ScanJsonValue(head.substr(0, nl), i) != std::string_view::npos;
}

std::uint64_t LineAt(std::string_view text, std::size_t offset, std::uint64_t first_line) {
  std::uint64_t line = first_line;
  const char* p = text.data();
  const char* end = text.data() + std::min(offset, text.size());
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    if (!nl) break;
    ++line;
    p = static_cast<const char*>(nl) + 1;
  }
  return line;
}

std::vector<DocumentRecord> SplitDocument(std::string_view content) {
  std::vector<DocumentRecord> out;
  std::size_t i = 0;
  if (content.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  i = SkipSpace(content, i);
  // JS prefix: `var tweets = [`, `window.YTD.tweets.part0 = [`.
  if (i < content.size() && content[i] != '[' && content[i] != '{') {
    std::size_t eq = content.find('=', i);
    std::size_t nl = content.find('\n', i);
    if (eq != std::string_view::npos && (nl == std::string_view::npos || eq < nl)) {
      std::string_view prefix = content.substr(i, eq - i);
      if (prefix.find_first_of("{}[]\"") == std::string_view::npos) i = SkipSpace(content, eq + 1);
    }
  }
  std::uint64_t line = LineAt(content, i, 1);
  std::size_t line_offset = i;  // `line` is the line of byte `line_offset`
  auto line_of = [&](std::size_t offset) {
    line = LineAt(content.substr(line_offset), offset - line_offset, line);
    line_offset = offset;
    return line;
  };
  auto add = [&](std::size_t begin, std::size_t end, bool truncated) {
    out.push_back(DocumentRecord{content.substr(begin, end - begin), line_of(begin), truncated});
  };
  // JSONL: the first value closes on its own line → one record per non-blank line, so a line cut off
  // does not swallow the next ones.
  if (i < content.size() && content[i] == '{') {
    std::size_t first_end = ScanJsonValue(content, i);
    std::size_t first_nl = content.find('\n', i);
    if (first_end != std::string_view::npos && (first_nl == std::string_view::npos || first_end <= first_nl)) {
      std::uint64_t line_no = line;
      std::size_t start = i;
      while (start < content.size()) {
        std::size_t end = content.find('\n', start);
        if (end == std::string_view::npos) end = content.size();
        std::string_view text = content.substr(start, end - start);
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        if (text.find_first_not_of(" \t") != std::string_view::npos) {
          out.push_back(DocumentRecord{text, line_no, ScanJsonValue(text, 0) == std::string_view::npos});
        }
        ++line_no;
        start = end + 1;
      }
      return out;
    }
  }
  bool in_array = i < content.size() && content[i] == '[';
  if (in_array) {
    ++i;
    for (;;) {
      i = SkipSpace(content, i);
      if (i >= content.size()) break;  // unterminated array: the records read so far stand
      if (content[i] == ']') {
        in_array = false;
        ++i;
        break;
      }
      std::size_t end = ScanJsonValue(content, i);
      if (end == std::string_view::npos) {
        add(i, content.size(), true);
        return out;
      }
      add(i, end, false);
      i = SkipSpace(content, end);
      if (i < content.size() && content[i] == ',') ++i;
    }
  }
  // Consecutive top-level values (JSONL, pretty-printed bodies), and whatever follows an array.
  while (true) {
    i = SkipSpace(content, i);
    while (i < content.size() && (content[i] == ';' || content[i] == ',')) i = SkipSpace(content, i + 1);
    if (i >= content.size()) break;
    std::size_t end = ScanJsonValue(content, i);
    if (end == std::string_view::npos) {
      // Cut off: for JSONL the record ends at the line's end; the next line may be fine.
      std::size_t nl = content.find('\n', i);
      if (nl == std::string_view::npos) nl = content.size();
      add(i, nl, true);
      i = nl;
      continue;
    }
    // A value that stops mid-line in JSONL (garbage after it) is reported with the rest of its line.
    std::size_t nl = content.find('\n', end);
    std::size_t next = SkipSpace(content, end);
    if (next < content.size() && (nl == std::string_view::npos || next < nl) && content[next] != ';' &&
        content[next] != ',') {
      std::size_t stop = nl == std::string_view::npos ? content.size() : nl;
      add(i, stop, false);
      i = stop;
      continue;
    }
    add(i, end, false);
    i = end;
  }
  return out;
}

namespace {

// Two digits at p, or -1.
inline int Two(const char* p) {
  unsigned a = static_cast<unsigned char>(p[0]) - '0', b = static_cast<unsigned char>(p[1]) - '0';
  return a <= 9 && b <= 9 ? static_cast<int>(a * 10 + b) : -1;
}

}  // namespace

std::optional<TimeMs> ParseApiTime(std::string_view s) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const char* p = s.data();
  bool millis = s.size() == 24 && p[19] == '.' && p[23] == 'Z';
  if ((millis || (s.size() == 20 && p[19] == 'Z')) && p[4] == '-' && p[7] == '-' && p[10] == 'T' && p[13] == ':' &&
      p[16] == ':') {
    int c = Two(p), y = Two(p + 2), mo = Two(p + 5), d = Two(p + 8), h = Two(p + 11), mi = Two(p + 14),
        se = Two(p + 17);
    int ms = millis ? Two(p + 20) : 0, ms3 = millis ? static_cast<unsigned char>(p[22]) - '0' : 0;
    if (c >= 0 && y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 &&
        se <= 59 && ms >= 0 && ms3 >= 0 && ms3 <= 9) {
      int year = c * 100 + y;
      bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
      int days_in_month = mo == 2 && leap ? 29 : kDays[static_cast<std::size_t>(mo - 1)];
      if (d <= days_in_month) {
        std::int64_t days = DaysFromCivil(year, static_cast<unsigned>(mo), static_cast<unsigned>(d));
        std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + se;
        return secs * 1000 + ms * 10 + ms3;
      }
    }
  }
  return ParseIso8601(s);
}

void DecodeTwitterEntities(std::string& text) {
  std::size_t amp = text.find('&');
  if (amp == std::string::npos) return;
  std::size_t w = amp;
  for (std::size_t r = amp; r < text.size();) {
    if (text[r] == '&') {
      std::string_view rest(text.data() + r, text.size() - r);
      if (rest.starts_with("&amp;")) {
        text[w++] = '&';
        r += 5;
        continue;
      }
      if (rest.starts_with("&lt;")) {
        text[w++] = '<';
        r += 4;
        continue;
      }
      if (rest.starts_with("&gt;")) {
        text[w++] = '>';
        r += 4;
        continue;
      }
    }
    text[w++] = text[r++];
  }
  text.resize(w);
}

std::string IdString(od::value value) {
  od::json_type type = value.type();
  if (type == od::json_type::string) return std::string(std::string_view(value.get_string()));
  if (type == od::json_type::number) {
    std::string_view token = value.raw_json_token();
    std::size_t n = 0;
    while (n < token.size() && token[n] >= '0' && token[n] <= '9') ++n;
    return std::string(token.substr(0, n));
  }
  return {};
}

}  // namespace relais::corpora::detail
