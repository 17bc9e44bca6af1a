// relais reuse, store side: items from SQL → the text reuse engine → `reuse` flows written back.
#include "relais/toolkit/reuse.hpp"
#include "relais/toolkit/store_query.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include "relais/base/error.hpp"
#include "relais/base/string_arena.hpp"
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

// One item for the engine: 64 bytes, its key and compressed text in the table's arena (12.6 M items held
// each in std::strings took ~190 bytes each besides the text).
struct ItemRow {
  std::int64_t id = 0;
  std::int64_t time = 0;
  std::int64_t actor = -1;     // -1: NULL
  std::string_view key, text;  // text: TextCodec-encoded
  Channel channel = Channel::kSocial;
};

struct ItemTable {
  std::deque<ItemRow> rows;  // grows without copying what it holds
  StringArena strings;
  TextCodec codec;  // the texts, compressed (1.27 M items: 350 MB of text)
  std::size_t size() const { return rows.size(); }
  const ItemRow& operator[](std::size_t k) const { return rows[k]; }
};

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

// The items' texts are compressed against a dictionary trained on the first TextCodec::kSampleBytes of
// them (held as they are until then).
std::unique_ptr<ItemTable> ReadItems(corpora::Store& store, const std::set<std::string>& channels) {
  auto table = std::make_unique<ItemTable>();
  std::vector<std::string> waiting;  // texts of the last rows, read before the dictionary
  std::size_t waiting_bytes = 0;
  auto train = [&] {
    table->codec.Train(waiting);
    const std::size_t first = table->rows.size() - waiting.size();
    for (std::size_t k = 0; k < waiting.size(); ++k)
      table->rows[first + k].text = table->strings.Add(table->codec.Encode(waiting[k]));
    std::vector<std::string>().swap(waiting);
  };
  bool trained = false;
  corpora::Statement st(store.db(),
                        "SELECT id, key, channel, time, actor_id, text, title FROM items "
                        "WHERE kind <> 'retweet' ORDER BY id");
  while (st.Step()) {
    const std::string channel = st.Text(2);
    if (!channels.count(channel)) continue;
    ItemRow r;
    r.id = st.Int(0);
    r.key = table->strings.Add(st.Text(1));
    r.channel = ChannelOf(channel);
    r.time = st.Int(3);
    r.actor = st.IsNull(4) ? -1 : st.Int(4);
    std::string text = ReuseText(st, 5, 6);
    if (trained) {
      r.text = table->strings.Add(table->codec.Encode(text));
    } else {
      waiting_bytes += text.size();
      waiting.push_back(std::move(text));
    }
    table->rows.push_back(r);
    if (!trained && waiting_bytes >= TextCodec::kSampleBytes) {
      train();
      trained = true;
    }
  }
  if (!trained) train();
  return table;
}

// Reuse flows live in their destination item's partition; their ids sort after every ingest flow
// (3 << 58, see corpora/src/flows.cpp), in the order of `flows`.
void WriteFlows(corpora::Store& store, const ItemTable& rows, const std::vector<text::ReuseFlow>& flows) {
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
      const ItemRow& s = rows[f.source];
      const ItemRow& t = rows[f.target];
      corpora::Statement& st = ins[static_cast<std::size_t>(store.PartitionOf(t.key))];
      st.Bind(1, ++next_id).Bind(2, s.id).Bind(3, t.id);
      if (s.actor >= 0) {
        st.Bind(4, s.actor);
      } else {
        st.BindNull(4);
      }
      if (t.actor >= 0) {
        st.Bind(5, t.actor);
      } else {
        st.BindNull(5);
      }
      st.Bind(6, t.time - s.time).Bind(7, f.score);
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
  const std::unique_ptr<const ItemTable> table = dist::Agree(comm, [&] {
    CheckChannels(options.from, "--from");
    CheckChannels(options.to, "--to");
    return ReadItems(store, channels);
  });
  const ItemTable& rows = *table;
  std::set<Channel> from_channels, to_channels;
  for (const auto& c : from) from_channels.insert(ChannelOf(c));
  for (const auto& c : to) to_channels.insert(ChannelOf(c));
  if (progress) progress("read items", rows.size(), rows.size());
  std::vector<text::ReuseDoc> docs(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    docs[k].key = rows[k].key;
    docs[k].time = rows[k].time;
    docs[k].text = rows[k].text;
    docs[k].is_source = from_channels.count(rows[k].channel) > 0;
    docs[k].is_target = to_channels.count(rows[k].channel) > 0;
    docs[k].is_press = rows[k].channel == Channel::kPress;
  }
  text::ReuseOptions engine_options = options.engine;
  const text::ReuseTextDecoder decode = [&rows](std::string_view stored, std::string& buffer) {
    return rows.codec.Decode(stored, buffer);
  };
  engine_options.decode_text = decode;
  text::ReuseResult engine = text::FindReuse(docs, engine_options, progress);
  // Rank 0 alone writes the flows.
  dist::Agree(comm, [&] {
    if (options.write && comm.root()) WriteFlows(store, rows, engine.flows);
  });
  ReuseRunResult out;
  out.items = rows.size();
  std::set<std::int64_t> public_actors;
  {
    corpora::Statement st(store.db(), "SELECT id FROM actors WHERE public = 1");
    while (st.Step()) public_actors.insert(st.Int(0));
  }
  auto shown = [&](std::size_t k) {
    return DisplayItemKey(store, std::string(rows[k].key), public_actors.count(rows[k].actor) > 0,
                          options.pseudonymise);
  };
  out.stats = engine.stats;
  for (const auto& f : engine.flows) {
    StoredReuseFlow s;
    s.source_key = shown(f.source);
    s.target_key = shown(f.target);
    s.source_id = rows[f.source].id;
    s.target_id = rows[f.target].id;
    s.source_time = rows[f.source].time;
    s.target_time = rows[f.target].time;
    s.score = f.score;
    s.alignment_score = f.alignment_score;
    s.containment = f.containment;
    s.source_span = f.source_span;
    s.target_span = f.target_span;
    out.flows.push_back(std::move(s));
  }
  if (options.groups) {
    for (const auto& g : text::FindSyndicationGroups(docs, engine.flows, 2, options.engine.threads, decode)) {
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
