// The actor registry: who is press, regional press, an agency, PR, a politician…
// CSV `key,kind,actor_class,region,name[,department,group]` with kind handle|domain|platform_id.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace relais::corpora {

/// Classes of DESIGN.md.
inline constexpr std::string_view kActorClasses[] = {"press-national", "press-regional", "press-agency", "pr",
                                                     "brand",          "politician",     "institution",  "journalist",
                                                     "public"};
bool IsActorClass(std::string_view s);

struct ActorInfo {
  std::string key;           // the registry entry that matched (handle with '@', domain, or platform id)
  std::string actor_class;   // one of kActorClasses
  std::string region;        // French region for regional press, else empty
  std::string name;          // outlet / person name
  std::string department{};  // INSEE département code of a local outlet ("83", "2A", "974"), else empty
  std::string group{};       // owning group of a title ("EBRA", "Nice-Matin"), else empty
};

class Registry {
 public:
  /// Empty registry.
  Registry() = default;
  /// The shipped registry of French outlets, agencies, PR wires and politicians.
  static Registry Builtin();

  /// Adds entries from a user CSV (later entries override earlier ones). Throws relais::Error
  /// (kData) naming file and line when the file is unreadable or a row is invalid.
  void LoadCsv(const std::string& path);
  /// Throws what LoadCsv would throw for `path`, without keeping anything (a command's usage check).
  static void CheckCsv(const std::string& path);
  void LoadCsvText(std::string_view csv, const std::string& origin);
  void Add(std::string_view kind, std::string_view key, ActorInfo info);

  /// Resolves a handle ("@varmatin" or "varmatin", case-insensitive), a domain ("lemonde.fr",
  /// sub-domains and regional editions resolve to their outlet), a URL, or a platform id.
  std::optional<ActorInfo> Resolve(std::string_view key) const;
  std::optional<ActorInfo> ResolveHandle(std::string_view handle) const;
  std::optional<ActorInfo> ResolveDomain(std::string_view host) const;
  std::optional<ActorInfo> ResolvePlatformId(std::string_view id) const;

  std::size_t size() const;
  /// All entries in load order (for listing and the synthetic world); an overridden key keeps
  /// its first position and shows its last value.
  const std::vector<std::pair<std::string, ActorInfo>>& Entries() const;  // (kind, info), in load order

  /// Normalised lookup forms: "varmatin" for "@VarMatin", "mastodon:user@host" for
  /// "mastodon:@user@host"; "ouest-france.fr/bretagne" for "https://www.Ouest-France.fr/bretagne/".
  static std::string NormalizeHandle(std::string_view handle);
  static std::string NormalizeDomain(std::string_view domain_or_url);

 private:
  std::optional<ActorInfo> Lookup(const std::unordered_map<std::string, std::size_t>& map,
                                  const std::string& key) const;

  // normalised key -> index into entries_
  std::unordered_map<std::string, std::size_t> handles_, domains_, ids_;
  std::vector<std::pair<std::string, ActorInfo>> entries_;
  std::size_t max_path_depth_ = 0;  // deepest path prefix among domain keys (lefigaro.fr/vox: 1)
};

}  // namespace relais::corpora
