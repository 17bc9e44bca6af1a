// The actor registry: who is press, regional press, an agency, PR, a politician…
// CSV `key,kind,actor_class,region,name[,department,group]` with kind handle|domain|platform_id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "relais/base/index_table.hpp"

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

/// One registry entry as stored: views into the registry, valid until it is changed or destroyed.
struct RegistryEntry {
  std::string_view kind;  // handle, domain or platform_id
  std::string_view key, actor_class, region, name, department, group;
  ActorInfo Info() const;
};

/// Built for registries of millions of actors: strings live in one arena, classes and the few distinct
/// regions, departments and groups are numbers, and the three lookup tables hold entry numbers.
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
  /// Entry `idx` (< size()) in load order (for listing and the synthetic world); an overridden key keeps
  /// its first position and shows its last value.
  RegistryEntry Entry(std::size_t idx) const;

  /// Normalised lookup forms: "varmatin" for "@VarMatin", "mastodon:user@host" for
  /// "mastodon:@user@host"; "ouest-france.fr/bretagne" for "https://www.Ouest-France.fr/bretagne/".
  static std::string NormalizeHandle(std::string_view handle);
  static std::string NormalizeDomain(std::string_view domain_or_url);

 private:
  /// A string in text_.
  struct Span {
    std::uint32_t offset = 0, size = 0;
  };
  struct Packed {
    Span key, norm, name;  // norm: the normalised key the lookup table matches
    std::uint8_t kind = 0, actor_class = 0;
    std::uint32_t region = 0, department = 0, group = 0;  // indexes into labels_ (0: empty)
  };
  std::optional<ActorInfo> Lookup(const IndexTable& table, std::string_view norm) const;
  Span AddText(std::string_view s);
  std::uint32_t Label(std::string_view s);
  std::string_view View(Span span) const { return std::string_view(text_).substr(span.offset, span.size); }

  std::string text_;                        // arena of keys, normalised keys and names
  std::vector<std::string> labels_ = {""};  // distinct regions, departments and groups; labels_[0] is ""
  std::unordered_map<std::string, std::uint32_t> label_ids_;
  std::vector<Packed> entries_;
  IndexTable handles_, domains_, ids_;  // normalised key -> entry number
  std::size_t max_path_depth_ = 0;      // deepest path prefix among domain keys (lefigaro.fr/vox: 1)
};

}  // namespace relais::corpora
