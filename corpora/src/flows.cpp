// Flows at ingest (DESIGN.md layers retweet, quote, reply, mention, link, embed), computed from
// items, refs, mentions and urls in SQL. The flows ending in an item live in that item's
// partition, and each partition's flows are computed on their own (in parallel at ingest), with
// the lookups of sources (a ref's target, a mentioned actor's latest item, a linked article)
// going through `all_items`, a view over every partition. A first load computes every flow; later
// ingests recompute, with the same SQL, only the flows of the items the new data can change
// (UpdatePartitionFlows), which keeps the result independent of the order files arrive in (a reply
// stored before the post it answers still gets its flow) and makes a rerun after a crash equal a
// clean run (docs/schema.md, "Flows at ingest").
// Direction: the earlier / source item → the derived item; latency = dst.time − src.time.
// Flow ids sort as the single-file store's did: (layer group, destination item id, then refs by
// (layer, target key), mentions by handle, links by URL): group << 58 | item id << 18 | ordinal.
#include <sqlite3.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "detail/store_detail.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/ingest.hpp"

namespace relais::corpora {
using detail::ExecOn;

namespace {

// retweet / quote / reply / embed from refs. The target item when stored; otherwise the target
// author's actor (by handle, on the target's platform), else no flow.
constexpr const char* kRefFlows = R"sql(
INSERT INTO {P}flows(id, layer, src_item, dst_item, src_actor, dst_actor, latency)
SELECT (x.item_id << 18) + x.ord, x.layer, x.tid, d.id,
       CASE WHEN x.tid IS NOT NULL THEN (SELECT t.actor_id FROM all_items t WHERE t.id = x.tid) ELSE
         (SELECT a.id FROM actors a WHERE x.target_handle IS NOT NULL AND a.handle = x.target_handle COLLATE NOCASE
            AND a.platform = substr(x.target_key, 1, instr(x.target_key, ':') - 1) ORDER BY a.id LIMIT 1) END AS src_actor,
       d.actor_id,
       d.time - (SELECT t.time FROM all_items t WHERE t.id = x.tid)
FROM (SELECT r.item_id, r.layer, r.target_key, r.target_handle,
             row_number() OVER (PARTITION BY r.item_id ORDER BY r.layer, r.target_key) - 1 AS ord,
             {TARGET_ID} AS tid
      FROM {P}refs r {WHERE_REFS}) x
JOIN {P}items d ON d.id = x.item_id
WHERE (x.tid IS NOT NULL AND x.tid <> d.id) OR (x.tid IS NULL AND src_actor IS NOT NULL)
)sql";

// mention: the mentioned actor's latest item strictly before the post → the post; the actor alone
// when it has no earlier item. Mentions that only repeat a platform reference's author (the
// "RT @x:" of a retweet, the addressee of a reply) are carried by that reference's flow already.
// `m` is materialised so the actor subquery runs once per mention (not once per use of m.actor).
constexpr const char* kMentionFlows = R"sql(
INSERT INTO {P}flows(id, layer, src_item, dst_item, src_actor, dst_actor, latency)
WITH m AS MATERIALIZED (
  SELECT mn.item_id, mn.handle, p.time, p.actor_id AS dst_actor,
         row_number() OVER (PARTITION BY mn.item_id ORDER BY mn.handle) - 1 AS ord,
         (SELECT a.id FROM actors a WHERE a.handle = mn.handle COLLATE NOCASE AND a.platform = p.platform
            ORDER BY a.id LIMIT 1) AS actor
  FROM {P}mentions mn JOIN {P}items p ON p.id = mn.item_id
  WHERE NOT EXISTS (SELECT 1 FROM {P}refs r WHERE r.item_id = mn.item_id
                      AND r.target_handle = mn.handle COLLATE NOCASE) {AND_MENTIONS}),
s AS MATERIALIZED (
  SELECT m.*, ({LATEST}) AS sid FROM m WHERE m.actor IS NOT NULL AND m.actor IS NOT m.dst_actor)
SELECT (1 << 58) + (s.item_id << 18) + s.ord, 'mention', s.sid, s.item_id, s.actor, s.dst_actor,
       s.time - (SELECT t.time FROM all_items t WHERE t.id = s.sid)
FROM s
)sql";

// link: an item sharing a canonical URL → the stored article/release with that URL (the earliest
// when several), else the outlet actor of the link's host (registry, or a press/PR actor keyed by
// that domain). Links to unknown non-outlet hosts are not flows; an item never links to itself.
constexpr const char* kLinkFlows = R"sql(
INSERT INTO {P}flows(id, layer, src_item, dst_item, src_actor, dst_actor, latency)
SELECT (2 << 58) + (l.item_id << 18) + l.ord, 'link', l.src, l.item_id,
       CASE WHEN l.src IS NOT NULL THEN (SELECT t.actor_id FROM all_items t WHERE t.id = l.src) ELSE l.host_actor END,
       l.dst_actor, l.time - (SELECT t.time FROM all_items t WHERE t.id = l.src)
FROM (SELECT u.item_id, u.url, d.time, d.actor_id AS dst_actor,
             row_number() OVER (PARTITION BY u.item_id ORDER BY u.url) - 1 AS ord,
             ({EARLIEST}) AS src,
             coalesce(u.host_actor, (SELECT a.id FROM actors a WHERE a.key = u.host
                                       AND a.platform IN ('press', 'pr'))) AS host_actor
      FROM {P}urls u JOIN {P}items d ON d.id = u.item_id {WHERE_URLS}) l
WHERE l.src IS NOT NULL OR (l.host_actor IS NOT NULL AND l.host_actor IS NOT l.dst_actor)
)sql";

std::string Replace(std::string s, std::string_view what, std::string_view with) {
  std::size_t pos = 0;
  while ((pos = s.find(what, pos)) != std::string::npos) {
    s.replace(pos, what.size(), with);
    pos += with.size();
  }
  return s;
}

// "ORDER BY … LIMIT 1" over all partitions: the best of each partition's best (each one an index
// search), so the compound view is never materialised.
std::string BestOverPartitions(const std::vector<std::string>& schemas, std::string_view where,
                               std::string_view order) {
  std::string sql = "SELECT id FROM (";
  for (std::size_t k = 0; k < schemas.size(); ++k) {
    if (k) sql += " UNION ALL ";
    sql += "SELECT * FROM (SELECT i.id, i.time FROM " + schemas[k] + "items i WHERE " + std::string(where) +
           " ORDER BY " + std::string(order) + " LIMIT 1)";
  }
  return sql + ") i ORDER BY " + std::string(order) + " LIMIT 1";
}

// relais_partition(key): the partition an item key is stored in (Store::PartitionOfKey), for n
// partitions (the function's user data).
void PartitionOfKeySql(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* text = sqlite3_value_text(argv[0]);
  if (!text) return sqlite3_result_null(ctx);
  const std::string_view key(reinterpret_cast<const char*>(text),
                             static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  const auto n = static_cast<int>(reinterpret_cast<std::intptr_t>(sqlite3_user_data(ctx)));
  sqlite3_result_int(ctx, Store::PartitionOfKey(key, n));
}

void RegisterPartitionOfKey(sqlite3* db, int partitions) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  if (sqlite3_create_function(db, "relais_partition", 1, flags,
                              reinterpret_cast<void*>(static_cast<std::intptr_t>(partitions)), PartitionOfKeySql,
                              nullptr, nullptr) != SQLITE_OK)
    throw Error(ErrorKind::kData, std::string("cannot register relais_partition: ") + sqlite3_errmsg(db));
}

// `column` of the item whose key is `key` (a correlated expression), looked up in the one partition
// the key routes to: each partition's arm is guarded by relais_partition(key) = p, a term that
// names no table of the arm, which SQLite tests once before the arm's index search. Through the
// all_items view, every lookup searched every partition's key index: with 8 partitions of 1M tweets the
// flow pass took 26.7-27.2 s, 23.0-24.4 s routed (experiments/results/store.md). Tables of items from
// any partition (a distributed pass's copies) are searched unguarded.
std::string ItemByKey(const detail::FlowSources& from, std::string_view column, std::string_view key) {
  const std::string match = "t.key = " + std::string(key);
  if (from.prefixes.size() == 1)
    return "(SELECT " + std::string(column) + " FROM " + from.prefixes[0] + "items t WHERE " + match + ")";
  std::string sql = "(";
  for (std::size_t k = 0; k < from.prefixes.size(); ++k) {
    if (k) sql += " UNION ALL ";
    sql += "SELECT " + std::string(column) + " FROM " + from.prefixes[k] + "items t WHERE ";
    if (from.parts[k] >= 0)
      sql += "relais_partition(" + std::string(key) + ") = " + std::to_string(from.parts[k]) + " AND ";
    sql += match;
  }
  return sql + ")";
}

std::uint64_t CountFlows(sqlite3* db, const std::string& prefix) {
  Statement st(db, "SELECT count(*) FROM " + prefix + "flows WHERE layer <> 'reuse'");
  return st.Step() ? static_cast<std::uint64_t>(st.Int(0)) : 0;
}

}  // namespace

namespace detail {
namespace {

// Refs whose target item is not stored (yet), per partition: the index of unresolved targets. A
// new actor whose handle one of them names gives that ref a flow (the target's author).
constexpr const char* kUnresolved = R"sql(
INSERT INTO {P}unresolved(item_id, target_key, target_handle)
SELECT r.item_id, r.target_key, r.target_handle FROM {P}refs r
WHERE NOT EXISTS {TARGET_EXISTS} {AND_REFS}
)sql";

// The destination items of one partition whose flows an ingest may have changed, given the items
// written since the last flow pass (id > {W}, and the upgraded expansions listed in flow_pending
// with their former time and actor) and the actors created since (id > {A}):
//  - the new and upgraded items themselves;
//  - refs whose target key is one of those items (index refs_target);
//  - unresolved refs naming a new actor's handle (index unresolved_handle);
//  - mentions of an actor with a new item, in posts later than that item (mentions_handle);
//  - links to the URL of a new press or PR item (urls_url), and, only when a press or PR actor is
//    new, links to its host (a scan of urls: such actors come from press/PR inputs).
// Every lookup starts from the new data, so the cost follows the new data, not the store.
constexpr const char* kDirty = R"sql(
DROP TABLE IF EXISTS temp.flow_new; DROP TABLE IF EXISTS temp.flow_new_actors;
DROP TABLE IF EXISTS temp.flow_handles; DROP TABLE IF EXISTS temp.flow_dirty;
CREATE TEMP TABLE flow_new AS {NEW};
CREATE TEMP TABLE flow_new_actors AS SELECT id, handle, platform, key FROM actors WHERE id > {A};
CREATE TEMP TABLE flow_handles (handle TEXT COLLATE NOCASE, t INTEGER);
INSERT INTO flow_handles SELECT a.handle, min(m.time) FROM ({MOVED}) m JOIN actors a ON a.id = m.actor_id
  WHERE a.handle IS NOT NULL AND a.handle <> '' GROUP BY a.id;
INSERT INTO flow_handles SELECT handle, {NEW_ACTOR} FROM flow_new_actors WHERE handle IS NOT NULL AND handle <> '';
CREATE TEMP TABLE flow_dirty (id INTEGER PRIMARY KEY);
INSERT OR IGNORE INTO flow_dirty SELECT id FROM {P}items WHERE id > {W};
INSERT OR IGNORE INTO flow_dirty SELECT item_id FROM {P}flow_pending;
INSERT OR IGNORE INTO flow_dirty SELECT r.item_id FROM temp.flow_new n JOIN {P}refs r ON r.target_key = n.key;
INSERT OR IGNORE INTO flow_dirty SELECT u.item_id FROM temp.flow_new_actors a
  JOIN {P}unresolved u ON u.target_handle = a.handle;
INSERT OR IGNORE INTO flow_dirty SELECT u.item_id FROM temp.flow_new n JOIN {P}urls u ON u.url = n.url
  WHERE n.url IS NOT NULL AND n.channel IN ('press', 'pr');
)sql";

// Mentions of an actor with a new item (handle h, its earliest new item at h.t; a new actor's at the smallest
// time) in later posts, found one of two ways, the same rows: from the handles (every mention of each,
// its post's time looked up: a random read per mention, ~2 s a partition for the 8k tweets of a week appended
// to the 2M-item world, whose authors are mentioned 591,762 times) or, when fewer posts are later than the
// earliest h.t than there are such mentions (an append of the latest data), from those posts.
constexpr const char* kDirtyMentionsByHandle = R"sql(
INSERT OR IGNORE INTO flow_dirty SELECT mn.item_id FROM temp.flow_handles h
  JOIN {P}mentions mn ON mn.handle = h.handle COLLATE NOCASE JOIN {P}items p ON p.id = mn.item_id
  WHERE p.time > h.t AND h.t {WHICH};
)sql";
constexpr const char* kDirtyMentionsByTime = R"sql(
CREATE INDEX temp.flow_handles_handle ON flow_handles(handle);
INSERT OR IGNORE INTO flow_dirty SELECT mn.item_id FROM {P}items p JOIN {P}mentions mn ON mn.item_id = p.id
  JOIN temp.flow_handles h ON h.handle = mn.handle COLLATE NOCASE
  WHERE p.time > {T} AND p.time > h.t AND h.t > {NEW_ACTOR};
)sql";
// flow_handles' time for a new actor's handle: any earlier mention of it may now have a flow.
constexpr const char* kNewActorTime = "-9223372036854775807";
// Rows counted, at most, to choose between the two ways.
constexpr std::int64_t kMentionPlanCountCap = 1 << 20;

// Only run when a press or PR actor is new: SQLite would scan urls before testing an EXISTS guard.
constexpr const char* kDirtyHosts = R"sql(
INSERT OR IGNORE INTO flow_dirty SELECT u.item_id FROM {P}urls u
  WHERE u.host IN (SELECT key FROM temp.flow_new_actors WHERE platform IN ('press', 'pr'));
)sql";

constexpr const char* kDropTemp = R"sql(
DROP TABLE IF EXISTS temp.flow_new; DROP TABLE IF EXISTS temp.flow_new_actors;
DROP TABLE IF EXISTS temp.flow_handles; DROP TABLE IF EXISTS temp.flow_dirty;
)sql";

std::string FlowSql(std::string sql, const std::string& prefix, const FlowSources& from, bool dirty_only) {
  const std::string latest =
      BestOverPartitions(from.prefixes, "i.actor_id = m.actor AND i.time < m.time", "i.time DESC, i.id DESC");
  const std::string earliest = BestOverPartitions(
      from.prefixes, "i.url = u.url AND i.channel IN ('press', 'pr') AND i.id <> u.item_id", "i.time, i.id");
  const std::string in_dirty = " IN (SELECT id FROM temp.flow_dirty)";
  sql = Replace(std::move(sql), "{TARGET_ID}", ItemByKey(from, "t.id", "r.target_key"));
  sql = Replace(std::move(sql), "{TARGET_EXISTS}", ItemByKey(from, "1", "r.target_key"));
  sql = Replace(std::move(sql), "{LATEST}", latest);
  sql = Replace(std::move(sql), "{EARLIEST}", earliest);
  sql = Replace(std::move(sql), "{WHERE_REFS}", dirty_only ? "WHERE r.item_id" + in_dirty : "");
  sql = Replace(std::move(sql), "{AND_REFS}", dirty_only ? "AND r.item_id" + in_dirty : "");
  sql = Replace(std::move(sql), "{AND_MENTIONS}", dirty_only ? "AND mn.item_id" + in_dirty : "");
  sql = Replace(std::move(sql), "{WHERE_URLS}", dirty_only ? "WHERE u.item_id" + in_dirty : "");
  return Replace(std::move(sql), "{P}", prefix);
}

}  // namespace

FlowMarks CurrentMarks(sqlite3* db, const std::vector<std::string>& all_prefixes) {
  FlowMarks m;
  for (const auto& q : all_prefixes) {
    Statement st(db, "SELECT coalesce(max(id), 0) FROM " + q + "items");
    if (st.Step()) m.items = std::max(m.items, st.Int(0));
  }
  Statement st(db, "SELECT coalesce(max(id), 0) FROM actors");
  if (st.Step()) m.actors = st.Int(0);
  return m;
}

FlowSources FlowSources::AllAttached(std::vector<std::string> prefixes) {
  FlowSources from;
  from.partitions = static_cast<int>(prefixes.size());
  for (int p = 0; p < from.partitions; ++p) from.parts.push_back(p);
  from.prefixes = std::move(prefixes);
  return from;
}

void ComputePartitionFlows(sqlite3* db, const std::string& prefix, const FlowSources& from) {
  RegisterPartitionOfKey(db, from.partitions);
  // Indexes on flows are rebuilt after the bulk insert: cheaper than maintaining them row by row.
  ExecOn(db, Replace("DROP INDEX IF EXISTS {P}flows_layer; DROP INDEX IF EXISTS {P}flows_src; "
                     "DROP INDEX IF EXISTS {P}flows_dst; DELETE FROM {P}flows WHERE layer <> 'reuse'; "
                     "DELETE FROM {P}unresolved;",
                     "{P}", prefix));
  for (const char* sql : {kRefFlows, kMentionFlows, kLinkFlows, kUnresolved})
    ExecOn(db, FlowSql(sql, prefix, from, false));
  ExecOn(db, Replace("CREATE INDEX IF NOT EXISTS {P}flows_layer ON flows(layer); "
                     "CREATE INDEX IF NOT EXISTS {P}flows_src ON flows(src_item); "
                     "CREATE INDEX IF NOT EXISTS {P}flows_dst ON flows(dst_item);",
                     "{P}", prefix));
}

namespace {

// The items new to the flows (id > {W}, and the upgraded ones in flow_pending) over every partition.
std::string FreshItemsSql(const std::vector<std::string>& prefixes) {
  std::string sql;
  for (const auto& q : prefixes) {
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT id, key, actor_id, time, url, channel FROM " + q + "items WHERE id > {W}";
    sql += " UNION ALL SELECT i.id, i.key, i.actor_id, i.time, i.url, i.channel FROM " + q + "flow_pending f JOIN " +
           q + "items i ON i.id = f.item_id";
  }
  return sql;
}

// The former (actor, time) of the upgraded items of every partition.
std::string MovedSql(const std::vector<std::string>& prefixes) {
  std::string sql;
  for (const auto& q : prefixes) {
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT old_actor AS actor_id, old_time AS time FROM " + q + "flow_pending WHERE old_actor IS NOT NULL";
  }
  return sql;
}

}  // namespace

// One count, stopped at kMentionPlanCountCap.
std::int64_t CountUpToCap(sqlite3* db, const std::string& rows) {
  Statement st(db, "SELECT count(*) FROM (" + rows + " LIMIT " + std::to_string(kMentionPlanCountCap) + ")");
  return st.Step() ? st.Int(0) : 0;
}

// The dirty mentions (kDirtyMentionsByHandle, kDirtyMentionsByTime): new actors' from their handles, the others'
// the cheaper way, judged on two index-only counts.
void MarkDirtyMentions(sqlite3* db, const std::string& prefix) {
  const std::string new_actor(kNewActorTime);
  auto by_handle = [&](const std::string& which) {
    ExecOn(db, Replace(Replace(kDirtyMentionsByHandle, "{WHICH}", which), "{P}", prefix));
  };
  by_handle("= " + new_actor);
  std::optional<std::int64_t> earliest;
  {
    Statement st(db, "SELECT min(t) FROM temp.flow_handles WHERE t > " + new_actor);
    if (st.Step() && !st.IsNull(0)) earliest = st.Int(0);
  }
  if (!earliest) return;
  const std::string t = std::to_string(*earliest);
  const std::int64_t later_posts = CountUpToCap(db, "SELECT 1 FROM " + prefix + "items WHERE time > " + t);
  const std::int64_t mentions =
      CountUpToCap(db, "SELECT 1 FROM temp.flow_handles h JOIN " + prefix +
                           "mentions mn ON mn.handle = h.handle COLLATE NOCASE WHERE h.t > " + new_actor);
  if (later_posts < mentions) {
    std::string sql = Replace(kDirtyMentionsByTime, "{T}", t);
    ExecOn(db, Replace(Replace(std::move(sql), "{NEW_ACTOR}", new_actor), "{P}", prefix));
  } else {
    by_handle("> " + new_actor);
  }
}

std::uint64_t MarkDirtyItems(sqlite3* db, const std::string& prefix, const FlowSources& from, const FlowMarks& done) {
  RegisterPartitionOfKey(db, from.partitions);
  const std::string fresh_items = from.fresh_sql.empty() ? FreshItemsSql(from.prefixes) : from.fresh_sql;
  const std::string moved = "SELECT actor_id, time FROM temp.flow_new WHERE actor_id IS NOT NULL UNION ALL " +
                            (from.moved_sql.empty() ? MovedSql(from.prefixes) : from.moved_sql);
  std::string dirty = Replace(kDirty, "{NEW}", fresh_items);
  dirty = Replace(std::move(dirty), "{MOVED}", moved);
  dirty = Replace(std::move(dirty), "{W}", std::to_string(done.items));
  dirty = Replace(std::move(dirty), "{A}", std::to_string(done.actors));
  dirty = Replace(std::move(dirty), "{NEW_ACTOR}", kNewActorTime);
  ExecOn(db, Replace(std::move(dirty), "{P}", prefix));
  MarkDirtyMentions(db, prefix);
  {
    Statement st(db, "SELECT EXISTS (SELECT 1 FROM temp.flow_new_actors WHERE platform IN ('press', 'pr'))");
    if (st.Step() && st.Int(0) != 0) ExecOn(db, Replace(kDirtyHosts, "{P}", prefix));
  }
  Statement st(db, "SELECT count(*) FROM temp.flow_dirty");
  return st.Step() ? static_cast<std::uint64_t>(st.Int(0)) : 0;
}

void RedoDirtyFlows(sqlite3* db, const std::string& prefix, const FlowSources& from) {
  RegisterPartitionOfKey(db, from.partitions);
  ExecOn(db, Replace("DELETE FROM {P}flows WHERE layer <> 'reuse' AND dst_item IN (SELECT id FROM temp.flow_dirty); "
                     "DELETE FROM {P}unresolved WHERE item_id IN (SELECT id FROM temp.flow_dirty);",
                     "{P}", prefix));
  for (const char* sql : {kRefFlows, kMentionFlows, kLinkFlows, kUnresolved})
    ExecOn(db, FlowSql(sql, prefix, from, true));
  ExecOn(db, kDropTemp);
}

std::uint64_t UpdatePartitionFlows(sqlite3* db, const std::string& prefix, const FlowSources& from,
                                   const FlowMarks& done) {
  const std::uint64_t n = MarkDirtyItems(db, prefix, from, done);
  RedoDirtyFlows(db, prefix, from);
  return n;
}

}  // namespace detail

std::uint64_t RecomputeFlows(Store& store) {
  std::vector<std::string> prefixes;
  for (int p = 0; p < store.partitions(); ++p) prefixes.push_back(Store::PartitionSchema(p) + ".");
  store.Begin();
  try {
    std::uint64_t n = 0;
    for (const auto& prefix : prefixes) {
      detail::ComputePartitionFlows(store.db(), prefix, detail::FlowSources::AllAttached(prefixes));
      n += CountFlows(store.db(), prefix);
      ExecOn(store.db(), "DELETE FROM " + prefix + "flow_pending");
    }
    const detail::FlowMarks marks = detail::CurrentMarks(store.db(), prefixes);
    store.SetMeta("flows_items_done", std::to_string(marks.items));
    store.SetMeta("flows_actors_done", std::to_string(marks.actors));
    store.BumpContentVersion();
    store.Commit();
    return n;
  } catch (...) {
    store.Rollback();
    throw;
  }
}

}  // namespace relais::corpora
