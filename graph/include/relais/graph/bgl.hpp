// Boost.Graph adapter: CsrGraph models VertexListGraph and IncidenceGraph (out-edges), with a
// vertex_index map and an edge_weight map, so BGL algorithms (dijkstra_shortest_paths,
// strong_components, breadth_first_search…) run on a snapshot without copying it.
//
//   #include "relais/graph/bgl.hpp"
//   std::vector<double> dist(g.num_nodes());
//   boost::dijkstra_shortest_paths(g, source, boost::distance_map(dist.data())
//       .weight_map(relais::graph::ArcLengthMap{&g, /*inverse=*/true}));
//
// Edge descriptors are (source, arc offset) pairs; the weight map reads the arc's float weight.
#pragma once

#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/property_map/property_map.hpp>

#include <limits>

#include "relais/graph/csr_graph.hpp"

namespace relais::graph {

struct CsrEdge {
  NodeId source = 0;
  EdgeOffset offset = 0;  // index into the out-arc arrays
  friend bool operator==(const CsrEdge& a, const CsrEdge& b) { return a.offset == b.offset && a.source == b.source; }
  friend bool operator!=(const CsrEdge& a, const CsrEdge& b) { return !(a == b); }
};

class CsrOutEdgeIterator
    : public boost::iterator_facade<CsrOutEdgeIterator, CsrEdge, std::random_access_iterator_tag, CsrEdge> {
 public:
  CsrOutEdgeIterator() = default;
  CsrOutEdgeIterator(NodeId source, EdgeOffset offset) : edge_{source, offset} {}

 private:
  friend class boost::iterator_core_access;
  CsrEdge dereference() const { return edge_; }
  bool equal(const CsrOutEdgeIterator& o) const { return edge_.offset == o.edge_.offset; }
  void increment() { ++edge_.offset; }
  void decrement() { --edge_.offset; }
  void advance(std::ptrdiff_t n) {
    edge_.offset = static_cast<EdgeOffset>(static_cast<std::ptrdiff_t>(edge_.offset) + n);
  }
  std::ptrdiff_t distance_to(const CsrOutEdgeIterator& o) const {
    return static_cast<std::ptrdiff_t>(o.edge_.offset) - static_cast<std::ptrdiff_t>(edge_.offset);
  }
  CsrEdge edge_;
};

/// Arc weight as a BGL readable property map; `inverse` gives 1/w (a strong tie is a short hop),
/// unweighted graphs read 1.
struct ArcLengthMap {
  using key_type = CsrEdge;
  using value_type = double;
  using reference = double;
  using category = boost::readable_property_map_tag;
  const CsrGraph* g = nullptr;
  bool inverse = false;
};
inline double get(const ArcLengthMap& m, const CsrEdge& e) {
  double w = m.g->arc_weight(e.offset);
  return m.inverse ? (w > 0 ? 1.0 / w : std::numeric_limits<double>::infinity()) : w;
}

// --- BGL free functions (found by ADL on CsrGraph) -------------------------------------------------

inline std::pair<boost::counting_iterator<NodeId>, boost::counting_iterator<NodeId>> vertices(const CsrGraph& g) {
  return {boost::counting_iterator<NodeId>(0), boost::counting_iterator<NodeId>(g.num_nodes())};
}
inline NodeId num_vertices(const CsrGraph& g) { return g.num_nodes(); }
inline std::pair<CsrOutEdgeIterator, CsrOutEdgeIterator> out_edges(NodeId u, const CsrGraph& g) {
  return {CsrOutEdgeIterator(u, g.out_begin(u)), CsrOutEdgeIterator(u, g.out_begin(u) + g.out_degree(u))};
}
inline EdgeOffset out_degree(NodeId u, const CsrGraph& g) { return g.out_degree(u); }
inline NodeId source(const CsrEdge& e, const CsrGraph&) { return e.source; }
inline NodeId target(const CsrEdge& e, const CsrGraph& g) { return g.arc_target(e.offset); }
inline boost::typed_identity_property_map<NodeId> get(boost::vertex_index_t, const CsrGraph&) { return {}; }
inline ArcLengthMap get(boost::edge_weight_t, const CsrGraph& g) { return ArcLengthMap{&g, false}; }

struct CsrTraversalCategory : boost::vertex_list_graph_tag, boost::incidence_graph_tag {};

}  // namespace relais::graph

namespace boost {

template <>
struct graph_traits<relais::graph::CsrGraph> {
  using vertex_descriptor = relais::graph::NodeId;
  using edge_descriptor = relais::graph::CsrEdge;
  using directed_category = directed_tag;
  using edge_parallel_category = allow_parallel_edge_tag;
  using traversal_category = relais::graph::CsrTraversalCategory;
  using vertex_iterator = counting_iterator<relais::graph::NodeId>;
  using out_edge_iterator = relais::graph::CsrOutEdgeIterator;
  using vertices_size_type = relais::graph::NodeId;
  using edges_size_type = relais::graph::EdgeOffset;
  using degree_size_type = relais::graph::EdgeOffset;
  static vertex_descriptor null_vertex() { return relais::graph::kNoNode; }
};

template <>
struct property_map<relais::graph::CsrGraph, vertex_index_t> {
  using type = typed_identity_property_map<relais::graph::NodeId>;
  using const_type = type;
};

template <>
struct property_map<relais::graph::CsrGraph, edge_weight_t> {
  using type = relais::graph::ArcLengthMap;
  using const_type = type;
};

template <>
struct property_traits<relais::graph::ArcLengthMap> {
  using key_type = relais::graph::CsrEdge;
  using value_type = double;
  using reference = double;
  using category = readable_property_map_tag;
};

}  // namespace boost
