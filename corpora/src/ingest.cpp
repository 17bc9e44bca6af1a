// Ingest(): every input file through its reader into the store, with accounting per format and
// reason, the inputs table, ingest_runs, then flows, quarantine.jsonl and manifest.json.
// The records of a batch are routed to their partitions (Store::PartitionOf) and each partition is
// written on a connection of its own, in parallel; flows are then computed per partition, in parallel.
// Crash safety: SQLite WAL + one transaction per batch of records on every connection (the catalog
// commits first, so a partition never holds an item whose actor is not committed); a file's counts
// and its `complete` flag are committed with its last batch. Rerunning after a kill re-reads everything:
// committed items come back as duplicates and the rest is stored exactly as a clean run would.
// A file's SHA-256 is computed on its own thread while the file is parsed and written; nothing
// of the file is committed before it is known (its inputs row goes into the first commit).
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/geo_store.hpp"
#include "relais/corpora/search_index.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <mutex>
#include <utility>

#include "detail/ingest_pipeline.hpp"
#include "detail/parsed_input.hpp"
#include "detail/partition_owner.hpp"
#include "detail/store_detail.hpp"
#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"
#include "relais/corpora/input.hpp"

namespace relais::corpora {
using detail::ExecOn;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kSniffBytes = 64 * 1024;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Files up to this size share a transaction with the files before and after them (Ingest).
constexpr std::uint64_t kGroupedFileBytes = 1u << 20;
// The held rows a distributed ingest gathers for an owner before sending them (detail::CoalescingOwners).
constexpr std::size_t kHeldBatchBytes = 1u << 20;

/// SHA-256 of the file's bytes as stored (compressed when compressed); `expected_size` (its size when
/// listed) only sizes the read buffer.
std::string FileSha256(const std::filesystem::path& path, std::uint64_t expected_size, std::uint64_t* size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kIo, "cannot open " + path.string());
  Sha256 sha;
  std::vector<char> buf(std::clamp<std::uint64_t>(expected_size, 1 << 16, 1 << 20));
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::streamsize n = in.gcount();
    if (n > 0) sha.Update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    *size += static_cast<std::uint64_t>(std::max<std::streamsize>(n, 0));
  }
  if (in.bad()) throw Error(ErrorKind::kIo, "cannot read " + path.string());
  return sha.FinishHex();
}

std::string SniffHead(const std::filesystem::path& path) {
  auto in = OpenInput(path);
  std::string head(kSniffBytes, '\0');
  std::size_t got = 0;
  while (got < head.size()) {
    std::size_t n = in->Read(head.data() + got, head.size() - got);
    if (n == 0) break;
    got += n;
  }
  head.resize(got);
  return head;
}

/// A file opened for reading with stdio, closed on destruction.
class CFile {
 public:
  explicit CFile(const std::filesystem::path& path) : path_(path.string()), f_(std::fopen(path_.c_str(), "rb")) {
    if (!f_) throw Error(ErrorKind::kIo, "cannot open " + path_ + ": " + std::strerror(errno));
  }
  ~CFile() { std::fclose(f_); }
  CFile(const CFile&) = delete;
  CFile& operator=(const CFile&) = delete;

  void Seek(std::uint64_t offset) {
    if (fseeko(f_, static_cast<off_t>(offset), SEEK_SET) != 0)
      throw Error(ErrorKind::kIo, "cannot seek in " + path_ + ": " + std::strerror(errno));
  }
  std::size_t Read(char* buf, std::size_t n) {
    const std::size_t got = std::fread(buf, 1, n, f_);
    if (got < n && std::ferror(f_)) throw Error(ErrorKind::kIo, "cannot read " + path_ + ": " + std::strerror(errno));
    return got;
  }

 private:
  std::string path_;
  std::FILE* f_;
};

/// The first line start at or after `offset` in a plain file: `offset` itself when it is 0 or follows
/// a '\n', else just past the next '\n' (the file's size when there is none).
std::uint64_t LineStartAtOrAfter(const std::filesystem::path& path, std::uint64_t offset) {
  if (offset == 0) return 0;
  CFile f(path);
  f.Seek(offset - 1);
  std::string buf(1 << 16, '\0');
  std::uint64_t at = offset - 1;
  while (true) {
    const std::size_t n = f.Read(buf.data(), buf.size());
    if (n == 0) return at;
    if (const void* nl = std::memchr(buf.data(), '\n', n))
      return at + static_cast<std::uint64_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    at += n;
  }
}

/// The bytes [begin, end) of a plain file, counting the '\n' it hands out.
class RangeStream final : public InputStream {
 public:
  RangeStream(const std::filesystem::path& path, std::uint64_t begin, std::uint64_t end)
      : file_(path), left_(end > begin ? end - begin : 0) {
    file_.Seek(begin);
  }
  std::size_t Read(char* buf, std::size_t n) override {
    const std::size_t got = file_.Read(buf, static_cast<std::size_t>(std::min<std::uint64_t>(n, left_)));
    left_ -= got;
    newlines_ += static_cast<std::uint64_t>(std::count(buf, buf + got, '\n'));
    return got;
  }
  std::uint64_t newlines() const { return newlines_; }

 private:
  CFile file_;
  std::uint64_t left_;
  std::uint64_t newlines_ = 0;
};

/// The SHA-256 and size of a file, computed from construction on (on a thread of its own for a large file).
class PendingSha {
 public:
  /// Hashes a small file (by `listed_size`, its size when listed) here and now (a thread would cost more
  /// than its hash), a larger one on a thread of its own while the file is parsed.
  PendingSha(std::filesystem::path path, std::uint64_t listed_size) {
    const bool small = listed_size <= kGroupedFileBytes;
    auto hash = [p = std::move(path), listed_size] {
      std::uint64_t size = 0;
      std::string hex = FileSha256(p, listed_size, &size);
      return std::make_pair(std::move(hex), size);
    };
    if (!small) {
      future_ = std::async(std::launch::async, std::move(hash));
      return;
    }
    try {
      value_ = hash();
    } catch (...) {
      error_ = std::current_exception();
    }
  }
  /// A hash computed elsewhere (the process that read the file: distributed ingest).
  PendingSha(std::string hex, std::uint64_t size) : value_(std::make_pair(std::move(hex), size)) {}

  bool ready() const {
    return value_ || error_ || future_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
  /// Waits for the hash; rethrows what hashing threw.
  const std::string& hex() {
    Resolve();
    return value_->first;
  }
  std::uint64_t size() {
    Resolve();
    return value_->second;
  }

 private:
  void Resolve() {
    if (value_) return;
    if (!error_) {
      try {
        value_ = future_.get();
        return;
      } catch (...) {
        error_ = std::current_exception();
      }
    }
    std::rethrow_exception(error_);
  }
  std::future<std::pair<std::string, std::uint64_t>> future_;
  std::optional<std::pair<std::string, std::uint64_t>> value_;
  std::exception_ptr error_;
};

bool NeedsDecoding(Format f) { return f == Format::kPressCsv || f == Format::kPrCsv || f == Format::kRss; }

/// Where and how one input file was ingested by one run.
struct InputRow {
  std::int64_t run_id = 0;
  std::string sha256;
  std::string path;
  std::uint64_t size = 0;
  std::string format;
};

/// Records each file in `inputs` (its latest ingest) and in `input_runs` (this run's counts), on statements
/// prepared once for the run (a corpus of small files records two rows a file, twice).
class InputRecorder {
 public:
  explicit InputRecorder(sqlite3* catalog)
      : input_(catalog,
               "INSERT INTO inputs(sha256, path, size, format, read, accepted, duplicates, quarantined, complete, "
               "error) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(sha256) DO UPDATE SET "
               "path = excluded.path, size = excluded.size, format = excluded.format, read = excluded.read, "
               "accepted = excluded.accepted, duplicates = excluded.duplicates, quarantined = excluded.quarantined, "
               "complete = excluded.complete, error = excluded.error"),
        run_(catalog,
             "INSERT INTO input_runs(run_id, sha256, path, read, accepted, duplicates, quarantined, complete, "
             "error) VALUES(?11, ?1, ?2, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(run_id, sha256) DO UPDATE SET "
             "path = excluded.path, read = excluded.read, accepted = excluded.accepted, "
             "duplicates = excluded.duplicates, quarantined = excluded.quarantined, complete = excluded.complete, "
             "error = excluded.error") {}

  void Record(const InputRow& in, const IngestCounts& c, bool complete, std::string_view error) {
    for (Statement* s : {&input_, &run_}) {
      s->Bind(1, in.sha256).Bind(2, in.path).Bind(3, static_cast<std::int64_t>(in.size)).Bind(4, in.format);
      s->Bind(5, static_cast<std::int64_t>(c.read)).Bind(6, static_cast<std::int64_t>(c.accepted));
      s->Bind(7, static_cast<std::int64_t>(c.duplicates)).Bind(8, static_cast<std::int64_t>(c.quarantined));
      s->Bind(9, static_cast<std::int64_t>(complete ? 1 : 0));
      if (error.empty()) {
        s->BindNull(10);
      } else {
        s->Bind(10, error);
      }
    }
    input_.Run();
    run_.Bind(11, in.run_id);
    run_.Run();
  }

 private:
  Statement input_;
  Statement run_;
};

/// The catalog connection and one connection per partition this process writes (all of them, or those of
/// owner 0 when `owners` is set: the others are opened, written and closed by their owners), with
/// transactions over all of them. RELAIS_FAULT_AFTER_BATCHES=N kills the process (SIGKILL) right after the
/// N-th commit: the fault-injection point of the kill-and-rerun tests.
class Connections {
 public:
  /// `fresh`: a first load, written without a journal and without the partitions' secondary indexes.
  Connections(Store& store, PartitionOwners* owners, bool fresh) : store_(store), owners_(owners) {
    if (const char* fault = std::getenv("RELAIS_FAULT_AFTER_BATCHES")) fault_after_ = std::atoll(fault);
    std::vector<std::vector<std::pair<int, std::string>>> theirs(owners ? owners->count() : 1);
    for (int p = 0; p < store.partitions(); ++p) {
      const int owner = owners ? detail::OwnerOfPartition(p, *owners) : 0;
      if (owner == 0) {
        handles_.emplace_back(store.OpenPartition(p));
        parts_.push_back(handles_.back().get());
      } else {
        parts_.push_back(nullptr);
        theirs[static_cast<std::size_t>(owner)].emplace_back(p, store.PartitionPath(p).string());
      }
    }
    if (fresh) ForEachPartition([](std::size_t, sqlite3* db) { detail::PrepareFirstLoad(db); });
    if (!owners) return;
    for (int o = 1; o < owners->count(); ++o) owners->Send(o, detail::OpenRequest(theirs[o], fresh));
    for (int o = 1; o < owners->count(); ++o) owners->Receive(o);
  }
  ~Connections() {
    try {
      Close();
    } catch (...) {  // an owner that failed ends the job itself
    }
  }
  Connections(const Connections&) = delete;
  Connections& operator=(const Connections&) = delete;

  /// This process's connections, by partition (nullptr for the partitions of other owners).
  const std::vector<sqlite3*>& parts() const { return parts_; }
  PartitionOwners* owners() const { return owners_; }

  void Begin() {
    store_.Begin();
    Everywhere(detail::OwnerOp::kBegin, [](sqlite3* db) { ExecOn(db, "BEGIN IMMEDIATE"); });
  }
  void Commit() {
    store_.Commit();
    Everywhere(detail::OwnerOp::kCommit, [](sqlite3* db) { ExecOn(db, "COMMIT"); });
    // After the partitions: a reader that sees the new counter sees their data (Store::ContentVersion).
    store_.BumpContentVersion();
    if (fault_after_ > 0 && ++commits_ >= fault_after_) std::raise(SIGKILL);
  }
  void Rollback() {
    store_.Rollback();
    Everywhere(detail::OwnerOp::kRollback,
               [](sqlite3* db) { sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr); });
  }
  /// Runs `f(partition index, connection)` for every partition this process writes, in parallel.
  template <typename F>
  void ForEachPartition(F&& f) {
    tbb::parallel_for(std::size_t{0}, parts_.size(), [&](std::size_t p) {
      if (parts_[p]) f(p, parts_[p]);
    });
  }
  /// Closes every connection, the owners' too (they answer once theirs are closed).
  void Close() {
    if (closed_) return;
    closed_ = true;
    handles_.clear();
    if (owners_) detail::AskOtherOwners(*owners_, detail::OwnerRequest(detail::OwnerOp::kClose));
  }

 private:
  // `step` on this process's partitions while the other owners run `op` on theirs.
  template <typename Step>
  void Everywhere(detail::OwnerOp op, Step&& step) {
    if (owners_) {
      for (int o = 1; o < owners_->count(); ++o) owners_->Send(o, detail::OwnerRequest(op));
    }
    for (sqlite3* db : parts_)
      if (db) step(db);
    if (owners_) {
      for (int o = 1; o < owners_->count(); ++o) owners_->Receive(o);
    }
  }

  Store& store_;
  PartitionOwners* owners_ = nullptr;
  std::vector<detail::Connection> handles_;  // this process's partitions
  std::vector<sqlite3*> parts_;              // by partition: a handle's connection, or nullptr (another owner's)
  long long fault_after_ = 0;
  long long commits_ = 0;
  bool closed_ = false;
};

/// An exclusive lock on DIR/ingest.lock for the run: a second ingest into the store refuses.
class IngestLock {
 public:
  explicit IngestLock(const std::filesystem::path& dir) {
    const auto path = dir / "ingest.lock";
    fd_ = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(ErrorKind::kIo, "cannot open " + path.string() + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw Error(ErrorKind::kData,
                  "another relais ingest is writing " + dir.string() + " (wait for it to finish, then rerun)");
    }
  }
  ~IngestLock() { ::close(fd_); }
  IngestLock(const IngestLock&) = delete;
  IngestLock& operator=(const IngestLock&) = delete;

 private:
  int fd_ = -1;
};

/// State of the ingest of one file, fed by the pipeline's serial sink.
class FileIngest {
 public:
  /// `in_transaction`: records already written in the open transaction by earlier files (a group of small
  /// files shares one transaction); the commit points count from there.
  /// `account`: this file's, for the answers a distributed writer holds (StoreWriter::CreditTo);
  /// `before_commit`: what the run does before any commit (the held answers taken, earlier files finished).
  FileIngest(InputRecorder& inputs, Connections& tx, StoreWriter& writer, const IngestOptions& options, PendingSha& sha,
             InputRow row, IngestResult& result, const std::string& format_name, std::function<void()> progress,
             std::size_t in_transaction, std::uint64_t account, std::function<void()> before_commit)
      : inputs_(inputs),
        tx_(tx),
        writer_(writer),
        options_(options),
        sha_(sha),
        row_(std::move(row)),
        result_(result),
        format_name_(format_name),
        progress_(std::move(progress)),
        before_commit_(std::move(before_commit)),
        in_transaction_(in_transaction),
        account_(account) {}

  void Consume(std::vector<detail::PreparedOutcome>& batch) {
    // Records go to the writer in runs between commit points, each run written in one WriteBatch.
    std::size_t begin = 0;
    while (begin < batch.size()) {
      const std::size_t every = std::max<std::size_t>(options_.commit_every, 1);
      const std::size_t room = in_transaction_ < every ? every - in_transaction_ : every;
      const std::size_t end = std::min(batch.size(), begin + room);
      records_.clear();
      for (std::size_t i = begin; i < end; ++i) {
        if (auto* rec = std::get_if<PreparedRecord>(&batch[i].value)) records_.push_back(rec);
      }
      writer_.CreditTo(account_);
      writer_.WriteBatch(records_, outcomes_);
      std::size_t next_outcome = 0;
      for (std::size_t i = begin; i < end; ++i) Account(batch[i], outcomes_, next_outcome);
      begin = end;
    }
    if (progress_) progress_();
  }

  void Account(detail::PreparedOutcome& o, const std::vector<StoreWriter::Outcome>& outcomes, std::size_t& next) {
    {
      ++counts_.read;
      if (auto* rec = std::get_if<PreparedRecord>(&o.value)) {
        for (const auto& note : rec->time_notes) ++time_notes_[note];
        switch (outcomes[next++]) {
          case StoreWriter::Outcome::kAccepted:
            ++counts_.accepted;
            break;
          case StoreWriter::Outcome::kDuplicate:
            ++counts_.duplicates;
            break;
          case StoreWriter::Outcome::kPending:  // accepted or duplicate: ResolveHeld
            ++pending_;
            break;
        }
      } else {
        const auto& d = std::get<Diagnostic>(o.value);
        writer_.Quarantine(d, Sha(), o.ordinal);
        ++counts_.quarantined;
        ++by_reason_[d.reason.empty() ? "unknown" : d.reason];
      }
      ++in_transaction_;
      // Nothing is committed before the file's hash is known, unless the transaction grows
      // past 16 batches: then the writer waits for the hash.
      if (in_transaction_ >= options_.commit_every &&
          (sha_.ready() || in_transaction_ >= 16 * std::max<std::size_t>(options_.commit_every, 1))) {
        Sha();
        if (before_commit_) before_commit_();
        tx_.Commit();
        tx_.Begin();
        in_transaction_ = 0;
      }
    }
  }

  /// The file's hash (waits for it); the first call also records the file as an incomplete input.
  const std::string& Sha() {
    if (!input_recorded_) {
      row_.sha256 = sha_.hex();
      row_.size = sha_.size();
      inputs_.Record(row_, {}, false, "");
      input_recorded_ = true;
    }
    return row_.sha256;
  }

  /// Whether some of its records' outcomes wait for answers held by other owners (ResolveHeld).
  bool pending() const { return pending_ > 0; }
  /// Counts the records left pending as accepted or duplicates (after StoreWriter::ReceiveHeld).
  void ResolveHeld() {
    const std::uint64_t accepted = writer_.TakeAccepted(account_);
    counts_.accepted += accepted;
    counts_.duplicates += pending_ - accepted;
    pending_ = 0;
  }
  /// Done reading: the file's end is recorded later (Finish, Publish), once its pending outcomes are
  /// resolved; nothing of the loop that read it is used after this.
  void StopReading(std::string error) {
    error_ = std::move(error);
    progress_ = nullptr;
    before_commit_ = nullptr;
  }
  const std::string& error() const { return error_; }

  /// Records the file's final counts (after Sha() succeeded).
  void Finish(const std::string& error) { inputs_.Record(row_, counts_, error.empty(), error); }

  /// Adds this file's counts to the run's result.
  void Publish() {
    result_.total += counts_;
    result_.by_format[format_name_] += counts_;
    for (const auto& [reason, n] : by_reason_) result_.by_reason[reason] += n;
    for (const auto& [note, n] : time_notes_) result_.time_notes[note] += n;
  }

  const IngestCounts& counts() const { return counts_; }
  /// Records written in the open transaction (this file's and the earlier files' of its group).
  std::size_t in_transaction() const { return in_transaction_; }

 private:
  InputRecorder& inputs_;
  Connections& tx_;
  StoreWriter& writer_;
  const IngestOptions& options_;
  PendingSha& sha_;
  InputRow row_;
  IngestResult& result_;
  std::string format_name_;
  std::function<void()> progress_;
  std::function<void()> before_commit_;
  IngestCounts counts_;
  std::map<std::string, std::uint64_t> by_reason_, time_notes_;
  std::size_t in_transaction_ = 0;
  std::uint64_t account_ = 0;
  std::uint64_t pending_ = 0;  // records whose outcome another owner holds
  std::string error_;
  bool input_recorded_ = false;
  std::vector<const PreparedRecord*> records_;
  std::vector<StoreWriter::Outcome> outcomes_;
};

Registry LoadRegistry(const IngestOptions& options) {
  Registry registry = Registry::Builtin();
  for (const auto& f : options.actor_files) registry.LoadCsv(f);
  return registry;
}

/// Partition p's secondary indexes. On a first load they are built without a journal (as the items
/// were written) and the partition then turns to WAL, so that the other partitions' flow passes can
/// read it while its own pass writes.
void IndexPartition(const PartitionPassPlan& plan, int p) {
  const detail::Connection conn = detail::OpenPartitionFile(plan.partitions.at(static_cast<std::size_t>(p)));
  if (plan.fresh) {
    ExecOn(conn.get(), "PRAGMA journal_mode=MEMORY");
    ExecOn(conn.get(), "PRAGMA synchronous=OFF");
  }
  detail::PartitionIndexes(conn.get(), true);
  if (plan.fresh) ExecOn(conn.get(), "PRAGMA journal_mode=WAL");
}

/// Partition p's flows, then its search index. Its connection attaches the catalog (for actors) and
/// the other partitions (for the sources), which other processes may be writing the flows of (WAL).
/// Returns the items whose flows were redone.
std::uint64_t FlowPartition(const PartitionPassPlan& plan, int p) {
  const detail::Connection conn = detail::OpenPartitionFile(plan.partitions.at(static_cast<std::size_t>(p)));
  sqlite3* db = conn.get();
  const int n = static_cast<int>(plan.partitions.size());
  std::vector<std::string> prefixes;
  {
    Statement at(db, "ATTACH DATABASE ? AS cat");
    at.Bind(1, plan.catalog).Run();
  }
  for (int q = 0; q < n; ++q) {
    if (q == p) {
      prefixes.push_back("main.");
      continue;
    }
    Statement at(db, "ATTACH DATABASE ? AS " + Store::PartitionSchema(q));
    at.Bind(1, plan.partitions[static_cast<std::size_t>(q)]).Run();
    prefixes.push_back(Store::PartitionSchema(q) + ".");
  }
  std::string view = "CREATE TEMP VIEW all_items AS ";
  for (std::size_t k = 0; k < prefixes.size(); ++k) {
    if (k) view += " UNION ALL ";
    view += std::string("SELECT ") + detail::kFlowSourceColumns + " FROM " + prefixes[k] + "items";
  }
  ExecOn(db, view);
  // Deferred: BEGIN IMMEDIATE would take the write lock of every attached partition too.
  ExecOn(db, "BEGIN");
  const std::uint64_t redone = detail::WritePartitionFlows(db, plan, detail::FlowSources::AllAttached(prefixes));
  ExecOn(db, "DROP VIEW temp.all_items");
  for (int q = 0; q < n; ++q) {
    if (q != p) ExecOn(db, "DETACH DATABASE " + Store::PartitionSchema(q));
  }
  ExecOn(db, "DETACH DATABASE cat");
  // Full-text index of the partition's new items (read by relais serve's /api/search).
  UpdatePartitionSearchIndex(db);
  return redone;
}

/// Moves every page of the catalog's WAL into its file and empties the WAL (a no-op outside WAL mode).
void CheckpointCatalog(Store& store) {
  Statement st(store.db(), "PRAGMA main.wal_checkpoint(TRUNCATE)");
  if (st.Step() && st.Int(0) != 0)
    throw Error(ErrorKind::kIo, "cannot checkpoint the catalog " + store.CatalogPath().string() +
                                    " before the partition passes: another connection is reading it");
}

/// The marks a flow pass that starts now leaves behind: the largest item and actor ids.
detail::FlowMarks MarksNow(Store& store, Connections& conns) {
  detail::FlowMarks m;
  for (sqlite3* db : conns.parts()) {
    if (!db) continue;  // another owner's
    Statement st(db, "SELECT coalesce(max(id), 0) FROM items");
    if (st.Step()) m.items = std::max(m.items, st.Int(0));
  }
  if (conns.owners()) m.items = std::max(m.items, detail::OtherOwnersMaxId(*conns.owners()));
  Statement st(store.db(), "SELECT coalesce(max(id), 0) FROM actors");
  if (st.Step()) m.actors = st.Int(0);
  return m;
}

/// The marks of the last completed flow pass, when there is one.
std::optional<detail::FlowMarks> LastMarks(const Store& store) {
  const std::string items = store.GetMeta("flows_items_done");
  const std::string actors = store.GetMeta("flows_actors_done");
  if (items.empty() || actors.empty()) return std::nullopt;
  return detail::FlowMarks{std::atoll(items.c_str()), std::atoll(actors.c_str())};
}

/// The authors of the items newer than `since` or upgraded from an expansion (flow_pending, with the author
/// an upgrade replaced), and `profile_actors`: the actors whose home an incremental ingest may have changed.
std::vector<std::int64_t> ActorsToRelocate(Store& store, const detail::FlowMarks& since,
                                           std::vector<std::int64_t> profile_actors) {
  std::vector<std::int64_t> actors = std::move(profile_actors);
  for (int p = 0; p < store.partitions(); ++p) {
    const std::string s = Store::PartitionSchema(p);
    Statement st(store.db(),
                 "SELECT actor_id FROM " + s +
                     ".items WHERE id > ?1 AND actor_id IS NOT NULL UNION "
                     "SELECT i.actor_id FROM " +
                     s + ".flow_pending f JOIN " + s +
                     ".items i ON i.id = f.item_id WHERE i.actor_id IS NOT NULL UNION SELECT old_actor FROM " + s +
                     ".flow_pending WHERE old_actor IS NOT NULL");
    st.Bind(1, since.items);
    while (st.Step()) actors.push_back(st.Int(0));
  }
  std::sort(actors.begin(), actors.end());
  actors.erase(std::unique(actors.begin(), actors.end()), actors.end());
  return actors;
}

}  // namespace

std::uint64_t RunPartitionPasses(const PartitionPassPlan& plan, const std::vector<int>& partitions, PartitionPass pass,
                                 const std::function<void(int)>& done) {
  std::vector<std::uint64_t> redone(partitions.size(), 0);
  std::mutex done_mutex;
  int finished = 0;
  tbb::parallel_for(std::size_t{0}, partitions.size(), [&](std::size_t k) {
    if (pass == PartitionPass::kIndex) {
      IndexPartition(plan, partitions[k]);
    } else {
      redone[k] = FlowPartition(plan, partitions[k]);
    }
    if (!done) return;
    const std::lock_guard lock(done_mutex);
    done(++finished);
  });
  std::uint64_t total = 0;
  for (const std::uint64_t r : redone) total += r;
  return total;
}

std::vector<std::filesystem::path> IngestInputFiles(const IngestOptions& options, std::vector<FailedInput>* failed) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : options.paths) {
    try {
      auto listed = ListInputFiles({p});
      files.insert(files.end(), listed.begin(), listed.end());
    } catch (const Error& e) {
      failed->push_back(FailedInput{p, e.what()});
    }
  }
  return files;
}

namespace {

/// A byte range of a file, already on line starts (ParseIngestRange).
struct LineRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

/// ParseIngestInput's work on the whole file, or on the lines of `range` (line-oriented files only).
detail::ParsedInput ParseInput(const std::filesystem::path& path, const IngestOptions& options,
                               std::optional<LineRange> range) {
  detail::ParsedInput out;
  out.path = path.string();
  // Only the range at the file's start hashes the file (a range reads the file once more for it).
  std::optional<PendingSha> sha;
  if (!range || range->begin == 0) sha.emplace(path, FileSizeOrZero(path));
  // As Ingest's loop: a file whose head cannot be read or whose format is not recognised is
  // recorded as an unknown input; a read error midway keeps the records before it.
  std::string head;
  std::optional<Format> format;
  try {
    head = SniffHead(path);
    format = options.format ? options.format : SniffFormat(path, head);
    if (!format) out.error = out.path + ": unrecognised format (use --format)";
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  if (format) {
    out.format = std::string(ToString(*format));
    auto reader = MakeReader(*format, options.read);
    const bool by_line = reader->line_oriented_for(head);
    if (range && !by_line)
      throw Error(ErrorKind::kInternal, out.path + ": a byte range of a file that is not read line by line");
    head = std::string();
    const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
    tbb::task_arena arena(threads);
    auto sink = [&](std::vector<detail::PreparedOutcome>& batch) {
      std::move(batch.begin(), batch.end(), std::back_inserter(out.outcomes));
    };
    const std::size_t in_flight = static_cast<std::size_t>(threads) * 2 + 2;
    try {
      arena.execute([&] {
        if (range) {
          RangeStream in(path, range->begin, range->end);
          detail::RunLinePipeline(in, out.path, *reader, in_flight, sink);
          out.lines = in.newlines();
        } else if (by_line) {
          auto in = OpenInput(path);
          detail::RunLinePipeline(*in, out.path, *reader, in_flight, sink);
        } else {
          std::string content = ReadAll(path);
          if (NeedsDecoding(*format)) content = DecodeToUtf8(content, options.read.encoding);
          detail::RunDocument(content, out.path, *reader, sink);
        }
      });
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) throw;
      out.error = e.what();
    }
  }
  if (sha) {
    try {
      out.sha256 = sha->hex();
      out.size = sha->size();
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) throw;
      throw Error(ErrorKind::kIo, e.what());
    }
  }
  return out;
}

bool Compressed(const std::filesystem::path& path) {
  CFile f(path);
  unsigned char magic[4] = {0, 0, 0, 0};
  const std::size_t n = f.Read(reinterpret_cast<char*>(magic), sizeof magic);
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return true;                                // gzip
  return n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd;  // zstd
}

/// The pieces of a distributed ingest's file after the first, received and dropped (an unknown input).
void DrainPieces(const IngestOptions& options, std::size_t file_idx) {
  for (std::size_t piece = 1; !options.parsed_input(file_idx, piece).empty(); ++piece) {
  }
}

/// A distributed ingest's file whose first piece was `first`: every further piece asked for (and
/// received) in order, their outcomes handed to `sink` with the file's line numbers, one piece in memory
/// at a time, until a piece ends on a read error (what a reading of the whole file would have kept).
/// Returns that error, or "".
std::string SinkPieces(const IngestOptions& options, std::size_t file_idx, detail::ParsedInput first,
                       const detail::BatchSink& sink) {
  std::string error = std::move(first.error);
  std::uint64_t lines_before = first.lines;
  sink(first.outcomes);
  first = detail::ParsedInput();
  for (std::size_t piece = 1;; ++piece) {
    std::vector<std::byte> bytes = options.parsed_input(file_idx, piece);
    if (bytes.empty()) break;
    detail::ParsedInput range = detail::DecodeParsedInput(bytes);
    std::vector<std::byte>().swap(bytes);
    if (!error.empty()) continue;
    detail::ShiftLines(range, lines_before);
    lines_before += range.lines;
    sink(range.outcomes);
    error = std::move(range.error);
  }
  return error;
}

}  // namespace

std::vector<std::byte> ParseIngestInput(const std::filesystem::path& path, const IngestOptions& options) {
  return detail::EncodeParsedInput(ParseInput(path, options, std::nullopt));
}

void CheckInputReadable(const std::filesystem::path& file) {
  CFile f(file);
  char byte = 0;
  f.Read(&byte, 1);
}

bool SplittableInput(const std::filesystem::path& file, const IngestOptions& options) {
  try {
    if (Compressed(file)) return false;
    const std::string head = SniffHead(file);
    const std::optional<Format> format = options.format ? options.format : SniffFormat(file, head);
    return format && MakeReader(*format, options.read)->line_oriented_for(head);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInternal) throw;
    return false;
  }
}

std::vector<std::byte> ParseIngestRange(const std::filesystem::path& file, const IngestOptions& options,
                                        std::uint64_t begin, std::uint64_t end) {
  const LineRange range{LineStartAtOrAfter(file, begin), LineStartAtOrAfter(file, end)};
  return detail::EncodeParsedInput(ParseInput(file, options, range));
}

int PartitionsFor(std::uint64_t input_bytes) {
  // One partition per GiB of input: analyses that join items and flows across partitions go through
  // UNION ALL views, which SQLite cannot join by index (an event query on a 3-partition small world took
  // over a minute against 0.2 s on one partition), so stores stay on one partition until that is fixed.
  constexpr std::uint64_t kBytesPerPartition = 1ull << 30;
  const std::uint64_t n = (input_bytes + kBytesPerPartition - 1) / kBytesPerPartition;
  return static_cast<int>(std::clamp<std::uint64_t>(n, 1, kMaxPartitions));
}

IngestResult Ingest(Store& store, const IngestOptions& options) {
  const auto t0 = Clock::now();
  IngestResult result;

  std::optional<Registry> own_registry;
  if (!options.registry) own_registry.emplace(LoadRegistry(options));
  const Registry& registry = options.registry ? *options.registry : *own_registry;

  const std::vector<std::filesystem::path> files = IngestInputFiles(options, &result.failed_files);

  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  tbb::task_arena arena(threads);
  store.Exec("PRAGMA threads=" + std::to_string(threads));

  IngestLock lock(store.dir());

  // A new store loads faster without secondary indexes; they are rebuilt below (and by
  // EnsureIndexes on any later run if this one is killed). Its partitioning is chosen now.
  bool fresh = false;
  {
    Statement st(store.db(), "SELECT NOT EXISTS (SELECT 1 FROM items)");
    fresh = st.Step() && st.Int(0) == 1;
  }
  if (fresh) {
    int n = options.partitions;
    if (n <= 0) {
      std::uint64_t bytes = 0;
      for (const auto& f : files) bytes += FileSizeOrZero(f);
      n = PartitionsFor(bytes);
    }
    store.Repartition(n);
  }
  // The partitions are written on connections of their own; db() keeps the catalog.
  store.DetachPartitions();
  struct Reattach {
    Store& store;
    ~Reattach() {
      try {
        store.AttachPartitions();
      } catch (...) {
      }
    }
  } reattach{store};
  if (fresh) {
    store.DropSecondaryIndexes();
    store.BeginBulkLoad();
  }
  // Held writes travel to their owners in batches (the writer does not wait for their answers); declared
  // before the connections, which use it until they are gone.
  std::optional<detail::CoalescingOwners> coalescing;
  if (options.owners && options.owners->count() > 1) coalescing.emplace(*options.owners, kHeldBatchBytes);
  std::optional<Connections> conns;
  conns.emplace(store, coalescing ? &*coalescing : options.owners, fresh);

  std::int64_t run_id = 0;
  {
    Statement st(store.db(), "INSERT INTO ingest_runs(started, args) VALUES(?, ?)");
    st.Bind(1, NowMs()).Bind(2, options.args).Run();
    run_id = sqlite3_last_insert_rowid(store.db());
  }

  Connections& tx = *conns;
  std::optional<StoreWriter> writer;
  writer.emplace(store, registry, tx.parts(), tx.owners());
  std::optional<InputRecorder> recorder;
  recorder.emplace(store.db());
  InputRecorder& inputs = *recorder;
  auto last_progress = Clock::now();
  std::uint64_t records_before_file = 0;
  // Small files share a transaction: a commit costs one over the catalog and every partition (a few
  // milliseconds), more than a file of a few records (Telegram exports, Bluesky repositories). The open
  // transaction is committed once it holds commit_every records, before a file larger than
  // kGroupedFileBytes, and at the end. A file joins a transaction that holds earlier files only once
  // its hash is known (a file that cannot be hashed is dropped by rolling its transaction back).
  bool in_tx = false;
  std::size_t tx_files = 0, tx_records = 0;
  // A distributed writer does not wait for the other owners' answers batch by batch: files whose counts
  // wait for them are finished (in input order) once the answers are taken, before any commit.
  std::vector<std::unique_ptr<FileIngest>> held_files;
  auto finish_held = [&] {
    writer->ReceiveHeld();
    for (auto& f : held_files) {
      f->ResolveHeld();
      f->Finish(f->error());
      f->Publish();
    }
    held_files.clear();
  };
  auto commit_group = [&] {
    if (!in_tx) return;
    finish_held();
    tx.Commit();
    in_tx = false;
    tx_files = tx_records = 0;
  };

  for (std::size_t file_idx = 0; file_idx < files.size(); ++file_idx) {
    const auto& path = files[file_idx];
    const std::string path_str = path.string();
    ++result.files;
    // Distributed ingest: the file was read, hashed and parsed by another process (or this one).
    std::optional<detail::ParsedInput> parsed;
    if (options.parsed_input) parsed = detail::DecodeParsedInput(options.parsed_input(file_idx, 0));
    // One stat a file: its size decides how it is hashed and whether it joins the open transaction.
    const std::uint64_t listed_size = parsed ? parsed->size : FileSizeOrZero(path);
    PendingSha sha = parsed ? PendingSha(parsed->sha256, parsed->size) : PendingSha(path, listed_size);
    // A file that cannot be hashed is not ingested; otherwise it is recorded as an unknown input.
    auto fail_unknown = [&](const std::string& msg) {
      finish_held();  // the inputs recorded in input order
      try {
        inputs.Record(InputRow{run_id, sha.hex(), path_str, sha.size(), "unknown"}, {}, false, msg);
        result.failed_files.push_back(FailedInput{path_str, msg});
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::kInternal) throw;
        result.failed_files.push_back(FailedInput{path_str, e.what()});
      }
    };

    std::string head;
    std::optional<Format> format = options.format;
    std::string format_name;
    std::unique_ptr<Reader> reader;
    bool by_line = false;
    if (parsed) {
      if (parsed->format.empty()) {
        DrainPieces(options, file_idx);
        fail_unknown(parsed->error);
        continue;
      }
      format_name = parsed->format;
    } else {
      try {
        head = SniffHead(path);
      } catch (const std::exception& e) {
        fail_unknown(e.what());
        continue;
      }
      if (!format) format = SniffFormat(path, head);
      if (!format) {
        fail_unknown(path_str + ": unrecognised format (use --format)");
        continue;
      }
      format_name = std::string(ToString(*format));
      reader = MakeReader(*format, options.read);
      by_line = reader->line_oriented_for(head);
      head = std::string();
    }

    const IngestCounts* live_counts = nullptr;
    auto ingest_counts = [&]() -> const IngestCounts& { return *live_counts; };
    auto progress = [&] {
      if (!options.on_progress) return;
      auto now = Clock::now();
      if (now - last_progress < std::chrono::seconds(1)) return;
      last_progress = now;
      IngestProgress p;
      p.file_index = file_idx;
      p.num_files = files.size();
      p.path = path_str;
      p.records = records_before_file + ingest_counts().read;
      p.seconds = std::chrono::duration<double>(now - t0).count();
      options.on_progress(p);
    };
    const bool small = listed_size <= kGroupedFileBytes;
    if (!small) commit_group();
    if (in_tx && tx_files > 0) {
      try {
        sha.hex();
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::kInternal) throw;
        result.failed_files.push_back(FailedInput{path_str, e.what()});
        continue;
      }
    }
    auto ingest_owned =
        std::make_unique<FileIngest>(inputs, tx, *writer, options, sha, InputRow{run_id, "", path_str, 0, format_name},
                                     result, format_name, progress, tx_records, file_idx, finish_held);
    FileIngest& ingest = *ingest_owned;
    live_counts = &ingest.counts();
    std::string error;
    if (!in_tx) tx.Begin();
    in_tx = true;
    try {
      auto sink = [&](std::vector<detail::PreparedOutcome>& batch) { ingest.Consume(batch); };
      arena.execute([&] {
        if (parsed) {
          error = SinkPieces(options, file_idx, std::move(*parsed), sink);
        } else if (by_line) {
          auto in = OpenInput(path);
          detail::RunLinePipeline(*in, path_str, *reader, static_cast<std::size_t>(threads) * 2 + 2, sink);
        } else {
          std::string content = ReadAll(path);
          if (NeedsDecoding(*format)) content = DecodeToUtf8(content, options.read.encoding);
          detail::RunDocument(content, path_str, *reader, sink);
        }
      });
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) {
        tx.Rollback();
        throw;
      }
      error = e.what();
    }
    try {
      ingest.Sha();
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInternal) {
        tx.Rollback();
        throw;
      }
      // Unhashable: nothing of the file was committed (commits wait for the hash) and its transaction holds
      // no other file (a file joins a group only once hashed); drop it all, its held answers with it.
      writer->ReceiveHeld();
      writer->TakeAccepted(file_idx);
      tx.Rollback();
      in_tx = false;
      tx_files = tx_records = 0;
      writer->ForgetCaches();
      result.failed_files.push_back(FailedInput{path_str, e.what()});
      continue;
    }
    // Records written before a read error stay: they are complete and consistent.
    ++tx_files;
    tx_records = ingest.in_transaction();
    records_before_file += ingest.counts().read;
    if (!error.empty()) result.failed_files.push_back(FailedInput{path_str, error});
    if (ingest.pending() || !held_files.empty()) {
      ingest.StopReading(error);
      held_files.push_back(std::move(ingest_owned));
    } else {
      ingest.Finish(error);
      ingest.Publish();
    }
    if (!small || tx_records >= options.commit_every) commit_group();
  }
  commit_group();
  recorder.reset();

  auto since_t = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  result.files_seconds = since_t(t0);
  const auto t_index = Clock::now();
  store.EnsureIndexes();
  // The partition passes (indexes, flows, search index) open the partitions on connections of their
  // own, here or on their owners' ranks (options.partition_passes): this run's are closed first.
  const std::optional<detail::FlowMarks> since = fresh ? std::nullopt : LastMarks(store);
  const detail::FlowMarks marks = MarksNow(store, tx);
  result.expansions_added = writer->expansions_added();
  const std::vector<std::int64_t> profile_actors = writer->TakeProfileActors();
  writer.reset();  // its statements on the partitions' connections first
  conns.reset();
  own_registry.reset();  // the writer was its only reader (871k actors of a registry: ~350 MiB)
  DropCatalogSearchIndex(store);
  PartitionPassPlan plan;
  plan.catalog = store.CatalogPath().string();
  for (int p = 0; p < store.partitions(); ++p) plan.partitions.push_back(store.PartitionPath(p).string());
  plan.fresh = fresh;
  plan.incremental = since.has_value();
  if (since) plan.items_done = since->items, plan.actors_done = since->actors;
  // The partitions' passes run in the run's arena: --threads bounds them as it bounds the parsing.
  auto run_passes = [&](PartitionPass pass) -> std::uint64_t {
    IngestProgress progress;
    progress.phase = pass == PartitionPass::kIndex ? "indexes" : "flows";
    progress.num_files = files.size();
    progress.records = records_before_file;
    progress.partitions = static_cast<int>(plan.partitions.size());
    const auto report = [&](int done) {
      if (!options.on_progress) return;
      progress.partitions_done = done;
      progress.seconds = since_t(t0);
      options.on_progress(progress);
    };
    report(0);
    if (options.partition_passes) return options.partition_passes(plan, pass);
    std::vector<int> all(plan.partitions.size());
    for (std::size_t p = 0; p < all.size(); ++p) all[p] = static_cast<int>(p);
    return arena.execute([&] { return RunPartitionPasses(plan, all, pass, report); });
  };
  // A distributed pass reads the catalog from every rank, perhaps on other hosts, as an immutable file
  // (RunExchangedFlowPasses): nothing of it may stay in its WAL, and nothing writes it until the passes end.
  if (options.partition_passes) CheckpointCatalog(store);
  run_passes(PartitionPass::kIndex);
  result.index_seconds = since_t(t_index);
  const auto t_flows = Clock::now();
  result.flow_items_redone = run_passes(PartitionPass::kFlows);
  result.flows_incremental = since.has_value();
  result.flow_seconds = since_t(t_flows);
  store.AttachPartitions();
  // Actors' homes from their items' locations and profiles (docs/schema.md): an incremental run redoes those
  // of the actors its new or changed items and profiles touch, before the marks move (a kill in between
  // redoes them with the flows).
  if (since) {
    RefreshActorGeo(store, ActorsToRelocate(store, *since, profile_actors));
  } else {
    RefreshActorGeo(store);
  }
  // Every partition's flows are done: the marks move and flow_pending empties together. A kill before
  // leaves the new data marked new, and the next ingest redoes its flows.
  store.Begin();
  for (int p = 0; p < store.partitions(); ++p) store.Exec("DELETE FROM " + Store::PartitionSchema(p) + ".flow_pending");
  store.SetMeta("flows_items_done", std::to_string(marks.items));
  store.SetMeta("flows_actors_done", std::to_string(marks.actors));
  store.BumpContentVersion();
  store.Commit();
  result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  {
    Statement st(store.db(),
                 "UPDATE ingest_runs SET finished = ?, read = ?, accepted = ?, duplicates = ?, quarantined = ? "
                 "WHERE id = ?");
    st.Bind(1, NowMs())
        .Bind(2, static_cast<std::int64_t>(result.total.read))
        .Bind(3, static_cast<std::int64_t>(result.total.accepted))
        .Bind(4, static_cast<std::int64_t>(result.total.duplicates))
        .Bind(5, static_cast<std::int64_t>(result.total.quarantined))
        .Bind(6, run_id)
        .Run();
  }
  if (fresh) store.EndBulkLoad();
  WriteQuarantineJsonl(store);
  WriteManifest(store);
  result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return result;
}

namespace detail {
namespace {
/// RELAIS_FAULT_AFTER_FLOW_COMMITS=N: SIGKILL right after the N-th partition's flows are committed
/// in this process.
std::atomic<long long> flow_commits{0};

void AfterFlowCommit() {
  static const long long fault_after = [] {
    const char* fault = std::getenv("RELAIS_FAULT_AFTER_FLOW_COMMITS");
    return fault ? std::atoll(fault) : 0;
  }();
  if (fault_after > 0 && ++flow_commits >= fault_after) std::raise(SIGKILL);
}
}  // namespace

std::uint64_t WritePartitionFlows(sqlite3* db, const PartitionPassPlan& plan, const FlowSources& from,
                                  std::optional<std::uint64_t> dirty_marked) {
  std::uint64_t redone = 0;
  try {
    BeginWritingMainPartition(db);
    if (plan.incremental && dirty_marked) {
      RedoDirtyFlows(db, "main.", from);
      redone = *dirty_marked;
    } else if (plan.incremental) {
      redone = UpdatePartitionFlows(db, "main.", from, FlowMarks{plan.items_done, plan.actors_done});
    } else {
      ComputePartitionFlows(db, "main.", from);
    }
    ExecOn(db, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  AfterFlowCommit();
  return redone;
}

}  // namespace detail

}  // namespace relais::corpora
