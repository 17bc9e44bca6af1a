// Cascades of the store: trees of retweet/quote/reply flows per root item, with their shape metrics.
//
// Each derived item hangs under the source item of its flow (the earliest such flow when it has
// several; the others are counted). A root is an item with children and no parent. The store holds no
// follower graph, so a retweet stays attached to the item it references (the root, on Twitter);
// graph::ReconstructCascade does time-respecting attachment when a follower graph is known.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "relais/base/time.hpp"
#include "relais/graph/cascades.hpp"

namespace relais::corpora {
class Store;
}

namespace relais::toolkit {

struct CascadeQuery {
  std::vector<std::string> layers = {"retweet", "quote", "reply"};
  std::optional<std::string> root;  // an item key: only the tree containing it
  std::size_t top = 20;             // 0 = all
  bool pseudonymise = true;
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
  std::vector<CascadeNode> nodes;  // filled only for CascadeQuery::root
};

struct CascadeReport {
  std::vector<Cascade> cascades;    // by size descending, then root key
  std::uint64_t total = 0;          // trees found before --top
  std::uint64_t extra_parents = 0;  // flows into an item that already had a parent (not in the trees)
  std::uint64_t in_cycles = 0;      // items whose parent chain loops (not in the trees)
};

/// Throws kInvalidArgument for unknown layers, kData when `root` names no item of the store.
CascadeReport ComputeCascades(const corpora::Store& store, const CascadeQuery& query);

}  // namespace relais::toolkit
