// Flows at ingest (DESIGN.md layers retweet, quote, reply, mention, link, embed), recomputed from
// items, refs, mentions and urls in SQL, in one transaction, after every ingest run. Recomputing
// everything keeps the result independent of the order files arrive in (a reply stored before
// the post it answers still gets its flow) and makes a rerun after a crash equal a clean run.
// Direction: the earlier / source item → the derived item; latency = dst.time − src.time.
#include "relais/base/error.hpp"
#include "relais/corpora/ingest.hpp"

namespace relais::corpora {
namespace {

// retweet / quote / reply / embed from refs. The target item when stored; otherwise the target
// author's actor (by handle, on the target's platform), else no flow.
constexpr const char* kRefFlows = R"sql(
INSERT INTO flows(layer, src_item, dst_item, src_actor, dst_actor, latency)
SELECT r.layer, t.id, d.id,
       CASE WHEN t.id IS NOT NULL THEN t.actor_id ELSE
         (SELECT a.id FROM actors a WHERE r.target_handle IS NOT NULL AND a.handle = r.target_handle COLLATE NOCASE
            AND a.platform = substr(r.target_key, 1, instr(r.target_key, ':') - 1) ORDER BY a.id LIMIT 1) END AS src_actor,
       d.actor_id,
       d.time - t.time
FROM refs r
JOIN items d ON d.id = r.item_id
LEFT JOIN items t ON t.key = r.target_key
WHERE (t.id IS NOT NULL AND t.id <> d.id) OR (t.id IS NULL AND src_actor IS NOT NULL)
ORDER BY r.item_id, r.layer, r.target_key
)sql";

// mention: the mentioned actor's latest item strictly before the post → the post; the actor alone
// when it has no earlier item. Mentions that only repeat a platform reference's author (the
// "RT @x:" of a retweet, the addressee of a reply) are carried by that reference's flow already.
// `m` is materialised so the actor subquery runs once per mention (not once per use of m.actor).
constexpr const char* kMentionFlows = R"sql(
INSERT INTO flows(layer, src_item, dst_item, src_actor, dst_actor, latency)
WITH m AS MATERIALIZED (
  SELECT mn.item_id, mn.handle, p.time, p.actor_id AS dst_actor,
         (SELECT a.id FROM actors a WHERE a.handle = mn.handle COLLATE NOCASE AND a.platform = p.platform
            ORDER BY a.id LIMIT 1) AS actor
  FROM mentions mn JOIN items p ON p.id = mn.item_id
  WHERE NOT EXISTS (SELECT 1 FROM refs r WHERE r.item_id = mn.item_id
                      AND r.target_handle = mn.handle COLLATE NOCASE))
SELECT 'mention', s.id, m.item_id, m.actor, m.dst_actor, m.time - s.time
FROM m
LEFT JOIN items s ON s.id = (SELECT i.id FROM items i WHERE i.actor_id = m.actor AND i.time < m.time
                               ORDER BY i.time DESC, i.id DESC LIMIT 1)
WHERE m.actor IS NOT NULL AND m.actor IS NOT m.dst_actor
ORDER BY m.item_id, m.handle
)sql";

// link: an item sharing a canonical URL → the stored article/release with that URL (the earliest
// when several), else the outlet actor of the link's host (registry, or a press/PR actor keyed by
// that domain). Links to unknown non-outlet hosts are not flows; an item never links to itself.
constexpr const char* kLinkFlows = R"sql(
INSERT INTO flows(layer, src_item, dst_item, src_actor, dst_actor, latency)
SELECT 'link', s.id, l.item_id, CASE WHEN s.id IS NOT NULL THEN s.actor_id ELSE l.host_actor END,
       l.dst_actor, l.time - s.time
FROM (SELECT u.item_id, u.url, d.time, d.actor_id AS dst_actor,
             (SELECT i.id FROM items i WHERE i.url = u.url AND i.channel IN ('press', 'pr') AND i.id <> u.item_id
                ORDER BY i.time, i.id LIMIT 1) AS src,
             coalesce(u.host_actor, (SELECT a.id FROM actors a WHERE a.key = u.host
                                       AND a.platform IN ('press', 'pr'))) AS host_actor
      FROM urls u JOIN items d ON d.id = u.item_id) l
LEFT JOIN items s ON s.id = l.src
WHERE s.id IS NOT NULL OR (l.host_actor IS NOT NULL AND l.host_actor IS NOT l.dst_actor)
ORDER BY l.item_id, l.url
)sql";

}  // namespace

std::uint64_t RecomputeFlows(Store& store) {
  store.Begin();
  try {
    // Indexes on flows are rebuilt after the bulk insert: cheaper than maintaining them row by row.
    store.Exec("DROP INDEX IF EXISTS flows_layer; DROP INDEX IF EXISTS flows_src; DROP INDEX IF EXISTS flows_dst;");
    store.Exec("DELETE FROM flows WHERE layer <> 'reuse'");
    store.Exec(kRefFlows);
    store.Exec(kMentionFlows);
    store.Exec(kLinkFlows);
    store.EnsureIndexes();
    std::uint64_t n = 0;
    {
      Statement st(store.db(), "SELECT count(*) FROM flows WHERE layer <> 'reuse'");
      if (st.Step()) n = static_cast<std::uint64_t>(st.Int(0));
    }
    store.Commit();
    return n;
  } catch (...) {
    store.Rollback();
    throw;
  }
}

}  // namespace relais::corpora
