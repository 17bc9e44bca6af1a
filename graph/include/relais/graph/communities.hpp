// Communities through igraph's C core: Leiden (Traag, Waltman & van Eck, Sci. Rep. 2019) and
// Louvain (Blondel et al., J. Stat. Mech. 2008), both maximising modularity on the undirected graph
// of g (direction ignored; arc weights used when `weighted`). Seeded: igraph's generator is reseeded
// before each call, so a seed gives the same partition on every run. igraph errors come back as
// relais::Error(kGraph); they never unwind through igraph's C frames.
#pragma once

#include <cstdint>
#include <vector>

#include "relais/graph/csr_graph.hpp"

namespace relais::graph {

struct CommunityOptions {
  std::uint64_t seed = 1;
  bool weighted = false;
  double resolution = 1.0;
};

struct Communities {
  std::vector<std::uint32_t> membership;  // dense ids in order of each community's smallest node
  std::uint32_t count = 0;
  double modularity = 0;
};

Communities DetectLeiden(const CsrGraph& g, const CommunityOptions& options = {});
Communities DetectLouvain(const CsrGraph& g, const CommunityOptions& options = {});

/// Modularity of a partition of g's undirected graph (Newman 2006), computed without igraph (verifier).
double Modularity(const CsrGraph& g, const std::vector<std::uint32_t>& membership, bool weighted,
                  double resolution = 1);

}  // namespace relais::graph
