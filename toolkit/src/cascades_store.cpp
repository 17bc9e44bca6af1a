// Cascade trees from the flows table: parent = source item of the first flow into each item; with a follower
// graph, the retweets of each item re-attached by time-respecting attachment.
#include <algorithm>
#include <span>
#include <string_view>
#include <unordered_map>

#include <tbb/parallel_for.h>

#include "relais/base/error.hpp"
#include "relais/corpora/partition_query.hpp"
#include "relais/corpora/store.hpp"
#include "relais/toolkit/cascades.hpp"
#include "relais/toolkit/graph_view.hpp"
#include "relais/toolkit/store_query.hpp"

namespace relais::toolkit {
namespace {

// The items of the flows read, numbered densely in the order they are met. Per item: 33 bytes and a 4-byte slot
// in `dense` (indexed by items.id, whose values stay below the store's item count plus expansions): at 17.6M items
// a hash map and a std::string per item held most of the 1.7 GB cascades needed.
struct Forest {
  std::vector<std::int64_t> item_id;  // dense → items.id
  std::vector<std::int64_t> parent;   // dense parent or kNoParent
  std::vector<std::uint8_t> layer;    // layer of the flow from the parent: index in layer_names
  std::vector<std::int64_t> actor;    // items.actor_id (0 when unknown)
  std::vector<TimeMs> time;
  std::vector<std::uint32_t> dense;  // items.id → dense + 1 (0: not met)
  std::vector<std::string> layer_names{""};
  std::uint64_t extra_parents = 0;

  std::uint8_t LayerCode(std::string_view name) {
    for (std::size_t k = 0; k < layer_names.size(); ++k)
      if (layer_names[k] == name) return static_cast<std::uint8_t>(k);
    if (layer_names.size() == 255) throw Error(ErrorKind::kInternal, "cascades: more than 254 layers");
    layer_names.emplace_back(name);
    return static_cast<std::uint8_t>(layer_names.size() - 1);
  }
  bool IsLayer(std::size_t v, std::string_view name) const { return layer_names[layer[v]] == name; }
};

// The largest items.id of the store (each partition's rowid b-tree, not a scan of the union view).
std::int64_t MaxItemId(const corpora::Store& store) {
  std::int64_t max_id = 0;
  for (int p = 0; p < store.partitions(); ++p) {
    corpora::Statement st(store.db(),
                          "SELECT coalesce(max(id), 0) FROM " + corpora::Store::PartitionSchema(p) + ".items");
    if (st.Step()) max_id = std::max(max_id, st.Int(0));
  }
  return max_id;
}

std::int64_t Dense(Forest& f, std::int64_t id, std::int64_t actor, TimeMs time) {
  if (id < 0 || static_cast<std::uint64_t>(id) >= f.dense.size())
    throw Error(ErrorKind::kData, "cascades: item id " + std::to_string(id) + " beyond the store's largest");
  std::uint32_t& slot = f.dense[static_cast<std::size_t>(id)];
  if (slot == 0) {
    if (f.item_id.size() >= 0xFFFFFFFEu) throw Error(ErrorKind::kData, "cascades: more than 4G items in flows");
    f.item_id.push_back(id);
    f.parent.push_back(graph::kNoParent);
    f.layer.push_back(0);
    f.actor.push_back(actor);
    f.time.push_back(time);
    slot = static_cast<std::uint32_t>(f.item_id.size());
  }
  return static_cast<std::int64_t>(slot) - 1;
}

struct Reattachment {
  std::uint64_t retweets = 0, reattached = 0;
};

// Each item's retweet children, re-attached among themselves by graph::ReconstructCascade (parallel over the
// retweeted items; each writes only its own children's parents, so the result is the same at any thread count).
Reattachment ReattachRetweets(Forest& f, const FollowerGraph& fg) {
  const std::size_t n = f.item_id.size();
  std::vector<std::uint64_t> off(n + 1, 0);
  for (std::size_t v = 0; v < n; ++v)
    if (f.parent[v] != graph::kNoParent && f.IsLayer(v, "retweet")) ++off[static_cast<std::size_t>(f.parent[v]) + 1];
  for (std::size_t v = 0; v < n; ++v) off[v + 1] += off[v];
  std::vector<std::int64_t> kids(off[n]);
  std::vector<std::uint64_t> pos(off.begin(), off.end() - 1);
  for (std::size_t v = 0; v < n; ++v)  // dense order = flow order (by time): deterministic
    if (f.parent[v] != graph::kNoParent && f.IsLayer(v, "retweet"))
      kids[pos[static_cast<std::size_t>(f.parent[v])]++] = static_cast<std::int64_t>(v);
  std::vector<std::size_t> retweeted;
  for (std::size_t v = 0; v < n; ++v)
    if (off[v + 1] > off[v]) retweeted.push_back(v);
  auto account = [&](std::size_t v) {
    auto it = fg.node_of.find(f.actor[v]);
    return it == fg.node_of.end() ? graph::kNoNode : it->second;
  };
  std::vector<std::uint64_t> moved(retweeted.size(), 0);
  tbb::parallel_for(std::size_t{0}, retweeted.size(), [&](std::size_t r) {
    const std::size_t x = retweeted[r];
    std::vector<graph::Share> shares;
    for (std::uint64_t k = off[x]; k < off[x + 1]; ++k) {
      const auto c = static_cast<std::size_t>(kids[k]);
      shares.push_back({account(c), f.time[c]});
    }
    std::vector<std::int64_t> parent = graph::ReconstructCascade(account(x), f.time[x], shares, &fg.follows);
    for (std::size_t i = 0; i < shares.size(); ++i) {
      if (parent[i + 1] == 0) continue;
      f.parent[static_cast<std::size_t>(kids[off[x] + i])] =
          kids[off[x] + static_cast<std::uint64_t>(parent[i + 1]) - 1];
      ++moved[r];
    }
  });
  Reattachment out;
  out.retweets = off[n];
  for (auto m : moved) out.reattached += m;
  return out;
}

}  // namespace

CascadeReport ComputeCascades(const corpora::Store& store, const CascadeQuery& q) {
  std::string csv;
  for (const auto& l : q.layers) csv += l + ",";
  std::vector<std::string> layers = ParseLayers(csv);
  if (layers.empty()) throw Error(ErrorKind::kInvalidArgument, "cascades need at least one layer");
  Forest f;
  f.dense.assign(static_cast<std::size_t>(MaxItemId(store)) + 1, 0);
  {
    // Each partition's flows with their dst item (local), merged in (d.time, f.id) order; the source
    // item may be in any partition: looked up by id.
    corpora::Statement src(store.db(), "SELECT actor_id, time FROM items WHERE id = ?");
    corpora::MergePartitionRows(
        store,
        "SELECT d.time, f.id, f.src_item, f.dst_item, f.layer, d.actor_id FROM flows f JOIN items d ON d.id = "
        "f.dst_item WHERE f.src_item IS NOT NULL AND f.src_item != f.dst_item" +
            LayerInClause(layers) + " ORDER BY d.time, f.id",
        [&](corpora::Statement& st) { BindLayers(st, 1, layers); }, 2,
        [&](const corpora::Statement& st) {
          src.Reset();
          src.Bind(1, st.Int(2));
          const bool found = src.Step();
          const std::int64_t s_actor = found && !src.IsNull(0) ? src.Int(0) : 0;
          const std::int64_t s_time = found && !src.IsNull(1) ? src.Int(1) : 0;
          std::int64_t s = Dense(f, st.Int(2), s_actor, s_time);
          std::int64_t d = Dense(f, st.Int(3), st.IsNull(5) ? 0 : st.Int(5), st.Int(0));
          if (f.parent[static_cast<std::size_t>(d)] != graph::kNoParent) {
            ++f.extra_parents;
            return;
          }
          f.parent[static_cast<std::size_t>(d)] = s;
          f.layer[static_cast<std::size_t>(d)] = f.LayerCode(st.TextView(4));
        });
  }
  Reattachment moved;
  if (q.followers && std::find(layers.begin(), layers.end(), "retweet") != layers.end())
    moved = ReattachRetweets(f, *q.followers);
  const std::size_t n = f.item_id.size();
  f.dense = {};  // not needed beyond the flows: the root's item is looked up below by scanning item_id
  // Children as compressed rows (dense order within a parent: the order of the flows).
  std::vector<std::uint64_t> kid_off(n + 1, 0);
  for (std::size_t v = 0; v < n; ++v)
    if (f.parent[v] != graph::kNoParent) ++kid_off[static_cast<std::size_t>(f.parent[v]) + 1];
  for (std::size_t v = 0; v < n; ++v) kid_off[v + 1] += kid_off[v];
  std::vector<std::uint32_t> kids(kid_off[n]);
  {
    std::vector<std::uint64_t> pos(kid_off.begin(), kid_off.end() - 1);
    for (std::size_t v = 0; v < n; ++v)
      if (f.parent[v] != graph::kNoParent)
        kids[pos[static_cast<std::size_t>(f.parent[v])]++] = static_cast<std::uint32_t>(v);
  }
  // Trees: BFS from every root, all in one array (tree t = order[tree_start[t], tree_start[t + 1]), root
  // first); items never reached sit on a cycle of parents.
  constexpr std::uint32_t kNoTree = 0xFFFFFFFFu;
  std::vector<std::uint32_t> tree_of(n, kNoTree);
  std::vector<std::uint32_t> order;
  std::vector<std::uint64_t> tree_start;
  order.reserve(n);
  for (std::size_t r = 0; r < n; ++r) {
    if (f.parent[r] != graph::kNoParent) continue;
    const auto t = static_cast<std::uint32_t>(tree_start.size());
    tree_start.push_back(order.size());
    const std::size_t head0 = order.size();
    order.push_back(static_cast<std::uint32_t>(r));
    tree_of[r] = t;
    for (std::size_t head = head0; head < order.size(); ++head)
      for (std::uint64_t k = kid_off[order[head]]; k < kid_off[order[head] + 1]; ++k) {
        tree_of[kids[k]] = t;
        order.push_back(kids[k]);
      }
  }
  const std::size_t num_trees = tree_start.size();
  tree_start.push_back(order.size());
  kids = {};
  kid_off = {};
  auto tree_size = [&](std::size_t t) { return tree_start[t + 1] - tree_start[t]; };
  CascadeReport report;
  report.extra_parents = f.extra_parents;
  report.retweets = moved.retweets;
  report.reattached = moved.reattached;
  for (std::size_t v = 0; v < n; ++v) report.in_cycles += tree_of[v] == kNoTree;

  std::optional<std::int64_t> only_tree;
  if (q.root) {
    corpora::Statement st(store.db(), "SELECT id FROM items WHERE key = ?");
    st.Bind(1, *q.root);
    if (!st.Step()) throw Error(ErrorKind::kData, "no item \"" + *q.root + "\" in the store");
    const auto it = std::find(f.item_id.begin(), f.item_id.end(), st.Int(0));
    if (it == f.item_id.end() || tree_of[static_cast<std::size_t>(it - f.item_id.begin())] == kNoTree) {
      report.total = 0;
      return report;  // the item is in no cascade of these layers
    }
    only_tree = tree_of[static_cast<std::size_t>(it - f.item_id.begin())];
  }

  corpora::Statement item(store.db(),
                          "SELECT i.key, i.time, a.key, a.public FROM items i LEFT JOIN actors a ON a.id = i.actor_id "
                          "WHERE i.id = ?");
  // The trees in the order of their roots, ranked by size (stable); only the band that reaches the cut is
  // built (metrics, labels), so --top K looks up K roots and the others cost 4 bytes each.
  std::vector<std::uint32_t> ranked;
  if (only_tree) {
    ranked.push_back(static_cast<std::uint32_t>(*only_tree));
  } else {
    ranked.resize(num_trees);
    for (std::size_t t = 0; t < num_trees; ++t) ranked[t] = static_cast<std::uint32_t>(t);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return tree_size(a) > tree_size(b); });
  report.total = ranked.size();
  // Ties by root key: label the whole tie band that reaches the cut.
  std::size_t cut = q.top == 0 ? ranked.size() : std::min(q.top, ranked.size());
  std::size_t label_to = cut;
  while (label_to < ranked.size() && cut > 0 && tree_size(ranked[label_to]) == tree_size(ranked[cut - 1])) ++label_to;
  auto build = [&](std::size_t t) {
    const std::span<const std::uint32_t> tree(order.data() + tree_start[t], tree_size(t));
    std::unordered_map<std::int64_t, std::int64_t> local;
    std::vector<std::int64_t> parent(tree.size());
    for (std::size_t k = 0; k < tree.size(); ++k) local[tree[k]] = static_cast<std::int64_t>(k);
    for (std::size_t k = 0; k < tree.size(); ++k) {
      auto p = f.parent[tree[k]];
      parent[k] = p == graph::kNoParent ? graph::kNoParent : local.at(p);
    }
    Cascade c;
    c.metrics = graph::ComputeCascadeMetrics(parent);
    if (only_tree || q.all_nodes) {
      std::vector<std::uint32_t> depth(tree.size(), 0);
      for (std::size_t k = 1; k < tree.size(); ++k) depth[k] = depth[static_cast<std::size_t>(parent[k])] + 1;
      for (std::size_t k = 0; k < tree.size(); ++k) {
        item.Reset();
        item.Bind(1, f.item_id[tree[k]]);
        CascadeNode node;
        if (item.Step()) {
          // A post's key names its author (status id, post URL): non-public authors' items are shown
          // as item pseudonyms, like everywhere else in default mode.
          const bool author_public = !item.IsNull(3) && item.Int(3) != 0;
          node.item = DisplayItemKey(store, item.Text(0), author_public, q.pseudonymise);
          node.time = item.Int(1);
        }
        node.parent = parent[k];
        node.depth = depth[k];
        node.layer = f.layer_names[f.layer[tree[k]]];
        c.nodes.push_back(std::move(node));
      }
    }
    c.root = std::to_string(tree[0]);  // dense id until labelled
    return c;
  };
  auto root_id = [&](const Cascade& c) { return f.item_id[static_cast<std::size_t>(std::stoll(c.root))]; };
  auto fill = [&](Cascade& c) {
    item.Reset();
    item.Bind(1, root_id(c));
    if (!item.Step()) return;
    std::string actor = item.IsNull(2) ? "" : item.Text(2);
    bool is_public = !item.IsNull(3) && item.Int(3) != 0;
    c.root = DisplayItemKey(store, item.Text(0), is_public, q.pseudonymise);
    c.root_time = item.Int(1);
    c.root_actor = actor.empty() || is_public || !q.pseudonymise ? actor : store.Pseudonym(actor);
  };
  std::vector<Cascade> out;
  out.reserve(label_to);
  for (std::size_t k = 0; k < label_to; ++k) {
    out.push_back(build(ranked[k]));
    fill(out.back());
  }
  std::stable_sort(out.begin(), out.end(), [](const Cascade& a, const Cascade& b) {
    if (a.metrics.size != b.metrics.size) return a.metrics.size > b.metrics.size;
    return a.root < b.root;
  });
  out.resize(cut);
  report.cascades = std::move(out);
  return report;
}

}  // namespace relais::toolkit
