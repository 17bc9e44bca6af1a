// Input files: folders walked, .gz/.zst decompressed, formats sniffed, encodings detected.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relais/corpora/reader.hpp"

namespace relais::corpora {

/// Expands PATHs: files as given, folders recursed (sorted, hidden files skipped).
/// Throws relais::Error (kData) for a path that does not exist.
std::vector<std::filesystem::path> ListInputFiles(const std::vector<std::string>& paths);

/// The size of a file on disk, 0 when it cannot be known (its reading then reports why).
std::uint64_t FileSizeOrZero(const std::filesystem::path& path);

/// A byte stream over a file, decompressing .gz and .zst transparently (by magic bytes).
class InputStream {
 public:
  virtual ~InputStream() = default;
  /// Reads up to n bytes; returns 0 at end. Throws relais::Error (kIo) on a read or
  /// decompression error (a truncated .gz is reported, not silently cut).
  virtual std::size_t Read(char* buf, std::size_t n) = 0;
};
std::unique_ptr<InputStream> OpenInput(const std::filesystem::path& path);

/// Whole (decompressed) content of a file.
std::string ReadAll(const std::filesystem::path& path);

/// Guesses the format from the file name and its first decompressed bytes; nullopt when unknown.
std::optional<Format> SniffFormat(const std::filesystem::path& path, std::string_view head);

/// Converts text to UTF-8. encoding: auto (valid UTF-8 kept; otherwise ICU's charset detector,
/// windows-1252 as the fallback for French), utf-8, windows-1252, latin-1.
/// Sets *detected to the encoding used. Throws relais::Error (kEncoding) when impossible.
std::string DecodeToUtf8(std::string_view bytes, std::string_view encoding, std::string* detected = nullptr);

/// DecodeToUtf8 without its copy when `bytes` already are UTF-8 for `encoding` (auto: valid UTF-8 without a
/// UTF-16 byte-order mark): a view of them (a UTF-8 BOM dropped); otherwise the decoded text, held in `storage`.
std::string_view DecodeToUtf8View(std::string_view bytes, std::string_view encoding, std::string& storage);

/// True when `s` is valid UTF-8; *bad_offset gets the first invalid byte's offset.
bool IsValidUtf8(std::string_view s, std::size_t* bad_offset = nullptr);

}  // namespace relais::corpora
