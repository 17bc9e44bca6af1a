// The ingestion pipeline of one file (STYLE.md §5): a serial_in_order stage reads chunks and
// stamps line numbers, a parallel stage parses and finalises records, a serial_in_order sink
// writes them. Batches are bounded in bytes and lines and few are in flight, so memory stays
// bounded whatever the input size.
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>

#include <cstring>
#include <exception>

#include "detail/ingest_pipeline.hpp"
#include "relais/base/error.hpp"

namespace relais::corpora::detail {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;  // read size
constexpr std::size_t kBatchBytes = 2 << 20;  // a batch closes past this many bytes…
constexpr std::size_t kBatchLines = 8192;     // …or this many lines
constexpr std::size_t kDocumentGrain = 256;   // records per parallel task for documents

struct LineRef {
  std::size_t offset;
  std::size_t size;
  std::uint64_t number;
};

struct LineBatch {
  std::string data;
  std::vector<LineRef> lines;
};

using OutBatch = std::vector<PreparedOutcome>;

/// Splits a stream into batches of whole lines, numbering every line (blank ones included).
class LineSplitter {
 public:
  explicit LineSplitter(InputStream& in) : in_(in) {}

  /// Next batch, or nullptr at the end of the input.
  std::unique_ptr<LineBatch> Next() {
    auto batch = std::make_unique<LineBatch>();
    batch->data.swap(carry_);
    std::size_t scanned = 0;  // bytes of data already split into lines
    while (true) {
      // Split what we have into complete lines.
      while (batch->lines.size() < kBatchLines) {
        const char* base = batch->data.data();
        const void* nl = std::memchr(base + scanned, '\n', batch->data.size() - scanned);
        if (!nl) break;
        std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - base);
        AddLine(*batch, scanned, end);
        scanned = end + 1;
      }
      if (batch->lines.size() >= kBatchLines || (scanned >= kBatchBytes && !batch->lines.empty())) break;
      if (eof_) {
        if (scanned < batch->data.size()) {  // last line without '\n'
          AddLine(*batch, scanned, batch->data.size());
          scanned = batch->data.size();
        }
        break;
      }
      std::size_t old = batch->data.size();
      batch->data.resize(old + kChunkBytes);
      std::size_t n = in_.Read(batch->data.data() + old, kChunkBytes);
      batch->data.resize(old + n);
      if (n == 0) eof_ = true;
    }
    carry_.assign(batch->data, scanned, std::string::npos);
    batch->data.resize(scanned);
    if (batch->lines.empty() && eof_ && carry_.empty()) return nullptr;
    return batch;
  }

 private:
  void AddLine(LineBatch& batch, std::size_t begin, std::size_t end) {
    ++line_no_;
    std::size_t size = end - begin;
    if (size > 0 && batch.data[begin + size - 1] == '\r') --size;
    std::string_view line(batch.data.data() + begin, size);
    if (line.find_first_not_of(" \t\f\v") == std::string_view::npos) return;  // blank: not a record
    batch.lines.push_back(LineRef{begin, size, line_no_});
  }

  InputStream& in_;
  std::string carry_;
  std::uint64_t line_no_ = 0;
  bool eof_ = false;
};

std::string Excerpt(std::string_view s) {
  std::size_t n = std::min<std::size_t>(s.size(), 200);
  // Do not cut a UTF-8 sequence in the middle.
  while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

/// Finalises what a reader returned for one line (or document) and appends it to `out`.
void Finalise(std::vector<RecordOutcome>& parsed, OutBatch& out) {
  std::uint32_t ordinal = 0;
  std::uint64_t last_line = 0;
  for (auto& o : parsed) {
    if (auto* rec = std::get_if<ParsedRecord>(&o)) {
      if (rec->items.empty() || (rec->items.front().key.empty() && rec->items.front().channel == Channel::kSocial)) {
        Diagnostic d{ErrorKind::kSchema, rec->pos, "missing-id", "record has no item id", ""};
        if (rec->pos.line != last_line) ordinal = 0;
        last_line = rec->pos.line;
        out.push_back(PreparedOutcome{std::move(d), ordinal++});
        continue;
      }
      std::vector<std::string> notes;
      if (auto d = ApplyTimeRule(*rec, notes)) {
        if (rec->pos.line != last_line) ordinal = 0;
        last_line = rec->pos.line;
        out.push_back(PreparedOutcome{std::move(*d), ordinal++});
        continue;
      }
      PreparedRecord prepared = PrepareRecord(std::move(*rec));
      prepared.time_notes = std::move(notes);
      out.push_back(PreparedOutcome{std::move(prepared), 0});
      continue;
    }
    auto& d = std::get<Diagnostic>(o);
    if (d.pos.line != last_line) ordinal = 0;
    last_line = d.pos.line;
    out.push_back(PreparedOutcome{std::move(d), ordinal++});
  }
  parsed.clear();
}

void ParseLineSafely(const Reader& reader, std::string_view line, const InputPos& pos,
                     std::vector<RecordOutcome>& parsed) {
  try {
    reader.ParseLine(line, pos, parsed);
  } catch (const std::exception& e) {
    // A reader bug must not lose the record silently nor stop the run: quarantine it.
    parsed.push_back(Diagnostic{ErrorKind::kInternal, pos, "reader-error", e.what(), Excerpt(line)});
  }
}

}  // namespace

void RunLinePipeline(InputStream& in, const std::string& path, const Reader& reader, std::size_t max_in_flight,
                     const BatchSink& sink) {
  LineSplitter splitter(in);
  tbb::parallel_pipeline(
      max_in_flight,
      tbb::make_filter<void, std::shared_ptr<LineBatch>>(tbb::filter_mode::serial_in_order,
                                                         [&](tbb::flow_control& fc) -> std::shared_ptr<LineBatch> {
                                                           auto batch = splitter.Next();
                                                           if (!batch) {
                                                             fc.stop();
                                                             return nullptr;
                                                           }
                                                           return std::shared_ptr<LineBatch>(std::move(batch));
                                                         }) &
          tbb::make_filter<std::shared_ptr<LineBatch>, std::shared_ptr<OutBatch>>(
              tbb::filter_mode::parallel,
              [&](std::shared_ptr<LineBatch> batch) {
                auto out = std::make_shared<OutBatch>();
                out->reserve(batch->lines.size());
                std::vector<RecordOutcome> parsed;
                InputPos pos{path, 0, 0};
                for (const auto& l : batch->lines) {
                  pos.line = l.number;
                  ParseLineSafely(reader, std::string_view(batch->data).substr(l.offset, l.size), pos, parsed);
                  Finalise(parsed, *out);
                }
                return out;
              }) &
          tbb::make_filter<std::shared_ptr<OutBatch>, std::shared_ptr<OutBatch>>(tbb::filter_mode::serial_in_order,
                                                                                 [&](std::shared_ptr<OutBatch> out) {
                                                                                   sink(*out);
                                                                                   return out;
                                                                                 }) &
          // Freeing a written batch (thousands of strings) is left to a parallel stage so the
          // serial writer only writes.
          tbb::make_filter<std::shared_ptr<OutBatch>, void>(tbb::filter_mode::parallel,
                                                            [](std::shared_ptr<OutBatch> out) { out.reset(); }));
}

void RunDocument(std::string_view content, const std::string& path, const Reader& reader, const BatchSink& sink) {
  std::vector<RecordOutcome> parsed;
  // A document-level problem (not one record) throws: the caller counts the file as failed.
  reader.ParseDocument(content, path, parsed);
  // Finalise in parallel, in slices, then hand the slices to the sink in order.
  std::size_t n = parsed.size();
  std::size_t num_slices = (n + kDocumentGrain - 1) / kDocumentGrain;
  std::vector<OutBatch> slices(num_slices);
  std::vector<std::vector<RecordOutcome>> inputs(num_slices);
  for (std::size_t s = 0; s < num_slices; ++s) {
    std::size_t begin = s * kDocumentGrain, end = std::min(n, begin + kDocumentGrain);
    inputs[s].assign(std::make_move_iterator(parsed.begin() + static_cast<std::ptrdiff_t>(begin)),
                     std::make_move_iterator(parsed.begin() + static_cast<std::ptrdiff_t>(end)));
  }
  parsed.clear();
  tbb::parallel_for(std::size_t{0}, num_slices, [&](std::size_t s) { Finalise(inputs[s], slices[s]); });
  // Ordinals restart per slice; fix them across slice borders so they stay unique per line.
  std::uint64_t last_line = 0;
  std::uint32_t next = 0;
  for (auto& slice : slices) {
    for (auto& o : slice) {
      if (auto* d = std::get_if<Diagnostic>(&o.value)) {
        if (d->pos.line != last_line) next = 0;
        last_line = d->pos.line;
        o.ordinal = next++;
      }
    }
    sink(slice);
  }
}

}  // namespace relais::corpora::detail
