// The store writer: a serial router (actors and host actors in the catalog, item ids in input
// order, the partition of each item key) and one writer per partition, run in parallel; prepared
// statements bound without copies; items inserted with ON CONFLICT(key) so re-ingesting is
// idempotent and expansions get upgraded.
#include <sqlite3.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "detail/parsed_input.hpp"
#include "detail/partition_owner.hpp"
#include "detail/store_detail.hpp"
#include "relais/base/error.hpp"
#include "relais/base/strings.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/url.hpp"

namespace relais::corpora {
namespace {

// Registry-listed actors are public (named in exports) unless the registry itself classes them as
// ordinary accounts ("public" class): a person listed in a user's file is still personal data.
int IsPublicActor(const ActorInfo& info) { return info.actor_class == "public" ? 0 : 1; }

[[noreturn]] void ThrowSql(sqlite3* db, std::string_view what) {
  throw Error(ErrorKind::kInternal, std::string(what) + ": " + sqlite3_errmsg(db));
}

/// A prepared statement with static (non-copying) binds: values must outlive the step.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
      ThrowSql(db, "prepare \"" + sql.substr(0, 60) + "\"");
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Int(int idx, std::int64_t v) {
    sqlite3_bind_int64(stmt_, idx, v);
    return *this;
  }
  /// Empty text binds NULL unless keep_empty.
  Stmt& Text(int idx, std::string_view v, bool keep_empty = false) {
    if (v.empty() && !keep_empty) {
      sqlite3_bind_null(stmt_, idx);
    } else {
      sqlite3_bind_text(stmt_, idx, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    }
    return *this;
  }
  Stmt& IntOrNull(int idx, std::int64_t v) {
    if (v > 0) return Int(idx, v);
    sqlite3_bind_null(stmt_, idx);
    return *this;
  }
  /// Steps once; true when a row is available.
  bool Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    ThrowSql(db_, "step");
  }
  /// Runs to completion and resets; returns the number of rows changed.
  int Run() {
    while (Step()) {
    }
    sqlite3_reset(stmt_);
    return sqlite3_changes(db_);
  }
  void Reset() { sqlite3_reset(stmt_); }
  std::int64_t ColInt(int col) const { return sqlite3_column_int64(stmt_, col); }
  sqlite3_stmt* raw() { return stmt_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Item keys this writer knows to be stored, so repeated expansions (the same retweeted post in
// many records) skip the insert. Bounded: cleared when full (only a shortcut, never a decision).
constexpr std::size_t kKnownKeysCap = 1 << 18;
// Actor ids by key and the profile locations written: caches over the actors and actor_geo tables, emptied
// when full (a miss costs a SELECT, and an UPDATE of a registry actor, which write the same values again).
constexpr std::size_t kActorCacheCap = 1 << 20;

std::string_view PlatformForClass(std::string_view actor_class) {
  if (actor_class.rfind("press", 0) == 0) return "press";
  if (actor_class == "pr") return "pr";
  return "web";
}

}  // namespace

// One partition's writer: items (with the id the router gave them), their children, upgrades of
// expansion-only items. `schema` qualifies its tables ("main." on a connection of its own, "p3."
// on the store's catalog connection).
class PartitionWriter {
 public:
  PartitionWriter(sqlite3* db, const std::string& schema)
      : db_(db),
        ins_item(db, Q(schema,
                       "INSERT INTO {S}items(id, key, platform, channel, kind, actor_id, time, text, title, lang, url, "
                       "expansion, file, line) VALUES(?14, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
                       "ON CONFLICT(key) DO NOTHING")),
        sel_item(db, Q(schema, "SELECT id, expansion, time, actor_id FROM {S}items WHERE key = ?1")),
        ins_pending(
            db, Q(schema, "INSERT OR IGNORE INTO {S}flow_pending(item_id, old_time, old_actor) VALUES(?1, ?2, ?3)")),
        upd_item(db, Q(schema,
                       "UPDATE {S}items SET platform = ?2, channel = ?3, kind = ?4, actor_id = ?5, time = ?6, "
                       "text = ?7, title = ?8, lang = ?9, url = ?10, expansion = 0, file = ?12, line = ?13 "
                       "WHERE id = ?14")),
        del_refs(db, Q(schema, "DELETE FROM {S}refs WHERE item_id = ?1")),
        del_urls(db, Q(schema, "DELETE FROM {S}urls WHERE item_id = ?1")),
        del_tags(db, Q(schema, "DELETE FROM {S}hashtags WHERE item_id = ?1")),
        del_mentions(db, Q(schema, "DELETE FROM {S}mentions WHERE item_id = ?1")),
        ins_ref(db,
                Q(schema,
                  "INSERT OR IGNORE INTO {S}refs(item_id, layer, target_key, target_handle) VALUES(?1, ?2, ?3, ?4)")),
        ins_url(db, Q(schema,
                      "INSERT OR IGNORE INTO {S}urls(item_id, url, raw_url, host, host_actor) "
                      "VALUES(?1, ?2, ?3, ?4, ?5)")),
        ins_tag(db, Q(schema, "INSERT OR IGNORE INTO {S}hashtags(item_id, tag) VALUES(?1, ?2)")),
        ins_mention(db, Q(schema, "INSERT OR IGNORE INTO {S}mentions(item_id, handle) VALUES(?1, ?2)")),
        ins_geo(db, Q(schema,
                      "INSERT OR REPLACE INTO {S}item_geo(item_id, lat, lon, place, country_code, departement, "
                      "region, country, evidence, confidence) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")),
        del_geo(db, Q(schema, "DELETE FROM {S}item_geo WHERE item_id = ?1")),
        max_id(db, Q(schema, "SELECT coalesce(max(id), 0) FROM {S}items")) {}

  std::int64_t MaxId() {
    std::int64_t id = max_id.Step() ? max_id.ColInt(0) : 0;
    max_id.Reset();
    return id;
  }

  /// Writes one routed item; true when it is new or upgraded from an expansion.
  bool WriteItem(const ItemRecord& item, bool expansion, const InputPos& pos, const std::vector<std::string>& raw,
                 std::int64_t actor_id, const std::int64_t* host_actors, std::int64_t id, const geo::Place& place) {
    BindItem(ins_item, item, actor_id, pos);
    ins_item.Int(11, expansion ? 1 : 0).Int(14, id);
    if (ins_item.Run() == 1) {
      WriteChildren(id, item, raw, host_actors);
      WriteGeo(id, item, place);
      return true;
    }
    if (expansion) return false;
    std::int64_t existing = 0, old_time = 0, old_actor = 0;
    bool was_expansion = false;
    sel_item.Text(1, item.key, true);
    if (sel_item.Step()) {
      existing = sel_item.ColInt(0);
      was_expansion = sel_item.ColInt(1) != 0;
      old_time = sel_item.ColInt(2);
      old_actor = sel_item.ColInt(3);
    }
    sel_item.Reset();
    if (existing == 0 || !was_expansion) return false;
    // The flows of an upgraded item, and of those that point at it, are redone by the next flow pass.
    ins_pending.Int(1, existing).Int(2, old_time).IntOrNull(3, old_actor).Run();
    BindItem(upd_item, item, actor_id, pos);
    upd_item.Int(14, existing).Run();
    for (Stmt* del : {&del_refs, &del_urls, &del_tags, &del_mentions, &del_geo}) del->Int(1, existing).Run();
    WriteChildren(existing, item, raw, host_actors);
    WriteGeo(existing, item, place);
    return true;
  }

 private:
  static std::string Q(const std::string& schema, std::string_view sql) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
      std::size_t at = sql.find("{S}", pos);
      out.append(sql.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos));
      if (at == std::string_view::npos) break;
      out.append(schema);
      pos = at + 3;
    }
    return out;
  }

  void WriteChildren(std::int64_t item_id, const ItemRecord& item, const std::vector<std::string>& raw_links,
                     const std::int64_t* host_actors) {
    for (const auto& r : item.refs) {
      ins_ref.Int(1, item_id)
          .Text(2, ToString(r.layer), true)
          .Text(3, r.target_key, true)
          .Text(4, r.target_author_handle);
      ins_ref.Run();
    }
    for (std::size_t i = 0; i < item.links.size(); ++i) {
      const std::string& url = item.links[i];
      const std::string host = UrlHost(url);
      ins_url.Int(1, item_id)
          .Text(2, url, true)
          .Text(3, i < raw_links.size() ? std::string_view(raw_links[i]) : std::string_view(url))
          .Text(4, host)
          .IntOrNull(5, host_actors[i]);
      ins_url.Run();
    }
    for (const auto& t : item.hashtags) ins_tag.Int(1, item_id).Text(2, t, true).Run();
    for (const auto& m : item.mentions) ins_mention.Int(1, item_id).Text(2, m, true).Run();
  }

  // The item's location (docs/schema.md, item_geo): a row when it has a geotag, a place or a resolved
  // dateline; precise coordinates kept for the store's owner, never exported for private accounts.
  void WriteGeo(std::int64_t item_id, const ItemRecord& item, const geo::Place& place) {
    if (item.geo.empty() && !place.resolved()) return;
    ins_geo.Int(1, item_id);
    if (item.geo.has_point) {
      sqlite3_bind_double(ins_geo.raw(), 2, item.geo.lat);
      sqlite3_bind_double(ins_geo.raw(), 3, item.geo.lon);
    } else {
      sqlite3_bind_null(ins_geo.raw(), 2);
      sqlite3_bind_null(ins_geo.raw(), 3);
    }
    ins_geo.Text(4, item.geo.place).Text(5, item.geo.country_code);
    ins_geo.Text(6, place.departement).Text(7, place.region).Text(8, place.country);
    ins_geo.Text(9, place.resolved() ? geo::EvidenceName(place.evidence) : std::string_view());
    if (place.resolved())
      sqlite3_bind_double(ins_geo.raw(), 10, place.confidence);
    else
      sqlite3_bind_null(ins_geo.raw(), 10);
    ins_geo.Run();
  }

  void BindItem(Stmt& st, const ItemRecord& item, std::int64_t actor_id, const InputPos& pos) {
    st.Text(1, item.key, true)
        .Text(2, item.platform)
        .Text(3, ToString(item.channel), true)
        .Text(4, ToString(item.kind), true)
        .IntOrNull(5, actor_id)
        .Int(6, item.time)
        .Text(7, item.text)
        .Text(8, item.title)
        .Text(9, item.lang)
        .Text(10, item.url)
        .Text(12, pos.file)
        .Int(13, static_cast<std::int64_t>(pos.line));
  }

  sqlite3* db_;
  Stmt ins_item, sel_item, ins_pending, upd_item, del_refs, del_urls, del_tags, del_mentions, ins_ref, ins_url, ins_tag,
      ins_mention, ins_geo, del_geo, max_id;
};

// One item of a batch, routed to its partition with everything decided serially.
struct RoutedItem {
  const PreparedRecord* record;
  std::size_t index;  // in record->record.items
  std::int64_t actor_id;
  std::int64_t id;
  std::size_t hosts;  // offset of its links' host actors in the batch's host list
  bool added = false;

  const ItemRecord& item() const { return record->record.items[index]; }
  /// The raw form of its links (none recorded: empty).
  const std::vector<std::string>& raw_links() const {
    static const std::vector<std::string> kNoLinks;
    return index < record->raw_links.size() ? record->raw_links[index] : kNoLinks;
  }
  /// Where it was posted (unresolved when not recorded).
  const geo::Place& place() const {
    static const geo::Place kNowhere;
    return index < record->places.size() ? record->places[index] : kNowhere;
  }
};

// One item as its partition's owner receives it (a kWrite request), with what its writer needs.
struct OwnedItem {
  ItemRecord item;
  bool expansion = false;
  InputPos pos;
  std::vector<std::string> raw_links;
  std::int64_t actor_id = 0;
  std::int64_t id = 0;
  std::vector<std::int64_t> host_actors;
  geo::Place place;
};

void PutOwnedItem(detail::ByteWriter& o, const ItemRecord& item, bool expansion, const InputPos& pos,
                  const std::vector<std::string>& raw_links, std::int64_t actor_id, const std::int64_t* host_actors,
                  std::int64_t id, const geo::Place& place) {
  detail::PutItem(o, item);
  o.U8(expansion ? 1 : 0);
  detail::PutPos(o, pos);
  o.Strs(raw_links);
  o.I64(actor_id);
  o.I64(id);
  o.U64(item.links.size());
  for (std::size_t i = 0; i < item.links.size(); ++i) o.I64(host_actors[i]);
  detail::PutPlace(o, place);
}

OwnedItem GetOwnedItem(detail::ByteReader& in) {
  OwnedItem it;
  it.item = detail::GetItem(in);
  it.expansion = in.U8() != 0;
  it.pos = detail::GetPos(in);
  it.raw_links = in.Strs();
  it.actor_id = in.I64();
  it.id = in.I64();
  it.host_actors.resize(in.Count());
  for (auto& h : it.host_actors) h = in.I64();
  if (it.host_actors.size() != it.item.links.size())
    throw Error(ErrorKind::kInternal, "partition write: host actors do not match the item's links");
  it.place = detail::GetPlace(in);
  return it;
}

/// One kWrite answer read from `in`: each partition it lists, with one byte per item sent there, in the order
/// sent (non-zero: added).
std::vector<std::pair<std::int64_t, std::span<const std::byte>>> ReadWriteAnswer(detail::ByteReader& in) {
  std::vector<std::pair<std::int64_t, std::span<const std::byte>>> parts(in.Count());
  for (auto& [p, flags] : parts) {
    p = in.I64();
    flags = in.Bytes(in.Count());
  }
  return parts;
}

struct StoreWriter::Impl {
  Impl(Store& store, const Registry& reg, std::vector<sqlite3*> partition_dbs, PartitionOwners* owners_)
      : db(store.db()),
        owners(owners_),
        store_(store),
        registry(reg),
        sel_actor(db, "SELECT id FROM actors WHERE key = ?1"),
        ins_actor(db,
                  "INSERT INTO actors(key, platform, handle, name, platform_id, actor_class, region, public) "
                  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        upd_actor(db,
                  "UPDATE actors SET actor_class = ?2, region = ?3, public = ?4, name = coalesce(nullif(?5, ''), name) "
                  "WHERE id = ?1"),
        ins_quarantine(db,
                       "INSERT OR IGNORE INTO quarantine(file, sha256, line, ordinal, reason, message, excerpt) "
                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        ups_profile(db,
                    "INSERT INTO actor_geo(actor_id, location, loc_departement, loc_region, loc_country, "
                    "loc_confidence) VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(actor_id) DO UPDATE SET "
                    "location = excluded.location, loc_departement = excluded.loc_departement, "
                    "loc_region = excluded.loc_region, loc_country = excluded.loc_country, "
                    "loc_confidence = excluded.loc_confidence") {
    const int n = store.partitions();
    for (int p = 0; p < n; ++p) {
      if (partition_dbs.empty()) {
        parts.push_back(std::make_unique<PartitionWriter>(db, Store::PartitionSchema(p) + "."));
      } else if (sqlite3* pdb = partition_dbs.at(static_cast<std::size_t>(p))) {
        parts.push_back(std::make_unique<PartitionWriter>(pdb, "main."));
      } else {
        if (!owners) throw Error(ErrorKind::kInternal, "partition " + std::to_string(p) + " has no writer");
        parts.push_back(nullptr);  // written by its owner
      }
    }
    routed.resize(parts.size());
    ResetNextId();
  }

  void ResetNextId() {
    next_id = 1;
    for (auto& p : parts)
      if (p) next_id = std::max(next_id, p->MaxId() + 1);
    if (owners) next_id = std::max(next_id, detail::OtherOwnersMaxId(*owners) + 1);
  }

  std::optional<ActorInfo> ResolveActor(const ActorRecord& a) {
    std::optional<ActorInfo> info;
    const bool outlet = a.platform == "press" || a.platform == "pr";
    if (!a.handle.empty() && (a.platform == "twitter" || a.platform.empty())) {
      info = registry.ResolveHandle(a.handle);
    } else if (!a.handle.empty() && !outlet) {
      // Other platforms' accounts match only registry handles prefixed with their platform.
      info = registry.ResolveHandle(a.platform + ":" + a.handle);
    }
    if (!info && !a.platform_id.empty() && a.platform == "twitter") info = registry.ResolvePlatformId(a.platform_id);
    // Other platforms' ids with their prefix: a Jetstream or CAR author is a DID ("bluesky:did:plc:…").
    if (!info && !a.platform_id.empty() && !outlet && !a.platform.empty() && a.platform != "twitter")
      info = registry.ResolvePlatformId(a.platform + ":" + a.platform_id);
    if (!info && outlet && a.key.find('.') != std::string::npos) info = registry.ResolveDomain(a.key);
    if (!info && outlet) {
      if (!names_built) {
        for (std::size_t k = 0; k < registry.size(); ++k) {
          const std::string_view name = registry.Entry(k).name;
          if (!name.empty()) names[ToLowerAscii(name)] = k;
        }
        names_built = true;
      }
      for (std::string_view candidate : {std::string_view(a.name), std::string_view(a.key)}) {
        if (candidate.empty()) continue;
        auto it = names.find(ToLowerAscii(candidate));
        if (it != names.end()) {
          info = registry.Entry(it->second).Info();
          break;
        }
      }
    }
    return info;
  }

  std::int64_t UpsertActor(const ActorRecord& a) {
    if (a.key.empty()) return 0;
    auto it = actor_ids.find(a.key);
    if (it != actor_ids.end()) return it->second;
    std::optional<ActorInfo> info = ResolveActor(a);
    std::int64_t id = 0;
    sel_actor.Text(1, a.key, true);
    if (sel_actor.Step()) id = sel_actor.ColInt(0);
    sel_actor.Reset();
    if (id != 0) {
      // Registry entries (user files included) win over what an earlier run stored.
      if (info)
        upd_actor.Int(1, id)
            .Text(2, info->actor_class, true)
            .Text(3, info->region)
            .Int(4, IsPublicActor(*info))
            .Text(5, info->name)
            .Run();
    } else {
      ins_actor.Text(1, a.key, true)
          .Text(2, a.platform)
          .Text(3, a.handle)
          // A registry actor keeps the registry's name, not the display name of the account that
          // posted under its handle (class, region and public status come from the registry too).
          .Text(4, info && !info->name.empty() ? std::string_view(info->name) : std::string_view(a.name))
          .Text(5, a.platform_id)
          .Text(6, info ? std::string_view(info->actor_class) : std::string_view("public"), true)
          .Text(7, info ? std::string_view(info->region) : std::string_view())
          .Int(8, info ? IsPublicActor(*info) : 0)
          .Run();
      id = sqlite3_last_insert_rowid(db);
    }
    RememberActor(a.key, id);
    return id;
  }

  void RememberActor(const std::string& key, std::int64_t id) {
    if (actor_ids.size() >= actor_cache_cap) actor_ids.clear();
    actor_ids.emplace(key, id);
  }

  /// The registry outlet a link belongs to (0 when none), resolved on the URL so that path-prefix
  /// editions (radiofrance.fr/franceinter) are told apart from their host.
  std::int64_t HostActor(const std::string& url) {
    const std::string host = UrlHost(url);
    if (host.empty()) return 0;
    auto info = registry.ResolveDomain(url);
    if (!info) return 0;
    const std::string key = info->key.empty() ? host : info->key;
    auto it = host_actors.find(key);
    if (it != host_actors.end()) return it->second;
    std::int64_t id = 0;
    // The registry decides the class; UpsertActor resolves the same entry again by domain.
    auto known = actor_ids.find(key);
    if (known != actor_ids.end()) {
      id = known->second;
    } else {
      sel_actor.Text(1, key, true);
      if (sel_actor.Step()) id = sel_actor.ColInt(0);
      sel_actor.Reset();
      if (id == 0) {
        const std::string platform(PlatformForClass(info->actor_class));
        ins_actor.Text(1, key, true)
            .Text(2, platform)
            .Text(3, "")
            .Text(4, info->name)
            .Text(5, "")
            .Text(6, info->actor_class, true)
            .Text(7, info->region)
            .Int(8, 1)
            .Run();
        id = sqlite3_last_insert_rowid(db);
      }
      RememberActor(key, id);
    }
    host_actors.emplace(key, id);
    return id;
  }

  /// The author's profile location as the latest record gives it (input order), resolved.
  void WriteProfile(std::int64_t actor_id, const std::string& location, const geo::Place& place) {
    auto it = profiles.find(actor_id);
    if (it != profiles.end() && it->second == location) return;
    ups_profile.Int(1, actor_id)
        .Text(2, location)
        .Text(3, place.departement)
        .Text(4, place.region)
        .Text(5, place.country);
    sqlite3_bind_double(ups_profile.raw(), 6, place.confidence);
    ups_profile.Run();
    profile_actors.push_back(actor_id);
    if (profiles.size() >= actor_cache_cap) profiles.clear();
    profiles[actor_id] = location;
  }

  /// Routes a batch (serially: actors, host actors, ids, partitions), then writes every
  /// partition's share on its own writer, in parallel when the writers have connections of their own.
  void WriteBatch(const std::vector<const PreparedRecord*>& records, std::vector<StoreWriter::Outcome>& outcomes,
                  bool parallel, bool hold) {
    for (auto& r : routed) r.clear();
    hosts.clear();
    std::vector<std::pair<int, std::size_t>> where;  // per routed item: partition, index
    for (const PreparedRecord* rec : records) {
      const auto& items = rec->record.items;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const ItemRecord& item = items[i];
        if (item.key.empty()) {
          where.emplace_back(-1, 0);
          continue;
        }
        const std::int64_t actor_id = UpsertActor(item.author);
        if (actor_id > 0 && !item.author_location.empty())
          WriteProfile(actor_id, item.author_location,
                       i < rec->author_places.size() ? rec->author_places[i] : geo::Place{});
        // An expansion whose key this writer has seen changes nothing more.
        if (i > 0 && known_keys.count(item.key) != 0) {
          where.emplace_back(-1, 0);
          continue;
        }
        if (known_keys.size() >= kKnownKeysCap) known_keys.clear();
        known_keys.insert(item.key);
        RoutedItem r{rec, i, actor_id, next_id++, hosts.size()};
        for (const auto& url : item.links) hosts.push_back(HostActor(url));
        const int p = store_.PartitionOf(item.key);
        where.emplace_back(p, routed[static_cast<std::size_t>(p)].size());
        routed[static_cast<std::size_t>(p)].push_back(r);
      }
    }
    const std::vector<int> asked = SendToOwners(hold);
    auto write_partition = [&](std::size_t p) {
      if (!parts[p]) return;  // its owner's
      for (auto& r : routed[p])
        r.added = parts[p]->WriteItem(r.item(), r.index > 0, r.record->record.pos, r.raw_links(), r.actor_id,
                                      hosts.data() + r.hosts, r.id, r.place());
    };
    if (parallel && parts.size() > 1) {
      tbb::parallel_for(std::size_t{0}, parts.size(), write_partition);
    } else {
      for (std::size_t p = 0; p < parts.size(); ++p) write_partition(p);
    }
    if (!hold) ReceiveFromOwners(asked);
    outcomes.clear();
    std::size_t k = 0;
    for (const PreparedRecord* rec : records) {
      StoreWriter::Outcome outcome = StoreWriter::Outcome::kDuplicate;
      for (std::size_t i = 0; i < rec->record.items.size(); ++i, ++k) {
        const auto [p, idx] = where[k];
        if (p >= 0 && hold && !parts[static_cast<std::size_t>(p)]) {  // its owner's answer is held
          if (i == 0) outcome = StoreWriter::Outcome::kPending;
          continue;
        }
        const bool added = p >= 0 && routed[static_cast<std::size_t>(p)][idx].added;
        if (i == 0 && added) outcome = StoreWriter::Outcome::kAccepted;
        if (i > 0 && added) ++expansions_added;
      }
      outcomes.push_back(outcome);
    }
  }

  /// Sends each other owner its partitions' share of the routed batch (one kWrite each, for those with
  /// items, or kWriteHeld, remembering whose counts its items' answers feed); returns the owners asked.
  std::vector<int> SendToOwners(bool hold) {
    std::vector<int> asked;
    if (!owners) return asked;
    for (int o = 1; o < owners->count(); ++o) {
      std::vector<std::byte> request;
      detail::ByteWriter out(request);
      out.U8(static_cast<std::uint8_t>(hold ? detail::OwnerOp::kWriteHeld : detail::OwnerOp::kWrite));
      std::vector<std::size_t> mine;
      for (std::size_t p = 0; p < parts.size(); ++p)
        if (!parts[p] && detail::OwnerOfPartition(static_cast<int>(p), *owners) == o && !routed[p].empty())
          mine.push_back(p);
      if (mine.empty()) continue;
      out.U64(mine.size());
      HeldWrite held_write;
      for (const std::size_t p : mine) {
        out.I64(static_cast<std::int64_t>(p));
        out.U64(routed[p].size());
        for (const auto& r : routed[p])
          PutOwnedItem(out, r.item(), r.index > 0, r.record->record.pos, r.raw_links(), r.actor_id,
                       hosts.data() + r.hosts, r.id, r.place());
        if (!hold) continue;
        auto& items = held_write.emplace_back(static_cast<std::int64_t>(p), std::vector<HeldItem>{}).second;
        for (const auto& r : routed[p]) items.push_back(HeldItem{account, r.index == 0});
      }
      owners->Send(o, std::move(request));
      if (hold) held[static_cast<std::size_t>(o)].push_back(std::move(held_write));
      asked.push_back(o);
    }
    return asked;
  }

  /// Takes every other owner's held answers (kTakeHeld) and counts them: a record's first item added is an
  /// accepted record of its account, an expansion added an expansion added.
  void ReceiveHeld() {
    std::vector<int> asked;
    for (int o = 1; o < static_cast<int>(held.size()); ++o) {
      if (held[static_cast<std::size_t>(o)].empty()) continue;
      owners->Send(o, detail::OwnerRequest(detail::OwnerOp::kTakeHeld));
      asked.push_back(o);
    }
    for (const int o : asked) {
      auto& writes = held[static_cast<std::size_t>(o)];
      const std::vector<std::byte> answer = owners->Receive(o);
      detail::ByteReader in(answer);
      const auto mismatch = [o] {
        return Error(ErrorKind::kInternal, "partition owner " + std::to_string(o) + " held other answers");
      };
      if (in.U64() != writes.size()) throw mismatch();
      for (const HeldWrite& w : writes) {
        const auto answered = ReadWriteAnswer(in);
        if (answered.size() != w.size()) throw mismatch();
        for (std::size_t k = 0; k < w.size(); ++k) {
          const auto& [p, items] = w[k];
          const auto& [q, flags] = answered[k];
          if (q != p || flags.size() != items.size()) throw mismatch();
          for (std::size_t i = 0; i < items.size(); ++i) {
            if (flags[i] == std::byte{0}) continue;
            if (items[i].first) {
              ++held_accepted[items[i].account];
            } else {
              ++expansions_added;
            }
          }
        }
      }
      if (!in.done()) throw mismatch();
      writes.clear();
    }
  }

  /// Their answers: which of the items sent were added, partition by partition in the order sent.
  void ReceiveFromOwners(const std::vector<int>& asked) {
    for (const int o : asked) {
      const std::vector<std::byte> answer = owners->Receive(o);
      detail::ByteReader in(answer);
      for (const auto& [q, flags] : ReadWriteAnswer(in)) {
        const auto p = static_cast<std::size_t>(q);
        if (p >= routed.size() || flags.size() != routed[p].size())
          throw Error(ErrorKind::kInternal, "partition owner " + std::to_string(o) + " answered another write");
        for (std::size_t i = 0; i < flags.size(); ++i) routed[p][i].added = flags[i] != std::byte{0};
      }
      if (!in.done()) throw Error(ErrorKind::kInternal, "partition owner " + std::to_string(o) + ": trailing bytes");
    }
  }

  sqlite3* db;
  PartitionOwners* owners = nullptr;
  Store& store_;
  const Registry& registry;
  Stmt sel_actor, ins_actor, upd_actor, ins_quarantine, ups_profile;
  std::unordered_map<std::int64_t, std::string> profiles;  // last profile location written per actor
  std::vector<std::int64_t> profile_actors;                // every actor whose profile was written, this run
  std::vector<std::unique_ptr<PartitionWriter>> parts;
  std::vector<std::vector<RoutedItem>> routed;
  std::vector<std::int64_t> hosts;
  std::int64_t next_id = 1;
  std::unordered_map<std::string, std::int64_t> actor_ids;
  std::unordered_map<std::string, std::int64_t> host_actors;
  std::unordered_map<std::string, std::size_t> names;  // lower-cased name → its registry entry (the last)
  std::unordered_set<std::string> known_keys;
  std::size_t actor_cache_cap = kActorCacheCap;
  bool names_built = false;
  bool parallel = false;
  std::uint64_t expansions_added = 0;
  // Held answers (kWriteHeld): per other owner, the writes it holds answers for, each its partitions' items
  // in the order sent with the account a first item's answer counts for.
  struct HeldItem {
    std::uint64_t account;
    bool first;  // the record's item 0 (else an expansion)
  };
  using HeldWrite = std::vector<std::pair<std::int64_t, std::vector<HeldItem>>>;
  std::vector<std::vector<HeldWrite>> held;
  bool hold_answers = false;
  std::uint64_t account = 0;
  std::unordered_map<std::uint64_t, std::uint64_t> held_accepted;  // by account
};

StoreWriter::StoreWriter(Store& store, const Registry& registry)
    : impl_(std::make_unique<Impl>(store, registry, std::vector<sqlite3*>{}, nullptr)) {}
StoreWriter::StoreWriter(Store& store, const Registry& registry, std::vector<sqlite3*> partition_dbs)
    : StoreWriter(store, registry, std::move(partition_dbs), nullptr) {}
StoreWriter::StoreWriter(Store& store, const Registry& registry, std::vector<sqlite3*> partition_dbs,
                         PartitionOwners* owners)
    : impl_(std::make_unique<Impl>(store, registry, std::move(partition_dbs), owners)) {
  impl_->parallel = true;
  // A distributed writer does not wait for the other owners' answers batch by batch (ReceiveHeld).
  if (owners && owners->count() > 1) {
    impl_->hold_answers = true;
    impl_->held.resize(static_cast<std::size_t>(owners->count()));
  }
}
StoreWriter::~StoreWriter() = default;

StoreWriter::Outcome StoreWriter::Write(const PreparedRecord& prepared) {
  std::vector<const PreparedRecord*> one{&prepared};
  std::vector<Outcome> outcomes;
  impl_->WriteBatch(one, outcomes, false, false);
  return outcomes.front();
}

void StoreWriter::WriteBatch(const std::vector<const PreparedRecord*>& records, std::vector<Outcome>& outcomes) {
  impl_->WriteBatch(records, outcomes, impl_->parallel, impl_->hold_answers);
}

std::uint64_t StoreWriter::expansions_added() const { return impl_->expansions_added; }

void StoreWriter::CreditTo(std::uint64_t account) { impl_->account = account; }

void StoreWriter::ReceiveHeld() { impl_->ReceiveHeld(); }

std::uint64_t StoreWriter::TakeAccepted(std::uint64_t account) {
  const auto it = impl_->held_accepted.find(account);
  if (it == impl_->held_accepted.end()) return 0;
  const std::uint64_t n = it->second;
  impl_->held_accepted.erase(it);
  return n;
}

std::vector<std::int64_t> StoreWriter::TakeProfileActors() {
  std::vector<std::int64_t> actors = std::move(impl_->profile_actors);
  impl_->profile_actors.clear();
  std::sort(actors.begin(), actors.end());
  actors.erase(std::unique(actors.begin(), actors.end()), actors.end());
  return actors;
}

void StoreWriter::LimitCaches(std::size_t entries) { impl_->actor_cache_cap = std::max<std::size_t>(1, entries); }

void StoreWriter::ForgetCaches() {
  impl_->actor_ids.clear();
  impl_->profiles.clear();
  impl_->host_actors.clear();
  impl_->known_keys.clear();
  impl_->ResetNextId();
}

void StoreWriter::Quarantine(const Diagnostic& d, std::string_view sha256, std::uint32_t ordinal) {
  impl_->ins_quarantine.Text(1, d.pos.file)
      .Text(2, sha256, true)
      .Int(3, static_cast<std::int64_t>(d.pos.line))
      .Int(4, ordinal)
      .Text(5, d.reason.empty() ? std::string_view("unknown") : std::string_view(d.reason), true)
      .Text(6, d.message)
      .Text(7, d.excerpt);
  impl_->ins_quarantine.Run();
}

std::int64_t StoreWriter::UpsertActor(const ActorRecord& actor) { return impl_->UpsertActor(actor); }

namespace detail {

std::vector<std::byte> OwnerRequest(OwnerOp op) { return {static_cast<std::byte>(op)}; }

std::vector<std::byte> OpenRequest(const std::vector<std::pair<int, std::string>>& partitions, bool fresh) {
  std::vector<std::byte> request;
  ByteWriter out(request);
  out.U8(static_cast<std::uint8_t>(OwnerOp::kOpen));
  out.U8(fresh ? 1 : 0);
  out.U64(partitions.size());
  for (const auto& [p, path] : partitions) {
    out.I64(p);
    out.Str(path);
  }
  return request;
}

std::vector<std::vector<std::byte>> AskOtherOwners(PartitionOwners& owners, const std::vector<std::byte>& request) {
  for (int o = 1; o < owners.count(); ++o) owners.Send(o, request);
  std::vector<std::vector<std::byte>> answers;
  for (int o = 1; o < owners.count(); ++o) answers.push_back(owners.Receive(o));
  return answers;
}

std::int64_t OtherOwnersMaxId(PartitionOwners& owners) {
  std::int64_t id = 0;
  for (const auto& answer : AskOtherOwners(owners, OwnerRequest(OwnerOp::kMaxId))) {
    ByteReader in(answer);
    id = std::max(id, in.I64());
  }
  return id;
}

CoalescingOwners::CoalescingOwners(PartitionOwners& inner, std::size_t batch_bytes)
    : inner_(inner), batch_bytes_(batch_bytes), buffered_(static_cast<std::size_t>(inner.count())) {}

void CoalescingOwners::Send(int owner, std::vector<std::byte> request) {
  if (request.empty() || static_cast<OwnerOp>(request[0]) != OwnerOp::kWriteHeld) {
    Flush(owner);
    inner_.Send(owner, std::move(request));
    return;
  }
  Buffered& b = buffered_.at(static_cast<std::size_t>(owner));
  if (b.requests == 0) {
    ByteWriter out(b.bytes);
    out.U8(static_cast<std::uint8_t>(OwnerOp::kHeldBatch));
    out.U64(0);  // the count, set by Flush
  }
  ByteWriter(b.bytes).U64(request.size());
  b.bytes.insert(b.bytes.end(), request.begin(), request.end());
  ++b.requests;
  if (b.bytes.size() >= batch_bytes_) Flush(owner);
}

std::vector<std::byte> CoalescingOwners::Receive(int owner) {
  Flush(owner);
  return inner_.Receive(owner);
}

void CoalescingOwners::Flush(int owner) {
  Buffered& b = buffered_.at(static_cast<std::size_t>(owner));
  if (b.requests == 0) return;
  std::memcpy(b.bytes.data() + 1, &b.requests, sizeof b.requests);  // after the op byte (ByteWriter's layout)
  inner_.Send(owner, std::move(b.bytes));
  b.bytes = {};
  b.requests = 0;
}

}  // namespace detail

// The owner's partitions, each with its connection and writer.
struct PartitionServer::Impl {
  struct Owned {
    int p = 0;
    detail::Connection db;
    std::unique_ptr<PartitionWriter> writer;  // its statements go before the connection
  };
  explicit Impl(int threads) : arena(threads > 0 ? threads : tbb::info::default_concurrency()) {
    // The fault-injection point of the kill tests, as Ingest's own commits (RELAIS_FAULT_AFTER_BATCHES=N).
    if (const char* fault = std::getenv("RELAIS_FAULT_AFTER_BATCHES")) fault_after = std::atoll(fault);
  }
  ~Impl() { Close(); }

  void Commit() {
    ExecAll("COMMIT");
    if (fault_after > 0 && ++commits >= fault_after) std::raise(SIGKILL);
  }

  void Open(detail::ByteReader& in) {
    const bool fresh = in.U8() != 0;
    const std::size_t n = in.Count();
    for (std::size_t k = 0; k < n; ++k) {
      Owned o;
      o.p = static_cast<int>(in.I64());
      const std::string path = in.Str();
      o.db = detail::OpenPartitionFile(path);
      owned.push_back(std::move(o));
      partitions.push_back(owned.back().p);
      sqlite3* db = owned.back().db.get();
      if (fresh) detail::PrepareFirstLoad(db);  // as Ingest's own connections on a first load
      owned.back().writer = std::make_unique<PartitionWriter>(db, "main.");
    }
  }

  void ExecAll(const char* sql) {
    for (auto& o : owned) detail::ExecOn(o.db.get(), sql);
  }

  std::vector<std::byte> Write(detail::ByteReader& in) {
    std::vector<std::pair<Owned*, std::vector<OwnedItem>>> work(in.Count());
    for (auto& [o, items] : work) {
      const int p = static_cast<int>(in.I64());
      auto it = std::find_if(owned.begin(), owned.end(), [p](const Owned& x) { return x.p == p; });
      if (it == owned.end())
        throw Error(ErrorKind::kInternal, "partition write: partition " + std::to_string(p) + " is not this owner's");
      o = &*it;
      items.resize(in.Count());
      for (auto& item : items) item = GetOwnedItem(in);
    }
    if (!in.done()) throw Error(ErrorKind::kInternal, "partition write: trailing bytes");
    std::vector<std::vector<std::uint8_t>> added(work.size());
    arena.execute([&] {
      tbb::parallel_for(std::size_t{0}, work.size(), [&](std::size_t k) {
        auto& [o, items] = work[k];
        for (const auto& it : items) {
          const bool a = o->writer->WriteItem(it.item, it.expansion, it.pos, it.raw_links, it.actor_id,
                                              it.host_actors.data(), it.id, it.place);
          added[k].push_back(a ? 1 : 0);
        }
      });
    });
    std::vector<std::byte> answer;
    detail::ByteWriter out(answer);
    out.U64(work.size());
    for (std::size_t k = 0; k < work.size(); ++k) {
      out.I64(work[k].first->p);
      out.U64(added[k].size());
      for (const std::uint8_t a : added[k]) {
        out.U8(a);
        items_written += a;
      }
    }
    return answer;
  }

  void Close() {
    for (auto& o : owned) o.writer.reset();  // its statements before the connection
    owned.clear();
  }

  tbb::task_arena arena;
  std::vector<Owned> owned;
  std::vector<int> partitions;
  std::uint64_t items_written = 0;
  std::vector<std::byte> held;     // the kWriteHeld answers not yet taken, one after another
  std::uint64_t held_answers = 0;  // how many
  bool closed = false;
  long long fault_after = 0;
  long long commits = 0;
};

PartitionServer::PartitionServer(int threads) : impl_(std::make_unique<Impl>(threads)) {}
PartitionServer::~PartitionServer() = default;

std::vector<std::byte> PartitionServer::Answer(std::span<const std::byte> request) {
  if (request.empty() || impl_->closed) throw Error(ErrorKind::kInternal, "partition owner: unexpected request");
  detail::ByteReader in(request.subspan(1));
  std::vector<std::byte> answer;
  switch (static_cast<detail::OwnerOp>(request[0])) {
    case detail::OwnerOp::kOpen:
      impl_->Open(in);
      break;
    case detail::OwnerOp::kBegin:
      impl_->ExecAll("BEGIN IMMEDIATE");
      break;
    case detail::OwnerOp::kCommit:
      impl_->Commit();
      break;
    case detail::OwnerOp::kRollback:
      for (auto& o : impl_->owned) sqlite3_exec(o.db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      break;
    case detail::OwnerOp::kMaxId: {
      std::int64_t id = 0;
      for (auto& o : impl_->owned) id = std::max(id, o.writer->MaxId());
      detail::ByteWriter(answer).I64(id);
      break;
    }
    case detail::OwnerOp::kWrite:
      answer = impl_->Write(in);
      break;
    case detail::OwnerOp::kWriteHeld: {
      const std::vector<std::byte> held = impl_->Write(in);
      impl_->held.insert(impl_->held.end(), held.begin(), held.end());
      ++impl_->held_answers;
      break;
    }
    case detail::OwnerOp::kHeldBatch:
      for (std::size_t k = in.Count(); k > 0; --k) {
        const std::size_t n = in.Count();
        const std::span<const std::byte> one = in.Bytes(n);
        if (one.empty() || static_cast<detail::OwnerOp>(one[0]) != detail::OwnerOp::kWriteHeld)
          throw Error(ErrorKind::kInternal, "partition owner: a held batch with another request");
        Answer(one);
      }
      if (!in.done()) throw Error(ErrorKind::kInternal, "partition owner: trailing bytes after a held batch");
      break;
    case detail::OwnerOp::kTakeHeld:
      detail::ByteWriter(answer).U64(impl_->held_answers);
      answer.insert(answer.end(), impl_->held.begin(), impl_->held.end());
      impl_->held.clear();
      impl_->held_answers = 0;
      break;
    case detail::OwnerOp::kClose:
      impl_->Close();
      impl_->closed = true;
      break;
    default:
      throw Error(ErrorKind::kInternal, "partition owner: unknown request");
  }
  return answer;
}

bool PartitionServer::Answers(std::span<const std::byte> request) {
  if (request.empty()) return true;
  const auto op = static_cast<detail::OwnerOp>(request[0]);
  return op != detail::OwnerOp::kWriteHeld && op != detail::OwnerOp::kHeldBatch;
}

bool PartitionServer::closed() const { return impl_->closed; }
std::uint64_t PartitionServer::items_written() const { return impl_->items_written; }
const std::vector<int>& PartitionServer::partitions() const { return impl_->partitions; }

}  // namespace relais::corpora
