// LSH banding for MinHash signatures (Indyk & Motwani 1998; Leskovec, Rajaraman & Ullman, "Mining of
// Massive Datasets", ch. 3): the signature is cut into b bands of r rows; two documents are candidates
// when some band is identical. For Jaccard similarity s the probability is the S-curve
//   P(s) = 1 − (1 − s^r)^b.
// ChooseLshParams picks (b, r) with b·r ≤ k minimising the false-positive mass ∫_0^t P(s) ds plus the
// false-negative mass ∫_t^1 (1 − P(s)) ds at the target threshold t.
#pragma once

#include <cstdint>
#include <span>

namespace relais::text {

struct LshParams {
  int bands = 0;
  int rows = 0;
};

/// P(s) = 1 − (1 − s^r)^b.
double LshProbability(double similarity, int bands, int rows);

/// Best (bands, rows) for threshold t in (0,1) and k permutations (b·r ≤ k).
LshParams ChooseLshParams(double threshold, int num_perm);

/// The weighted errors for given parameters (what ChooseLshParams minimises).
double LshFalsePositiveMass(double threshold, int bands, int rows);
double LshFalseNegativeMass(double threshold, int bands, int rows);

/// Hash of band `band` (rows values starting at band·rows) of a signature.
std::uint64_t BandKey(std::span<const std::uint32_t> signature, int band, int rows);

}  // namespace relais::text
