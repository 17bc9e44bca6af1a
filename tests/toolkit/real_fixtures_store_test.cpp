// A store of every real fixture in ../shared/data: the plausible-time rule (docs/time.md) sets the
// Bluesky post dated year 0 aside, and time-binned analyses work on a bounded window.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "relais/base/time.hpp"
#include "test_util.hpp"

namespace relais {
namespace {

using relais::testing::RelaisBin;
using relais::testing::TempDir;

// One test (ctest runs each in its own process): the ingest of every fixture is done once.
TEST(RealFixturesStore, PlausibleTimesAndBoundedBinnedAnalyses) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  TempDir tmp;
  const std::string store = (tmp.path() / "s").string();
  const auto ingest = relais::testing::Run(RelaisBin() + " ingest --json --store " + store + " " + data.string());
  ASSERT_FALSE(ingest.out.empty()) << ingest.err;
  const auto j = nlohmann::json::parse(ingest.out);
  ASSERT_GT(j["accepted"].get<long>(), 5000) << ingest.out;
  // twitwi-tweets-bluesky/bluesky-posts.json: createdAt and indexedAt both 0000-10-14.
  ASSERT_TRUE(j["by_reason"].contains("implausible-time")) << ingest.out;
  EXPECT_GE(j["by_reason"]["implausible-time"].get<long>(), 1);

  // The store spans 2007-2026: hourly lead-lag with a 48 h max lag over it (167,000 bins) is refused at
  // once, naming the bins and the dense period; daily bins over the same span run.
  const auto h =
      relais::testing::Run(RelaisBin() + " leadlag --store " + store + " --a press-regional --b public --bin 1h");
  EXPECT_EQ(h.exit_code, 2) << h.err;
  EXPECT_NE(h.err.find("bins of 1h, over the limit of 20833 (1000000 / max lag 48 bins)"), std::string::npos) << h.err;
  EXPECT_NE(h.err.find("99% of the store's items fall in"), std::string::npos) << h.err;
  const auto r = relais::testing::Run(RelaisBin() + " leadlag --json --store " + store +
                                      " --a politician --b public --bin 1d --permutations 20");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ll = nlohmann::json::parse(r.out);
  const auto from = ParseIso8601(ll["window"][0].get<std::string>());
  const auto to = ParseIso8601(ll["window"][1].get<std::string>());
  ASSERT_TRUE(from && to);
  // Press may predate Twitter (the rule's floor for press is 1900); nothing is at year 0 any more.
  EXPECT_GE(*from, *ParseIso8601("1900-01-01"));
  EXPECT_LT(*to, *ParseIso8601("2100-01-01"));

  // Minute bins for an event study over 16 years: over kMaxBins.
  const auto ev = relais::testing::Run(RelaisBin() + " event --store " + store +
                                       " --at 2020-06-15T00:00:00Z --before 3000d --after 3000d --bin 1m "
                                       "--outcome items --design its");
  EXPECT_EQ(ev.exit_code, 2) << ev.err;
  EXPECT_NE(ev.err.find("over the limit"), std::string::npos) << ev.err;
}

}  // namespace
}  // namespace relais
