// The actor registry: CSV rows `key,kind,actor_class,region,name` indexed by normalised handle,
// domain (with optional path prefix, matched on the longest label suffix) and platform id. The
// shipped rows (corpora/data/registry/*.csv) are embedded at build time (registry_data.cpp).
#include "relais/corpora/registry.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "relais/base/error.hpp"
#include "relais/base/strings.hpp"
#include "relais/corpora/url.hpp"

#include "detail/embedded_csv.hpp"

namespace relais::corpora {
namespace {

constexpr std::string_view kKinds[] = {"handle", "domain", "platform_id"};
constexpr std::string_view kHeader[] = {"key", "kind", "actor_class", "region", "name", "department", "group"};
// The two trailing columns are optional: a row holds 5 or 7 fields.
constexpr std::size_t kShortColumns = 5;
constexpr std::size_t kFullColumns = std::size(kHeader);

bool ValidColumnCount(std::size_t n) { return n == kShortColumns || n == kFullColumns; }

/// INSEE département codes: "01"…"95", "2A", "2B", overseas "971"…"989".
bool IsDepartmentCode(std::string_view s) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (s.size() == 2) return (digit(s[0]) && digit(s[1]) && s != "00" && s != "20") || s == "2A" || s == "2B";
  return s.size() == 3 && s[0] == '9' && (s[1] == '7' || s[1] == '8') && digit(s[2]);
}
constexpr std::size_t kMaxPathSegments = 4;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool IsValidUtf8(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto c = static_cast<unsigned char>(s[pos]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || pos + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[pos + k]) >> 6) != 0x2) return false;
    }
    pos += len;
  }
  return true;
}

/// Splits "host/a/b?x#y" (scheme optional) into the normalised host and lower-case path segments.
void SplitHostPath(std::string_view in, std::string* host, std::vector<std::string>* segs) {
  *host = UrlHost(in);
  segs->clear();
  if (host->empty()) return;
  std::string_view rest = Trim(in);
  if (const auto sep = rest.find("://"); sep != std::string_view::npos) rest.remove_prefix(sep + 3);
  while (StartsWith(rest, "/")) rest.remove_prefix(1);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return;
  rest = rest.substr(slash + 1);
  rest = rest.substr(0, rest.find_first_of("?#"));
  std::size_t start = 0;
  while (start < rest.size() && segs->size() < kMaxPathSegments) {
    const auto end = std::min(rest.find('/', start), rest.size());
    if (end > start) segs->push_back(ToLowerAscii(rest.substr(start, end - start)));
    start = end + 1;
  }
}

/// One parsed CSV record with the line it starts on.
struct CsvRow {
  std::uint64_t line = 0;
  std::vector<std::string> fields;
};

/// RFC 4180 rows, handed to `visit` one at a time (a registry of 871k actors held as rows took more
/// memory than the registry): quoted fields may hold commas, doubled quotes and newlines. Blank lines
/// and lines starting with '#' are skipped.
template <typename Visit>
void ForEachCsvRow(std::string_view text, const std::string& origin, Visit&& visit) {
  std::uint64_t line = 1;
  std::size_t pos = 0;
  if (StartsWith(text, "\xEF\xBB\xBF")) pos = 3;
  while (pos < text.size()) {
    const auto eol = std::min(text.find('\n', pos), text.size());
    const std::string_view raw_line = Trim(text.substr(pos, eol - pos));
    if (raw_line.empty() || raw_line.front() == '#') {
      pos = eol + 1;
      ++line;
      continue;
    }
    CsvRow row;
    row.line = line;
    std::string field;
    bool in_quotes = false, was_quoted = false;
    for (;;) {
      if (pos >= text.size()) {
        if (in_quotes) throw Error(ErrorKind::kData, InputPos{origin, row.line, 0}, "unterminated quoted field");
        row.fields.push_back(was_quoted ? field : std::string(Trim(field)));
        break;
      }
      const char c = text[pos++];
      if (in_quotes) {
        if (c == '"' && pos < text.size() && text[pos] == '"') {
          field.push_back('"');
          ++pos;
        } else if (c == '"') {
          in_quotes = false;
        } else {
          if (c == '\n') ++line;
          field.push_back(c);
        }
        continue;
      }
      if (c == '"' && Trim(field).empty()) {
        in_quotes = was_quoted = true;
        field.clear();
      } else if (c == ',') {
        row.fields.push_back(was_quoted ? field : std::string(Trim(field)));
        field.clear();
        was_quoted = false;
      } else if (c == '\n') {
        ++line;
        row.fields.push_back(was_quoted ? field : std::string(Trim(field)));
        break;
      } else if (c != '\r') {
        field.push_back(c);
      }
    }
    visit(row);
  }
}

bool IsHeader(const CsvRow& row) {
  if (!ValidColumnCount(row.fields.size())) return false;
  for (std::size_t idx = 0; idx < row.fields.size(); ++idx) {
    if (ToLowerAscii(row.fields[idx]) != kHeader[idx]) return false;
  }
  return true;
}

/// XML, HTML and JSON start with a character no registry key can start with.
bool LooksLikeMarkupOrJson(std::string_view text) {
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '<' || text[first] == '{' || text[first] == '[');
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool IsActorClass(std::string_view s) {
  return std::find(std::begin(kActorClasses), std::end(kActorClasses), s) != std::end(kActorClasses);
}

std::string Registry::NormalizeHandle(std::string_view handle) {
  std::string h = ToLowerAscii(Trim(handle));
  if (StartsWith(h, "twitter:")) h.erase(0, 8);
  const auto colon = h.find(':');
  const auto at = h.find('@');
  if (colon != std::string::npos && (at == std::string::npos || colon < at)) {
    std::string rest = h.substr(colon + 1);
    if (StartsWith(rest, "@")) rest.erase(0, 1);
    return rest.empty() ? std::string() : h.substr(0, colon + 1) + rest;
  }
  if (StartsWith(h, "@")) h.erase(0, 1);
  return h;
}

std::string Registry::NormalizeDomain(std::string_view domain_or_url) {
  std::string host;
  std::vector<std::string> segs;
  SplitHostPath(domain_or_url, &host, &segs);
  for (const auto& seg : segs) host += "/" + seg;
  return host;
}

Registry Registry::Builtin() {
  static const Registry builtin = [] {
    Registry r;
    for (std::size_t idx = 0; idx < detail::kEmbeddedRegistryCount; ++idx) {
      const auto& csv = detail::kEmbeddedRegistry[idx];
      r.LoadCsvText(csv.text, std::string("builtin:") + csv.name);
    }
    return r;
  }();
  return builtin;
}

namespace {

/// Throws relais::Error (kData, naming the file and line) unless `row` is a valid registry row.
void CheckRegistryRow(const CsvRow& row, const std::string& origin) {
  const InputPos pos{origin, row.line, 0};
  if (!ValidColumnCount(row.fields.size())) {
    throw Error(ErrorKind::kData, pos,
                "expected 5 or 7 columns (key,kind,actor_class,region,name[,department,group]), found " +
                    std::to_string(row.fields.size()));
  }
  const auto& f = row.fields;
  if (std::find(std::begin(kKinds), std::end(kKinds), f[1]) == std::end(kKinds)) {
    throw Error(ErrorKind::kData, pos, "unknown kind '" + f[1] + "' (expected handle, domain or platform_id)");
  }
  if (!IsActorClass(f[2])) {
    throw Error(ErrorKind::kData, pos,
                "unknown actor class '" + f[2] +
                    "' (expected press-national, press-regional, press-agency, pr, brand, politician, "
                    "institution, journalist or public)");
  }
  const bool key_ok = f[1] == "handle"   ? !Registry::NormalizeHandle(f[0]).empty()
                      : f[1] == "domain" ? !Registry::NormalizeDomain(f[0]).empty()
                                         : !Trim(f[0]).empty();
  if (!key_ok) throw Error(ErrorKind::kData, pos, "invalid " + f[1] + " key '" + f[0] + "'");
  if (f.size() == kFullColumns && !f[5].empty() && !IsDepartmentCode(f[5])) {
    throw Error(ErrorKind::kData, pos, "invalid department '" + f[5] + "' (expected an INSEE code: 83, 2A, 974)");
  }
}

/// The text of a registry file; relais::Error (kInvalidArgument for a folder, kData when unreadable) otherwise.
std::string ReadRegistryFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorKind::kInvalidArgument, InputPos{path, 0, 0},
                "is a folder; give the registry CSV file (key,kind,actor_class,region,name)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kData, InputPos{path, 0, 0}, "cannot read actor registry file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ErrorKind::kData, InputPos{path, 0, 0}, "error while reading actor registry file");
  return text;
}

/// Checks every row of a registry CSV (what LoadCsvText throws, it throws); returns the number of actor rows.
std::size_t CheckRegistryCsv(std::string_view csv, const std::string& origin) {
  if (LooksLikeMarkupOrJson(csv)) {
    throw Error(ErrorKind::kInvalidArgument, InputPos{origin, 0, 0},
                "not an actor registry CSV (expected the header key,kind,actor_class,region,name)");
  }
  if (!IsValidUtf8(csv)) throw Error(ErrorKind::kData, InputPos{origin, 0, 0}, "actor registry is not valid UTF-8");
  std::size_t idx = 0, actor_rows = 0;
  ForEachCsvRow(csv, origin, [&](const CsvRow& row) {
    const bool header = idx++ == 0 && IsHeader(row);
    // A file whose first row is neither the header nor a five-column row is another kind of file
    // (JSONL, RSS, a tweet CSV): the user gave the wrong path, which is a usage error.
    if (idx == 1 && !header && !ValidColumnCount(row.fields.size())) {
      throw Error(ErrorKind::kInvalidArgument, InputPos{origin, 0, 0},
                  "not an actor registry CSV (expected the header key,kind,actor_class,region,name)");
    }
    if (header) return;
    ++actor_rows;
    CheckRegistryRow(row, origin);
  });
  if (actor_rows == 0) {
    throw Error(ErrorKind::kInvalidArgument, InputPos{origin, 0, 0},
                "holds no actors (expected key,kind,actor_class,region,name rows)");
  }
  return actor_rows;
}

}  // namespace

void Registry::CheckCsv(const std::string& path) { CheckRegistryCsv(ReadRegistryFile(path), path); }

void Registry::LoadCsv(const std::string& path) { LoadCsvText(ReadRegistryFile(path), path); }

void Registry::LoadCsvText(std::string_view csv, const std::string& origin) {
  // Every row is checked before any is added, so a bad file leaves the registry unchanged: one pass to
  // check the rows, a second to add them.
  entries_.reserve(entries_.size() + CheckRegistryCsv(csv, origin));
  text_.reserve(text_.size() + csv.size());
  std::size_t idx = 0;
  ForEachCsvRow(csv, origin, [&](const CsvRow& row) {
    if (idx++ == 0 && IsHeader(row)) return;
    const auto& f = row.fields;
    ActorInfo info{"", f[2], f[3], f[4]};
    if (f.size() == kFullColumns) {
      info.department = f[5];
      info.group = f[6];
    }
    Add(f[1], f[0], std::move(info));
  });
}

ActorInfo RegistryEntry::Info() const {
  return ActorInfo{std::string(key),  std::string(actor_class), std::string(region),
                   std::string(name), std::string(department),  std::string(group)};
}

Registry::Span Registry::AddText(std::string_view s) {
  if (text_.size() + s.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw Error(ErrorKind::kData, "actor registry holds more than 4 GiB of keys and names");
  }
  const Span span{static_cast<std::uint32_t>(text_.size()), static_cast<std::uint32_t>(s.size())};
  text_.append(s);
  return span;
}

std::uint32_t Registry::Label(std::string_view s) {
  if (s.empty()) return 0;
  const auto [it, added] = label_ids_.try_emplace(std::string(s), static_cast<std::uint32_t>(labels_.size()));
  if (added) labels_.emplace_back(s);
  return it->second;
}

void Registry::Add(std::string_view kind, std::string_view key, ActorInfo info) {
  IndexTable* table = nullptr;
  std::string norm, stored_key;
  std::uint8_t kind_idx = 0;
  if (kind == "handle") {
    table = &handles_;
    norm = NormalizeHandle(key);
    // Keep the case the file used ("@Nice_Matin"), which is how people write it.
    const std::string_view written = Trim(key);
    const bool has_prefix = !written.empty() && (written.front() == '@' || written.find(':') != std::string_view::npos);
    stored_key = has_prefix ? std::string(written) : "@" + std::string(written);
  } else if (kind == "domain") {
    table = &domains_;
    kind_idx = 1;
    norm = NormalizeDomain(key);
    stored_key = norm;
    max_path_depth_ = std::max<std::size_t>(max_path_depth_, std::count(norm.begin(), norm.end(), '/'));
  } else if (kind == "platform_id") {
    table = &ids_;
    kind_idx = 2;
    norm = ToLowerAscii(Trim(key));
    stored_key = std::string(Trim(key));
  } else {
    throw Error(ErrorKind::kData, "unknown registry kind '" + std::string(kind) + "'");
  }
  if (norm.empty()) throw Error(ErrorKind::kData, "empty registry " + std::string(kind) + " key");
  const auto cls = std::find(std::begin(kActorClasses), std::end(kActorClasses), info.actor_class);
  if (cls == std::end(kActorClasses)) throw Error(ErrorKind::kData, "unknown actor class '" + info.actor_class + "'");
  if (entries_.size() >= std::numeric_limits<std::uint32_t>::max() - 1) {
    throw Error(ErrorKind::kData, "actor registry holds too many entries");
  }
  Packed packed;
  packed.kind = kind_idx;
  packed.actor_class = static_cast<std::uint8_t>(cls - std::begin(kActorClasses));
  packed.region = Label(info.region);
  packed.department = Label(info.department);
  packed.group = Label(info.group);
  packed.key = stored_key == norm ? Span{} : AddText(stored_key);
  // The rows of one person follow each other (handle, id, other platforms): their name is stored once.
  packed.name =
      !entries_.empty() && View(entries_.back().name) == info.name ? entries_.back().name : AddText(info.name);
  const auto norm_of = [this](std::uint32_t e) { return View(entries_[e].norm); };
  const auto [entry, added] = table->FindOrAdd(
      std::hash<std::string_view>{}(norm), [&](std::uint32_t e) { return norm_of(e) == norm; },
      static_cast<std::uint32_t>(entries_.size()),
      [&](std::uint32_t e) { return std::hash<std::string_view>{}(norm_of(e)); });
  packed.norm = added ? AddText(norm) : entries_[entry].norm;
  if (stored_key == norm) packed.key = packed.norm;
  if (added) {
    entries_.push_back(packed);
  } else {
    entries_[entry] = packed;
  }
}

RegistryEntry Registry::Entry(std::size_t idx) const {
  const Packed& p = entries_.at(idx);
  return RegistryEntry{kKinds[p.kind],    View(p.key),  kActorClasses[p.actor_class],
                       labels_[p.region], View(p.name), labels_[p.department],
                       labels_[p.group]};
}

std::optional<ActorInfo> Registry::Lookup(const IndexTable& table, std::string_view norm) const {
  const auto entry =
      table.Find(std::hash<std::string_view>{}(norm), [&](std::uint32_t e) { return View(entries_[e].norm) == norm; });
  if (!entry) return std::nullopt;
  return Entry(*entry).Info();
}

std::optional<ActorInfo> Registry::ResolveHandle(std::string_view handle) const {
  const std::string norm = NormalizeHandle(handle);
  if (norm.empty()) return std::nullopt;
  return Lookup(handles_, norm);
}

std::optional<ActorInfo> Registry::ResolveDomain(std::string_view host) const {
  std::string h;
  std::vector<std::string> segs;
  SplitHostPath(host, &h, &segs);
  if (h.empty()) return std::nullopt;
  // Longest label suffix first; on each, the longest registered path prefix, then the bare host.
  for (std::size_t start = 0; start != std::string::npos;) {
    const std::string suffix = h.substr(start);
    for (std::size_t depth = std::min(segs.size(), max_path_depth_); depth > 0; --depth) {
      std::string key = suffix;
      for (std::size_t k = 0; k < depth; ++k) key += "/" + segs[k];
      if (auto hit = Lookup(domains_, key)) return hit;
    }
    if (auto hit = Lookup(domains_, suffix)) return hit;
    const auto dot = h.find('.', start);
    start = dot == std::string::npos ? std::string::npos : dot + 1;
  }
  return std::nullopt;
}

std::optional<ActorInfo> Registry::ResolvePlatformId(std::string_view id) const {
  const std::string norm = ToLowerAscii(Trim(id));
  if (norm.empty()) return std::nullopt;
  if (auto hit = Lookup(ids_, norm)) return hit;
  if (AllDigits(norm)) return Lookup(ids_, "twitter:" + norm);  // bare numbers are Twitter user ids
  return std::nullopt;
}

std::optional<ActorInfo> Registry::Resolve(std::string_view key) const {
  const std::string_view k = Trim(key);
  if (k.empty()) return std::nullopt;
  if (k.find("://") != std::string_view::npos) {
    // A profile URL names an account: https://twitter.com/varmatin.
    if (UrlHost(k) == "twitter.com") {
      std::string host;
      std::vector<std::string> segs;
      SplitHostPath(k, &host, &segs);
      constexpr std::string_view kNotHandles[] = {"i", "hashtag", "search", "intent", "home", "share", "explore"};
      if (!segs.empty() &&
          std::find(std::begin(kNotHandles), std::end(kNotHandles), segs[0]) == std::end(kNotHandles)) {
        if (auto hit = ResolveHandle(segs[0])) return hit;
      }
    }
    return ResolveDomain(k);
  }
  if (k.front() == '@') return ResolveHandle(k);
  if (auto hit = ResolvePlatformId(k)) return hit;
  if (k.find(':') != std::string_view::npos) return ResolveHandle(k);  // "mastodon:@user@host"
  if (k.find('.') != std::string_view::npos || k.find('/') != std::string_view::npos) return ResolveDomain(k);
  return ResolveHandle(k);
}

std::size_t Registry::size() const { return entries_.size(); }

}  // namespace relais::corpora
