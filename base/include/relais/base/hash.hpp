// Hashing: SHA-256 for content keys and manifests, HMAC-SHA256 for pseudonyms, fast 64-bit hashes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace relais {

/// Lower-case hex SHA-256 of data.
std::string Sha256Hex(std::string_view data);

/// Incremental SHA-256 for large files.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view data);
  std::string FinishHex();

 private:
  void* ctx_;
};

/// Lower-case hex HMAC-SHA256(key, message).
std::string HmacSha256Hex(std::string_view key, std::string_view message);

/// Cryptographically random bytes as hex (for per-store secrets).
std::string RandomHex(std::size_t num_bytes);

/// 64-bit FNV-1a then a splitmix64 finaliser: stable across runs and platforms.
std::uint64_t Hash64(std::string_view data, std::uint64_t seed = 0);

/// splitmix64 step, handy for seeding and mixing.
inline std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace relais
