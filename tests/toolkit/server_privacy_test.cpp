// The privacy rule of `relais serve`, `relais who` and `relais export`, checked on a synthetic world
// (synth --seed 2 --scale small, ingested): in default mode no answer holds a handle, display name,
// platform id, item key or item URL of a non-public actor. Every endpoint's JSON is walked (texts may
// be shown and are skipped), with the pseudonyms the answers themselves hand out fed back as requests.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "relais/corpora/store.hpp"
#include "relais/toolkit/server.hpp"
#include "test_util.hpp"

namespace relais::toolkit {
namespace {

using corpora::OpenMode;
using corpora::Store;
using nlohmann::json;
namespace fs = std::filesystem;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Every identifier of a non-public actor (lower case).
struct PrivateIds {
  std::set<std::string> exact, mentions;
  std::vector<std::string> handles, names;  // to ask for them by name
  void Add(const std::string& id) {
    if (id.size() >= 3) exact.insert(Lower(id));
  }
  /// The first identifier found in s, or "": s whole, without its '@', each whitespace-separated
  /// word of it, and what follows a "scheme:" prefix (item keys wrap URLs: "mastodon:https://…").
  std::string Find(const std::string& s) const {
    const std::string l = Lower(s);
    std::vector<std::string> candidates{l};
    if (l.rfind('@', 0) == 0) candidates.push_back(l.substr(1));
    std::istringstream words(l);
    for (std::string w; words >> w;) {
      candidates.push_back(w);
      if (auto colon = w.find(':'); colon != std::string::npos) candidates.push_back(w.substr(colon + 1));
    }
    for (const auto& c : candidates)
      if (exact.count(c)) return c;
    return "";
  }
};

PrivateIds CollectPrivateIds(const Store& store) {
  PrivateIds ids;
  corpora::Statement a(store.db(),
                       "SELECT key, coalesce(handle,''), coalesce(name,''), coalesce(platform_id,'') FROM actors "
                       "WHERE public = 0");
  while (a.Step()) {
    ids.Add(a.Text(0));
    ids.Add(a.Text(1));
    ids.Add(a.Text(2));
    ids.Add(a.Text(3));
    if (!a.Text(1).empty()) ids.handles.push_back(a.Text(0));
    if (!a.Text(1).empty()) ids.mentions.insert(Lower(a.Text(1)));
    const std::string key = a.Text(0);
    if (key.rfind("mastodon:@", 0) == 0) ids.mentions.insert(Lower(key.substr(10)));
    if (!a.Text(2).empty() && ids.names.size() < 20) ids.names.push_back(a.Text(2));
  }
  // A public actor may share a name with a private account ("Anaïs Garnier"): that name identifies
  // no one in particular, and the public actor is shown by name.
  corpora::Statement pub(store.db(), "SELECT key, coalesce(handle,''), coalesce(name,'') FROM actors WHERE public = 1");
  while (pub.Step())
    for (int c : {0, 1, 2}) ids.exact.erase(Lower(pub.Text(c)));
  corpora::Statement i(store.db(),
                       "SELECT i.key, coalesce(i.url,'') FROM items i LEFT JOIN actors a ON a.id = i.actor_id "
                       "WHERE coalesce(a.public, 0) = 0");
  while (i.Step()) {
    ids.Add(i.Text(0));
    ids.Add(i.Text(1));
  }
  return ids;
}

/// Texts may be shown, but not with a private account's @handle or a link to a post.
std::string FindInText(const std::string& text, const PrivateIds& ids) {
  const std::string l = Lower(text);
  for (std::size_t at = l.find('@'); at != std::string::npos; at = l.find('@', at + 1)) {
    std::size_t end = at + 1;
    while (end < l.size() && (std::isalnum(static_cast<unsigned char>(l[end])) || l[end] == '_' || l[end] == '.' ||
                              l[end] == '@' || l[end] == '-'))
      ++end;
    std::string handle = l.substr(at + 1, end - at - 1);
    while (!handle.empty() && (handle.back() == '.' || handle.back() == '-')) handle.pop_back();
    if (ids.mentions.count(handle)) return "@" + handle;
  }
  std::istringstream words(l);
  for (std::string w; words >> w;)
    if (w.find("://") != std::string::npos && ids.exact.count(w)) return w;
  return "";
}

/// Walks a JSON answer: every string (and object key), texts for handles and links, every pseudonym seen.
void Walk(const json& j, const PrivateIds& ids, const std::string& where, std::vector<std::string>& leaks,
          std::set<std::string>& pseudonyms) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (auto id = ids.Find(s); !id.empty()) leaks.push_back(where + ": \"" + s + "\" holds " + id);
    if (s.rfind("anon-", 0) == 0) pseudonyms.insert(s);
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (auto id = ids.Find(k); !id.empty()) leaks.push_back(where + ": key \"" + k + "\" holds " + id);
      if (k != "text") {
        Walk(v, ids, where + "." + k, leaks, pseudonyms);
      } else if (v.is_string()) {
        if (auto id = FindInText(v.get<std::string>(), ids); !id.empty())
          leaks.push_back(where + ".text: \"" + v.get<std::string>() + "\" holds " + id);
      }
    }
  } else if (j.is_array()) {
    for (std::size_t n = 0; n < j.size(); ++n)
      Walk(j[n], ids, where + "[" + std::to_string(n) + "]", leaks, pseudonyms);
  }
}

class ServerPrivacyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new relais::testing::TempDir();
    const fs::path w = tmp_->path() / "world";
    store_dir_ = tmp_->path() / "store";
    const std::string bin = relais::testing::RelaisBin();
    auto r = relais::testing::Run(bin + " synth --out " + w.string() + " --seed 2 --scale small");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = relais::testing::Run(bin + " ingest --store " + store_dir_.string() + " --actors " +
                             (w / "actors.csv").string() + " " + (w / "data").string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete tmp_;
    tmp_ = nullptr;
  }

  /// Asks every endpoint what a curious visitor would, feeding back the pseudonyms it is given.
  /// Returns the leaks; `answers` counts the 200 answers walked.
  std::vector<std::string> WalkEndpoints(const QueryService& svc, const PrivateIds& ids, int& answers) {
    auto store = Store::Open(store_dir_, OpenMode::kReadOnly);
    std::vector<std::string> leaks;
    std::set<std::string> pseudonyms;
    answers = 0;
    auto ask = [&](const std::string& path, const QueryParams& p) {
      HttpResponse r = svc.Get(path, p);
      EXPECT_TRUE(r.status == 200 || r.status == 400) << path << " " << r.status << " " << r.body;
      json j = json::parse(r.body);
      std::string where = path;
      for (const auto& [k, v] : p) where += (where == path ? "?" : "&") + k + "=" + v;
      Walk(j, ids, where, leaks, pseudonyms);
      if (r.status == 200) ++answers;
      return j;
    };
    ask("/api/stats", {});
    for (const char* q : {"", "a", "e", "@", "mastodon", "bsky", "twitter"})
      ask("/api/actors", {{"q", q}, {"limit", "100"}});
    std::vector<std::string> public_actors;
    for (const char* metric : {"pagerank", "hits", "degree", "kcore", "betweenness"})
      for (const char* by : {"actor", "item", "class", "region"}) {
        // Item-level betweenness (118k nodes, sampled) is slow and names nothing pagerank does not.
        if (std::string(by) == "item" && std::string(metric) != "pagerank" && std::string(metric) != "degree") continue;
        json j = ask("/api/rank", {{"metric", metric}, {"by", by}, {"top", "200"}});
        if (std::string(by) == "actor" && j.contains("results"))
          for (const auto& r : j["results"])
            if (r["node"].get<std::string>().rfind("anon-", 0) != 0 && public_actors.size() < 15)
              public_actors.push_back(r["node"]);
      }
    ask("/api/rank", {{"metric", "pagerank"}, {"by", "actor"}, {"top", "1000"}});
    for (const char* by : {"class", "region", "actor"}) {
      json all = ask("/api/flows", {{"by", by}, {"limit", "5000"}});
      ask("/api/flows",
          {{"by", by}, {"at", "2021-01-08T23:21Z"}, {"before", "30d"}, {"after", "30d"}, {"limit", "5000"}});
      // The flows behind the largest cells (the page's heatmap and matrix clicks), a row and a column.
      if (!all.contains("windows")) continue;
      auto cells = all["windows"][0]["cells"];
      for (std::size_t n = 0; n < cells.size() && n < 12; ++n) {
        const auto& c = cells[n];
        ask("/api/flow-evidence", {{"by", by},
                                   {"source", c["source"].get<std::string>()},
                                   {"target", c["target"].get<std::string>()},
                                   {"limit", "100"}});
        if (n < 3) {
          ask("/api/flow-evidence", {{"by", by}, {"source", c["source"].get<std::string>()}, {"limit", "100"}});
          ask("/api/flow-evidence", {{"by", by}, {"target", c["target"].get<std::string>()}, {"limit", "100"}});
        }
      }
    }
    for (const auto& a : public_actors) ask("/api/amplifiers", {{"of", a}, {"top", "1000"}});
    // Links shared most: their first sharers.
    {
      corpora::Statement st(store.db(), "SELECT url FROM urls GROUP BY url ORDER BY count(*) DESC, url LIMIT 25");
      while (st.Step()) ask("/api/first-sharers", {{"url", st.Text(0)}, {"top", "1000"}});
    }
    // Full-text search (every result names its author and item) and timelines.
    for (const char* q : {"RT", "énergie", "l'État", "journée", "twitter", "https", "mastodon"})
      ask("/api/search", {{"q", q}, {"limit", "100"}});
    for (const char* cls : {"public", "journalist", "press-regional"}) ask("/api/timeline", {{"class", cls}});
    // The pseudonyms handed out, asked about in turn.
    std::vector<std::string> anon(pseudonyms.begin(), pseudonyms.end());
    for (std::size_t n = 0; n < anon.size() && n < 30; ++n) {
      ask("/api/amplifiers", {{"of", anon[n]}, {"top", "1000"}});
      if (n < 5) ask("/api/timeline", {{"of", anon[n]}});
      if (!public_actors.empty() && n < 6) {
        ask("/api/path", {{"from", anon[n]}, {"to", public_actors[n % public_actors.size()]}});
        ask("/api/path", {{"from", public_actors[n % public_actors.size()]}, {"to", anon[n]}});
      }
    }
    return leaks;
  }

  static relais::testing::TempDir* tmp_;
  static fs::path store_dir_;
};

relais::testing::TempDir* ServerPrivacyTest::tmp_ = nullptr;
fs::path ServerPrivacyTest::store_dir_;

TEST_F(ServerPrivacyTest, NoEndpointLinksAPseudonymToAnAccount) {
  auto store = Store::Open(store_dir_, OpenMode::kReadOnly);
  const PrivateIds ids = CollectPrivateIds(store);
  ASSERT_GT(ids.handles.size(), 100u) << "the synthetic world should have many private accounts";
  QueryService svc(store_dir_, {});
  int answers = 0;
  auto leaks = WalkEndpoints(svc, ids, answers);
  EXPECT_GT(answers, 100);
  for (std::size_t n = 0; n < leaks.size() && n < 20; ++n) ADD_FAILURE() << leaks[n];
  EXPECT_TRUE(leaks.empty()) << leaks.size() << " leaks";

  // The walk can fail: the same questions without pseudonymisation do show private identifiers.
  QueryService open_svc(store_dir_, {.pseudonymise = false});
  int open_answers = 0;
  EXPECT_GT(WalkEndpoints(open_svc, ids, open_answers).size(), 100u);
}

// Naming a private account by its handle or display name answers exactly as a name nobody has.
TEST_F(ServerPrivacyTest, NoMembershipOracle) {
  auto store = Store::Open(store_dir_, OpenMode::kReadOnly);
  const PrivateIds ids = CollectPrivateIds(store);
  QueryService svc(store_dir_, {});
  std::vector<std::string> names(ids.handles.begin(),
                                 ids.handles.begin() + std::min<std::size_t>(30, ids.handles.size()));
  names.insert(names.end(), ids.names.begin(), ids.names.end());
  for (const auto& name : names) {
    for (const auto& [path, param] :
         std::vector<std::pair<std::string, std::string>>{{"/api/amplifiers", "of"}, {"/api/path", "from"}}) {
      QueryParams p{{param, name}, {"to", "lemonde.fr"}};
      HttpResponse known = svc.Get(path, p);
      const std::string nobody_name = "zz-nobody-" + std::to_string(name.size());
      p[param] = nobody_name;
      HttpResponse nobody = svc.Get(path, p);
      EXPECT_EQ(known.status, nobody.status) << name;
      std::string body = known.body;
      for (auto at = body.find(name); at != std::string::npos; at = body.find(name, at + nobody_name.size()))
        body.replace(at, name.size(), nobody_name);
      EXPECT_EQ(body, nobody.body) << name;
    }
  }
}

// The CLI's default outputs keep the same rule: who (table and JSON) and export (GEXF, GraphML, CSV).
TEST_F(ServerPrivacyTest, WhoAndExportDefaultsNameNoPrivateAccount) {
  auto store = Store::Open(store_dir_, OpenMode::kReadOnly);
  const PrivateIds ids = CollectPrivateIds(store);
  const std::string bin = relais::testing::RelaisBin(), s = " --store " + store_dir_.string();
  std::vector<std::string> leaks;
  std::set<std::string> pseudonyms;
  auto run = [&](const std::string& args) {
    auto r = relais::testing::Run(bin + " " + args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
    return r.out;
  };
  std::string url;
  {
    corpora::Statement st(store.db(), "SELECT url FROM urls GROUP BY url ORDER BY count(*) DESC, url LIMIT 1");
    ASSERT_TRUE(st.Step());
    url = st.Text(0);
  }
  std::string out = run("who" + s + " --first-sharers '" + url + "' --json --top 0");
  Walk(json::parse(out), ids, "who --first-sharers", leaks, pseudonyms);
  std::string table = run("who" + s + " --first-sharers '" + url + "' --top 0");
  ASSERT_FALSE(pseudonyms.empty());
  const std::string anon = *pseudonyms.begin();
  out = run("who" + s + " --amplifiers-of " + anon + " --json --top 0");
  Walk(json::parse(out), ids, "who --amplifiers-of", leaks, pseudonyms);
  table += run("who" + s + " --amplifiers-of " + anon + " --top 0");
  // Tables: every whitespace-separated word.
  std::istringstream words(table);
  for (std::string word; words >> word;)
    if (auto id = ids.Find(word); !id.empty()) leaks.push_back("who table: " + word);
  for (const char* format : {"gexf", "graphml", "csv"}) {
    const fs::path file = tmp_->path() / (std::string("export.") + format);
    run("export" + s + " --format " + format + " --output " + file.string());
    for (const auto& f : fs::directory_iterator(tmp_->path())) {
      if (f.path().filename().string().rfind("export", 0) != 0) continue;
      std::ifstream in(f.path());
      std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::string token;
      for (char c : content + "\n") {
        if (c == '"' || c == '<' || c == '>' || c == ',' || c == '\n') {
          if (auto id = ids.Find(token); !id.empty()) leaks.push_back(f.path().filename().string() + ": " + token);
          token.clear();
        } else {
          token += c;
        }
      }
    }
  }
  for (std::size_t n = 0; n < leaks.size() && n < 20; ++n) ADD_FAILURE() << leaks[n];
  EXPECT_TRUE(leaks.empty()) << leaks.size() << " leaks";
}

// cascades and reuse printed the item keys of private accounts' posts (a status id names its
// author): by default they show item pseudonyms; --no-pseudonymise shows the keys (the check can fail).
TEST_F(ServerPrivacyTest, CascadesAndReuseDefaultsNameNoPrivateItem) {
  const std::string bin = relais::testing::RelaisBin(), s = " --store " + store_dir_.string();
  PrivateIds ids;
  {
    auto store = Store::Open(store_dir_, OpenMode::kReadOnly);
    ids = CollectPrivateIds(store);
  }
  auto leaks_of = [&](const std::string& extra) {
    std::vector<std::string> leaks;
    std::set<std::string> pseudonyms;
    for (const std::string& args : {"cascades" + s + " --top 0 --json", "reuse" + s + " --json"}) {
      auto r = relais::testing::Run(bin + " " + args + extra);
      EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
      std::istringstream lines(r.out);
      for (std::string line; std::getline(lines, line);)
        if (!line.empty()) Walk(json::parse(line), ids, args, leaks, pseudonyms);
    }
    auto r = relais::testing::Run(bin + " cascades" + s + " --top 500" + extra);
    std::istringstream words(r.out);
    for (std::string word; words >> word;)
      if (auto id = ids.Find(word); !id.empty()) leaks.push_back("cascades table: " + word);
    return leaks;
  };
  const auto leaks = leaks_of("");
  for (std::size_t n = 0; n < leaks.size() && n < 20; ++n) ADD_FAILURE() << leaks[n];
  EXPECT_TRUE(leaks.empty()) << leaks.size() << " leaks";
  EXPECT_GT(leaks_of(" --no-pseudonymise").size(), 100u);
}

}  // namespace
}  // namespace relais::toolkit
