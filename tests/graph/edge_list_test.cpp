#include "relais/graph/io/edge_list.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>
#include <zlib.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph_test_util.hpp"
#include "relais/base/error.hpp"

namespace relais::graph {
namespace {

// An independent reading of the format: a line's tokens up to one starting with '#', the first two
// labels numbered by first appearance, the third token a weight (1 when absent; none at all when no
// line has one).
struct OracleList {
  std::vector<std::string> labels;
  std::vector<std::uint32_t> src, dst;
  std::vector<float> weights;
  std::uint64_t lines = 0, comments = 0;
};

OracleList ReadLikeTheFormatSays(const std::string& text) {
  OracleList o;
  std::unordered_map<std::string, std::uint32_t> ids;
  auto id = [&](const std::string& t) {
    auto [it, fresh] = ids.try_emplace(t, static_cast<std::uint32_t>(o.labels.size()));
    if (fresh) o.labels.push_back(t);
    return it->second;
  };
  std::vector<float> w;
  bool weighted = false;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    ++o.lines;
    std::istringstream fields(line);
    std::vector<std::string> tok;
    for (std::string t; tok.size() < 3 && fields >> t && t[0] != '#';) tok.push_back(t);
    if (tok.empty()) {
      ++o.comments;
      continue;
    }
    o.src.push_back(id(tok[0]));
    o.dst.push_back(id(tok[1]));
    weighted = weighted || tok.size() == 3;
    w.push_back(tok.size() == 3 ? std::stof(tok[2]) : 1.0f);
  }
  if (weighted) o.weights = w;
  return o;
}

void ExpectSameAsOracle(const EdgeList& el, const std::string& text) {
  const OracleList o = ReadLikeTheFormatSays(text);
  ASSERT_EQ(el.num_nodes(), o.labels.size());
  for (NodeId v = 0; v < el.num_nodes(); ++v) ASSERT_EQ(el.labels.Label(v), o.labels[v]) << "node " << v;
  EXPECT_EQ(el.src, o.src);
  EXPECT_EQ(el.dst, o.dst);
  EXPECT_EQ(el.weights, o.weights);
  EXPECT_EQ(el.lines, o.lines);
  EXPECT_EQ(el.comments, o.comments);
}

// A heavy-tailed integer list over several parse chunks (1 MiB) and numbering ranges (2^16 edges),
// with comments, blank lines, CRLF, tabs, trailing comments; `weight_from` > 0 adds a weight column
// from that line on.
std::string RandomIntegerList(std::uint32_t seed, std::size_t edges, std::size_t weight_from) {
  std::mt19937_64 rng(seed);
  std::string text;
  std::vector<std::uint32_t> seen{7};
  for (std::size_t i = 0; i < edges; ++i) {
    if (rng() % 97 == 0) text += (rng() & 1) ? "# a comment 1 2\n" : "  \t\n";
    auto pick = [&] {
      if (rng() % 3 == 0) return seen[rng() % seen.size()];
      std::uint32_t v = static_cast<std::uint32_t>(rng() % 3'000'000);
      seen.push_back(v);
      return v;
    };
    text += std::to_string(pick());
    text += (rng() & 1) ? "\t" : " ";
    text += std::to_string(pick());
    if (weight_from && i >= weight_from) text += " " + std::to_string(rng() % 100) + ".5";
    if (rng() % 50 == 0) text += "  # why";
    text += (rng() % 10 == 0) ? "\r\n" : "\n";
  }
  return text;
}

TEST(EdgeList, IntegerFastPathEqualsTheFormatsReading) {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    const std::string text = RandomIntegerList(seed, 300'000, seed == 3 ? 250'000 : 0);
    ASSERT_GT(text.size(), std::size_t{3} << 20);
    ExpectSameAsOracle(ParseEdgeList(text), text);
  }
}

// Over several 4 MiB blocks and 512 KiB chunks: every line brings a new label (counting down, so ids
// are not the labels' order) and reuses labels of the last few lines and old ones, so labels first seen
// at the end of a chunk or block appear again right after it. Numbering per chunk or per block without
// the earlier ones, or in label order, gives other ids than the format's reading.
std::string NewLabelEveryLine(std::size_t edges) {
  std::mt19937_64 rng(17);
  std::string text;
  std::vector<std::uint32_t> labels;
  for (std::size_t i = 0; i < edges; ++i) {
    labels.push_back(static_cast<std::uint32_t>(4'000'000 - i));
    const std::size_t back = std::min<std::size_t>(labels.size(), 1 + rng() % 8);
    const std::uint32_t recent = labels[labels.size() - back];
    const std::uint32_t old = labels[rng() % labels.size()];
    const bool new_first = rng() & 1;
    text += std::to_string(new_first ? labels.back() : recent);
    text += ' ';
    text += std::to_string(new_first ? (rng() % 4 == 0 ? old : recent) : labels.back());
    text += '\n';
  }
  return text;
}

TEST(EdgeList, FirstSeenOrderHoldsAcrossChunksAndBlocks) {
  const std::string text = NewLabelEveryLine(1'000'000);
  ASSERT_GT(text.size(), std::size_t{9} << 20);  // more than two 4 MiB blocks
  const EdgeList el = ParseEdgeList(text);
  EXPECT_TRUE(el.labels.integer());
  ExpectSameAsOracle(el, text);
}

TEST(EdgeList, SameResultOnOneAndTwoThreads) {
  const std::string text = RandomIntegerList(5, 400'000, 300'000);
  EdgeList one, two;
  tbb::task_arena(1).execute([&] { one = ParseEdgeList(text); });
  tbb::task_arena(2).execute([&] { two = ParseEdgeList(text); });
  EXPECT_EQ(one.src, two.src);
  EXPECT_EQ(one.dst, two.dst);
  EXPECT_EQ(one.weights, two.weights);
  EXPECT_EQ(one.labels.ints(), two.labels.ints());
  EXPECT_EQ(one.lines, two.lines);
}

TEST(EdgeList, LateStringOrHugeLabelFallsBackToTheSameResult) {
  std::string text = RandomIntegerList(4, 200'000, 0);
  for (const char* tail : {"12 bob\n", "5 8589934592\n", "00 1\n"}) {
    const std::string t = text + tail;
    auto el = ParseEdgeList(t);
    ExpectSameAsOracle(el, t);
  }
}

TEST(EdgeList, SparseLargeLabelsTakeTheGeneralPathAlike) {
  // Few edges, labels up to 2^32 - 1: too sparse for the fast path's label table.
  const std::string text = "4294967295 1\n1 3000000000\n3000000000 4294967295\n";
  auto el = ParseEdgeList(text);
  ExpectSameAsOracle(el, text);
  EXPECT_TRUE(el.labels.integer());
}

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

TEST(EdgeList, FileReadInBlocksEqualsTheTextInMemory) {
  // Over several 4 MiB read blocks; the second file's last line sends it to the general path, which
  // reads the file again from its start.
  ::relais::testing::TempDir tmp;
  const std::string ints = RandomIntegerList(6, 700'000, 0);
  ASSERT_GT(ints.size(), std::size_t{9} << 20);
  for (const std::string& text : {ints, ints + "12 bob\n"}) {
    auto path = tmp.path() / "big.tsv";
    std::ofstream(path, std::ios::binary) << text;
    const EdgeList from_file = ReadEdgeList(path), in_memory = ParseEdgeList(text);
    EXPECT_EQ(from_file.labels.integer(), in_memory.labels.integer());
    EXPECT_EQ(from_file.num_nodes(), in_memory.num_nodes());
    EXPECT_EQ(from_file.src, in_memory.src);
    EXPECT_EQ(from_file.dst, in_memory.dst);
    EXPECT_EQ(from_file.lines, in_memory.lines);
    EXPECT_EQ(from_file.comments, in_memory.comments);
  }
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
