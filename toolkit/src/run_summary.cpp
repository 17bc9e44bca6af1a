// JSON summaries of ingest and synth runs.
#include "relais/toolkit/run_summary.hpp"

namespace relais::toolkit {

nlohmann::ordered_json IngestSummaryJson(const corpora::IngestResult& r) {
  auto counts = [](const corpora::IngestCounts& c) {
    return nlohmann::ordered_json{
        {"read", c.read}, {"accepted", c.accepted}, {"duplicates", c.duplicates}, {"quarantined", c.quarantined}};
  };
  nlohmann::ordered_json j;
  j["read"] = r.total.read;
  j["accepted"] = r.total.accepted;
  j["duplicates"] = r.total.duplicates;
  j["quarantined"] = r.total.quarantined;
  j["by_reason"] = nlohmann::ordered_json::object();
  for (const auto& [reason, n] : r.by_reason) j["by_reason"][reason] = n;
  j["by_format"] = nlohmann::ordered_json::object();
  for (const auto& [name, c] : r.by_format) j["by_format"][name] = counts(c);
  j["seconds"] = r.seconds;
  return j;
}

nlohmann::ordered_json SynthSummaryJson(const std::string& out, const corpora::SynthResult& r) {
  return {{"out", out},       {"actors", r.actors},       {"items", r.items},           {"files", r.files},
          {"bytes", r.bytes}, {"malformed", r.malformed}, {"duplicates", r.duplicates}, {"seconds", r.seconds}};
}

}  // namespace relais::toolkit
