// Smith–Waterman–Gotoh local alignment with start tracking, full or banded; token edit distance.
#include "relais/text/align.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

#include "relais/base/error.hpp"

namespace relais::text {
namespace {

constexpr std::int32_t kNegInf = INT32_MIN / 4;

struct Cell {
  std::int32_t score;
  std::uint32_t start_a;  // where the local alignment that produced this value starts
  std::uint32_t start_b;
  std::uint32_t matches;
};

std::int32_t Half(double v, const char* name) {
  const double h = v * 2.0;
  if (std::abs(h - std::round(h)) > 1e-9)
    throw Error(ErrorKind::kInvalidArgument, std::string(name) + " must be a multiple of 0.5");
  return static_cast<std::int32_t>(std::lround(h));
}

// Rows [row_lo, row_hi) of a; in row i only columns j with d_lo <= j - i <= d_hi are computed.
Alignment Banded(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b, const AlignParams& params,
                 std::int64_t row_lo, std::int64_t row_hi, std::int64_t d_lo, std::int64_t d_hi) {
  const std::int32_t match = Half(params.match, "match score");
  const std::int32_t mismatch = Half(params.mismatch, "mismatch score");
  const std::int32_t open = Half(params.gap_open, "gap open");
  const std::int32_t extend = Half(params.gap_extend, "gap extend");
  const auto m = static_cast<std::int64_t>(b.size());
  // H and F of the previous row, indexed by column + 1 (column 0 is the empty prefix).
  std::vector<Cell> h_prev(static_cast<std::size_t>(m) + 2, Cell{0, 0, 0, 0});
  std::vector<Cell> f_prev(static_cast<std::size_t>(m) + 2, Cell{kNegInf, 0, 0, 0});
  std::vector<Cell> h_cur = h_prev, f_cur = f_prev;
  Cell best{0, 0, 0, 0};
  std::uint32_t best_a_end = 0, best_b_end = 0;
  std::int64_t prev_lo = 0, prev_hi = -1;  // computed columns of the previous row (inclusive)
  for (std::int64_t i = row_lo; i < row_hi; ++i) {
    const std::int64_t lo = std::max<std::int64_t>(0, i + d_lo);
    const std::int64_t hi = std::min<std::int64_t>(m - 1, i + d_hi);
    if (lo > hi) continue;
    auto prev_h = [&](std::int64_t j) -> Cell {  // H[i-1][j], j may be -1 (empty prefix)
      if (j < prev_lo || j > prev_hi) return Cell{0, 0, 0, 0};
      return h_prev[static_cast<std::size_t>(j + 1)];
    };
    auto prev_f = [&](std::int64_t j) -> Cell {
      if (j < prev_lo || j > prev_hi) return Cell{kNegInf, 0, 0, 0};
      return f_prev[static_cast<std::size_t>(j + 1)];
    };
    Cell e{kNegInf, 0, 0, 0};  // E[i][j-1]: gap in a (moving along b)
    Cell h_left{0, 0, 0, 0};   // H[i][j-1]
    for (std::int64_t j = lo; j <= hi; ++j) {
      // E: extend along b.
      Cell e_open{h_left.score - open, h_left.start_a, h_left.start_b, h_left.matches};
      Cell e_ext{e.score - extend, e.start_a, e.start_b, e.matches};
      e = e_open.score >= e_ext.score ? e_open : e_ext;
      // F: extend along a.
      const Cell up = prev_h(j);
      const Cell fu = prev_f(j);
      Cell f_open{up.score - open, up.start_a, up.start_b, up.matches};
      Cell f_ext{fu.score - extend, fu.start_a, fu.start_b, fu.matches};
      Cell f = f_open.score >= f_ext.score ? f_open : f_ext;
      // Diagonal.
      const Cell diag = prev_h(j - 1);
      const bool same = a[static_cast<std::size_t>(i)] == b[static_cast<std::size_t>(j)];
      Cell d{diag.score + (same ? match : mismatch), diag.start_a, diag.start_b, diag.matches + (same ? 1u : 0u)};
      if (diag.score == 0)
        d = Cell{same ? match : mismatch, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), same ? 1u : 0u};
      Cell h = d;
      if (e.score > h.score) h = e;
      if (f.score > h.score) h = f;
      if (h.score <= 0) h = Cell{0, 0, 0, 0};
      h_cur[static_cast<std::size_t>(j + 1)] = h;
      f_cur[static_cast<std::size_t>(j + 1)] = f;
      h_left = h;
      if (h.score > best.score) {
        best = h;
        best_a_end = static_cast<std::uint32_t>(i + 1);
        best_b_end = static_cast<std::uint32_t>(j + 1);
      }
    }
    std::swap(h_prev, h_cur);
    std::swap(f_prev, f_cur);
    prev_lo = lo;
    prev_hi = hi;
  }
  Alignment out;
  if (best.score <= 0) return out;
  out.score = best.score / 2.0;
  out.a_begin = best.start_a;
  out.b_begin = best.start_b;
  out.a_end = best_a_end;
  out.b_end = best_b_end;
  out.matches = best.matches;
  return out;
}

}  // namespace

Alignment AlignLocal(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b, const AlignParams& params) {
  if (a.empty() || b.empty()) return {};
  return Banded(a, b, params, 0, static_cast<std::int64_t>(a.size()), -static_cast<std::int64_t>(a.size()),
                static_cast<std::int64_t>(b.size()));
}

Alignment AlignSeeded(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                      std::span<const std::pair<std::uint32_t, std::uint32_t>> seeds, int seed_len,
                      const AlignParams& params, int margin) {
  if (a.empty() || b.empty()) return {};
  if (seeds.empty()) return AlignLocal(a, b, params);
  std::int64_t min_i = INT64_MAX, max_i = INT64_MIN, d_lo = INT64_MAX, d_hi = INT64_MIN;
  for (const auto& [i, j] : seeds) {
    min_i = std::min<std::int64_t>(min_i, i);
    max_i = std::max<std::int64_t>(max_i, i);
    const std::int64_t d = static_cast<std::int64_t>(j) - static_cast<std::int64_t>(i);
    d_lo = std::min(d_lo, d);
    d_hi = std::max(d_hi, d);
  }
  const std::int64_t row_lo = std::max<std::int64_t>(0, min_i - margin);
  const std::int64_t row_hi = std::min<std::int64_t>(static_cast<std::int64_t>(a.size()), max_i + seed_len + margin);
  return Banded(a, b, params, row_lo, row_hi, d_lo - margin, d_hi + margin);
}

std::size_t TokenEditDistance(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({up + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace relais::text
