// Placeholder registry (replaced by the real one with the shipped French registry).
#include "relais/corpora/registry.hpp"

namespace relais::corpora {
bool IsActorClass(std::string_view s) {
  for (auto c : kActorClasses) {
    if (c == s) return true;
  }
  return false;
}
Registry Registry::Builtin() { return {}; }
void Registry::LoadCsv(const std::string&) {}
void Registry::LoadCsvText(std::string_view, const std::string&) {}
void Registry::Add(std::string_view, std::string_view, ActorInfo) {}
std::optional<ActorInfo> Registry::Resolve(std::string_view) const { return std::nullopt; }
std::optional<ActorInfo> Registry::ResolveHandle(std::string_view) const { return std::nullopt; }
std::optional<ActorInfo> Registry::ResolveDomain(std::string_view) const { return std::nullopt; }
std::optional<ActorInfo> Registry::ResolvePlatformId(std::string_view) const { return std::nullopt; }
std::size_t Registry::size() const { return entries_.size(); }
std::vector<std::pair<std::string, ActorInfo>> Registry::Entries() const { return entries_; }
}  // namespace relais::corpora
