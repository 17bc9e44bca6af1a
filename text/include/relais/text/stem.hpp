// Snowball French stemming (the current Snowball algorithm, our implementation), with a cache of repeated
// words; libstemmer (Debian's 2.2, the older algorithm) is kept as an oracle for tests and benchmarks.
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

/// kCurrent: the Snowball version of the reference vocabulary (elisions, -oux, -aise, ni- rules; see
/// docs/text.md). kSnowball2: the 2.x algorithm, word for word what libstemmer 2.2 gives.
enum class SnowballVersion { kCurrent, kSnowball2 };

class FrenchStemmer {
 public:
  /// cache_capacity: distinct words remembered (0 disables the cache); the cache is emptied when full.
  explicit FrenchStemmer(std::size_t cache_capacity = 1 << 16, SnowballVersion version = SnowballVersion::kCurrent);
  ~FrenchStemmer();
  FrenchStemmer(const FrenchStemmer&) = delete;
  FrenchStemmer& operator=(const FrenchStemmer&) = delete;

  /// The Snowball French stem of a lower-case UTF-8 word. The view stays valid until the next call.
  std::string_view Stem(std::string_view word);
  /// Without the cache. Invalid UTF-8 is returned unchanged.
  std::string_view StemUncached(std::string_view word);

  std::size_t cache_hits() const { return cache_hits_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t cache_hits_ = 0;
};

/// Stem through a thread-local FrenchStemmer.
std::string StemFrench(std::string_view word);

/// Debian's libstemmer (Snowball 2.2 French), uncached: the oracle for SnowballVersion::kSnowball2.
class Libstemmer {
 public:
  Libstemmer();
  ~Libstemmer();
  Libstemmer(const Libstemmer&) = delete;
  Libstemmer& operator=(const Libstemmer&) = delete;
  /// The view stays valid until the next call.
  std::string_view Stem(std::string_view word);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relais::text
