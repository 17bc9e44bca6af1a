// Input files: folders walked, .gz/.zst decompressed (by magic bytes), formats sniffed, encodings
// detected with ICU's charset detector.
#include "relais/corpora/input.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <map>

#include <simdjson.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <zlib.h>
#include <zstd.h>

#include "relais/base/error.hpp"

#include "detail/csv.hpp"
#include "detail/json_util.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora {
namespace fs = std::filesystem;

// --- Listing -----------------------------------------------------------------------------------

namespace {
bool IsHidden(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}
}  // namespace

std::vector<fs::path> ListInputFiles(const std::vector<std::string>& paths) {
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    std::error_code ec;
    auto status = fs::status(p, ec);
    if (ec || !fs::exists(status)) throw Error(ErrorKind::kData, "no such input: " + p);
    if (!fs::is_directory(status)) {
      out.emplace_back(p);
      continue;
    }
    std::vector<fs::path> files;
    auto it = fs::recursive_directory_iterator(p, fs::directory_options::follow_directory_symlink, ec);
    if (ec) throw Error(ErrorKind::kIo, "cannot list folder " + p + ": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) throw Error(ErrorKind::kIo, "cannot list folder " + p + ": " + ec.message());
      if (IsHidden(it->path())) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    out.insert(out.end(), files.begin(), files.end());
  }
  return out;
}

// --- Streams -----------------------------------------------------------------------------------

namespace {

class File {
 public:
  explicit File(const fs::path& p) : path_(p.string()), f_(std::fopen(path_.c_str(), "rb")) {
    if (!f_) throw Error(ErrorKind::kIo, "cannot open " + path_ + ": " + std::strerror(errno));
  }
  ~File() {
    if (f_) std::fclose(f_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  std::size_t Read(char* buf, std::size_t n) {
    std::size_t got = std::fread(buf, 1, n, f_);
    if (got < n && std::ferror(f_)) throw Error(ErrorKind::kIo, "cannot read " + path_ + ": " + std::strerror(errno));
    return got;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* f_;
};

// Bytes already read for sniffing the magic are replayed first.
class RawStream final : public InputStream {
 public:
  RawStream(std::unique_ptr<File> f, std::string head) : f_(std::move(f)), head_(std::move(head)) {}
  std::size_t Read(char* buf, std::size_t n) override {
    if (head_pos_ < head_.size()) {
      std::size_t k = std::min(n, head_.size() - head_pos_);
      std::memcpy(buf, head_.data() + head_pos_, k);
      head_pos_ += k;
      return k;
    }
    return f_->Read(buf, n);
  }

 private:
  std::unique_ptr<File> f_;
  std::string head_;
  std::size_t head_pos_ = 0;
};

constexpr std::size_t kChunk = 1 << 16;

class GzipStream final : public InputStream {
 public:
  GzipStream(std::unique_ptr<File> f, std::string head) : f_(std::move(f)), in_(std::move(head)) {
    std::memset(&z_, 0, sizeof z_);
    if (inflateInit2(&z_, 15 + 16) != Z_OK) throw Error(ErrorKind::kInternal, "zlib init failed");
    z_.next_in = reinterpret_cast<Bytef*>(in_.data());
    z_.avail_in = static_cast<uInt>(in_.size());
  }
  ~GzipStream() override { inflateEnd(&z_); }

  std::size_t Read(char* buf, std::size_t n) override {
    if (done_ || n == 0) return 0;
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    while (z_.avail_out > 0) {
      if (z_.avail_in == 0 && !Refill()) {
        if (!member_started_) {
          done_ = true;
          break;
        }
        throw Error(ErrorKind::kIo, "truncated gzip data in " + f_->path() + " (compressed stream ends early)");
      }
      member_started_ = true;
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_started_ = false;
        // Another member may follow (multi-member gzip); trailing zero padding is accepted.
        SkipZeros();
        if (z_.avail_in == 0 && !Refill()) {
          done_ = true;
          break;
        }
        SkipZeros();
        if (z_.avail_in == 0) {
          // Only zeros so far; keep checking at the next refill.
          continue;
        }
        if (z_.avail_in >= 1 && z_.next_in[0] != 0x1f)
          throw Error(ErrorKind::kIo, "corrupt gzip data in " + f_->path() + ": trailing garbage after a member");
        inflateReset(&z_);
        continue;
      }
      if (rc == Z_BUF_ERROR && z_.avail_in == 0) continue;
      if (rc != Z_OK) {
        throw Error(ErrorKind::kIo, "corrupt gzip data in " + f_->path() + ": " + (z_.msg ? z_.msg : "inflate failed"));
      }
    }
    return n - z_.avail_out;
  }

 private:
  bool Refill() {
    in_.resize(kChunk);
    std::size_t got = f_->Read(in_.data(), in_.size());
    in_.resize(got);
    z_.next_in = reinterpret_cast<Bytef*>(in_.data());
    z_.avail_in = static_cast<uInt>(got);
    return got > 0;
  }
  void SkipZeros() {
    while (z_.avail_in > 0 && z_.next_in[0] == 0) {
      ++z_.next_in;
      --z_.avail_in;
    }
  }

  std::unique_ptr<File> f_;
  std::string in_;
  z_stream z_;
  bool member_started_ = false;
  bool done_ = false;
};

class ZstdStream final : public InputStream {
 public:
  ZstdStream(std::unique_ptr<File> f, std::string head) : f_(std::move(f)), in_(std::move(head)) {
    ctx_ = ZSTD_createDStream();
    if (!ctx_) throw Error(ErrorKind::kInternal, "zstd init failed");
    ZSTD_initDStream(ctx_);
    input_ = ZSTD_inBuffer{in_.data(), in_.size(), 0};
  }
  ~ZstdStream() override { ZSTD_freeDStream(ctx_); }

  std::size_t Read(char* buf, std::size_t n) override {
    if (done_ || n == 0) return 0;
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos < out.size) {
      if (input_.pos == input_.size) {
        in_.resize(kChunk);
        std::size_t got = f_->Read(in_.data(), in_.size());
        in_.resize(got);
        input_ = ZSTD_inBuffer{in_.data(), in_.size(), 0};
        if (got == 0) {
          // End of file: the last frame must be complete, and all its output flushed.
          std::size_t rc = ZSTD_decompressStream(ctx_, &out, &input_);
          if (ZSTD_isError(rc))
            throw Error(ErrorKind::kIo, "corrupt zstd data in " + f_->path() + ": " + ZSTD_getErrorName(rc));
          if (out.pos < out.size && last_ != 0)
            throw Error(ErrorKind::kIo, "truncated zstd data in " + f_->path() + " (frame ends early)");
          if (out.pos < out.size) done_ = true;
          break;
        }
      }
      last_ = ZSTD_decompressStream(ctx_, &out, &input_);
      if (ZSTD_isError(last_))
        throw Error(ErrorKind::kIo, "corrupt zstd data in " + f_->path() + ": " + ZSTD_getErrorName(last_));
    }
    return out.pos;
  }

 private:
  std::unique_ptr<File> f_;
  std::string in_;
  ZSTD_DStream* ctx_;
  ZSTD_inBuffer input_;
  std::size_t last_ = 0;  // 0 once a frame is complete
  bool done_ = false;
};

}  // namespace

std::unique_ptr<InputStream> OpenInput(const fs::path& path) {
  auto file = std::make_unique<File>(path);
  std::string head(4, '\0');
  std::size_t got = 0;
  while (got < 4) {
    std::size_t k = file->Read(head.data() + got, 4 - got);
    if (k == 0) break;
    got += k;
  }
  head.resize(got);
  if (got >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b)
    return std::make_unique<GzipStream>(std::move(file), std::move(head));
  if (got == 4 && std::memcmp(head.data(), "\x28\xb5\x2f\xfd", 4) == 0)
    return std::make_unique<ZstdStream>(std::move(file), std::move(head));
  return std::make_unique<RawStream>(std::move(file), std::move(head));
}

std::uint64_t FileSizeOrZero(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

std::string ReadAll(const fs::path& path) {
  auto in = OpenInput(path);
  std::string s;
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (!ec) s.reserve(static_cast<std::size_t>(size));
  std::size_t n;
  std::string buf(kChunk, '\0');
  while ((n = in->Read(buf.data(), buf.size())) > 0) s.append(buf.data(), n);
  return s;
}

// --- UTF-8 and encodings -------------------------------------------------------------------------

bool IsValidUtf8(std::string_view s, std::size_t* bad_offset) {
  if (simdjson::validate_utf8(s.data(), s.size())) return true;
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  while (i < n) {
    unsigned char b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    char32_t cp, min;
    if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07, min = 0x10000;
    } else {
      break;
    }
    if (i + len > n) break;
    bool ok = true;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) break;
    i += len;
  }
  if (bad_offset) *bad_offset = i;
  return i >= n;  // only false when the scalar scan stopped early
}

namespace {

constexpr std::array<char16_t, 32> kCp1252High = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                                  0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::string DecodeSingleByte(std::string_view bytes, bool cp1252) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
      continue;
    }
    char32_t cp = (cp1252 && b < 0xA0) ? kCp1252High[b - 0x80] : b;
    detail::AppendUtf8(out, cp);
  }
  return out;
}

std::string DecodeUtf16(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  auto unit = [&](std::size_t k) -> char16_t {
    auto a = static_cast<unsigned char>(bytes[k]), b = static_cast<unsigned char>(bytes[k + 1]);
    return static_cast<char16_t>(little_endian ? (a | (b << 8)) : ((a << 8) | b));
  };
  if (bytes.size() >= 2 && unit(0) == 0xFEFF) i = 2;
  for (; i + 1 < bytes.size(); i += 2) {
    char32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
      char32_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        detail::AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    detail::AppendUtf8(out, u);  // lone surrogates become U+FFFD
  }
  return out;
}

std::string DecodeWithIcu(std::string_view bytes, const std::string& charset) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t needed =
      ucnv_convert("UTF-8", charset.c_str(), nullptr, 0, bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status))
    throw Error(ErrorKind::kInvalidArgument, "unknown encoding \"" + charset + "\" (" + u_errorName(status) + ")");
  std::string out(static_cast<std::size_t>(needed) + 1, '\0');
  status = U_ZERO_ERROR;
  int32_t n = ucnv_convert("UTF-8", charset.c_str(), out.data(), static_cast<int32_t>(out.size()), bytes.data(),
                           static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status))
    throw Error(ErrorKind::kEncoding, "cannot convert from " + charset + ": " + u_errorName(status));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string HexByte(char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto b = static_cast<unsigned char>(c);
  return std::string("0x") + kHex[b >> 4] + kHex[b & 15];
}

std::string_view WithoutBom(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  return s;
}

std::string StripBom(std::string_view s) { return std::string(WithoutBom(s)); }

bool HasC1Bytes(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto b = static_cast<unsigned char>(c);
    return b >= 0x80 && b < 0xA0;
  });
}

// ICU's guess among the encodings French data comes in; empty when it has none of them.
std::string DetectCharset(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  UCharsetDetector* det = ucsdet_open(&status);
  if (U_FAILURE(status)) return {};
  std::string result;
  // The detector looks at a prefix; 64 KiB is plenty to decide.
  ucsdet_setText(det, bytes.data(), static_cast<int32_t>(std::min<std::size_t>(bytes.size(), 1 << 16)), &status);
  int32_t found = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(det, &found, &status);
  for (int32_t k = 0; U_SUCCESS(status) && k < found; ++k) {
    const char* name = ucsdet_getName(matches[k], &status);
    if (U_FAILURE(status) || !name) break;
    std::string_view n(name);
    if (n == "windows-1252" || n == "ISO-8859-1" || n == "UTF-16LE" || n == "UTF-16BE") {
      result = name;
      break;
    }
  }
  ucsdet_close(det);
  return result;
}

}  // namespace

std::string_view DecodeToUtf8View(std::string_view bytes, std::string_view encoding, std::string& storage) {
  const std::string enc = detail::ToLowerAscii(detail::Trim(encoding));
  const bool utf16_bom = bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF";
  if ((enc.empty() || enc == "auto") && !utf16_bom && IsValidUtf8(bytes)) return WithoutBom(bytes);
  storage = DecodeToUtf8(bytes, encoding);
  return storage;
}

std::string DecodeToUtf8(std::string_view bytes, std::string_view encoding, std::string* detected) {
  const std::string enc = detail::ToLowerAscii(detail::Trim(encoding));
  auto set = [&](std::string_view name) {
    if (detected) *detected = std::string(name);
  };
  if (enc.empty() || enc == "auto") {
    if (bytes.size() >= 2 && bytes.substr(0, 2) == "\xFF\xFE") {
      set("UTF-16LE");
      return DecodeUtf16(bytes, true);
    }
    if (bytes.size() >= 2 && bytes.substr(0, 2) == "\xFE\xFF") {
      set("UTF-16BE");
      return DecodeUtf16(bytes, false);
    }
    if (IsValidUtf8(bytes)) {
      set("utf-8");
      return StripBom(bytes);
    }
    std::string cs = DetectCharset(bytes);
    if (cs == "UTF-16LE" || cs == "UTF-16BE") {
      set(cs);
      return DecodeUtf16(bytes, cs == "UTF-16LE");
    }
    // ISO-8859-1 and windows-1252 agree outside 0x80–0x9F; there, French text means windows-1252
    // (’ is 0x92, « » are common), so windows-1252 decodes both.
    if (cs == "ISO-8859-1" && !HasC1Bytes(bytes)) {
      set("ISO-8859-1");
    } else {
      set("windows-1252");
    }
    return DecodeSingleByte(bytes, true);
  }
  if (enc == "utf-8" || enc == "utf8") {
    std::size_t bad = 0;
    if (!IsValidUtf8(bytes, &bad))
      throw Error(ErrorKind::kEncoding, "invalid UTF-8 at byte offset " + std::to_string(bad) + " (byte " +
                                            HexByte(bytes[bad]) + "); try --encoding auto or windows-1252");
    set("utf-8");
    return StripBom(bytes);
  }
  if (enc == "windows-1252" || enc == "cp1252" || enc == "win-1252") {
    set("windows-1252");
    return DecodeSingleByte(bytes, true);
  }
  if (enc == "latin-1" || enc == "latin1" || enc == "iso-8859-1" || enc == "iso8859-1") {
    set("ISO-8859-1");
    return DecodeSingleByte(bytes, false);
  }
  if (enc == "utf-16le" || enc == "utf-16be" || enc == "utf-16") {
    bool le = enc != "utf-16be";
    if (enc == "utf-16" && bytes.size() >= 2 && bytes.substr(0, 2) == "\xFE\xFF") le = false;
    set(le ? "UTF-16LE" : "UTF-16BE");
    return DecodeUtf16(bytes, le);
  }
  set(encoding);
  return DecodeWithIcu(bytes, std::string(encoding));
}

// --- Format sniffing ------------------------------------------------------------------------------

namespace {

// What the sniffer learns about one member of the first JSON object (which may be cut).
struct SniffValue {
  char type = 0;    // '"' string, '{' object, '[' array, 'n' other scalar
  std::string str;  // string value (raw, may be cut)
  bool empty_array = false;
  char first_element = 0;  // first byte of the first element of an array
};
using SniffObject = std::map<std::string, SniffValue, std::less<>>;

// Reads the members of the object starting at s[pos] == '{' until it ends or the text is cut.
SniffObject ScanObject(std::string_view s, std::size_t pos) {
  SniffObject obj;
  std::size_t i = detail::SkipJsonWs(s, pos + 1);
  while (i < s.size() && s[i] == '"') {
    auto key_end = detail::JsonValueEnd(s, i);
    if (!key_end) break;
    std::string key(s.substr(i + 1, *key_end - i - 2));
    i = detail::SkipJsonWs(s, *key_end);
    if (i >= s.size() || s[i] != ':') break;
    i = detail::SkipJsonWs(s, i + 1);
    if (i >= s.size()) break;
    SniffValue v;
    char c = s[i];
    v.type = (c == '"' || c == '{' || c == '[') ? c : 'n';
    if (c == '"') {
      auto e = detail::JsonValueEnd(s, i);
      v.str = std::string(s.substr(i + 1, (e ? *e - 1 : s.size()) - i - 1));
    } else if (c == '[') {
      std::size_t f = detail::SkipJsonWs(s, i + 1);
      v.empty_array = f < s.size() && s[f] == ']';
      v.first_element = f < s.size() ? s[f] : 0;
    }
    auto it = obj.find(key);
    // Repeated keys (Mastodon outboxes): a non-empty array wins over an empty one.
    if (it == obj.end() || !(v.type == '[' && v.empty_array && it->second.type == '[')) obj[key] = v;
    auto end = detail::JsonValueEnd(s, i);
    if (!end) break;
    i = detail::SkipJsonWs(s, *end);
    if (i >= s.size() || s[i] != ',') break;
    i = detail::SkipJsonWs(s, i + 1);
  }
  return obj;
}

bool Has(const SniffObject& o, std::string_view k) { return o.find(k) != o.end(); }
bool HasType(const SniffObject& o, std::string_view k, char type) {
  auto it = o.find(k);
  return it != o.end() && it->second.type == type;
}
std::string_view StrOf(const SniffObject& o, std::string_view k) {
  auto it = o.find(k);
  return it != o.end() && it->second.type == '"' ? std::string_view(it->second.str) : std::string_view();
}

// Telegram Desktop's chat types (result.json's root "type").
bool IsTelegramChatType(std::string_view t) {
  for (std::string_view k : {"personal_chat", "bot_chat", "saved_messages", "replies", "private_group",
                             "private_supergroup", "public_supergroup", "private_channel", "public_channel"})
    if (t == k) return true;
  return false;
}

std::optional<Format> SniffJsonObject(const SniffObject& o, std::string_view head, const std::string& path_str) {
  // Bluesky Jetstream events.
  if (Has(o, "did") && Has(o, "time_us") && Has(o, "kind")) return Format::kBlueskyJetstream;
  // Zeeschuimer / 4CAT NDJSON items.
  if (Has(o, "source_platform") && (Has(o, "timestamp_collected") || Has(o, "data"))) return Format::kZeeschuimer;
  // X web GraphQL responses (before v2, whose pages also have "data"), and bare tweet results.
  if ((Has(o, "data") || Has(o, "__typename")) && head.find("\"__typename\"") != std::string_view::npos &&
      (head.find("\"tweet_results\"") != std::string_view::npos ||
       head.find("\"tweetResult\"") != std::string_view::npos || StrOf(o, "__typename") == "Tweet" ||
       StrOf(o, "__typename") == "TweetWithVisibilityResults"))
    return Format::kTwitterGraphql;
  // Telegram Desktop exports: one chat, or a whole account (its "about" names Telegram).
  if (HasType(o, "messages", '[') && IsTelegramChatType(StrOf(o, "type"))) return Format::kTelegram;
  if (Has(o, "about") && (HasType(o, "chats", '{') || Has(o, "personal_information"))) return Format::kTelegram;
  // ActivityPub: collections and activities.
  std::string_view type = StrOf(o, "type");
  if (Has(o, "@context") || Has(o, "orderedItems") || type == "OrderedCollection" || type == "OrderedCollectionPage" ||
      type == "Create" || type == "Announce") {
    // likes.json / bookmarks.json: collections of bare URIs hold no posts.
    auto it = o.find("orderedItems");
    if (it != o.end() && it->second.type == '[' && it->second.first_element == '"') return std::nullopt;
    return Format::kActivityPub;
  }
  if (HasType(o, "data", '[') || HasType(o, "data", '{')) return Format::kTwitterV2;
  if (Has(o, "id_str")) return Format::kTwitterV1;
  if (Has(o, "created_at") && Has(o, "user") && ParseTwitterDate(StrOf(o, "created_at"))) return Format::kTwitterV1;
  if (Has(o, "verb") && Has(o, "actor")) return Format::kTwitterV1;
  if (Has(o, "author_id") || Has(o, "edit_history_tweet_ids")) return Format::kTwitterV2;
  if (HasType(o, "author", '{') && ParseIso8601(StrOf(o, "created_at"))) return Format::kTwitterV2;
  // Mastodon REST: statuses, notifications, search results, contexts, accounts.
  if (Has(o, "account") && (Has(o, "content") || Has(o, "uri") || Has(o, "status"))) return Format::kMastodon;
  if (Has(o, "ancestors") && Has(o, "descendants")) return Format::kMastodon;
  if (Has(o, "statuses") && Has(o, "accounts") && Has(o, "hashtags")) return Format::kMastodon;
  if (Has(o, "acct") && Has(o, "username")) return Format::kMastodon;
  // Bluesky.
  if (StrOf(o, "$type").rfind("app.bsky.feed.post", 0) == 0) return Format::kBluesky;
  if (StrOf(o, "uri").rfind("at://", 0) == 0) return Format::kBluesky;
  bool bsky_hint = head.find("at://") != std::string_view::npos || head.find("app.bsky.") != std::string_view::npos;
  for (std::string_view k : {"feed", "thread", "posts", "records", "notifications"})
    if (Has(o, k) && bsky_hint) return Format::kBluesky;
  // Press / PR articles.
  bool has_body = Has(o, "title") || Has(o, "text");
  bool has_meta = Has(o, "url") || Has(o, "published") || Has(o, "outlet");
  if (has_body && has_meta) {
    if (StrOf(o, "channel") == "pr" || detail::MatchesPrWords(path_str)) return Format::kPrJsonl;
    return Format::kPressJsonl;
  }
  return std::nullopt;
}

constexpr std::size_t kSniffHtmlBytes = 64 * 1024;

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && detail::ToLowerAscii(s.substr(0, prefix.size())) == prefix;
}

}  // namespace

namespace {
// A CAR file (Bluesky repository export): the CAR v2 pragma, or a CAR v1 header, a varint length
// then a DAG-CBOR map of two keys starting with "roots" (keys sort by length: roots, version).
bool LooksLikeCar(std::string_view h) {
  static constexpr std::string_view kV2Pragma("\x0a\xa1\x67version\x02", 11);
  if (h.substr(0, kV2Pragma.size()) == kV2Pragma) return true;
  std::uint64_t len = 0;
  std::size_t i = 0;
  for (int shift = 0; i < h.size() && i < 3; shift += 7) {
    auto b = static_cast<std::uint8_t>(h[i++]);
    len |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) break;
  }
  if (len < 16 || len > 4096 || i >= h.size()) return false;
  return h.substr(i, 7) == std::string_view("\xa2\x65roots", 7);
}
}  // namespace

std::optional<Format> SniffFormat(const fs::path& path, std::string_view head) {
  if (LooksLikeCar(head)) return Format::kBlueskyCar;
  std::string name = detail::ToLowerAscii(path.filename().string());
  for (std::string_view ext : {".gz", ".zst", ".zstd"})
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
      name.resize(name.size() - ext.size());
  const std::string path_str = path.generic_string();
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  std::size_t start = detail::SkipJsonWs(head, 0);
  std::string_view body = head.substr(start);

  if (body.rfind("window.YTD.", 0) == 0) return Format::kTwitterArchive;
  if (body.rfind("var ", 0) == 0) {
    std::size_t eq = body.find('=');
    if (eq != std::string_view::npos && eq < 200) {
      std::size_t k = detail::SkipJsonWs(body, eq + 1);
      if (k < body.size() && body[k] == '[') return Format::kTwitterV1;
    }
  }
  auto ends_with = [&](std::string_view ext) {
    return name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (ends_with(".csv") || ends_with(".tsv")) {
    // The header must name a date and a title or text column (see ArticleFieldForHeader);
    // CSV exports of tweets or users do not, and are reported as unknown.
    std::string_view first_line = body.substr(0, body.find('\n'));
    char delim = detail::GuessDelimiter(first_line, ends_with(".tsv") ? '\t' : ',');
    detail::CsvReader reader(first_line, delim);
    detail::CsvRow row;
    if (!reader.Next(row)) return std::nullopt;
    bool published = false, body_field = false;
    for (const auto& f : row.fields) {
      auto field = detail::ArticleFieldForHeader(f);
      if (!field) continue;
      published |= *field == "published";
      body_field |= *field == "title" || *field == "text";
    }
    if (!published || !body_field) return std::nullopt;
    return detail::MatchesPrWords(path_str) ? Format::kPrCsv : Format::kPressCsv;
  }
  if (body.rfind("<", 0) == 0) {
    // Europresse HTML exports: an HTML page naming Europresse's classes or hosts.
    std::string lower = detail::ToLowerAscii(body.substr(0, kSniffHtmlBytes));
    bool html = lower.find("<html") != std::string::npos || lower.find("<!doctype html") != std::string::npos;
    if (html && (lower.find("docpublicationname") != std::string::npos ||
                 lower.find("europresse") != std::string::npos || lower.find("eureka.cc") != std::string::npos))
      return Format::kEuropresse;
  }
  if (StartsWithNoCase(body, "<?xml") || StartsWithNoCase(body, "<rss") || StartsWithNoCase(body, "<feed") ||
      StartsWithNoCase(body, "<rdf:rdf") || StartsWithNoCase(body, "<!--")) {
    std::string lower = detail::ToLowerAscii(body.substr(0, 4096));
    if (lower.find("<rss") != std::string::npos || lower.find("<feed") != std::string::npos ||
        lower.find("<rdf:rdf") != std::string::npos || lower.find("<channel") != std::string::npos)
      return Format::kRss;
    return std::nullopt;
  }
  if (body.empty()) return std::nullopt;
  if (detail::LooksLikeSnapActivity(body)) return Format::kSnapActivity;
  std::size_t obj_start;
  if (body[0] == '[') {
    obj_start = detail::SkipJsonWs(head, start + 1);
    if (obj_start >= head.size() || head[obj_start] != '{') return std::nullopt;
  } else if (body[0] == '{') {
    obj_start = start;
  } else {
    return std::nullopt;
  }
  SniffObject obj = ScanObject(head, obj_start);
  return SniffJsonObject(obj, head, path_str);
}

}  // namespace relais::corpora
