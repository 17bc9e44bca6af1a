// relais reuse end to end on a small store built with SQL inserts: a press release copied by three regional
// titles (one verbatim, two edited), a post quoting one sentence of it, unrelated items, and a pair whose
// insertion order is the reverse of time. Checks the stored flows and spans, direction by time, the
// --from/--to filters, --explain, syndication groups and identical output at 1 and 2 threads.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "relais/corpora/store.hpp"
#include "relais/text/reuse.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using relais::testing::RelaisBin;
using relais::testing::TempDir;

namespace {

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kT0 = 1'610'000'000'000;  // 2021-01-07

// Pseudo-French prose: distinct for each seed, so unrelated items share no passage.
std::string Prose(std::uint32_t seed, int words) {
  static const std::vector<std::string> vocab = {
      "la",         "région",    "annonce",     "un",          "nouveau",   "plan",         "pour",      "les",
      "transports", "scolaires", "du",          "département", "élus",      "ont",          "voté",      "hier",
      "soir",       "une",       "enveloppe",   "de",          "millions",  "d'euros",      "consacrée", "à",
      "rénovation", "des",       "lycées",      "et",          "collèges",  "présidente",   "a",         "rappelé",
      "que",        "chantier",  "durera",      "trois",       "ans",       "opposition",   "critique",  "calendrier",
      "jugé",       "trop",      "long",        "syndicats",   "demandent", "concertation", "avec",      "enseignants",
      "parents",    "maire",     "commune",     "salue",       "projet",    "attendu",      "depuis",    "longtemps",
      "habitants",  "pourront",  "consulter",   "dossier",     "en",        "mairie",       "jusqu'au",  "printemps",
      "prochain",   "l'État",    "participera", "financement", "hauteur",   "tiers"};
  std::mt19937 rng(seed);
  std::string out;
  for (int i = 0; i < words; ++i) {
    if (!out.empty()) out += (i % 17 == 0) ? ". " : " ";
    out += vocab[rng() % vocab.size()];
  }
  return out + ".";
}

// Replaces every n-th word by "modifié" (an edited copy).
std::string Edit(const std::string& text, int every) {
  std::istringstream in(text);
  std::string w, out;
  for (int i = 0; in >> w; ++i) {
    if (!out.empty()) out += ' ';
    out += (i % every == every - 1) ? "modifié" : w;
  }
  return out;
}

struct World {
  std::string release, verbatim, edited_a, edited_b, sentence;
};

World BuildStore(const fs::path& dir) {
  World w;
  w.release = Prose(1, 220);
  w.verbatim = w.release;
  w.edited_a = Edit(w.release, 12);
  w.edited_b = "Par notre correspondant. " + Edit(w.release, 9);
  // One sentence of the release (words 40–70) quoted by a post.
  {
    std::istringstream in(w.release);
    std::string word;
    for (int i = 0; in >> word && i < 70; ++i)
      if (i >= 40) w.sentence += (w.sentence.empty() ? "" : " ") + word;
  }
  auto store = relais::corpora::Store::Open(dir, relais::corpora::OpenMode::kCreate);
  store.Begin();
  relais::corpora::Statement actor(store.db(), "INSERT INTO actors (id, key, actor_class) VALUES (?1, ?2, ?3)");
  relais::corpora::Statement item(
      store.db(), "INSERT INTO items (key, channel, kind, actor_id, time, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  const std::vector<std::pair<std::string, std::string>> actors = {
      {"region.fr", "pr"},           {"ouest.fr", "press-regional"}, {"sudouest.fr", "press-regional"},
      {"lest.fr", "press-regional"}, {"@lecteur", "public"},         {"@autre", "public"}};
  for (std::size_t i = 0; i < actors.size(); ++i) {
    actor.Bind(1, static_cast<std::int64_t>(i + 1))
        .Bind(2, std::string_view(actors[i].first))
        .Bind(3, std::string_view(actors[i].second));
    actor.Run();
    actor.Reset();
  }
  auto add = [&](const std::string& key, const std::string& channel, std::int64_t actor_id, std::int64_t t,
                 const std::string& text) {
    item.Bind(1, std::string_view(key)).Bind(2, std::string_view(channel)).Bind(3, std::string_view("original"));
    item.Bind(4, actor_id).Bind(5, t).Bind(6, std::string_view(text));
    item.Run();
    item.Reset();
  };
  add("pr:release", "pr", 1, kT0, w.release);
  // Inserted before the release but published after it: direction must follow time, not insertion order.
  add("press:edited-b", "press", 4, kT0 + 5 * kHour, w.edited_b);
  add("press:verbatim", "press", 2, kT0 + 1 * kHour, w.verbatim);
  add("press:edited-a", "press", 3, kT0 + 2 * kHour, w.edited_a);
  add("social:quote", "social", 5, kT0 + 8 * kHour, "Lu ce matin : « " + w.sentence + " » #région");
  for (int i = 0; i < 6; ++i) {
    add("press:other" + std::to_string(i), "press", 2 + i % 3, kT0 + (i + 1) * kHour, Prose(100 + i, 180));
    add("social:other" + std::to_string(i), "social", 6, kT0 + (i + 2) * kHour, Prose(200 + i, 30));
  }
  // An article published before another carrying its text (both press).
  const std::string story = Prose(300, 150);
  add("press:copy-late", "press", 3, kT0 + 30 * kHour, story);
  add("press:copy-early", "press", 2, kT0 + 20 * kHour, story);
  store.Commit();
  return w;
}

std::vector<json> JsonLines(const std::string& out) {
  std::vector<json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(json::parse(line));
  return lines;
}

std::string Reuse(const fs::path& store, const std::string& options) {
  // Item keys are compared below: with pseudonymisation on (the default) the social posts' keys would
  // be item pseudonyms (checked in server_privacy_test.cpp).
  const auto r =
      relais::testing::Run(RelaisBin() + " reuse --no-pseudonymise --store " + store.string() + " " + options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

// (source, target) → flow.
std::map<std::pair<std::string, std::string>, json> ByPair(const std::vector<json>& flows) {
  std::map<std::pair<std::string, std::string>, json> m;
  for (const auto& f : flows) m[{f["source"].get<std::string>(), f["target"].get<std::string>()}] = f;
  return m;
}

}  // namespace

TEST(ReuseCli, FindsTheCopiesAndTheQuoteEarlierToLater) {
  TempDir tmp;
  BuildStore(tmp.path() / "s");
  const auto flows = JsonLines(Reuse(tmp.path() / "s", "--json --threads 1"));
  const auto pairs = ByPair(flows);
  std::map<std::string, std::string> source_of;
  for (const auto& [pair, f] : pairs) {
    EXPECT_FALSE(source_of.count(pair.second)) << "two sources for " << pair.second;
    source_of[pair.second] = pair.first;
    EXPECT_GE(f["latency_ms"].get<std::int64_t>(), 0) << pair.first << " -> " << pair.second;
    EXPECT_GE(f["score"].get<double>(), 0.5);
    EXPECT_LE(f["score"].get<double>(), 1.0);
    const auto ss = f["source_span"], ts = f["target_span"];
    EXPECT_LT(ss[0].get<int>(), ss[1].get<int>());
    EXPECT_LT(ts[0].get<int>(), ts[1].get<int>());
  }
  // The three titles and the quoting post all reuse the release (or a title that copied it).
  for (const char* t : {"press:verbatim", "press:edited-a", "press:edited-b", "social:quote"})
    EXPECT_TRUE(source_of.count(t)) << t << " has no reuse source";
  EXPECT_EQ(source_of["press:verbatim"], "pr:release");
  ASSERT_TRUE(pairs.count({"pr:release", "press:verbatim"}));
  const auto& v = pairs.at({"pr:release", "press:verbatim"});
  EXPECT_NEAR(v["score"].get<double>(), 1.0, 1e-9) << "verbatim copy";
  EXPECT_EQ(v["source_span"], v["target_span"]);
  // The quote covers 30 words of the release; its span in the release lies around words 40–70.
  const auto& q = source_of["social:quote"];
  ASSERT_TRUE(pairs.count({q, "social:quote"}));
  const auto qs = pairs.at({q, "social:quote"})["source_span"];
  EXPECT_GE(qs[1].get<int>() - qs[0].get<int>(), 25);
  // Direction follows time, not insertion order.
  EXPECT_TRUE(pairs.count({"press:copy-early", "press:copy-late"}));
  EXPECT_FALSE(pairs.count({"press:copy-late", "press:copy-early"}));
  // Unrelated items are neither sources nor targets.
  for (const auto& [pair, f] : pairs) {
    EXPECT_EQ(pair.first.find("other"), std::string::npos) << pair.first;
    EXPECT_EQ(pair.second.find("other"), std::string::npos) << pair.second;
  }
}

TEST(ReuseCli, StoresReuseFlowsWithSpans) {
  TempDir tmp;
  BuildStore(tmp.path() / "s");
  const auto flows = JsonLines(Reuse(tmp.path() / "s", "--json"));
  ASSERT_FALSE(flows.empty());
  auto store = relais::corpora::Store::Open(tmp.path() / "s", relais::corpora::OpenMode::kReadOnly);
  relais::corpora::Statement st(
      store.db(),
      "SELECT s.key, d.key, f.score, f.src_begin, f.src_end, f.dst_begin, f.dst_end, f.latency "
      "FROM flows f JOIN items s ON s.id = f.src_item JOIN items d ON d.id = f.dst_item "
      "WHERE f.layer = 'reuse'");
  std::size_t n = 0;
  const auto pairs = ByPair(flows);
  while (st.Step()) {
    ++n;
    const auto it = pairs.find({st.Text(0), st.Text(1)});
    ASSERT_NE(it, pairs.end()) << st.Text(0) << " -> " << st.Text(1) << " stored but not printed";
    EXPECT_NEAR(st.Double(2), it->second["score"].get<double>(), 1e-12);
    EXPECT_EQ(st.Int(3), it->second["source_span"][0].get<std::int64_t>());
    EXPECT_EQ(st.Int(4), it->second["source_span"][1].get<std::int64_t>());
    EXPECT_EQ(st.Int(5), it->second["target_span"][0].get<std::int64_t>());
    EXPECT_EQ(st.Int(6), it->second["target_span"][1].get<std::int64_t>());
    EXPECT_EQ(st.Int(7), it->second["latency_ms"].get<std::int64_t>());
  }
  EXPECT_EQ(n, flows.size());
  // A second run replaces the layer instead of adding to it.
  Reuse(tmp.path() / "s", "--json");
  relais::corpora::Statement count(store.db(), "SELECT COUNT(*) FROM flows WHERE layer = 'reuse'");
  ASSERT_TRUE(count.Step());
  EXPECT_EQ(static_cast<std::size_t>(count.Int(0)), flows.size());
}

TEST(ReuseCli, FromAndToRestrictChannels) {
  TempDir tmp;
  BuildStore(tmp.path() / "s");
  const auto pr_social = JsonLines(Reuse(tmp.path() / "s", "--json --from pr --to social"));
  ASSERT_EQ(pr_social.size(), 1u);
  EXPECT_EQ(pr_social[0]["source"], "pr:release");
  EXPECT_EQ(pr_social[0]["target"], "social:quote");
  const auto press_press = JsonLines(Reuse(tmp.path() / "s", "--json --from press --to press"));
  ASSERT_FALSE(press_press.empty());
  for (const auto& f : press_press) {
    EXPECT_EQ(f["source"].get<std::string>().rfind("press:", 0), 0u) << f.dump();
    EXPECT_EQ(f["target"].get<std::string>().rfind("press:", 0), 0u) << f.dump();
  }
  // Defaults: pr and press as sources, press and social as targets — never a pr target.
  for (const auto& f : JsonLines(Reuse(tmp.path() / "s", "--json")))
    EXPECT_NE(f["target"].get<std::string>().rfind("pr:", 0), 0u) << f.dump();
  const auto bad =
      relais::testing::Run(RelaisBin() + " reuse --store " + (tmp.path() / "s").string() + " --min-score 2");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

TEST(ReuseCli, ExplainShowsTheAlignedPassages) {
  TempDir tmp;
  const World w = BuildStore(tmp.path() / "s");
  const std::string store = (tmp.path() / "s").string();
  auto r = relais::testing::Run(RelaisBin() + " reuse --store " + store + " --explain pr:release press:edited-a");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("pr:release"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("press:edited-a"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("score"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| "), std::string::npos) << "side by side columns:\n" << r.out;
  EXPECT_NE(r.out.find("modifié"), std::string::npos) << "the edits are shown:\n" << r.out;
  r = relais::testing::Run(RelaisBin() + " reuse --store " + store + " --explain pr:release press:edited-a --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json e = json::parse(r.out);
  std::set<std::string> ops;
  for (const auto& row : e["rows"]) ops.insert(row["op"].get<std::string>());
  EXPECT_TRUE(ops.count("equal"));
  EXPECT_TRUE(ops.count("changed"));
  EXPECT_GT(e["score"].get<double>(), 0.5);
  r = relais::testing::Run(RelaisBin() + " reuse --store " + store + " --explain pr:release no:such-item");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no:such-item"), std::string::npos) << r.err;
}

TEST(ReuseCli, SyndicationGroupsListTheTitlesWithEditDistances) {
  TempDir tmp;
  BuildStore(tmp.path() / "s");
  const auto groups = JsonLines(Reuse(tmp.path() / "s", "--groups --json"));
  const json* release = nullptr;
  for (const auto& g : groups)
    if (g["source"] == "pr:release") release = &g;
  ASSERT_NE(release, nullptr) << "no group for the release";
  std::map<std::string, std::size_t> distance;
  for (const auto& m : (*release)["members"]) distance[m["item"].get<std::string>()] = m["edit_distance"];
  ASSERT_TRUE(distance.count("press:verbatim"));
  ASSERT_TRUE(distance.count("press:edited-a"));
  ASSERT_TRUE(distance.count("press:edited-b"));
  EXPECT_EQ(distance["press:verbatim"], 0u);
  EXPECT_GT(distance["press:edited-a"], 0u);
  EXPECT_GT(distance["press:edited-b"], distance["press:edited-a"]) << "every 9th word + a byline vs every 12th";
  EXPECT_FALSE(distance.count("social:quote")) << "a post is not a syndicated title";
}

TEST(ReuseCli, SameOutputAtOneAndTwoThreads) {
  TempDir tmp;
  BuildStore(tmp.path() / "a");
  BuildStore(tmp.path() / "b");
  const std::string one = Reuse(tmp.path() / "a", "--json --threads 1");
  const std::string two = Reuse(tmp.path() / "b", "--json --threads 2");
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, two);
  EXPECT_EQ(Reuse(tmp.path() / "a", "--groups --json --threads 1"),
            Reuse(tmp.path() / "b", "--groups --json --threads 2"));
}

// The store path reads its texts back from a temporary file, ranked by (time, key) without holding the keys:
// its flows are the engine's on the same items given as ReuseDocs, and two copies published in the same
// millisecond go from the smaller key to the larger, whatever their insertion order.
TEST(ReuseCli, StoreRunEqualsTheEngineOnTheSameDocsAndTiesGoByKey) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "s";
  BuildStore(dir);
  const std::string tied = Prose(400, 160);
  {
    auto store = relais::corpora::Store::Open(dir, relais::corpora::OpenMode::kReadWrite);
    store.Begin();
    relais::corpora::Statement item(
        store.db(),
        "INSERT INTO items (key, channel, kind, actor_id, time, text) VALUES (?1, 'press', 'original', 2, ?2, ?3)");
    for (const char* key : {"press:tie-b", "press:tie-a"}) {  // the larger key first
      item.Bind(1, std::string_view(key)).Bind(2, kT0 + 40 * kHour).Bind(3, std::string_view(tied));
      item.Run();
      item.Reset();
    }
    store.Commit();
  }
  const auto flows = JsonLines(Reuse(dir, "--json"));
  const auto pairs = ByPair(flows);
  EXPECT_TRUE(pairs.count({"press:tie-a", "press:tie-b"})) << "equal times: the smaller key is the source";
  EXPECT_FALSE(pairs.count({"press:tie-b", "press:tie-a"}));

  struct Row {
    std::string key, channel, text;
    std::int64_t time = 0;
  };
  std::vector<Row> rows;
  {
    auto store = relais::corpora::Store::Open(dir, relais::corpora::OpenMode::kReadOnly);
    relais::corpora::Statement st(store.db(), "SELECT key, channel, time, text FROM items WHERE kind <> 'retweet'");
    while (st.Step()) rows.push_back({st.Text(0), st.Text(1), st.IsNull(3) ? "" : st.Text(3), st.Int(2)});
  }
  std::vector<relais::text::ReuseDoc> docs;
  for (const Row& r : rows) {
    relais::text::ReuseDoc d;
    d.key = r.key;
    d.time = r.time;
    d.text = r.text;
    d.is_source = r.channel == "pr" || r.channel == "press";
    d.is_target = r.channel == "press" || r.channel == "social";
    d.is_press = r.channel == "press";
    docs.push_back(d);
  }
  const relais::text::ReuseResult engine = relais::text::FindReuse(docs, {});
  ASSERT_EQ(engine.flows.size(), flows.size());
  for (std::size_t k = 0; k < flows.size(); ++k) {
    const auto& f = engine.flows[k];
    EXPECT_EQ(flows[k]["source"], std::string(docs[f.source].key)) << k;
    EXPECT_EQ(flows[k]["target"], std::string(docs[f.target].key)) << k;
    EXPECT_EQ(flows[k]["source_span"][0].get<std::uint32_t>(), f.source_span.begin) << k;
    EXPECT_EQ(flows[k]["target_span"][1].get<std::uint32_t>(), f.target_span.end) << k;
    EXPECT_NEAR(flows[k]["score"].get<double>(), f.score, 1e-12) << k;
  }
}
