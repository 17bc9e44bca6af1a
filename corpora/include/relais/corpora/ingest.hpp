// Ingestion: files → readers → finalised records → the store (one writer), with accounting,
// quarantine, manifest and the flows derived from platform references, mentions, links and embeds.
//
// Usage:
//   Store store = Store::Open(dir, OpenMode::kCreate);
//   IngestOptions opt;  opt.paths = {"tweets.jsonl.gz"};  opt.threads = 2;
//   IngestResult r = Ingest(store, opt);   // r.total.read == accepted + duplicates + quarantined
//   if (!r.failed_files.empty()) …         // unreadable / unrecognised inputs (exit 3 in the CLI)
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "relais/corpora/geo.hpp"
#include "relais/corpora/reader.hpp"
#include "relais/corpora/record.hpp"
#include "relais/corpora/registry.hpp"
#include "relais/corpora/store.hpp"

namespace relais::corpora {

/// Records counted by outcome; always read == accepted + duplicates + quarantined.
struct IngestCounts {
  std::uint64_t read = 0;
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t quarantined = 0;

  IngestCounts& operator+=(const IngestCounts& o) {
    read += o.read;
    accepted += o.accepted;
    duplicates += o.duplicates;
    quarantined += o.quarantined;
    return *this;
  }
};

/// Progress of a run: while reading, now and then from the writer thread (phase "files"); then once as each
/// partition pass starts and as each partition finishes it (phases "indexes" and "flows", which take a
/// quarter to a half of a large first load).
struct IngestProgress {
  std::string_view phase = "files";
  std::size_t file_index = 0;  // 0-based
  std::size_t num_files = 0;
  std::string path;
  std::uint64_t records = 0;  // records read so far in this run
  double seconds = 0;         // since the run started
  int partitions_done = 0;    // of the phase's partitions (indexes, flows)
  int partitions = 0;
};

/// The passes over each partition that follow the writing of an ingest's items, in two phases: first
/// every partition's secondary indexes (kIndex), then — once every partition is indexed, since a
/// partition's flows look their sources up in all of them — every partition's flows and search index
/// (kFlows). Each pass touches only its own partition (the others and the catalog are attached and read),
/// so a distributed ingest runs each on the partition's owner (docs/cluster.md).
enum class PartitionPass { kIndex, kFlows };

/// What a partition's passes need to know, whatever process runs them.
struct PartitionPassPlan {
  std::string catalog;                  // the catalog file (actors)
  std::vector<std::string> partitions;  // every partition's file, by index
  /// A first load: indexes built without a journal, then the partition turned to WAL (so that the
  /// others' flow passes read it while it writes its flows), every flow computed.
  bool fresh = false;
  /// A later load: only the flows that the items and actors newer than these ids (the last pass's
  /// marks) and each partition's flow_pending can change.
  bool incremental = false;
  std::int64_t items_done = 0;
  std::int64_t actors_done = 0;
  /// A distributed flow pass (RunExchangedFlowPasses) asks each rank at most this many ref keys, this
  /// many (actor, time) pairs and this many URLs per round, and holds one round's answers at a time: the
  /// bound of a rank's exchange memory beyond its own requests.
  std::size_t exchange_batch = std::size_t{1} << 16;
};

/// Runs `pass` on each of `partitions` (indexes into plan.partitions), in parallel, each on a
/// connection of its own. kFlows returns the items whose flows were redone (0 for kIndex and for a
/// full pass). Throws relais::Error when SQLite fails.
/// `done`, when given, is called (never concurrently) with the number of partitions finished so far.
std::uint64_t RunPartitionPasses(const PartitionPassPlan& plan, const std::vector<int>& partitions, PartitionPass pass,
                                 const std::function<void(int)>& done = {});

/// The collectives of a distributed flow pass (docs/cluster.md), as the job's ranks provide them: every
/// rank calls them in the same order. Agree runs a local stage and, when it failed on any rank, throws on
/// every rank (so none waits in the next Alltoall).
class FlowExchange {
 public:
  virtual ~FlowExchange() = default;
  virtual int ranks() const = 0;
  virtual int rank() const = 0;
  /// send[q] goes to rank q (this one included); returns what each rank sent to this one, by rank.
  virtual std::vector<std::vector<std::byte>> Alltoall(const std::vector<std::vector<std::byte>>& send) = 0;
  virtual void Agree(const std::function<void()>& local) = 0;
};

/// The kFlows pass of this rank's `partitions` (p ≡ rank mod ranks), each partition attaching nothing but
/// the catalog: the sources that live in other partitions — ref targets by key (sent to the owner of the
/// key's partition), a mentioned actor's latest item before a time and the earliest press or PR item of
/// a URL (asked of every rank) — and, for an incremental pass, every partition's new items, reach each
/// rank through `exchange` and are held in a temporary table the flow SQL reads beside the partition's
/// own items. The flows equal RunPartitionPasses's; no partition is read by another process. Returns the
/// items whose flows were redone on this rank, and what it asked and received in `counts` when given.
/// Collective.
struct FlowExchangeCounts {
  std::uint64_t fresh_rows = 0;     // new items received (incremental pass)
  std::uint64_t keys_asked = 0;     // ref target keys asked of their partitions' owners
  std::uint64_t latest_asked = 0;   // (actor, time) asked of every rank
  std::uint64_t urls_asked = 0;     // URLs asked of every rank
  std::uint64_t rows_received = 0;  // source items received (an item answering two rounds counted twice)
  std::uint64_t rounds = 0;         // rounds of asking and answering (PartitionPassPlan::exchange_batch)
};
std::uint64_t RunExchangedFlowPasses(const PartitionPassPlan& plan, const std::vector<int>& partitions,
                                     FlowExchange& exchange, FlowExchangeCounts* counts = nullptr);

/// A distributed ingest's partition owners (docs/cluster.md), as the process running Ingest sees them:
/// partition p is written by owner p mod count(), owner 0 being that process. Ingest sends each other
/// owner its partitions' share of every batch and the steps of its transactions (requests it encodes);
/// each owner answers every request but a held write (PartitionServer::Answers), in order, with what its
/// PartitionServer::Answer returns.
class PartitionOwners {
 public:
  virtual ~PartitionOwners() = default;
  /// Number of owners (≥ 1): the ranks of the job.
  virtual int count() const = 0;
  /// Sends a request to owner `owner` (1 ≤ owner < count()).
  virtual void Send(int owner, std::vector<std::byte> request) = 0;
  /// That owner's answer to the oldest request not yet answered.
  virtual std::vector<std::byte> Receive(int owner) = 0;
};

/// The owner's side: opens its partitions when told, writes the items routed to them (the same
/// statements as Ingest's own writers, its partitions in parallel), runs their transactions, closes
/// them. Throws relais::Error when SQLite fails or a request is malformed.
class PartitionServer {
 public:
  explicit PartitionServer(int threads);
  ~PartitionServer();
  PartitionServer(const PartitionServer&) = delete;
  PartitionServer& operator=(const PartitionServer&) = delete;

  /// The answer to one request (the bytes Ingest sent through PartitionOwners::Send).
  std::vector<std::byte> Answer(std::span<const std::byte> request);
  /// Whether a request is answered: a write whose answer is held (taken later by another request) is not.
  static bool Answers(std::span<const std::byte> request);
  /// True once Ingest closed the partitions (no more requests come).
  bool closed() const;
  /// Items written (new or upgraded) into this owner's partitions, and the partitions it opened.
  std::uint64_t items_written() const;
  const std::vector<int>& partitions() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct IngestOptions {
  std::vector<std::string> paths;        // files or folders
  std::optional<Format> format;          // nullopt = sniff each file
  ReadOptions read;                      // CSV, dates, encoding
  std::vector<std::string> actor_files;  // user registry CSVs, applied over Registry::Builtin()
  int threads = 0;                       // 0 = every core
  /// Partitions of a new store (1..kMaxPartitions); 0 = from the inputs' size (PartitionsFor).
  /// Ignored once the store holds items: its partitioning is fixed.
  int partitions = 0;
  std::string args;                                        // the command line, kept in ingest_runs
  std::size_t commit_every = 20000;                        // records per transaction
  std::function<void(const IngestProgress&)> on_progress;  // optional: about once a second, then per partition
  /// Registry to use instead of Builtin()+actor_files (tests).
  const Registry* registry = nullptr;
  /// Distributed ingest (docs/cluster.md): when set, Ingest takes its file_index-th input file
  /// (IngestInputFiles order) as parsed elsewhere instead of reading the file itself, one piece at a time
  /// (piece = 0, 1, … until an empty answer): the bytes of ParseIngestInput (one piece), or those of
  /// ParseIngestRange for consecutive byte ranges covering the file, in file order. Every piece is asked
  /// for, even after a read error (whose range ends what is kept, as one reading would). The store comes
  /// out as if Ingest had read the file.
  std::function<std::vector<std::byte>(std::size_t file_index, std::size_t piece)> parsed_input;
  /// Distributed ingest: when set, Ingest hands each phase of the partition passes to it (kIndex, then
  /// kFlows, once each, with no connection of its own open on a partition) instead of running
  /// RunPartitionPasses on every partition itself; it returns what RunPartitionPasses would, summed over
  /// the partitions, once every partition's pass is done.
  std::function<std::uint64_t(const PartitionPassPlan&, PartitionPass)> partition_passes;
  /// Distributed ingest: when set, the partitions of owners other than 0 are written by those owners
  /// (their PartitionServer), not on connections of this process; nullptr = every partition here.
  PartitionOwners* owners = nullptr;
};

/// An input that could not be ingested (unreadable, unrecognised format, read error midway).
struct FailedInput {
  std::string path;
  std::string message;
};

struct IngestResult {
  IngestCounts total;
  std::map<std::string, std::uint64_t> by_reason;   // quarantine reason → records
  std::map<std::string, IngestCounts> by_format;    // format name → counts
  std::map<std::string, std::uint64_t> time_notes;  // plausible-time rule (docs/time.md): note → items
  std::uint64_t expansions_added = 0;               // items only seen inside other records
  std::uint64_t files = 0;                          // inputs processed (failed ones included)
  std::vector<FailedInput> failed_files;
  double seconds = 0;
  /// Wall-clock seconds of the run's phases (benchmarks): reading, parsing and writing the files,
  /// building the secondary indexes, recomputing the flows.
  double files_seconds = 0;
  double index_seconds = 0;
  double flow_seconds = 0;
  /// Flows: false when every flow was computed (a first load), true when only those of the items
  /// the new data can change were (flow_items_redone of them).
  bool flows_incremental = false;
  std::uint64_t flow_items_redone = 0;
};

/// Partitions for a new store whose inputs weigh `input_bytes` (as stored, compressed or not):
/// one per GiB, at most kMaxPartitions. Tied to the data, not to the machine, so that a store
/// reads the same on any machine and a later, larger run still has room to write in parallel.
int PartitionsFor(std::uint64_t input_bytes);

/// Reads every input into the store, recomputes flows, rewrites quarantine.jsonl and manifest.json.
/// Per-record problems are quarantined; a file that cannot be read or recognised is listed in
/// failed_files while the others are still ingested. Throws relais::Error for fatal problems
/// (bad --actors file, store I/O).
IngestResult Ingest(Store& store, const IngestOptions& options);

/// The input files of a run in the order Ingest reads them (folders expanded, sorted); a path that
/// cannot be listed is appended to *failed (as Ingest reports it).
std::vector<std::filesystem::path> IngestInputFiles(const IngestOptions& options, std::vector<FailedInput>* failed);

/// Reads, hashes and parses one input file as Ingest would, apart from any store (`options.threads`
/// threads): the bytes IngestOptions::parsed_input hands back. An unrecognised format or a read error
/// midway travels in the bytes (Ingest records them as it would have); a file that cannot be read at
/// all (not even hashed) throws relais::Error (kIo).
std::vector<std::byte> ParseIngestInput(const std::filesystem::path& file, const IngestOptions& options);

/// Throws relais::Error (kIo, naming the file) when `file` cannot be opened and read: the failure that
/// makes ParseIngestInput and ParseIngestRange throw, found without parsing (a distributed ingest checks
/// every input before writing anything, then parses them as it writes).
void CheckInputReadable(const std::filesystem::path& file);

/// True when `file` can be cut into byte ranges on line boundaries and each range parsed apart (a
/// distributed ingest): not compressed, and its format (options.format or sniffed) is read line by line
/// (JSONL formats; CSV and documents are not, their records may span lines). False when it cannot be read.
bool SplittableInput(const std::filesystem::path& file, const IngestOptions& options);

/// Like ParseIngestInput, for the lines of a splittable file that start in the byte range [begin, end):
/// the range is moved to line starts (a line belongs to the range holding its first byte), so
/// consecutive ranges covering the file parse every line once. Line numbers are counted from the
/// range's first line and made the file's by Ingest, which adds the lines of the ranges before (each
/// range records its count). The range starting at 0 carries the whole file's hash (it reads the file
/// once more to compute it); the others none.
std::vector<std::byte> ParseIngestRange(const std::filesystem::path& file, const IngestOptions& options,
                                        std::uint64_t begin, std::uint64_t end);

/// A record made ready for the store: press/PR keys final, URLs canonical.
struct PreparedRecord {
  ParsedRecord record;
  /// Per item, the raw form of each of items[i].links (same order).
  std::vector<std::vector<std::string>> raw_links;
  /// Per item, the item keys of status URLs embedded in an article/release (text or links).
  std::vector<std::vector<std::string>> embeds;
  /// What the plausible-time rule did to this record's items (ApplyTimeRule's notes).
  std::vector<std::string> time_notes;
  /// Per item, where it was posted, resolved with the built-in gazetteer from its strongest evidence
  /// that resolves (geotag > place > press dateline); unresolved (evidence kNone) when none does.
  std::vector<geo::Place> places;
  /// Per item, its author's profile location (ItemRecord::author_location) resolved; kNone when empty.
  std::vector<geo::Place> author_places;
};

/// The press/PR key: the canonical URL, or "press:sha256-" + Sha256Hex(outlet + "\n" + ISO time
/// + "\n" + title) when there is no http(s) URL. `outlet` is the author's key.
std::string PressItemKey(const ItemRecord& item);

/// Finalises a parsed record: keys for press/PR, canonical url and links (raw kept, duplicates
/// within an item dropped), mentions without '@', status URLs embedded in articles.
PreparedRecord PrepareRecord(ParsedRecord record);

/// The writer: actor upserts (catalog), items with ON CONFLICT(key), refs, urls, hashtags, mentions
/// (each in its item's partition), quarantine rows (catalog). Item ids are given in input order,
/// store-wide. Built on a Store alone it writes through db() and the caller brackets calls with
/// Begin()/Commit(); built with one connection per partition (Store::OpenPartition) it writes the
/// partitions in parallel and the caller runs the transactions of every connection.
class StoreWriter {
 public:
  /// kPending: written by another owner, whose answer is held (ReceiveHeld, TakeAccepted).
  enum class Outcome { kAccepted, kDuplicate, kPending };

  StoreWriter(Store& store, const Registry& registry);
  StoreWriter(Store& store, const Registry& registry, std::vector<sqlite3*> partition_dbs);
  /// As above, the partitions whose connection is nullptr written by their owners (IngestOptions::owners).
  StoreWriter(Store& store, const Registry& registry, std::vector<sqlite3*> partition_dbs, PartitionOwners* owners);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  /// Writes items[0] (the record) and its expansions. An existing full item with the same key
  /// makes the record a duplicate; an existing expansion-only item is upgraded (accepted).
  Outcome Write(const PreparedRecord& record);
  /// Writes records in order (outcomes[i] for records[i]); partitions in parallel when possible.
  void WriteBatch(const std::vector<const PreparedRecord*>& records, std::vector<Outcome>& outcomes);
  /// Number of expansion items newly stored so far (those of held answers once received).
  std::uint64_t expansions_added() const;
  /// The account that the answers of the records written from now on are credited to (TakeAccepted).
  void CreditTo(std::uint64_t account);
  /// Receives the answers the other owners hold for the batches written since the last call (a distributed
  /// writer does not wait for them batch by batch): call it before reading the outcomes it left pending.
  void ReceiveHeld();
  /// How many records of `account` left pending turned out accepted (the others were duplicates), once
  /// received; forgets the account.
  std::uint64_t TakeAccepted(std::uint64_t account);
  /// Forgets what the writer remembers of the store (actor ids, stored keys): call it after a
  /// rollback of writes made through it.
  void ForgetCaches();
  /// What it remembers of actors (ids by key, profile locations written) holds at most `entries` of each
  /// (default 2^20: ~70 MiB each), forgotten when full: memory that does not grow with the corpus's accounts.
  void LimitCaches(std::size_t entries);
  /// The actors whose profile location it wrote since the last call, sorted, each once (their homes are
  /// recomputed by an incremental ingest).
  std::vector<std::int64_t> TakeProfileActors();

  /// Stores a quarantined record; `ordinal` tells apart several diagnostics of one line.
  void Quarantine(const Diagnostic& d, std::string_view sha256, std::uint32_t ordinal);

  /// The actor id for a record's author (upserted; class/region/public from the registry).
  std::int64_t UpsertActor(const ActorRecord& actor);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Recomputes every flow except `reuse` from items, refs, mentions and urls, in one transaction.
/// Returns the number of flows written.
std::uint64_t RecomputeFlows(Store& store);

/// Rewrites DIR/quarantine.jsonl from the quarantine table (atomically: tmp + rename).
void WriteQuarantineJsonl(Store& store);

/// Rewrites DIR/manifest.json from the inputs table (atomically: tmp + rename).
void WriteManifest(Store& store);

}  // namespace relais::corpora
