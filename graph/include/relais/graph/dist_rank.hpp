// Distributed rankings of an edge list (`mpirun -np N relais rank --edges FILE`): PageRank, HITS
// authorities, degree and core numbers on a CSR partitioned by node across the ranks.
//
//  1. each rank reads a byte range of the file cut on line ends (a .gz is decompressed by every rank
//     and its text cut the same way) and parses it; a malformed line fails that rank, and the job
//     reports the rank with the line's number in the whole file;
//  2. node labels are sent to their owner (a stable hash of the label modulo the ranks), which sorts
//     them; owner r's nodes get the ids [offset_r, offset_r + count_r), so each rank owns one
//     contiguous range of ids;
//  3. each arc goes to the owner of its target (in-rows: PageRank, HITS authorities, in-degree) and
//     of its source (out-rows: out-degree, HITS hubs); undirected edges are stored both ways, loops once,
//     as CsrGraph does;
//  4. iterations pull over the local rows; the values of the other ranks' nodes they read (the halo)
//     are fetched once per iteration with one all-to-all, each rank sending exactly what was asked;
//     global sums (dangling mass, L1 change, normalisations) are partial sums per rank added in rank
//     order, so every rank takes the same decisions.
//
// The iterations and stopping rules are those of the one-process kernels (pagerank.hpp, hits.hpp,
// kcore.hpp): scores agree with `relais rank` in one process to the convergence tolerance (1e-10 in
// L1; measured per-node differences up to 2e-14, tests require 1e-9); degree and core numbers are exact.
// Core numbers use the synchronous h-index iteration (Lü et al. 2016), which reaches the same limit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "relais/dist/comm.hpp"
#include "relais/graph/rank.hpp"

namespace relais::graph {

/// Metrics with a distributed kernel (betweenness has none yet).
bool HasDistributedKernel(Metric m);

struct DistRankStats {
  std::uint64_t nodes = 0, edges = 0;             // global: labels, edge lines
  std::uint64_t local_nodes = 0, local_arcs = 0;  // this rank: owned nodes, in-arcs held
  std::uint64_t halo = 0;                         // this rank: other ranks' nodes read per iteration
  int iterations = 0;
  bool weighted_input = false;  // some line has a weight column
  double seconds_read = 0, seconds_build = 0, seconds_compute = 0;
};

struct DistRankResult {
  /// Rank 0 only: (label, score) by score descending then label, cut to `top` (0 = all).
  std::vector<std::pair<std::string, double>> results;
  DistRankStats stats;
};

/// Collective: every rank calls it with the same arguments. Throws dist::RankError (on every rank)
/// when a rank cannot read or parse its part of the file.
DistRankResult RankEdgeListDistributed(const std::filesystem::path& path, const RankOptions& options, bool directed,
                                       std::size_t top, const dist::Comm& comm);

}  // namespace relais::graph
