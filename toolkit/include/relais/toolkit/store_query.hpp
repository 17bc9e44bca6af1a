// Reading flows and actors out of the store for the analyses (flows matrix, who, export).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "relais/base/time.hpp"
#include "relais/corpora/store.hpp"

struct sqlite3;

namespace relais::toolkit {

/// One flow edge with the derived item's time (flows happen when the later item appears).
struct FlowRow {
  std::int64_t id = 0;
  std::string layer;
  std::int64_t src_item = 0;  // 0 when the source is only an actor
  std::int64_t dst_item = 0;
  std::int64_t src_actor = 0;  // 0 when unknown
  std::int64_t dst_actor = 0;
  TimeMs time = 0;                      // dst item time
  std::optional<std::int64_t> latency;  // ms
};

struct ActorRow {
  std::int64_t id = 0;
  std::string key, name, actor_class, region, platform;
  bool is_public = false;
};

/// Which flows to read. Empty layers = all layers. Window is [from, to) on the derived item's time.
struct FlowQuery {
  std::vector<std::string> layers;
  std::optional<TimeMs> from, to;
};

/// " AND f.layer IN (?,…)" with one parameter per layer, or "" when `layers` is empty: the one way
/// layers enter SQL. Bind them with BindLayers at the index of the clause's first parameter.
std::string LayerInClause(const std::vector<std::string>& layers);

/// Binds `layers` to parameters first, first + 1, …; returns the index after the last one.
int BindLayers(corpora::Statement& st, int first, const std::vector<std::string>& layers);

/// Calls fn with every flow of `query` in id order (deterministic), one at a time: the partitions' flows are
/// merged by id as they are read, so memory does not grow with the number of flows (issue 11).
void ForEachFlow(const corpora::Store& store, const FlowQuery& query, const std::function<void(const FlowRow&)>& fn);
/// The flows of one partition's connection (catalog attached), ordered by id.
std::vector<FlowRow> LoadPartitionFlows(sqlite3* db, const FlowQuery& query);

/// All actors by id.
std::unordered_map<std::int64_t, ActorRow> LoadActors(const corpora::Store& store);
/// Calls fn with every actor, one at a time (what LoadActors holds, without holding it); fn may move from it.
void ForEachActor(const corpora::Store& store, const std::function<void(ActorRow&)>& fn);

/// The région group of an actor as `flows --by region` names it: the registry's région, else the
/// account's resolved home région (from a geotag, a place or its profile; docs/schema.md "Geography"),
/// else "(abroad)" for a home outside France, else "(none)". An SQL expression over
/// `actors a LEFT JOIN actor_geo g ON g.actor_id = a.id`; `*join` gets that join's text, empty when the
/// store has no geography (the expression then reads `a.region` alone).
std::string RegionGroupSql(const corpora::Store& store, std::string* join);
/// The same over `actors <actor_alias> LEFT JOIN actor_geo <geo_alias>` (two actors in one query).
std::string RegionGroupSql(const corpora::Store& store, std::string* join, std::string_view actor_alias,
                           std::string_view geo_alias);

/// Which homes make an actor's région group: the observed ones only (registry, geotag, place, profile), or those
/// and, for the actors still without one, the région `relais geo infer` gave them (actor_geo_inferred), labelled
/// "<région> (inferred)" so that an analysis never mixes inferred with observed homes silently.
enum class RegionSource { kObserved, kWithInferred };

/// "observed" | "inferred" (the --geo option) → RegionSource; anything else is a usage error.
RegionSource ParseRegionSource(std::string_view name);

/// Every actor's région group (RegionGroupSql), by actor id; with kWithInferred, the actors in "(none)" that
/// have an inferred région get corpora::InferredRegionLabel of it (a usage error when `relais geo infer` never ran).
std::unordered_map<std::int64_t, std::string> RegionGroups(const corpora::Store& store,
                                                           RegionSource source = RegionSource::kObserved);

/// How an actor is shown: its key, or a keyed pseudonym when it is not a public actor and
/// pseudonymise is on (registry-listed outlets, politicians… stay named).
std::string DisplayKey(const corpora::Store& store, const ActorRow& actor, bool pseudonymise);

/// How an item is referred to: its key, or — when pseudonymise is on and its author is not a public
/// actor (or unknown) — "item-" + a keyed hash of the key, which names no account and cannot be
/// reversed without the store's secret (a status id or post URL would identify its author).
std::string DisplayItemKey(const corpora::Store& store, const std::string& item_key, bool author_is_public,
                           bool pseudonymise);

/// Texts shown beside pseudonyms must not name the accounts either ("RT @handle: …" would unmask the
/// retweeted account). With pseudonymise on, Mask() replaces each @mention that is not a public
/// actor's handle by the account's pseudonym (or "@…" for an account not in the store), and each link
/// to a social-media post or profile (twitter.com, x.com, t.co, bsky.app, Mastodon /@user or /users/
/// paths) by "[lien masqué]". Lookups are remembered for the masker's lifetime (one answer).
class TextMasker {
 public:
  TextMasker(const corpora::Store& store, bool pseudonymise) : store_(store), pseudonymise_(pseudonymise) {}
  std::string Mask(std::string_view text);

 private:
  std::string Mention(const std::string& handle);
  const corpora::Store& store_;
  bool pseudonymise_;
  std::unordered_map<std::string, std::string> mentions_;
};

/// Finds an actor by key ("@handle", "handle", domain, URL, "mastodon:@u@h"), case-insensitive on
/// handles. Throws relais::Error (kInvalidArgument) naming the key when nothing matches.
ActorRow FindActor(const corpora::Store& store, const std::string& key);

/// The item key of an item id ("" when 0).
std::string ItemKey(const corpora::Store& store, std::int64_t item_id);

}  // namespace relais::toolkit
