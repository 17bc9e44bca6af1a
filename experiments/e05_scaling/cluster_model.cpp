#include "e05_scaling/cluster_model.hpp"

#include <algorithm>
#include <cmath>

namespace relais::experiments {
namespace {

// One stage's modelled seconds.
nlohmann::json Stage(double compute, double io, double network) {
  return {{"compute_s", compute},
          {"io_s", io},
          {"network_s", network},
          {"lower_s", std::max({compute, io, network})},
          {"upper_s", compute + io + network}};
}

double Safe(double num, double den) { return den > 0 ? num / den : 0; }

}  // namespace

nlohmann::json ModelCluster(const MeasuredCosts& m, const ClusterAssumptions& a) {
  const double cores = a.nodes * a.cores_per_node;
  // Parallel efficiency measured from 1 to 2 threads, assumed to hold on every core of every node.
  const double efficiency = std::clamp(Safe(m.ingest_seconds_1t, m.ingest_seconds_2t) / 2.0, 0.05, 1.0);
  const double per_core = cores * efficiency;

  // Ingest: parse + write per item; read the input and write the store through the shared filesystem;
  // every record crosses the network once to the rank owning its partition, (P-1)/P of them off-node.
  const double in_per_item = Safe(m.input_bytes, m.ingest_items);
  const double store_per_item = Safe(m.store_bytes, m.ingest_items);
  const double ingest_compute = Safe(m.ingest_seconds_1t, m.ingest_items) * a.items / per_core;
  const double ingest_io = a.items * (in_per_item + store_per_item) / a.fs_bytes_per_s;
  const double ingest_net = a.items * in_per_item / a.nodes * (a.nodes - 1) / a.nodes / a.net_bytes_per_s_node;

  // PageRank on the item-level flow graph, grown in proportion to the items: per iteration, at worst
  // every arc's source value (8 bytes) crosses the network.
  const double graph_scale = Safe(a.items, m.world_items);
  const double arcs = m.graph_arcs * graph_scale, nodes = m.graph_nodes * graph_scale;
  const double pr_compute = m.pagerank_seconds_1t * graph_scale / per_core;
  const double pr_net =
      a.pagerank_iterations * (8.0 * arcs / a.nodes / a.net_bytes_per_s_node + std::log2(a.nodes) * a.net_latency_s);
  const double pr_memory_node = (12.0 * arcs + 16.0 * nodes) / a.nodes;

  // Hawkes EM: events in time blocks across ranks, one allreduce of the sufficient statistics per iteration.
  const double hk_compute = Safe(m.hawkes_seconds_1t, m.hawkes_events) * a.items / per_core;
  const double k = a.hawkes_groups;
  const double hk_net =
      a.hawkes_iterations * (8.0 * (k * k + k + 2) / a.net_bytes_per_s_node + 2 * std::log2(a.nodes) * a.net_latency_s);

  // Text reuse: candidate generation and verification taken as linear in the documents (LSH buckets of
  // bounded size), every document's signature sent once to the rank owning each of its bands.
  const double rs_compute = Safe(m.reuse_seconds_1t, m.reuse_docs) * a.items / per_core;
  const double rs_net = a.items * 256.0 / a.nodes / a.net_bytes_per_s_node;

  return {{"assumptions",
           {{"items", a.items},
            {"nodes", a.nodes},
            {"cores_per_node", a.cores_per_node},
            {"fs_gb_per_s", a.fs_bytes_per_s / 1e9},
            {"net_gb_per_s_node", a.net_bytes_per_s_node / 1e9},
            {"net_latency_us", a.net_latency_s * 1e6},
            {"pagerank_iterations", a.pagerank_iterations},
            {"hawkes_iterations", a.hawkes_iterations},
            {"two_thread_efficiency", efficiency}}},
          {"measured",
           {{"ingest_us_per_item", 1e6 * Safe(m.ingest_seconds_1t, m.ingest_items)},
            {"input_bytes_per_item", in_per_item},
            {"store_bytes_per_item", store_per_item},
            {"pagerank_us_per_item", 1e6 * Safe(m.pagerank_seconds_1t, m.world_items)},
            {"arcs_per_item", Safe(m.graph_arcs, m.world_items)},
            {"hawkes_us_per_event", 1e6 * Safe(m.hawkes_seconds_1t, m.hawkes_events)},
            {"reuse_us_per_doc", 1e6 * Safe(m.reuse_seconds_1t, m.reuse_docs)}}},
          {"ingest", Stage(ingest_compute, ingest_io, ingest_net)},
          {"pagerank", Stage(pr_compute, 0, pr_net)},
          {"hawkes", Stage(hk_compute, 0, hk_net)},
          {"reuse", Stage(rs_compute, 0, rs_net)},
          {"pagerank_memory_gb_per_node", pr_memory_node / 1e9},
          {"store_tb", a.items * store_per_item / 1e12}};
}

}  // namespace relais::experiments
