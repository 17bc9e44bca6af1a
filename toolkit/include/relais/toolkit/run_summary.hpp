// JSON summaries of ingest and synth runs (`relais ingest --json`, `relais synth --json`, the Python module).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "relais/corpora/ingest.hpp"
#include "relais/corpora/synth.hpp"

namespace relais::toolkit {

/// `{read, accepted, duplicates, quarantined, by_reason, by_format:{name:{read, accepted, duplicates,
/// quarantined}}, seconds}`.
nlohmann::ordered_json IngestSummaryJson(const corpora::IngestResult& r);

/// `{out, actors, items, files, bytes, malformed, duplicates, seconds}`.
nlohmann::ordered_json SynthSummaryJson(const std::string& out, const corpora::SynthResult& r);

}  // namespace relais::toolkit
