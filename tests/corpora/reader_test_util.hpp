// Helpers for the reader tests: run a reader over a file and sort its outcomes.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "relais/corpora/input.hpp"
#include "relais/corpora/reader.hpp"

namespace relais::testing {

struct ReadResult {
  std::vector<corpora::ParsedRecord> records;
  std::vector<Diagnostic> diagnostics;
  std::map<std::string, int> by_reason;
  std::size_t total() const { return records.size() + diagnostics.size(); }
};

// With RELAIS_TEST_DUMP set, prints every diagnostic (to write expectations).
inline void DumpDiagnostics(const ReadResult& r) {
  if (!std::getenv("RELAIS_TEST_DUMP")) return;
  for (const auto& d : r.diagnostics)
    std::fprintf(stderr, "  %s: %s: %s | %s\n", d.pos.ToString().c_str(), d.reason.c_str(), d.message.c_str(),
                 d.excerpt.substr(0, 80).c_str());
}

inline ReadResult ReadText(corpora::Format format, const std::string& content, const std::string& path = "mem.json",
                           const corpora::ReadOptions& options = {}) {
  auto reader = corpora::MakeReader(format, options);
  std::vector<corpora::RecordOutcome> outcomes;
  reader->ParseDocument(content, path, outcomes);
  ReadResult r;
  for (auto& o : outcomes) {
    if (auto* rec = std::get_if<corpora::ParsedRecord>(&o)) {
      r.records.push_back(std::move(*rec));
    } else {
      auto& d = std::get<Diagnostic>(o);
      ++r.by_reason[d.reason];
      r.diagnostics.push_back(std::move(d));
    }
  }
  DumpDiagnostics(r);
  return r;
}

inline ReadResult ReadWith(corpora::Format format, const std::filesystem::path& path,
                           const corpora::ReadOptions& options = {}) {
  return ReadText(format, corpora::ReadAll(path), path.string(), options);
}

inline int CountKind(const ReadResult& r, corpora::ItemKind kind) {
  int n = 0;
  for (const auto& rec : r.records) n += rec.items.at(0).kind == kind;
  return n;
}

inline bool HasRef(const corpora::ItemRecord& item, corpora::Layer layer) {
  for (const auto& ref : item.refs)
    if (ref.layer == layer) return true;
  return false;
}

}  // namespace relais::testing
