// SNAP-style edge lists: "src dst [weight]" per line, whitespace or tab separated, '#' comments,
// integer or string node labels mapped to dense ids in first-seen order; .gz read through zlib.
//
//   EdgeList el = ReadEdgeList("higgs-retweet_network.edgelist.gz");
//   CsrGraph g = CsrGraph::FromEdges(el.num_nodes(), el.src, el.dst, el.weights, /*directed=*/true);
//   std::string name = el.labels.Label(v);
//
// Parsing is hand-rolled (no iostreams): the file is read in blocks, each block split at line ends
// and tokenised in parallel; labels are then numbered serially, in file order. A token is an integer
// label when it is decimal digits without a leading zero (or "0") and fits in 64 bits; once any label
// is not, every label is kept as its string. Columns after the third are ignored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "relais/graph/types.hpp"

namespace relais::graph {

/// Original labels of dense node ids.
class NodeLabels {
 public:
  std::size_t size() const { return integer_ ? ints_.size() : strings_.size(); }
  bool integer() const { return integer_; }
  std::string Label(NodeId v) const { return integer_ ? std::to_string(ints_[v]) : strings_[v]; }
  const std::vector<std::uint64_t>& ints() const { return ints_; }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  friend class EdgeListBuilder;
  bool integer_ = true;
  std::vector<std::uint64_t> ints_;
  std::vector<std::string> strings_;
};

struct EdgeList {
  std::vector<NodeId> src, dst;
  std::vector<Weight> weights;  // empty when no line has a weight column
  NodeLabels labels;
  std::uint64_t lines = 0;     // lines read, comments and blanks included
  std::uint64_t comments = 0;  // '#' lines and blank lines

  NodeId num_nodes() const { return static_cast<NodeId>(labels.size()); }
  std::size_t num_edges() const { return src.size(); }
};

/// Reads a file (gzip when it starts with the gzip magic). Throws relais::Error kIo when it cannot be
/// read and kParse with file:line:column for a malformed line (a missing second label, a weight that
/// is not a non-negative number).
EdgeList ReadEdgeList(const std::filesystem::path& path);

/// Parses text already in memory; `name` is used in error positions, whose line numbers start at
/// `first_line` (a slice of a larger file).
EdgeList ParseEdgeList(std::string_view text, const std::string& name = "<memory>", std::uint64_t first_line = 1);

}  // namespace relais::graph
