// Helpers for the graph tests: fixture graphs with their reference values, thread arenas, random graphs.
#pragma once

#include <tbb/task_arena.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "relais/base/hash.hpp"
#include "relais/graph/csr_graph.hpp"
#include "relais/graph/io/edge_list.hpp"
#include "test_util.hpp"

namespace relais::graph::testing {

inline std::filesystem::path GraphFixture(const std::string& file) {
  return ::relais::testing::FixturesDir() / "graph" / file;
}

struct Fixture {
  EdgeList el;
  CsrGraph g;
  nlohmann::json ref;
};

/// tests/fixtures/graph/NAME.tsv and NAME.ref.json (written by tests/graph/reference/make_references.py).
inline Fixture LoadFixture(const std::string& name, bool directed, bool weighted = false) {
  Fixture f;
  f.el = ReadEdgeList(GraphFixture(name + ".tsv"));
  f.g = CsrGraph::FromEdges(f.el.num_nodes(), f.el.src, f.el.dst,
                            weighted ? std::span<const Weight>(f.el.weights) : std::span<const Weight>(), directed);
  std::ifstream in(GraphFixture(name + ".ref.json"));
  f.ref = nlohmann::json::parse(in);
  return f;
}

/// Runs fn inside an arena of `threads` workers and returns its result.
template <typename F>
auto WithThreads(int threads, F&& fn) {
  tbb::task_arena arena(threads);
  return arena.execute(std::forward<F>(fn));
}

/// A random directed multigraph with a heavy-tailed out-degree (seeded, deterministic).
inline CsrGraph RandomGraph(NodeId n, std::size_t m, std::uint64_t seed, bool directed, bool weighted = false) {
  std::vector<NodeId> s(m), d(m);
  std::vector<Weight> w(weighted ? m : 0);
  std::uint64_t x = seed;
  for (std::size_t i = 0; i < m; ++i) {
    x = SplitMix64(x);
    // Squaring a uniform skews sources towards small ids.
    double u = static_cast<double>(x >> 11) * 0x1.0p-53;
    s[i] = static_cast<NodeId>(u * u * n);
    x = SplitMix64(x);
    d[i] = static_cast<NodeId>(x % n);
    if (weighted) w[i] = static_cast<Weight>(1 + (x >> 40) % 5);
  }
  return CsrGraph::FromEdges(n, s, d, w, directed);
}

}  // namespace relais::graph::testing

namespace relais::graph::testing {

/// Reference values of `measure` in our node order (by label); fails the test for a missing label.
inline std::vector<double> RefByNode(const Fixture& f, const std::string& measure) {
  std::vector<double> out(f.el.num_nodes(), std::numeric_limits<double>::quiet_NaN());
  const auto& m = f.ref.at(measure);
  for (NodeId v = 0; v < f.el.num_nodes(); ++v) {
    auto it = m.find(f.el.labels.Label(v));
    if (it != m.end()) out[v] = it->get<double>();
  }
  return out;
}

}  // namespace relais::graph::testing
