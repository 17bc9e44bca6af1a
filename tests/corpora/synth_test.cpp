// The synthetic world: byte-identical output at any thread count, truth.json consistent with the files
// (counted here with independent code), dirty faults counted exactly, planted Hawkes counts plausible.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "detail/dag_cbor.hpp"
#include "relais/base/error.hpp"
#include "relais/base/hash.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/stats.hpp"
#include "relais/corpora/store.hpp"
#include "relais/corpora/synth.hpp"
#include "relais/corpora/url.hpp"
#include "synth/repo_car.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using relais::corpora::GenerateSynthWorld;
using relais::corpora::SynthOptions;

namespace {

using relais::testing::Slurp;

std::map<std::string, std::string> HashTree(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = relais::Sha256Hex(Slurp(e.path()));
  return out;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t nl = s.find('\n', pos);
    if (nl == std::string::npos) nl = s.size();
    if (nl > pos) out.push_back(s.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

std::optional<json> Parse(const std::string& line) {
  try {
    return json::parse(line);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

/// What an independent reader sees in a world's data/ folder.
// The records of a repository export, walked here without the reader: the sections (CIDv1 sha2-256,
// 36 bytes, each checked against its block), the commit named by the header, its MST in key order.
// Returns the did and (key "<collection>/<rkey>", record) pairs.
std::pair<std::string, std::vector<std::pair<std::string, json>>> RepoRecords(const std::string& car) {
  auto varint = [&](std::size_t& i) {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<std::uint8_t>(car.at(i++));
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  std::size_t i = 0;
  const std::size_t header_len = varint(i);
  const json header = json::parse(*relais::corpora::detail::DagCborToJson(car.substr(i, header_len)));
  i += header_len;
  std::map<std::string, json> blocks;
  while (i < car.size()) {
    const std::size_t len = varint(i);
    const std::string cid = car.substr(i, 36), block = car.substr(i + 36, len - 36);
    EXPECT_EQ(cid.substr(0, 4), std::string("\x01\x71\x12\x20", 4));
    std::string digest;
    for (char ch : cid.substr(4)) {
      static constexpr char kHex[] = "0123456789abcdef";
      digest += kHex[static_cast<std::uint8_t>(ch) >> 4];
      digest += kHex[static_cast<std::uint8_t>(ch) & 15];
    }
    EXPECT_EQ(relais::Sha256Hex(block), digest) << "a block whose CID does not verify";
    blocks[relais::corpora::detail::CidToString(cid)] = json::parse(*relais::corpora::detail::DagCborToJson(block));
    i += len;
  }
  const json& commit = blocks.at(header["roots"][0]["$link"].get<std::string>());
  EXPECT_EQ(commit["version"], 3);
  std::vector<std::pair<std::string, json>> records;
  std::function<void(const json&)> walk = [&](const json& link) {
    if (link.is_null()) return;
    const json& node = blocks.at(link["$link"].get<std::string>());
    walk(node["l"]);
    std::string key;
    for (const auto& e : node["e"]) {
      key = key.substr(0, e["p"].get<std::size_t>()) +
            *relais::corpora::detail::Base64Decode(e["k"]["$bytes"].get<std::string>());
      records.emplace_back(key, blocks.at(e["v"]["$link"].get<std::string>()));
      walk(e["t"]);
    }
  };
  walk(commit["data"]);
  for (std::size_t k = 1; k < records.size(); ++k) EXPECT_LT(records[k - 1].first, records[k].first);
  return {commit["did"].get<std::string>(), std::move(records)};
}

struct Census {
  std::uint64_t records = 0, malformed = 0, duplicates = 0;
  std::map<std::string, std::uint64_t> by_kind, by_channel, by_format;
  std::map<std::string, std::map<std::string, std::uint64_t>> kinds_by_format;  // Bluesky and Telegram
  std::uint64_t links = 0, embeds = 0;
  std::set<std::string> press_keys;  // canonical URLs of articles and releases
};

void CountPost(Census& c, const std::string& kind, bool has_link) {
  ++c.records;
  ++c.by_kind[kind];
  ++c.by_channel["social"];
  if (has_link) ++c.links;
}

void CountArticle(Census& c, const std::string& url, const std::string& text, bool release) {
  ++c.records;
  ++c.by_kind[release ? "release" : "article"];
  ++c.by_channel[release ? "pr" : "press"];
  c.press_keys.insert(relais::corpora::CanonicalizeUrl(url));
  if (text.find("https://twitter.com/") != std::string::npos || text.find("/@") != std::string::npos) ++c.embeds;
}

/// A GraphQL tweet result (the `legacy` status, with the retweeted one nested and the quoted one beside it).
void CountGraphqlTweet(Census& c, const json& result, const std::string& format,
                       const std::function<bool(const std::string&)>& first_time) {
  ++c.by_format[format];
  const json& legacy = result["legacy"];
  if (!first_time("twitter:" + result["rest_id"].get<std::string>())) {
    ++c.duplicates;
    return;
  }
  EXPECT_EQ(legacy["user_id_str"], result["core"]["user_results"]["result"]["rest_id"]);
  std::string kind = legacy.contains("retweeted_status_result")     ? "retweet"
                     : result.contains("quoted_status_result")      ? "quote"
                     : legacy.contains("in_reply_to_status_id_str") ? "reply"
                                                                    : "original";
  CountPost(c, kind, !legacy["entities"]["urls"].empty());
}

/// Every `tweet_results.result` of a GraphQL response, in document order.
void FindTweetResults(const json& j, std::vector<const json*>& out) {
  if (j.is_array()) {
    for (const auto& e : j) FindTweetResults(e, out);
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (k == "tweet_results") {
        out.push_back(&v["result"]);
      } else {
        FindTweetResults(v, out);
      }
    }
  }
}

Census TakeCensus(const fs::path& data) {
  Census c;
  std::set<std::string> seen;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(data))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string rel = fs::relative(path, data).string();
    std::string content = Slurp(path);
    auto first_time = [&](const std::string& key) { return seen.insert(key).second; };
    if (rel.rfind("twitter/v2/", 0) == 0) {
      for (const auto& line : Lines(content)) {
        auto page = Parse(line);
        if (!page) {
          ++c.malformed;
          continue;
        }
        for (const auto& t : (*page)["data"]) {
          ++c.by_format["twitter-v2"];
          if (!first_time("twitter:" + t["id"].get<std::string>())) {
            ++c.duplicates;
            continue;
          }
          std::string kind = "original";
          if (t.contains("referenced_tweets")) {
            std::string type = t["referenced_tweets"][0]["type"];
            kind = type == "retweeted" ? "retweet" : type == "quoted" ? "quote" : "reply";
          }
          bool link = t.contains("entities") && t["entities"].contains("urls");
          CountPost(c, kind, link);
        }
      }
    } else if (rel.rfind("twitter/graphql/", 0) == 0) {
      for (const auto& line : Lines(content)) {
        auto response = Parse(line);
        if (!response) {
          ++c.malformed;
          continue;
        }
        std::vector<const json*> results;
        FindTweetResults(*response, results);
        EXPECT_FALSE(results.empty()) << rel;
        for (const json* r : results) CountGraphqlTweet(c, *r, "twitter-graphql", first_time);
      }
    } else if (rel.rfind("twitter/zeeschuimer/", 0) == 0) {
      for (const auto& line : Lines(content)) {
        auto item = Parse(line);
        if (!item || !item->contains("data")) {
          ++c.malformed;
          continue;
        }
        EXPECT_EQ((*item)["source_platform"], "twitter.com");
        CountGraphqlTweet(c, (*item)["data"], "zeeschuimer", first_time);
      }
    } else if (rel.rfind("bluesky/repos/", 0) == 0) {
      const auto [did, records] = RepoRecords(content);
      EXPECT_EQ(rel, "bluesky/repos/" + did.substr(8) + ".car");
      for (const auto& [key, record] : records) {
        ++c.by_format["bluesky-car"];
        if (!first_time("bluesky:at://" + did + "/" + key)) {
          ++c.duplicates;
          continue;
        }
        bool link = false;
        for (const auto& facet : record.value("facets", json::array()))
          link |= facet["features"][0]["$type"] == "app.bsky.richtext.facet#link";
        const std::string kind = key.rfind("app.bsky.feed.repost/", 0) == 0 ? "retweet"
                                 : record.contains("reply")                 ? "reply"
                                 : record.contains("embed")                 ? "quote"
                                                                            : "original";
        ++c.kinds_by_format["bluesky-car"][kind];
        CountPost(c, kind, link);
      }
    } else if (rel.rfind("bluesky/", 0) == 0) {
      for (const auto& line : Lines(content)) {
        auto ev = Parse(line);
        if (!ev || (*ev)["kind"] != "commit") {
          ++c.malformed;
          continue;
        }
        ++c.by_format["bluesky-jetstream"];
        const json& commit = (*ev)["commit"];
        const std::string key = "bluesky:at://" + (*ev)["did"].get<std::string>() + "/" +
                                commit["collection"].get<std::string>() + "/" + commit["rkey"].get<std::string>();
        if (!first_time(key)) {
          ++c.duplicates;
          continue;
        }
        const json& record = commit["record"];
        bool link = false;
        for (const auto& facet : record.value("facets", json::array()))
          link |= facet["features"][0]["$type"] == "app.bsky.richtext.facet#link";
        const std::string kind = commit["collection"] == "app.bsky.feed.repost" ? "retweet"
                                 : record.contains("reply")                     ? "reply"
                                 : record.contains("embed")                     ? "quote"
                                                                                : "original";
        ++c.kinds_by_format["bluesky-jetstream"][kind];
        CountPost(c, kind, link);
      }
    } else if (rel.rfind("telegram/", 0) == 0) {
      auto chat = Parse(content);
      if (!chat) {
        ++c.malformed;
        continue;
      }
      EXPECT_EQ((*chat)["type"], "public_channel") << rel;
      for (const auto& m : (*chat)["messages"]) {
        ++c.by_format["telegram"];
        if (!first_time("telegram:" + std::to_string((*chat)["id"].get<std::uint64_t>()) + "/" +
                        std::to_string(m["id"].get<std::uint64_t>()))) {
          ++c.duplicates;
          continue;
        }
        bool link = false;
        for (const auto& e : m["text_entities"]) link |= e["type"] == "link";
        const std::string kind = m.contains("forwarded_from_id")     ? "retweet"
                                 : m.contains("reply_to_message_id") ? "reply"
                                                                     : "original";
        ++c.kinds_by_format["telegram"][kind];
        CountPost(c, kind, link);
      }
    } else if (rel.rfind("press/europresse/", 0) == 0) {
      std::size_t pos = 0;
      while ((pos = content.find("<article>", pos)) != std::string::npos) {
        const std::size_t end = content.find("</article>", pos);
        const std::string block = content.substr(pos, end - pos);
        const std::string marker = "linkReferencedDoc\" href=\"";
        const std::size_t hb = block.find(marker) + marker.size(), he = block.find('"', hb);
        ++c.by_format["europresse"];
        const std::string url = block.substr(hb, he - hb);
        EXPECT_TRUE(first_time(url)) << url;
        CountArticle(c, url, block.substr(block.find("DocText")), false);
        pos = end;
      }
    } else if (rel.rfind("twitter/v1/", 0) == 0) {
      for (const auto& line : Lines(content)) {
        auto t = Parse(line);
        if (!t || !t->contains("id_str")) {
          ++c.malformed;
          continue;
        }
        ++c.by_format["twitter-v1"];
        if (!first_time("twitter:" + (*t)["id_str"].get<std::string>())) {
          ++c.duplicates;
          continue;
        }
        std::string kind = t->contains("retweeted_status")                ? "retweet"
                           : (*t)["is_quote_status"].get<bool>()          ? "quote"
                           : !(*t)["in_reply_to_status_id_str"].is_null() ? "reply"
                                                                          : "original";
        CountPost(c, kind, !(*t)["entities"]["urls"].empty());
      }
    } else if (rel.rfind("mastodon/", 0) == 0) {
      for (const auto& line : Lines(content)) {
        auto s = Parse(line);
        if (!s || !s->contains("uri")) {
          ++c.malformed;
          continue;
        }
        ++c.by_format["mastodon"];
        if (!first_time("mastodon:" + (*s)["uri"].get<std::string>())) {
          ++c.duplicates;
          continue;
        }
        std::string kind = !(*s)["reblog"].is_null()           ? "retweet"
                           : !(*s)["in_reply_to_id"].is_null() ? "reply"
                                                               : "original";
        CountPost(c, kind, (*s)["content"].get<std::string>().find("target=\"_blank\"") != std::string::npos);
      }
    } else if (rel.rfind("press/", 0) == 0 && path.extension() == ".csv") {
      // Windows-1252: no byte sequence of it is valid multi-byte UTF-8 here, accents are single bytes.
      EXPECT_FALSE(content.find("\xC3\xA9") != std::string::npos) << rel << " looks like UTF-8";
      auto lines = Lines(content);
      for (std::size_t k = 1; k < lines.size(); ++k) {
        std::string url = lines[k].substr(1, lines[k].find('"', 1) - 1);
        ++c.by_format["press-csv"];
        EXPECT_TRUE(first_time(url));
        CountArticle(c, url, lines[k], false);
      }
    } else if (rel.rfind("press/", 0) == 0 || rel.rfind("pr/", 0) == 0) {
      bool pr = rel.rfind("pr/", 0) == 0;
      EXPECT_NE(pr, rel.find("releases") == std::string::npos) << rel;
      for (const auto& line : Lines(content)) {
        auto a = Parse(line);
        if (!a || !a->contains("url") || !a->contains("published")) {
          ++c.malformed;
          continue;
        }
        ++c.by_format[pr ? "pr-jsonl" : "press-jsonl"];
        std::string url = (*a)["url"];
        if (!first_time(url)) {
          ++c.duplicates;
          continue;
        }
        EXPECT_EQ(pr, a->contains("channel") && (*a)["channel"] == "pr");
        CountArticle(c, url, (*a)["text"], pr);
      }
    } else if (rel.rfind("rss/", 0) == 0) {
      std::size_t pos = 0;
      while ((pos = content.find("<item>", pos)) != std::string::npos) {
        std::size_t lb = content.find("<link>", pos) + 6, le = content.find("</link>", lb);
        std::size_t db = content.find("<description>", pos) + 13, de = content.find("</description>", db);
        ++c.by_format["rss"];
        EXPECT_TRUE(first_time(content.substr(lb, le - lb)));
        CountArticle(c, content.substr(lb, le - lb), content.substr(db, de - db), false);
        pos = le;
      }
    } else {
      ADD_FAILURE() << "unexpected file " << rel;
    }
  }
  return c;
}

SynthOptions Small(const fs::path& out, int threads, double dirty = 0.0) {
  SynthOptions o;
  o.out = out;
  o.seed = 20210108;
  o.threads = threads;
  o.dirty = dirty;
  return o;
}

// One clean and one dirty small world shared by the tests of this file (generation takes seconds).
struct Worlds {
  relais::testing::TempDir dir;
  fs::path clean, dirty;
  Worlds() {
    clean = dir.path() / "clean";
    dirty = dir.path() / "dirty";
    GenerateSynthWorld(Small(clean, 2));
    GenerateSynthWorld(Small(dirty, 2, 0.02));
  }
};
Worlds& SynthWorlds() {
  static Worlds w;
  return w;
}

json Truth(const fs::path& world) { return json::parse(Slurp(world / "truth.json")); }

}  // namespace

TEST(Synth, ScaleNames) {
  EXPECT_EQ(relais::corpora::ParseSynthScale("medium"), relais::corpora::SynthScale::kMedium);
  EXPECT_FALSE(relais::corpora::ParseSynthScale("huge").has_value());
}

TEST(Synth, RejectsBadOptions) {
  relais::testing::TempDir tmp;
  SynthOptions o = Small(tmp.path() / "w", 1, 0.9);
  EXPECT_THROW(GenerateSynthWorld(o), relais::Error);
  o.dirty = 0;
  o.out.clear();
  EXPECT_THROW(GenerateSynthWorld(o), relais::Error);
}

TEST(Synth, SameSeedSameBytesAtAnyThreadCount) {
  relais::testing::TempDir tmp;
  GenerateSynthWorld(Small(tmp.path() / "one", 1, 0.02));
  auto a = HashTree(tmp.path() / "one");
  auto b = HashTree(SynthWorlds().dirty);  // generated with 2 threads
  ASSERT_GT(a.size(), 10u);
  EXPECT_EQ(a, b);
  // A different seed gives a different world.
  SynthOptions o = Small(tmp.path() / "other", 2);
  o.seed = 7;
  GenerateSynthWorld(o);
  EXPECT_NE(HashTree(tmp.path() / "other").at("truth.json"), HashTree(SynthWorlds().clean).at("truth.json"));
}

TEST(Synth, SmallWorldHasTheAdvertisedSize) {
  json t = Truth(SynthWorlds().clean);
  EXPECT_EQ(t["scale"], "small");
  EXPECT_GE(t["counts"]["items"].get<std::uint64_t>(), 100000u);
  EXPECT_LE(t["counts"]["items"].get<std::uint64_t>(), 400000u);
  EXPECT_EQ(t["counts"]["actors"].get<std::uint64_t>(), 2000u);
  EXPECT_EQ(t["period"]["days"], 120);
  EXPECT_EQ(t["event"]["time"], "2021-01-08T23:21:00Z");
  // Every class, every channel and every layer is present.
  for (const auto& [cls, n] : t["counts"]["by_class"].items()) EXPECT_GT(n.get<std::uint64_t>(), 100u) << cls;
  for (const auto& [layer, n] : t["flows"].items()) EXPECT_GT(n.get<std::uint64_t>(), 50u) << layer;
  EXPECT_GT(t["supporters"].size(), 50u);
  EXPECT_GT(t["syndication_groups"].size(), 3u);
}

TEST(Synth, TruthMatchesTheFiles) {
  const fs::path world = SynthWorlds().clean;
  json t = Truth(world);
  Census c = TakeCensus(world / "data");
  EXPECT_EQ(c.malformed, 0u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.records, t["counts"]["items"].get<std::uint64_t>());
  EXPECT_EQ(c.records, t["counts"]["records"].get<std::uint64_t>());
  for (const auto& [ch, n] : t["counts"]["by_channel"].items())
    EXPECT_EQ(c.by_channel[ch], n.get<std::uint64_t>()) << ch;
  for (const auto& [k, n] : t["counts"]["by_kind"].items()) EXPECT_EQ(c.by_kind[k], n.get<std::uint64_t>()) << k;
  for (const auto& [f, n] : t["counts"]["by_format"].items()) EXPECT_EQ(c.by_format[f], n.get<std::uint64_t>()) << f;
  EXPECT_EQ(c.by_kind["retweet"], t["flows"]["retweet"].get<std::uint64_t>());
  EXPECT_EQ(c.by_kind["quote"], t["flows"]["quote"].get<std::uint64_t>());
  EXPECT_EQ(c.by_kind["reply"], t["flows"]["reply"].get<std::uint64_t>());
  EXPECT_EQ(c.links, t["flows"]["link"].get<std::uint64_t>());
  EXPECT_EQ(c.links, t["link_shares"].size());
  EXPECT_EQ(c.embeds, t["flows"]["embed"].get<std::uint64_t>());
  EXPECT_EQ(t["reuse_pairs"].size(), t["flows"]["reuse"].get<std::uint64_t>());
  // Planted pairs name items that exist, with keys as the store computes them.
  for (const auto& p : t["reuse_pairs"]) {
    ASSERT_TRUE(c.press_keys.count(p["source"].get<std::string>())) << p.dump();
    ASSERT_TRUE(c.press_keys.count(p["target"].get<std::string>())) << p.dump();
  }
  bool canonicaliser_strips_tracking = relais::corpora::CanonicalizeUrl("https://www.x.fr/a?utm_source=t") ==
                                       relais::corpora::CanonicalizeUrl("https://x.fr/a");
  for (const auto& s : t["link_shares"]) {
    ASSERT_TRUE(c.press_keys.count(s["article"].get<std::string>())) << s.dump();
    EXPECT_GE(s["delay_s"].get<std::int64_t>(), 0);
    if (s["variant"] == "plain" || canonicaliser_strips_tracking) {
      EXPECT_EQ(relais::corpora::CanonicalizeUrl(s["url"].get<std::string>()), s["article"]) << s.dump();
    }
  }
  // The head of state is silent after the removal, and nobody retweets him any more.
  const auto& hos = t["event_effects"]["realised"]["head_of_state_posts_per_day"];
  const auto& hos_rt = t["event_effects"]["realised"]["head_of_state_retweets_per_day"];
  std::uint64_t before = 0, after = 0, rt_after = 0;
  for (int d = 0; d < 120; ++d) {
    (d < 60 ? before : after) += hos[d].get<std::uint64_t>();
    if (d > 60) rt_after += hos_rt[d].get<std::uint64_t>();
  }
  EXPECT_GT(before, 100u);
  EXPECT_EQ(after, 0u) << "posts on the event day after 23:21 would count in day 60";
  EXPECT_EQ(rt_after, 0u);
  // Supporters' planted drop shows in their activity.
  const auto& sup = t["event_effects"]["realised"]["supporter_items_per_day"];
  double sb = 0, sa = 0;
  for (int d = 30; d < 60; ++d) sb += sup[d].get<double>();
  for (int d = 61; d < 91; ++d) sa += sup[d].get<double>();
  EXPECT_LT(sa, 0.8 * sb);
}

TEST(Synth, HawkesCountsMatchTheStationaryExpectation) {
  // E[N] = (I - A^T)^{-1} mu T for the process without edge effects; check within 10% per class
  // (the event changes mu for politicians and a few alpha entries: use the before/after average).
  json t = Truth(SynthWorlds().clean);
  const auto& groups = t["groups"];
  const int k = static_cast<int>(groups.size());
  std::vector<double> mu(k), x(k, 0.0);
  std::vector<std::vector<double>> a(k, std::vector<double>(k));
  for (int i = 0; i < k; ++i) {
    std::string gi = groups[i];
    mu[i] = 60 * (t["hawkes"]["mu_per_day"][gi].get<double>() + t["hawkes"]["mu_per_day_after"][gi].get<double>());
    for (int j = 0; j < k; ++j) {
      std::string gj = groups[j];
      a[i][j] = 0.5 * (t["hawkes"]["alpha"][gi][gj].get<double>() + t["hawkes"]["alpha_after"][gi][gj].get<double>());
    }
  }
  // Fixed point x = mu + A^T x.
  for (int it = 0; it < 200; ++it) {
    std::vector<double> y = mu;
    for (int j = 0; j < k; ++j)
      for (int i = 0; i < k; ++i) y[j] += a[i][j] * x[i];
    x = y;
  }
  for (int i = 0; i < k; ++i) {
    double got = t["hawkes"]["events_per_group"][groups[i].get<std::string>()].get<double>();
    EXPECT_NEAR(got / x[i], 1.0, 0.10) << groups[i] << ": " << got << " vs " << x[i];
  }
}

TEST(Synth, DirtyFaultsAreCountedExactly) {
  const fs::path world = SynthWorlds().dirty;
  json t = Truth(world);
  Census c = TakeCensus(world / "data");
  EXPECT_GT(c.malformed, 100u);
  EXPECT_GT(c.duplicates, 100u);
  EXPECT_EQ(c.malformed, t["dirty"]["malformed"].get<std::uint64_t>());
  EXPECT_EQ(c.duplicates, t["dirty"]["duplicates"].get<std::uint64_t>());
  const auto& k = t["dirty"]["by_kind"];
  EXPECT_EQ(c.malformed, k["truncated"].get<std::uint64_t>() + k["invalid_utf8"].get<std::uint64_t>() +
                             k["missing_field"].get<std::uint64_t>());
  EXPECT_EQ(t["dirty"]["windows1252_files"].size(), 1u);
  // Damage is added next to intact records: the world's content is the clean world's.
  EXPECT_EQ(c.records, t["counts"]["items"].get<std::uint64_t>());
  json clean = Truth(SynthWorlds().clean);
  EXPECT_EQ(clean["counts"]["by_channel"], t["counts"]["by_channel"]);
  EXPECT_EQ(clean["flows"], t["flows"]);
}

TEST(Synth, DeactivationIsElevenMinutes) {
  relais::testing::TempDir tmp;
  SynthOptions o = Small(tmp.path() / "w", 2);
  o.deactivation = true;
  GenerateSynthWorld(o);
  json t = Truth(tmp.path() / "w");
  EXPECT_EQ(t["event"]["mode"], "deactivation");
  EXPECT_EQ(t["event"]["window"]["end"], "2021-01-08T23:32:00Z");
  std::uint64_t after = 0;
  const auto& hos = t["event_effects"]["realised"]["head_of_state_posts_per_day"];
  for (int d = 61; d < 120; ++d) after += hos[d].get<std::uint64_t>();
  EXPECT_GT(after, 100u) << "the account comes back after the window";
}

// The share written as X GraphQL responses, Zeeschuimer NDJSON, Bluesky Jetstream events, Telegram channel
// exports and Europresse HTML goes through those readers (sniffed) and is stored as planted: nothing
// quarantined, no duplicate, and the store's items, actors, classes and flows are the planted ones
// (truth.json names the items of the moved conversations, and their authors' second accounts, by the
// keys those readers give them).
TEST(Synth, ScrapedFormatsIngestWithTheWorldUnchanged) {
  const fs::path world = SynthWorlds().clean;
  json t = Truth(world);
  ASSERT_GT(t["counts"]["by_format"]["twitter-graphql"].get<std::uint64_t>(), 1000u);
  ASSERT_GT(t["counts"]["by_format"]["zeeschuimer"].get<std::uint64_t>(), 1000u);
  ASSERT_GT(t["counts"]["by_format"]["europresse"].get<std::uint64_t>(), 10u);
  EXPECT_EQ(t["counts"]["by_platform"].value("bluesky", std::uint64_t{0}),
            t["counts"]["by_format"]["bluesky-jetstream"].get<std::uint64_t>() +
                t["counts"]["by_format"]["bluesky-car"].get<std::uint64_t>());
  // About half of the Bluesky accounts are written as repository exports, the others as Jetstream.
  ASSERT_GT(t["counts"]["by_format"]["bluesky-car"].get<std::uint64_t>(), 100u);
  ASSERT_GT(t["counts"]["by_format"]["bluesky-jetstream"].get<std::uint64_t>(), 100u);
  EXPECT_EQ(t["counts"]["by_platform"].value("telegram", std::uint64_t{0}),
            t["counts"]["by_format"]["telegram"].get<std::uint64_t>());
  relais::testing::TempDir tmp;
  auto store = relais::corpora::Store::Open(tmp.path() / "store", relais::corpora::OpenMode::kCreate);
  relais::corpora::IngestOptions opt;
  opt.paths = {(world / "data").string()};
  opt.actor_files = {(world / "actors.csv").string()};
  opt.threads = 2;
  const auto res = relais::corpora::Ingest(store, opt);
  EXPECT_TRUE(res.failed_files.empty());
  EXPECT_EQ(res.total.read, res.total.accepted + res.total.duplicates + res.total.quarantined);
  EXPECT_EQ(res.total.quarantined, 0u);
  EXPECT_EQ(res.total.duplicates, 0u);
  EXPECT_EQ(res.total.read, t["counts"]["records"].get<std::uint64_t>());
  for (const char* format :
       {"twitter-graphql", "zeeschuimer", "bluesky-jetstream", "bluesky-car", "telegram", "europresse"}) {
    if (t["counts"]["by_format"][format].get<std::uint64_t>() == 0) continue;  // no file of it in this world
    ASSERT_TRUE(res.by_format.count(format)) << format;
    const auto& c = res.by_format.at(format);
    EXPECT_EQ(c.read, t["counts"]["by_format"][format].get<std::uint64_t>()) << format;
    EXPECT_EQ(c.accepted, c.read) << format;
    EXPECT_EQ(c.quarantined, 0u) << format;
  }
  const auto st = relais::corpora::ComputeStats(store);
  EXPECT_EQ(st.items, t["counts"]["items"].get<std::uint64_t>());
  EXPECT_EQ(st.expansions, 0u);
  for (const auto& [ch, n] : t["counts"]["by_channel"].items()) EXPECT_EQ(st.by_channel.at(ch), n.get<std::uint64_t>());
  // Every author is registered under the key its reader gives it (second accounts included): same classes.
  for (const auto& [cls, n] : t["counts"]["by_class"].items())
    EXPECT_EQ(st.by_class.at(cls), n.get<std::uint64_t>()) << cls;
  for (const char* layer : {"retweet", "quote", "reply", "link", "embed"})
    EXPECT_EQ(st.flows_by_layer.at(layer), t["flows"][layer].get<std::uint64_t>()) << layer;
  // The conversations written on Bluesky and Telegram keep their flows: every repost, quote and reply
  // there resolves to the stored item it names, on the same platform; a Telegram forward (the original
  // message's id is not exported) to its source channel.
  const Census census = TakeCensus(world / "data");
  std::map<std::string, std::map<std::string, std::array<std::uint64_t, 3>>> got;  // all, to an item, same platform
  relais::corpora::Statement q(store.db(),
                               "SELECT d.platform, f.layer, count(*), sum(f.src_item IS NOT NULL), "
                               "sum(s.platform IS d.platform OR (f.src_item IS NULL AND a.platform IS d.platform)) "
                               "FROM flows f JOIN items d ON d.id = f.dst_item LEFT JOIN items s ON s.id = f.src_item "
                               "LEFT JOIN actors a ON a.id = f.src_actor "
                               "WHERE d.platform IN ('bluesky', 'telegram') GROUP BY 1, 2");
  while (q.Step())
    got[q.Text(0)][q.Text(1)] = {static_cast<std::uint64_t>(q.Int(2)), static_cast<std::uint64_t>(q.Int(3)),
                                 static_cast<std::uint64_t>(q.Int(4))};
  std::map<std::string, std::uint64_t> bluesky = census.kinds_by_format.at("bluesky-jetstream");
  for (const auto& [kind, n] : census.kinds_by_format.at("bluesky-car")) bluesky[kind] += n;
  // The repository exports read back as the census walked them, kind by kind.
  std::map<std::string, std::uint64_t> from_cars;
  relais::corpora::Statement cars(store.db(), "SELECT kind, count(*) FROM items WHERE file LIKE '%.car' GROUP BY 1");
  while (cars.Step()) from_cars[cars.Text(0)] = static_cast<std::uint64_t>(cars.Int(1));
  EXPECT_EQ(from_cars, census.kinds_by_format.at("bluesky-car"));
  const auto& telegram = census.kinds_by_format.at("telegram");
  for (const char* kind : {"original", "retweet", "quote", "reply"})
    EXPECT_GE(bluesky.count(kind) ? bluesky.at(kind) : 0, 50u) << "bluesky " << kind;
  for (const char* kind : {"original", "retweet", "reply"})
    EXPECT_GE(telegram.count(kind) ? telegram.at(kind) : 0, 50u) << "telegram " << kind;
  EXPECT_EQ(telegram.count("quote"), 0u);
  for (const auto& [layer, kind] : {std::pair{"retweet", "retweet"}, {"quote", "quote"}, {"reply", "reply"}}) {
    const std::uint64_t written = bluesky.at(kind);
    EXPECT_EQ(got["bluesky"][layer], (std::array<std::uint64_t, 3>{written, written, written})) << layer;
  }
  const std::uint64_t replies = telegram.at("reply"), forwards = telegram.at("retweet");
  EXPECT_EQ(got["telegram"]["reply"], (std::array<std::uint64_t, 3>{replies, replies, replies}));
  EXPECT_EQ(got["telegram"]["retweet"], (std::array<std::uint64_t, 3>{forwards, 0, forwards}));
  std::cout << "scraped formats:";
  for (const char* format :
       {"twitter-graphql", "zeeschuimer", "bluesky-jetstream", "bluesky-car", "telegram", "europresse"})
    std::cout << " " << format << " " << (res.by_format.count(format) ? res.by_format.at(format).read : 0);
  std::cout << " of " << res.total.read << " records; " << st.items << " items, " << st.actors
            << " actors, mention flows " << st.flows_by_layer.at("mention") << "\n";
  for (const auto& [format, kinds] : census.kinds_by_format) {
    std::cout << format << ":";
    for (const auto& [kind, n] : kinds) std::cout << " " << kind << " " << n;
    std::cout << "\n";
  }
}
