// Text reuse ("churnalism") between documents: which later text took passages from which earlier one.
//
//   std::vector<relais::text::ReuseDoc> docs = ...;   // key, time, text, may be source/target
//   relais::text::ReuseResult r = relais::text::FindReuse(docs, {});
//   for (const auto& f : r.flows) ...                 // docs[f.source] -> docs[f.target], spans in tokens
//
// Pipeline (each stage TBB-parallel inside a task_arena of `threads`; output order is deterministic):
//  1. tokens: ReuseTokenHashes (case-folded, accents kept, apostrophes unified); spans are token offsets
//     into this sequence, which is `relais text tokenize` of the text;
//  2. shingles of n tokens (default 5); MinHash, k = 128 permutations; LSH banding with (b, r) chosen for
//     the similarity threshold (ChooseLshParams) finds near-duplicates, including texts copied so widely
//     that their shingles are too common for step 3;
//  3. containment candidates (short in long, a tweet quoting one sentence of an article): an inverted
//     index of the shingles of every source document; each target queries its shingles (long targets a
//     content-defined 1/4 sample: hash mod 4 = 0, the same shingles in every document), posting lists
//     longer than max_df are skipped (boilerplate), and pairs sharing ≥ min_shared shingles (2 sampled
//     ones for a long target) are candidates
//     (passim's approach; Smith et al. 2015). Whole-document signatures cannot see a 15-token quote in an
//     800-token article (Jaccard ≈ 0.02), the index can;
//  4. verification: containment |A∩B| / min(|A|,|B|) of the shingle sets ≥ min_containment (or enough
//     shared rare shingles), then the local alignment (Smith–Waterman–Gotoh, passim's scores), seeded by
//     the shared shingles and banded; the passage must be long, cover much of the shorter text, or be a
//     specific (rare-shingled) passage of sentence length (ReuseOptions::short_match);
//  5. direction by time (earlier → later; equal times: smaller key first), channel filters, and source
//     attribution: per target, the source with the highest alignment score for each distinct passage (the
//     one explaining most of it), preferring the earliest among sources within 2% of that score (the origin
//     of a copy chain, not a copy of it).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "relais/dist/comm.hpp"
#include "relais/text/align.hpp"

namespace relais::text {

struct ReuseDoc {
  std::string_view key;  ///< stable name; breaks time ties
  std::int64_t time = 0;
  std::string_view text;
  bool is_source = true;  ///< may be the earlier side of a flow
  bool is_target = true;  ///< may be the later side
  bool is_press = false;  ///< member of syndication groups
};

/// The text of a stored ReuseDoc::text (e.g. decompressed into `buffer`); called from any thread.
using ReuseTextDecoder = std::function<std::string_view(std::string_view stored, std::string& buffer)>;

struct ReuseOptions {
  int shingle_size = 5;
  int num_perm = 128;
  double lsh_threshold = 0.5;    ///< Jaccard similarity the LSH banding is tuned for
  std::size_t max_df = 100;      ///< containment index: skip shingles in more source docs than this
  std::size_t min_shared = 3;    ///< containment index: shared (sampled) shingles to become a candidate
  std::size_t long_doc = 64;     ///< targets with more shingles than this query a 1/4 sample
  double min_containment = 0.1;  ///< shingle-set containment to attempt the alignment (or enough shared
                                 ///< rare shingles for a specific passage: a short passage of two long texts)
  std::size_t min_aligned = 8;   ///< matched tokens in the alignment
  /// A passage is reuse when it is long (≥ long_match matched tokens), covers ≥ min_coverage of the
  /// shorter text, or is a specific sentence-length passage: ≥ short_match matched tokens of which at least
  /// min_specific of the shared shingles (and ≥ short_match + 1 − 2·shingle_size of them, the shingles of such
  /// a passage with one edit) are rare, found in ≤ specific_df of the
  /// documents read. One stock sentence ("L'opposition dénonce un projet trop coûteux.") or a formula of
  /// news French ("a-t-il déclaré lors d'une conférence de presse à", ≤ 11 tokens on real press text)
  /// shared by two long articles is boilerplate; two pasted sentences of a press release, or one sentence
  /// quoted in a tweet, are reuse. See docs/text.md ("Short passages").
  std::size_t long_match = 40;
  double min_coverage = 0.3;
  std::size_t short_match = 15;
  std::size_t specific_df = 4;
  double min_specific = 0.5;
  double min_score = 0.5;  ///< alignment score / (2 · aligned length): 1 for a verbatim copy
  bool all_pairs = false;  ///< keep every verified pair instead of attributing sources
  int threads = 0;         ///< 0: all cores
  /// Memory bound of one process's run (the flows do not depend on these). Tokens are not held: each
  /// text is re-tokenised where needed (signing, verification); the signing pass spills each text's shingle
  /// set to a temporary file, read back by the index pass. Documents are signed in
  /// blocks of sign_block, each band's LSH keys appended to a temporary file (in $TMPDIR) and bucketed one
  /// band at a time. The shingle index's entries (16 bytes each) go, in one pass, to shard files (shingle
  /// hashes split by hash) of at most index_shard_entries entries, each shard then read, sorted and turned
  /// into document pairs (8 bytes per shingle two documents share), which with more than one shard are
  /// written, sorted, to a temporary file and counted by merging the files. 2^22 entries: 64 MiB.
  /// Candidates are verified in blocks of at most verify_block pairs whose distinct sources have at most
  /// verify_source_tokens tokens (8 bytes each: 2^23 tokens, 64 MiB): a block's sources are tokenised once
  /// and held for it, those the next block needs kept for it.
  std::size_t sign_block = std::size_t{1} << 16;
  std::size_t index_shard_entries = std::size_t{1} << 22;
  std::size_t verify_block = std::size_t{1} << 20;
  std::size_t verify_source_tokens = std::size_t{1} << 23;
  /// When set, ReuseDoc::text is a stored form (a compressed text) and the engine tokenises
  /// decode_text(text, buffer) instead; texts are decoded each time they are tokenised.
  ReuseTextDecoder decode_text;
  std::uint64_t seed = 1;
  AlignParams align;
  /// Distributed run (mpirun; every rank passes the same documents and options): each rank tokenises
  /// and signs a contiguous range of the documents in time order, spilling as one process does; one LSH
  /// band at a time, then one shingle-index shard at a time, the entries go to the rank owning their
  /// bucket (by hash); candidate pairs go to the rank owning the later document, which verifies and
  /// attributes them in blocks (re-tokenising earlier documents of other ranks). The memory bounds above
  /// hold per rank. Every rank returns the flows, the same as one process. nullptr = this process alone.
  const dist::Comm* comm = nullptr;
};

struct TokenSpan {
  std::uint32_t begin = 0, end = 0;
};

struct ReuseFlow {
  std::uint32_t source = 0;  ///< index in docs (earlier)
  std::uint32_t target = 0;  ///< later
  double score = 0.0;        ///< alignment score / (match · max aligned span length), in [0, 1]
  double alignment_score = 0.0;
  double containment = 0.0;  ///< of the shingle sets
  std::uint32_t matches = 0;
  TokenSpan source_span, target_span;
};

struct SyndicationMember {
  std::uint32_t doc = 0;
  std::size_t edit_distance = 0;  ///< token-level Levenshtein distance to the source
  double score = 0.0;
};

struct SyndicationGroup {
  std::uint32_t source = 0;
  std::vector<SyndicationMember> members;  ///< press items attributed to the source, by time then key
};

struct ReuseStats {
  std::size_t docs = 0, tokens = 0, invalid_utf8_docs = 0;
  std::size_t lsh_candidates = 0, index_candidates = 0, candidates = 0, aligned = 0, verified = 0, flows = 0;
  int bands = 0, rows = 0;
  double seconds_prepare = 0, seconds_candidates = 0, seconds_verify = 0;
};

struct ReuseResult {
  std::vector<ReuseFlow> flows;  ///< sorted by (target time, target key, source time, source key, span)
  ReuseStats stats;
};

/// progress(stage, done, total) is called from the calling thread between stages.
ReuseResult FindReuse(std::span<const ReuseDoc> docs, const ReuseOptions& options,
                      const std::function<void(std::string_view, std::size_t, std::size_t)>& progress = {});

/// The documents as the engine reads them, in rank order: ascending (time, key), rank 0 the earliest (equal
/// times and keys: any fixed order). The text of a rank is fetched each time it is tokenised, from any
/// thread, so a corpus larger than memory can stay on disk (`relais reuse --store` reads its texts back from
/// a temporary file). FindReuse on ReuseDocs is FindReuseRanked on them sorted into this order.
class RankedDocs {
 public:
  virtual ~RankedDocs() = default;
  virtual std::size_t size() const = 0;
  virtual bool IsSource(std::uint32_t rank) const = 0;  ///< ReuseDoc::is_source of that rank
  virtual bool IsTarget(std::uint32_t rank) const = 0;
  virtual bool IsPress(std::uint32_t rank) const = 0;
  /// The text of `rank`, in `buffer` or a view that outlives the call. Thread-safe.
  virtual std::string_view Text(std::uint32_t rank, std::string& buffer) const = 0;
};

/// FindReuse on ranked documents: the flows' source and target are ranks (options.decode_text is not used:
/// RankedDocs::Text gives the text).
ReuseResult FindReuseRanked(const RankedDocs& docs, const ReuseOptions& options,
                            const std::function<void(std::string_view, std::size_t, std::size_t)>& progress = {});

/// Syndication groups: for each source with at least min_members press targets among `flows`, the group
/// with each member's token edit distance to the source (docs are re-tokenised, decoded by `decode` if set).
std::vector<SyndicationGroup> FindSyndicationGroups(std::span<const ReuseDoc> docs, std::span<const ReuseFlow> flows,
                                                    std::size_t min_members = 2, int threads = 0,
                                                    const ReuseTextDecoder& decode = {});
/// The same on ranked documents and flows between ranks (FindReuseRanked's).
std::vector<SyndicationGroup> FindSyndicationGroupsRanked(const RankedDocs& docs, std::span<const ReuseFlow> flows,
                                                          std::size_t min_members = 2, int threads = 0);

/// Aligns two texts as the engine does (for --explain): tokens of each and the alignment.
struct ExplainedPair {
  std::vector<std::string> source_tokens, target_tokens;
  Alignment alignment;
  double containment = 0.0;
};
ExplainedPair ExplainReuse(std::string_view source_text, std::string_view target_text, const ReuseOptions& options);

}  // namespace relais::text
