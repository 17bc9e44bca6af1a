// Helper for the reader tests that count flows: ingest files into a fresh store and summarise it.
#pragma once

#include <string>
#include <vector>

#include "relais/corpora/ingest.hpp"
#include "relais/corpora/registry.hpp"
#include "relais/corpora/stats.hpp"
#include "test_util.hpp"

namespace relais::testing {

struct IngestSummary {
  corpora::IngestResult result;
  corpora::StoreStats stats;
  std::uint64_t flows(const std::string& layer) const {
    auto it = stats.flows_by_layer.find(layer);
    return it == stats.flows_by_layer.end() ? 0 : it->second;
  }
};

/// Ingests `paths` (format sniffed unless given) with the builtin registry, on two threads.
inline IngestSummary IngestAndSummarise(const std::vector<std::string>& paths,
                                        std::optional<corpora::Format> format = std::nullopt) {
  TempDir tmp;
  static const corpora::Registry registry = corpora::Registry::Builtin();
  IngestSummary s;
  {
    auto store = corpora::Store::Open(tmp.path() / "store", corpora::OpenMode::kCreate);
    corpora::IngestOptions opt;
    opt.paths = paths;
    opt.format = format;
    opt.threads = 2;
    opt.registry = &registry;
    s.result = corpora::Ingest(store, opt);
    s.stats = corpora::ComputeStats(store);
  }
  return s;
}

}  // namespace relais::testing
