// A hash index over elements that live elsewhere (a vector of rows, a registry's entries): it holds only
// their numbers, 4 bytes a slot, at most half full. Where a node-based std::unordered_map of millions of keys
// costs ~40 bytes an element and a key copy, this costs 8-16 bytes and no copy. Header-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace relais {

class IndexTable {
 public:
  /// The element whose hash is `hash` and for which `is_key(element)` holds, if any.
  template <typename IsKey>
  std::optional<std::uint32_t> Find(std::size_t hash, IsKey&& is_key) const {
    if (slots_.empty()) return std::nullopt;
    const std::uint32_t held = slots_[SlotOf(hash, is_key)];
    if (held == 0) return std::nullopt;
    return held - 1;
  }

  /// The element for `hash`/`is_key` if present; else `element` is added under that key and returned with true.
  /// `hash_of(e)` gives the hash of element e (used when the table grows).
  template <typename IsKey, typename HashOf>
  std::pair<std::uint32_t, bool> FindOrAdd(std::size_t hash, IsKey&& is_key, std::uint32_t element, HashOf&& hash_of) {
    if ((used_ + 1) * 2 > slots_.size()) Grow(hash_of);
    const std::size_t slot = SlotOf(hash, is_key);
    if (slots_[slot] != 0) return {slots_[slot] - 1, false};
    slots_[slot] = element + 1;
    ++used_;
    return {element, true};
  }

  std::size_t size() const { return used_; }
  /// Bytes held by the table (for memory accounting in tests and benchmarks).
  std::size_t bytes() const { return slots_.capacity() * sizeof(std::uint32_t); }

 private:
  template <typename IsKey>
  std::size_t SlotOf(std::size_t hash, IsKey& is_key) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = Mix(hash) & mask;; slot = (slot + 1) & mask) {
      const std::uint32_t held = slots_[slot];
      if (held == 0 || is_key(held - 1)) return slot;
    }
  }

  template <typename HashOf>
  void Grow(HashOf& hash_of) {
    std::vector<std::uint32_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, 0);
    const std::size_t mask = slots_.size() - 1;
    for (const std::uint32_t held : old) {
      if (held == 0) continue;
      std::size_t slot = Mix(hash_of(held - 1)) & mask;
      while (slots_[slot] != 0) slot = (slot + 1) & mask;
      slots_[slot] = held;
    }
  }

  /// std::hash of integers is the identity: spread the bits before masking (splitmix64's finaliser).
  static std::size_t Mix(std::size_t h) {
    std::uint64_t x = h;
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return static_cast<std::size_t>(x);
  }

  std::vector<std::uint32_t> slots_;  // element + 1; 0 is a free slot
  std::size_t used_ = 0;
};

}  // namespace relais
