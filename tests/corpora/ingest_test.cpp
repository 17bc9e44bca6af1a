// The ingest pipeline: record finalisation, the writer's accounting, and whole runs on files.
#include "relais/corpora/ingest.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "relais/base/hash.hpp"
#include "relais/corpora/input.hpp"
#include "relais/corpora/url.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {

using relais::testing::Slurp;

std::int64_t Count(Store& s, const std::string& sql) {
  Statement st(s.db(), sql);
  st.Step();
  return st.Int(0);
}

ItemRecord Post(const std::string& id, const std::string& handle, TimeMs t) {
  ItemRecord it;
  it.key = "twitter:" + id;
  it.platform = "twitter";
  it.author = ActorRecord{"@" + handle, "twitter", handle, handle, ""};
  it.time = t;
  it.text = "texte " + id;
  return it;
}

PreparedRecord Rec(std::vector<ItemRecord> items) {
  ParsedRecord r;
  r.items = std::move(items);
  r.pos = InputPos{"f.jsonl", 3, 0};
  return PrepareRecord(std::move(r));
}

/// Twitter v1.1 statuses, one a line, ids 1000.. (the contract's shape), plus `bad` broken lines.
std::string V1Lines(int n, int reply_every = 5, int first = 1000) {
  std::string out;
  for (int k = 0; k < n; ++k) {
    const int i = first - 1000 + k;
    nlohmann::json t = {{"id", 1000 + i},
                        {"id_str", std::to_string(1000 + i)},
                        {"created_at", "Fri Jan 08 23:21:00 +0000 2021"},
                        {"full_text", "L'été à Toulon, message " + std::to_string(i)},
                        {"lang", "fr"},
                        {"user",
                         {{"id", 7 + i % 3},
                          {"id_str", std::to_string(7 + i % 3)},
                          {"screen_name", "compte" + std::to_string(i % 3)},
                          {"name", "C"}}},
                        {"entities",
                         {{"hashtags", nlohmann::json::array()},
                          {"user_mentions", nlohmann::json::array()},
                          {"urls", nlohmann::json::array()}}}};
    if (k && i % reply_every == 0) {
      t["in_reply_to_status_id_str"] = std::to_string(1000 + i - 1);
      t["in_reply_to_status_id"] = 1000 + i - 1;
      t["in_reply_to_screen_name"] = "compte" + std::to_string((i - 1) % 3);
    }
    out += t.dump() + "\n";
  }
  return out;
}

TEST(PrepareRecord, PressKeyIsTheCanonicalUrlOrAHashOfOutletTimeTitle) {
  ItemRecord a;
  a.channel = Channel::kPress;
  a.author.key = "varmatin.com";
  a.time = 1609459200000;
  a.title = "Toulon";
  a.url = "https://www.varmatin.com/x";
  EXPECT_EQ(PressItemKey(a), CanonicalizeUrl(a.url));
  a.url.clear();
  EXPECT_EQ(PressItemKey(a), "press:sha256-" + Sha256Hex("varmatin.com\n2021-01-01T00:00:00Z\nToulon"));
  ParsedRecord r;
  r.items = {a};
  EXPECT_EQ(PrepareRecord(r).record.items[0].key, PressItemKey(a));
}

TEST(PrepareRecord, KeepsRawLinksDropsDuplicatesAndAtSigns) {
  auto p = Post("1", "alice", 1);
  p.links = {"https://example.org/a", "https://example.org/a", "https://example.org/b"};
  p.mentions = {"@Bob", "bob", "carol"};
  p.hashtags = {"#PQR", "PQR", "pqr"};
  auto prepared = Rec({p});
  const auto& it = prepared.record.items[0];
  EXPECT_EQ(it.links.size(), 2u);
  EXPECT_EQ(prepared.raw_links[0].size(), 2u);
  EXPECT_EQ(prepared.raw_links[0][0], "https://example.org/a");
  EXPECT_EQ(it.mentions, (std::vector<std::string>{"Bob", "carol"}));
  EXPECT_EQ(it.hashtags, (std::vector<std::string>{"PQR", "pqr"}));
}

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::make_unique<Store>(Store::Open(tmp_.path(), OpenMode::kCreate)); }
  testing::TempDir tmp_;
  Registry registry_;
  std::unique_ptr<Store> store_;
};

TEST_F(WriterTest, SameKeyTwiceIsADuplicate) {
  StoreWriter w(*store_, registry_);
  store_->Begin();
  EXPECT_EQ(w.Write(Rec({Post("1", "alice", 10)})), StoreWriter::Outcome::kAccepted);
  EXPECT_EQ(w.Write(Rec({Post("1", "alice", 10)})), StoreWriter::Outcome::kDuplicate);
  store_->Commit();
  EXPECT_EQ(Count(*store_, "SELECT count(*) FROM items"), 1);
  EXPECT_EQ(Count(*store_, "SELECT count(*) FROM actors"), 1);
}

TEST_F(WriterTest, ExpansionIsUpgradedByAFullRecordButNeverCountedAsRead) {
  StoreWriter w(*store_, registry_);
  store_->Begin();
  auto rt = Post("2", "bob", 20);
  rt.refs.push_back(ItemRef{Layer::kRetweet, "twitter:1", "alice"});
  auto expanded = Post("1", "alice", 10);
  expanded.hashtags = {"vieux"};
  EXPECT_EQ(w.Write(Rec({rt, expanded})), StoreWriter::Outcome::kAccepted);
  EXPECT_EQ(w.expansions_added(), 1u);
  EXPECT_EQ(Count(*store_, "SELECT expansion FROM items WHERE key = 'twitter:1'"), 1);
  auto full = Post("1", "alice", 10);
  full.hashtags = {"neuf"};
  EXPECT_EQ(w.Write(Rec({full})), StoreWriter::Outcome::kAccepted);
  EXPECT_EQ(w.Write(Rec({full})), StoreWriter::Outcome::kDuplicate);
  // A later expansion of a full item changes nothing.
  EXPECT_EQ(w.Write(Rec({Post("3", "carol", 30), Post("1", "alice", 10)})), StoreWriter::Outcome::kAccepted);
  store_->Commit();
  EXPECT_EQ(Count(*store_, "SELECT expansion FROM items WHERE key = 'twitter:1'"), 0);
  EXPECT_EQ(Count(*store_,
                  "SELECT count(*) FROM hashtags h JOIN items i ON i.id = h.item_id "
                  "WHERE i.key = 'twitter:1' AND h.tag = 'neuf'"),
            1);
  EXPECT_EQ(Count(*store_, "SELECT count(*) FROM hashtags"), 1);  // the expansion's tags were replaced
  EXPECT_EQ(Count(*store_, "SELECT count(*) FROM refs"), 1);
}

// The writer's actor caches emptied every three entries give the store of unbounded caches: registry actors,
// outlets found by their links, profile locations that change and come back.
TEST_F(WriterTest, ActorCachesOfThreeEntriesGiveTheSameStore) {
  registry_.Add("handle", "@varmatin", ActorInfo{"@varmatin", "press-regional", "PACA", "Var-Matin"});
  registry_.Add("domain", "varmatin.com", ActorInfo{"", "press-regional", "PACA", "Var-Matin"});
  registry_.Add("domain", "lemonde.fr", ActorInfo{"", "press-national", "", "Le Monde"});
  const char* locations[] = {"Toulon", "Marseille 13", "", "Toulon"};
  auto write_all = [&](Store& store, std::size_t cap) {
    StoreWriter w(store, registry_);
    if (cap) w.LimitCaches(cap);
    store.Begin();
    for (int n = 0; n < 60; ++n) {
      auto post = Post(std::to_string(n), n % 5 == 0 ? "varmatin" : "user" + std::to_string(n % 9), n * 1000);
      post.author_location = locations[(n / 9) % 4];
      if (n % 4 == 0)
        post.links = {n % 8 == 0 ? "https://www.varmatin.com/a" + std::to_string(n) : "https://lemonde.fr/b"};
      w.Write(Rec({post}));
    }
    store.Commit();
  };
  auto dump = [](Store& store) {
    const std::pair<const char*, int> queries[] = {
        {"SELECT id, key, name, actor_class, coalesce(region, ''), public FROM actors ORDER BY id", 6},
        {"SELECT actor_id, location FROM actor_geo ORDER BY actor_id", 2},
        {"SELECT i.key, i.actor_id, (SELECT group_concat(host_actor) FROM urls u WHERE u.item_id = i.id) FROM items i "
         "ORDER BY i.key",
         3}};
    std::string out;
    for (const auto& [sql, columns] : queries) {
      Statement st(store.db(), sql);
      while (st.Step()) {
        for (int c = 0; c < columns; ++c) out += st.Text(c) + "|";
        out += "\n";
      }
    }
    return out;
  };
  write_all(*store_, 0);
  auto small = Store::Open(tmp_.path() / "small", OpenMode::kCreate);
  write_all(small, 3);
  const std::string unbounded = dump(*store_);
  EXPECT_EQ(dump(small), unbounded);
  EXPECT_NE(unbounded.find("Var-Matin"), std::string::npos);
  EXPECT_NE(unbounded.find("Marseille 13"), std::string::npos);
}

TEST_F(WriterTest, RegistryGivesClassRegionAndPublic) {
  registry_.Add("handle", "@varmatin", ActorInfo{"@varmatin", "press-regional", "PACA", "Var-Matin"});
  StoreWriter w(*store_, registry_);
  store_->Begin();
  w.Write(Rec({Post("1", "varmatin", 1)}));
  w.Write(Rec({Post("2", "someone", 1)}));
  store_->Commit();
  Statement st(store_->db(), "SELECT actor_class, coalesce(region, ''), public FROM actors ORDER BY id");
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Text(0), "press-regional");
  EXPECT_EQ(st.Text(1), "PACA");
  EXPECT_EQ(st.Int(2), 1);
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Text(0), "public");
  EXPECT_EQ(st.Int(2), 0);
}

// The registry's name wins over the display name of the account that posts under its handle (issue
// 12: "Var-Matin" had become the account's display name), on insert and for actors stored earlier.
TEST_F(WriterTest, RegistryNameWinsOverTheAccountsDisplayName) {
  auto post = Post("1", "varmatin", 1);
  post.author.name = "Var-matin officiel 🔴";
  {
    Registry empty;
    StoreWriter w(*store_, empty);
    store_->Begin();
    w.Write(Rec({post}));
    store_->Commit();
  }
  Statement before(store_->db(), "SELECT name FROM actors WHERE key = '@varmatin'");
  ASSERT_TRUE(before.Step());
  EXPECT_EQ(before.Text(0), "Var-matin officiel 🔴");  // no registry entry: the account's name
  registry_.Add("handle", "@varmatin", ActorInfo{"@varmatin", "press-regional", "PACA", "Var-Matin"});
  registry_.Add("handle", "@nicematin", ActorInfo{"@nicematin", "press-regional", "PACA", "Nice-Matin"});
  StoreWriter w(*store_, registry_);
  store_->Begin();
  auto again = Post("2", "varmatin", 2);
  again.author.name = "Var-matin officiel 🔴";
  w.Write(Rec({again}));
  auto nice = Post("3", "nicematin", 3);
  nice.author.name = "Nice-Matin 📰 le direct";
  w.Write(Rec({nice}));
  store_->Commit();
  Statement st(store_->db(), "SELECT key, name FROM actors ORDER BY key");
  std::vector<std::string> names;
  while (st.Step()) names.push_back(st.Text(0) + "=" + st.Text(1));
  EXPECT_EQ(names, (std::vector<std::string>{"@nicematin=Nice-Matin", "@varmatin=Var-Matin"}));
}

// Registry handles are Twitter handles unless prefixed by their platform: a Mastodon or Bluesky
// author is an outlet only when the registry names that account ("mastodon:@franceinfo@…").
TEST_F(WriterTest, NonTwitterAuthorsResolveOnlyByPlatformPrefixedHandles) {
  registry_.Add("handle", "mastodon:@franceinfo@mastodon.social", ActorInfo{"", "press-national", "", "franceinfo"});
  registry_.Add("handle", "@varmatin", ActorInfo{"@varmatin", "press-regional", "PACA", "Var-Matin"});
  StoreWriter w(*store_, registry_);
  store_->Begin();
  auto masto = [](const std::string& id, const std::string& acct) {
    ItemRecord it = Post(id, acct, 1);
    it.key = "mastodon:" + id;
    it.platform = "mastodon";
    it.author = ActorRecord{"mastodon:@" + acct, "mastodon", acct, acct, ""};
    return it;
  };
  w.Write(Rec({masto("1", "franceinfo@mastodon.social")}));
  w.Write(Rec({masto("2", "varmatin")}));  // same name as the Twitter account, not the same account
  store_->Commit();
  Statement st(store_->db(), "SELECT handle, actor_class, public FROM actors ORDER BY id");
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Text(0), "franceinfo@mastodon.social");
  EXPECT_EQ(st.Text(1), "press-national");
  EXPECT_EQ(st.Int(2), 1);
  ASSERT_TRUE(st.Step());
  EXPECT_EQ(st.Text(0), "varmatin");
  EXPECT_EQ(st.Text(1), "public");
  EXPECT_EQ(st.Int(2), 0);
}

// A link's outlet is resolved on the whole URL: path-prefix editions are told apart from their host.
TEST_F(WriterTest, LinksResolveToPathPrefixEditions) {
  registry_.Add("domain", "radiofrance.fr", ActorInfo{"", "press-national", "", "Radio France"});
  registry_.Add("domain", "radiofrance.fr/franceinter", ActorInfo{"", "press-national", "", "France Inter"});
  StoreWriter w(*store_, registry_);
  store_->Begin();
  auto a = Post("1", "alice", 1);
  a.links = {"https://www.radiofrance.fr/franceinter/podcasts/le-7-9"};
  auto b = Post("2", "alice", 2);
  b.links = {"https://www.radiofrance.fr/culture/x", "https://example.org/y"};
  auto c = Post("3", "bob", 3);
  c.links = {"https://radiofrance.fr/franceinter/z"};
  w.Write(Rec({a}));
  w.Write(Rec({b}));
  w.Write(Rec({c}));
  store_->Commit();
  Statement st(store_->db(),
               "SELECT i.key, coalesce(a.name, '') FROM urls u JOIN items i ON i.id = u.item_id "
               "LEFT JOIN actors a ON a.id = u.host_actor ORDER BY i.id, u.url");
  std::vector<std::pair<std::string, std::string>> got;
  while (st.Step()) got.emplace_back(st.Text(0), st.Text(1));
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{{"twitter:1", "France Inter"},
                                                                   {"twitter:2", ""},
                                                                   {"twitter:2", "Radio France"},
                                                                   {"twitter:3", "France Inter"}}));
  EXPECT_EQ(Count(*store_, "SELECT count(*) FROM actors WHERE name = 'France Inter'"), 1);
}

TEST_F(WriterTest, QuarantineRowsAreNotDuplicatedOnRerun) {
  StoreWriter w(*store_, registry_);
  Diagnostic d{ErrorKind::kParse, InputPos{"f.jsonl", 7, 3}, "invalid-json", "unterminated string", "{\"id\":"};
  store_->Begin();
  w.Quarantine(d, "abc", 0);
  w.Quarantine(d, "abc", 0);
  w.Quarantine(d, "abc", 1);
  store_->Commit();
  EXPECT_EQ(Count(*store_, "SELECT count(*) FROM quarantine"), 2);
}

class IngestFiles : public ::testing::Test {
 protected:
  IngestResult Run(std::vector<std::string> paths, std::optional<Format> format = Format::kTwitterV1, int threads = 2) {
    auto store = Store::Open(tmp_.path() / "store", OpenMode::kCreate);
    IngestOptions opt;
    opt.paths = std::move(paths);
    opt.format = format;
    opt.threads = threads;
    opt.registry = &registry_;
    opt.commit_every = 7;  // many transactions even on small files
    return Ingest(store, opt);
  }
  std::string Write(const std::string& name, const std::string& content) {
    auto p = tmp_.path() / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  bool V1ReaderWorks() {
    auto reader = MakeReader(Format::kTwitterV1, ReadOptions{});
    std::vector<RecordOutcome> out;
    reader->ParseLine(V1Lines(1), InputPos{"x", 1, 0}, out);
    return out.size() == 1 && std::holds_alternative<ParsedRecord>(out[0]);
  }
  testing::TempDir tmp_;
  Registry registry_;
};

TEST_F(IngestFiles, CountsReconcileAndRerunIsIdempotent) {
  ASSERT_TRUE(V1ReaderWorks()) << "the twitter-v1 reader parses no tweet";
  std::string lines = V1Lines(50);
  const std::size_t at = lines.find('\n', lines.size() / 2) + 1;
  const auto bad_line =
      static_cast<std::int64_t>(std::count(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1);
  lines.insert(at, "{\"id\": broken\n\n");  // a bad line and a blank one
  auto path = Write("t.jsonl", lines);
  auto r = Run({path});
  EXPECT_EQ(r.total.read, 51u);
  EXPECT_EQ(r.total.accepted, 50u);
  EXPECT_EQ(r.total.duplicates, 0u);
  EXPECT_EQ(r.total.quarantined, 1u);
  EXPECT_EQ(r.by_format["twitter-v1"].read, 51u);
  EXPECT_TRUE(r.failed_files.empty());
  auto again = Run({path});
  EXPECT_EQ(again.total.read, 51u);
  EXPECT_EQ(again.total.accepted, 0u);
  EXPECT_EQ(again.total.duplicates, 50u);
  EXPECT_EQ(again.total.quarantined, 1u);

  auto store = Store::Open(tmp_.path() / "store", OpenMode::kReadOnly);
  EXPECT_EQ(Count(store, "SELECT count(*) FROM items"), 50);
  EXPECT_EQ(Count(store, "SELECT count(*) FROM flows WHERE layer = 'reply'"), 9);
  EXPECT_EQ(Count(store, "SELECT count(*) FROM quarantine"), 1);
  EXPECT_EQ(Count(store, "SELECT line FROM quarantine"), bad_line);
  EXPECT_EQ(Count(store, "SELECT count(*) FROM ingest_runs WHERE finished IS NOT NULL"), 2);
  EXPECT_EQ(Count(store, "SELECT complete FROM inputs"), 1);

  // quarantine.jsonl: one line (not two after the rerun), with file, line and reason.
  std::string q = Slurp(tmp_.path() / "store" / "quarantine.jsonl");
  ASSERT_EQ(std::count(q.begin(), q.end(), '\n'), 1);
  auto j = nlohmann::json::parse(q);
  EXPECT_EQ(j["line"], bad_line);
  EXPECT_EQ(j["file"], path);
  EXPECT_EQ(j["sha256"], Sha256Hex(lines));

  auto m = nlohmann::json::parse(Slurp(tmp_.path() / "store" / "manifest.json"));
  ASSERT_EQ(m["inputs"].size(), 1u);
  EXPECT_EQ(m["inputs"][0]["sha256"], Sha256Hex(lines));
  EXPECT_EQ(m["inputs"][0]["size"], lines.size());
  EXPECT_EQ(m["inputs"][0]["format"], "twitter-v1");
  EXPECT_EQ(m["inputs"][0]["read"], 51);
  EXPECT_EQ(m["relais_version"], RELAIS_VERSION);
  // Per-run counts: the first run brought the 50 items, the rerun found them as duplicates.
  const auto& runs = m["inputs"][0]["runs"];
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["accepted"], 50);
  EXPECT_EQ(runs[0]["duplicates"], 0);
  EXPECT_EQ(runs[1]["accepted"], 0);
  EXPECT_EQ(runs[1]["duplicates"], 50);
  EXPECT_EQ(runs[1]["quarantined"], 1);
  EXPECT_LT(runs[0]["run"].get<int>(), runs[1]["run"].get<int>());
  EXPECT_TRUE(runs[1]["complete"].get<bool>());
}

TEST_F(IngestFiles, OneThreadAndManyThreadsGiveTheSameStore) {
  ASSERT_TRUE(V1ReaderWorks()) << "the twitter-v1 reader parses no tweet";
  auto path = Write("t.jsonl", V1Lines(3000, 7));
  auto dump = [&](int threads) {
    std::filesystem::remove_all(tmp_.path() / "store");
    Run({path}, Format::kTwitterV1, threads);
    auto store = Store::Open(tmp_.path() / "store", OpenMode::kReadOnly);
    std::string out;
    Statement st(store.db(),
                 "SELECT i.id, i.key, a.key, i.line, (SELECT group_concat(layer || s.key) FROM flows f JOIN items s "
                 "ON s.id = f.src_item WHERE f.dst_item = i.id) FROM items i JOIN actors a ON a.id = i.actor_id "
                 "ORDER BY i.id");
    while (st.Step()) out += st.Text(0) + st.Text(1) + st.Text(2) + st.Text(3) + st.Text(4) + "\n";
    return out;
  };
  std::string one = dump(1);
  EXPECT_EQ(std::count(one.begin(), one.end(), '\n'), 3000);
  EXPECT_EQ(one, dump(2));
  EXPECT_EQ(one, dump(4));
}

// After the files, each partition pass reports its start and every partition it finishes, in order.
TEST_F(IngestFiles, ReportsEachPartitionPassAsItsPartitionsFinish) {
  ASSERT_TRUE(V1ReaderWorks()) << "the twitter-v1 reader parses no tweet";
  const auto path = Write("t.jsonl", V1Lines(400, 3));
  auto store = Store::Open(tmp_.path() / "store", OpenMode::kCreate);
  IngestOptions opt;
  opt.paths = {path};
  opt.format = Format::kTwitterV1;
  opt.threads = 2;
  opt.partitions = 3;
  opt.registry = &registry_;
  std::vector<std::pair<std::string, int>> passes;  // (phase, partitions done)
  opt.on_progress = [&](const IngestProgress& p) {
    if (p.phase == "files") return;
    EXPECT_EQ(p.partitions, 3);
    EXPECT_EQ(p.records, 400u);
    passes.emplace_back(std::string(p.phase), p.partitions_done);
  };
  Ingest(store, opt);
  const std::vector<std::pair<std::string, int>> expected = {{"indexes", 0}, {"indexes", 1}, {"indexes", 2},
                                                             {"indexes", 3}, {"flows", 0},   {"flows", 1},
                                                             {"flows", 2},   {"flows", 3}};
  EXPECT_EQ(passes, expected);
}

TEST_F(IngestFiles, UnrecognisedAndMissingFilesAreReportedWhileOthersAreIngested) {
  ASSERT_TRUE(V1ReaderWorks()) << "the twitter-v1 reader parses no tweet";
  auto good = Write("t.jsonl", V1Lines(10));
  auto junk = Write("junk.bin", std::string("\x01\x02 not a known format \x03", 24));
  auto r = Run({junk, (tmp_.path() / "missing.jsonl").string(), good}, std::nullopt);
  ASSERT_EQ(r.failed_files.size(), 2u);
  EXPECT_NE(r.failed_files[0].message.find("missing.jsonl"), std::string::npos);
  EXPECT_NE(r.failed_files[1].message.find("junk.bin"), std::string::npos);
  std::optional<Format> sniffed = SniffFormat(good, V1Lines(10));
  ASSERT_TRUE(sniffed) << "v1 tweets not sniffed";
  EXPECT_EQ(r.total.accepted, 10u);
}

// What a store holds, by keys (item and flow ids apart): items with their actor and line, flows, inputs and
// their counts, quarantine rows.
std::string StoreByKeys(const std::filesystem::path& dir) {
  auto store = Store::Open(dir, OpenMode::kReadOnly);
  std::string out;
  for (const char* sql :
       {"SELECT i.key || ' ' || a.key || ' ' || i.line FROM items i JOIN actors a ON a.id = i.actor_id ORDER BY i.key",
        "SELECT f.layer || ' ' || s.key || ' ' || d.key FROM flows f JOIN items s ON s.id = f.src_item JOIN items d "
        "ON d.id = f.dst_item ORDER BY 1",
        "SELECT sha256 || ' ' || read || ' ' || accepted || ' ' || duplicates || ' ' || quarantined || ' ' || complete "
        "FROM inputs ORDER BY sha256",
        "SELECT file || ' ' || line || ' ' || reason FROM quarantine ORDER BY file, line"}) {
    Statement st(store.db(), sql);
    while (st.Step()) out += st.Text(0) + "\n";
    out += "--\n";
  }
  return out;
}

// Small files share transactions (commit points every commit_every = 7 records, counted across files): 40
// files of 1–6 tweets, overlapping in ids (duplicates within a group and across groups), some with a bad
// line, some empty, give in one run the store that one run per file gives.
TEST_F(IngestFiles, SmallFilesSharingTransactionsGiveTheStoreOfOneRunPerFile) {
  ASSERT_TRUE(V1ReaderWorks()) << "the twitter-v1 reader parses no tweet";
  std::vector<std::string> files;
  for (int f = 0; f < 40; ++f) {
    std::string lines = f % 13 == 12 ? std::string() : V1Lines(1 + f % 6, 3, 1000 + 4 * f);
    if (f % 7 == 3) lines += "{\"id\": broken\n";
    char name[32];
    std::snprintf(name, sizeof name, "f%02d.jsonl", f);
    files.push_back(Write(name, lines));
  }
  const auto all = Run(files);
  EXPECT_TRUE(all.failed_files.empty());
  EXPECT_GT(all.total.duplicates, 0u);
  EXPECT_GT(all.total.quarantined, 0u);
  const std::string one_run = StoreByKeys(tmp_.path() / "store");
  std::filesystem::rename(tmp_.path() / "store", tmp_.path() / "one-run");
  IngestCounts summed;
  for (const auto& f : files) summed += Run({f}).total;
  EXPECT_EQ(StoreByKeys(tmp_.path() / "store"), one_run);
  EXPECT_EQ(summed.read, all.total.read);
  EXPECT_EQ(summed.accepted, all.total.accepted);
  EXPECT_EQ(summed.duplicates, all.total.duplicates);
  EXPECT_EQ(summed.quarantined, all.total.quarantined);
  EXPECT_EQ(all.total.read, all.total.accepted + all.total.duplicates + all.total.quarantined);
}

// manifest.json is written one input at a time (274,938 inputs as one JSON tree took hundreds of MB): the
// bytes equal the whole document's dump(2), built here from the store's inputs and runs.
TEST_F(IngestFiles, StreamedManifestEqualsTheWholeDocumentsDump) {
  ASSERT_TRUE(V1ReaderWorks()) << "the twitter-v1 reader parses no tweet";
  const std::string a = Write("a.jsonl", V1Lines(20)), b = Write("b.jsonl", V1Lines(10, 3) + "{\"id\": \n");
  // A gzip header, then a stream zlib rejects: the input is recorded with its error.
  const std::string broken =
      Write("c.jsonl.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10) + "\xff\xff not deflate");
  Run({a, b, broken});
  // A second run of a and b, a new d, and a name that JSON escapes (a quote, a backslash, accents, a tab).
  Run({a, b, Write("d.jsonl", V1Lines(5, 2)), Write("été \"q\" \\ \t.jsonl", V1Lines(3, 2, 2000))});
  const std::string written = Slurp(tmp_.path() / "store" / "manifest.json");
  const auto parsed = nlohmann::ordered_json::parse(written);

  auto store = Store::Open(tmp_.path() / "store", OpenMode::kReadOnly);
  nlohmann::ordered_json whole;
  whole["relais_version"] = RELAIS_VERSION;
  whole["schema_version"] = parsed["schema_version"];
  auto counts = [](nlohmann::ordered_json& j, Statement& st, int first) {
    j["read"] = st.Int(first);
    j["accepted"] = st.Int(first + 1);
    j["duplicates"] = st.Int(first + 2);
    j["quarantined"] = st.Int(first + 3);
    j["complete"] = st.Int(first + 4) != 0;
    if (!st.IsNull(first + 5)) j["error"] = st.Text(first + 5);
  };
  auto inputs = nlohmann::ordered_json::array();
  Statement st(store.db(),
               "SELECT path, size, sha256, format, read, accepted, duplicates, quarantined, complete, error "
               "FROM inputs ORDER BY path, sha256");
  std::size_t errors = 0, reruns = 0;
  while (st.Step()) {
    nlohmann::ordered_json in;
    in["path"] = st.Text(0);
    in["size"] = st.Int(1);
    in["sha256"] = st.Text(2);
    in["format"] = st.Text(3);
    counts(in, st, 4);
    errors += in.contains("error");
    auto runs = nlohmann::ordered_json::array();
    Statement r(store.db(),
                "SELECT run_id, path, read, accepted, duplicates, quarantined, complete, error FROM input_runs "
                "WHERE sha256 = ?1 ORDER BY run_id");
    r.Bind(1, st.Text(2));
    while (r.Step()) {
      nlohmann::ordered_json run;
      run["run"] = r.Int(0);
      run["path"] = r.Text(1);
      counts(run, r, 2);
      runs.push_back(std::move(run));
    }
    reruns += runs.size() > 1;
    in["runs"] = std::move(runs);
    inputs.push_back(std::move(in));
  }
  whole["inputs"] = std::move(inputs);
  ASSERT_EQ(whole["inputs"].size(), 5u);
  EXPECT_EQ(reruns, 2u) << "a and b were read by both runs";
  EXPECT_EQ(errors, 1u) << "the broken gzip file";
  EXPECT_EQ(written, whole.dump(2) + "\n");
}

TEST_F(IngestFiles, ManifestOfAStoreWithoutInputsIsAnEmptyList) {
  Run({});
  const std::string written = Slurp(tmp_.path() / "store" / "manifest.json");
  const auto parsed = nlohmann::ordered_json::parse(written);
  nlohmann::ordered_json whole;
  whole["relais_version"] = RELAIS_VERSION;
  whole["schema_version"] = parsed["schema_version"];
  whole["inputs"] = nlohmann::ordered_json::array();
  EXPECT_EQ(written, whole.dump(2) + "\n");
}

}  // namespace
}  // namespace relais::corpora
