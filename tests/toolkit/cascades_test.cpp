#include "relais/toolkit/cascades.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "graph_store_fixture.hpp"
#include "relais/base/error.hpp"

namespace relais::toolkit {
namespace {

using ::relais::testing::RelaisBin;

class CascadesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = corpora::Store::Open(tmp_.path(), corpora::OpenMode::kCreate);
    testing::FillStore(s);
  }
  ::relais::testing::TempDir tmp_;
};

TEST_F(CascadesTest, TreesOfRetweetsQuotesAndReplies) {
  auto s = corpora::Store::Open(tmp_.path(), corpora::OpenMode::kReadOnly);
  CascadeQuery q;
  auto r = ComputeCascades(s, q);
  // Trees: twitter:1 → {2 → 6 → 7, 3} (5 nodes) and twitter:4 → 5 (2 nodes).
  ASSERT_EQ(r.total, 2u);
  ASSERT_EQ(r.cascades.size(), 2u);
  const auto& big = r.cascades[0];
  EXPECT_EQ(big.root, "twitter:1");
  EXPECT_EQ(big.root_actor, "lemonde.fr");
  EXPECT_EQ(big.metrics.size, 5u);
  EXPECT_EQ(big.metrics.depth, 3u);
  EXPECT_EQ(big.metrics.max_breadth, 2u);
  // Distances: 1-2:1 1-3:1 1-6:2 1-7:3 2-3:2 2-6:1 2-7:2 3-6:3 3-7:4 6-7:1 → 20/10.
  EXPECT_NEAR(big.metrics.structural_virality, 2.0, 1e-12);
  // @alice is not public: neither her key nor her post's status id is shown.
  EXPECT_EQ(r.cascades[1].root.rfind("item-", 0), 0u) << r.cascades[1].root;
  EXPECT_EQ(r.cascades[1].root_actor.rfind("anon-", 0), 0u);
  q.pseudonymise = false;
  EXPECT_EQ(ComputeCascades(s, q).cascades[1].root, "twitter:4");
}

TEST_F(CascadesTest, RootQueryListsTheTreeAndLayersFilter) {
  auto s = corpora::Store::Open(tmp_.path(), corpora::OpenMode::kReadOnly);
  CascadeQuery q;
  q.pseudonymise = false;  // item keys compared below
  q.root = "twitter:6";    // any item of the tree
  auto r = ComputeCascades(s, q);
  ASSERT_EQ(r.cascades.size(), 1u);
  const auto& nodes = r.cascades[0].nodes;
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_EQ(nodes[0].item, "twitter:1");
  EXPECT_EQ(nodes[0].parent, graph::kNoParent);
  for (const auto& n : nodes)
    if (n.item == "twitter:7") {
      EXPECT_EQ(n.depth, 3u);
      EXPECT_EQ(n.layer, "reply");
      EXPECT_EQ(nodes[static_cast<std::size_t>(n.parent)].item, "twitter:6");
    }
  q.root.reset();
  q.layers = {"retweet"};
  r = ComputeCascades(s, q);
  ASSERT_EQ(r.cascades.size(), 2u);
  EXPECT_EQ(r.cascades[0].metrics.size, 3u);  // twitter:1 with two retweets: a star
  EXPECT_NEAR(r.cascades[0].metrics.structural_virality, 4.0 / 3.0, 1e-12);
  q.root = "twitter:404";
  EXPECT_THROW(ComputeCascades(s, q), Error);
}

TEST_F(CascadesTest, ExtraParentsAndCyclesAreCountedNotSilentlyDropped) {
  {
    auto s = corpora::Store::Open(tmp_.path(), corpora::OpenMode::kReadWrite);
    // Item 7 also quotes item 3 (a second parent), and 8 ↔ 9 reply to each other (a cycle).
    s.Exec(
        "INSERT INTO flows(layer, src_item, dst_item, src_actor, dst_actor) VALUES ('quote', 3, 7, 3, 2),"
        " ('reply', 8, 9, 1, 3), ('reply', 9, 8, 3, 1)");
  }
  auto s = corpora::Store::Open(tmp_.path(), corpora::OpenMode::kReadOnly);
  auto r = ComputeCascades(s, CascadeQuery{});
  EXPECT_EQ(r.extra_parents, 1u);
  EXPECT_EQ(r.in_cycles, 2u);
  EXPECT_EQ(r.total, 2u);
}

TEST_F(CascadesTest, CliJsonAndTopK) {
  auto r = ::relais::testing::Run(RelaisBin() + " cascades --store " + tmp_.path().string() + " --json --top 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["total"], 2);
  ASSERT_EQ(j["cascades"].size(), 1u);
  EXPECT_EQ(j["cascades"][0]["root"], "twitter:1");
  EXPECT_EQ(j["cascades"][0]["size"], 5);
  EXPECT_EQ(j["cascades"][0]["depth"], 3);
  EXPECT_EQ(j["cascades"][0]["max_breadth"], 2);
  r = ::relais::testing::Run(RelaisBin() + " cascades --store " + tmp_.path().string() + " --root twitter:2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("twitter:7"), std::string::npos) << r.out;  // @alice's reply: an item pseudonym
  EXPECT_NE(r.out.find("twitter:1"), std::string::npos) << r.out;  // lemonde.fr's post: its key
  r = ::relais::testing::Run(RelaisBin() + " cascades --no-pseudonymise --store " + tmp_.path().string() +
                             " --root twitter:2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("twitter:7 (reply)"), std::string::npos) << r.out;
  EXPECT_EQ(::relais::testing::Run(RelaisBin() + " cascades --store " + tmp_.path().string() + " --root twitter:404")
                .exit_code,
            3);
  EXPECT_EQ(
      ::relais::testing::Run(RelaisBin() + " cascades --store " + tmp_.path().string() + " --layers bogus").exit_code,
      2);
}

}  // namespace
}  // namespace relais::toolkit
