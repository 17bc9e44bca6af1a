// The MPI side of relais::dist (see comm.hpp). Compiled with RELAIS_HAVE_MPI when the build links
// Open MPI; without it every communicator is serial.
#include "relais/dist/comm.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <thread>

#ifdef RELAIS_HAVE_MPI
#include <mpi.h>
#endif

namespace relais::dist {

namespace {

[[maybe_unused]] void Check(int rc, const char* what) {
#ifdef RELAIS_HAVE_MPI
  if (rc != MPI_SUCCESS) {
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, msg, &len);
    throw Error(ErrorKind::kInternal,
                std::string(what) + " failed: " + std::string(msg, static_cast<std::size_t>(len)));
  }
#else
  (void)rc;
  (void)what;
#endif
}

[[maybe_unused]] int ToInt(std::size_t n, const char* what) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw Error(ErrorKind::kInternal, std::string(what) + ": more than 2^31 bytes in one message");
  return static_cast<int>(n);
}

}  // namespace

bool Available() noexcept {
#ifdef RELAIS_HAVE_MPI
  return true;
#else
  return false;
#endif
}

bool LaunchedByMpi() noexcept {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

Runtime::Runtime(int& argc, char**& argv) {
#ifdef RELAIS_HAVE_MPI
  if (!LaunchedByMpi()) return;
  int provided = 0;
  Check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  initialised_ = true;
  // Errors come back as codes (turned into exceptions by Check) instead of aborting in the library.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &world_.rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &world_.size_);
  world_.mpi_ = world_.size_ > 1;
#else
  (void)argc;
  (void)argv;
#endif
}

Runtime::~Runtime() {
#ifdef RELAIS_HAVE_MPI
  if (initialised_) MPI_Finalize();
#endif
}

void Runtime::Abort(int code) const {
#ifdef RELAIS_HAVE_MPI
  if (initialised_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::_Exit(code);
}

void Comm::Barrier() const {
#ifdef RELAIS_HAVE_MPI
  if (mpi_) Check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
#endif
}

std::vector<std::byte> Comm::AllgatherBytes(std::span<const std::byte> mine, std::vector<std::size_t>* counts) const {
  if (!mpi_) {
    if (counts) *counts = {mine.size()};
    return {mine.begin(), mine.end()};
  }
#ifdef RELAIS_HAVE_MPI
  const long long n = static_cast<long long>(mine.size());
  std::vector<long long> sizes(static_cast<std::size_t>(size_));
  Check(MPI_Allgather(&n, 1, MPI_LONG_LONG, sizes.data(), 1, MPI_LONG_LONG, MPI_COMM_WORLD), "MPI_Allgather");
  std::vector<int> cnt(static_cast<std::size_t>(size_)), displ(static_cast<std::size_t>(size_));
  std::size_t total = 0;
  for (int r = 0; r < size_; ++r) {
    cnt[static_cast<std::size_t>(r)] = ToInt(static_cast<std::size_t>(sizes[static_cast<std::size_t>(r)]), "allgather");
    displ[static_cast<std::size_t>(r)] = ToInt(total, "allgather");
    total += static_cast<std::size_t>(sizes[static_cast<std::size_t>(r)]);
  }
  std::vector<std::byte> all(total);
  Check(MPI_Allgatherv(mine.data(), ToInt(mine.size(), "allgather"), MPI_BYTE, all.data(), cnt.data(), displ.data(),
                       MPI_BYTE, MPI_COMM_WORLD),
        "MPI_Allgatherv");
  *bytes_sent_ +=
      mine.size() * static_cast<std::uint64_t>(size_ - 1) + sizeof(n) * static_cast<std::uint64_t>(size_ - 1);
  if (counts) counts->assign(sizes.begin(), sizes.end());
  return all;
#else
  return {};
#endif
}

std::vector<std::vector<std::byte>> Comm::AlltoallBytes(const std::vector<std::vector<std::byte>>& send) const {
  if (send.size() != static_cast<std::size_t>(size_))
    throw Error(ErrorKind::kInternal, "alltoall: one send buffer per rank expected");
  if (!mpi_) return send;
#ifdef RELAIS_HAVE_MPI
  const auto p = static_cast<std::size_t>(size_);
  std::vector<long long> out_sizes(p), in_sizes(p);
  for (std::size_t q = 0; q < p; ++q) out_sizes[q] = static_cast<long long>(send[q].size());
  Check(MPI_Alltoall(out_sizes.data(), 1, MPI_LONG_LONG, in_sizes.data(), 1, MPI_LONG_LONG, MPI_COMM_WORLD),
        "MPI_Alltoall");
  std::vector<int> scnt(p), sdis(p), rcnt(p), rdis(p);
  std::size_t stot = 0, rtot = 0;
  for (std::size_t q = 0; q < p; ++q) {
    scnt[q] = ToInt(send[q].size(), "alltoall");
    sdis[q] = ToInt(stot, "alltoall");
    stot += send[q].size();
    rcnt[q] = ToInt(static_cast<std::size_t>(in_sizes[q]), "alltoall");
    rdis[q] = ToInt(rtot, "alltoall");
    rtot += static_cast<std::size_t>(in_sizes[q]);
  }
  std::vector<std::byte> sbuf(stot), rbuf(rtot);
  for (std::size_t q = 0; q < p; ++q)
    if (!send[q].empty()) std::memcpy(sbuf.data() + sdis[q], send[q].data(), send[q].size());
  Check(MPI_Alltoallv(sbuf.data(), scnt.data(), sdis.data(), MPI_BYTE, rbuf.data(), rcnt.data(), rdis.data(), MPI_BYTE,
                      MPI_COMM_WORLD),
        "MPI_Alltoallv");
  *bytes_sent_ += stot - send[static_cast<std::size_t>(rank_)].size() + sizeof(long long) * (p - 1);
  std::vector<std::vector<std::byte>> out(p);
  for (std::size_t q = 0; q < p; ++q) out[q].assign(rbuf.begin() + rdis[q], rbuf.begin() + rdis[q] + rcnt[q]);
  return out;
#else
  return {};
#endif
}

void Comm::BcastBytes(std::vector<std::byte>& bytes, int root) const {
  if (!mpi_) return;
#ifdef RELAIS_HAVE_MPI
  long long n = static_cast<long long>(bytes.size());
  Check(MPI_Bcast(&n, 1, MPI_LONG_LONG, root, MPI_COMM_WORLD), "MPI_Bcast");
  bytes.resize(static_cast<std::size_t>(n));
  Check(MPI_Bcast(bytes.data(), ToInt(bytes.size(), "bcast"), MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
  if (rank_ == root) *bytes_sent_ += (bytes.size() + sizeof(n)) * static_cast<std::uint64_t>(size_ - 1);
#else
  (void)root;
#endif
}

void Comm::SendBytes(std::span<const std::byte> bytes, int dest, int tag) const {
  if (!mpi_) throw Error(ErrorKind::kInternal, "send on a serial communicator");
#ifdef RELAIS_HAVE_MPI
  long long n = static_cast<long long>(bytes.size());
  Check(MPI_Send(&n, 1, MPI_LONG_LONG, dest, tag, MPI_COMM_WORLD), "MPI_Send");
  Check(MPI_Send(bytes.data(), ToInt(bytes.size(), "send"), MPI_BYTE, dest, tag, MPI_COMM_WORLD), "MPI_Send");
  *bytes_sent_ += bytes.size() + sizeof(n);
#else
  (void)bytes;
  (void)dest;
  (void)tag;
#endif
}

std::vector<std::byte> Comm::RecvBytes(int source, int tag) const {
  if (!mpi_) throw Error(ErrorKind::kInternal, "receive on a serial communicator");
#ifdef RELAIS_HAVE_MPI
  // Wait without spinning (the sender may be computing for a while: a pipeline stage).
  for (int ready = 0;;) {
    Check(MPI_Iprobe(source, tag, MPI_COMM_WORLD, &ready, MPI_STATUS_IGNORE), "MPI_Iprobe");
    if (ready) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  long long n = 0;
  Check(MPI_Recv(&n, 1, MPI_LONG_LONG, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
  std::vector<std::byte> b(static_cast<std::size_t>(n));
  Check(MPI_Recv(b.data(), ToInt(b.size(), "recv"), MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
        "MPI_Recv");
  return b;
#else
  (void)source;
  (void)tag;
  return {};
#endif
}

std::int64_t Comm::AllMax(std::int64_t v) const {
  if (!mpi_) return v;
#ifdef RELAIS_HAVE_MPI
  // Non-blocking, polled with short sleeps: ranks waiting here for a slow one (rank 0 running a verb
  // alone, a Hawkes excitation pipeline) leave the cores to it instead of spinning in MPI.
  long long in = v, out = 0;
  MPI_Request req;
  Check(MPI_Iallreduce(&in, &out, 1, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD, &req), "MPI_Iallreduce");
  for (int done = 0;;) {
    Check(MPI_Test(&req, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  *bytes_sent_ += sizeof(in) * static_cast<std::uint64_t>(size_ - 1);
  return out;
#else
  return v;
#endif
}

std::int64_t Comm::AllSum(std::int64_t v) const {
  if (!mpi_) return v;
  std::int64_t r = 0;
  for (std::int64_t x : Allgather(v)) r += x;
  return r;
}

std::vector<double> Comm::SumInRankOrder(std::span<const double> partials) const {
  if (!mpi_) return {partials.begin(), partials.end()};
  const std::vector<double> all = Allgather(partials);
  const std::size_t k = partials.size();
  if (all.size() != k * static_cast<std::size_t>(size_))
    throw Error(ErrorKind::kInternal, "SumInRankOrder: ranks gave different numbers of partial sums");
  std::vector<double> total(k, 0.0);
  for (int r = 0; r < size_; ++r)
    for (std::size_t i = 0; i < k; ++i) total[i] += all[static_cast<std::size_t>(r) * k + i];
  return total;
}

RankError::RankError(ErrorKind kind, int rank, const std::string& cause)
    : Error(kind, rank < 0 ? cause : "rank " + std::to_string(rank) + ": " + cause), failed_rank_(rank) {}

namespace detail {

void AgreeOnStatus(const Comm& comm, bool failed, ErrorKind kind, const std::string& message) {
  // Fault injection for the tests of a killed rank: RELAIS_TEST_KILL_RANK=R kills rank R (SIGKILL,
  // as the OOM killer would) when it reaches its first agreement, while the others wait in it.
  if (const char* k = std::getenv("RELAIS_TEST_KILL_RANK"); k && std::atoi(k) == comm.rank() && !comm.serial())
    std::raise(SIGKILL);
  struct Status {
    std::int32_t failed, kind;
  };
  const Status mine{failed ? 1 : 0, static_cast<std::int32_t>(kind)};
  const std::vector<Status> all = comm.Allgather(mine);
  int first = -1, failed_ranks = 0;
  for (std::size_t r = 0; r < all.size(); ++r)
    if (all[r].failed) {
      if (first < 0) first = static_cast<int>(r);
      ++failed_ranks;
    }
  if (first < 0) return;
  std::vector<char> text(message.begin(), message.end());
  comm.Bcast(text, first);
  // Every rank failed (a usage error, a missing file on the shared filesystem): the cause as one
  // process would report it, without naming a rank.
  throw RankError(static_cast<ErrorKind>(all[static_cast<std::size_t>(first)].kind),
                  failed_ranks == comm.size() ? -1 : first, std::string(text.begin(), text.end()));
}

}  // namespace detail

}  // namespace relais::dist
