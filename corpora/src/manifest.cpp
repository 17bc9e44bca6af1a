// manifest.json: every input with path, size, sha256, format and counts (of its latest ingest,
// and per run under "runs": a re-ingest shows as a second run of duplicates, not as a file that
// brought nothing), plus the relais version; rewritten atomically at the end of each ingest run.
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

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

/// A JSON string as nlohmann's dump() prints it (its escaping; invalid UTF-8 throws as dump() does).
void AppendJsonString(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
  });
  if (plain) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  out += nlohmann::json(s).dump();
}

/// `"key": ` on a line of its own at `indent`, after a comma unless it is the object's first member.
void AppendKey(std::string& out, std::string_view indent, std::string_view key, bool first) {
  out += first ? "\n" : ",\n";
  out += indent;
  out += '"';
  out += key;
  out += "\": ";
}

/// The accounting columns (read, accepted, duplicates, quarantined, complete, error) from column `first`.
void AppendCounts(std::string& out, std::string_view indent, const Statement& st, int first) {
  constexpr std::string_view kNames[] = {"read", "accepted", "duplicates", "quarantined"};
  for (int k = 0; k < 4; ++k) {
    AppendKey(out, indent, kNames[k], false);
    out += std::to_string(st.Int(first + k));
  }
  AppendKey(out, indent, "complete", false);
  out += st.Int(first + 4) != 0 ? "true" : "false";
  if (!st.IsNull(first + 5)) {
    AppendKey(out, indent, "error", false);
    AppendJsonString(out, st.TextView(first + 5));
  }
}

}  // namespace

// The document is written as it is read, one input at a time, byte for byte as nlohmann's dump(2) prints
// the whole (tested against it): 274,938 inputs held as one JSON tree took hundreds of MB, the runs looked
// up input by input scanned input_runs each time, and a JSON tree an input took most of the 33 s the large
// world's manifest (173 MB) took to write.
void WriteManifest(Store& store) {
  nlohmann::ordered_json head;
  head["relais_version"] = RELAIS_VERSION;
  head["schema_version"] = kSchemaVersion;
  std::string text = head.dump(2);
  text.erase(text.size() - 2);  // "\n}"
  detail::AtomicFileWriter out(store.dir() / "manifest.json");
  text += ",\n  \"inputs\": [";
  Statement st(store.db(),
               "SELECT i.path, i.size, i.sha256, i.format, i.read, i.accepted, i.duplicates, i.quarantined, "
               "i.complete, i.error, r.run_id, r.path, r.read, r.accepted, r.duplicates, r.quarantined, r.complete, "
               "r.error FROM inputs i LEFT JOIN input_runs r ON r.sha256 = i.sha256 "
               "ORDER BY i.path, i.sha256, r.run_id");
  bool more = st.Step();
  std::size_t written = 0;
  constexpr std::size_t kFlushBytes = 1 << 20;
  while (more) {
    text += written++ > 0 ? ",\n    {" : "\n    {";
    constexpr std::string_view kIn = "      ", kRun = "          ";
    AppendKey(text, kIn, "path", true);
    AppendJsonString(text, st.TextView(0));
    AppendKey(text, kIn, "size", false);
    text += std::to_string(st.Int(1));
    const std::string sha256 = st.Text(2);
    AppendKey(text, kIn, "sha256", false);
    AppendJsonString(text, sha256);
    AppendKey(text, kIn, "format", false);
    AppendJsonString(text, st.TextView(3));
    AppendCounts(text, kIn, st, 4);
    AppendKey(text, kIn, "runs", false);
    bool any_run = false;
    for (; more && st.TextView(2) == sha256; more = st.Step()) {
      if (st.IsNull(10)) continue;  // an input without runs
      text += any_run ? ",\n        {" : "[\n        {";
      any_run = true;
      AppendKey(text, kRun, "run", true);
      text += std::to_string(st.Int(10));
      AppendKey(text, kRun, "path", false);
      AppendJsonString(text, st.TextView(11));
      AppendCounts(text, kRun, st, 12);
      text += "\n        }";
    }
    text += any_run ? "\n      ]\n    }" : "[]\n    }";
    if (text.size() >= kFlushBytes) {
      out.Append(text);
      text.clear();
    }
  }
  text += written > 0 ? "\n  ]\n}\n" : "]\n}\n";
  out.Append(text);
  out.Commit();
}

}  // namespace relais::corpora
