// Graph views of the flows table: one grouped SQL query per view, dense ids in the query's (sorted)
// order, node attributes from items/actors, and a binary snapshot in cache/ keyed by query + version.
#include "relais/toolkit/graph_view.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <unordered_map>

#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/store_query.hpp"

namespace relais::toolkit {
namespace {

// Calls on_count(key, count) for every key of sorted lists of (key, count) held by `parts` (each key once a
// list; `keys` the member holding the keys, `counts` theirs), in key order, the counts of equal keys added in
// the order of `parts`.
template <typename Part, typename Key, typename OnCount>
void ForEachMergedCount(const std::vector<Part>& parts, std::vector<Key> Part::*keys, OnCount&& on_count) {
  std::vector<std::size_t> at(parts.size(), 0);
  for (;;) {
    const Key* least = nullptr;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      const std::vector<Key>& list = parts[p].*keys;
      if (at[p] < list.size() && (least == nullptr || list[at[p]] < *least)) least = &list[at[p]];
    }
    if (least == nullptr) return;
    const Key key = *least;
    std::int64_t count = 0;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      const std::vector<Key>& list = parts[p].*keys;
      if (at[p] < list.size() && list[at[p]] == key) count += parts[p].counts[at[p]++];
    }
    on_count(key, count);
  }
}

using corpora::Statement;
using graph::NodeId;

constexpr char kMagic[8] = {'R', 'L', 'G', 'V', '0', '0', '0', '1'};

// --- cache file: little helpers over FILE* -------------------------------------------------------

struct Writer {
  std::FILE* f;
  bool ok = true;
  void Bytes(const void* p, std::size_t n) { ok = ok && std::fwrite(p, 1, n, f) == n; }
  template <typename T>
  void Pod(const T& v) {
    Bytes(&v, sizeof(T));
  }
  template <typename T>
  void Vec(const std::vector<T>& v) {
    Pod<std::uint64_t>(v.size());
    if (!v.empty()) Bytes(v.data(), v.size() * sizeof(T));
  }
  void Str(const std::string& s) {
    Pod<std::uint64_t>(s.size());
    Bytes(s.data(), s.size());
  }
  void Strs(const std::vector<std::string>& v) {
    Pod<std::uint64_t>(v.size());
    for (const auto& s : v) Str(s);
  }
};

struct Reader {
  std::FILE* f;
  std::uint64_t remaining;  // bytes left in the file: bounds every length read
  bool ok = true;
  void Bytes(void* p, std::size_t n) {
    ok = ok && n <= remaining && std::fread(p, 1, n, f) == n;
    if (ok) remaining -= n;
  }
  template <typename T>
  T Pod() {
    T v{};
    Bytes(&v, sizeof(T));
    return v;
  }
  template <typename T>
  std::vector<T> Vec() {
    auto n = Pod<std::uint64_t>();
    std::vector<T> v;
    if (!ok || n > remaining / sizeof(T)) {
      ok = false;
      return v;
    }
    v.resize(n);
    if (n) Bytes(v.data(), n * sizeof(T));
    return v;
  }
  std::string Str() {
    auto n = Pod<std::uint64_t>();
    std::string s;
    if (!ok || n > remaining) {
      ok = false;
      return s;
    }
    s.resize(n);
    Bytes(s.data(), n);
    return s;
  }
  std::vector<std::string> Strs() {
    auto n = Pod<std::uint64_t>();
    std::vector<std::string> v;
    if (!ok || n > remaining / sizeof(std::uint64_t)) {
      ok = false;
      return v;
    }
    v.reserve(n);
    for (std::uint64_t i = 0; i < n && ok; ++i) v.push_back(Str());
    return v;
  }
};

/// SHA-256 over every actor's id, class, région group (resolved homes included) and public flag (a few hundred
/// ms per million actors).
std::string ActorAttributesDigest(const corpora::Store& store) {
  std::string join;
  const std::string region = RegionGroupSql(store, &join);
  Statement st(store.db(), "SELECT a.id, coalesce(a.actor_class,''), " + region + ", a.public, a.key FROM actors a" +
                               join + " ORDER BY a.id");
  Sha256 h;
  std::string row;
  while (st.Step()) {
    row = std::to_string(st.Int(0));
    for (int c : {1, 2, 4}) {
      row += '\x1f';
      row += st.TextView(c);
    }
    row += st.Int(3) ? "\x1f"
                       "1\x1e"
                     : "\x1f"
                       "0\x1e";
    h.Update(row);
  }
  return h.FinishHex();
}

std::filesystem::path CachePath(const corpora::Store& store, const std::string& full_key) {
  return store.cache_dir() / ("graph-" + Sha256Hex(full_key).substr(0, 32) + ".bin");
}

bool LoadCache(const std::filesystem::path& path, const std::string& full_key, GraphView& v) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return false;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return false;
  Reader r{f.get(), size};
  char magic[8];
  r.Bytes(magic, 8);
  if (!r.ok || std::string_view(magic, 8) != std::string_view(kMagic, 8)) return false;
  if (r.Str() != full_key || !r.ok) return false;
  auto offsets = r.Vec<graph::EdgeOffset>();
  auto targets = r.Vec<NodeId>();
  auto weights = r.Vec<graph::Weight>();
  GraphView out;
  out.labels = r.Strs();
  out.actor_class = r.Strs();
  out.region = r.Strs();
  out.is_public = r.Vec<std::uint8_t>();
  out.store_ids = r.Vec<std::int64_t>();
  out.flows = r.Pod<std::uint64_t>();
  out.skipped_flows = r.Pod<std::uint64_t>();
  if (!r.ok || r.remaining != 0 || offsets.empty() || offsets.back() != targets.size() ||
      weights.size() != targets.size())
    return false;
  const std::size_t n = offsets.size() - 1;
  if (out.labels.size() != n || out.actor_class.size() != n || out.region.size() != n || out.is_public.size() != n ||
      out.store_ids.size() != n)
    return false;
  for (std::size_t u = 0; u < n; ++u)
    if (offsets[u] > offsets[u + 1]) return false;
  for (NodeId t : targets)
    if (t >= n) return false;
  try {
    out.graph = graph::CsrGraph::FromCsr(std::move(offsets), std::move(targets), std::move(weights), true);
  } catch (const Error&) {
    return false;
  }
  out.from_cache = true;
  v = std::move(out);
  return true;
}

// Best effort: a read-only or full disk only costs a rebuild next time.
void SaveCache(const std::filesystem::path& path, const std::string& full_key, const GraphView& v) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  auto tmp = path;
  tmp += ".tmp" + std::to_string(::getpid());
  {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(tmp.c_str(), "wb"), &std::fclose);
    if (!f) return;
    Writer w{f.get()};
    w.Bytes(kMagic, 8);
    w.Str(full_key);
    w.Vec(v.graph.offsets());
    w.Vec(v.graph.targets());
    w.Vec(v.graph.weights());
    w.Strs(v.labels);
    w.Strs(v.actor_class);
    w.Strs(v.region);
    w.Vec(v.is_public);
    w.Vec(v.store_ids);
    w.Pod<std::uint64_t>(v.flows);
    w.Pod<std::uint64_t>(v.skipped_flows);
    if (!w.ok) {
      f.reset();
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

// WHERE clause over flows f (and the derived item d when a window is set).
std::string FlowFilter(const GraphQuery& q, bool& needs_item) {
  std::string where = " WHERE 1";
  where += LayerInClause(q.layers);  // bound by BindLayers(st, 1, q.layers)
  needs_item = q.from || q.to;
  if (q.from) where += " AND d.time >= " + std::to_string(*q.from);
  if (q.to) where += " AND d.time < " + std::to_string(*q.to);
  return where;
}

GraphView Build(const corpora::Store& store, const GraphQuery& q) {
  bool needs_item = false;
  const std::string where = FlowFilter(q, needs_item);
  std::string from = " FROM flows f";
  if (needs_item) from += " JOIN items d ON d.id = f.dst_item";
  std::string src, dst, missing;
  switch (q.by) {
    case Aggregation::kItem:
      src = "f.src_item";
      dst = "f.dst_item";
      missing = "f.src_item IS NULL";
      break;
    case Aggregation::kActor:
      src = "f.src_actor";
      dst = "f.dst_actor";
      missing = "f.src_actor IS NULL OR f.dst_actor IS NULL";
      break;
    case Aggregation::kClass:
      from += " JOIN actors sa ON sa.id = f.src_actor JOIN actors da ON da.id = f.dst_actor";
      src = "coalesce(nullif(sa.actor_class,''), 'unknown')";
      dst = "coalesce(nullif(da.actor_class,''), 'unknown')";
      missing = "f.src_actor IS NULL OR f.dst_actor IS NULL";
      break;
    case Aggregation::kRegion: {
      // The région groups of `flows --by region`: the registry's région, else an account's resolved home.
      std::string src_join, dst_join;
      src = RegionGroupSql(store, &src_join, "sa", "sg");
      dst = RegionGroupSql(store, &dst_join, "da", "dg");
      from += " JOIN actors sa ON sa.id = f.src_actor" + src_join + " JOIN actors da ON da.id = f.dst_actor" + dst_join;
      missing = "f.src_actor IS NULL OR f.dst_actor IS NULL";
      break;
    }
  }
  GraphView v;
  // Flows join only their dst item, in their own partition: each partition counts its flows by
  // (source, target) and the counts are added in partition order; ORDER BY 1, 2 of the whole store
  // is the order of the merged map (integer ids, or text keys compared bytewise as SQLite's BINARY).
  const bool text_keys = q.by == Aggregation::kClass || q.by == Aggregation::kRegion;
  std::string skipped_sql = "SELECT count(*) FROM flows f";
  if (needs_item) skipped_sql += " JOIN items d ON d.id = f.dst_item";
  skipped_sql += where + " AND (" + missing + ")";
  const std::string sql = "SELECT " + src + ", " + dst + ", count(*)" + from + where + " AND NOT (" + missing +
                          ") GROUP BY 1, 2 ORDER BY 1, 2";
  struct Partial {
    std::uint64_t skipped = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> ids;
    std::vector<std::pair<std::string, std::string>> texts;
    std::vector<std::int64_t> counts;
  };
  const auto parts = corpora::MapPartitions<Partial>(store, [&](sqlite3* db, int) {
    Partial part;
    {
      Statement st(db, skipped_sql);
      BindLayers(st, 1, q.layers);
      if (st.Step()) part.skipped = static_cast<std::uint64_t>(st.Int(0));
    }
    Statement st(db, sql);
    BindLayers(st, 1, q.layers);
    while (st.Step()) {
      if (text_keys)
        part.texts.emplace_back(st.Text(0), st.Text(1));
      else
        part.ids.emplace_back(st.Int(0), st.Int(1));
      part.counts.push_back(st.Int(2));
    }
    return part;
  });
  for (const Partial& part : parts) v.skipped_flows += part.skipped;
  std::unordered_map<std::int64_t, NodeId> by_id;
  std::unordered_map<std::string, NodeId> by_text;
  std::vector<NodeId> s, d;
  std::vector<graph::Weight> w;
  auto text_node = [&](const std::string& key) -> NodeId {
    auto [it, inserted] = by_text.try_emplace(key, static_cast<NodeId>(v.labels.size()));
    if (inserted) {
      v.labels.push_back(key);
      v.store_ids.push_back(-1);
    }
    return it->second;
  };
  auto id_node = [&](std::int64_t id) -> NodeId {
    auto [it, inserted] = by_id.try_emplace(id, static_cast<NodeId>(v.store_ids.size()));
    if (inserted) v.store_ids.push_back(id);
    return it->second;
  };
  auto edge = [&](NodeId a, NodeId b, std::int64_t c) {
    s.push_back(a);
    d.push_back(b);
    w.push_back(static_cast<graph::Weight>(c));
    v.flows += static_cast<std::uint64_t>(c);
  };
  // The partitions' counts, each sorted by (source, target), merged in that order with equal pairs added
  // in partition order: a map of every pair (the 17.6M-item world's actor graph: ~300 MB) is not needed.
  if (text_keys) {
    ForEachMergedCount(parts, &Partial::texts, [&](const auto& key, std::int64_t c) {
      const NodeId a = text_node(key.first);
      edge(a, text_node(key.second), c);
    });
  } else {
    ForEachMergedCount(parts, &Partial::ids, [&](const auto& key, std::int64_t c) {
      const NodeId a = id_node(key.first);
      edge(a, id_node(key.second), c);
    });
  }
  const std::size_t n = v.store_ids.size();
  v.actor_class.assign(n, "");
  v.region.assign(n, "");
  v.is_public.assign(n, 1);
  if (text_keys) {
    for (std::size_t i = 0; i < n; ++i) (q.by == Aggregation::kClass ? v.actor_class : v.region)[i] = v.labels[i];
  } else {
    v.labels.assign(n, "");
    struct Attr {
      std::string label, actor_class, region;
      bool found = false, is_public = true;
    };
    // The attributes of the nodes found on one connection: (node, attributes).
    auto read_attrs = [&](sqlite3* db, const char* attr_sql) {
      std::vector<std::pair<std::size_t, Attr>> found;
      Statement attr(db, attr_sql);
      for (std::size_t i = 0; i < n; ++i) {
        attr.Reset();
        attr.Bind(1, v.store_ids[i]);
        if (!attr.Step()) continue;
        found.emplace_back(i, Attr{attr.Text(0), attr.IsNull(1) ? "public" : attr.Text(1), attr.Text(2), true,
                                   !attr.IsNull(3) && attr.Int(3) != 0});
      }
      return found;
    };
    std::vector<Attr> attrs(n);
    if (q.by == Aggregation::kItem) {
      // An item is in one partition (its key's): every partition looks up the ids, the one holding it answers.
      auto parts_attrs =
          corpora::MapPartitions<std::vector<std::pair<std::size_t, Attr>>>(store, [&](sqlite3* db, int) {
            return read_attrs(db,
                              "SELECT i.key, a.actor_class, a.region, a.public FROM items i LEFT JOIN actors a ON "
                              "a.id = i.actor_id WHERE i.id = ?");
          });
      for (auto& part : parts_attrs)
        for (auto& [i, a] : part)
          if (!attrs[i].found) attrs[i] = std::move(a);
    } else {
      for (auto& [i, a] :
           read_attrs(store.db(), "SELECT a.key, a.actor_class, a.region, a.public FROM actors a WHERE a.id = ?"))
        attrs[i] = std::move(a);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!attrs[i].found)
        throw Error(ErrorKind::kData, std::string("flows refer to ") + (q.by == Aggregation::kItem ? "item" : "actor") +
                                          " id " + std::to_string(v.store_ids[i]) + " which is not in the store");
      v.labels[i] = std::move(attrs[i].label);
      v.actor_class[i] = std::move(attrs[i].actor_class);
      v.region[i] = std::move(attrs[i].region);
      v.is_public[i] = attrs[i].is_public;
    }
  }
  v.graph = graph::CsrGraph::FromEdges(static_cast<NodeId>(n), s, d, w, /*directed=*/true);
  return v;
}

}  // namespace

Aggregation ParseAggregation(std::string_view name) {
  if (name == "item") return Aggregation::kItem;
  if (name == "actor") return Aggregation::kActor;
  if (name == "class") return Aggregation::kClass;
  if (name == "region") return Aggregation::kRegion;
  throw Error(ErrorKind::kInvalidArgument,
              "aggregation \"" + std::string(name) + "\" is unknown, expected item, actor, class or region");
}

std::string_view AggregationName(Aggregation a) {
  switch (a) {
    case Aggregation::kItem:
      return "item";
    case Aggregation::kActor:
      return "actor";
    case Aggregation::kClass:
      return "class";
    case Aggregation::kRegion:
      return "region";
  }
  return "?";
}

const std::vector<std::string>& AllLayers() {
  static const std::vector<std::string> kLayers = {"retweet", "quote", "reply", "mention", "link", "embed", "reuse"};
  return kLayers;
}

std::vector<std::string> ParseLayers(std::string_view csv) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= csv.size() && !csv.empty()) {
    std::size_t comma = csv.find(',', pos);
    if (comma == std::string_view::npos) comma = csv.size();
    std::string name(csv.substr(pos, comma - pos));
    pos = comma + 1;
    if (name.empty()) continue;
    bool known = false;
    for (const auto& l : AllLayers()) known = known || l == name;
    if (!known)
      throw Error(ErrorKind::kInvalidArgument,
                  "layer \"" + name + "\" is unknown, expected retweet, quote, reply, mention, link, embed or reuse");
    bool dup = false;
    for (const auto& l : out) dup = dup || l == name;
    if (!dup) out.push_back(name);
    if (comma == csv.size()) break;
  }
  return out;
}

std::string GraphQueryKey(const GraphQuery& q) {
  std::vector<std::string> layers = q.layers;
  std::sort(layers.begin(), layers.end());
  std::string key = "by=" + std::string(AggregationName(q.by)) + ";layers=";
  for (const auto& l : layers) key += l + ",";
  key += ";from=" + (q.from ? std::to_string(*q.from) : std::string("-"));
  key += ";to=" + (q.to ? std::to_string(*q.to) : std::string("-"));
  return key;
}

GraphView BuildGraphView(const corpora::Store& store, const GraphQuery& query, bool use_cache) {
  GraphQuery q = query;
  for (const auto& l : q.layers) ParseLayers(l);  // validates
  if (q.layers.size() == AllLayers().size()) q.layers.clear();
  if (q.from && q.to && *q.from >= *q.to)
    throw Error(ErrorKind::kInvalidArgument,
                "--from " + FormatIso8601(*q.from) + " is not before --to " + FormatIso8601(*q.to));
  // The view carries actor attributes (class, region, public): an ingest that only changes them
  // leaves ContentVersion() alone, so their digest is part of the key.
  const std::string full_key =
      "relais-graph-view-1|" + GraphQueryKey(q) + "|" + store.ContentVersion() + "|" + ActorAttributesDigest(store);
  const auto path = CachePath(store, full_key);
  GraphView v;
  if (use_cache && LoadCache(path, full_key, v)) return v;
  v = Build(store, q);
  if (use_cache) SaveCache(path, full_key, v);
  return v;
}

graph::CsrGraph CreditGraph(const GraphView& view, bool directed) {
  const auto& g = view.graph;
  std::vector<NodeId> s, d;
  std::vector<graph::Weight> w;
  s.reserve(g.num_arcs());
  d.reserve(g.num_arcs());
  w.reserve(g.num_arcs());
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    auto nb = g.out_neighbors(u);
    auto wt = g.out_weights(u);
    for (std::size_t k = 0; k < nb.size(); ++k) {
      s.push_back(nb[k]);  // derived → source
      d.push_back(u);
      w.push_back(wt.empty() ? 1.0f : wt[k]);
    }
  }
  return graph::CsrGraph::FromEdges(g.num_nodes(), s, d, w, directed);
}

std::string DisplayLabel(const corpora::Store& store, const GraphView& view, NodeId v, Aggregation by,
                         bool pseudonymise) {
  if (!pseudonymise || view.is_public[v]) return view.labels[v];
  if (by == Aggregation::kItem) return DisplayItemKey(store, view.labels[v], false, true);
  if (by != Aggregation::kActor) return view.labels[v];
  return store.Pseudonym(view.labels[v]);
}

}  // namespace relais::toolkit
