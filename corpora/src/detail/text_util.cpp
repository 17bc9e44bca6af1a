// Small helpers shared by the non-Twitter readers.
#include "detail/text_util.hpp"

#include <cctype>

namespace relais::corpora::detail {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid or cut.
std::size_t Utf8SeqLen(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t len;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  char32_t cp = b0 & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool IsPrWord(std::string_view w) {
  static constexpr std::string_view kWords[] = {"pr",
                                                "release",
                                                "releases",
                                                "communique",
                                                "communiques",
                                                "communiqu\xc3\xa9",
                                                "communiqu\xc3\xa9s",
                                                "press-release",
                                                "press-releases"};
  for (auto k : kWords)
    if (w == k) return true;
  return false;
}

}  // namespace

std::string MakeExcerpt(std::string_view bytes, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(bytes.size(), max_bytes) + 8);
  std::size_t i = 0;
  while (i < bytes.size() && out.size() < max_bytes) {
    std::size_t len = Utf8SeqLen(bytes, i);
    if (len == 0) {
      static constexpr char kHex[] = "0123456789abcdef";
      const auto b = static_cast<unsigned char>(bytes[i]);
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 15];
      ++i;
      continue;
    }
    if (len == 1 && static_cast<unsigned char>(bytes[i]) < 0x20 && bytes[i] != '\t' && bytes[i] != '\n') {
      ++i;
      continue;
    }
    if (out.size() + len > max_bytes) break;
    out.append(bytes.substr(i, len));
    i += len;
  }
  return out;
}

Diagnostic MakeDiagnostic(ErrorKind kind, const InputPos& pos, std::string reason, std::string message,
                          std::string_view record) {
  return Diagnostic{kind, pos, std::move(reason), std::move(message), MakeExcerpt(record)};
}

InputPos LineCounter::At(std::size_t offset, const std::string& file) {
  if (offset > content_.size()) offset = content_.size();
  for (; scanned_ < offset; ++scanned_) {
    if (content_[scanned_] == '\n') {
      ++line_;
      line_start_ = scanned_ + 1;
    }
  }
  return InputPos{file, line_, static_cast<std::uint32_t>(offset - line_start_ + 1)};
}

std::string HostOf(std::string_view url, bool strip_www) {
  url = Trim(url);
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
  for (std::size_t i = 0; i < scheme_end; ++i) {
    char c = url[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return {};
  }
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    rest = rest.substr(0, rest.find(']') + 1);
  } else if (auto colon = rest.find(':'); colon != std::string_view::npos) {
    rest = rest.substr(0, colon);
  }
  std::string host = ToLowerAscii(rest);
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (strip_www && host.rfind("www.", 0) == 0) host.erase(0, 4);
  return host;
}

bool MatchesPrWords(std::string_view path_or_name) {
  const std::string s = ToLowerAscii(path_or_name);
  // Name components are separated by / _ . - ; "press-release(s)" spans a '-' so it is matched
  // on the joined pair as well.
  auto is_sep = [](char c) { return c == '/' || c == '_' || c == '.' || c == '-' || c == '\\'; };
  std::size_t start = 0;
  std::string_view prev;
  std::string_view sv(s);
  while (start <= sv.size()) {
    std::size_t end = start;
    while (end < sv.size() && !is_sep(sv[end])) ++end;
    std::string_view word = sv.substr(start, end - start);
    if (!word.empty() && IsPrWord(word)) return true;
    if (prev == "press" && start > 0 && sv[start - 1] == '-' && (word == "release" || word == "releases")) return true;
    prev = word;
    if (end >= sv.size()) break;
    start = end + 1;
  }
  return false;
}

}  // namespace relais::corpora::detail
