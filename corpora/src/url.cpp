// Placeholder URL canonicaliser (replaced by the table-driven one).
#include "relais/corpora/url.hpp"

namespace relais::corpora {
std::string CanonicalizeUrl(std::string_view url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) return {};
  return std::string(url);
}
std::string UrlHost(std::string_view url) {
  auto p = url.find("://");
  if (p == std::string_view::npos) return {};
  auto rest = url.substr(p + 3);
  return std::string(rest.substr(0, rest.find_first_of("/?#:")));
}
bool IsShortenedUrl(std::string_view) { return false; }
bool StatusUrlToItemKey(std::string_view, std::string*) { return false; }
}  // namespace relais::corpora
