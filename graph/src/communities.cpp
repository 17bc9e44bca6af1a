// Leiden and Louvain through igraph (seeded), plus an independent modularity verifier.
#include "relais/graph/communities.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "detail/igraph_util.hpp"
#include "relais/base/error.hpp"

namespace relais::graph {
namespace {

// igraph's default generator is process-global: calls are serialised so seeding means something.
std::mutex g_igraph_rng_mutex;

struct Undirected {
  detail::IgraphIntVector edges;
  detail::IgraphVector weights;
};

// Each arc u→v with u < v (and each directed arc) becomes one undirected edge; loops are kept.
void Fill(const CsrGraph& g, bool weighted, Undirected& out) {
  std::vector<igraph_integer_t> e;
  std::vector<double> w;
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    auto nb = g.out_neighbors(u);
    for (std::size_t k = 0; k < nb.size(); ++k) {
      if (!g.directed() && nb[k] < u) continue;  // the other copy of an undirected edge
      e.push_back(u);
      e.push_back(nb[k]);
      w.push_back(weighted && g.weighted() ? g.out_weights(u)[k] : 1.0);
    }
  }
  detail::IgraphCheck(igraph_vector_int_resize(out.edges.get(), static_cast<igraph_integer_t>(e.size())), "resize");
  for (std::size_t i = 0; i < e.size(); ++i) VECTOR(*out.edges.get())[i] = e[i];
  detail::IgraphCheck(igraph_vector_resize(out.weights.get(), static_cast<igraph_integer_t>(w.size())), "resize");
  for (std::size_t i = 0; i < w.size(); ++i) VECTOR(*out.weights.get())[i] = w[i];
}

Communities Finish(const CsrGraph& g, igraph_vector_int_t* membership, bool weighted, double resolution) {
  Communities c;
  const NodeId n = g.num_nodes();
  c.membership.resize(n);
  std::unordered_map<igraph_integer_t, std::uint32_t> dense;
  for (NodeId v = 0; v < n; ++v) {
    auto [it, inserted] = dense.try_emplace(VECTOR(*membership)[v], c.count);
    if (inserted) ++c.count;
    c.membership[v] = it->second;
  }
  c.modularity = Modularity(g, c.membership, weighted, resolution);
  return c;
}

}  // namespace

Communities DetectLeiden(const CsrGraph& g, const CommunityOptions& o) {
  std::lock_guard lock(g_igraph_rng_mutex);
  Undirected u;
  Fill(g, o.weighted, u);
  detail::IgraphGraph ig(u.edges.get(), g.num_nodes(), false);
  detail::IgraphVector strength(g.num_nodes());
  detail::IgraphCheck(
      igraph_strength(ig.get(), strength.get(), igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS, u.weights.get()),
      "igraph_strength");
  double total = 0;
  for (NodeId v = 0; v < g.num_nodes(); ++v) total += VECTOR(*strength.get())[v];
  detail::IgraphIntVector membership(g.num_nodes());
  igraph_integer_t clusters = 0;
  igraph_real_t quality = 0;
  detail::IgraphCheck(igraph_rng_seed(igraph_rng_default(), static_cast<igraph_uint_t>(o.seed)), "igraph_rng_seed");
  // Modularity objective: node weights = strengths, resolution / (2m).
  detail::IgraphCheck(igraph_community_leiden(ig.get(), u.weights.get(), strength.get(),
                                              total > 0 ? o.resolution / total : o.resolution, 0.01, false, -1,
                                              membership.get(), &clusters, &quality),
                      "igraph_community_leiden");
  return Finish(g, membership.get(), o.weighted, o.resolution);
}

Communities DetectLouvain(const CsrGraph& g, const CommunityOptions& o) {
  std::lock_guard lock(g_igraph_rng_mutex);
  Undirected u;
  Fill(g, o.weighted, u);
  detail::IgraphGraph ig(u.edges.get(), g.num_nodes(), false);
  detail::IgraphIntVector membership(g.num_nodes());
  detail::IgraphVector modularity;
  detail::IgraphCheck(igraph_rng_seed(igraph_rng_default(), static_cast<igraph_uint_t>(o.seed)), "igraph_rng_seed");
  detail::IgraphCheck(
      igraph_community_multilevel(ig.get(), u.weights.get(), o.resolution, membership.get(), nullptr, modularity.get()),
      "igraph_community_multilevel");
  return Finish(g, membership.get(), o.weighted, o.resolution);
}

double Modularity(const CsrGraph& g, const std::vector<std::uint32_t>& membership, bool weighted, double resolution) {
  // Undirected edges: each undirected edge once (u <= v in an undirected CSR), each arc once if directed.
  std::uint32_t k = 0;
  for (auto c : membership) k = std::max(k, c + 1);
  std::vector<double> inside(k, 0.0), degree(k, 0.0);
  double m = 0;
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    auto nb = g.out_neighbors(u);
    for (std::size_t i = 0; i < nb.size(); ++i) {
      NodeId v = nb[i];
      if (!g.directed() && v < u) continue;
      double w = weighted && g.weighted() ? g.out_weights(u)[i] : 1.0;
      m += w;
      degree[membership[u]] += w;
      degree[membership[v]] += w;
      if (membership[u] == membership[v]) inside[membership[u]] += w;
    }
  }
  if (m == 0) return 0;
  double q = 0;
  for (std::uint32_t c = 0; c < k; ++c) q += inside[c] / m - resolution * (degree[c] / (2 * m)) * (degree[c] / (2 * m));
  return q;
}

}  // namespace relais::graph
