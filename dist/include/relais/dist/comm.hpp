// The distributed runtime: one process per MPI rank, started by `mpirun -np N relais VERB …`.
//
//   relais::dist::Runtime rt(argc, argv);   // MPI_Init_thread when launched by mpirun/srun, else serial
//   const relais::dist::Comm& world = rt.world();
//   auto x = world.AllgatherBytes(...);     // collectives: every rank calls them in the same order
//
// Without a launcher (no OMPI_COMM_WORLD_SIZE / PMIX_RANK / PMI_RANK in the environment), or in a
// build without MPI (CMake option RELAIS_MPI=OFF), the runtime is serial: one rank, every collective
// a copy, nothing initialised. MPI types stay in dist/src; this header has none, so the rest of
// relais compiles the same with or without MPI. Only the MPI calls of the calling thread are used
// (MPI_THREAD_FUNNELED): TBB workers inside a rank never communicate.
//
// Failures: Agree(comm, f) runs a local stage (reading input, validating options) on every rank and
// turns an exception on any rank into the same RankError on every rank, naming the first failing
// rank and its cause, so no rank is left waiting in the next collective. Abort() ends the whole job
// (MPI_Abort) when a rank fails where the others cannot learn of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "relais/base/error.hpp"

namespace relais::dist {

/// True when this build links MPI.
bool Available() noexcept;

/// A communicator: MPI_COMM_WORLD of a distributed run, or the serial one-rank communicator.
/// Collective member functions must be called by every rank in the same order.
class Comm {
 public:
  /// The serial communicator (rank 0 of 1).
  Comm() = default;

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  bool root() const noexcept { return rank_ == 0; }
  bool serial() const noexcept { return size_ == 1; }

  void Barrier() const;
  /// Concatenation of every rank's bytes in rank order; counts[r] = bytes from rank r when asked.
  std::vector<std::byte> AllgatherBytes(std::span<const std::byte> mine,
                                        std::vector<std::size_t>* counts = nullptr) const;
  /// send[q] goes to rank q; returns what each rank sent to this one, by source rank.
  std::vector<std::vector<std::byte>> AlltoallBytes(const std::vector<std::vector<std::byte>>& send) const;
  /// Root's bytes on every rank (resized).
  void BcastBytes(std::vector<std::byte>& bytes, int root) const;
  /// Point to point (the Hawkes excitation pipeline): blocking, tagged.
  void SendBytes(std::span<const std::byte> bytes, int dest, int tag) const;
  std::vector<std::byte> RecvBytes(int source, int tag) const;
  /// Max / logical or of one value over the ranks (exact: integers).
  std::int64_t AllMax(std::int64_t v) const;
  std::int64_t AllSum(std::int64_t v) const;

  // Typed helpers over trivially copyable T.
  template <typename T>
  std::vector<T> Allgather(std::span<const T> mine, std::vector<std::size_t>* counts = nullptr) const {
    static_assert(std::is_trivially_copyable_v<T>);
    std::vector<std::size_t> bytes;
    auto all = AllgatherBytes(std::as_bytes(mine), counts ? &bytes : nullptr);
    if (counts) {
      counts->clear();
      for (std::size_t b : bytes) counts->push_back(b / sizeof(T));
    }
    return FromBytes<T>(all);
  }
  template <typename T>
  std::vector<T> Allgather(const T& mine) const {
    return Allgather(std::span<const T>(&mine, 1));
  }
  template <typename T>
  std::vector<std::vector<T>> Alltoall(const std::vector<std::vector<T>>& send) const {
    static_assert(std::is_trivially_copyable_v<T>);
    std::vector<std::vector<std::byte>> raw(send.size());
    for (std::size_t q = 0; q < send.size(); ++q) {
      auto b = std::as_bytes(std::span<const T>(send[q]));
      raw[q].assign(b.begin(), b.end());
    }
    auto got = AlltoallBytes(raw);
    std::vector<std::vector<T>> out(got.size());
    for (std::size_t q = 0; q < got.size(); ++q) out[q] = FromBytes<T>(got[q]);
    return out;
  }
  template <typename T>
  void Bcast(std::vector<T>& v, int root) const {
    static_assert(std::is_trivially_copyable_v<T>);
    std::vector<std::byte> b;
    if (rank_ == root) {
      auto s = std::as_bytes(std::span<const T>(v));
      b.assign(s.begin(), s.end());
    }
    BcastBytes(b, root);
    v = FromBytes<T>(b);
  }
  /// Σ of each rank's partial sums, added in rank order (the same bits on every rank, for a given
  /// number of ranks): partials of equal length k on every rank, the k totals returned.
  std::vector<double> SumInRankOrder(std::span<const double> partials) const;

  /// Bytes this rank has sent through collectives and point to point so far (for measurements).
  std::uint64_t bytes_sent() const noexcept { return *bytes_sent_; }

  template <typename T>
  static std::vector<T> FromBytes(const std::vector<std::byte>& b) {
    std::vector<T> v(b.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
    return v;
  }

 private:
  friend class Runtime;
  int rank_ = 0;
  int size_ = 1;
  bool mpi_ = false;  // MPI_COMM_WORLD when true
  std::shared_ptr<std::uint64_t> bytes_sent_ = std::make_shared<std::uint64_t>(0);
};

/// MPI_Init_thread / MPI_Finalize around the process (one per process, made by main).
class Runtime {
 public:
  Runtime(int& argc, char**& argv);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  const Comm& world() const noexcept { return world_; }
  /// Ends every rank of the job with this exit code (MPI_Abort; plain exit when serial).
  [[noreturn]] void Abort(int code) const;

 private:
  Comm world_;
  bool initialised_ = false;
};

/// True when the environment says this process was started by an MPI launcher (mpirun, srun).
bool LaunchedByMpi() noexcept;

/// A failure on one rank, known to every rank: what() is "rank R: <cause>" (R = the first failing
/// rank), or the cause alone when every rank failed (rank −1); kind() the cause's kind (so the exit
/// code is the cause's).
class RankError : public Error {
 public:
  RankError(ErrorKind kind, int rank, const std::string& cause);
  int failed_rank() const noexcept { return failed_rank_; }

 private:
  int failed_rank_;
};

namespace detail {
/// status: empty when this rank succeeded, else (kind, message). Throws RankError on every rank when
/// some rank failed. Collective.
void AgreeOnStatus(const Comm& comm, bool failed, ErrorKind kind, const std::string& message);
}  // namespace detail

/// Runs f() on every rank (a local stage: no collectives inside). If f throws on any rank, every rank
/// throws RankError naming the first failing rank. On a serial communicator the exception passes through
/// unchanged, so a one-rank run reports errors exactly as before.
namespace detail {
// Runs `f`, turning any exception into (kind, message) instead of letting it escape.
template <typename F>
bool RunCapturingFailure(F&& f, ErrorKind& kind, std::string& message) {
  try {
    f();
    return false;
  } catch (const Error& e) {
    kind = e.kind(), message = e.what();
  } catch (const std::bad_alloc&) {
    message = "out of memory";
  } catch (const std::exception& e) {
    message = std::string("internal error: ") + e.what();
  }
  return true;
}
}  // namespace detail

template <typename F>
auto Agree(const Comm& comm, F&& f) -> decltype(f()) {
  if (comm.serial()) return f();
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
  using R = decltype(f());
  if constexpr (std::is_void_v<R>) {
    const bool failed = detail::RunCapturingFailure(f, kind, message);
    detail::AgreeOnStatus(comm, failed, kind, message);
  } else {
    std::optional<R> result;
    const bool failed = detail::RunCapturingFailure([&] { result.emplace(f()); }, kind, message);
    detail::AgreeOnStatus(comm, failed, kind, message);
    return std::move(*result);
  }
}

/// Block partition of [0, n) into `parts` contiguous ranges: part p is [Begin(p), Begin(p+1)).
inline std::size_t BlockBegin(std::size_t n, int parts, int p) {
  const auto q = static_cast<std::size_t>(parts), k = static_cast<std::size_t>(p);
  return n / q * k + n % q * k / q;
}

}  // namespace relais::dist
