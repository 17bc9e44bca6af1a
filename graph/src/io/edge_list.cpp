// Edge-list reader. Two paths with the same result:
//  * the integer fast path (every label a decimal integer below 2^32, without leading zeros, and no
//    malformed line): blocks of the file are split at line ends and parsed in parallel straight into
//    the edge arrays as raw labels; labels are then numbered in first-seen order in parallel (the
//    smallest position of each label by atomic min, the first occurrences counted per range, a prefix
//    sum) and the arrays renumbered in place;
//  * the general path (string labels, 64-bit labels, any malformed line, which it reports with
//    file:line:column): blocks are tokenised in parallel and labels numbered serially in file order.
// The fast path gives up at the first line it does not accept and the general path reads the input
// again, so ids, labels, weights and counts never depend on which path ran.
#include "relais/graph/io/edge_list.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <tbb/parallel_for.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <unordered_map>

#include "relais/base/error.hpp"

namespace relais::graph {
namespace {

constexpr std::size_t kBlockBytes = std::size_t{8} << 20;  // parse records of a block: ~7x its size
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
constexpr std::uint64_t kDirectLimit = std::uint64_t{1} << 24;  // integer labels below: direct table

struct Token {
  std::uint64_t value = 0;  // when is_int
  std::uint32_t off = 0;    // in the block
  std::uint32_t len = 0;
  bool is_int = false;
};

struct Rec {
  Token a, b;
  float weight = 1;
  bool has_weight = false;
};

struct ChunkOut {
  std::vector<Rec> recs;
  std::uint64_t lines = 0, comments = 0;
  // First error: line index within the chunk (0-based), column (1-based), message.
  bool failed = false;
  std::uint64_t err_line = 0;
  std::uint32_t err_col = 0;
  std::string err;
};

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

Token MakeToken(const char* base, const char* b, const char* e) {
  Token t;
  t.off = static_cast<std::uint32_t>(b - base);
  t.len = static_cast<std::uint32_t>(e - b);
  if (e - b > 20 || (e - b > 1 && *b == '0')) return t;
  std::uint64_t v = 0;
  for (const char* p = b; p != e; ++p) {
    if (*p < '0' || *p > '9') return t;
  }
  auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || ptr != e) return t;
  t.value = v;
  t.is_int = true;
  return t;
}

// Tokenises [b, e) which holds whole lines; `base` is the block start.
void ParseChunk(const char* base, const char* b, const char* e, ChunkOut& out) {
  out.recs.reserve(static_cast<std::size_t>(e - b) / 12 + 16);
  const char* p = b;
  while (p < e) {
    const char* line = p;
    const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(e - p)));
    if (!eol) eol = e;
    p = eol + 1;
    ++out.lines;
    const char* q = line;
    const char* toks[3][2];
    int ntok = 0;
    while (q < eol && ntok < 3) {
      while (q < eol && IsSpace(*q)) ++q;
      if (q == eol || *q == '#') break;
      const char* s = q;
      while (q < eol && !IsSpace(*q)) ++q;
      toks[ntok][0] = s;
      toks[ntok][1] = q;
      ++ntok;
    }
    if (ntok == 0) {
      ++out.comments;
      continue;
    }
    auto fail = [&](const char* at, std::string msg) {
      out.failed = true;
      out.err_line = out.lines - 1;
      out.err_col = static_cast<std::uint32_t>(at - line) + 1;
      out.err = std::move(msg);
    };
    if (ntok == 1) {
      fail(eol, "expected two node labels (source and target), found one");
      return;
    }
    Rec r;
    r.a = MakeToken(base, toks[0][0], toks[0][1]);
    r.b = MakeToken(base, toks[1][0], toks[1][1]);
    if (ntok == 3) {
      double w = 0;
      auto [ptr, ec] = std::from_chars(toks[2][0], toks[2][1], w);
      if (ec != std::errc() || ptr != toks[2][1] || !std::isfinite(w) || w < 0) {
        fail(toks[2][0],
             "weight column has \"" + std::string(toks[2][0], toks[2][1]) + "\", expected a non-negative number");
        return;
      }
      r.weight = static_cast<float>(w);
      r.has_weight = true;
    }
    out.recs.push_back(r);
  }
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

// Numbers labels in first-seen order; switches from integer to string labels when needed.
class EdgeListBuilder {
 public:
  explicit EdgeListBuilder(EdgeList& el) : el_(el) {}

  /// Integer labels of dense ids 0..n-1, as the fast path numbered them.
  static void SetIntegerLabels(NodeLabels& labels, std::vector<std::uint64_t> ints) {
    labels.integer_ = true;
    labels.ints_ = std::move(ints);
    labels.strings_.clear();
  }

  void Add(const char* base, const Rec& r) {
    NodeId a = Map(base, r.a);
    NodeId b = Map(base, r.b);
    if (r.has_weight && !weighted_) {
      weighted_ = true;
      el_.weights.assign(el_.src.size(), 1.0f);  // earlier lines had no weight column
    }
    el_.src.push_back(a);
    el_.dst.push_back(b);
    if (weighted_) el_.weights.push_back(r.weight);
  }

 private:
  NodeId Next() {
    if (el_.labels.size() >= kNoNode) throw Error(ErrorKind::kInvalidArgument, "more than 2^32-1 nodes");
    return static_cast<NodeId>(el_.labels.size());
  }

  NodeId Map(const char* base, const Token& t) {
    NodeLabels& L = el_.labels;
    if (L.integer_ && !t.is_int) ToStrings();
    if (!L.integer_) {
      std::string_view s(base + t.off, t.len);
      auto it = by_string_.find(s);
      if (it != by_string_.end()) return it->second;
      NodeId id = Next();
      L.strings_.emplace_back(s);
      by_string_.emplace(std::string(s), id);
      return id;
    }
    if (t.value < kDirectLimit) {
      if (t.value >= direct_.size())
        direct_.resize(std::max<std::size_t>(static_cast<std::size_t>(t.value) + 1, direct_.size() * 2), kNoNode);
      NodeId& slot = direct_[t.value];
      if (slot == kNoNode) {
        slot = Next();
        L.ints_.push_back(t.value);
      }
      return slot;
    }
    auto [it, inserted] = by_int_.try_emplace(t.value, 0);
    if (inserted) {
      it->second = Next();
      L.ints_.push_back(t.value);
    }
    return it->second;
  }

  void ToStrings() {
    NodeLabels& L = el_.labels;
    L.integer_ = false;
    L.strings_.reserve(L.ints_.size());
    for (std::size_t i = 0; i < L.ints_.size(); ++i) {
      L.strings_.push_back(std::to_string(L.ints_[i]));
      by_string_.emplace(L.strings_.back(), static_cast<NodeId>(i));
    }
    std::vector<std::uint64_t>().swap(L.ints_);
    std::vector<NodeId>().swap(direct_);
    by_int_.clear();
  }

  EdgeList& el_;
  bool weighted_ = false;
  std::vector<NodeId> direct_;
  std::unordered_map<std::uint64_t, NodeId> by_int_;
  std::unordered_map<std::string, NodeId, StringHash, std::equal_to<>> by_string_;
};

namespace {

using Span = std::pair<std::size_t, std::size_t>;  // [begin, end) offsets

// Splits [0, size) into spans of about `bytes`, each ending after a '\n' (the last one at size).
std::vector<Span> SplitAtLineEnds(const char* data, std::size_t size, std::size_t bytes) {
  std::vector<Span> spans;
  for (std::size_t b = 0; b < size;) {
    std::size_t e = std::min(size, b + bytes);
    if (e < size) {
      const void* nl = std::memchr(data + e - 1, '\n', size - e + 1);
      e = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1 : size;
    }
    spans.emplace_back(b, e);
    b = e;
  }
  return spans;
}

// Parses whole lines in [data, data+size) into el; `first_line` is the 1-based number of its first line.
void ParseBlock(const char* data, std::size_t size, std::uint64_t first_line, const std::string& name, EdgeList& el,
                EdgeListBuilder& builder) {
  const std::vector<Span> chunks = SplitAtLineEnds(data, size, kChunkBytes);
  std::vector<ChunkOut> outs(chunks.size());
  tbb::parallel_for(std::size_t{0}, chunks.size(),
                    [&](std::size_t c) { ParseChunk(data, data + chunks[c].first, data + chunks[c].second, outs[c]); });
  std::uint64_t line = first_line;
  for (ChunkOut& out : outs) {
    if (out.failed) throw Error(ErrorKind::kParse, InputPos{name, line + out.err_line, out.err_col}, out.err);
    for (const Rec& r : out.recs) builder.Add(data, r);
    line += out.lines;
    el.lines += out.lines;
    el.comments += out.comments;
    std::vector<Rec>().swap(out.recs);
  }
}

// ---- Inputs as blocks of whole lines ----
// A block source calls on_block(data, size) on successive blocks of about `block_bytes` holding whole
// lines (the last line of the input need not end with '\n') and returns false as soon as on_block does.

// Text in memory: blocks are views, nothing is copied.
template <typename OnBlock>
bool ForEachSlice(std::string_view text, std::size_t block_bytes, OnBlock on_block) {
  for (const Span& s : SplitAtLineEnds(text.data(), text.size(), block_bytes)) {
    if (!on_block(text.data() + s.first, s.second - s.first)) return false;
  }
  return true;
}

// A stream read into a buffer (a file, gzip): a block grows to hold a line longer than it.
template <typename ReadFn, typename OnBlock>
bool ForEachStreamBlock(ReadFn read, std::size_t block_bytes, OnBlock on_block) {
  std::size_t cap = block_bytes;
  auto buf = std::make_unique_for_overwrite<char[]>(cap);
  std::size_t have = 0;
  bool eof = false;
  while (!eof) {
    if (have == cap) {  // one line longer than a block
      auto bigger = std::make_unique_for_overwrite<char[]>(cap * 2);
      std::memcpy(bigger.get(), buf.get(), have);
      buf = std::move(bigger);
      cap *= 2;
    }
    std::size_t got = read(buf.get() + have, cap - have);
    eof = got == 0;
    have += got;
    std::size_t whole = have;
    if (!eof) {
      const char* last_nl = static_cast<const char*>(memrchr(buf.get(), '\n', have));
      if (!last_nl) continue;
      whole = static_cast<std::size_t>(last_nl - buf.get()) + 1;
    }
    if (whole == 0) continue;
    if (!on_block(static_cast<const char*>(buf.get()), whole)) return false;
    std::memmove(buf.get(), buf.get() + whole, have - whole);
    have -= whole;
  }
  return true;
}

// Reserves edge arrays once, from the first block's edges per byte and the input's size, so they never
// double while full (which would briefly hold 3x their size). `size_hint` 0 = unknown: nothing reserved.
template <typename... Vectors>
void ReserveFromFirstBlock(std::uint64_t size_hint, std::size_t block_bytes, Vectors&... arrays) {
  const std::size_t edges = std::get<0>(std::tie(arrays...)).size();
  if (!size_hint || edges == 0 || block_bytes == 0) return;
  const auto expect = static_cast<std::size_t>(static_cast<double>(edges) * 1.02 * static_cast<double>(size_hint) /
                                               static_cast<double>(block_bytes));
  (arrays.reserve(expect), ...);
}

// The general path over a block source.
template <typename Blocks>
EdgeList ReadGeneral(Blocks for_each_block, const std::string& name, std::uint64_t size_hint,
                     std::uint64_t first_line) {
  EdgeList el;
  EdgeListBuilder builder(el);
  std::uint64_t line = first_line;
  bool reserved = false;
  for_each_block(kBlockBytes, [&](const char* data, std::size_t whole) {
    std::uint64_t before = el.lines;
    ParseBlock(data, whole, line, name, el, builder);
    line += el.lines - before;
    if (!reserved && !el.src.empty()) {
      if (el.weights.empty())
        ReserveFromFirstBlock(size_hint, whole, el.src, el.dst);
      else
        ReserveFromFirstBlock(size_hint, whole, el.src, el.dst, el.weights);
      reserved = true;
    }
    return true;
  });
  return el;
}

// ---- The integer fast path ----

constexpr std::size_t kFastBlockBytes = std::size_t{4} << 20;  // small enough to stay in cache between the two passes
constexpr std::size_t kFastChunkBytes = std::size_t{512} << 10;
constexpr std::size_t kFastRangeEdges = std::size_t{1} << 16;  // edges per task when numbering

// What parsing one chunk of whole lines gave; its edges went straight into the edge arrays.
struct RawChunk {
  std::vector<float> weights;  // filled only once the chunk has seen a weight column
  std::size_t edges = 0;
  std::uint64_t lines = 0, comments = 0;
  std::uint32_t max_label = 0;
  bool ok = true;
};

// Parses a label at p: decimal digits, no leading zero, below 2^32, followed by a space, a line end
// or the end. False for anything else (the general path decides what it is).
inline bool ParseU32(const char*& p, const char* e, std::uint32_t& out) {
  const char* s = p;
  std::uint64_t v = 0;
  while (p < e && static_cast<unsigned char>(*p - '0') < 10) {
    v = v * 10 + static_cast<unsigned>(*p - '0');
    if (v > 0xFFFFFFFFu) return false;
    ++p;
  }
  if (p == s || (p - s > 1 && *s == '0')) return false;
  if (p < e && *p != '\n' && !IsSpace(*p)) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

inline const char* SkipSpaces(const char* p, const char* e) {
  while (p < e && IsSpace(*p)) ++p;
  return p;
}

inline const char* LineEnd(const char* p, const char* e) {
  const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(e - p));
  return nl ? static_cast<const char*>(nl) : e;
}

// Parses [b, e), whole lines, as the general path's ParseChunk would, writing raw labels to src/dst
// (room for one edge per line); ok = false at the first line the fast path does not take (a string
// or 64-bit label, a missing target, a bad weight).
void ParseIntegerChunk(const char* b, const char* e, std::uint32_t* src, std::uint32_t* dst, RawChunk& out) {
  std::uint32_t max_label = 0;
  std::size_t n = 0;
  const char* p = b;
  while (p < e) {
    ++out.lines;
    p = SkipSpaces(p, e);
    if (p == e || *p == '\n' || *p == '#') {
      ++out.comments;
      p = LineEnd(p, e) + 1;
      continue;
    }
    std::uint32_t a = 0, c = 0;
    if (!ParseU32(p, e, a)) return void(out.ok = false);
    p = SkipSpaces(p, e);
    if (p == e || *p == '\n' || *p == '#') return void(out.ok = false);  // one label: the general path reports it
    if (!ParseU32(p, e, c)) return void(out.ok = false);
    p = SkipSpaces(p, e);
    if (p < e && *p != '\n' && *p != '#') {
      const char* w0 = p;
      while (p < e && *p != '\n' && !IsSpace(*p)) ++p;
      double w = 0;
      auto [ptr, ec] = std::from_chars(w0, p, w);
      if (ec != std::errc() || ptr != p || !std::isfinite(w) || w < 0) return void(out.ok = false);
      if (out.weights.empty()) out.weights.assign(n, 1.0f);
      out.weights.push_back(static_cast<float>(w));
    } else if (!out.weights.empty()) {
      out.weights.push_back(1.0f);
    }
    src[n] = a;
    dst[n] = c;
    ++n;
    max_label = std::max({max_label, a, c});
    if (p < e && *p != '\n') p = LineEnd(p, e);
    ++p;
  }
  out.edges = n;
  out.max_label = max_label;
}

// Raw labels of the whole input, block after block.
struct RawEdges {
  std::vector<std::uint32_t> src, dst;
  std::vector<float> weights;  // empty until some line has a weight
  std::uint64_t lines = 0, comments = 0;
  std::uint32_t max_label = 0;
};

// Reserves room for n elements and asks for transparent huge pages on it: the arrays are written once
// from end to end, and 4 KiB page faults were a quarter of the reading time.
template <typename T>
void ReserveLarge(std::vector<T>& v, std::size_t n) {
  v.reserve(n);
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto b = (reinterpret_cast<std::uintptr_t>(v.data()) + kHuge - 1) & ~(kHuge - 1);
  const auto e = (reinterpret_cast<std::uintptr_t>(v.data() + n)) & ~(kHuge - 1);
  if (e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);  // advice only: failure is harmless
}

// Lines in [b, e) (the last one may lack its '\n').
// Counts '\n' eight bytes at a time (a byte of x is zero iff it was '\n'; the high bit of each byte of t
// is set iff that byte of x is not zero), as std::count was a quarter of the reading time.
std::size_t CountLines(const char* b, const char* e) {
  constexpr std::uint64_t kOnes7 = 0x7F7F7F7F7F7F7F7FULL, kNewlines = 0x0A0A0A0A0A0A0A0AULL;
  std::size_t n = 0;
  const char* p = b;
  for (; e - p >= 8; p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t x = w ^ kNewlines;
    const std::uint64_t t = (((x & kOnes7) + kOnes7) | x) & ~kOnes7;
    n += 8 - static_cast<std::size_t>(((t >> 7) * 0x0101010101010101ULL) >> 56);  // bytes of t with the bit
  }
  for (; p < e; ++p) n += *p == '\n';
  return n + (b < e && e[-1] != '\n' ? 1 : 0);
}

// Parses one block's chunks in parallel, each straight into the edge arrays at its first line's
// place, then closes the gaps left by comment lines; false when a chunk gave up.
// `size_hint` (bytes of the whole input, 0 = unknown) sizes the arrays once from the first block's lines
// per byte.
bool AppendIntegerBlock(const char* data, std::size_t size, std::uint64_t size_hint, RawEdges& raw) {
  const std::vector<Span> chunks = SplitAtLineEnds(data, size, kFastChunkBytes);
  std::vector<std::size_t> at(chunks.size() + 1, raw.src.size());
  tbb::parallel_for(std::size_t{0}, chunks.size(),
                    [&](std::size_t c) { at[c + 1] = CountLines(data + chunks[c].first, data + chunks[c].second); });
  for (std::size_t c = 0; c < chunks.size(); ++c) at[c + 1] += at[c];
  if (raw.src.capacity() < at.back()) {
    const double per_byte = static_cast<double>(at.back() - at[0]) / static_cast<double>(size);
    const auto expect = std::max(at.back(), static_cast<std::size_t>(per_byte * 1.02 * static_cast<double>(size_hint)));
    ReserveLarge(raw.src, expect);
    ReserveLarge(raw.dst, expect);
  }
  raw.src.resize(at.back());
  raw.dst.resize(at.back());
  std::vector<RawChunk> outs(chunks.size());
  tbb::parallel_for(std::size_t{0}, chunks.size(), [&](std::size_t c) {
    ParseIntegerChunk(data + chunks[c].first, data + chunks[c].second, raw.src.data() + at[c], raw.dst.data() + at[c],
                      outs[c]);
  });
  std::size_t end = at[0];
  bool weighted = !raw.weights.empty();
  for (std::size_t c = 0; c < outs.size(); ++c) {
    const RawChunk& o = outs[c];
    if (!o.ok) return false;
    if (end != at[c]) {
      std::memmove(raw.src.data() + end, raw.src.data() + at[c], o.edges * sizeof(std::uint32_t));
      std::memmove(raw.dst.data() + end, raw.dst.data() + at[c], o.edges * sizeof(std::uint32_t));
    }
    if (!o.weights.empty()) {
      if (!weighted) raw.weights.assign(end, 1.0f);
      weighted = true;
      raw.weights.insert(raw.weights.end(), o.weights.begin(), o.weights.end());
    } else if (weighted) {
      raw.weights.resize(raw.weights.size() + o.edges, 1.0f);
    }
    end += o.edges;
    raw.lines += o.lines;
    raw.comments += o.comments;
    raw.max_label = std::max(raw.max_label, o.max_label);
  }
  raw.src.resize(end);
  raw.dst.resize(end);
  return true;
}

// Numbers raw labels in first-seen order (position 2i for the source of edge i, 2i + 1 for its target)
// and rewrites the arrays as dense ids, all in parallel; the same ids as the serial numbering. The
// label table has max_label + 1 slots, so it is used only when that stays small beside the edges.
std::optional<EdgeList> NumberFirstSeen(RawEdges raw) {
  const std::size_t m = raw.src.size();
  const std::size_t slots = static_cast<std::size_t>(raw.max_label) + 1;
  if (m >= (std::size_t{1} << 31) - 1) return std::nullopt;  // positions must fit in 32 bits
  if (m > 0 && slots > std::max<std::size_t>(std::size_t{1} << 22, 8 * m)) return std::nullopt;
  constexpr std::uint32_t kUnseen = 0xFFFFFFFFu;
  std::vector<std::uint32_t> first(m > 0 ? slots : 0, kUnseen);
  auto lower = [&](std::uint32_t label, std::uint32_t pos) {
    std::atomic_ref<std::uint32_t> slot(first[label]);
    std::uint32_t cur = slot.load(std::memory_order_relaxed);
    while (pos < cur && !slot.compare_exchange_weak(cur, pos, std::memory_order_relaxed)) {
    }
  };
  const std::size_t nranges = (m + kFastRangeEdges - 1) / kFastRangeEdges;
  auto range_of = [&](std::size_t r) { return std::pair{r * kFastRangeEdges, std::min(m, (r + 1) * kFastRangeEdges)}; };
  tbb::parallel_for(std::size_t{0}, nranges, [&](std::size_t r) {
    auto [b, e] = range_of(r);
    for (std::size_t i = b; i < e; ++i) {
      lower(raw.src[i], static_cast<std::uint32_t>(2 * i));
      lower(raw.dst[i], static_cast<std::uint32_t>(2 * i + 1));
    }
  });
  // The labels first seen in each range, in order; their ids follow the ranges' order.
  std::vector<std::vector<std::uint32_t>> firsts(nranges);
  tbb::parallel_for(std::size_t{0}, nranges, [&](std::size_t r) {
    auto [b, e] = range_of(r);
    for (std::size_t i = b; i < e; ++i) {
      if (first[raw.src[i]] == 2 * i) firsts[r].push_back(raw.src[i]);
      if (first[raw.dst[i]] == 2 * i + 1) firsts[r].push_back(raw.dst[i]);
    }
  });
  std::vector<std::size_t> id_at(nranges + 1, 0);
  for (std::size_t r = 0; r < nranges; ++r) id_at[r + 1] = id_at[r] + firsts[r].size();
  std::vector<std::uint64_t> ints(id_at.back());
  tbb::parallel_for(std::size_t{0}, nranges, [&](std::size_t r) {
    for (std::size_t k = 0; k < firsts[r].size(); ++k) {
      const std::uint32_t label = firsts[r][k];
      ints[id_at[r] + k] = label;
      first[label] = static_cast<std::uint32_t>(id_at[r] + k);  // now the label's id; each label is written once
    }
  });
  tbb::parallel_for(std::size_t{0}, nranges, [&](std::size_t r) {
    auto [b, e] = range_of(r);
    for (std::size_t i = b; i < e; ++i) {
      raw.src[i] = first[raw.src[i]];
      raw.dst[i] = first[raw.dst[i]];
    }
  });
  static_assert(std::is_same_v<NodeId, std::uint32_t>);
  EdgeList el;
  el.src = std::move(raw.src);
  el.dst = std::move(raw.dst);
  el.weights = std::move(raw.weights);
  el.lines = raw.lines;
  el.comments = raw.comments;
  EdgeListBuilder::SetIntegerLabels(el.labels, std::move(ints));
  return el;
}

// The fast path over a block source; nullopt when the input is not for it.
template <typename Blocks>
std::optional<EdgeList> TryReadIntegers(Blocks for_each_block, std::uint64_t size_hint) {
  RawEdges raw;
  const bool taken = for_each_block(kFastBlockBytes, [&](const char* data, std::size_t whole) {
    return AppendIntegerBlock(data, whole, size_hint, raw);
  });
  if (!taken) return std::nullopt;
  return NumberFirstSeen(std::move(raw));
}

// The fast path, then the general one over the input again when the fast path gives up.
// for_each_block(block_bytes, on_block) runs over the whole input each time it is called.
template <typename Blocks>
EdgeList ReadEitherPath(Blocks for_each_block, const std::string& name, std::uint64_t size_hint,
                        std::uint64_t first_line) {
  if (auto el = TryReadIntegers(for_each_block, size_hint)) return *std::move(el);
  return ReadGeneral(for_each_block, name, size_hint, first_line);
}

}  // namespace

EdgeList ParseEdgeList(std::string_view text, const std::string& name, std::uint64_t first_line) {
  auto blocks = [text](std::size_t block_bytes, auto on_block) { return ForEachSlice(text, block_bytes, on_block); };
  return ReadEitherPath(blocks, name, text.size(), first_line);
}

namespace {

EdgeList ReadGzipEdgeList(const std::string& name) {
  gzFile gz = gzopen(name.c_str(), "rb");
  if (!gz) throw Error(ErrorKind::kIo, "cannot open gzip edge list " + name);
  std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(gz, &gzclose);
  gzbuffer(gz, 1 << 20);
  auto read = [&](char* out, std::size_t cap) -> std::size_t {
    std::size_t total = 0;
    while (total < cap) {
      unsigned ask = static_cast<unsigned>(std::min<std::size_t>(cap - total, 1u << 30));
      int got = gzread(gz, out + total, ask);
      if (got < 0) {
        int errnum = 0;
        const char* msg = gzerror(gz, &errnum);
        throw Error(ErrorKind::kIo, "cannot decompress " + name + ": " + (msg ? msg : "gzip error"));
      }
      if (got == 0) break;
      total += static_cast<std::size_t>(got);
    }
    return total;
  };
  auto blocks = [&](std::size_t block_bytes, auto on_block) {
    if (gzrewind(gz) != 0) throw Error(ErrorKind::kIo, "cannot rewind " + name);
    return ForEachStreamBlock(read, block_bytes, on_block);
  };
  return ReadEitherPath(blocks, name, 0, 1);
}

}  // namespace

EdgeList ReadEdgeList(const std::filesystem::path& path) {
  const std::string name = path.string();
  const int fd = open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorKind::kIo, "cannot open edge list " + name + ": " + std::strerror(errno));
  std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* f) {
    close(*f);
    delete f;
  });
  struct stat st {};
  if (fstat(fd, &st) != 0) throw Error(ErrorKind::kIo, "cannot read " + name + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw Error(ErrorKind::kIo, "cannot read edge list " + name + ": not a regular file");
  unsigned char magic[2] = {0, 0};
  if (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) return ReadGzipEdgeList(name);
  // Read into a reused block buffer: the copy leaves the block in cache for the passes over it, and
  // no page tables are built and torn down for the file.
  std::uint64_t offset = 0;
  auto read = [&](char* out, std::size_t cap) -> std::size_t {
    const ssize_t got = pread(fd, out, cap, static_cast<off_t>(offset));
    if (got < 0) throw Error(ErrorKind::kIo, "cannot read " + name + ": " + std::strerror(errno));
    offset += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
  };
  auto blocks = [&](std::size_t block_bytes, auto on_block) {
    offset = 0;
    return ForEachStreamBlock(read, block_bytes, on_block);
  };
  return ReadEitherPath(blocks, name, static_cast<std::uint64_t>(st.st_size), 1);
}

}  // namespace relais::graph
