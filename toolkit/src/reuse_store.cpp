// relais reuse, store side: items from SQL → the text reuse engine → `reuse` flows written back.
#include "relais/toolkit/reuse.hpp"
#include "relais/toolkit/store_query.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_sort.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <numeric>
#include <set>

#include "relais/base/error.hpp"
#include "relais/base/temp_folder.hpp"
#include "relais/corpora/store.hpp"
#include "relais/text/tokenize.hpp"
#include "relais/toolkit/text_codec.hpp"

namespace relais::toolkit {
namespace {

const std::set<std::string> kChannels = {"social", "press", "pr"};

enum class Channel : std::uint8_t { kSocial, kPress, kPr };

Channel ChannelOf(std::string_view name) {
  return name == "press" ? Channel::kPress : name == "pr" ? Channel::kPr : Channel::kSocial;
}

// What a record of SpilledRecords starts with: the item's columns the output needs, then its key, then its
// encoded text.
struct ItemHead {
  std::int64_t id = 0;
  std::int64_t time = 0;
  std::int64_t actor = -1;  // -1: NULL
};
static_assert(sizeof(ItemHead) == 24);

// The items' records in a temporary file, each read back by offset from any thread: 12.6 M items held in
// memory, even with their texts compressed, took several GB.
class SpilledRecords {
 public:
  explicit SpilledRecords(const TempFolder& folder) : path_(folder.Path("items", 0)) {
    fd_ = ::open(path_.c_str(), O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) throw Error(ErrorKind::kData, "reuse: cannot create " + path_ + " (disk full? set TMPDIR)");
  }
  ~SpilledRecords() { ::close(fd_); }
  SpilledRecords(const SpilledRecords&) = delete;
  SpilledRecords& operator=(const SpilledRecords&) = delete;

  /// Appends the record (head, key, text); returns its offset. Flush before reading.
  std::uint64_t Append(const ItemHead& head, std::string_view key, std::string_view text) {
    const std::uint64_t at = written_ + buffer_.size();
    buffer_.append(reinterpret_cast<const char*>(&head), sizeof head).append(key).append(text);
    if (buffer_.size() >= kFlushBytes) Flush();
    return at;
  }
  void Flush() {
    for (std::size_t done = 0; done < buffer_.size();) {
      const ssize_t n =
          ::pwrite(fd_, buffer_.data() + done, buffer_.size() - done, static_cast<off_t>(written_ + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw Error(ErrorKind::kData, "reuse: cannot write " + path_ + " (disk full? set TMPDIR)");
      done += static_cast<std::size_t>(n);
    }
    written_ += buffer_.size();
    buffer_.clear();
  }

  /// `size` bytes at `offset`, into `out`. Thread-safe.
  void Read(std::uint64_t offset, std::size_t size, char* out) const {
    for (std::size_t done = 0; done < size;) {
      const ssize_t n = ::pread(fd_, out + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw Error(ErrorKind::kData, "reuse: cannot read " + path_);
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  static constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
  std::string path_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
  std::string buffer_;
};

// The items for the engine, in rank order ((time, key) ascending): 17 bytes an item in memory (record
// offset, key and text sizes, channel; deques, which grow without copying), the rest in SpilledRecords.
class StoreDocs final : public text::RankedDocs {
 public:
  StoreDocs() : folder_("reuse"), records_(folder_) {}

  /// Appends an item (in any order; SortByRank puts them in rank order).
  void Add(const ItemHead& head, Channel channel, std::string_view key, std::string_view stored_text) {
    times_.push_back(head.time);
    channels_.push_back(channel);
    offsets_.push_back(records_.Append(head, key, stored_text));
    key_sizes_.push_back(Size32(key.size()));
    text_sizes_.push_back(Size32(stored_text.size()));
  }
  TextCodec& codec() { return codec_; }
  void SetRoles(const std::set<Channel>& from, const std::set<Channel>& to) {
    for (const Channel c : {Channel::kSocial, Channel::kPress, Channel::kPr}) {
      is_source_[static_cast<int>(c)] = from.count(c) > 0;
      is_target_[static_cast<int>(c)] = to.count(c) > 0;
    }
  }

  /// Puts the items in rank order: by time, equal times by key (read back for those only).
  void SortByRank();

  std::size_t size() const override { return offsets_.size(); }
  bool IsSource(std::uint32_t rank) const override { return is_source_[static_cast<int>(channels_[rank])]; }
  bool IsTarget(std::uint32_t rank) const override { return is_target_[static_cast<int>(channels_[rank])]; }
  bool IsPress(std::uint32_t rank) const override { return channels_[rank] == Channel::kPress; }
  std::string_view Text(std::uint32_t rank, std::string& buffer) const override {
    std::string& stored = stored_.local();
    stored.resize(text_sizes_[rank]);
    records_.Read(offsets_[rank] + sizeof(ItemHead) + key_sizes_[rank], stored.size(), stored.data());
    return codec_.Decode(stored, buffer);
  }

  ItemHead Head(std::uint32_t rank) const {
    ItemHead head;
    records_.Read(offsets_[rank], sizeof head, reinterpret_cast<char*>(&head));
    return head;
  }
  std::string Key(std::uint32_t rank) const {
    std::string key(key_sizes_[rank], '\0');
    records_.Read(offsets_[rank] + sizeof(ItemHead), key.size(), key.data());
    return key;
  }

 private:
  static std::uint32_t Size32(std::size_t n) {
    if (n > UINT32_MAX) throw Error(ErrorKind::kData, "reuse: an item's text is larger than 4 GiB");
    return static_cast<std::uint32_t>(n);
  }
  template <typename T>
  static void Permute(std::deque<T>& column, const std::vector<std::uint32_t>& order) {
    std::deque<T> out;
    for (const std::uint32_t k : order) out.push_back(column[k]);
    column.swap(out);
  }

  TempFolder folder_;
  SpilledRecords records_;
  TextCodec codec_;
  std::deque<std::int64_t> times_;  // until SortByRank
  std::deque<std::uint64_t> offsets_;
  std::deque<std::uint32_t> key_sizes_, text_sizes_;
  std::deque<Channel> channels_;
  bool is_source_[3] = {false, false, false}, is_target_[3] = {false, false, false};
  mutable tbb::enumerable_thread_specific<std::string> stored_;  // each thread's encoded text
};

void StoreDocs::SortByRank() {
  records_.Flush();
  std::vector<std::uint32_t> order(offsets_.size());
  std::iota(order.begin(), order.end(), 0u);
  tbb::parallel_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    return times_[x] != times_[y] ? times_[x] < times_[y] : x < y;
  });
  std::vector<std::pair<std::string, std::uint32_t>> tied;  // (key, item) of one run of equal times
  for (std::size_t lo = 0; lo < order.size();) {
    std::size_t hi = lo + 1;
    while (hi < order.size() && times_[order[hi]] == times_[order[lo]]) ++hi;
    if (hi - lo > 1) {
      tied.clear();
      for (std::size_t k = lo; k < hi; ++k) tied.emplace_back(Key(order[k]), order[k]);
      std::sort(tied.begin(), tied.end());
      for (std::size_t k = lo; k < hi; ++k) order[k] = tied[k - lo].second;
    }
    lo = hi;
  }
  std::deque<std::int64_t>().swap(times_);
  Permute(offsets_, order);
  Permute(key_sizes_, order);
  Permute(text_sizes_, order);
  Permute(channels_, order);
}

void CheckChannels(const std::vector<std::string>& channels, const char* option) {
  for (const auto& c : channels)
    if (!kChannels.count(c))
      throw Error(ErrorKind::kInvalidArgument,
                  std::string(option) + " has unknown channel \"" + c + "\", expected social, press or pr");
}

std::string ReuseText(const corpora::Statement& st, int text_col, int title_col) {
  std::string text = st.IsNull(text_col) ? std::string() : st.Text(text_col);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos && !st.IsNull(title_col)) text = st.Text(title_col);
  return text;
}

// The items, in rank order, their texts compressed against a dictionary trained on the first
// TextCodec::kSampleBytes of them (held as they are until then).
std::unique_ptr<StoreDocs> ReadItems(corpora::Store& store, const std::set<std::string>& channels) {
  auto docs = std::make_unique<StoreDocs>();
  struct Waiting {
    ItemHead head;
    Channel channel;
    std::string key, text;
  };
  std::vector<Waiting> waiting;  // the rows read before the dictionary
  std::size_t waiting_bytes = 0;
  bool trained = false;
  auto train = [&] {
    std::vector<std::string> samples;
    for (Waiting& w : waiting) samples.push_back(std::move(w.text));
    docs->codec().Train(samples);
    for (std::size_t k = 0; k < waiting.size(); ++k)
      docs->Add(waiting[k].head, waiting[k].channel, waiting[k].key, docs->codec().Encode(samples[k]));
    std::vector<Waiting>().swap(waiting);
    trained = true;
  };
  {
    corpora::Statement st(store.db(),
                          "SELECT id, key, channel, time, actor_id, text, title FROM items "
                          "WHERE kind <> 'retweet' ORDER BY id");
    while (st.Step()) {
      const std::string channel = st.Text(2);
      if (!channels.count(channel)) continue;
      const ItemHead head{st.Int(0), st.Int(3), st.IsNull(4) ? -1 : st.Int(4)};
      std::string text = ReuseText(st, 5, 6);
      if (trained) {
        docs->Add(head, ChannelOf(channel), st.Text(1), docs->codec().Encode(text));
        continue;
      }
      waiting_bytes += text.size();
      waiting.push_back({head, ChannelOf(channel), st.Text(1), std::move(text)});
      if (waiting_bytes >= TextCodec::kSampleBytes) train();
    }
  }
  if (!trained) train();
  sqlite3_db_release_memory(store.db());  // the page cache of the read: the engine does not need it
  docs->SortByRank();
  return docs;
}

// Reuse flows live in their destination item's partition; their ids sort after every ingest flow
// (3 << 58, see corpora/src/flows.cpp), in the order of `flows` (between ranks of `docs`).
void WriteFlows(corpora::Store& store, const StoreDocs& docs, const std::vector<text::ReuseFlow>& flows) {
  store.Begin();
  try {
    std::vector<corpora::Statement> ins;
    for (int p = 0; p < store.partitions(); ++p) {
      const std::string schema = corpora::Store::PartitionSchema(p);
      store.Exec("DELETE FROM " + schema + ".flows WHERE layer = 'reuse'");
      ins.emplace_back(store.db(), "INSERT INTO " + schema +
                                       ".flows(id, layer, src_item, dst_item, src_actor, dst_actor, latency, score, "
                                       "src_begin, src_end, dst_begin, dst_end) "
                                       "VALUES(?, 'reuse', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    std::int64_t next_id = std::int64_t{3} << 58;
    for (const auto& f : flows) {
      corpora::Statement& st = ins[static_cast<std::size_t>(store.PartitionOf(docs.Key(f.target)))];
      const ItemHead source = docs.Head(f.source), target = docs.Head(f.target);
      st.Bind(1, ++next_id).Bind(2, source.id).Bind(3, target.id);
      if (source.actor >= 0) {
        st.Bind(4, source.actor);
      } else {
        st.BindNull(4);
      }
      if (target.actor >= 0) {
        st.Bind(5, target.actor);
      } else {
        st.BindNull(5);
      }
      st.Bind(6, target.time - source.time).Bind(7, f.score);
      st.Bind(8, static_cast<std::int64_t>(f.source_span.begin)).Bind(9, static_cast<std::int64_t>(f.source_span.end));
      st.Bind(10, static_cast<std::int64_t>(f.target_span.begin))
          .Bind(11, static_cast<std::int64_t>(f.target_span.end));
      st.Run();
      st.Reset();
    }
    store.BumpContentVersion();
    store.Commit();
  } catch (...) {
    store.Rollback();
    throw;
  }
}

struct LoadedItem {
  std::string key;
  std::int64_t id = 0, time = 0;
  std::string text;
};

LoadedItem LoadItem(corpora::Store& store, std::string_view key) {
  corpora::Statement st(store.db(), "SELECT id, key, time, text, title FROM items WHERE key = ?");
  st.Bind(1, key);
  if (!st.Step()) throw Error(ErrorKind::kInvalidArgument, "--explain: no item with key \"" + std::string(key) + "\"");
  LoadedItem it;
  it.id = st.Int(0);
  it.key = st.Text(1);
  it.time = st.Int(2);
  it.text = ReuseText(st, 3, 4);
  return it;
}

// Edit script (Levenshtein traceback) between two token ranges, grouped into rows.
std::vector<AlignedRow> SideBySide(const std::vector<std::string>& a, std::size_t ab, std::size_t ae,
                                   const std::vector<std::string>& b, std::size_t bb, std::size_t be) {
  const std::size_t n = ae - ab, m = be - bb;
  std::vector<std::uint32_t> d((n + 1) * (m + 1));
  auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return d[i * (m + 1) + j]; };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<std::uint32_t>(i);
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = static_cast<std::uint32_t>(j);
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j)
      at(i, j) =
          std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[ab + i - 1] == b[bb + j - 1] ? 0u : 1u)});
  std::vector<std::pair<AlignedRow::Op, std::pair<std::string, std::string>>> steps;
  std::size_t i = n, j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && a[ab + i - 1] == b[bb + j - 1] && at(i, j) == at(i - 1, j - 1)) {
      steps.push_back({AlignedRow::Op::kEqual, {a[ab + i - 1], b[bb + j - 1]}});
      --i, --j;
    } else if (i > 0 && j > 0 && at(i, j) == at(i - 1, j - 1) + 1) {
      steps.push_back({AlignedRow::Op::kChanged, {a[ab + i - 1], b[bb + j - 1]}});
      --i, --j;
    } else if (i > 0 && at(i, j) == at(i - 1, j) + 1) {
      steps.push_back({AlignedRow::Op::kSourceOnly, {a[ab + i - 1], ""}});
      --i;
    } else {
      steps.push_back({AlignedRow::Op::kTargetOnly, {"", b[bb + j - 1]}});
      --j;
    }
  }
  std::reverse(steps.begin(), steps.end());
  std::vector<AlignedRow> rows;
  for (const auto& [op, texts] : steps) {
    if (rows.empty() || rows.back().op != op || (op == AlignedRow::Op::kEqual && rows.back().source_text.size() > 60)) {
      rows.push_back({op, "", ""});
    }
    auto append = [](std::string& s, const std::string& t) {
      if (t.empty()) return;
      if (!s.empty()) s.push_back(' ');
      s += t;
    };
    append(rows.back().source_text, texts.first);
    append(rows.back().target_text, texts.second);
  }
  return rows;
}

}  // namespace

ReuseRunResult RunReuse(corpora::Store& store, const ReuseRunOptions& options,
                        const std::function<void(std::string_view, std::size_t, std::size_t)>& progress) {
  // Distributed (options.engine.comm): every rank reads the items; a failure on one is known to all.
  const dist::Comm serial;
  const dist::Comm& comm = options.engine.comm != nullptr ? *options.engine.comm : serial;
  const std::set<std::string> from(options.from.begin(), options.from.end()), to(options.to.begin(), options.to.end());
  std::set<std::string> channels = from;
  channels.insert(to.begin(), to.end());
  if (progress) progress("read items", 0, 0);
  const std::unique_ptr<StoreDocs> table = dist::Agree(comm, [&] {
    CheckChannels(options.from, "--from");
    CheckChannels(options.to, "--to");
    return ReadItems(store, channels);
  });
  StoreDocs& docs = *table;
  std::set<Channel> from_channels, to_channels;
  for (const auto& c : from) from_channels.insert(ChannelOf(c));
  for (const auto& c : to) to_channels.insert(ChannelOf(c));
  docs.SetRoles(from_channels, to_channels);
  if (progress) progress("read items", docs.size(), docs.size());
  text::ReuseResult engine = text::FindReuseRanked(docs, options.engine, progress);
  // Rank 0 alone writes the flows.
  dist::Agree(comm, [&] {
    if (options.write && comm.root()) WriteFlows(store, docs, engine.flows);
  });
  ReuseRunResult out;
  out.items = docs.size();
  std::set<std::int64_t> public_actors;
  {
    corpora::Statement st(store.db(), "SELECT id FROM actors WHERE public = 1");
    while (st.Step()) public_actors.insert(st.Int(0));
  }
  auto shown = [&](std::uint32_t rank) {
    return DisplayItemKey(store, docs.Key(rank), public_actors.count(docs.Head(rank).actor) > 0, options.pseudonymise);
  };
  out.stats = engine.stats;
  for (const auto& f : engine.flows) {
    const ItemHead source = docs.Head(f.source), target = docs.Head(f.target);
    StoredReuseFlow s;
    s.source_key = shown(f.source);
    s.target_key = shown(f.target);
    s.source_id = source.id;
    s.target_id = target.id;
    s.source_time = source.time;
    s.target_time = target.time;
    s.score = f.score;
    s.alignment_score = f.alignment_score;
    s.containment = f.containment;
    s.source_span = f.source_span;
    s.target_span = f.target_span;
    out.flows.push_back(std::move(s));
  }
  if (options.groups) {
    for (const auto& g : text::FindSyndicationGroupsRanked(docs, engine.flows, 2, options.engine.threads)) {
      StoredSyndicationGroup sg;
      sg.source_key = shown(g.source);
      for (const auto& m : g.members) sg.members.push_back({shown(m.doc), m.edit_distance, m.score});
      out.groups.push_back(std::move(sg));
    }
  }
  return out;
}

ReuseExplanation ExplainReuse(corpora::Store& store, std::string_view key_a, std::string_view key_b,
                              const text::ReuseOptions& options) {
  LoadedItem a = LoadItem(store, key_a), b = LoadItem(store, key_b);
  if (b.time < a.time || (b.time == a.time && b.key < a.key)) std::swap(a, b);
  const text::ExplainedPair e = text::ExplainReuse(a.text, b.text, options);
  ReuseExplanation out;
  out.flow.source_key = a.key;
  out.flow.target_key = b.key;
  out.flow.source_id = a.id;
  out.flow.target_id = b.id;
  out.flow.source_time = a.time;
  out.flow.target_time = b.time;
  out.flow.alignment_score = e.alignment.score;
  out.flow.containment = e.containment;
  const double longest = std::max(e.alignment.a_end - e.alignment.a_begin, e.alignment.b_end - e.alignment.b_begin);
  out.flow.score = longest > 0 ? std::clamp(e.alignment.score / (options.align.match * longest), 0.0, 1.0) : 0.0;
  out.flow.source_span = {e.alignment.a_begin, e.alignment.a_end};
  out.flow.target_span = {e.alignment.b_begin, e.alignment.b_end};
  if (!e.alignment.empty())
    out.rows = SideBySide(e.source_tokens, e.alignment.a_begin, e.alignment.a_end, e.target_tokens, e.alignment.b_begin,
                          e.alignment.b_end);
  return out;
}

}  // namespace relais::toolkit
