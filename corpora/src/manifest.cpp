// manifest.json: every input with path, size, sha256, format and counts (of its latest ingest,
// and per run under "runs": a re-ingest shows as a second run of duplicates, not as a file that
// brought nothing), plus the relais version; rewritten atomically at the end of each ingest run.
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "detail/ingest_pipeline.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/ingest.hpp"

namespace relais::corpora {
namespace detail {

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path) : path_(std::move(path)), tmp_(path_) {
  tmp_ += ".tmp";
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(ErrorKind::kIo, "cannot write " + tmp_.string());
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicFileWriter::Append(std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n <= 0) throw Error(ErrorKind::kIo, "cannot write " + tmp_.string());
    done += static_cast<std::size_t>(n);
  }
}

void AtomicFileWriter::Commit() {
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    fd_ = -1;
    throw Error(ErrorKind::kIo, "cannot write " + tmp_.string());
  }
  fd_ = -1;
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) throw Error(ErrorKind::kIo, "cannot rename " + tmp_.string());
}

}  // namespace detail

namespace {
// The accounting columns (read, accepted, duplicates, quarantined, complete, error) from column `first`.
void AddCounts(nlohmann::ordered_json& j, const Statement& st, int first) {
  j["read"] = st.Int(first);
  j["accepted"] = st.Int(first + 1);
  j["duplicates"] = st.Int(first + 2);
  j["quarantined"] = st.Int(first + 3);
  j["complete"] = st.Int(first + 4) != 0;
  if (!st.IsNull(first + 5)) j["error"] = st.Text(first + 5);
}
}  // namespace

// The document is written as it is read, one input at a time, in the layout nlohmann's dump(2) gives the
// whole (each input's object dumped alone, its lines indented to their depth): 274,938 inputs held as one
// JSON tree took hundreds of MB, and the runs looked up input by input scanned input_runs each time.
void WriteManifest(Store& store) {
  nlohmann::ordered_json head;
  head["relais_version"] = RELAIS_VERSION;
  head["schema_version"] = kSchemaVersion;
  std::string text = head.dump(2);
  text.erase(text.size() - 2);  // "\n}"
  detail::AtomicFileWriter out(store.dir() / "manifest.json");
  out.Append(text + ",\n  \"inputs\": [");
  Statement st(store.db(),
               "SELECT i.path, i.size, i.sha256, i.format, i.read, i.accepted, i.duplicates, i.quarantined, "
               "i.complete, i.error, r.run_id, r.path, r.read, r.accepted, r.duplicates, r.quarantined, r.complete, "
               "r.error FROM inputs i LEFT JOIN input_runs r ON r.sha256 = i.sha256 "
               "ORDER BY i.path, i.sha256, r.run_id");
  bool more = st.Step();
  std::size_t written = 0;
  while (more) {
    nlohmann::ordered_json in;
    in["path"] = st.Text(0);
    in["size"] = st.Int(1);
    const std::string sha256 = st.Text(2);
    in["sha256"] = sha256;
    in["format"] = st.Text(3);
    AddCounts(in, st, 4);
    auto per_run = nlohmann::ordered_json::array();
    for (; more && st.TextView(2) == sha256; more = st.Step()) {
      if (st.IsNull(10)) continue;  // an input without runs
      nlohmann::ordered_json r;
      r["run"] = st.Int(10);
      r["path"] = st.Text(11);
      AddCounts(r, st, 12);
      per_run.push_back(std::move(r));
    }
    in["runs"] = std::move(per_run);
    std::string lines = "\n" + in.dump(2);
    for (std::size_t at = 0; (at = lines.find('\n', at)) != std::string::npos; at += 5) lines.insert(at + 1, "    ");
    out.Append((written++ > 0 ? "," : "") + lines);
  }
  out.Append(written > 0 ? "\n  ]\n}\n" : "]\n}\n");
  out.Commit();
}

}  // namespace relais::corpora
