// Analyses read a store partition by partition (issue 11): the small synthetic world ingested into
// one partition and into four (`ingest --partitions N`) gives byte-identical --json outputs for every
// analysis that reads the whole store. A third store takes the world's files in reverse order: actor and
// item ids differ, and the analyses whose ties could follow ids must not.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "relais/corpora/search_index.hpp"
#include "relais/corpora/store.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using relais::testing::RelaisBin;
using relais::testing::Run;
using relais::testing::TempDir;

namespace {

struct Stores {
  fs::path world, one, four, reversed;
};

// The small world and its three stores, made once per build for every PartitionEqual test process
// (SharedFixtureDir): read only, ReuseThenStats works on copies.
void MakeSmallWorldStores(const fs::path& root) {
  const fs::path world = root / "w";
  auto r = Run(RelaisBin() + " synth --out " + world.string() + " --seed 1 --scale small --threads 2");
  if (r.exit_code != 0) throw std::runtime_error("synth failed: " + r.err);
  for (const auto& [store, n] : {std::pair{root / "one", 1}, std::pair{root / "four", 4}}) {
    r = Run(RelaisBin() + " ingest --threads 2 --partitions " + std::to_string(n) + " --store " + store.string() +
            " --actors " + (world / "actors.csv").string() + " " + (world / "data").string());
    if (r.exit_code != 0) throw std::runtime_error("ingest failed: " + r.err);
  }
  // Paths relative to the fixture's folder: a thousand absolute paths would pass the 128 KiB limit of the
  // one argument std::system gives the shell.
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(world / "data"))
    if (e.is_regular_file()) files.push_back(fs::relative(e.path(), root).string());
  std::sort(files.rbegin(), files.rend());
  std::string cmd = "cd " + root.string() + " && " + RelaisBin() + " ingest --threads 2 --store reversed --actors " +
                    (world / "actors.csv").string();
  for (const auto& f : files) cmd += " " + f;
  r = Run(cmd);
  if (r.exit_code != 0) throw std::runtime_error("reversed ingest failed: " + r.err);
}

Stores& SmallWorldStores() {
  static Stores s = [] {
    const fs::path root = relais::testing::SharedFixtureDir("partition-equal", MakeSmallWorldStores);
    return Stores{root / "w", root / "one", root / "four", root / "reversed"};
  }();
  return s;
}

// Runs `args` on the store `one` and on `other`; the outputs must be equal and the command must succeed.
void ExpectSameOutputOn(const std::string& args, const fs::path& one_store, const fs::path& other_store) {
  const auto one = Run(RelaisBin() + " " + args + " --store " + one_store.string());
  const auto two = Run(RelaisBin() + " " + args + " --store " + other_store.string());
  ASSERT_EQ(one.exit_code, 0) << args << ": " << one.err;
  ASSERT_EQ(two.exit_code, 0) << args << ": " << two.err;
  EXPECT_FALSE(one.out.empty()) << args;
  EXPECT_EQ(one.out, two.out) << args;
}

// Runs `args` on the one-partition store and on `other`.
void ExpectSameOutput(const std::string& args, fs::path Stores::*other = &Stores::four) {
  Stores& s = SmallWorldStores();
  ExpectSameOutputOn(args, s.one, s.*other);
}

}  // namespace

TEST(PartitionEqual, TheStoresHaveOneAndFourPartitions) {
  Stores& s = SmallWorldStores();
  EXPECT_TRUE(fs::exists(s.one / "part-000.db"));
  EXPECT_FALSE(fs::exists(s.one / "part-001.db"));
  EXPECT_TRUE(fs::exists(s.four / "part-003.db"));
}

TEST(PartitionEqual, Stats) { ExpectSameOutput("stats --json"); }

TEST(PartitionEqual, FlowMatrices) {
  ExpectSameOutput("flows --json --by class");
  ExpectSameOutput(
      "flows --json --by actor --layers retweet,quote --no-pseudonymise");  // pseudonym keys differ per store
  ExpectSameOutput("flows --json --by class --at 2021-01-08T23:21Z --before 10d --after 10d");
}

TEST(PartitionEqual, Rank) {
  ExpectSameOutput("rank --json --by actor --metric pagerank --top 20 --no-pseudonymise");
  ExpectSameOutput("rank --json --by item --metric degree --top 20 --layers retweet");
  ExpectSameOutput("rank --json --by class --metric pagerank");
}

TEST(PartitionEqual, Event) {
  ExpectSameOutput(
      "event --json --at 2021-01-08T23:21Z --before 45d --after 45d --bin 1d --outcome share:link:press-regional");
  ExpectSameOutput("event --json --at 2021-01-08T23:21Z --before 20d --after 20d --bin 1d --outcome flows:retweet");
}

// The DiD matches controls greedily; its ties go by actor key, so the files' order (which sets the actor ids)
// does not move the estimate. Checked on both DiD designs of e01 and the demo.
TEST(PartitionEqual, DidDoesNotDependOnTheInputOrder) {
  for (const char* treated : {"retweeted:@HeadOfStateUS:2", "retweeted:@HeadOfStateUS:1"})
    ExpectSameOutput(std::string("event --json --design did --at 2021-01-08T23:21Z --before 20d --after 20d --bin 1d "
                                 "--outcome items --treated ") +
                         treated,
                     &Stores::reversed);
  ExpectSameOutput("stats --json", &Stores::reversed);
}

TEST(PartitionEqual, LeadLagAndInfluence) {
  ExpectSameOutput("leadlag --json --a press-regional --b public --bin 1d --max-lag 3d --permutations 20");
  ExpectSameOutput("influence --json --groups class --from 2021-01-01T00:00Z --to 2021-01-04T00:00Z");
}

TEST(PartitionEqual, CascadesAndWho) {
  ExpectSameOutput("cascades --json --layers retweet,quote --top 10");
  ExpectSameOutput("who --json --amplifiers-of nicematin.com --top 10 --no-pseudonymise");
}

// The search index lives in the partitions; results and their order (bm25 over the whole store) must not move.
TEST(PartitionEqual, Search) {
  Stores& s = SmallWorldStores();
  auto one = relais::corpora::Store::Open(s.one, relais::corpora::OpenMode::kReadOnly);
  auto four = relais::corpora::Store::Open(s.four, relais::corpora::OpenMode::kReadOnly);
  std::size_t found = 0;
  for (const char* q : {"incendie", "retraites", "Toulon", "l'État", "mairie de", "école", "port", "a"}) {
    std::int64_t total_one = -1, total_four = -2;
    const auto ids = relais::corpora::SearchItems(one, q, 50, &total_one);
    EXPECT_EQ(relais::corpora::SearchItems(four, q, 50, &total_four), ids) << q;
    EXPECT_EQ(total_four, total_one) << q;
    found += ids.size();
  }
  EXPECT_GT(found, 0u);
}

// reuse writes its flows into the store: last, and compared again through stats afterwards.
TEST(PartitionEqual, ReuseThenStats) {
  const Stores& s = SmallWorldStores();
  TempDir tmp;
  const fs::path one = tmp.path() / "one", four = tmp.path() / "four";
  fs::copy(s.one, one, fs::copy_options::recursive);
  fs::copy(s.four, four, fs::copy_options::recursive);
  ExpectSameOutputOn("reuse --json --threads 2 --no-pseudonymise", one, four);  // pseudonym keys differ per store
  ExpectSameOutputOn("stats --json", one, four);
  ExpectSameOutputOn("flows --json --by class --layers reuse", one, four);
}
