// Graph views of the store's flows: CSR snapshots for chosen layers, a time window and an aggregation
// (item, actor, class, region), weights = flow counts, cached in the store's cache/ folder.
//
//   GraphQuery q;  q.layers = {"retweet", "quote"};  q.by = Aggregation::kActor;
//   GraphView v = BuildGraphView(store, q);     // arcs source → derived, as flows are stored
//   graph::CsrGraph credit = CreditGraph(v, /*directed=*/true);  // derived → source, for rankings
//
// The time window applies to the derived item's time (when the flow happened): from <= t < to.
// Flows whose source is unknown at the chosen aggregation (src_item NULL in an item view, src_actor
// NULL otherwise) are not in the graph; they are counted in GraphView::skipped_flows.
// The cache file is keyed by the query and Store::ContentVersion(), so a changed store rebuilds it;
// cache/ may be deleted at any time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relais/base/time.hpp"
#include "relais/graph/csr_graph.hpp"

namespace relais::corpora {
class Store;
}

namespace relais::toolkit {

enum class Aggregation { kItem, kActor, kClass, kRegion };

/// "item", "actor", "class", "region"; throws kInvalidArgument otherwise.
Aggregation ParseAggregation(std::string_view name);
std::string_view AggregationName(Aggregation a);

/// The flow layers of DESIGN.md, in order.
const std::vector<std::string>& AllLayers();
/// Comma-separated layer names → validated list (empty string = all layers).
std::vector<std::string> ParseLayers(std::string_view csv);

struct GraphQuery {
  std::vector<std::string> layers;  // empty = every layer
  std::optional<TimeMs> from, to;
  Aggregation by = Aggregation::kActor;
};

struct GraphView {
  graph::CsrGraph graph;                 // directed, source → derived, weight = number of flows
  std::vector<std::string> labels;       // item key, actor key, class or region
  std::vector<std::string> actor_class;  // item/actor views: the actor's class; class view: the class
  std::vector<std::string> region;       // "" when unknown
  std::vector<std::uint8_t> is_public;   // item/actor views: the actor is registry-listed; else 1
  std::vector<std::int64_t> store_ids;   // items.id or actors.id; -1 for class and region nodes
  std::uint64_t flows = 0;               // flows in the graph (sum of weights)
  std::uint64_t skipped_flows = 0;       // matching flows left out (source unknown at this level)
  bool from_cache = false;
};

/// Canonical text of a query (the cache key without the store version).
std::string GraphQueryKey(const GraphQuery& q);

/// Builds (or loads from cache/ when `use_cache`) the view. Throws kInvalidArgument for unknown
/// layers or from >= to.
GraphView BuildGraphView(const corpora::Store& store, const GraphQuery& q, bool use_cache = true);

/// The view with every arc reversed (derived → source) so rankings credit the source; or, when
/// !directed, the undirected graph of the same edges. Weights are kept.
graph::CsrGraph CreditGraph(const GraphView& view, bool directed);

/// Display name of node v: the label, pseudonymised with the store's keyed HMAC for non-public
/// actors of actor views (and the items' authors are not shown in item views) unless !pseudonymise.
std::string DisplayLabel(const corpora::Store& store, const GraphView& view, graph::NodeId v, Aggregation by,
                         bool pseudonymise);

}  // namespace relais::toolkit
