// quarantine.jsonl: one line per quarantined record, rewritten from the quarantine table at the
// end of each run, so a killed run followed by a rerun gives the same file (no duplicate lines).
#include <nlohmann/json.hpp>

#include "detail/ingest_pipeline.hpp"
#include "relais/corpora/ingest.hpp"

namespace relais::corpora {

void WriteQuarantineJsonl(Store& store) {
  detail::AtomicFileWriter file(store.dir() / "quarantine.jsonl");
  std::string out;
  Statement st(store.db(),
               "SELECT file, sha256, line, reason, message, excerpt FROM quarantine "
               "ORDER BY file, sha256, line, ordinal");
  while (st.Step()) {
    nlohmann::ordered_json j;
    j["file"] = st.Text(0);
    j["sha256"] = st.Text(1);
    j["line"] = st.Int(2);
    j["reason"] = st.Text(3);
    j["message"] = st.Text(4);
    j["excerpt"] = st.Text(5);
    // Excerpts come from bad input: never let invalid UTF-8 abort the dump.
    out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    out += '\n';
    if (out.size() > (1 << 20)) {
      file.Append(out);
      out.clear();
    }
  }
  file.Append(out);
  file.Commit();
}

}  // namespace relais::corpora
