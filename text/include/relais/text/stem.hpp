// Snowball French stemming through libstemmer, with a cache of repeated words.
//
//   relais::text::FrenchStemmer stemmer;          // one per thread (libstemmer state is not shareable)
//   std::string_view s = stemmer.Stem("élections");  // "élect"; valid until the next call
//   relais::text::StemFrench("continuellement");  // "continuel", through a thread-local stemmer
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace relais::text {

class FrenchStemmer {
 public:
  /// cache_capacity: distinct words remembered (0 disables the cache); the cache is emptied when full.
  explicit FrenchStemmer(std::size_t cache_capacity = 1 << 16);
  ~FrenchStemmer();
  FrenchStemmer(const FrenchStemmer&) = delete;
  FrenchStemmer& operator=(const FrenchStemmer&) = delete;

  /// The Snowball French stem of a lower-case UTF-8 word. The view stays valid until the next call.
  std::string_view Stem(std::string_view word);
  /// Without the cache (libstemmer's raw rate, for benchmarks).
  std::string_view StemUncached(std::string_view word);

  std::size_t cache_hits() const { return cache_hits_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t cache_hits_ = 0;
};

/// Stem through a thread-local FrenchStemmer.
std::string StemFrench(std::string_view word);

}  // namespace relais::text
