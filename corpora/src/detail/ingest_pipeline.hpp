// Private to corpora: the read → parse → write pipeline of one input file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "relais/corpora/ingest.hpp"
#include "relais/corpora/input.hpp"
#include "relais/corpora/reader.hpp"

namespace relais::corpora::detail {

/// One outcome of parsing, finalised: a record ready for the writer or a quarantine diagnostic.
/// `ordinal` numbers the diagnostics of one input line (0, 1, …) so reruns do not duplicate them.
struct PreparedOutcome {
  std::variant<PreparedRecord, Diagnostic> value;
  std::uint32_t ordinal = 0;
};

/// Called serially, in input order, with each parsed batch.
using BatchSink = std::function<void(std::vector<PreparedOutcome>& batch)>;

/// Line-oriented formats: a serial stage reads chunks and stamps line numbers, a parallel stage
/// parses and finalises, the sink writes in order. At most `max_in_flight` batches exist at once.
void RunLinePipeline(InputStream& in, const std::string& path, const Reader& reader, std::size_t max_in_flight,
                     const BatchSink& sink);

/// Document formats: whole content parsed once, records finalised in parallel, sink called in order.
void RunDocument(std::string_view content, const std::string& path, const Reader& reader, const BatchSink& sink);

}  // namespace relais::corpora::detail

namespace relais::corpora::detail {

/// Writes a file through `path.tmp` + fsync + rename, so readers never see half a file.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();  // removes the temporary file when Commit() was not reached
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  void Append(std::string_view data);
  void Commit();

 private:
  std::filesystem::path path_, tmp_;
  int fd_ = -1;
};

}  // namespace relais::corpora::detail
