// Edge-list reader: blocks of the file are split at line ends, tokenised in parallel (TBB), then
// labels are numbered serially in file order so ids are first-seen and deterministic.
#include "relais/graph/io/edge_list.hpp"

#include <tbb/parallel_for.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
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

// Parses whole lines in [data, data+size) into el; `first_line` is the 1-based number of its first line.
void ParseBlock(const char* data, std::size_t size, std::uint64_t first_line, const std::string& name, EdgeList& el,
                EdgeListBuilder& builder) {
  std::vector<std::pair<std::size_t, std::size_t>> chunks;
  for (std::size_t b = 0; b < size;) {
    std::size_t e = std::min(size, b + kChunkBytes);
    if (e < size) {
      const void* nl = std::memchr(data + e, '\n', size - e);
      e = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1 : size;
    }
    chunks.emplace_back(b, e);
    b = e;
  }
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

// Reads a stream in blocks; the block size is below 4 GiB so token offsets fit in 32 bits.
// `size_hint` (bytes, 0 = unknown) lets the edge arrays be reserved once after the first block, so
// they never double while full (which would briefly hold 3x their size).
template <typename ReadFn>
EdgeList ReadBlocks(ReadFn read, const std::string& name, std::uint64_t size_hint = 0, std::uint64_t first_line = 1) {
  EdgeList el;
  EdgeListBuilder builder(el);
  std::vector<char> buf(kBlockBytes);
  std::size_t have = 0;
  std::uint64_t line = first_line, consumed = 0;
  bool eof = false;
  while (!eof) {
    if (have == buf.size()) buf.resize(buf.size() * 2);  // one line longer than a block
    std::size_t got = read(buf.data() + have, buf.size() - have);
    eof = got == 0;
    have += got;
    std::size_t whole = have;
    if (!eof) {
      const char* last_nl = nullptr;
      for (std::size_t k = have; k > 0; --k) {
        if (buf[k - 1] == '\n') {
          last_nl = buf.data() + k - 1;
          break;
        }
      }
      if (!last_nl) continue;
      whole = static_cast<std::size_t>(last_nl - buf.data()) + 1;
    }
    if (whole == 0) continue;
    std::uint64_t before = el.lines;
    ParseBlock(buf.data(), whole, line, name, el, builder);
    line += el.lines - before;
    if (size_hint && consumed == 0 && !el.src.empty()) {
      const auto expect = static_cast<std::size_t>(static_cast<double>(el.src.size()) * 1.02 *
                                                   static_cast<double>(size_hint) / static_cast<double>(whole));
      el.src.reserve(expect);
      el.dst.reserve(expect);
      if (!el.weights.empty()) el.weights.reserve(expect);
    }
    consumed += whole;
    std::memmove(buf.data(), buf.data() + whole, have - whole);
    have -= whole;
  }
  return el;
}

}  // namespace

EdgeList ParseEdgeList(std::string_view text, const std::string& name, std::uint64_t first_line) {
  std::size_t pos = 0;
  return ReadBlocks(
      [&](char* out, std::size_t cap) {
        std::size_t n = std::min(cap, text.size() - pos);
        std::memcpy(out, text.data() + pos, n);
        pos += n;
        return n;
      },
      name, 0, first_line);
}

EdgeList ReadEdgeList(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!f) throw Error(ErrorKind::kIo, "cannot open edge list " + name + ": " + std::strerror(errno));
  unsigned char magic[2] = {0, 0};
  std::size_t nmagic = std::fread(magic, 1, 2, f.get());
  if (nmagic == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    f.reset();
    gzFile gz = gzopen(name.c_str(), "rb");
    if (!gz) throw Error(ErrorKind::kIo, "cannot open gzip edge list " + name);
    std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(gz, &gzclose);
    gzbuffer(gz, 1 << 20);
    return ReadBlocks(
        [&](char* out, std::size_t cap) -> std::size_t {
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
        },
        name);
  }
  std::rewind(f.get());
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  return ReadBlocks(
      [&](char* out, std::size_t cap) -> std::size_t {
        std::size_t got = std::fread(out, 1, cap, f.get());
        if (got == 0 && std::ferror(f.get())) throw Error(ErrorKind::kIo, "cannot read " + name);
        return got;
      },
      name, ec ? 0 : size);
}

}  // namespace relais::graph
