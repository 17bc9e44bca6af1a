// relais who --audience-of (issue 15): the local audience of a regional title on a store ingested
// from twitter-v1 statuses whose authors' profile locations are set by hand, the shares counted
// here by hand and the intervals checked against statsmodels (proportion_confint(method="wilson"),
// confint_proportions_2indep(method="newcomb")); flows --by region groups accounts by their resolved
// région; nothing of an account's location is printed but counts.
#include <algorithm>
#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "relais/base/error.hpp"
#include "relais/corpora/ingest.hpp"
#include "relais/corpora/registry.hpp"
#include "relais/toolkit/flow_matrix.hpp"
#include "relais/toolkit/graph_view.hpp"
#include "relais/toolkit/who.hpp"
#include "test_util.hpp"

namespace relais::toolkit {
namespace {

// A v1.1 status; `rt_id` makes it a retweet of @varmatin's status rt_id.
std::string Status(const std::string& id, const std::string& handle, const std::string& location,
                   const std::string& created, const std::string& rt_id, const std::string& rt_created) {
  nlohmann::json user = {{"id_str", "u" + handle}, {"screen_name", handle}, {"name", handle}, {"location", location}};
  nlohmann::json s = {{"id_str", id}, {"created_at", created}, {"text", "post " + id}, {"user", user}};
  if (!rt_id.empty()) {
    nlohmann::json vm = {
        {"id_str", "uvarmatin"}, {"screen_name", "varmatin"}, {"name", "Var-Matin"}, {"location", "Toulon, Var"}};
    s["retweeted_status"] = {{"id_str", rt_id}, {"created_at", rt_created}, {"text", "article " + rt_id}, {"user", vm}};
    s["text"] = "RT @varmatin: article " + rt_id;
  }
  return s.dump();
}

class Audience : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    const std::string before = "Mon Jul 01 10:00:00 +0000 2024", after = "Mon Jul 15 10:00:00 +0000 2024";
    const std::string b = "Tue Jul 02 10:00:00 +0000 2024", a = "Tue Jul 16 10:00:00 +0000 2024";
    // Amplifiers: before the event (2024-07-10) a1 a3 a5 a6 a7 a8 a10, after a1 a2 a4 a9 a5.
    const std::pair<const char*, const char*> accounts[] = {
        {"a1", "Toulon"}, {"a2", "Hyères"}, {"a3", "Marseille 13"}, {"a4", "Nice 🇫🇷"}, {"a5", "Paris 11e"},
        {"a6", "Lyon"},   {"a7", ""},       {"a8", "Bretagne 🌊"},   {"a9", "PACA"},    {"a10", "London, UK"}};
    std::ofstream out(tmp_->path() / "tweets.jsonl");
    int id = 1000;
    auto retweet = [&](const std::string& who, bool late) {
      const auto& acc =
          *std::find_if(std::begin(accounts), std::end(accounts), [&](const auto& p) { return who == p.first; });
      out << Status(std::to_string(++id), who, acc.second, late ? a : b, late ? "2" : "1", late ? after : before)
          << "\n";
    };
    for (const char* w : {"a1", "a3", "a5", "a6", "a7", "a8", "a10"}) retweet(w, false);
    for (const char* w : {"a1", "a2", "a4", "a9", "a5"}) retweet(w, true);
    out.close();
    const auto ingest = testing::Run(testing::RelaisBin() + " ingest --store " + (tmp_->path() / "st").string() + " " +
                                     (tmp_->path() / "tweets.jsonl").string());
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  }
  static void TearDownTestSuite() {
    delete tmp_;
    tmp_ = nullptr;
  }
  static nlohmann::json Who(const std::string& args, int expect_exit = 0) {
    const auto r =
        testing::Run(testing::RelaisBin() + " who --store " + (tmp_->path() / "st").string() + " " + args + " --json");
    EXPECT_EQ(r.exit_code, expect_exit) << r.err;
    if (r.exit_code != 0) return nlohmann::json{{"stderr", r.err}};
    return nlohmann::json::parse(r.out);
  }
  static testing::TempDir* tmp_;
};
testing::TempDir* Audience::tmp_ = nullptr;

void ExpectPeriod(const nlohmann::json& p, std::int64_t amplifiers, std::int64_t rk, std::int64_t rin,
                  std::pair<double, double> rci, std::int64_t dk, std::int64_t din, std::pair<double, double> dci) {
  SCOPED_TRACE(p.dump());
  EXPECT_EQ(p["amplifiers"], amplifiers);
  EXPECT_EQ(p["located_region"], rk);
  EXPECT_EQ(p["in_region"], rin);
  EXPECT_NEAR(p["share_region"].get<double>(), double(rin) / double(rk), 1e-12);
  EXPECT_NEAR(p["ci_region"][0].get<double>(), rci.first, 1e-9);
  EXPECT_NEAR(p["ci_region"][1].get<double>(), rci.second, 1e-9);
  EXPECT_EQ(p["located_departement"], dk);
  EXPECT_EQ(p["in_departement"], din);
  EXPECT_NEAR(p["ci_departement"][0].get<double>(), dci.first, 1e-9);
  EXPECT_NEAR(p["ci_departement"][1].get<double>(), dci.second, 1e-9);
}

TEST_F(Audience, SharesInRegionAndDepartementWithWilsonIntervals) {
  const auto j = Who("--audience-of @varmatin");
  EXPECT_EQ(j["region"], "Provence-Alpes-Côte d'Azur");  // the registry's
  EXPECT_EQ(j["departement"], "83");                     // its profile: "Toulon, Var"
  ASSERT_EQ(j["periods"].size(), 1u);
  // 10 amplifiers; région known for 9 (a7 has no location), 5 in PACA (a1 a2 a3 a4 a9); département
  // known for 8 (a9 says only "PACA"; a8's Bretagne and a10's London are outside the Var), 2 in the Var.
  ExpectPeriod(j["periods"][0], 10, 9, 5, {0.2666512935, 0.8112214789}, 8, 2, {0.0714792128, 0.5907245697});
  EXPECT_EQ(j["amplifiers_by_region"]["Provence-Alpes-Côte d'Azur"], 5);
  EXPECT_EQ(j["amplifiers_by_region"]["(abroad)"], 1);
  EXPECT_EQ(j["amplifiers_by_evidence"]["profile"], 9);
  EXPECT_EQ(j["amplifiers_by_evidence"]["none"], 1);
  // Privacy: the answer names no amplifier and no profile text.
  const std::string text = j.dump();
  for (const char* secret : {"a1", "Hyères", "Paris 11e", "London", "Marseille 13"})
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
}

TEST_F(Audience, BeforeAndAfterAnEventWithNewcombeChange) {
  const auto j = Who("--audience-of @varmatin --at 2024-07-10T00:00:00Z");
  ASSERT_EQ(j["periods"].size(), 3u);
  ExpectPeriod(j["periods"][1], 7, 6, 2, {0.0967714111, 0.7000066849}, 6, 1, {0.0300533697, 0.5635028222});
  ExpectPeriod(j["periods"][2], 5, 5, 4, {0.3755346298, 0.9637758914}, 4, 2, {0.1500389892, 0.8499610108});
  EXPECT_NEAR(j["change"]["region"]["estimate"].get<double>(), 4.0 / 5 - 2.0 / 6, 1e-12);
  EXPECT_NEAR(j["change"]["region"]["ci"][0].get<double>(), -0.09424348411669564, 1e-9);
  EXPECT_NEAR(j["change"]["region"]["ci"][1].get<double>(), 0.7543889036266154, 1e-9);
  EXPECT_NEAR(j["change"]["departement"]["ci"][0].get<double>(), -0.19577123425362963, 1e-9);
  EXPECT_NEAR(j["change"]["departement"]["ci"][1].get<double>(), 0.7090139184166637, 1e-9);
}

TEST_F(Audience, BadInputIsOneLine) {
  auto j = Who("--audience-of @a7", 3);  // no location at all
  const std::string err = j["stderr"];
  EXPECT_NE(err.find("no known région"), std::string::npos);
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
  j = Who("--amplifiers-of @varmatin --at 2024-07-10", 2);
  EXPECT_NE(j["stderr"].get<std::string>().find("--at goes with --audience-of"), std::string::npos);
}

TEST_F(Audience, FlowsByRegionGroupAccountsByTheirResolvedRegion) {
  auto store = corpora::Store::Open(tmp_->path() / "st", corpora::OpenMode::kReadOnly);
  FlowMatrixOptions o;
  o.by = "region";
  const auto m = ComputeFlowMatrices(store, o);
  ASSERT_EQ(m.windows.size(), 1u);
  std::map<std::pair<std::string, std::string>, std::int64_t> cells;
  for (const auto& c : m.windows[0].cells) cells[{c.source, c.target}] += c.count;
  const std::string paca = "Provence-Alpes-Côte d'Azur";
  // 12 retweets of @varmatin (PACA, registry): to PACA accounts a1 (twice) a2 a3 a4 a9, to
  // Île-de-France a5 (twice), Auvergne-Rhône-Alpes a6, Bretagne a8, abroad a10, nowhere a7.
  EXPECT_EQ((cells[{paca, paca}]), 6);
  EXPECT_EQ((cells[{paca, "Île-de-France"}]), 2);
  EXPECT_EQ((cells[{paca, "Auvergne-Rhône-Alpes"}]), 1);
  EXPECT_EQ((cells[{paca, "Bretagne"}]), 1);
  EXPECT_EQ((cells[{paca, "(abroad)"}]), 1);
  EXPECT_EQ((cells[{paca, "(none)"}]), 1);
  // The evidence behind a cell uses the same groups.
  FlowEvidenceQuery q;
  q.by = "region";
  q.source = paca;
  q.target = "Île-de-France";
  EXPECT_EQ(FlowEvidence(store, q, true)["total"], 2);
  // Graph views by région (rank --by region, the page's graphs) use the same groups as the matrix.
  GraphQuery g;
  g.by = Aggregation::kRegion;
  const GraphView v = BuildGraphView(store, g, /*use_cache=*/false);
  std::map<std::pair<std::string, std::string>, double> arcs;
  for (graph::NodeId u = 0; u < v.graph.num_nodes(); ++u)
    for (auto k = v.graph.out_begin(u); k < v.graph.out_begin(u + 1); ++k)
      arcs[{v.labels[u], v.labels[v.graph.targets()[k]]}] += v.graph.weights().empty() ? 1 : v.graph.weights()[k];
  for (const auto& [cell, n] : cells)
    EXPECT_EQ(arcs[cell], static_cast<double>(n)) << cell.first << " → " << cell.second;
}

// Cells by région from `relais flows --json` (window "all").
std::map<std::pair<std::string, std::string>, std::int64_t> RegionCells(const nlohmann::json& j) {
  std::map<std::pair<std::string, std::string>, std::int64_t> cells;
  for (const auto& c : j["windows"][0]["cells"])
    cells[{c["source"].get<std::string>(), c["target"].get<std::string>()}] += c["count"].get<std::int64_t>();
  return cells;
}

// --geo inferred adds the régions of `relais geo infer` for the accounts without an observed home, as groups of
// their own ("<région> (inferred)"): never merged with observed ones, never overriding an observed home.
TEST_F(Audience, FlowsByInferredRegionKeepInferredGroupsApart) {
  const std::string st = (tmp_->path() / "st").string();
  const std::string flows = testing::RelaisBin() + " flows --store " + st + " --json --by ";
  auto r = testing::Run(flows + "region --geo inferred");
  EXPECT_EQ(r.exit_code, 2) << "no inference yet";
  EXPECT_NE(r.err.find("relais geo infer"), std::string::npos) << r.err;
  r = testing::Run(flows + "class --geo inferred");
  EXPECT_EQ(r.exit_code, 2) << "--geo applies to --by region";
  EXPECT_NE(r.err.find("--by region"), std::string::npos) << r.err;
  EXPECT_EQ(testing::Run(flows + "region --geo guessed").exit_code, 2);
  ASSERT_EQ(testing::Run(testing::RelaisBin() + " geo infer --store " + st).exit_code, 0);
  {
    // What the inference decided on this tiny store is not the point: set it by hand. a7 has no home;
    // a10's home (abroad) and a1's (PACA) are observed and must stay.
    auto store = corpora::Store::Open(tmp_->path() / "st", corpora::OpenMode::kReadWrite);
    store.Exec("DELETE FROM actor_geo_inferred");
    for (const auto& [handle, region] : {std::pair{"a7", "Bretagne"}, {"a10", "Corse"}, {"a1", "Normandie"}})
      store.Exec(std::string("INSERT INTO actor_geo_inferred(actor_id, region, confidence, weight, round) "
                             "SELECT id, '") +
                 region + "', 0.9, 1, 1 FROM actors WHERE handle = '" + handle + "'");
  }
  r = testing::Run(flows + "region");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto observed = nlohmann::json::parse(r.out);
  EXPECT_FALSE(observed.contains("geo"));
  r = testing::Run(flows + "region --geo inferred");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto inferred = nlohmann::json::parse(r.out);
  EXPECT_EQ(inferred["geo"], "inferred");
  EXPECT_EQ(inferred["windows"][0]["total"], observed["windows"][0]["total"]);
  const std::string paca = "Provence-Alpes-Côte d'Azur";
  auto expected = RegionCells(observed);
  ASSERT_EQ((expected[{paca, "(none)"}]), 1);
  expected.erase({paca, "(none)"});
  expected[{paca, "Bretagne (inferred)"}] = 1;
  EXPECT_EQ(RegionCells(inferred), expected);
}

// Sets the store's inferred régions by hand (what the inference decides on this tiny store is not the point):
// a7 has no home; a10's (abroad) and a1's (PACA) are observed and must stay.
void SetInferredRegions(const std::filesystem::path& store_dir,
                        std::initializer_list<std::pair<const char*, const char*>> rows) {
  auto store = corpora::Store::Open(store_dir, corpora::OpenMode::kReadWrite);
  store.Exec("DELETE FROM actor_geo_inferred");
  for (const auto& [handle, region] : rows) {
    std::string quoted;  // an SQL literal: "Provence-Alpes-Côte d'Azur" has a quote
    for (const char c : std::string(region)) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    store.Exec(std::string("INSERT INTO actor_geo_inferred(actor_id, region, confidence, weight, round) SELECT id, '") +
               quoted + "', 0.9, 1, 1 FROM actors WHERE handle = '" + handle + "'");
  }
}

void DropInference(const std::filesystem::path& store_dir) {
  auto store = corpora::Store::Open(store_dir, corpora::OpenMode::kReadWrite);
  store.Exec("DROP TABLE IF EXISTS actor_geo_inferred");
}

// who --audience-of --geo inferred: the amplifiers placed only by the inference are counted apart, in each
// period's "inferred" block; the observed counts do not move.
TEST_F(Audience, AudienceOfCountsInferredAmplifiersApart) {
  const std::string st = (tmp_->path() / "st").string();
  DropInference(tmp_->path() / "st");
  auto err = Who("--audience-of @varmatin --geo inferred", 2)["stderr"].get<std::string>();
  EXPECT_NE(err.find("relais geo infer"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  err = Who("--audience-of @varmatin --geo guessed", 2)["stderr"].get<std::string>();
  EXPECT_NE(err.find("expected observed or inferred"), std::string::npos) << err;
  err = Who("--amplifiers-of @varmatin --geo inferred", 2)["stderr"].get<std::string>();
  EXPECT_NE(err.find("--geo goes with --audience-of"), std::string::npos) << err;
  ASSERT_EQ(testing::Run(testing::RelaisBin() + " geo infer --store " + st).exit_code, 0);
  SetInferredRegions(tmp_->path() / "st",
                     {{"a7", "Provence-Alpes-Côte d'Azur"}, {"a10", "Corse"}, {"a1", "Normandie"}});
  const auto observed = Who("--audience-of @varmatin --at 2024-07-10T00:00:00Z");
  const auto j = Who("--audience-of @varmatin --at 2024-07-10T00:00:00Z --geo inferred");
  EXPECT_FALSE(observed.contains("geo"));
  EXPECT_EQ(j["geo"], "inferred");
  ASSERT_EQ(j["periods"].size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    nlohmann::json p = j["periods"][k];
    EXPECT_FALSE(observed["periods"][k].contains("inferred"));
    p.erase("inferred");
    EXPECT_EQ(p, observed["periods"][k]) << "observed counts unchanged";
  }
  // Only a7 (a before-event amplifier without a home) counts as inferred, in PACA: 1 of 1.
  const auto& all = j["periods"][0]["inferred"];
  EXPECT_EQ(all["located_region"], 1);
  EXPECT_EQ(all["in_region"], 1);
  EXPECT_NEAR(all["share_region"].get<double>(), 1.0, 1e-12);
  const auto [lo, hi] = WilsonInterval(1, 1);
  EXPECT_NEAR(all["ci_region"][0].get<double>(), lo, 1e-12);
  EXPECT_NEAR(all["ci_region"][1].get<double>(), hi, 1e-12);
  EXPECT_EQ(j["periods"][1]["inferred"]["located_region"], 1);
  EXPECT_EQ(j["periods"][2]["inferred"]["located_region"], 0);
  EXPECT_TRUE(j["periods"][2]["inferred"]["share_region"].is_null());
  EXPECT_TRUE(j["change"]["region_inferred"].is_null()) << "no inferred amplifier after the event";
  EXPECT_EQ(j["change"]["region"], observed["change"]["region"]);
  EXPECT_EQ(j["amplifiers_by_evidence"]["inferred"], 1);
  EXPECT_FALSE(j["amplifiers_by_evidence"].contains("none"));
  EXPECT_EQ(j["amplifiers_by_region"]["Provence-Alpes-Côte d'Azur (inferred)"], 1);
  EXPECT_EQ(j["amplifiers_by_region"]["Provence-Alpes-Côte d'Azur"], 5);
  EXPECT_FALSE(j["amplifiers_by_region"].contains("Corse (inferred)"));
  // The table labels the inferred line.
  const auto r = testing::Run(testing::RelaisBin() + " who --store " + st + " --audience-of @varmatin --geo inferred");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("+inferred"), std::string::npos) << r.out;
}

// stats --geo inferred: actors without an observed home but with an inferred région count under
// "<région> (inferred)"; the observed groups keep their counts.
TEST_F(Audience, StatsByRegionKeepInferredHomesApart) {
  const std::string st = (tmp_->path() / "st").string();
  const std::string stats = testing::RelaisBin() + " stats --store " + st + " --json";
  DropInference(tmp_->path() / "st");
  auto r = testing::Run(stats + " --geo inferred");
  EXPECT_EQ(r.exit_code, 2) << "no inference yet";
  EXPECT_NE(r.err.find("relais geo infer"), std::string::npos) << r.err;
  EXPECT_EQ(testing::Run(stats + " --geo everywhere").exit_code, 2);
  ASSERT_EQ(testing::Run(testing::RelaisBin() + " geo infer --store " + st).exit_code, 0);
  SetInferredRegions(tmp_->path() / "st", {{"a7", "Bretagne"}, {"a10", "Corse"}, {"a1", "Normandie"}});
  r = testing::Run(stats);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto observed = nlohmann::json::parse(r.out)["by_region"];
  r = testing::Run(stats + " --geo inferred");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["geo"], "inferred");
  auto expected = observed;
  // a7 (one retweet) leaves "(none)" for "Bretagne (inferred)"; a10 stays abroad, a1 in PACA.
  expected["(none)"]["actors"] = observed["(none)"]["actors"].get<int>() - 1;
  expected["(none)"]["items"] = observed["(none)"]["items"].get<int>() - 1;
  if (expected["(none)"]["actors"] == 0) expected.erase("(none)");  // an emptied group is not listed
  expected["Bretagne (inferred)"] = {{"actors", 1}, {"items", 1}};
  EXPECT_EQ(j["by_region"], expected);
  EXPECT_FALSE(j["by_region"].contains("Corse (inferred)"));
  EXPECT_FALSE(j["by_region"].contains("Normandie (inferred)"));
}

}  // namespace
}  // namespace relais::toolkit
