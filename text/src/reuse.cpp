// The reuse engine: tokens → shingles → MinHash/LSH and a shingle index → verification by containment
// and seeded Smith–Waterman–Gotoh → direction, attribution. See reuse.hpp for the design.
#include "relais/text/reuse.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>

#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"
#include "relais/base/temp_folder.hpp"
#include "relais/base/threads.hpp"
#include "relais/text/lsh.hpp"
#include "relais/text/minhash.hpp"
#include "relais/text/tokenize.hpp"

namespace relais::text {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

constexpr std::uint64_t kSampleModulus = 4;
constexpr std::size_t kMinSampledShared = 2;  // shared sampled shingles for a long target
constexpr std::size_t kBucketAllPairs = 16;   // LSH buckets up to this size pair everyone
constexpr std::size_t kBucketWindow = 8;      // larger buckets: each member with its 8 predecessors + the first
constexpr std::size_t kMaxSeeds = 4096;
constexpr std::int64_t kMaxBandCells = 8'000'000;

struct IndexEntry {
  std::uint64_t hash;
  std::uint32_t rank;
  std::uint32_t role;  // bit 0: source entry, bit 1: target entry
  bool operator<(const IndexEntry& o) const { return hash != o.hash ? hash < o.hash : rank < o.rank; }
};

std::uint64_t PackPair(std::uint32_t earlier, std::uint32_t later) {
  return (static_cast<std::uint64_t>(earlier) << 32) | later;
}

// The tokens of the text of the document of rank `rank`, in `out` (cleared); returns the ill-formed UTF-8
// sequences replaced.
std::size_t DocTokens(const RankedDocs& docs, std::uint32_t rank, std::string& buffer,
                      std::vector<std::uint64_t>& out) {
  out.clear();
  return ReuseTokenHashes(docs.Text(rank, buffer), out);
}

// Seeds: (position in a, position in b) of shingles shared by both, first occurrence in a.
std::vector<std::pair<std::uint32_t, std::uint32_t>> SharedSeeds(const std::vector<std::uint64_t>& sh_a,
                                                                 const std::vector<std::uint64_t>& sh_b) {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> index(sh_a.size());
  for (std::uint32_t i = 0; i < sh_a.size(); ++i) index[i] = {sh_a[i], i};
  std::sort(index.begin(), index.end());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> seeds;
  for (std::uint32_t j = 0; j < sh_b.size(); ++j) {
    auto it = std::lower_bound(index.begin(), index.end(), std::pair<std::uint64_t, std::uint32_t>{sh_b[j], 0});
    if (it != index.end() && it->first == sh_b[j]) seeds.emplace_back(it->second, j);
  }
  return seeds;
}

// Keeps the seeds of the densest diagonal window when the band would be too large.
void FocusSeeds(std::vector<std::pair<std::uint32_t, std::uint32_t>>& seeds, std::int64_t rows_hint) {
  if (seeds.size() > kMaxSeeds) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> kept;
    const std::size_t step = (seeds.size() + kMaxSeeds - 1) / kMaxSeeds;
    for (std::size_t k = 0; k < seeds.size(); k += step) kept.push_back(seeds[k]);
    seeds.swap(kept);
  }
  std::int64_t d_lo = INT64_MAX, d_hi = INT64_MIN;
  for (const auto& [i, j] : seeds) {
    const std::int64_t d = static_cast<std::int64_t>(j) - i;
    d_lo = std::min(d_lo, d);
    d_hi = std::max(d_hi, d);
  }
  if ((d_hi - d_lo + 64) * std::max<std::int64_t>(rows_hint, 1) <= kMaxBandCells) return;
  const std::int64_t width = std::max<std::int64_t>(64, kMaxBandCells / std::max<std::int64_t>(rows_hint, 1) - 64);
  std::vector<std::int64_t> diags;
  for (const auto& [i, j] : seeds) diags.push_back(static_cast<std::int64_t>(j) - i);
  std::sort(diags.begin(), diags.end());
  std::size_t best_lo = 0, best_count = 0;
  for (std::size_t lo = 0, hi = 0; lo < diags.size(); ++lo) {
    while (hi < diags.size() && diags[hi] - diags[lo] <= width) ++hi;
    if (hi - lo > best_count) {
      best_count = hi - lo;
      best_lo = lo;
    }
  }
  const std::int64_t keep_lo = diags[best_lo], keep_hi = keep_lo + width;
  std::erase_if(seeds, [&](const auto& s) {
    const std::int64_t d = static_cast<std::int64_t>(s.second) - s.first;
    return d < keep_lo || d > keep_hi;
  });
}

struct Verified {
  ReuseFlow flow;
  std::uint32_t source_rank, target_rank;
};

bool IsCommon(std::span<const std::uint64_t> common, std::uint64_t h) {
  return std::binary_search(common.begin(), common.end(), h);
}

// Rare shared shingles a specific passage needs: those of a short_match-token passage with one edit (an
// edit removes up to shingle_size shingles): 15 + 1 − 2·5 = 6 at the defaults, and at least min_shared.
std::size_t MinSpecificShingles(const ReuseOptions& opt) {
  const auto n = static_cast<std::int64_t>(opt.shingle_size);
  return static_cast<std::size_t>(std::max<std::int64_t>(static_cast<std::int64_t>(opt.min_shared),
                                                         static_cast<std::int64_t>(opt.short_match) + 1 - 2 * n));
}

// A short passage is specific when most of its shared shingles (those inside the target span, also in the
// source) are rare in the corpus: not in `common` (the sorted shingles of more than specific_df documents).
bool IsSpecificPassage(const Alignment& al, const std::vector<std::uint64_t>& sh_dst,
                       const std::vector<std::uint64_t>& set_src, std::span<const std::uint64_t> common,
                       const ReuseOptions& opt) {
  const std::size_t n = static_cast<std::size_t>(opt.shingle_size);
  std::size_t shared = 0, rare = 0;
  for (std::size_t j = al.b_begin; j + n <= al.b_end && j < sh_dst.size(); ++j) {
    if (!std::binary_search(set_src.begin(), set_src.end(), sh_dst[j])) continue;
    ++shared;
    rare += !IsCommon(common, sh_dst[j]);
  }
  return rare >= MinSpecificShingles(opt) &&
         static_cast<double>(rare) >= opt.min_specific * static_cast<double>(shared);
}

// `set` := the sorted distinct values of `shingles` (ShingleSet from hashes already made; the buffer reused).
void AssignShingleSet(std::span<const std::uint64_t> shingles, std::vector<std::uint64_t>& set) {
  set.assign(shingles.begin(), shingles.end());
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
}

// A text's shingle hashes in text order and their sorted distinct set, computed once for all the pairs a
// text is verified in (a target's candidates come together).
struct Shingled {
  std::vector<std::uint64_t> shingles, set;

  void Of(const std::vector<std::uint64_t>& tokens, int shingle_size) {
    shingles = ShingleHashes(tokens, shingle_size);
    AssignShingleSet(shingles, set);
  }
};

std::optional<ReuseFlow> VerifyPair(const std::vector<std::uint64_t>& src, const Shingled& shingled_src,
                                    const std::vector<std::uint64_t>& dst, const Shingled& shingled_dst,
                                    const ReuseOptions& opt, std::span<const std::uint64_t> common) {
  const std::vector<std::uint64_t>& sh_src = shingled_src.shingles;
  const std::vector<std::uint64_t>& sh_dst = shingled_dst.shingles;
  const std::vector<std::uint64_t>& set_src = shingled_src.set;
  const std::vector<std::uint64_t>& set_dst = shingled_dst.set;
  const double containment = Containment(set_src, set_dst);
  if (containment < opt.min_containment) {
    // A short passage of two long texts: as many shared rare shingles as a specific passage needs.
    std::size_t rare_shared = 0;
    for (auto a = set_src.begin(), b = set_dst.begin(); a != set_src.end() && b != set_dst.end();) {
      if (*a < *b) {
        ++a;
      } else if (*b < *a) {
        ++b;
      } else {
        rare_shared += !IsCommon(common, *a);
        ++a;
        ++b;
      }
    }
    if (rare_shared < MinSpecificShingles(opt)) return std::nullopt;
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> seeds;
  if (src.size() >= static_cast<std::size_t>(opt.shingle_size) &&
      dst.size() >= static_cast<std::size_t>(opt.shingle_size))
    seeds = SharedSeeds(sh_src, sh_dst);
  Alignment al;
  if (seeds.empty()) {
    if (src.size() * dst.size() > static_cast<std::size_t>(kMaxBandCells)) return std::nullopt;
    al = AlignLocal(src, dst, opt.align);
  } else {
    std::uint32_t min_i = UINT32_MAX, max_i = 0;
    for (const auto& s : seeds) {
      min_i = std::min(min_i, s.first);
      max_i = std::max(max_i, s.first);
    }
    FocusSeeds(seeds, static_cast<std::int64_t>(max_i - min_i) + opt.shingle_size + 64);
    al = AlignSeeded(src, dst, seeds, opt.shingle_size, opt.align);
  }
  if (al.empty() || al.matches < opt.min_aligned) return std::nullopt;
  const double shorter = static_cast<double>(std::min(src.size(), dst.size()));
  if (al.matches < opt.long_match && static_cast<double>(al.matches) < opt.min_coverage * shorter &&
      (al.matches < opt.short_match || !IsSpecificPassage(al, sh_dst, set_src, common, opt)))
    return std::nullopt;
  const double longest = std::max(al.a_end - al.a_begin, al.b_end - al.b_begin);
  const double score = std::clamp(al.score / (opt.align.match * longest), 0.0, 1.0);
  if (score < opt.min_score) return std::nullopt;
  ReuseFlow f;
  f.score = score;
  f.alignment_score = al.score;
  f.containment = containment;
  f.matches = al.matches;
  f.source_span = {al.a_begin, al.a_end};
  f.target_span = {al.b_begin, al.b_end};
  return f;
}

double SpanOverlap(TokenSpan a, TokenSpan b) {
  const std::uint32_t lo = std::max(a.begin, b.begin), hi = std::min(a.end, b.end);
  if (hi <= lo) return 0.0;
  const std::uint32_t shorter = std::min(a.end - a.begin, b.end - b.begin);
  return shorter == 0 ? 0.0 : static_cast<double>(hi - lo) / shorter;
}

// Per target: the source explaining most of each distinct passage (highest alignment score), the earliest
// among those within 2% of it.
void Attribute(std::vector<Verified>& group, std::vector<Verified>& out) {
  std::sort(group.begin(), group.end(), [](const Verified& x, const Verified& y) {
    if (x.flow.alignment_score != y.flow.alignment_score) return x.flow.alignment_score > y.flow.alignment_score;
    return x.source_rank < y.source_rank;
  });
  std::vector<bool> used(group.size(), false);
  std::vector<TokenSpan> covered;
  for (std::size_t k = 0; k < group.size(); ++k) {
    if (used[k]) continue;
    const Verified& best = group[k];
    bool distinct = true;
    for (const TokenSpan& c : covered)
      if (SpanOverlap(c, best.flow.target_span) >= 0.5) distinct = false;
    used[k] = true;
    if (!distinct) continue;
    std::size_t chosen = k;
    for (std::size_t q = k + 1; q < group.size(); ++q) {
      if (group[q].flow.alignment_score < best.flow.alignment_score * 0.98) break;
      if (SpanOverlap(group[q].flow.target_span, best.flow.target_span) < 0.5) continue;
      used[q] = true;
      if (group[q].source_rank < group[chosen].source_rank) chosen = q;
    }
    covered.push_back(best.flow.target_span);
    out.push_back(group[chosen]);
  }
}

// LSH pairs (earlier rank, later rank) from band entries sorted by (key, rank): small buckets pair
// everyone, large ones each member with its kBucketWindow predecessors and the bucket's first.
void BucketPairs(const std::vector<std::pair<std::uint64_t, std::uint32_t>>& entries, const RankedDocs& docs,
                 std::vector<std::uint64_t>& pairs) {
  for (std::size_t lo = 0; lo < entries.size();) {
    std::size_t hi = lo + 1;
    while (hi < entries.size() && entries[hi].first == entries[lo].first) ++hi;
    const std::size_t size = hi - lo;
    for (std::size_t later = lo + 1; later < hi; ++later) {
      const std::uint32_t t = entries[later].second;
      if (!docs.IsTarget(t)) continue;
      auto consider = [&](std::size_t k) {
        const std::uint32_t s = entries[k].second;
        if (s != t && docs.IsSource(s)) pairs.push_back(PackPair(s, t));
      };
      if (size <= kBucketAllPairs) {
        for (std::size_t k = lo; k < later; ++k) consider(k);
      } else {
        consider(lo);
        for (std::size_t k = later > lo + kBucketWindow ? later - kBucketWindow : lo + 1; k < later; ++k) consider(k);
      }
    }
    lo = hi;
  }
}

// Index entries of one document: every shingle of a source, the (sampled) shingles of a target.
void IndexEntriesOf(const RankedDocs& docs, std::span<const std::uint64_t> set, std::uint32_t rank,
                    const ReuseOptions& opt, std::vector<IndexEntry>& out, std::uint8_t& sampled) {
  const bool is_source = docs.IsSource(rank), is_target = docs.IsTarget(rank);
  if (!is_source && !is_target) return;
  const bool sample = set.size() > opt.long_doc;
  sampled = sample;
  for (std::uint64_t h : set) {  // role 0 entries count towards the document frequency only
    std::uint32_t role = is_source ? 1u : 0u;
    if (is_target && (!sample || h % kSampleModulus == 0)) role |= 2u;
    out.push_back({h, rank, role});
  }
}

// One pair per (source, target) entry of one shingle (`group`, sorted by rank); a shingle in more than
// max_df sources is skipped. A shingle of more than specific_df documents goes to `common`, for the
// short-passage rule.
void ShingleGroupPairs(std::span<const IndexEntry> group, const ReuseOptions& opt,
                       std::vector<std::uint64_t>& index_pairs, std::vector<std::uint64_t>& common) {
  std::size_t num_sources = 0;
  for (const IndexEntry& e : group) num_sources += e.role & 1u;
  if (group.size() > opt.specific_df) common.push_back(group.front().hash);
  if (group.size() < 2 || num_sources < 1 || num_sources > opt.max_df) return;
  for (std::size_t t = 0; t < group.size(); ++t) {
    if (!(group[t].role & 2u)) continue;
    for (std::size_t s = 0; s < t; ++s)
      if (group[s].role & 1u) index_pairs.push_back(PackPair(group[s].rank, group[t].rank));
  }
}

// ShingleGroupPairs of every shingle of `entries`, sorted by (hash, rank): `common` in hash order.
void SharedShinglePairs(const std::vector<IndexEntry>& entries, const ReuseOptions& opt,
                        std::vector<std::uint64_t>& index_pairs, std::vector<std::uint64_t>& common) {
  for (std::size_t lo = 0; lo < entries.size();) {
    std::size_t hi = lo + 1;
    while (hi < entries.size() && entries[hi].hash == entries[lo].hash) ++hi;
    ShingleGroupPairs(std::span<const IndexEntry>(entries).subspan(lo, hi - lo), opt, index_pairs, common);
    lo = hi;
  }
}

// Pairs of sorted `index_pairs` repeated at least min_shared times (fewer for a sampled target) go to
// `pairs`; returns how many.
template <typename Sampled>
bool KeepsSharedPair(std::uint64_t pair, std::size_t times, Sampled&& sampled, const ReuseOptions& opt) {
  const auto target = static_cast<std::uint32_t>(pair & 0xFFFFFFFFu);
  return times >= (sampled(target) ? std::min(opt.min_shared, kMinSampledShared) : opt.min_shared);
}

template <typename Sampled>
std::size_t KeepSharedPairs(const std::vector<std::uint64_t>& index_pairs, Sampled&& sampled, const ReuseOptions& opt,
                            std::vector<std::uint64_t>& pairs) {
  std::size_t kept = 0;
  for (std::size_t lo = 0; lo < index_pairs.size();) {
    std::size_t hi = lo + 1;
    while (hi < index_pairs.size() && index_pairs[hi] == index_pairs[lo]) ++hi;
    if (KeepsSharedPair(index_pairs[lo], hi - lo, sampled, opt)) {
      pairs.push_back(index_pairs[lo]);
      ++kept;
    }
    lo = hi;
  }
  return kept;
}

// Documents in (time, key) order; rank order is "earlier".
std::vector<std::uint32_t> RankOrder(std::span<const ReuseDoc> docs) {
  std::vector<std::uint32_t> by_rank(docs.size());
  std::iota(by_rank.begin(), by_rank.end(), 0u);
  std::sort(by_rank.begin(), by_rank.end(), [&](std::uint32_t x, std::uint32_t y) {
    if (docs[x].time != docs[y].time) return docs[x].time < docs[y].time;
    if (docs[x].key != docs[y].key) return docs[x].key < docs[y].key;
    return x < y;
  });
  return by_rank;
}

// Sorted by target rank, then source rank; duplicates removed.
void SortByTarget(std::vector<std::uint64_t>& pairs) {
  tbb::parallel_sort(pairs.begin(), pairs.end(), [](std::uint64_t x, std::uint64_t y) {
    const std::uint64_t xt = x & 0xFFFFFFFFu, yt = y & 0xFFFFFFFFu;
    return xt != yt ? xt < yt : x < y;
  });
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

// 5. Attribution per target (verified is grouped by target rank), then the output order.
std::vector<Verified> AttributeAll(std::vector<Verified> verified, bool all_pairs) {
  std::vector<Verified> kept;
  if (all_pairs) {
    kept = std::move(verified);
  } else {
    for (std::size_t lo = 0; lo < verified.size();) {
      std::size_t hi = lo + 1;
      while (hi < verified.size() && verified[hi].target_rank == verified[lo].target_rank) ++hi;
      std::vector<Verified> group(verified.begin() + static_cast<std::ptrdiff_t>(lo),
                                  verified.begin() + static_cast<std::ptrdiff_t>(hi));
      Attribute(group, kept);
      lo = hi;
    }
  }
  return kept;
}

void SortFlows(std::vector<Verified>& kept) {
  std::sort(kept.begin(), kept.end(), [](const Verified& x, const Verified& y) {
    if (x.target_rank != y.target_rank) return x.target_rank < y.target_rank;
    if (x.source_rank != y.source_rank) return x.source_rank < y.source_rank;
    return x.flow.target_span.begin < y.flow.target_span.begin;
  });
}

}  // namespace

namespace {

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

File OpenFile(const std::string& path, const char* mode) {
  File f(std::fopen(path.c_str(), mode), &std::fclose);
  if (!f) throw Error(ErrorKind::kData, std::string("reuse: cannot open ") + path + " (disk full? set TMPDIR)");
  return f;
}

// Writes `values` to the file at `path` opened with `mode` ("wb" or "ab"), flushed.
template <typename T>
void WriteValues(const std::string& path, const char* mode, std::span<const T> values) {
  File f = OpenFile(path, mode);
  if (std::fwrite(values.data(), sizeof(T), values.size(), f.get()) != values.size() || std::fflush(f.get()) != 0)
    throw Error(ErrorKind::kData, "reuse: cannot write " + path + " (disk full? set TMPDIR)");
}

// Numbered files of fixed-size values (one per LSH band, one per index shard): values appended to a file
// from any thread (each file's appends are serialised; their order is the callers'), a file read back
// whole. The caller sorts what needs an order.
template <typename T>
class SpillFiles {
 public:
  SpillFiles(const TempFolder& folder, std::string name, std::size_t files)
      : folder_(folder), name_(std::move(name)), locks_(files) {
    for (std::size_t k = 0; k < files; ++k) OpenFile(Path(k), "wb");  // every file exists, maybe empty
  }

  std::size_t size() const { return locks_.size(); }

  void Append(std::size_t k, std::span<const T> values) {
    if (values.empty()) return;
    const std::lock_guard<std::mutex> lock(locks_[k]);
    WriteValues(Path(k), "ab", values);
  }

  /// File k opened for reading (Remove it when read).
  File Read(std::size_t k) const { return OpenFile(Path(k), "rb"); }
  void Remove(std::size_t k) const {
    std::error_code ec;
    std::filesystem::remove(Path(k), ec);
  }

  /// The values of file k, in the order appended; the file is removed.
  std::vector<T> Take(std::size_t k) {
    const std::string path = Path(k);
    std::error_code ec;
    const auto bytes = static_cast<std::size_t>(std::filesystem::file_size(path, ec));
    if (ec) throw Error(ErrorKind::kData, "reuse: cannot read " + path);
    std::vector<T> values(bytes / sizeof(T));
    {
      File f = OpenFile(path, "rb");
      if (std::fread(values.data(), sizeof(T), values.size(), f.get()) != values.size())
        throw Error(ErrorKind::kData, "reuse: cannot read " + path);
    }
    std::filesystem::remove(path, ec);
    return values;
  }

 private:
  std::string Path(std::size_t k) const { return folder_.Path(name_, k); }

  const TempFolder& folder_;
  std::string name_;
  std::vector<std::mutex> locks_;
};

// The shingle sets of the documents the index needs (sources, targets), spilled by the signing pass for the
// index pass: records (rank, size, the set's hashes) of 64-bit values, appended by each thread to a file of
// its own in whole records.
class SpilledSets {
 public:
  SpilledSets(const TempFolder& folder, std::size_t files) : files_(folder, "sets", files) {}

  std::size_t files() const { return files_.size(); }

  /// Appends one record to `buffer`, written to file `file` when large.
  void Add(std::size_t file, std::uint32_t rank, std::span<const std::uint64_t> set,
           std::vector<std::uint64_t>& buffer) {
    buffer.push_back(rank);
    buffer.push_back(set.size());
    buffer.insert(buffer.end(), set.begin(), set.end());
    if (buffer.size() >= kFlush) Flush(file, buffer);
  }
  void Flush(std::size_t file, std::vector<std::uint64_t>& buffer) {
    files_.Append(file, buffer);
    buffer.clear();
  }

  /// Calls on_set(rank, set) for every record of file k, then removes it.
  template <typename OnSet>
  void ForEach(std::size_t k, OnSet&& on_set) const {
    {
      File f = files_.Read(k);
      std::uint64_t head[2];
      std::vector<std::uint64_t> set;
      while (std::fread(head, sizeof(std::uint64_t), 2, f.get()) == 2) {
        set.resize(head[1]);
        if (std::fread(set.data(), sizeof(std::uint64_t), set.size(), f.get()) != set.size())
          throw Error(ErrorKind::kData, "reuse: a spilled shingle set is truncated");
        on_set(static_cast<std::uint32_t>(head[0]), std::span<const std::uint64_t>(set));
      }
    }
    files_.Remove(k);
  }

 private:
  static constexpr std::size_t kFlush = std::size_t{1} << 15;
  SpillFiles<std::uint64_t> files_;
};

// 1–2. Tokens, MinHash signatures and LSH band keys of the documents of ranks [first, last) (a distributed
//      run's share; every document by default), in blocks of sign_block ranks: each band's keys appended, in
//      rank order, to that band's file, each document's shingle set to `sets`; the tokens are not kept (they
//      are re-read from the texts where needed). Returns each rank's number of tokens (0 outside the range).
std::vector<std::uint32_t> PrepareDocs(const RankedDocs& docs, const ReuseOptions& opt, const LshParams& lsh,
                                       SpillFiles<std::uint64_t>& band_files, SpilledSets& sets, ReuseStats& stats,
                                       std::size_t first = 0, std::size_t last = SIZE_MAX) {
  const std::size_t n = docs.size();
  last = std::min(last, n);
  const auto bands = static_cast<std::size_t>(lsh.bands);
  const std::size_t block = std::max<std::size_t>(opt.sign_block, 1);
  std::vector<std::uint32_t> token_counts(n, 0);
  std::vector<std::uint64_t> keys;  // this block's: keys[band · size + rank − lo]
  std::atomic<std::size_t> invalid_docs{0}, total_tokens{0};
  const MinHasher hasher(opt.num_perm, opt.seed);
  struct Scratch {
    std::vector<std::uint32_t> sig;
    std::vector<std::uint64_t> tokens, set, spilled;
    std::string text;
    std::size_t file = 0;  // of `sets`
  };
  std::atomic<std::size_t> threads{0};
  tbb::enumerable_thread_specific<Scratch> scratch([&] {
    return Scratch{std::vector<std::uint32_t>(static_cast<std::size_t>(opt.num_perm)),
                   {},
                   {},
                   {},
                   {},
                   threads.fetch_add(1) % sets.files()};
  });
  for (std::size_t lo = first; lo < last; lo += block) {
    const std::size_t hi = std::min(last, lo + block), size = hi - lo;
    keys.assign(size * bands, 0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(lo, hi, 256), [&](const auto& r) {
      Scratch& s = scratch.local();
      std::size_t local_tokens = 0;
      for (std::size_t rank = r.begin(); rank != r.end(); ++rank) {
        if (DocTokens(docs, static_cast<std::uint32_t>(rank), s.text, s.tokens) > 0)
          invalid_docs.fetch_add(1, std::memory_order_relaxed);
        token_counts[rank] = static_cast<std::uint32_t>(s.tokens.size());
        local_tokens += s.tokens.size();
        const std::vector<std::uint64_t> shingles = ShingleHashes(s.tokens, opt.shingle_size);
        hasher.Sign(shingles, s.sig);
        for (std::size_t band = 0; band < bands; ++band)
          keys[band * size + rank - lo] = shingles.empty() ? 0 : BandKey(s.sig, static_cast<int>(band), lsh.rows);
        const auto r32 = static_cast<std::uint32_t>(rank);
        if (shingles.empty() || (!docs.IsSource(r32) && !docs.IsTarget(r32))) continue;
        AssignShingleSet(shingles, s.set);
        sets.Add(s.file, static_cast<std::uint32_t>(rank), s.set, s.spilled);
      }
      total_tokens.fetch_add(local_tokens, std::memory_order_relaxed);
    });
    for (std::size_t band = 0; band < bands; ++band)
      band_files.Append(band, std::span<const std::uint64_t>(keys).subspan(band * size, size));
  }
  for (Scratch& s : scratch) sets.Flush(s.file, s.spilled);
  stats.tokens = total_tokens.load();
  stats.invalid_utf8_docs = invalid_docs.load();
  return token_counts;
}

// pairs[0, before) sorted and unique, pairs[before, end) sorted: all of it sorted and unique.
void MergeSortedPairs(std::vector<std::uint64_t>& pairs, std::size_t before) {
  std::inplace_merge(pairs.begin(), pairs.begin() + static_cast<std::ptrdiff_t>(before), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

// 2. LSH candidates: pairs of documents sharing a band key, sorted and unique. One band at a time (band
//    keys mix the band's number, so no bucket spans two bands): n entries in memory, not n · bands; the
//    band's keys read back from its file in chunks.
std::vector<std::uint64_t> LshCandidates(const RankedDocs& docs, const std::vector<std::uint32_t>& token_counts,
                                         SpillFiles<std::uint64_t>& band_files, const LshParams& lsh) {
  const std::size_t n = docs.size();
  std::vector<std::uint64_t> pairs;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> entries;
  entries.reserve(n);
  std::vector<std::uint64_t> keys(std::size_t{1} << 16);  // the band's keys, read a chunk at a time
  for (int band = 0; band < lsh.bands; ++band) {
    entries.clear();
    std::size_t rank = 0;
    {
      const File f = band_files.Read(static_cast<std::size_t>(band));
      while (const std::size_t got = std::fread(keys.data(), sizeof(std::uint64_t), keys.size(), f.get())) {
        if (rank + got > n) break;
        for (std::size_t k = 0; k < got; ++k, ++rank)
          if (token_counts[rank] > 0) entries.emplace_back(keys[k], static_cast<std::uint32_t>(rank));
      }
    }
    band_files.Remove(static_cast<std::size_t>(band));
    if (rank != n) throw Error(ErrorKind::kData, "reuse: a band's spilled keys are truncated");
    tbb::parallel_sort(entries.begin(), entries.end());
    const std::size_t before = pairs.size();
    BucketPairs(entries, docs, pairs);
    // Sorted and unique after every band: a pair found by many bands (a large bucket repeats its
    // window's pairs in each) is held once, not once per band.
    tbb::parallel_sort(pairs.begin() + static_cast<std::ptrdiff_t>(before), pairs.end());
    MergeSortedPairs(pairs, before);
  }
  return pairs;
}

// The shards' document pairs (one per shared shingle), each shard's sorted into a temporary file of its
// own and read back merged: memory holds one shard's pairs, not every shard's (17.6 M items: ~8 GB).
class SpilledPairRuns {
 public:
  explicit SpilledPairRuns(const TempFolder& folder) : folder_(folder) {}

  /// Writes `sorted` as the next run.
  void Write(const std::vector<std::uint64_t>& sorted) {
    WriteValues(folder_.Path("pairs", runs_++), "wb", std::span<const std::uint64_t>(sorted));
  }

  /// Calls on_pair(pair, times) for every distinct pair of the runs, in order, with its number of
  /// occurrences over all runs.
  template <typename OnPair>
  void Merge(OnPair&& on_pair) const {
    struct Reader {
      File file{nullptr, &std::fclose};
      std::vector<std::uint64_t> buf;
      std::size_t at = 0;
      bool Next() {  // buf[at] is the head afterwards; false at the end
        if (++at < buf.size()) return true;
        buf.resize(1 << 16);
        buf.resize(std::fread(buf.data(), sizeof(std::uint64_t), buf.size(), file.get()));
        at = 0;
        return !buf.empty();
      }
    };
    std::vector<Reader> readers(runs_);
    std::vector<std::pair<std::uint64_t, std::size_t>> heap;  // (head, run), min-heap
    for (std::size_t r = 0; r < runs_; ++r) {
      readers[r].file = OpenFile(folder_.Path("pairs", r), "rb");
      readers[r].at = readers[r].buf.size();  // empty: Next() fills
      if (readers[r].Next()) heap.emplace_back(readers[r].buf[0], r);
    }
    auto later = [](const auto& a, const auto& b) { return a > b; };
    std::make_heap(heap.begin(), heap.end(), later);
    std::uint64_t current = 0;
    std::size_t times = 0;
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), later);
      const auto [pair, r] = heap.back();
      heap.pop_back();
      if (times > 0 && pair != current) {
        on_pair(current, times);
        times = 0;
      }
      current = pair;
      ++times;
      if (readers[r].Next()) {
        heap.emplace_back(readers[r].buf[readers[r].at], r);
        std::push_heap(heap.begin(), heap.end(), later);
      }
    }
    if (times > 0) on_pair(current, times);
  }

 private:
  const TempFolder& folder_;
  std::size_t runs_ = 0;
};

// How many shards the shingle index needs to hold at most opt.index_shard_entries entries at once (from
// the shingles each document can have: one per token past the first shingle_size − 1).
std::size_t IndexShards(const RankedDocs& docs, const std::vector<std::uint32_t>& token_counts,
                        const ReuseOptions& opt) {
  std::size_t bound = 0;
  const auto width = static_cast<std::size_t>(opt.shingle_size);
  for (std::size_t rank = 0; rank < token_counts.size(); ++rank) {
    const auto r32 = static_cast<std::uint32_t>(rank);
    const std::size_t t = token_counts[rank];
    if ((docs.IsSource(r32) || docs.IsTarget(r32)) && t > 0) bound += t >= width ? t - width + 1 : 1;
  }
  const std::size_t per_shard = std::max<std::size_t>(opt.index_shard_entries, 1);
  return std::max<std::size_t>(1, (bound + per_shard - 1) / per_shard);
}

// The index entries of every document, from the shingle sets the signing pass spilled, appended to their
// shard's file (shard: the shingle hash split by SplitMix64) through per-thread buffers. Sets `sampled` of
// every document.
void SpillIndexEntries(const RankedDocs& docs, const ReuseOptions& opt, const SpilledSets& sets,
                       std::vector<std::uint8_t>& sampled, SpillFiles<IndexEntry>& shard_files, std::size_t shards) {
  constexpr std::size_t kBuffer = 4096;  // entries per shard and thread before an append
  struct Scratch {
    std::vector<IndexEntry> entries;
    std::vector<std::vector<IndexEntry>> buffers;
  };
  tbb::enumerable_thread_specific<Scratch> scratch([&] {
    return Scratch{{}, std::vector<std::vector<IndexEntry>>(shards)};
  });
  tbb::parallel_for(std::size_t{0}, sets.files(), [&](std::size_t file) {
    Scratch& s = scratch.local();
    sets.ForEach(file, [&](std::uint32_t rank, std::span<const std::uint64_t> set) {
      s.entries.clear();
      IndexEntriesOf(docs, set, rank, opt, s.entries, sampled[rank]);
      for (const IndexEntry& e : s.entries) {
        const std::size_t shard = shards == 1 ? 0 : SplitMix64(e.hash) % shards;
        s.buffers[shard].push_back(e);
        if (s.buffers[shard].size() == kBuffer) {
          shard_files.Append(shard, s.buffers[shard]);
          s.buffers[shard].clear();
        }
      }
    });
  });
  for (Scratch& s : scratch)
    for (std::size_t shard = 0; shard < shards; ++shard) shard_files.Append(shard, s.buffers[shard]);
}

// 3. Shingle index for containment: sources index every shingle, targets query all (short) or a sample.
//    Adds the pairs it keeps to `pairs` and returns their number; shingles of more than specific_df
//    documents go to `common` (sorted) for the short-passage rule. The entries go to shard files in one
//    pass; each shard is then read, sorted by (hash, rank) and turned into document pairs.
std::size_t AddIndexCandidates(const RankedDocs& docs, const std::vector<std::uint32_t>& token_counts,
                               const ReuseOptions& opt, const TempFolder& folder, const SpilledSets& sets,
                               std::vector<std::uint64_t>& pairs, std::vector<std::uint64_t>& common) {
  const std::size_t n = docs.size();
  std::vector<std::uint8_t> sampled(n, 0);
  const std::size_t shards = IndexShards(docs, token_counts, opt);
  SpillFiles<IndexEntry> shard_files(folder, "index", shards);
  SpillIndexEntries(docs, opt, sets, sampled, shard_files, shards);
  std::vector<std::uint64_t> index_pairs;  // one per shared shingle
  std::optional<SpilledPairRuns> spilled;
  if (shards > 1) spilled.emplace(folder);
  for (std::size_t shard = 0; shard < shards; ++shard) {
    std::vector<IndexEntry> entries = shard_files.Take(shard);
    tbb::parallel_sort(entries.begin(), entries.end());
    SharedShinglePairs(entries, opt, index_pairs, common);
    if (spilled) {
      std::vector<IndexEntry>().swap(entries);
      tbb::parallel_sort(index_pairs.begin(), index_pairs.end());
      spilled->Write(index_pairs);
      std::vector<std::uint64_t>().swap(index_pairs);
    }
  }
  std::sort(common.begin(), common.end());  // each shard's are in hash order
  auto sampled_target = [&](std::uint32_t t) { return sampled[t] != 0; };
  if (!spilled) {
    tbb::parallel_sort(index_pairs.begin(), index_pairs.end());
    return KeepSharedPairs(index_pairs, sampled_target, opt, pairs);
  }
  std::size_t kept = 0;
  spilled->Merge([&](std::uint64_t pair, std::size_t times) {
    if (KeepsSharedPair(pair, times, sampled_target, opt)) {
      pairs.push_back(pair);
      ++kept;
    }
  });
  return kept;
}

// 4. Verification blocks: consecutive candidates (grouped by target) with at most verify_block pairs and
//    distinct sources of at most verify_source_tokens tokens (a single larger source has a block of its
//    own). Returns each block's end.
std::vector<std::size_t> VerifyBlockEnds(const std::vector<std::uint64_t>& pairs,
                                         const std::vector<std::uint32_t>& token_counts, const ReuseOptions& opt) {
  const std::size_t max_pairs = std::max<std::size_t>(opt.verify_block, 1);
  std::vector<std::uint32_t> block_of(token_counts.size(), UINT32_MAX);  // the last block a source is in
  std::vector<std::size_t> ends;
  std::size_t tokens = 0, begin = 0;
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const auto source = static_cast<std::uint32_t>(pairs[k] >> 32);
    const bool full = k - begin == max_pairs;
    if (block_of[source] == ends.size() && !full) continue;  // held already
    if (full || (k > begin && tokens + token_counts[source] > opt.verify_source_tokens)) {
      ends.push_back(k);
      begin = k;
      tokens = 0;
    }
    if (block_of[source] != ends.size()) tokens += token_counts[source];
    block_of[source] = static_cast<std::uint32_t>(ends.size());
  }
  if (begin < pairs.size()) ends.push_back(pairs.size());
  return ends;
}

// The tokens of one verification block's sources, by rank: those the next block needs too are kept, the
// others dropped, the missing ones tokenised (in parallel) — each source is tokenised once per run of
// consecutive blocks that need it, not once per pair.
class SourceTokens {
 public:
  explicit SourceTokens(const RankedDocs& docs) : docs_(docs), slot_of_(docs.size(), kNone) {}

  /// Holds exactly `sources` (sorted, distinct ranks).
  void Hold(const std::vector<std::uint32_t>& sources) {
    std::vector<std::uint32_t> dropped, missing;
    std::set_difference(held_.begin(), held_.end(), sources.begin(), sources.end(), std::back_inserter(dropped));
    std::set_difference(sources.begin(), sources.end(), held_.begin(), held_.end(), std::back_inserter(missing));
    for (std::uint32_t rank : dropped) {
      std::vector<std::uint64_t>().swap(tokens_[slot_of_[rank]]);
      free_.push_back(slot_of_[rank]);
      slot_of_[rank] = kNone;
    }
    for (std::uint32_t rank : missing) {
      if (free_.empty()) {
        free_.push_back(static_cast<std::uint32_t>(tokens_.size()));
        tokens_.emplace_back();
      }
      slot_of_[rank] = free_.back();
      free_.pop_back();
    }
    tbb::parallel_for(std::size_t{0}, missing.size(), [&](std::size_t k) {
      Scratch& s = scratch_.local();
      DocTokens(docs_, missing[k], s.text, s.tokens);
      tokens_[slot_of_[missing[k]]].assign(s.tokens.begin(), s.tokens.end());  // no spare capacity
    });
    held_ = sources;
  }

  const std::vector<std::uint64_t>& Of(std::uint32_t rank) const { return tokens_[slot_of_[rank]]; }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Scratch {
    std::vector<std::uint64_t> tokens;
    std::string text;
  };
  const RankedDocs& docs_;
  std::vector<std::uint32_t> slot_of_;  // rank → index in tokens_
  std::vector<std::vector<std::uint64_t>> tokens_;
  std::vector<std::uint32_t> free_, held_;
  tbb::enumerable_thread_specific<Scratch> scratch_;
};

// 4. Verification: each candidate pair aligned; the pairs that pass, in candidate order. Texts are
//    re-tokenised: a block's sources once (SourceTokens), a target once for its run of pairs on a thread.
std::vector<Verified> VerifyCandidates(const RankedDocs& docs, const std::vector<std::uint64_t>& pairs,
                                       const std::vector<std::uint32_t>& token_counts, const ReuseOptions& opt,
                                       const std::vector<std::uint64_t>& common) {
  struct Scratch {
    std::uint32_t target = UINT32_MAX;
    std::vector<std::uint64_t> target_tokens;
    Shingled source, target_shingled;
    std::string text;
    std::vector<std::pair<std::size_t, ReuseFlow>> passed;  // (candidate, flow)
  };
  tbb::enumerable_thread_specific<Scratch> scratch;
  SourceTokens sources(docs);
  std::vector<Verified> verified;
  std::vector<std::pair<std::size_t, ReuseFlow>> passed;
  std::size_t lo = 0;
  for (const std::size_t hi : VerifyBlockEnds(pairs, token_counts, opt)) {
    std::vector<std::uint32_t> block_sources;
    for (std::size_t k = lo; k < hi; ++k) block_sources.push_back(static_cast<std::uint32_t>(pairs[k] >> 32));
    std::sort(block_sources.begin(), block_sources.end());
    block_sources.erase(std::unique(block_sources.begin(), block_sources.end()), block_sources.end());
    sources.Hold(block_sources);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(lo, hi, 64), [&](const auto& r) {
      Scratch& s = scratch.local();
      for (std::size_t k = r.begin(); k != r.end(); ++k) {
        const auto source = static_cast<std::uint32_t>(pairs[k] >> 32);
        const auto target = static_cast<std::uint32_t>(pairs[k] & 0xFFFFFFFFu);
        if (s.target != target) {
          DocTokens(docs, target, s.text, s.target_tokens);
          s.target_shingled.Of(s.target_tokens, opt.shingle_size);
          s.target = target;
        }
        const std::vector<std::uint64_t>& source_tokens = sources.Of(source);
        s.source.Of(source_tokens, opt.shingle_size);
        if (auto flow = VerifyPair(source_tokens, s.source, s.target_tokens, s.target_shingled, opt, common))
          s.passed.emplace_back(k, *flow);
      }
    });
    passed.clear();
    for (Scratch& s : scratch) {
      passed.insert(passed.end(), s.passed.begin(), s.passed.end());
      s.passed.clear();
    }
    std::sort(passed.begin(), passed.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (const auto& [k, flow] : passed) {
      Verified v{flow, static_cast<std::uint32_t>(pairs[k] >> 32), static_cast<std::uint32_t>(pairs[k] & 0xFFFFFFFFu)};
      v.flow.source = v.source_rank;
      v.flow.target = v.target_rank;
      verified.push_back(v);
    }
    lo = hi;
  }
  return verified;
}

// ReuseDocs in rank order: (time, key) ascending, texts decoded by `decode` when set.
class SpanDocs final : public RankedDocs {
 public:
  SpanDocs(std::span<const ReuseDoc> docs, const ReuseTextDecoder& decode)
      : docs_(docs), decode_(decode), by_rank_(RankOrder(docs)) {}

  std::size_t size() const override { return docs_.size(); }
  bool IsSource(std::uint32_t rank) const override { return Doc(rank).is_source; }
  bool IsTarget(std::uint32_t rank) const override { return Doc(rank).is_target; }
  bool IsPress(std::uint32_t rank) const override { return Doc(rank).is_press; }
  std::string_view Text(std::uint32_t rank, std::string& buffer) const override {
    return decode_ ? decode_(Doc(rank).text, buffer) : Doc(rank).text;
  }

  /// The index in the span of the document of `rank`, and the reverse.
  std::uint32_t IndexOf(std::uint32_t rank) const { return by_rank_[rank]; }
  std::vector<std::uint32_t> Ranks() const {
    std::vector<std::uint32_t> rank_of(by_rank_.size());
    for (std::uint32_t r = 0; r < by_rank_.size(); ++r) rank_of[by_rank_[r]] = r;
    return rank_of;
  }

 private:
  const ReuseDoc& Doc(std::uint32_t rank) const { return docs_[by_rank_[rank]]; }

  std::span<const ReuseDoc> docs_;
  const ReuseTextDecoder& decode_;
  std::vector<std::uint32_t> by_rank_;
};

// The checks every run starts with, and its result with the corpus's size and LSH shape (`lsh`) set.
ReuseResult StartRun(const RankedDocs& docs, const ReuseOptions& opt, LshParams& lsh) {
  if (docs.size() >= UINT32_MAX) throw Error(ErrorKind::kInvalidArgument, "too many documents for the reuse engine");
  if (opt.shingle_size < 1) throw Error(ErrorKind::kInvalidArgument, "shingle size must be at least 1");
  ReuseResult result;
  result.stats.docs = docs.size();
  lsh = ChooseLshParams(opt.lsh_threshold, opt.num_perm);
  result.stats.bands = lsh.bands;
  result.stats.rows = lsh.rows;
  return result;
}

// The distributed engine (ReuseOptions::comm): FindReuseRanked's stages, out of core as there, with each
// rank preparing a contiguous range of document ranks; the buckets of LSH and of the shingle index are
// owned by hash and the candidate pairs by the rank of their later document. A rank holds one band's
// entries (its share), one index shard's entries (its share) and its own candidate pairs at a time, never
// its documents' tokens: its memory does not grow with the corpus beyond the pairs and the per-document
// counts, as one process's does not.
ReuseResult FindReuseDistributed(const RankedDocs& docs, const ReuseOptions& opt,
                                 const std::function<void(std::string_view, std::size_t, std::size_t)>& progress) {
  const dist::Comm& comm = *opt.comm;
  LshParams lsh;
  ReuseResult result = StartRun(docs, opt, lsh);
  ReuseStats& stats = result.stats;
  auto report = [&](std::string_view stage, std::size_t done, std::size_t total) {
    if (progress && comm.root()) progress(stage, done, total);
  };
  const std::size_t n = docs.size();
  const auto p = static_cast<std::size_t>(comm.size());
  std::vector<std::size_t> bounds(p + 1);
  for (std::size_t q = 0; q <= p; ++q) bounds[q] = dist::BlockBegin(n, comm.size(), static_cast<int>(q));
  const std::size_t lo = bounds[static_cast<std::size_t>(comm.rank())],
                    hi = bounds[static_cast<std::size_t>(comm.rank()) + 1];
  auto owner_of_rank = [&](std::uint32_t r) {
    return static_cast<std::size_t>(std::upper_bound(bounds.begin(), bounds.end(), r) - bounds.begin()) - 1;
  };
  auto to_owner_of_target = [&](const std::vector<std::uint64_t>& pairs) {
    std::vector<std::vector<std::uint64_t>> send(p);
    for (std::uint64_t pr : pairs) send[owner_of_rank(static_cast<std::uint32_t>(pr & 0xFFFFFFFFu))].push_back(pr);
    std::vector<std::uint64_t> mine;
    for (auto& v : comm.Alltoall(send)) mine.insert(mine.end(), v.begin(), v.end());
    return mine;
  };
  struct BandEntry {
    std::uint64_t key;
    std::uint32_t rank, pad;
  };

  const TempFolder folder("reuse");  // this rank's band keys, shingle sets, index shards, pair runs
  std::vector<Verified> verified;
  std::vector<std::uint64_t> common;             // shingles of more than specific_df documents, sorted
  std::uint64_t counts[6] = {0, 0, 0, 0, 0, 0};  // tokens, invalid, lsh, index, candidates, verified
  tbb::task_arena arena(ThreadCountOrDefault(opt.threads));
  arena.execute([&] {
    // 1. Tokens, signatures, band keys and shingle sets of this rank's documents; every rank's token counts.
    auto t0 = Clock::now();
    report("tokenise and sign", 0, n);
    SpillFiles<std::uint64_t> band_files(folder, "band", static_cast<std::size_t>(lsh.bands));
    SpilledSets sets(folder, static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()));
    ReuseStats mine;
    std::vector<std::uint32_t> token_counts = PrepareDocs(docs, opt, lsh, band_files, sets, mine, lo, hi);
    counts[0] = mine.tokens;
    counts[1] = mine.invalid_utf8_docs;
    token_counts = comm.Allgather(std::span<const std::uint32_t>(token_counts).subspan(lo, hi - lo));
    stats.seconds_prepare = Since(t0);

    // 2. LSH, one band at a time: the band's entries on the owners of their keys; pairs to the owner of the
    //    later document, sorted and unique after every band.
    t0 = Clock::now();
    auto owner_of_key = [&](std::uint64_t h) { return static_cast<std::size_t>(SplitMix64(h) % p); };
    std::vector<std::uint64_t> pairs;
    std::vector<std::uint64_t> keys(hi - lo);
    for (int band = 0; band < lsh.bands; ++band) {
      {
        const File f = band_files.Read(static_cast<std::size_t>(band));
        if (std::fread(keys.data(), sizeof(std::uint64_t), keys.size(), f.get()) != keys.size())
          throw Error(ErrorKind::kData, "reuse: a band's spilled keys are truncated");
      }
      band_files.Remove(static_cast<std::size_t>(band));
      std::vector<std::vector<BandEntry>> send(p);
      for (std::size_t rank = lo; rank < hi; ++rank)
        if (token_counts[rank] > 0)
          send[owner_of_key(keys[rank - lo])].push_back({keys[rank - lo], static_cast<std::uint32_t>(rank), 0});
      std::vector<std::pair<std::uint64_t, std::uint32_t>> entries;
      for (const auto& v : comm.Alltoall(send))
        for (const BandEntry& e : v) entries.emplace_back(e.key, e.rank);
      send.clear();
      tbb::parallel_sort(entries.begin(), entries.end());
      std::vector<std::uint64_t> bucket_pairs;
      BucketPairs(entries, docs, bucket_pairs);
      std::vector<std::pair<std::uint64_t, std::uint32_t>>().swap(entries);
      std::vector<std::uint64_t> got = to_owner_of_target(bucket_pairs);
      tbb::parallel_sort(got.begin(), got.end());
      const std::size_t before = pairs.size();
      pairs.insert(pairs.end(), got.begin(), got.end());
      MergeSortedPairs(pairs, before);
    }
    std::vector<std::uint64_t>().swap(keys);
    counts[2] = pairs.size();
    report("LSH candidates", pairs.size(), pairs.size());

    // 3. Shingle index, one shard at a time (the shards of one process, from every rank's token counts):
    //    the shard's entries on the owners of their hashes (the hash's quotient by the shards, so that a
    //    shard spreads over every owner); one pair per shared shingle to the owner of the target, written
    //    sorted as a run; the runs merged and counted.
    std::vector<std::uint8_t> sampled(n, 0);
    const std::size_t shards = IndexShards(docs, token_counts, opt);
    auto owner_of_hash = [&](std::uint64_t h) { return static_cast<std::size_t>((SplitMix64(h) / shards) % p); };
    {
      SpillFiles<IndexEntry> shard_files(folder, "index", shards);
      SpillIndexEntries(docs, opt, sets, sampled, shard_files, shards);
      SpilledPairRuns runs(folder);
      std::vector<std::uint64_t> common_here;
      for (std::size_t shard = 0; shard < shards; ++shard) {
        std::vector<std::vector<IndexEntry>> send(p);
        for (const IndexEntry& e : shard_files.Take(shard)) send[owner_of_hash(e.hash)].push_back(e);
        std::vector<IndexEntry> entries;
        for (const auto& v : comm.Alltoall(send)) entries.insert(entries.end(), v.begin(), v.end());
        send.clear();
        tbb::parallel_sort(entries.begin(), entries.end());
        std::vector<std::uint64_t> index_pairs;
        SharedShinglePairs(entries, opt, index_pairs, common_here);
        std::vector<IndexEntry>().swap(entries);
        index_pairs = to_owner_of_target(index_pairs);
        tbb::parallel_sort(index_pairs.begin(), index_pairs.end());
        runs.Write(index_pairs);
      }
      common = comm.Allgather(std::span<const std::uint64_t>(common_here));  // every owner's common shingles
      std::sort(common.begin(), common.end());
      runs.Merge([&](std::uint64_t pair, std::size_t times) {
        if (KeepsSharedPair(
                pair, times, [&](std::uint32_t t) { return sampled[t] != 0; }, opt)) {
          pairs.push_back(pair);
          ++counts[3];
        }
      });
    }
    SortByTarget(pairs);
    counts[4] = pairs.size();
    stats.seconds_candidates = Since(t0);
    report("candidates", pairs.size(), pairs.size());

    // 4. Verification of this rank's targets, in blocks, as one process verifies (earlier documents of
    //    other ranks re-tokenised here).
    t0 = Clock::now();
    verified = VerifyCandidates(docs, pairs, token_counts, opt, common);
    counts[5] = verified.size();
    stats.seconds_verify = Since(t0);
  });

  // 5. Attribution of this rank's targets; every rank gets all the flows.
  const std::vector<Verified> kept_here = AttributeAll(std::move(verified), opt.all_pairs);
  std::vector<Verified> kept = comm.Allgather(std::span<const Verified>(kept_here));
  SortFlows(kept);
  for (const Verified& v : kept) result.flows.push_back(v.flow);
  std::size_t* totals[6] = {&stats.tokens,           &stats.invalid_utf8_docs, &stats.lsh_candidates,
                            &stats.index_candidates, &stats.candidates,        &stats.verified};
  for (int k = 0; k < 6; ++k) *totals[k] = static_cast<std::size_t>(comm.AllSum(static_cast<std::int64_t>(counts[k])));
  stats.aligned = stats.candidates;
  stats.flows = result.flows.size();
  report("verified", stats.verified, stats.candidates);
  return result;
}

}  // namespace

ReuseResult FindReuseRanked(const RankedDocs& docs, const ReuseOptions& opt,
                            const std::function<void(std::string_view, std::size_t, std::size_t)>& progress) {
  if (opt.comm != nullptr && !opt.comm->serial()) return FindReuseDistributed(docs, opt, progress);
  LshParams lsh;
  ReuseResult result = StartRun(docs, opt, lsh);
  ReuseStats& stats = result.stats;
  auto report = [&](std::string_view stage, std::size_t done, std::size_t total) {
    if (progress) progress(stage, done, total);
  };

  const std::size_t n = docs.size();
  const TempFolder folder("reuse");  // band keys, index shards, shard pairs
  tbb::task_arena arena(ThreadCountOrDefault(opt.threads));
  std::vector<Verified> verified;
  std::vector<std::uint64_t> common;  // shingles of more than specific_df documents, sorted
  arena.execute([&] {
    auto t0 = Clock::now();
    report("tokenise and sign", 0, n);
    SpillFiles<std::uint64_t> band_files(folder, "band", static_cast<std::size_t>(lsh.bands));
    SpilledSets sets(folder, static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()));
    const std::vector<std::uint32_t> token_counts = PrepareDocs(docs, opt, lsh, band_files, sets, stats);
    stats.seconds_prepare = Since(t0);
    report("tokenise and sign", n, n);

    t0 = Clock::now();
    std::vector<std::uint64_t> pairs = LshCandidates(docs, token_counts, band_files, lsh);
    stats.lsh_candidates = pairs.size();
    report("LSH candidates", pairs.size(), pairs.size());
    stats.index_candidates = AddIndexCandidates(docs, token_counts, opt, folder, sets, pairs, common);
    SortByTarget(pairs);
    stats.candidates = pairs.size();
    stats.seconds_candidates = Since(t0);
    report("candidates", pairs.size(), pairs.size());

    t0 = Clock::now();
    verified = VerifyCandidates(docs, pairs, token_counts, opt, common);
    stats.aligned = pairs.size();
    stats.verified = verified.size();
    stats.seconds_verify = Since(t0);
    report("verified", verified.size(), pairs.size());
  });

  // 5. Attribution, per target (verified is ordered by target rank).
  std::vector<Verified> kept = AttributeAll(std::move(verified), opt.all_pairs);
  SortFlows(kept);
  for (const Verified& v : kept) result.flows.push_back(v.flow);
  stats.flows = result.flows.size();
  return result;
}

ReuseResult FindReuse(std::span<const ReuseDoc> docs, const ReuseOptions& opt,
                      const std::function<void(std::string_view, std::size_t, std::size_t)>& progress) {
  if (docs.size() >= UINT32_MAX) throw Error(ErrorKind::kInvalidArgument, "too many documents for the reuse engine");
  const SpanDocs ranked(docs, opt.decode_text);
  ReuseResult result = FindReuseRanked(ranked, opt, progress);
  for (ReuseFlow& f : result.flows) {
    f.source = ranked.IndexOf(f.source);
    f.target = ranked.IndexOf(f.target);
  }
  return result;
}

std::vector<SyndicationGroup> FindSyndicationGroupsRanked(const RankedDocs& docs, std::span<const ReuseFlow> flows,
                                                          std::size_t min_members, int threads) {
  std::vector<ReuseFlow> press(flows.begin(), flows.end());
  std::erase_if(press, [&](const ReuseFlow& f) { return !docs.IsPress(f.target); });
  std::sort(press.begin(), press.end(), [&](const ReuseFlow& x, const ReuseFlow& y) {
    return x.source != y.source ? x.source < y.source : x.target < y.target;
  });
  std::vector<SyndicationGroup> groups;
  for (std::size_t lo = 0; lo < press.size();) {
    std::size_t hi = lo + 1;
    while (hi < press.size() && press[hi].source == press[lo].source) ++hi;
    if (hi - lo >= min_members) {
      SyndicationGroup g;
      g.source = press[lo].source;
      for (std::size_t k = lo; k < hi; ++k) {
        if (!g.members.empty() && g.members.back().doc == press[k].target) continue;
        g.members.push_back({press[k].target, 0, press[k].score});
      }
      if (g.members.size() >= min_members) groups.push_back(std::move(g));
    }
    lo = hi;
  }
  tbb::task_arena arena(ThreadCountOrDefault(threads));
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, groups.size(), [&](std::size_t gi) {
      std::vector<std::uint64_t> src, dst;
      std::string buffer;
      DocTokens(docs, groups[gi].source, buffer, src);
      for (SyndicationMember& m : groups[gi].members) {
        DocTokens(docs, m.doc, buffer, dst);
        m.edit_distance = TokenEditDistance(src, dst);
      }
    });
  });
  return groups;
}

std::vector<SyndicationGroup> FindSyndicationGroups(std::span<const ReuseDoc> docs, std::span<const ReuseFlow> flows,
                                                    std::size_t min_members, int threads,
                                                    const ReuseTextDecoder& decode) {
  const SpanDocs ranked(docs, decode);
  const std::vector<std::uint32_t> rank_of = ranked.Ranks();
  std::vector<ReuseFlow> by_rank(flows.begin(), flows.end());
  for (ReuseFlow& f : by_rank) {
    f.source = rank_of[f.source];
    f.target = rank_of[f.target];
  }
  std::vector<SyndicationGroup> groups = FindSyndicationGroupsRanked(ranked, by_rank, min_members, threads);
  for (SyndicationGroup& g : groups) {
    g.source = ranked.IndexOf(g.source);
    for (SyndicationMember& m : g.members) m.doc = ranked.IndexOf(m.doc);
  }
  return groups;
}

ExplainedPair ExplainReuse(std::string_view source_text, std::string_view target_text, const ReuseOptions& opt) {
  ExplainedPair out;
  ReuseTokens(source_text, out.source_tokens);
  ReuseTokens(target_text, out.target_tokens);
  std::vector<std::uint64_t> a, b;
  for (const auto& t : out.source_tokens) a.push_back(TokenHash(t));
  for (const auto& t : out.target_tokens) b.push_back(TokenHash(t));
  const auto sa = ShingleSet(a, opt.shingle_size), sb = ShingleSet(b, opt.shingle_size);
  out.containment = Containment(sa, sb);
  out.alignment = AlignLocal(a, b, opt.align);
  return out;
}

}  // namespace relais::text
