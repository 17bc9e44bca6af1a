// Private to corpora: one input file read, hashed and parsed apart from the store (a rank of a
// distributed ingest, docs/cluster.md), and its bytes, so that another process can write it into the
// store exactly as Ingest() would have after reading the file itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "detail/byte_io.hpp"
#include "detail/ingest_pipeline.hpp"

namespace relais::corpora::detail {

struct ParsedInput {
  std::string path;    // as Ingest names it (records' InputPos::file)
  std::string sha256;  // of the file's bytes as stored
  std::uint64_t size = 0;
  std::string format;  // format name; empty when the file was not recognised (error says why)
  std::string error;   // why it was not recognised, or the read error that ended it (records before it kept)
  std::vector<PreparedOutcome> outcomes;  // in input order
  /// A byte range of the file (ParseIngestRange): the lines it held ('\n' read), to number the next
  /// range's lines; its outcomes' line numbers count from its first line. 0 for a whole file.
  std::uint64_t lines = 0;
};

/// Makes a byte range's line numbers the file's: adds `lines_before` (the lines of the ranges before it).
void ShiftLines(ParsedInput& range, std::uint64_t lines_before);

/// The pieces of those bytes, for other messages between relais processes (partition writes).
void PutItem(ByteWriter& o, const ItemRecord& item);
ItemRecord GetItem(ByteReader& in);
void PutPos(ByteWriter& o, const InputPos& pos);
InputPos GetPos(ByteReader& in);
void PutPlace(ByteWriter& o, const geo::Place& place);
geo::Place GetPlace(ByteReader& in);  // its names interned (valid for the process's lifetime)

/// Bytes of a parsed input (an exact copy: doubles bit for bit).
std::vector<std::byte> EncodeParsedInput(const ParsedInput& input);
/// The parsed input back; geo::Place views point into interned strings (valid for the process's
/// lifetime). Throws relais::Error (kInternal) on truncated or malformed bytes.
ParsedInput DecodeParsedInput(std::span<const std::byte> bytes);

}  // namespace relais::corpora::detail
