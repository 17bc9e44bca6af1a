// Cascades of the store: trees of retweet/quote/reply flows per root item, with their shape metrics.
//
// Each derived item hangs under the source item of its flow (the earliest such flow when it has
// several; the others are counted). A root is an item with children and no parent. Platforms record a
// retweet as pointing at the item it retweets (the root, on Twitter) whoever the retweeter saw it from;
// the store holds no follower graph, so without one retweets stay there. Given a follow list
// (ReadFollowerGraph), the retweets of each item are re-attached by graph::ReconstructCascade: each to
// the latest earlier retweeter of the same item whom its author follows, else to the item itself.
//
//   auto fg = ReadFollowerGraph(store, "followers.csv");  // follower,followed handles
//   CascadeQuery q;
//   q.followers = &fg;
//   CascadeReport r = ComputeCascades(store, q);  // run inside a tbb::task_arena for the thread count
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "relais/base/time.hpp"
#include "relais/graph/cascades.hpp"
#include "relais/graph/csr_graph.hpp"

namespace relais {
class JsonWriter;
}

namespace relais::corpora {
class Store;
}

namespace relais::toolkit {

/// A follow list mapped onto the store's actors.
struct FollowerGraph {
  graph::CsrGraph follows;  // arc a → b when a follows b (rows sorted, no loops, no parallel arcs)
  std::unordered_map<std::int64_t, graph::NodeId> node_of;  // store actor id → node of `follows`
  std::uint64_t lines = 0;             // follow lines read (header, blanks and '#' comments excluded)
  std::uint64_t matched = 0;           // lines whose two accounts are actors of the store
  std::uint64_t unmatched = 0;         // lines naming an account the store does not know (lines = matched + unmatched)
  std::uint64_t unknown_accounts = 0;  // distinct account names that matched no actor
  std::uint64_t edges = 0;             // distinct arcs among the matched lines, self-follows dropped
};

/// Reads a follow list: CSV `follower,followed` (header optional) or SNAP-style whitespace-separated two
/// columns with '#' comments. An account is a handle ('@' optional, case-insensitive) of a Twitter actor of
/// the store, or its numeric platform id. Throws kIo when the file cannot be read, kParse (file:line) for a
/// line without exactly two accounts.
FollowerGraph ReadFollowerGraph(const corpora::Store& store, const std::filesystem::path& file);

struct CascadeQuery {
  std::vector<std::string> layers = {"retweet", "quote", "reply"};
  std::optional<std::string> root;  // an item key: only the tree containing it
  std::size_t top = 20;             // 0 = all
  bool pseudonymise = true;
  const FollowerGraph* followers = nullptr;  // re-attach retweets by time-respecting attachment when set
  bool all_nodes = false;                    // fill Cascade::nodes for every tree, not only for `root`
};

struct CascadeNode {
  std::string item;
  std::int64_t parent = graph::kNoParent;  // index in nodes
  std::uint32_t depth = 0;
  TimeMs time = 0;
  std::string layer;  // of the flow from the parent ("" for the root)
};

struct Cascade {
  std::string root;        // item key
  std::string root_actor;  // actor key (pseudonymised unless public or !pseudonymise)
  TimeMs root_time = 0;
  graph::CascadeMetrics metrics;
  std::vector<CascadeNode> nodes;  // filled for CascadeQuery::root (or all_nodes); nodes[0] is the root
};

struct CascadeReport {
  std::vector<Cascade> cascades;    // by size descending, then root key
  std::uint64_t total = 0;          // trees found before --top
  std::uint64_t extra_parents = 0;  // flows into an item that already had a parent (not in the trees)
  std::uint64_t in_cycles = 0;      // items whose parent chain loops (not in the trees)
  std::uint64_t retweets = 0;       // retweet-layer children given to the reconstruction (0 without followers)
  std::uint64_t reattached = 0;     // of those, re-attached to an earlier retweet rather than the retweeted item
};

/// Throws kInvalidArgument for unknown layers, kData when `root` names no item of the store.
CascadeReport ComputeCascades(const corpora::Store& store, const CascadeQuery& query);

/// `relais cascades --json`: {total, follower_graph (null or {lines, matched, unmatched, edges,
/// retweets, reattached}), cascades:[{root, actor, time, size, depth, max_breadth,
/// structural_virality[, nodes:[{item, parent, depth, time, layer}]]}]}; nodes when `with_nodes`.
nlohmann::json CascadesJson(const CascadeReport& report, const FollowerGraph* followers, bool with_nodes);
/// CascadesJson's members written to an open object of `w` a cascade (and node) at a time, byte for byte
/// as CascadesJson(…).dump() prints them (`--top 0` or a large `--root` tree: no tree nor string of all).
void WriteCascadesJsonMembers(JsonWriter& w, const CascadeReport& report, const FollowerGraph* followers,
                              bool with_nodes);

}  // namespace relais::toolkit
