// A cost model of relais on a cluster (issue 13): the per-item costs e05 measures on one machine,
// extrapolated to N items on P nodes under stated assumptions (filesystem and network bandwidth, the
// measured two-thread efficiency holding on every core). A model, not a measurement: the paper labels it
// as such, and every assumption is in its output beside the result.
#pragma once

#include <nlohmann/json.hpp>

namespace relais::experiments {

/// What one machine measured (1 thread unless said).
struct MeasuredCosts {
  double ingest_items = 0, ingest_seconds_1t = 0, ingest_seconds_2t = 0;
  double input_bytes = 0, store_bytes = 0;  // of the ingested files and of the store they made
  double graph_nodes = 0, graph_arcs = 0, pagerank_seconds_1t = 0;
  double hawkes_events = 0, hawkes_seconds_1t = 0;
  double reuse_docs = 0, reuse_seconds_1t = 0;
  double world_items = 0;  // items of the whole world (the graph and Hawkes stages read it all)
};

/// The cluster and its assumptions.
struct ClusterAssumptions {
  double items = 1e9;
  double nodes = 64, cores_per_node = 32;
  double fs_bytes_per_s = 10e9;          // shared filesystem, aggregate (a mid-size Lustre)
  double net_bytes_per_s_node = 12.5e9;  // per node injection (100 Gb/s InfiniBand)
  double net_latency_s = 2e-6;
  double pagerank_iterations = 100;  // E6 measured 116 on the Higgs retweet graph
  double hawkes_iterations = 2000;   // the EM's cap, reached on the medium world (mpi.md)
  double hawkes_groups = 9;
};

/// The modelled seconds per stage (compute, I/O, network; lower = overlapped, upper = one after the other),
/// with the inputs and assumptions.
nlohmann::json ModelCluster(const MeasuredCosts& m, const ClusterAssumptions& a);

}  // namespace relais::experiments
