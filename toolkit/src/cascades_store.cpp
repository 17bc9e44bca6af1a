// Cascade trees from the flows table: parent = source item of the first flow into each item; with a follower
// graph, the retweets of each item re-attached by time-respecting attachment.
#include <algorithm>
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

struct Forest {
  std::vector<std::int64_t> item_id;  // dense → items.id
  std::vector<std::int64_t> parent;   // dense parent or kNoParent
  std::vector<std::string> layer;     // layer of the flow from the parent
  std::vector<std::int64_t> actor;    // items.actor_id (0 when unknown)
  std::vector<TimeMs> time;
  std::unordered_map<std::int64_t, std::int64_t> dense;
  std::uint64_t extra_parents = 0;
};

std::int64_t Dense(Forest& f, std::int64_t id, std::int64_t actor, TimeMs time) {
  auto [it, inserted] = f.dense.try_emplace(id, static_cast<std::int64_t>(f.item_id.size()));
  if (inserted) {
    f.item_id.push_back(id);
    f.parent.push_back(graph::kNoParent);
    f.layer.emplace_back();
    f.actor.push_back(actor);
    f.time.push_back(time);
  }
  return it->second;
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
    if (f.parent[v] != graph::kNoParent && f.layer[v] == "retweet") ++off[static_cast<std::size_t>(f.parent[v]) + 1];
  for (std::size_t v = 0; v < n; ++v) off[v + 1] += off[v];
  std::vector<std::int64_t> kids(off[n]);
  std::vector<std::uint64_t> pos(off.begin(), off.end() - 1);
  for (std::size_t v = 0; v < n; ++v)  // dense order = flow order (by time): deterministic
    if (f.parent[v] != graph::kNoParent && f.layer[v] == "retweet")
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
          f.layer[static_cast<std::size_t>(d)] = st.Text(4);
        });
  }
  Reattachment moved;
  if (q.followers && std::find(layers.begin(), layers.end(), "retweet") != layers.end())
    moved = ReattachRetweets(f, *q.followers);
  const std::size_t n = f.item_id.size();
  std::vector<std::vector<std::int64_t>> kids(n);
  for (std::size_t v = 0; v < n; ++v)
    if (f.parent[v] != graph::kNoParent)
      kids[static_cast<std::size_t>(f.parent[v])].push_back(static_cast<std::int64_t>(v));
  // Trees: BFS from every root; items never reached sit on a cycle of parents.
  std::vector<std::int64_t> tree_of(n, -1);
  std::vector<std::vector<std::int64_t>> trees;  // BFS order, root first
  for (std::size_t r = 0; r < n; ++r) {
    if (f.parent[r] != graph::kNoParent) continue;
    std::vector<std::int64_t> order{static_cast<std::int64_t>(r)};
    tree_of[r] = static_cast<std::int64_t>(trees.size());
    for (std::size_t head = 0; head < order.size(); ++head)
      for (std::int64_t c : kids[static_cast<std::size_t>(order[head])]) {
        tree_of[static_cast<std::size_t>(c)] = static_cast<std::int64_t>(trees.size());
        order.push_back(c);
      }
    trees.push_back(std::move(order));
  }
  CascadeReport report;
  report.extra_parents = f.extra_parents;
  report.retweets = moved.retweets;
  report.reattached = moved.reattached;
  for (std::size_t v = 0; v < n; ++v) report.in_cycles += tree_of[v] < 0;

  std::optional<std::int64_t> only_tree;
  if (q.root) {
    corpora::Statement st(store.db(), "SELECT id FROM items WHERE key = ?");
    st.Bind(1, *q.root);
    if (!st.Step()) throw Error(ErrorKind::kData, "no item \"" + *q.root + "\" in the store");
    auto it = f.dense.find(st.Int(0));
    if (it == f.dense.end() || tree_of[static_cast<std::size_t>(it->second)] < 0) {
      report.total = 0;
      return report;  // the item is in no cascade of these layers
    }
    only_tree = tree_of[static_cast<std::size_t>(it->second)];
  }

  corpora::Statement item(store.db(),
                          "SELECT i.key, i.time, a.key, a.public FROM items i LEFT JOIN actors a ON a.id = i.actor_id "
                          "WHERE i.id = ?");
  std::vector<Cascade> out;
  for (std::size_t t = 0; t < trees.size(); ++t) {
    if (only_tree && static_cast<std::int64_t>(t) != *only_tree) continue;
    const auto& order = trees[t];
    std::unordered_map<std::int64_t, std::int64_t> local;
    std::vector<std::int64_t> parent(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) local[order[k]] = static_cast<std::int64_t>(k);
    for (std::size_t k = 0; k < order.size(); ++k) {
      auto p = f.parent[static_cast<std::size_t>(order[k])];
      parent[k] = p == graph::kNoParent ? graph::kNoParent : local.at(p);
    }
    Cascade c;
    c.metrics = graph::ComputeCascadeMetrics(parent);
    if (only_tree || q.all_nodes) {
      std::vector<std::uint32_t> depth(order.size(), 0);
      for (std::size_t k = 1; k < order.size(); ++k) depth[k] = depth[static_cast<std::size_t>(parent[k])] + 1;
      for (std::size_t k = 0; k < order.size(); ++k) {
        item.Reset();
        item.Bind(1, f.item_id[static_cast<std::size_t>(order[k])]);
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
        node.layer = f.layer[static_cast<std::size_t>(order[k])];
        c.nodes.push_back(std::move(node));
      }
    }
    out.push_back(std::move(c));
    out.back().root = std::to_string(order[0]);  // dense id until labelled
  }
  report.total = out.size();
  // Rank by size before looking up labels, so --top K fetches only K roots.
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
  std::stable_sort(out.begin(), out.end(),
                   [](const Cascade& a, const Cascade& b) { return a.metrics.size > b.metrics.size; });
  // Ties by root key: label the whole tie band that reaches the cut.
  std::size_t cut = q.top == 0 ? out.size() : std::min(q.top, out.size());
  std::size_t label_to = cut;
  while (label_to < out.size() && cut > 0 && out[label_to].metrics.size == out[cut - 1].metrics.size) ++label_to;
  for (std::size_t k = 0; k < label_to; ++k) fill(out[k]);
  std::stable_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(label_to),
                   [](const Cascade& a, const Cascade& b) {
                     if (a.metrics.size != b.metrics.size) return a.metrics.size > b.metrics.size;
                     return a.root < b.root;
                   });
  out.resize(cut);
  report.cascades = std::move(out);
  return report;
}

}  // namespace relais::toolkit
