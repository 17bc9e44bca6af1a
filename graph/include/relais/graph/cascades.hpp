// Cascade trees (retweets, quotes, replies of one root) and their shape metrics.
//
// A tree is a parent array over nodes 0..n-1: parent[root] = kNoParent and every other node's
// parent chain reaches the root. Metrics: size (nodes), depth (edges on the longest root path),
// maximum breadth (most nodes on one depth level), and structural virality — the average distance
// between all pairs of nodes (Goel, Anderson, Hofman & Watts, Management Science 2016), computed in
// O(n) from the Wiener index of the tree: W = Σ over edges of s·(n−s), s the size of the subtree
// below the edge, and ν = 2W / (n(n−1)) (0 for a single node).
//
// Reconstruction: platforms record a retweet as pointing at the root even when the retweeter saw it
// from someone else. ReconstructCascade attaches each sharer, in time order, to the latest earlier
// sharer (the root included) whom the sharer follows in a follower graph; with no follower graph,
// or none followed, to the root (Goel et al. 2016, "time-respecting" attachment).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "relais/graph/csr_graph.hpp"

namespace relais::graph {

inline constexpr std::int64_t kNoParent = -1;

struct CascadeMetrics {
  std::uint64_t size = 0;
  std::uint32_t depth = 0;
  std::uint64_t max_breadth = 0;
  double structural_virality = 0;
};

/// O(n). Throws kInvalidArgument unless parent describes one tree (exactly one root, no cycle,
/// parents in range).
CascadeMetrics ComputeCascadeMetrics(std::span<const std::int64_t> parent);

/// O(n²) reference: average of all-pairs BFS distances on the undirected tree.
double StructuralViralityReference(std::span<const std::int64_t> parent);

/// One share of the root: who (a node of the follower graph, or kNoNode when unknown) and when.
struct Share {
  NodeId account = kNoNode;
  std::int64_t time = 0;
};

/// Parent array over 1 + shares.size() nodes: node 0 is the root (posted by root_account at
/// root_time), node i+1 is shares[i]. `follows` has an arc a → b when a follows b (rows sorted, as
/// CsrGraph builds them); nullptr means unknown, so every share attaches to the root. Shares at the
/// same time cannot be each other's parents; shares before root_time attach to the root.
std::vector<std::int64_t> ReconstructCascade(NodeId root_account, std::int64_t root_time, std::span<const Share> shares,
                                             const CsrGraph* follows);

/// A tree of the Twitter15/16 rumour data (Ma, Gao & Wong, ACL 2017): lines
/// `['uid', 'tweet_id', 'delay_min']->['uid', 'tweet_id', 'delay_min']`, root line from
/// `['ROOT', 'ROOT', '0.0']`. The files contain repeated edges, loops, cycles and children that
/// precede their parent; the reader keeps, for each node (a uid, tweet_id, delay triple), the first
/// parent in file order that is not later than the child, and counts what it left out.
struct TweetTree {
  std::vector<std::int64_t> parent;   // node 0 = root
  std::vector<std::string> node_key;  // "uid/tweet_id/delay"
  std::vector<double> delay_min;
  std::uint64_t lines = 0;         // non-blank lines = 1 ROOT line + parent_edges + the four counts below
  std::uint64_t parent_edges = 0;  // lines kept as a node's parent
  std::uint64_t duplicate_edges = 0, loops = 0, later_parent = 0, extra_parent = 0;
  std::uint64_t unreachable = 0;  // nodes left out: their parent chain never reaches the root
};

/// Throws kIo or kParse (file:line:column) on malformed lines.
TweetTree ReadTwitterTree(const std::filesystem::path& path);

}  // namespace relais::graph
