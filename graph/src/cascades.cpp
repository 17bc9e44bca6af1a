// Cascade metrics in O(n) (Wiener index of a tree), time-respecting reconstruction, Twitter15/16 trees.
#include "relais/graph/cascades.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "relais/base/error.hpp"

namespace relais::graph {
namespace {

// Children lists (CSR) and a BFS order from the root; throws unless parent is one tree.
struct TreeOrder {
  std::vector<std::uint64_t> child_off;
  std::vector<std::uint64_t> children;
  std::vector<std::uint64_t> order;  // BFS from the root
  std::vector<std::uint32_t> depth;
};

TreeOrder OrderTree(std::span<const std::int64_t> parent) {
  const std::size_t n = parent.size();
  TreeOrder t;
  if (n == 0) throw Error(ErrorKind::kInvalidArgument, "a cascade tree needs at least its root");
  std::size_t root = n;
  t.child_off.assign(n + 1, 0);
  for (std::size_t v = 0; v < n; ++v) {
    if (parent[v] == kNoParent) {
      if (root != n)
        throw Error(ErrorKind::kInvalidArgument,
                    "cascade has two roots (nodes " + std::to_string(root) + " and " + std::to_string(v) + ")");
      root = v;
      continue;
    }
    if (parent[v] < 0 || static_cast<std::size_t>(parent[v]) >= n)
      throw Error(ErrorKind::kInvalidArgument,
                  "node " + std::to_string(v) + " has parent " + std::to_string(parent[v]) + ", out of range");
    ++t.child_off[static_cast<std::size_t>(parent[v]) + 1];
  }
  if (root == n) throw Error(ErrorKind::kInvalidArgument, "cascade has no root (every node has a parent)");
  for (std::size_t v = 0; v < n; ++v) t.child_off[v + 1] += t.child_off[v];
  t.children.resize(n - 1);
  std::vector<std::uint64_t> pos(t.child_off.begin(), t.child_off.end() - 1);
  for (std::size_t v = 0; v < n; ++v)
    if (parent[v] != kNoParent) t.children[pos[static_cast<std::size_t>(parent[v])]++] = v;
  t.order.reserve(n);
  t.depth.assign(n, 0);
  t.order.push_back(root);
  for (std::size_t head = 0; head < t.order.size(); ++head) {
    std::uint64_t v = t.order[head];
    for (std::uint64_t k = t.child_off[v]; k < t.child_off[v + 1]; ++k) {
      std::uint64_t c = t.children[k];
      t.depth[c] = t.depth[v] + 1;
      t.order.push_back(c);
    }
  }
  if (t.order.size() != n)
    throw Error(ErrorKind::kInvalidArgument,
                "cascade has a cycle: " + std::to_string(n - t.order.size()) + " nodes do not reach the root");
  return t;
}

}  // namespace

CascadeMetrics ComputeCascadeMetrics(std::span<const std::int64_t> parent) {
  TreeOrder t = OrderTree(parent);
  const std::size_t n = parent.size();
  CascadeMetrics m;
  m.size = n;
  std::vector<std::uint64_t> per_level;
  for (std::uint64_t v : t.order) {
    m.depth = std::max(m.depth, t.depth[v]);
    if (per_level.size() <= t.depth[v]) per_level.resize(t.depth[v] + 1, 0);
    ++per_level[t.depth[v]];
  }
  m.max_breadth = *std::max_element(per_level.begin(), per_level.end());
  // Subtree sizes bottom-up (reverse BFS order), then the Wiener index edge by edge.
  std::vector<std::uint64_t> sub(n, 1);
  long double wiener = 0;
  for (std::size_t k = n; k-- > 1;) {
    std::uint64_t v = t.order[k];
    sub[static_cast<std::size_t>(parent[v])] += sub[v];
    wiener += static_cast<long double>(sub[v]) * static_cast<long double>(n - sub[v]);
  }
  if (n > 1)
    m.structural_virality =
        static_cast<double>(2 * wiener / (static_cast<long double>(n) * static_cast<long double>(n - 1)));
  return m;
}

double StructuralViralityReference(std::span<const std::int64_t> parent) {
  const std::size_t n = parent.size();
  if (n < 2) return 0;
  std::vector<std::vector<std::size_t>> adj(n);
  for (std::size_t v = 0; v < n; ++v) {
    if (parent[v] == kNoParent) continue;
    adj[v].push_back(static_cast<std::size_t>(parent[v]));
    adj[static_cast<std::size_t>(parent[v])].push_back(v);
  }
  double total = 0;
  for (std::size_t s = 0; s < n; ++s) {
    std::vector<long> dist(n, -1);
    std::vector<std::size_t> queue{s};
    dist[s] = 0;
    for (std::size_t head = 0; head < queue.size(); ++head)
      for (std::size_t w : adj[queue[head]])
        if (dist[w] < 0) {
          dist[w] = dist[queue[head]] + 1;
          queue.push_back(w);
        }
    for (long d : dist) total += static_cast<double>(d);
  }
  return total / (static_cast<double>(n) * static_cast<double>(n - 1));
}

std::vector<std::int64_t> ReconstructCascade(NodeId root_account, std::int64_t root_time, std::span<const Share> shares,
                                             const CsrGraph* follows) {
  const std::size_t k = shares.size();
  std::vector<std::int64_t> parent(k + 1, 0);
  parent[0] = kNoParent;
  if (!follows) return parent;
  // Shares in time order (stable: input order breaks ties).
  std::vector<std::size_t> order(k);
  for (std::size_t i = 0; i < k; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return shares[a].time < shares[b].time; });
  // latest[account] = (time, tree node) of the account's latest share published so far.
  std::unordered_map<NodeId, std::pair<std::int64_t, std::int64_t>> latest;
  if (root_account != kNoNode) latest[root_account] = {root_time, 0};
  std::size_t i = 0;
  while (i < k) {
    // A group of equal times: decide all parents first, then publish the group.
    std::size_t j = i;
    while (j < k && shares[order[j]].time == shares[order[i]].time) ++j;
    for (std::size_t g = i; g < j; ++g) {
      const Share& s = shares[order[g]];
      std::int64_t best_node = 0, best_time = std::numeric_limits<std::int64_t>::min();
      if (s.account != kNoNode && s.account < follows->num_nodes() && s.time > root_time) {
        for (NodeId followee : follows->out_neighbors(s.account)) {
          auto it = latest.find(followee);
          if (it == latest.end() || it->second.first >= s.time) continue;
          // Latest earlier sharer; equal times prefer the earlier tree node.
          if (it->second.first > best_time || (it->second.first == best_time && it->second.second < best_node)) {
            best_time = it->second.first;
            best_node = it->second.second;
          }
        }
      }
      parent[order[g] + 1] = best_node;
    }
    for (std::size_t g = i; g < j; ++g) {
      const Share& s = shares[order[g]];
      if (s.account == kNoNode) continue;
      auto& slot = latest[s.account];
      slot = {s.time, static_cast<std::int64_t>(order[g] + 1)};
    }
    i = j;
  }
  return parent;
}

namespace {

struct TupleParse {
  std::string key;  // uid/tweet/delay
  double delay = 0;
  bool is_root_marker = false;
};

// Parses "['a', 'b', 'c']" starting at p; advances p past the closing bracket.
bool ParseTuple(const char*& p, const char* end, TupleParse& out) {
  auto skip = [&] {
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
  };
  skip();
  if (p == end || *p != '[') return false;
  ++p;
  std::string fields[3];
  for (int f = 0; f < 3; ++f) {
    skip();
    if (p == end || *p != '\'') return false;
    const char* b = ++p;
    while (p < end && *p != '\'') ++p;
    if (p == end) return false;
    fields[f].assign(b, p);
    ++p;
    skip();
    if (p == end || *p != (f < 2 ? ',' : ']')) return false;
    ++p;
  }
  out.is_root_marker = fields[0] == "ROOT" && fields[1] == "ROOT";
  out.key = fields[0] + "/" + fields[1] + "/" + fields[2];
  auto [ptr, ec] = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), out.delay);
  return ec == std::errc() && ptr == fields[2].data() + fields[2].size();
}

}  // namespace

TweetTree ReadTwitterTree(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw Error(ErrorKind::kIo, "cannot open tree file " + path.string() + ": " + std::strerror(errno));
  std::string text;
  char buf[65536];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, got);
  TweetTree t;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::int64_t> parent;
  std::set<std::pair<std::size_t, std::size_t>> seen_edges;
  std::size_t root = SIZE_MAX;
  auto node = [&](const TupleParse& tp) {
    auto [it, inserted] = index.try_emplace(tp.key, t.node_key.size());
    if (inserted) {
      t.node_key.push_back(tp.key);
      t.delay_min.push_back(tp.delay);
      parent.push_back(kNoParent);
    }
    return it->second;
  };
  std::size_t pos = 0;
  std::uint64_t line_no = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    const char* line = text.data() + pos;
    const char* end = text.data() + eol;
    pos = eol + 1;
    ++line_no;
    while (end > line && (end[-1] == '\r' || end[-1] == ' ')) --end;
    if (end == line) continue;
    ++t.lines;
    const char* p = line;
    TupleParse a, b;
    auto fail = [&](const char* what) {
      throw Error(ErrorKind::kParse, InputPos{path.string(), line_no, static_cast<std::uint32_t>(p - line) + 1},
                  std::string(what) + ", expected ['uid', 'tweet_id', 'delay']->['uid', 'tweet_id', 'delay']");
    };
    if (!ParseTuple(p, end, a)) fail("malformed parent tuple");
    if (end - p < 2 || p[0] != '-' || p[1] != '>') fail("missing \"->\"");
    p += 2;
    if (!ParseTuple(p, end, b)) fail("malformed child tuple");
    if (b.is_root_marker) fail("ROOT as a child");
    std::size_t c = node(b);
    if (a.is_root_marker) {
      if (root == SIZE_MAX) {
        root = c;
      } else if (root != c) {
        ++t.extra_parent;
      } else {
        ++t.duplicate_edges;
      }
      continue;
    }
    std::size_t pa = node(a);
    if (pa == c) {
      ++t.loops;
      continue;
    }
    if (!seen_edges.emplace(pa, c).second) {
      ++t.duplicate_edges;
      continue;
    }
    if (c == root || parent[c] != kNoParent) {
      ++t.extra_parent;
      continue;
    }
    if (t.delay_min[pa] > t.delay_min[c]) {
      ++t.later_parent;
      continue;
    }
    parent[c] = static_cast<std::int64_t>(pa);
    ++t.parent_edges;
  }
  if (root == SIZE_MAX)
    throw Error(ErrorKind::kParse, InputPos{path.string(), 0, 0}, "no ['ROOT', 'ROOT', '0.0'] line names the root");
  // A node may have been given a parent before the ROOT line named it the root.
  parent[root] = kNoParent;
  // Keep the nodes that reach the root; renumber root first, then in first-seen order.
  const std::size_t n = parent.size();
  std::vector<std::vector<std::size_t>> kids(n);
  for (std::size_t v = 0; v < n; ++v)
    if (parent[v] != kNoParent) kids[static_cast<std::size_t>(parent[v])].push_back(v);
  std::vector<char> reach(n, 0);
  std::vector<std::size_t> stack{root};
  reach[root] = 1;
  while (!stack.empty()) {
    std::size_t v = stack.back();
    stack.pop_back();
    for (std::size_t c : kids[v])
      if (!reach[c]) {
        reach[c] = 1;
        stack.push_back(c);
      }
  }
  std::vector<std::int64_t> new_id(n, -1);
  std::vector<std::string> keys;
  std::vector<double> delays;
  new_id[root] = 0;
  keys.push_back(t.node_key[root]);
  delays.push_back(t.delay_min[root]);
  for (std::size_t v = 0; v < n; ++v) {
    if (v == root) continue;
    if (!reach[v]) {
      ++t.unreachable;
      continue;
    }
    new_id[v] = static_cast<std::int64_t>(keys.size());
    keys.push_back(t.node_key[v]);
    delays.push_back(t.delay_min[v]);
  }
  t.parent.assign(keys.size(), kNoParent);
  for (std::size_t v = 0; v < n; ++v)
    if (reach[v] && v != root)
      t.parent[static_cast<std::size_t>(new_id[v])] = new_id[static_cast<std::size_t>(parent[v])];
  t.node_key = std::move(keys);
  t.delay_min = std::move(delays);
  return t;
}

}  // namespace relais::graph
