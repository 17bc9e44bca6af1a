// Many small strings kept for the length of a computation (the texts of millions of items) without a
// heap block each: copied into large chunks that never move, so the views handed out stay valid for
// the arena's life.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace relais {

class StringArena {
 public:
  explicit StringArena(std::size_t chunk_bytes = std::size_t{16} << 20)
      : chunk_bytes_(std::max<std::size_t>(chunk_bytes, 1)) {}

  /// A copy of `s` inside the arena (a string longer than a chunk gets a block of its own).
  std::string_view Add(std::string_view s) {
    if (s.empty()) return {};
    char* at = nullptr;
    if (s.size() > chunk_bytes_) {
      blocks_.push_back(std::make_unique<char[]>(s.size()));
      at = blocks_.back().get();
    } else {
      if (!open_ || s.size() > chunk_bytes_ - used_) {
        if (open_) blocks_.push_back(std::move(open_));
        open_ = std::make_unique<char[]>(chunk_bytes_);
        used_ = 0;
      }
      at = open_.get() + used_;
      used_ += s.size();
    }
    std::memcpy(at, s.data(), s.size());
    bytes_ += s.size();
    return {at, s.size()};
  }

  /// Bytes of the strings added (not the chunks' capacity).
  std::size_t bytes() const { return bytes_; }

 private:
  std::size_t chunk_bytes_;
  std::unique_ptr<char[]> open_;  // the chunk being filled
  std::size_t used_ = 0;          // of open_
  std::size_t bytes_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;  // full chunks and oversized strings
};

}  // namespace relais
