// Shingling and MinHash signatures; see minhash.hpp for the hash family and the estimator's error.
#include "relais/text/minhash.hpp"

#include <algorithm>
#include <cmath>

#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"

namespace relais::text {
namespace {

inline std::uint64_t CombineShingle(std::uint64_t h, std::uint64_t token) {
  return (h ^ token) * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
}

inline std::uint64_t FinishShingle(std::uint64_t h) { return SplitMix64(h); }

// An AVX2 and a default clone chosen at load time; one plain function in sanitizer builds (RELAIS_NO_IFUNC).
#ifdef RELAIS_NO_IFUNC
#define RELAIS_AVX2_CLONES
#else
#define RELAIS_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#endif

// The vectorisable kernel: for every shingle, 8..k lanes of 32-bit multiply-add, mix, minimum.
RELAIS_AVX2_CLONES void SignKernel(const std::uint64_t* shingles, std::size_t n, const std::uint32_t* a,
                                   const std::uint32_t* c, const std::uint32_t* b, const std::uint32_t* m,
                                   std::uint32_t* out, std::size_t k) {
  for (std::size_t p = 0; p < k; ++p) out[p] = 0xFFFFFFFFu;
  for (std::size_t s = 0; s < n; ++s) {
    const auto hi = static_cast<std::uint32_t>(shingles[s] >> 32);
    const auto lo = static_cast<std::uint32_t>(shingles[s]);
    for (std::size_t p = 0; p < k; ++p) {
      std::uint32_t h = a[p] * hi + c[p] * lo + b[p];
      h ^= h >> 15;
      h *= m[p];
      out[p] = h < out[p] ? h : out[p];
    }
  }
}

}  // namespace

std::vector<std::uint64_t> ShingleHashes(std::span<const std::uint64_t> tokens, int n) {
  if (n < 1) throw Error(ErrorKind::kInvalidArgument, "shingle size must be at least 1, got " + std::to_string(n));
  std::vector<std::uint64_t> out;
  if (tokens.empty()) return out;
  const auto width = static_cast<std::size_t>(n);
  if (tokens.size() < width) {
    std::uint64_t h = 0x243F6A8885A308D3ULL;
    for (std::uint64_t t : tokens) h = CombineShingle(h, t);
    out.push_back(FinishShingle(h));
    return out;
  }
  out.reserve(tokens.size() - width + 1);
  for (std::size_t i = 0; i + width <= tokens.size(); ++i) {
    std::uint64_t h = 0x243F6A8885A308D3ULL;
    for (std::size_t k = 0; k < width; ++k) h = CombineShingle(h, tokens[i + k]);
    out.push_back(FinishShingle(h));
  }
  return out;
}

std::vector<std::uint64_t> ShingleSet(std::span<const std::uint64_t> tokens, int n) {
  std::vector<std::uint64_t> s = ShingleHashes(tokens, n);
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

std::size_t IntersectionSize(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return common;
}

double ExactJaccard(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  if (a.empty() && b.empty()) return 1.0;
  const std::size_t common = IntersectionSize(a, b);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

double Containment(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  const std::size_t smaller = std::min(a.size(), b.size());
  if (smaller == 0) return 0.0;
  return static_cast<double>(IntersectionSize(a, b)) / static_cast<double>(smaller);
}

MinHasher::MinHasher(int num_perm, std::uint64_t seed) {
  if (num_perm < 1 || num_perm > 4096)
    throw Error(ErrorKind::kInvalidArgument,
                "number of permutations must be in 1..4096, got " + std::to_string(num_perm));
  std::uint64_t state = seed ^ 0x6D696E68617368ULL;
  auto next = [&] {
    state = SplitMix64(state);
    return static_cast<std::uint32_t>(state >> 16);
  };
  for (int p = 0; p < num_perm; ++p) {
    a_.push_back(next() | 1u);
    c_.push_back(next() | 1u);
    b_.push_back(next());
    m_.push_back(next() | 1u);
  }
}

void MinHasher::Sign(std::span<const std::uint64_t> shingles, std::span<std::uint32_t> out) const {
  RELAIS_ASSERT(out.size() == a_.size(), "signature buffer must hold num_perm values");
  SignKernel(shingles.data(), shingles.size(), a_.data(), c_.data(), b_.data(), m_.data(), out.data(), out.size());
}

void MinHasher::SignReference(std::span<const std::uint64_t> shingles, std::span<std::uint32_t> out) const {
  RELAIS_ASSERT(out.size() == a_.size(), "signature buffer must hold num_perm values");
  for (std::size_t p = 0; p < out.size(); ++p) {
    std::uint32_t best = 0xFFFFFFFFu;
    for (std::uint64_t x : shingles) {
      std::uint32_t h = a_[p] * static_cast<std::uint32_t>(x >> 32) + c_[p] * static_cast<std::uint32_t>(x) + b_[p];
      h ^= h >> 15;
      h *= m_[p];
      best = std::min(best, h);
    }
    out[p] = best;
  }
}

double EstimateJaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  RELAIS_ASSERT(a.size() == b.size() && !a.empty(), "signatures must have the same nonzero length");
  std::size_t equal = 0;
  for (std::size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

double MinHashStdDev(double jaccard, int num_perm) {
  return std::sqrt(jaccard * (1.0 - jaccard) / static_cast<double>(num_perm));
}

}  // namespace relais::text
