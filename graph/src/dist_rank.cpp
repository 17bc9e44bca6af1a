// Distributed rankings on a node-partitioned CSR (see dist_rank.hpp for the design).
#include "relais/graph/dist_rank.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"
#include "relais/graph/hits.hpp"
#include "relais/graph/io/edge_list.hpp"
#include "relais/graph/pagerank.hpp"

namespace relais::graph {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// ---- 1. This rank's lines of the file -------------------------------------------------------------

// Reads [begin, end) of the byte source; `read(offset, buf, len)` returns the bytes read.
template <typename Read>
std::uint64_t LineStart(Read&& read, std::uint64_t size, std::uint64_t nominal) {
  if (nominal == 0) return 0;
  if (nominal >= size) return size;
  // The first line starting at or after `nominal`: just after the first '\n' at or after nominal − 1.
  std::vector<char> buf(1 << 16);
  for (std::uint64_t at = nominal - 1; at < size;) {
    const std::size_t got = read(at, buf.data(), buf.size());
    if (got == 0) break;
    if (const void* nl = std::memchr(buf.data(), '\n', got))
      return at + static_cast<std::uint64_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    at += got;
  }
  return size;
}

struct Slice {
  std::string text;
  std::uint64_t begin = 0;  // byte offset in the (decompressed) file
};

template <typename Read>
Slice CutSlice(Read&& read, std::uint64_t size, const dist::Comm& comm) {
  const auto nominal = [&](int r) { return static_cast<std::uint64_t>(dist::BlockBegin(size, comm.size(), r)); };
  Slice s;
  s.begin = LineStart(read, size, nominal(comm.rank()));
  const std::uint64_t end = comm.rank() + 1 == comm.size() ? size : LineStart(read, size, nominal(comm.rank() + 1));
  if (end > s.begin) {
    s.text.resize(end - s.begin);
    std::size_t have = 0;
    while (have < s.text.size()) {
      const std::size_t got = read(s.begin + have, s.text.data() + have, s.text.size() - have);
      if (got == 0) throw Error(ErrorKind::kIo, "unexpected end of file");
      have += got;
    }
  }
  return s;
}

Slice ReadSlice(const std::filesystem::path& path, const dist::Comm& comm) {
  const std::string name = path.string();
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!f) throw Error(ErrorKind::kIo, "cannot open edge list " + name + ": " + std::strerror(errno));
  unsigned char magic[2] = {0, 0};
  const bool gz = std::fread(magic, 1, 2, f.get()) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (gz) {
    // No byte ranges in a gzip stream: every rank decompresses the whole text and cuts its part.
    f.reset();
    std::unique_ptr<gzFile_s, int (*)(gzFile)> z(gzopen(name.c_str(), "rb"), &gzclose);
    if (!z) throw Error(ErrorKind::kIo, "cannot open gzip edge list " + name);
    std::string all;
    std::vector<char> buf(1 << 20);
    for (;;) {
      const int got = gzread(z.get(), buf.data(), static_cast<unsigned>(buf.size()));
      if (got < 0) throw Error(ErrorKind::kIo, "cannot decompress " + name);
      if (got == 0) break;
      all.append(buf.data(), static_cast<std::size_t>(got));
    }
    auto read = [&](std::uint64_t at, char* out, std::size_t len) -> std::size_t {
      if (at >= all.size()) return 0;
      const std::size_t n = std::min<std::size_t>(len, all.size() - at);
      std::memcpy(out, all.data() + at, n);
      return n;
    };
    return CutSlice(read, all.size(), comm);
  }
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot read the size of " + name + ": " + ec.message());
  auto read = [&](std::uint64_t at, char* out, std::size_t len) -> std::size_t {
    if (std::fseek(f.get(), static_cast<long>(at), SEEK_SET) != 0)
      throw Error(ErrorKind::kIo, "cannot seek in " + name);
    const std::size_t got = std::fread(out, 1, len, f.get());
    if (got == 0 && std::ferror(f.get())) throw Error(ErrorKind::kIo, "cannot read " + name);
    return got;
  };
  return CutSlice(read, size, comm);
}

// ---- 2. Global ids ---------------------------------------------------------------------------------

// Integer labels are canonical decimals (no leading zero), so numeric order is (length, text).
bool LabelLess(const std::string& a, const std::string& b, bool integer) {
  if (integer && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

void PutString(std::vector<std::byte>& out, std::string_view s) {
  const auto len = static_cast<std::uint32_t>(s.size());
  const auto* p = reinterpret_cast<const std::byte*>(&len);
  out.insert(out.end(), p, p + sizeof(len));
  const auto* c = reinterpret_cast<const std::byte*>(s.data());
  out.insert(out.end(), c, c + s.size());
}

std::vector<std::string> GetStrings(const std::vector<std::byte>& in) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at + sizeof(std::uint32_t) <= in.size();) {
    std::uint32_t len = 0;
    std::memcpy(&len, in.data() + at, sizeof(len));
    at += sizeof(len);
    out.emplace_back(reinterpret_cast<const char*>(in.data() + at), len);
    at += len;
  }
  return out;
}

struct Partition {
  std::vector<NodeId> offsets;      // rank r owns [offsets[r], offsets[r+1])
  std::vector<std::string> labels;  // of the owned nodes, in id order
  std::vector<NodeId> global_of;    // local label id (this rank's parse) -> global id
  bool integer = true;
  int Owner(NodeId v) const {
    return static_cast<int>(std::upper_bound(offsets.begin(), offsets.end(), v) - offsets.begin()) - 1;
  }
  NodeId first() const { return offsets[static_cast<std::size_t>(me)]; }
  NodeId count() const { return offsets[static_cast<std::size_t>(me) + 1] - first(); }
  int me = 0;
};

Partition AssignIds(const EdgeList& el, const dist::Comm& comm) {
  const auto p = static_cast<std::size_t>(comm.size());
  Partition part;
  part.me = comm.rank();
  part.integer = comm.AllMax(el.labels.integer() ? 0 : 1) == 0;
  std::vector<std::vector<std::byte>> send(p);
  std::vector<std::vector<NodeId>> sent_local(p);
  for (NodeId v = 0; v < el.num_nodes(); ++v) {
    const std::string s = el.labels.Label(v);
    const auto q = static_cast<std::size_t>(Hash64(s) % p);
    PutString(send[q], s);
    sent_local[q].push_back(v);
  }
  const auto got = comm.AlltoallBytes(send);
  std::vector<std::vector<std::string>> asked(p);
  for (std::size_t q = 0; q < p; ++q) {
    asked[q] = GetStrings(got[q]);
    part.labels.insert(part.labels.end(), asked[q].begin(), asked[q].end());
  }
  const bool integer = part.integer;
  auto less = [integer](const std::string& a, const std::string& b) { return LabelLess(a, b, integer); };
  std::sort(part.labels.begin(), part.labels.end(), less);
  part.labels.erase(std::unique(part.labels.begin(), part.labels.end()), part.labels.end());
  const auto counts = comm.Allgather(static_cast<std::uint64_t>(part.labels.size()));
  std::uint64_t total = 0;
  part.offsets.push_back(0);
  for (std::uint64_t c : counts) {
    total += c;
    if (total >= kNoNode) throw Error(ErrorKind::kInvalidArgument, "more than 2^32-1 nodes");
    part.offsets.push_back(static_cast<NodeId>(total));
  }
  std::vector<std::vector<NodeId>> reply(p);
  for (std::size_t q = 0; q < p; ++q)
    for (const std::string& s : asked[q]) {
      const auto it = std::lower_bound(part.labels.begin(), part.labels.end(), s, less);
      reply[q].push_back(part.first() + static_cast<NodeId>(it - part.labels.begin()));
    }
  const auto ids = comm.Alltoall(reply);
  part.global_of.assign(el.num_nodes(), kNoNode);
  for (std::size_t q = 0; q < p; ++q)
    for (std::size_t k = 0; k < sent_local[q].size(); ++k) part.global_of[sent_local[q][k]] = ids[q][k];
  return part;
}

// ---- 3. Rows and halo ------------------------------------------------------------------------------

struct Arc {
  NodeId key;    // the owned endpoint (global id)
  NodeId other;  // the other endpoint (global id)
  Weight w;
};

// Rows of the owned nodes; columns are first global ids, then indices into the halo's `ext`.
struct Rows {
  std::vector<EdgeOffset> off;
  std::vector<NodeId> col;
  std::vector<Weight> w;
  std::size_t size(std::size_t i) const { return static_cast<std::size_t>(off[i + 1] - off[i]); }
};

Rows BuildRows(std::vector<Arc> arcs, const Partition& part) {
  std::sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) {
    if (a.key != b.key) return a.key < b.key;
    if (a.other != b.other) return a.other < b.other;
    return a.w < b.w;
  });
  Rows r;
  r.off.assign(static_cast<std::size_t>(part.count()) + 1, 0);
  r.col.reserve(arcs.size());
  r.w.reserve(arcs.size());
  for (const Arc& a : arcs) {
    ++r.off[a.key - part.first() + 1];
    r.col.push_back(a.other);
    r.w.push_back(a.w);
  }
  for (std::size_t i = 0; i + 1 < r.off.size(); ++i) r.off[i + 1] += r.off[i];
  return r;
}

// Arcs to their owners: each (key, other, w) goes to the rank owning `key`.
std::vector<Arc> ShipArcs(const std::vector<Arc>& arcs, const Partition& part, const dist::Comm& comm) {
  std::vector<std::vector<Arc>> send(static_cast<std::size_t>(comm.size()));
  for (const Arc& a : arcs) send[static_cast<std::size_t>(part.Owner(a.key))].push_back(a);
  std::vector<Arc> mine;
  for (auto& v : comm.Alltoall(send)) mine.insert(mine.end(), v.begin(), v.end());
  return mine;
}

// The other ranks' (and this rank's) values a set of rows reads: ext[c] is the value of global node
// ids[c]; one all-to-all per exchange, each owner sending exactly the asked values.
class Halo {
 public:
  // Rewrites rows.col from global ids to indices into the exchanged array.
  Halo(Rows& rows, const Partition& part, const dist::Comm& comm) : comm_(comm) {
    ids_ = rows.col;
    std::sort(ids_.begin(), ids_.end());
    ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
    for (NodeId& c : rows.col) c = static_cast<NodeId>(std::lower_bound(ids_.begin(), ids_.end(), c) - ids_.begin());
    const auto p = static_cast<std::size_t>(comm.size());
    std::vector<std::vector<NodeId>> ask(p);
    for (NodeId v : ids_) ask[static_cast<std::size_t>(part.Owner(v))].push_back(v);
    send_.resize(p);
    const auto asked = comm.Alltoall(ask);
    for (std::size_t q = 0; q < p; ++q)
      for (NodeId v : asked[q]) send_[q].push_back(v - part.first());
    for (std::size_t q = 0; q < p; ++q)
      if (q != static_cast<std::size_t>(comm.rank())) remote_ += ask[q].size();
  }
  // ids ascending and owners' ranges ascending: the concatenation by source rank is in ids_ order.
  template <typename T>
  std::vector<T> Exchange(const std::vector<T>& owned) const {
    std::vector<std::vector<T>> out(send_.size());
    for (std::size_t q = 0; q < send_.size(); ++q) {
      out[q].reserve(send_[q].size());
      for (NodeId i : send_[q]) out[q].push_back(owned[i]);
    }
    std::vector<T> ext;
    ext.reserve(ids_.size());
    for (auto& v : comm_.Alltoall(out)) ext.insert(ext.end(), v.begin(), v.end());
    return ext;
  }
  std::uint64_t remote() const { return remote_; }

 private:
  const dist::Comm& comm_;
  std::vector<NodeId> ids_;
  std::vector<std::vector<NodeId>> send_;
  std::uint64_t remote_ = 0;
};

// ---- 4. Kernels ------------------------------------------------------------------------------------

template <typename T>
double PullRow(const Rows& r, std::size_t i, const std::vector<T>& ext, bool weighted) {
  double acc = 0;
  if (weighted) {
    for (EdgeOffset k = r.off[i]; k < r.off[i + 1]; ++k) acc += double{ext[r.col[k]]} * r.w[k];
  } else {
    for (EdgeOffset k = r.off[i]; k < r.off[i + 1]; ++k) acc += ext[r.col[k]];
  }
  return acc;
}

template <typename F>
void ForOwned(std::size_t n, F&& f) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 2048), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) f(i);
  });
}

std::vector<double> PageRank(const Rows& in, const Halo& halo_in, const Rows& out, std::uint64_t n,
                             const RankOptions& o, bool weighted, const dist::Comm& comm, int& iterations) {
  PageRankOptions defaults;
  const double d = o.damping;
  if (!(d >= 0 && d < 1))
    throw Error(ErrorKind::kInvalidArgument, "damping " + std::to_string(d) + " is not in [0, 1)");
  const std::size_t nl = in.off.size() - 1;
  const double nd = static_cast<double>(n);
  std::vector<double> inv_out(nl), x(nl, 1.0 / nd), next(nl), contrib(nl);
  double dangling_local = 0;
  for (std::size_t i = 0; i < nl; ++i) {
    double s = 0;
    if (weighted) {
      for (EdgeOffset k = out.off[i]; k < out.off[i + 1]; ++k) s += out.w[k];
    } else {
      s = static_cast<double>(out.size(i));
    }
    inv_out[i] = s > 0 ? 1.0 / s : 0.0;
    dangling_local += s > 0 ? 0.0 : x[i];
  }
  double dangling = comm.SumInRankOrder(std::span<const double>(&dangling_local, 1))[0];
  for (int it = 1; it <= defaults.max_iterations; ++it) {
    for (std::size_t i = 0; i < nl; ++i) contrib[i] = x[i] * inv_out[i];
    const std::vector<double> ext = halo_in.Exchange(contrib);
    const double base = d * dangling / nd, teleport = (1 - d) / nd;
    ForOwned(nl, [&](std::size_t i) { next[i] = base + teleport + d * PullRow(in, i, ext, weighted); });
    double sums[2] = {0, 0};  // L1 change, dangling mass
    for (std::size_t i = 0; i < nl; ++i) {
      sums[0] += std::fabs(next[i] - x[i]);
      sums[1] += inv_out[i] == 0 ? next[i] : 0.0;
    }
    const auto total = comm.SumInRankOrder(sums);
    x.swap(next);
    dangling = total[1];
    iterations = it;
    if (total[0] < defaults.tolerance) break;
  }
  return x;
}

void NormaliseGlobal(std::vector<double>& v, const dist::Comm& comm) {
  double s = 0;
  for (double x : v) s += x;
  s = comm.SumInRankOrder(std::span<const double>(&s, 1))[0];
  if (s <= 0) return;
  for (double& x : v) x /= s;
}

std::vector<double> Hits(const Rows& in, const Halo& halo_in, const Rows& out, const Halo& halo_out, std::uint64_t n,
                         bool weighted, const dist::Comm& comm, int& iterations) {
  HitsOptions defaults;
  const std::size_t nl = in.off.size() - 1;
  std::vector<double> h(nl, 1.0 / static_cast<double>(n)), a(nl), h2(nl);
  for (int it = 1; it <= defaults.max_iterations; ++it) {
    const std::vector<double> eh = halo_in.Exchange(h);
    ForOwned(nl, [&](std::size_t i) { a[i] = PullRow(in, i, eh, weighted); });
    NormaliseGlobal(a, comm);
    const std::vector<double> ea = halo_out.Exchange(a);
    ForOwned(nl, [&](std::size_t i) { h2[i] = PullRow(out, i, ea, weighted); });
    NormaliseGlobal(h2, comm);
    double change = 0;
    for (std::size_t i = 0; i < nl; ++i) change += std::fabs(h2[i] - h[i]);
    change = comm.SumInRankOrder(std::span<const double>(&change, 1))[0];
    h.swap(h2);
    iterations = it;
    if (change < defaults.tolerance) break;
  }
  return a;
}

std::vector<double> CoreNumbers(const Rows& in, const Rows& out, const Partition& part, const dist::Comm& comm,
                                int& iterations, std::uint64_t& halo_size) {
  // Simple undirected neighbours of each owned node: in- and out-rows merged, loops and repeats dropped.
  const std::size_t nl = in.off.size() - 1;
  Rows s;
  s.off.assign(nl + 1, 0);
  for (std::size_t i = 0; i < nl; ++i) {
    const NodeId self = part.first() + static_cast<NodeId>(i);
    EdgeOffset a = in.off[i], b = out.off[i];
    NodeId last = kNoNode;
    while (a < in.off[i + 1] || b < out.off[i + 1]) {
      NodeId v;
      if (b == out.off[i + 1] || (a < in.off[i + 1] && in.col[a] <= out.col[b])) {
        v = in.col[a++];
      } else {
        v = out.col[b++];
      }
      if (v == self || v == last) continue;
      last = v;
      s.col.push_back(v);
    }
    s.off[i + 1] = s.col.size();
  }
  Halo halo(s, part, comm);
  halo_size = halo.remote();
  std::vector<std::uint32_t> core(nl), next(nl);
  for (std::size_t i = 0; i < nl; ++i) core[i] = static_cast<std::uint32_t>(s.size(i));
  for (int it = 1;; ++it) {
    const std::vector<std::uint32_t> ext = halo.Exchange(core);
    std::int64_t changed = 0;
    std::vector<std::uint32_t> count;
    for (std::size_t i = 0; i < nl; ++i) {
      const std::uint32_t cap = core[i];
      next[i] = cap;
      if (cap == 0) continue;
      count.assign(static_cast<std::size_t>(cap) + 1, 0);
      for (EdgeOffset k = s.off[i]; k < s.off[i + 1]; ++k) ++count[std::min(ext[s.col[k]], cap)];
      std::uint32_t at_least = 0, h = 0;
      for (std::uint32_t c = cap; c > 0; --c) {
        at_least += count[c];
        if (at_least >= c) {
          h = c;
          break;
        }
      }
      next[i] = h;
      changed += h < cap;
    }
    core.swap(next);
    iterations = it;
    if (comm.AllMax(changed) == 0) break;
  }
  return {core.begin(), core.end()};
}

}  // namespace

bool HasDistributedKernel(Metric m) {
  return m == Metric::kPageRank || m == Metric::kHits || m == Metric::kDegree || m == Metric::kKcore;
}

DistRankResult RankEdgeListDistributed(const std::filesystem::path& path, const RankOptions& o, bool directed,
                                       std::size_t top, const dist::Comm& comm) {
  if (!HasDistributedKernel(o.metric))
    throw Error(ErrorKind::kInvalidArgument, std::string(MetricName(o.metric)) + " has no distributed kernel");
  DistRankResult res;
  DistRankStats& st = res.stats;
  auto t0 = Clock::now();
  // 1. Lines of this rank; a failure on any rank is reported by every rank (dist::Agree).
  const std::string name = path.string();
  Slice slice = dist::Agree(comm, [&] { return ReadSlice(path, comm); });
  const auto newlines =
      comm.Allgather(static_cast<std::uint64_t>(std::count(slice.text.begin(), slice.text.end(), '\n')));
  std::uint64_t first_line = 1;
  for (int r = 0; r < comm.rank(); ++r) first_line += newlines[static_cast<std::size_t>(r)];
  EdgeList el = dist::Agree(comm, [&] { return ParseEdgeList(slice.text, name, first_line); });
  std::string().swap(slice.text);
  st.seconds_read = Since(t0);
  t0 = Clock::now();

  // 2. Global ids.
  const Partition part = AssignIds(el, comm);
  st.nodes = part.offsets.back();
  st.edges = static_cast<std::uint64_t>(comm.AllSum(static_cast<std::int64_t>(el.num_edges())));
  st.weighted_input = comm.AllMax(el.weights.empty() ? 0 : 1) == 1;
  const bool weighted = o.weighted && st.weighted_input;
  st.local_nodes = part.count();

  // 3. Arcs to the owners of their targets (in-rows) and sources (out-rows).
  std::vector<Arc> in_arcs, out_arcs;
  for (std::size_t k = 0; k < el.num_edges(); ++k) {
    const NodeId s = part.global_of[el.src[k]], t = part.global_of[el.dst[k]];
    const Weight w = el.weights.empty() ? Weight{1} : el.weights[k];
    in_arcs.push_back({t, s, w});
    if (directed) {
      out_arcs.push_back({s, t, w});
    } else if (s != t) {
      in_arcs.push_back({s, t, w});
    }
  }
  el = EdgeList{};
  Rows in = BuildRows(ShipArcs(in_arcs, part, comm), part);
  std::vector<Arc>().swap(in_arcs);
  Rows out;
  if (directed) {
    out = BuildRows(ShipArcs(out_arcs, part, comm), part);
  } else {
    out = in;  // an undirected graph's out-rows are its in-rows
  }
  std::vector<Arc>().swap(out_arcs);
  st.local_arcs = in.col.size();
  st.seconds_build = Since(t0);
  t0 = Clock::now();

  // 4. Scores of the owned nodes.
  std::vector<double> scores;
  if (st.nodes == 0) return res;
  const std::size_t nl = part.count();
  switch (o.metric) {
    case Metric::kPageRank: {
      Halo halo(in, part, comm);
      st.halo = halo.remote();
      scores = PageRank(in, halo, out, st.nodes, o, weighted, comm, st.iterations);
      break;
    }
    case Metric::kHits: {
      Halo halo_in(in, part, comm);
      if (!directed) {
        out = in;  // columns rewritten for the same halo
        scores = Hits(in, halo_in, out, halo_in, st.nodes, weighted, comm, st.iterations);
      } else {
        Halo halo_out(out, part, comm);
        scores = Hits(in, halo_in, out, halo_out, st.nodes, weighted, comm, st.iterations);
      }
      st.halo = halo_in.remote();
      break;
    }
    case Metric::kDegree:
      scores.resize(nl);
      for (std::size_t i = 0; i < nl; ++i) {
        if (!weighted) {
          scores[i] = static_cast<double>(in.size(i));
          continue;
        }
        double s = 0;
        for (EdgeOffset k = in.off[i]; k < in.off[i + 1]; ++k) s += in.w[k];
        scores[i] = s;
      }
      break;
    case Metric::kKcore:
      scores = CoreNumbers(in, out, part, comm, st.iterations, st.halo);
      break;
    case Metric::kBetweenness:
      break;
  }
  st.seconds_compute = Since(t0);

  // 5. Top K: each rank's best, merged on rank 0.
  const bool integer = part.integer;
  auto better = [integer](const std::pair<std::string, double>& a, const std::pair<std::string, double>& b) {
    if (a.second != b.second) return a.second > b.second;
    return LabelLess(a.first, b.first, integer);
  };
  std::vector<std::pair<std::string, double>> mine(nl);
  for (std::size_t i = 0; i < nl; ++i) mine[i] = {part.labels[i], scores[i]};
  std::sort(mine.begin(), mine.end(), better);
  if (top > 0 && mine.size() > top) mine.resize(top);
  std::vector<std::byte> packed;
  for (const auto& [label, score] : mine) {
    const auto* p = reinterpret_cast<const std::byte*>(&score);
    packed.insert(packed.end(), p, p + sizeof(score));
    PutString(packed, label);
  }
  const std::vector<std::byte> all = comm.AllgatherBytes(packed);
  if (comm.root()) {
    for (std::size_t at = 0; at < all.size();) {
      double score = 0;
      std::uint32_t len = 0;
      std::memcpy(&score, all.data() + at, sizeof(score));
      std::memcpy(&len, all.data() + at + sizeof(score), sizeof(len));
      at += sizeof(score) + sizeof(len);
      res.results.emplace_back(std::string(reinterpret_cast<const char*>(all.data() + at), len), score);
      at += len;
    }
    std::sort(res.results.begin(), res.results.end(), better);
    if (top > 0 && res.results.size() > top) res.results.resize(top);
  }
  return res;
}

}  // namespace relais::graph
