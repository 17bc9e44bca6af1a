// relais ingest: reads files into a store (see DESIGN.md's CLI contract).
#include <sys/resource.h>
#include <tbb/task_arena.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "options.hpp"
#include "relais/base/error.hpp"
#include "relais/base/ordered_prefetch.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/input.hpp"
#include "relais/toolkit/run_summary.hpp"

namespace relais::cli {
namespace {

struct IngestArgs {
  std::string store;
  std::string format = "auto";
  std::vector<std::string> actors;
  std::string delimiter;
  bool no_header = false;
  std::string columns;
  std::string date_format;
  std::string encoding = "auto";
  int threads = 0;
  int partitions = 0;
  bool json = false;
  std::vector<std::string> paths;
};

constexpr std::string_view kCsvFields[] = {"url", "published", "title", "text", "outlet", "author", "id"};

std::map<std::string, std::string> ParseColumns(const std::string& spec, bool no_header) {
  std::map<std::string, std::string> out;
  std::stringstream ss(spec);
  std::string pair;
  while (std::getline(ss, pair, ',')) {
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size())
      ThrowInvalidArgument("--columns: \"" + pair + "\" is not field=COLUMN");
    std::string field = pair.substr(0, eq), column = pair.substr(eq + 1);
    bool known = false;
    for (auto f : kCsvFields) known = known || f == field;
    if (!known)
      ThrowInvalidArgument("--columns: unknown field \"" + field +
                           "\" (expected url, published, title, text, outlet, author or id)");
    if (no_header && column.find_first_not_of("0123456789") != std::string::npos)
      ThrowInvalidArgument("--columns: with --no-header, \"" + field + "\" needs a 1-based column number, got \"" +
                           column + "\"");
    if (no_header && std::stoul(column) == 0) ThrowInvalidArgument("--columns: column numbers start at 1");
    out[field] = column;
  }
  return out;
}

char ParseDelimiter(const std::string& d) {
  if (d.empty()) return ',';
  if (d == "\\t" || d == "tab" || d == "\t") return '\t';
  if (d.size() != 1) ThrowInvalidArgument("--delimiter: expected one character, got \"" + d + "\"");
  return d[0];
}

std::string CountsTable(const corpora::IngestResult& r) {
  std::ostringstream out;
  auto row = [&](const std::string& name, const corpora::IngestCounts& c) {
    out << std::left << std::setw(18) << name << std::right << std::setw(12) << c.read << std::setw(12) << c.accepted
        << std::setw(12) << c.duplicates << std::setw(12) << c.quarantined << "\n";
  };
  out << std::left << std::setw(18) << "format" << std::right << std::setw(12) << "read" << std::setw(12) << "accepted"
      << std::setw(12) << "duplicates" << std::setw(12) << "quarantined"
      << "\n";
  for (const auto& [name, c] : r.by_format) row(name, c);
  row("total", r.total);
  if (!r.by_reason.empty()) {
    out << "quarantined by reason\n";
    for (const auto& [reason, n] : r.by_reason) out << "  " << std::left << std::setw(28) << reason << n << "\n";
  }
  if (!r.time_notes.empty()) {
    out << "implausible times (docs/time.md)\n";
    for (const auto& [note, n] : r.time_notes) out << "  " << std::left << std::setw(36) << note << n << "\n";
  }
  out << std::fixed << std::setprecision(2) << r.seconds << " s";
  if (r.seconds > 0)
    out << ", " << static_cast<std::uint64_t>(static_cast<double>(r.total.read) / r.seconds) << " records/s";
  out << ", " << r.expansions_added << " expansions stored\n";
  return out.str();
}

// What a rank parses: a whole input file, or the lines starting in a byte range of one.
struct Piece {
  std::size_t file = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;  // the file's size for a whole file; the files' sizes for a group
  bool whole = true;
  std::size_t files = 1;  // > 1: a group of whole files, `file` and those after it
  std::uint64_t bytes() const { return end - begin; }
};

// Small files travel in groups: one message for a run of consecutive files each smaller than
// kGroupFileBytes, up to kGroupBytes or kGroupFiles files, instead of one round trip from rank 0 to
// their rank per file (93,881 Bluesky repositories of a few kB in the large synthetic world).
constexpr std::uint64_t kGroupFileBytes = 256 << 10;
constexpr std::uint64_t kGroupBytes = 4 << 20;
constexpr std::size_t kGroupFiles = 512;

// A byte range smaller than this is not worth a message of its own.
constexpr std::uint64_t kMinRangeBytes = 1 << 20;
// Nor larger than this: a range's parse is held whole by the rank that makes it and, decoded, by rank 0
// while it writes it; smaller ranges bound both (and balance the ranks better).
constexpr std::uint64_t kMaxRangeBytes = 32 << 20;

// The pieces of the inputs in input order (a file's ranges in file order): a file larger than a rank's
// fair share of the bytes (at least kMinRangeBytes) or than kMaxRangeBytes that can be cut on line
// boundaries (a plain JSONL file: corpora::SplittableInput) is cut into equal ranges no larger than
// either; every other file is one piece. One rank cuts nothing. Every rank computes the same list.
std::vector<Piece> PlanPieces(const std::vector<std::filesystem::path>& files, int ranks,
                              const corpora::IngestOptions& opt) {
  std::vector<std::uint64_t> size(files.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < files.size(); ++i) total += size[i] = corpora::FileSizeOrZero(files[i]);
  const auto n_ranks = static_cast<std::uint64_t>(ranks);
  const std::uint64_t share = std::max<std::uint64_t>((total + n_ranks - 1) / n_ranks, kMinRangeBytes);
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::uint64_t ranges =
        std::max((size[i] + share - 1) / share, (size[i] + kMaxRangeBytes - 1) / kMaxRangeBytes);
    if (ranks > 1 && size[i] < kGroupFileBytes) {
      Piece* group = pieces.empty() ? nullptr : &pieces.back();
      const bool joins = group && group->whole && group->file + group->files == i && group->files < kGroupFiles &&
                         group->end < kGroupBytes && (group->files > 1 || group->end < kGroupFileBytes);
      if (joins) {
        ++group->files;
        group->end += size[i];
      } else {
        pieces.push_back(Piece{i, 0, size[i], true});
      }
      continue;
    }
    if (ranks == 1 || ranges < 2 || !corpora::SplittableInput(files[i], opt)) {
      pieces.push_back(Piece{i, 0, size[i], true});
      continue;
    }
    for (std::uint64_t k = 0; k < ranges; ++k)
      pieces.push_back(Piece{i, size[i] * k / ranges, size[i] * (k + 1) / ranges, false});
  }
  return pieces;
}

// Pieces to ranks: largest first, each to the rank with the fewest bytes so far (ties: the lower
// rank), so every rank computes the same assignment.
std::vector<int> AssignPieces(const std::vector<Piece>& pieces, int ranks) {
  std::vector<std::size_t> order(pieces.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return pieces[a].bytes() > pieces[b].bytes(); });
  std::vector<std::uint64_t> load(static_cast<std::size_t>(ranks), 0);
  std::vector<int> owner(pieces.size(), 0);
  for (const std::size_t i : order) {
    const auto r = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    owner[i] = static_cast<int>(r);
    load[r] += pieces[i].bytes();
  }
  return owner;
}

// A piece's parse: the bytes IngestOptions::parsed_input hands back, or for a group, each file's such bytes
// after their count and each one's size (SplitGroup).
std::vector<std::byte> ParsePiece(const Piece& piece, const std::vector<std::filesystem::path>& files,
                                  const corpora::IngestOptions& opt) {
  if (!piece.whole) return corpora::ParseIngestRange(files.at(piece.file), opt, piece.begin, piece.end);
  if (piece.files == 1) return corpora::ParseIngestInput(files.at(piece.file), opt);
  std::vector<std::byte> out(sizeof(std::uint64_t) * (1 + piece.files));
  auto put = [&out](std::size_t at, std::uint64_t v) { std::memcpy(out.data() + at * sizeof v, &v, sizeof v); };
  put(0, piece.files);
  for (std::size_t f = 0; f < piece.files; ++f) {
    const std::vector<std::byte> one = corpora::ParseIngestInput(files.at(piece.file + f), opt);
    put(1 + f, one.size());
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

// A group's parse cut back into its files' (ParsePiece).
std::vector<std::vector<std::byte>> SplitGroup(const std::vector<std::byte>& bytes, std::size_t files) {
  auto get = [&bytes](std::size_t at) {
    std::uint64_t v = 0;
    if ((at + 1) * sizeof v > bytes.size()) throw Error(ErrorKind::kInternal, "truncated group of parsed files");
    std::memcpy(&v, bytes.data() + at * sizeof v, sizeof v);
    return v;
  };
  if (get(0) != files) throw Error(ErrorKind::kInternal, "a group of parsed files holds another count");
  std::vector<std::vector<std::byte>> out;
  std::size_t at = sizeof(std::uint64_t) * (1 + files);
  for (std::size_t f = 0; f < files; ++f) {
    const std::uint64_t n = get(1 + f);
    if (n > bytes.size() - at) throw Error(ErrorKind::kInternal, "truncated group of parsed files");
    const auto begin = bytes.begin() + static_cast<std::ptrdiff_t>(at);
    out.emplace_back(begin, begin + static_cast<std::ptrdiff_t>(n));
    at += n;
  }
  return out;
}

void PrintResult(const IngestArgs& args, const corpora::Store& store, const corpora::IngestResult& r, int ranks,
                 CliContext& ctx) {
  if (args.json) {
    std::cout << WithRanks(toolkit::IngestSummaryJson(r).dump(), ranks) << "\n";
  } else {
    std::cout << CountsTable(r);
    if (r.total.quarantined > 0)
      std::cout << r.total.quarantined << " quarantined records: see " << (store.dir() / "quarantine.jsonl").string()
                << "\n";
  }
  // Where the time went (progress, on stderr): reading and writing the files, the indexes, the flows, the rest
  // (actors' homes, the search index, accounting).
  std::cerr << std::fixed << std::setprecision(2) << "ingest: " << r.files_seconds << " s reading and writing, "
            << r.index_seconds << " s indexes, " << r.flow_seconds << " s flows, "
            << std::max(0.0, r.seconds - r.files_seconds - r.index_seconds - r.flow_seconds) << " s the rest\n";
  for (const auto& f : r.failed_files) std::cerr << "relais: error: " << f.message << "\n";
  if (!r.failed_files.empty()) {
    std::cerr << "relais: " << r.failed_files.size() << " input(s) could not be ingested; the others were\n";
    ctx.exit_code = 3;
  }
}

// The partition pass plan, as rank 0 broadcasts it.
std::vector<std::byte> EncodePlan(const corpora::PartitionPassPlan& plan) {
  const nlohmann::json j = {{"catalog", plan.catalog},       {"partitions", plan.partitions},
                            {"fresh", plan.fresh},           {"incremental", plan.incremental},
                            {"items_done", plan.items_done}, {"actors_done", plan.actors_done}};
  const std::vector<std::uint8_t> bytes = nlohmann::json::to_msgpack(j);
  const auto b = std::as_bytes(std::span<const std::uint8_t>(bytes));
  return {b.begin(), b.end()};
}

corpora::PartitionPassPlan DecodePlan(const std::vector<std::byte>& bytes) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const nlohmann::json j = nlohmann::json::from_msgpack(std::vector<std::uint8_t>(data, data + bytes.size()));
  corpora::PartitionPassPlan plan;
  plan.catalog = j.at("catalog").get<std::string>();
  plan.partitions = j.at("partitions").get<std::vector<std::string>>();
  plan.fresh = j.at("fresh").get<bool>();
  plan.incremental = j.at("incremental").get<bool>();
  plan.items_done = j.at("items_done").get<std::int64_t>();
  plan.actors_done = j.at("actors_done").get<std::int64_t>();
  return plan;
}

// The job's ranks as a distributed flow pass's collectives.
class RankFlowExchange final : public corpora::FlowExchange {
 public:
  explicit RankFlowExchange(const dist::Comm& world) : world_(world) {}
  int ranks() const override { return world_.size(); }
  int rank() const override { return world_.rank(); }
  std::vector<std::vector<std::byte>> Alltoall(const std::vector<std::vector<std::byte>>& send) override {
    return world_.AlltoallBytes(send);
  }
  void Agree(const std::function<void()>& local) override { dist::Agree(world_, local); }

 private:
  const dist::Comm& world_;
};

// This process's peak resident memory so far, in KiB (Linux's ru_maxrss unit).
long PeakRssKib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// One phase of the partition passes on every rank, each rank on the partitions it owns (p ≡ rank mod N,
// as stats and flows read them) with its threads. The index phase touches nothing but the rank's own
// partitions; the flow phase gets the sources other partitions hold from their owners through MPI
// (corpora::RunExchangedFlowPasses), so no rank reads a partition another rank writes, on one host or
// several. Each phase ends with an agreement, so that no partition starts its flows before every
// partition is indexed and a failing rank fails the job, named, on every rank. Returns the items redone,
// summed over the ranks.
std::uint64_t OwnPartitionPasses(const dist::Comm& world, const corpora::PartitionPassPlan& plan,
                                 corpora::PartitionPass pass, int threads) {
  const int n = static_cast<int>(plan.partitions.size());
  std::vector<int> mine;
  for (int p = world.rank(); p < n; p += world.size()) mine.push_back(p);
  std::uint64_t redone = 0;
  tbb::task_arena arena(threads > 0 ? threads : tbb::info::default_concurrency());
  if (pass == corpora::PartitionPass::kFlows) {
    RankFlowExchange exchange(world);
    corpora::FlowExchangeCounts c;
    const std::uint64_t sent_before = world.bytes_sent();
    const long peak_before_kib = PeakRssKib();
    redone = arena.execute([&] { return corpora::RunExchangedFlowPasses(plan, mine, exchange, &c); });
    // One write, so that the ranks' lines do not interleave. The peak resident memory before and after the
    // pass says whether the exchange set the rank's peak (what a cluster job must reserve).
    const std::string line =
        "ingest: rank " + std::to_string(world.rank()) + " flow exchange: asked " + std::to_string(c.keys_asked) +
        " ref keys, " + std::to_string(c.latest_asked) + " latest-item and " + std::to_string(c.urls_asked) +
        " URL lookups in " + std::to_string(c.rounds) + " rounds; received " + std::to_string(c.rows_received) +
        " source items, " + std::to_string(c.fresh_rows) + " new items; sent " +
        std::to_string(world.bytes_sent() - sent_before) + " bytes; peak RSS " + std::to_string(peak_before_kib >> 10) +
        " MiB before the pass, " + std::to_string(PeakRssKib() >> 10) + " MiB after\n";
    [[maybe_unused]] const auto written = write(STDERR_FILENO, line.data(), line.size());
  } else {
    dist::Agree(world, [&] { redone = arena.execute([&] { return corpora::RunPartitionPasses(plan, mine, pass); }); });
  }
  return static_cast<std::uint64_t>(world.AllSum(static_cast<std::int64_t>(redone)));
}

// Messages from rank 0 to the other ranks during the writing of the store, on one tag so that each rank
// takes them in the order sent: "send me piece k" (answered with the piece's bytes on kPieceTag), or a
// request of Ingest's writer to the rank as a partition owner (answered on kOwnerTag).
constexpr int kToRankTag = 13;
constexpr int kPieceTag = 14;
constexpr int kOwnerTag = 15;
constexpr std::byte kPieceRequest{0};
constexpr std::byte kOwnerRequest{1};

// The ranks as owners of the partitions, for rank 0's Ingest.
class RankOwners final : public corpora::PartitionOwners {
 public:
  explicit RankOwners(const dist::Comm& world) : world_(world) {}
  int count() const override { return world_.size(); }
  void Send(int owner, std::vector<std::byte> request) override {
    request.insert(request.begin(), kOwnerRequest);
    world_.SendBytes(request, owner, kToRankTag);
  }
  std::vector<std::byte> Receive(int owner) override { return world_.RecvBytes(owner, kOwnerTag); }

 private:
  const dist::Comm& world_;
};

// Parsed pieces not yet handed to rank 0, held by the rank that makes them: each rank parses its pieces
// on a thread of its own in the order rank 0 asks for them (file by file, a file's ranges in order:
// the pieces' order), while its main thread serves rank 0, keeping at most this much parsed ahead
// (and always the next piece), so that a rank's memory does not grow with its share of the input.
constexpr std::size_t kPiecesAheadBytes = 128u << 20;
using PiecePrefetch = OrderedPrefetch<std::size_t, std::vector<std::byte>>;

std::unique_ptr<PiecePrefetch> PrefetchOwnPieces(const dist::Comm& world, const std::vector<Piece>& pieces,
                                                 const std::vector<int>& owner,
                                                 const std::vector<std::filesystem::path>& files,
                                                 const corpora::IngestOptions& opt) {
  std::vector<std::size_t> order;
  for (std::size_t k = 0; k < pieces.size(); ++k)
    if (owner[k] == world.rank()) order.push_back(k);
  return std::make_unique<PiecePrefetch>(
      std::move(order), [&pieces, &files, opt](const std::size_t& k) { return ParsePiece(pieces[k], files, opt); },
      [](const std::vector<std::byte>& bytes) { return bytes.size(); }, kPiecesAheadBytes);
}

// A rank other than 0 while rank 0 writes the store: hands its parsed pieces over when asked, writes its
// partitions (as their owner) until rank 0 closes them. Reports what it wrote on stderr.
void ServeRankZero(const dist::Comm& world, PiecePrefetch& mine, int threads) {
  corpora::PartitionServer server(threads);
  while (!server.closed()) {
    const std::vector<std::byte> message = world.RecvBytes(0, kToRankTag);
    if (message.empty()) throw Error(ErrorKind::kInternal, "empty message from rank 0");
    const auto body = std::span<const std::byte>(message).subspan(1);
    if (message[0] == kPieceRequest) {
      std::uint64_t k = 0;
      if (body.size() != sizeof k) throw Error(ErrorKind::kInternal, "malformed piece request from rank 0");
      std::memcpy(&k, body.data(), sizeof k);
      world.SendBytes(mine.Take(static_cast<std::size_t>(k)), 0, kPieceTag);
      continue;
    }
    std::vector<std::byte> answer = server.Answer(body);
    if (corpora::PartitionServer::Answers(body)) world.SendBytes(answer, 0, kOwnerTag);
  }
  std::string parts;
  for (const int p : server.partitions()) parts += (parts.empty() ? "" : ", ") + std::to_string(p);
  // One write, so that the ranks' lines do not interleave.
  const std::string line = "ingest: rank " + std::to_string(world.rank()) + " wrote " +
                           std::to_string(server.items_written()) + " items into partitions " +
                           (parts.empty() ? std::string("(none)") : parts) + "\n";
  [[maybe_unused]] const auto written = write(STDERR_FILENO, line.data(), line.size());
}

// Under mpirun (issue 13, docs/cluster.md): the input files are split across the ranks, large JSONL
// files cut into byte ranges on line boundaries (PlanPieces); each rank reads, hashes and parses its
// pieces (in parallel with the others, a bounded amount ahead of rank 0: PrefetchOwnPieces); a file that
// cannot be read fails the job on every rank, naming the rank, before anything is written. Rank 0 routes
// the records in input order (actors, item ids, partitions: the serial part), taking each file's pieces
// from their ranks when it reaches them; each
// partition is written by its owner (p ≡ rank mod N), which receives its share of every batch and the
// steps of rank 0's transactions, so the store is the one-process store. The passes over the partitions
// that follow (indexes, flows, search index) run on the same owners (OwnPartitionPasses), with rank 0's plan.
void IngestDistributed(const IngestArgs& args, corpora::IngestOptions opt, CliContext& ctx) {
  const dist::Comm& world = ctx.world();
  ctx.collective = true;
  std::vector<corpora::FailedInput> unlisted;  // reported by Ingest on rank 0
  const std::vector<std::filesystem::path> files = corpora::IngestInputFiles(opt, &unlisted);
  // Rank 0's plan for every rank: a rank that cannot read a file (or sees another size) must still
  // agree on the pieces, or rank 0 would wait for pieces no rank makes.
  std::vector<Piece> pieces;
  if (world.root()) pieces = PlanPieces(files, world.size(), opt);
  world.Bcast(pieces, 0);
  const std::vector<int> owner = AssignPieces(pieces, world.size());
  std::optional<corpora::Store> store;
  dist::Agree(world, [&] {
    for (std::size_t k = 0; k < pieces.size(); ++k)
      if (owner[k] == world.rank())
        for (std::size_t f = 0; f < pieces[k].files; ++f) corpora::CheckInputReadable(files.at(pieces[k].file + f));
  });
  const std::unique_ptr<PiecePrefetch> mine = PrefetchOwnPieces(world, pieces, owner, files, opt);
  // Only once every input was read: a failed job leaves no store behind.
  dist::Agree(world, [&] {
    if (world.root()) store.emplace(corpora::Store::Open(args.store, corpora::OpenMode::kCreate));
  });
  ctx.ranks = world.size();
  if (!world.root()) {
    ServeRankZero(world, *mine, opt.threads);
    // Then, in step with rank 0's Ingest: its plan, and the two phases of the partition passes.
    std::vector<std::byte> plan_bytes;
    world.BcastBytes(plan_bytes, 0);
    const corpora::PartitionPassPlan plan = DecodePlan(plan_bytes);
    OwnPartitionPasses(world, plan, corpora::PartitionPass::kIndex, opt.threads);
    OwnPartitionPasses(world, plan, corpora::PartitionPass::kFlows, opt.threads);
    return;
  }
  if (store->discarded_interrupted_load())
    std::cerr << "relais: note: " << args.store
              << " held an interrupted first ingest (nothing of it was committed); starting it afresh\n";
  std::vector<std::vector<std::size_t>> file_pieces(files.size());
  for (std::size_t k = 0; k < pieces.size(); ++k)
    for (std::size_t f = 0; f < pieces[k].files; ++f) file_pieces[pieces[k].file + f].push_back(k);
  for (std::size_t i = 0; i < files.size(); ++i)
    if (file_pieces[i].size() > 1)
      std::cerr << "ingest: " << files[i].string() << ": cut into " << file_pieces[i].size()
                << " byte ranges on line boundaries, parsed apart\n";
  // Piece by piece, when the writer reaches it: rank 0 holds one received piece at a time.
  auto take_piece = [&](std::size_t k) -> std::vector<std::byte> {
    if (owner[k] == 0) return mine->Take(k);
    std::vector<std::byte> ask(1 + sizeof(std::uint64_t), kPieceRequest);
    const auto k64 = static_cast<std::uint64_t>(k);
    std::memcpy(ask.data() + 1, &k64, sizeof k64);
    world.SendBytes(ask, owner[k], kToRankTag);
    return world.RecvBytes(owner[k], kPieceTag);
  };
  // The group the writer is in (its files are asked for in order): piece number and its files' parses.
  std::size_t group_piece = pieces.size();
  std::vector<std::vector<std::byte>> group_files;
  opt.parsed_input = [&](std::size_t i, std::size_t piece) -> std::vector<std::byte> {
    if (piece >= file_pieces.at(i).size()) return {};
    const std::size_t k = file_pieces[i][piece];
    if (pieces[k].files == 1) return take_piece(k);
    if (group_piece != k) {
      group_files = SplitGroup(take_piece(k), pieces[k].files);
      group_piece = k;
    }
    return std::move(group_files.at(i - pieces[k].file));
  };
  RankOwners owners(world);
  opt.owners = &owners;
  opt.partition_passes = [&world, threads = opt.threads](const corpora::PartitionPassPlan& plan,
                                                         corpora::PartitionPass pass) {
    if (pass == corpora::PartitionPass::kIndex) {
      std::vector<std::byte> plan_bytes = EncodePlan(plan);
      world.BcastBytes(plan_bytes, 0);
    }
    return OwnPartitionPasses(world, plan, pass, threads);
  };
  const corpora::IngestResult r = corpora::Ingest(*store, opt);
  PrintResult(args, *store, r, ctx.ranks, ctx);
}

}  // namespace

void RegisterIngest(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<IngestArgs>();
  auto* sub = app.add_subcommand("ingest", "read files (any supported format, .gz/.zst, folders) into a store");
  sub->add_option("--store", args->store, "store folder (created if needed)")->required();
  sub->add_option("--format", args->format, "auto (sniffed per file) or a format name");
  sub->add_option("--actors", args->actors,
                  "registry CSV key,kind,actor_class,region,name (one path per flag; repeat the flag for more)");
  sub->add_option("--delimiter", args->delimiter, "CSV delimiter (one character, or \\t)");
  sub->add_flag("--no-header", args->no_header, "CSV files have no header row");
  sub->add_option("--columns", args->columns,
                  "CSV mapping field=COL,… (url,published,title,text,outlet,author,id,edition)");
  sub->add_option("--date-format", args->date_format, "strftime format of CSV dates");
  sub->add_option("--encoding", args->encoding, "auto | utf-8 | windows-1252 | latin-1");
  sub->add_option("--threads", args->threads, "worker threads (default: every core)");
  sub->add_option("--partitions", args->partitions,
                  "partitions of a new store, 1 to 8 (default: one per GiB of input); fixed afterwards");
  sub->add_flag("--json", args->json, "print the counts as JSON");
  sub->add_option("paths", args->paths, "files or folders")->required();
  sub->callback([args, &ctx, &app] {
    corpora::IngestOptions opt;
    if (args->format != "auto") {
      opt.format = corpora::ParseFormat(args->format);
      if (!opt.format) ThrowInvalidArgument("--format: unknown format \"" + args->format + "\"");
    }
    if (args->encoding != "auto" && args->encoding != "utf-8" && args->encoding != "windows-1252" &&
        args->encoding != "latin-1")
      ThrowInvalidArgument("--encoding: expected auto, utf-8, windows-1252 or latin-1, got \"" + args->encoding + "\"");
    if (args->threads < 0) ThrowInvalidArgument("--threads: expected a positive number");
    if (args->partitions < 0 || args->partitions > corpora::kMaxPartitions)
      ThrowInvalidArgument("--partitions: expected a number from 1 to " + std::to_string(corpora::kMaxPartitions));
    CheckActorFiles(args->actors);
    opt.read.delimiter = ParseDelimiter(args->delimiter);
    opt.read.no_header = args->no_header;
    opt.read.columns = ParseColumns(args->columns, args->no_header);
    opt.read.date_format = args->date_format;
    opt.read.encoding = args->encoding;
    opt.paths = args->paths;
    opt.actor_files = args->actors;
    opt.threads = args->threads;
    opt.partitions = args->partitions;
    opt.args = "ingest";
    for (const auto& p : args->paths) opt.args += " " + p;
    opt.on_progress = [](const corpora::IngestProgress& p) {
      if (p.phase != "files") {  // the partition passes of a run already long (a short run stays quiet)
        if (p.seconds < 1) return;
        std::cerr << "ingest: " << p.phase << ": " << p.partitions_done << "/" << p.partitions << " partitions done, "
                  << static_cast<std::uint64_t>(p.seconds) << " s\n";
        return;
      }
      std::cerr << "ingest: file " << (p.file_index + 1) << "/" << p.num_files << " " << p.path << ": " << p.records
                << " records, "
                << static_cast<std::uint64_t>(p.seconds > 0 ? static_cast<double>(p.records) / p.seconds : 0)
                << " records/s\n";
    };
    if (!ctx.world().serial()) {
      IngestDistributed(*args, std::move(opt), ctx);
      return;
    }
    auto store = corpora::Store::Open(args->store, corpora::OpenMode::kCreate);
    if (store.discarded_interrupted_load())
      std::cerr << "relais: note: " << args->store
                << " held an interrupted first ingest (nothing of it was committed); starting it afresh\n";
    corpora::IngestResult r = corpora::Ingest(store, opt);
    PrintResult(*args, store, r, 1, ctx);
    (void)app;
  });
}

}  // namespace relais::cli
