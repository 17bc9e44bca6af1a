// Finalising parsed records before they reach the writer: press/PR keys, canonical URLs, embeds.
// Runs in the pipeline's parallel stage, so it must stay free of shared mutable state.
#include <algorithm>
#include <cctype>

#include "relais/base/hash.hpp"
#include "relais/base/time.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/url.hpp"

namespace relais::corpora {
namespace {

bool IsUrlStop(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '<' || c == '>' || c == ')' ||
         c == ']' || c == '}' || c == '|' || c == '\\';
}

/// Every http(s) URL-looking token of a text.
template <typename F>
void ForEachUrlInText(std::string_view text, F&& f) {
  std::size_t pos = 0;
  while ((pos = text.find("http", pos)) != std::string_view::npos) {
    std::string_view rest = text.substr(pos);
    if (rest.rfind("http://", 0) != 0 && rest.rfind("https://", 0) != 0) {
      pos += 4;
      continue;
    }
    std::size_t end = 0;
    while (end < rest.size() && !IsUrlStop(rest[end])) ++end;
    std::string_view url = rest.substr(0, end);
    while (!url.empty() && (url.back() == '.' || url.back() == ',' || url.back() == ';' || url.back() == ':'))
      url.remove_suffix(1);
    f(url);
    pos += end;
  }
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

/// The handle in a twitter.com / x.com status URL path ("/handle/status/ID"), or empty.
std::string StatusUrlHandle(std::string_view url) {
  std::string host = UrlHost(url);
  if (host != "twitter.com" && host != "x.com" && host != "mobile.twitter.com") return {};
  std::size_t scheme = url.find("://");
  std::size_t slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (slash == std::string_view::npos) return {};
  std::string_view path = url.substr(slash + 1);
  std::size_t end = path.find('/');
  if (end == std::string_view::npos || path.substr(end).rfind("/status", 0) != 0) return {};
  return std::string(path.substr(0, end));
}

void AddEmbed(std::string_view url, std::vector<std::string>& keys, std::vector<std::string>& handles) {
  std::string key;
  if (!StatusUrlToItemKey(url, &key) || key.empty()) return;
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) return;
  keys.push_back(std::move(key));
  handles.push_back(StatusUrlHandle(url));
}

void PrepareItem(ItemRecord& item, std::vector<std::string>& raw_links, std::vector<std::string>& embeds) {
  if (!item.url.empty()) {
    std::string canonical = CanonicalizeUrl(item.url);
    if (!canonical.empty()) item.url = std::move(canonical);
  }
  const bool article = item.channel != Channel::kSocial;
  // Europresse articles without their own link keep their document number as key.
  if (article && item.key.rfind("europresse:", 0) != 0) item.key = PressItemKey(item);

  std::vector<std::string> links;
  links.reserve(item.links.size());
  raw_links.reserve(item.links.size());
  for (auto& raw : item.links) {
    if (raw.empty()) continue;
    std::string canonical = CanonicalizeUrl(raw);
    if (canonical.empty()) canonical = raw;
    if (std::find(links.begin(), links.end(), canonical) != links.end()) continue;
    links.push_back(std::move(canonical));
    raw_links.push_back(std::move(raw));
  }
  item.links = std::move(links);

  for (auto& m : item.mentions) {
    if (!m.empty() && m.front() == '@') m.erase(0, 1);
  }
  std::vector<std::string> mentions;
  for (auto& m : item.mentions) {
    if (m.empty()) continue;
    bool seen = std::any_of(mentions.begin(), mentions.end(), [&](const std::string& x) { return EqualsNoCase(x, m); });
    if (!seen) mentions.push_back(std::move(m));
  }
  item.mentions = std::move(mentions);

  std::vector<std::string> tags;
  for (auto& t : item.hashtags) {
    if (!t.empty() && t.front() == '#') t.erase(0, 1);
    if (t.empty() || std::find(tags.begin(), tags.end(), t) != tags.end()) continue;
    tags.push_back(std::move(t));
  }
  item.hashtags = std::move(tags);

  std::vector<ItemRef> refs;
  for (auto& r : item.refs) {
    if (r.target_key.empty() || r.target_key == item.key) continue;
    if (!r.target_author_handle.empty() && r.target_author_handle.front() == '@') r.target_author_handle.erase(0, 1);
    bool seen = std::any_of(refs.begin(), refs.end(),
                            [&](const ItemRef& x) { return x.layer == r.layer && x.target_key == r.target_key; });
    if (!seen) refs.push_back(std::move(r));
  }
  item.refs = std::move(refs);

  if (!article) return;
  // An article embedding a post: status URLs in its body or among its links.
  std::vector<std::string> handles;
  ForEachUrlInText(item.text, [&](std::string_view url) { AddEmbed(url, embeds, handles); });
  for (const auto& raw : raw_links) AddEmbed(raw, embeds, handles);
  for (std::size_t i = 0; i < embeds.size(); ++i) {
    if (embeds[i] == item.key) continue;
    bool seen = std::any_of(item.refs.begin(), item.refs.end(),
                            [&](const ItemRef& x) { return x.layer == Layer::kEmbed && x.target_key == embeds[i]; });
    if (!seen) item.refs.push_back(ItemRef{Layer::kEmbed, embeds[i], handles[i]});
  }
}

// The item's own location: a geotag, else its platform place (a press article's edition), else (press) its
// dateline.
geo::Place ResolveItemPlace(const ItemRecord& item) {
  const auto& gaz = geo::Gazetteer::Builtin();
  if (item.geo.has_point) {
    geo::Place p = gaz.ResolvePoint(item.geo.lat, item.geo.lon);
    if (p.resolved()) return p;
  }
  if (!item.geo.place.empty()) {
    geo::Place p = gaz.ResolvePlace(item.geo.place, item.geo.country_code);
    if (p.resolved()) return p;
  }
  if (item.channel == Channel::kPress) {
    geo::Place p = gaz.ResolveDateline(item.text);
    if (p.resolved()) return p;
  }
  return {};
}

}  // namespace

std::string PressItemKey(const ItemRecord& item) {
  if (!item.url.empty()) {
    std::string canonical = CanonicalizeUrl(item.url);
    if (!canonical.empty()) return canonical;
  }
  return "press:sha256-" + Sha256Hex(item.author.key + "\n" + FormatIso8601(item.time) + "\n" + item.title);
}

PreparedRecord PrepareRecord(ParsedRecord record) {
  PreparedRecord out;
  out.raw_links.resize(record.items.size());
  out.embeds.resize(record.items.size());
  out.places.resize(record.items.size());
  out.author_places.resize(record.items.size());
  for (std::size_t i = 0; i < record.items.size(); ++i) {
    PrepareItem(record.items[i], out.raw_links[i], out.embeds[i]);
    out.places[i] = ResolveItemPlace(record.items[i]);
    if (!record.items[i].author_location.empty())
      out.author_places[i] = geo::Gazetteer::Builtin().Resolve(record.items[i].author_location);
  }
  out.record = std::move(record);
  return out;
}

}  // namespace relais::corpora
