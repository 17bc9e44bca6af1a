// A distributed flow pass (docs/cluster.md, issue 13): each rank computes the flows of the partitions
// it owns with only those partitions open. The sources a flow looks up in other partitions come to the
// rank through all-to-all exchanges instead of through the shared filesystem:
//   1. (incremental pass) every rank's new and upgraded items, and the upgraded items' former actor and
//      time, go to every rank (the dirty-item rules need them all); each partition marks its dirty items;
//   2. each rank asks for what its partitions' (dirty) items refer to: the item of a ref's target key
//      (of the rank owning the key's partition), a mentioned actor's latest item before the post, the
//      earliest press or PR item of a linked URL (of every rank);
//   3. each rank answers from its partitions with item rows (id, key, actor, time, URL, channel);
//      steps 2 and 3 run in rounds of at most PartitionPassPlan::exchange_batch lookups of each kind, the
//      rows received stored before the next round, so that a rank holds its own requests and one round's
//      answers, not every answer of the pass (4.7 GB a rank on the 17.6 M-item world when it did);
//   4. each partition holds the rows it received in a temporary `ext.items` and runs the flow SQL of
//      a one-process pass over (its own items, ext.items): the best source of every lookup is among
//      its own items or the rows answered for it, so the flows are the same.
// A local stage that fails on one rank fails the job on every rank (FlowExchange::Agree).
#include <sqlite3.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/byte_io.hpp"
#include "detail/store_detail.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/search_index.hpp"
#include "relais/corpora/store.hpp"

namespace relais::corpora {
namespace {

using detail::ByteReader;
using detail::ByteWriter;
using detail::ExecOn;
using detail::kFlowSourceColumns;

// An item as a flow source: the columns the flow SQL reads of items in other partitions.
struct SourceRow {
  std::int64_t id = 0;
  std::string key;
  std::optional<std::int64_t> actor;
  std::int64_t time = 0;
  std::optional<std::string> url;
  std::string channel;
};

constexpr const char* kExtSchema = R"sql(
CREATE TABLE ext.items (id INTEGER PRIMARY KEY, key TEXT NOT NULL, actor_id INTEGER, time INTEGER NOT NULL,
  url TEXT, channel TEXT NOT NULL);
CREATE TABLE ext.fresh (id INTEGER, key TEXT NOT NULL, actor_id INTEGER, time INTEGER NOT NULL, url TEXT,
  channel TEXT NOT NULL);
CREATE TABLE ext.moved (actor_id INTEGER, time INTEGER);
)sql";

constexpr const char* kExtIndexes = R"sql(
CREATE INDEX ext.items_key ON items(key);
CREATE INDEX ext.items_actor ON items(actor_id, time);
CREATE INDEX ext.items_url ON items(url) WHERE url IS NOT NULL;
)sql";

// An optional value: a presence byte, then the value when present.
template <typename T>
void PutOpt(ByteWriter& w, const std::optional<T>& v) {
  w.U8(v ? 1 : 0);
  if (!v) return;
  if constexpr (std::is_same_v<T, std::string>) {
    w.Str(*v);
  } else {
    w.I64(*v);
  }
}
template <typename T>
std::optional<T> GetOpt(ByteReader& r) {
  if (r.U8() == 0) return std::nullopt;
  if constexpr (std::is_same_v<T, std::string>) {
    return r.Str();
  } else {
    return r.I64();
  }
}

void PutRow(ByteWriter& w, const SourceRow& row) {
  w.I64(row.id);
  w.Str(row.key);
  PutOpt(w, row.actor);
  w.I64(row.time);
  PutOpt(w, row.url);
  w.Str(row.channel);
}
SourceRow GetRow(ByteReader& r) {
  SourceRow row;
  row.id = r.I64();
  row.key = r.Str();
  row.actor = GetOpt<std::int64_t>(r);
  row.time = r.I64();
  row.url = GetOpt<std::string>(r);
  row.channel = r.Str();
  return row;
}

// The rows a statement selecting kFlowSourceColumns returns, appended to `out`.
void CollectRows(Statement& st, std::vector<SourceRow>& out) {
  while (st.Step()) {
    SourceRow row;
    row.id = st.Int(0);
    row.key = st.Text(1);
    if (!st.IsNull(2)) row.actor = st.Int(2);
    row.time = st.Int(3);
    if (!st.IsNull(4)) row.url = st.Text(4);
    row.channel = st.Text(5);
    out.push_back(std::move(row));
  }
}

void InsertRows(sqlite3* db, const std::string& table, const std::vector<SourceRow>& rows) {
  Statement st(db, "INSERT OR IGNORE INTO ext." + table + "(" + kFlowSourceColumns + ") VALUES (?, ?, ?, ?, ?, ?)");
  for (const SourceRow& row : rows) {
    st.Bind(1, row.id).Bind(2, std::string_view(row.key)).Bind(4, row.time).Bind(6, std::string_view(row.channel));
    if (row.actor) {
      st.Bind(3, *row.actor);
    } else {
      st.BindNull(3);
    }
    if (row.url) {
      st.Bind(5, std::string_view(*row.url));
    } else {
      st.BindNull(5);
    }
    st.Run();
    st.Reset();
  }
}

// What a rank asks of another in one round: item keys, (actor, before time) pairs, URLs.
struct Requests {
  std::vector<std::string> keys;
  std::vector<std::pair<std::int64_t, std::int64_t>> latest;
  std::vector<std::string> urls;

  static Requests Decode(const std::vector<std::byte>& bytes) {
    ByteReader r(bytes);
    Requests q;
    q.keys = r.Strs();
    q.latest.resize(r.Count());
    for (auto& [actor, time] : q.latest) actor = r.I64(), time = r.I64();
    q.urls = r.Strs();
    return q;
  }
};

// The `round`th slice of `v` in slices of `batch` (empty past the end).
template <typename T>
std::span<const T> Slice(const std::vector<T>& v, std::size_t round, std::size_t batch) {
  const std::size_t lo = std::min(v.size(), round * batch);
  return std::span<const T>(v).subspan(lo, std::min(batch, v.size() - lo));
}

std::size_t RoundsFor(std::size_t n, std::size_t batch) { return (n + batch - 1) / batch; }

// Everything this rank asks during the pass, sorted and unique: the ref target keys by the rank owning
// each key's partition; the (actor, time) pairs and URLs, asked alike of every rank owning a partition.
// Sent in rounds of at most `batch` of each, so that a round's answers, not the pass's, are in memory.
struct Asking {
  std::vector<std::vector<std::string>> keys;  // by rank
  std::vector<std::pair<std::int64_t, std::int64_t>> latest;
  std::vector<std::string> urls;

  explicit Asking(std::size_t ranks) : keys(ranks) {}

  void Normalise() {
    auto unique = [](auto& v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      v.shrink_to_fit();
    };
    for (auto& k : keys) unique(k);
    unique(latest);
    unique(urls);
  }
  std::size_t Rounds(std::size_t batch) const {
    std::size_t rounds = std::max(RoundsFor(latest.size(), batch), RoundsFor(urls.size(), batch));
    for (const auto& k : keys) rounds = std::max(rounds, RoundsFor(k.size(), batch));
    return rounds;
  }
  // Round `round`'s request to rank `q`; `owner` when q owns a partition (and so answers lookups).
  std::vector<std::byte> Encode(std::size_t round, std::size_t batch, std::size_t q, bool owner) const {
    std::vector<std::byte> bytes;
    ByteWriter w(bytes);
    w.Strs(Slice(keys[q], round, batch));
    const auto pairs = owner ? Slice(latest, round, batch) : std::span<const std::pair<std::int64_t, std::int64_t>>();
    w.U64(pairs.size());
    for (const auto& [actor, time] : pairs) w.I64(actor), w.I64(time);
    w.Strs(owner ? Slice(urls, round, batch) : std::span<const std::string>());
    return bytes;
  }
};

// One partition of this rank during the pass: its connection (the catalog as `cat`, a temporary
// database as `ext`) in the write transaction of its flows.
struct OwnPartition {
  int p = 0;
  detail::Connection conn;
  std::optional<std::uint64_t> dirty;  // dirty items marked (incremental pass)
};

// The catalog as an SQLite URI opened immutable: read without locks, WAL or shared memory, which a
// network filesystem does not keep coherent between hosts. Ingest checkpointed it, and nothing writes it
// during the partition passes.
std::string ImmutableUri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
      uri += c;
    } else {
      uri += '%';
      uri += kHex[u >> 4];
      uri += kHex[u & 15];
    }
  }
  return uri + "?immutable=1";
}

OwnPartition OpenOwnPartition(const PartitionPassPlan& plan, int p) {
  OwnPartition own{p, detail::OpenPartitionFile(plan.partitions.at(static_cast<std::size_t>(p))), std::nullopt};
  sqlite3* db = own.conn.get();
  {
    Statement at(db, "ATTACH DATABASE ? AS cat");
    at.Bind(1, ImmutableUri(plan.catalog)).Run();
  }
  ExecOn(db, "ATTACH DATABASE '' AS ext");
  ExecOn(db, kExtSchema);
  ExecOn(db, std::string("CREATE TEMP VIEW all_items AS SELECT ") + kFlowSourceColumns + " FROM main.items UNION ALL " +
                 "SELECT " + kFlowSourceColumns + " FROM ext.items");
  ExecOn(db, "BEGIN");
  detail::BeginWritingMainPartition(db);
  return own;
}

detail::FlowSources SourcesOf(const PartitionPassPlan& plan, int p) {
  detail::FlowSources from;
  from.prefixes = {"main.", "ext."};
  from.parts = {p, -1};
  from.partitions = static_cast<int>(plan.partitions.size());
  from.fresh_sql = std::string("SELECT ") + kFlowSourceColumns + " FROM ext.fresh";
  from.moved_sql = "SELECT actor_id, time FROM ext.moved";
  return from;
}

// Step 1: a partition's items new to the flows and its upgraded items' former (actor, time).
void EncodeFreshRows(sqlite3* db, const PartitionPassPlan& plan, std::vector<std::byte>& bytes) {
  std::vector<SourceRow> rows;
  {
    Statement st(db, std::string("SELECT ") + kFlowSourceColumns + " FROM main.items WHERE id > ?");
    st.Bind(1, plan.items_done);
    CollectRows(st, rows);
  }
  {
    Statement st(db,
                 "SELECT i.id, i.key, i.actor_id, i.time, i.url, i.channel FROM main.flow_pending f "
                 "JOIN main.items i ON i.id = f.item_id");
    CollectRows(st, rows);
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> moved;
  {
    Statement st(db, "SELECT old_actor, old_time FROM main.flow_pending WHERE old_actor IS NOT NULL");
    while (st.Step()) moved.emplace_back(st.Int(0), st.Int(1));
  }
  ByteWriter w(bytes);
  w.U64(rows.size());
  for (const auto& row : rows) PutRow(w, row);
  w.U64(moved.size());
  for (const auto& [actor, time] : moved) w.I64(actor), w.I64(time);
}

// Every rank's fresh rows into ext.fresh and ext.moved; returns the number of fresh rows.
std::uint64_t InsertFreshRows(sqlite3* db, const std::vector<std::vector<std::byte>>& from_ranks) {
  std::uint64_t inserted = 0;
  Statement moved_st(db, "INSERT INTO ext.moved(actor_id, time) VALUES (?, ?)");
  for (const auto& bytes : from_ranks) {
    ByteReader r(bytes);
    while (!r.done()) {
      std::vector<SourceRow> rows(r.Count());
      for (auto& row : rows) row = GetRow(r);
      InsertRows(db, "fresh", rows);
      inserted += rows.size();
      const std::size_t n = r.Count();
      for (std::size_t k = 0; k < n; ++k) {
        const std::int64_t actor = r.I64(), time = r.I64();
        moved_st.Bind(1, actor).Bind(2, time).Run();
        moved_st.Reset();
      }
    }
  }
  return inserted;
}

// Step 2: what a partition's (dirty) items look up in other partitions, added to `asking`.
void AddRequests(sqlite3* db, const PartitionPassPlan& plan, int p, int ranks, Asking& asking) {
  const std::string only_dirty = plan.incremental ? " IN (SELECT id FROM temp.flow_dirty)" : "";
  const int n = static_cast<int>(plan.partitions.size());
  {
    Statement st(db, "SELECT DISTINCT r.target_key FROM main.refs r" +
                         (plan.incremental ? " WHERE r.item_id" + only_dirty : std::string()));
    while (st.Step()) {
      const std::string_view key = st.TextView(0);
      const int q = Store::PartitionOfKey(key, n);
      if (q != p) asking.keys[static_cast<std::size_t>(q % ranks)].emplace_back(key);
    }
  }
  {
    Statement st(db,
                 "SELECT DISTINCT (SELECT a.id FROM actors a WHERE a.handle = mn.handle COLLATE NOCASE "
                 "AND a.platform = p.platform ORDER BY a.id LIMIT 1) AS actor, p.time "
                 "FROM main.mentions mn JOIN main.items p ON p.id = mn.item_id" +
                     (plan.incremental ? " WHERE mn.item_id" + only_dirty : std::string()));
    while (st.Step())
      if (!st.IsNull(0)) asking.latest.emplace_back(st.Int(0), st.Int(1));
  }
  {
    Statement st(db, "SELECT DISTINCT u.url FROM main.urls u" +
                         (plan.incremental ? " WHERE u.item_id" + only_dirty : std::string()));
    while (st.Step()) asking.urls.emplace_back(st.TextView(0));
  }
}

// For each (actor, t) of `asked` (sorted by actor, then time), the partition's latest item of the actor
// strictly before t (largest time, then largest id), as the one-process SQL picks it. One index-only scan
// of each asked actor's (time, id) instead of one search per pair: a popular account is mentioned at
// many times.
void AnswerLatest(sqlite3* db, const std::vector<std::pair<std::int64_t, std::int64_t>>& asked,
                  std::vector<SourceRow>& rows) {
  Statement items_of(db, "SELECT time, id FROM main.items WHERE actor_id = ? ORDER BY time, id");
  Statement by_id(db, std::string("SELECT ") + kFlowSourceColumns + " FROM main.items WHERE id = ?");
  std::vector<std::pair<std::int64_t, std::int64_t>> times;  // (time, id), ascending
  std::vector<std::int64_t> picked;
  for (std::size_t lo = 0; lo < asked.size();) {
    const std::int64_t actor = asked[lo].first;
    std::size_t hi = lo;
    while (hi < asked.size() && asked[hi].first == actor) ++hi;
    times.clear();
    items_of.Bind(1, actor);
    while (items_of.Step()) times.emplace_back(items_of.Int(0), items_of.Int(1));
    items_of.Reset();
    picked.clear();
    for (std::size_t k = lo; k < hi; ++k) {
      // The first (time, id) not before (t, −∞): the one before it is the latest strictly before t.
      const auto at = std::lower_bound(times.begin(), times.end(),
                                       std::make_pair(asked[k].second, std::numeric_limits<std::int64_t>::min()));
      if (at != times.begin()) picked.push_back(std::prev(at)->second);
    }
    std::sort(picked.begin(), picked.end());
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    for (const std::int64_t id : picked) {
      by_id.Bind(1, id);
      CollectRows(by_id, rows);
      by_id.Reset();
    }
    lo = hi;
  }
}

// Step 3: a partition's answers to one rank's requests (keys only when they route to it).
void AnswerRequests(sqlite3* db, int p, int partitions, const Requests& asked, std::vector<SourceRow>& rows) {
  const std::string cols = std::string("SELECT ") + kFlowSourceColumns + " FROM main.items ";
  Statement by_key(db, cols + "WHERE key = ?");
  for (const auto& key : asked.keys) {
    if (Store::PartitionOfKey(key, partitions) != p) continue;
    by_key.Bind(1, std::string_view(key));
    CollectRows(by_key, rows);
    by_key.Reset();
  }
  AnswerLatest(db, asked.latest, rows);
  Statement earliest(db, cols + "WHERE url = ? AND channel IN ('press', 'pr') ORDER BY time, id LIMIT 1");
  for (const auto& url : asked.urls) {
    earliest.Bind(1, std::string_view(url));
    CollectRows(earliest, rows);
    earliest.Reset();
  }
}

std::vector<std::byte> EncodeRows(std::vector<SourceRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const SourceRow& a, const SourceRow& b) { return a.id < b.id; });
  rows.erase(std::unique(rows.begin(), rows.end(), [](const SourceRow& a, const SourceRow& b) { return a.id == b.id; }),
             rows.end());
  std::vector<std::byte> bytes;
  ByteWriter w(bytes);
  w.U64(rows.size());
  for (const auto& row : rows) PutRow(w, row);
  return bytes;
}

std::vector<SourceRow> DecodeRows(const std::vector<std::byte>& bytes) {
  ByteReader r(bytes);
  std::vector<SourceRow> rows(r.Count());
  for (auto& row : rows) row = GetRow(r);
  return rows;
}

// Step 4: the flow SQL over the partition's items and the rows received, and the commit.
std::uint64_t FinishPartition(OwnPartition& own, const PartitionPassPlan& plan) {
  sqlite3* db = own.conn.get();
  ExecOn(db, kExtIndexes);
  return detail::WritePartitionFlows(db, plan, SourcesOf(plan, own.p), own.dirty);
}

// The number of rounds every rank runs: the most any rank needs (each tells every other its own).
std::size_t AgreeOnRounds(FlowExchange& exchange, std::size_t mine) {
  std::vector<std::byte> bytes;
  ByteWriter(bytes).U64(mine);
  std::size_t rounds = 0;
  for (const auto& theirs :
       exchange.Alltoall(std::vector<std::vector<std::byte>>(static_cast<std::size_t>(exchange.ranks()), bytes)))
    rounds = std::max<std::size_t>(rounds, ByteReader(theirs).U64());
  return rounds;
}

}  // namespace

std::uint64_t RunExchangedFlowPasses(const PartitionPassPlan& plan, const std::vector<int>& partitions,
                                     FlowExchange& exchange, FlowExchangeCounts* counts) {
  FlowExchangeCounts seen;
  const int ranks = exchange.ranks();
  const auto n_ranks = static_cast<std::size_t>(ranks);
  std::vector<OwnPartition> own(partitions.size());
  std::vector<std::uint64_t> redone(partitions.size(), 0);
  // 1. Open, and (incremental) share the new items.
  std::vector<std::byte> fresh;
  exchange.Agree([&] {
    tbb::parallel_for(std::size_t{0}, own.size(),
                      [&](std::size_t k) { own[k] = OpenOwnPartition(plan, partitions[k]); });
    if (plan.incremental)
      for (auto& o : own) EncodeFreshRows(o.conn.get(), plan, fresh);
  });
  if (plan.incremental) {
    const auto everyone = exchange.Alltoall(std::vector<std::vector<std::byte>>(n_ranks, fresh));
    std::vector<std::uint64_t> fresh_rows(own.size(), 0);
    exchange.Agree([&] {
      tbb::parallel_for(std::size_t{0}, own.size(), [&](std::size_t k) {
        sqlite3* db = own[k].conn.get();
        fresh_rows[k] = InsertFreshRows(db, everyone);
        own[k].dirty = detail::MarkDirtyItems(db, "main.", SourcesOf(plan, own[k].p),
                                              detail::FlowMarks{plan.items_done, plan.actors_done});
      });
    });
    if (!fresh_rows.empty()) seen.fresh_rows = fresh_rows.front();
  }
  // 2. Ask, in rounds: 3. answer, each partition's received rows into its ext.items.
  const int n = static_cast<int>(plan.partitions.size());
  const std::size_t batch = std::max<std::size_t>(1, plan.exchange_batch);
  Asking asking(n_ranks);
  exchange.Agree([&] {
    for (auto& o : own) AddRequests(o.conn.get(), plan, o.p, ranks, asking);
    asking.Normalise();
  });
  const std::size_t owners = std::min(n_ranks, static_cast<std::size_t>(n));
  for (const auto& k : asking.keys) seen.keys_asked += k.size();
  seen.latest_asked = asking.latest.size() * owners;
  seen.urls_asked = asking.urls.size() * owners;
  seen.rounds = AgreeOnRounds(exchange, asking.Rounds(batch));
  for (std::size_t round = 0; round < seen.rounds; ++round) {
    std::vector<std::vector<std::byte>> asks(n_ranks);
    for (std::size_t q = 0; q < n_ranks; ++q) asks[q] = asking.Encode(round, batch, q, q < owners);
    const auto asked = exchange.Alltoall(asks);
    asks.clear();
    std::vector<std::vector<std::byte>> answers(n_ranks);
    exchange.Agree([&] {
      for (std::size_t q = 0; q < n_ranks; ++q) {
        const Requests request = Requests::Decode(asked[q]);
        std::vector<std::vector<SourceRow>> rows(own.size());
        tbb::parallel_for(std::size_t{0}, own.size(),
                          [&](std::size_t k) { AnswerRequests(own[k].conn.get(), own[k].p, n, request, rows[k]); });
        std::vector<SourceRow> all;
        for (auto& r : rows) std::move(r.begin(), r.end(), std::back_inserter(all));
        answers[q] = EncodeRows(std::move(all));
      }
    });
    const auto answered = exchange.Alltoall(answers);
    answers.clear();
    exchange.Agree([&] {
      std::vector<std::vector<SourceRow>> received;
      for (const auto& bytes : answered) {
        received.push_back(DecodeRows(bytes));
        seen.rows_received += received.back().size();
      }
      tbb::parallel_for(std::size_t{0}, own.size(), [&](std::size_t k) {
        for (const auto& rows : received) InsertRows(own[k].conn.get(), "items", rows);
      });
    });
  }
  // 4. The flows.
  exchange.Agree([&] {
    tbb::parallel_for(std::size_t{0}, own.size(), [&](std::size_t k) {
      redone[k] = FinishPartition(own[k], plan);
      sqlite3* db = own[k].conn.get();
      ExecOn(db, "DROP VIEW temp.all_items");
      ExecOn(db, "DETACH DATABASE ext");
      ExecOn(db, "DETACH DATABASE cat");
      UpdatePartitionSearchIndex(db);
    });
  });
  if (counts) *counts = seen;
  std::uint64_t total = 0;
  for (const std::uint64_t r : redone) total += r;
  return total;
}

}  // namespace relais::corpora
