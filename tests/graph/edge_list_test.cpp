#include "relais/graph/io/edge_list.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>

#include "graph_test_util.hpp"
#include "relais/base/error.hpp"

namespace relais::graph {
namespace {

TEST(EdgeList, IntegerLabelsGetFirstSeenIds) {
  auto el = ParseEdgeList("# comment\n10 20\n\n20\t5\r\n  5 10   # trailing comment\n");
  ASSERT_EQ(el.num_edges(), 3u);
  ASSERT_EQ(el.num_nodes(), 3u);
  EXPECT_TRUE(el.labels.integer());
  EXPECT_EQ(el.labels.Label(0), "10");
  EXPECT_EQ(el.labels.Label(1), "20");
  EXPECT_EQ(el.labels.Label(2), "5");
  EXPECT_EQ(el.src, (std::vector<NodeId>{0, 1, 2}));
  EXPECT_EQ(el.dst, (std::vector<NodeId>{1, 2, 0}));
  EXPECT_TRUE(el.weights.empty());
  EXPECT_EQ(el.lines, 5u);
  EXPECT_EQ(el.comments, 2u);
}

TEST(EdgeList, StringLabelsAfterIntegersKeepIds) {
  auto el = ParseEdgeList("1 2\n2 alice\nalice 1\n007 1\n");
  EXPECT_FALSE(el.labels.integer());
  ASSERT_EQ(el.num_nodes(), 4u);
  EXPECT_EQ(el.labels.Label(0), "1");
  EXPECT_EQ(el.labels.Label(2), "alice");
  EXPECT_EQ(el.labels.Label(3), "007");  // leading zero: a string label, not 7
  EXPECT_EQ(el.src[2], 2u);
  EXPECT_EQ(el.dst[2], 0u);
}

TEST(EdgeList, LargeIntegerLabels) {
  auto el = ParseEdgeList("18446744073709551615 1346000000000000000\n1346000000000000000 3\n");
  ASSERT_EQ(el.num_nodes(), 3u);
  EXPECT_TRUE(el.labels.integer());
  EXPECT_EQ(el.labels.Label(0), "18446744073709551615");
  EXPECT_EQ(el.src[1], 1u);
}

TEST(EdgeList, WeightColumnAndMissingWeightsDefaultToOne) {
  auto el = ParseEdgeList("a b\nb c 2.5\nc a 1e1 extra columns\n");
  ASSERT_EQ(el.weights.size(), 3u);
  EXPECT_EQ(el.weights[0], 1.0f);
  EXPECT_EQ(el.weights[1], 2.5f);
  EXPECT_EQ(el.weights[2], 10.0f);
}

TEST(EdgeList, ReportsLineAndColumnOfAMissingTarget) {
  try {
    ParseEdgeList("1 2\n# ok\n3\n", "g.tsv");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kParse);
    EXPECT_EQ(e.pos().file, "g.tsv");
    EXPECT_EQ(e.pos().line, 3u);
    EXPECT_EQ(e.pos().column, 2u);
    EXPECT_NE(std::string(e.what()).find("expected two node labels"), std::string::npos) << e.what();
  }
}

TEST(EdgeList, ReportsABadWeight) {
  try {
    ParseEdgeList("1 2 3\n1 2 -4\n", "w.tsv");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.pos().line, 2u);
    EXPECT_EQ(e.pos().column, 5u);
    EXPECT_NE(std::string(e.what()).find("\"-4\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseEdgeList("1 2 x\n"), Error);
}

TEST(EdgeList, LineNumbersStayRightAcrossChunks) {
  // More than one 1 MiB parse chunk, error near the end.
  std::string text;
  for (int i = 0; i < 200000; ++i) text += std::to_string(i) + " " + std::to_string(i + 1) + "\n";
  text += "oops\n";
  try {
    ParseEdgeList(text, "big");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.pos().line, 200001u);
  }
  text.resize(text.size() - 5);
  auto el = ParseEdgeList(text);
  EXPECT_EQ(el.num_edges(), 200000u);
  EXPECT_EQ(el.num_nodes(), 200001u);
  EXPECT_EQ(el.src[199999], 199999u);
}

TEST(EdgeList, ReadsGzipAndPlainFilesAlike) {
  ::relais::testing::TempDir tmp;
  const std::string text = "# x\n1 2 3\n2 3 4\n";
  auto plain = tmp.path() / "e.tsv";
  std::ofstream(plain) << text;
  auto gz = tmp.path() / "e.tsv.gz";
  gzFile f = gzopen(gz.c_str(), "wb");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  auto a = ReadEdgeList(plain), b = ReadEdgeList(gz);
  EXPECT_EQ(a.src, b.src);
  EXPECT_EQ(a.dst, b.dst);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(b.num_edges(), 2u);
}

TEST(EdgeList, MissingFileIsAnIoError) {
  try {
    ReadEdgeList("/nonexistent/edges.tsv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
  }
}

}  // namespace
}  // namespace relais::graph
