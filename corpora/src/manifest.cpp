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

void WriteManifest(Store& store) {
  nlohmann::ordered_json j;
  j["relais_version"] = RELAIS_VERSION;
  j["schema_version"] = kSchemaVersion;
  auto inputs = nlohmann::ordered_json::array();
  Statement runs(store.db(),
                 "SELECT run_id, path, read, accepted, duplicates, quarantined, complete, error FROM input_runs "
                 "WHERE sha256 = ?1 ORDER BY run_id");
  Statement st(store.db(),
               "SELECT path, size, sha256, format, read, accepted, duplicates, quarantined, complete, error "
               "FROM inputs ORDER BY path, sha256");
  while (st.Step()) {
    nlohmann::ordered_json in;
    in["path"] = st.Text(0);
    in["size"] = st.Int(1);
    in["sha256"] = st.Text(2);
    in["format"] = st.Text(3);
    AddCounts(in, st, 4);
    auto per_run = nlohmann::ordered_json::array();
    runs.Bind(1, st.TextView(2));
    while (runs.Step()) {
      nlohmann::ordered_json r;
      r["run"] = runs.Int(0);
      r["path"] = runs.Text(1);
      AddCounts(r, runs, 2);
      per_run.push_back(std::move(r));
    }
    runs.Reset();
    in["runs"] = std::move(per_run);
    inputs.push_back(std::move(in));
  }
  j["inputs"] = std::move(inputs);
  detail::WriteFileAtomically(store.dir() / "manifest.json", j.dump(2) + "\n");
}

}  // namespace relais::corpora
