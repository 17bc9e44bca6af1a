// The input accounting of a real-data store, for the experiments that run on --store (e06, e07).
#pragma once

#include <nlohmann/json.hpp>

#include "harness/harness.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/store.hpp"

namespace relais::experiments {

/// The store's inputs summed: {files, read, accepted, duplicates, quarantined, balanced} where balanced is
/// read = accepted + duplicates + quarantined.
inline nlohmann::json InputAccounting(const corpora::Store& store) {
  corpora::Statement st(store.db(),
                        "SELECT count(*), coalesce(sum(read), 0), coalesce(sum(accepted), 0), "
                        "coalesce(sum(duplicates), 0), coalesce(sum(quarantined), 0) FROM inputs");
  st.Step();
  const std::int64_t read = st.Int(1), accepted = st.Int(2), duplicates = st.Int(3), quarantined = st.Int(4);
  return {{"files", st.Int(0)},         {"read", read},
          {"accepted", accepted},       {"duplicates", duplicates},
          {"quarantined", quarantined}, {"balanced", read == accepted + duplicates + quarantined}};
}

/// --ingest FILES: creates --store and ingests the files with the library call `relais ingest` makes (a new
/// store only: an existing one is refused). Without --ingest, --store must exist already.
inline void IngestIfAsked(const ExperimentArgs& a) {
  if (a.ingest.empty()) return;
  if (std::filesystem::exists(a.store))
    throw Error(ErrorKind::kInvalidArgument, "--ingest needs a new --store; " + a.store + " exists");
  corpora::IngestOptions io;
  io.paths = a.ingest;
  if (a.format != "auto") {
    io.format = corpora::ParseFormat(a.format);
    if (!io.format) throw Error(ErrorKind::kInvalidArgument, "--format: unknown format " + a.format);
  }
  io.threads = a.threads;
  io.args = "relais experiments --ingest";
  auto store = corpora::Store::Open(a.store, corpora::OpenMode::kCreate);
  corpora::Ingest(store, io);
}

}  // namespace relais::experiments
