// Local alignment of token sequences: Smith–Waterman (1981) with Gotoh's (1982) affine gaps, scored as
// passim does (Smith, Cordell & Mullen 2015): match +2, mismatch −1, gap open 5, gap extend 0.5. A gap
// of length L costs open + (L − 1)·extend. Scores are computed in half-units (integers).
//
//   auto al = relais::text::AlignLocal(tokens_a, tokens_b);
//   // al.score, and the aligned spans [a_begin, a_end) in a and [b_begin, b_end) in b
//
// Memory is O(|b|); with seeds (shared shingle positions) the DP runs only in a diagonal band around
// them (seed-and-extend), so long texts cost O(band · rows), not O(|a|·|b|).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace relais::text {

struct AlignParams {
  double match = 2.0;
  double mismatch = -1.0;
  double gap_open = 5.0;
  double gap_extend = 0.5;
};

struct Alignment {
  double score = 0.0;
  std::uint32_t a_begin = 0, a_end = 0;  ///< token span in a, [begin, end)
  std::uint32_t b_begin = 0, b_end = 0;  ///< token span in b
  std::uint32_t matches = 0;             ///< aligned equal token pairs
  bool empty() const { return score <= 0.0; }
};

/// Best local alignment over the whole matrix (ties: the alignment ending first in a, then in b).
Alignment AlignLocal(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                     const AlignParams& params = {});

/// Seeded version: seeds are (position in a, position in b) of shared shingles of `seed_len` tokens.
/// The DP is restricted to rows [min_a − margin, max_a + seed_len + margin) and to the diagonal band
/// [min(j−i) − margin, max(j−i) + margin]. Without seeds it falls back to AlignLocal.
Alignment AlignSeeded(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                      std::span<const std::pair<std::uint32_t, std::uint32_t>> seeds, int seed_len,
                      const AlignParams& params = {}, int margin = 32);

/// Token-level Levenshtein distance (insert, delete, substitute: cost 1), O(|a|·|b|) time, O(|b|) memory.
std::size_t TokenEditDistance(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b);

}  // namespace relais::text
