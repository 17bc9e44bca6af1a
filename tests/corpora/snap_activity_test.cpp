// SNAP activity files: the Higgs onset sample of ../shared/data/snap-higgs-twitter (counts from python
// over the file), the ingest accounting read = accepted + duplicates + quarantined, and each quarantine
// reason.
#include <gtest/gtest.h>

#include <fstream>

#include "corpora/reader_ingest_util.hpp"
#include "corpora/reader_test_util.hpp"
#include "test_util.hpp"

namespace relais::corpora {
namespace {
namespace fs = std::filesystem;
using relais::testing::CountKind;
using relais::testing::ReadText;
using relais::testing::ReadWith;

fs::path Sample(const fs::path& data) {
  return data / "snap-higgs-twitter" / "higgs-activity_time_2012-07-04T0100-0600Z.txt";
}

TEST(SnapActivityReader, HiggsOnset) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  auto r = ReadWith(Format::kSnapActivity, Sample(data));
  // python: 43,702 lines, 25,603 RT, 15,622 MT, 2,477 RE (36 of them self-replies), no repeated line.
  EXPECT_EQ(r.total(), 43702u);
  EXPECT_EQ(r.records.size(), 43702u);
  EXPECT_EQ(CountKind(r, ItemKind::kRetweet), 25603);
  EXPECT_EQ(CountKind(r, ItemKind::kOriginal), 15622);
  EXPECT_EQ(CountKind(r, ItemKind::kReply), 2477);
  const auto& first = r.records[0].items[0];
  EXPECT_EQ(first.platform, "twitter");
  EXPECT_EQ(first.author.key, "@" + first.author.handle);
  EXPECT_GE(first.time, 1341363600000);
  EXPECT_LT(r.records.back().items[0].time, 1341381600000);
}

TEST(SnapActivityReader, HiggsOnsetIngested) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  const auto path = Sample(data);
  auto f = SniffFormat(path, ReadAll(path).substr(0, 4096));
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, Format::kSnapActivity);
  auto s = relais::testing::IngestAndSummarise({path.string()});
  EXPECT_EQ(s.result.total.read, 43702u);
  EXPECT_EQ(s.result.total.accepted, 43702u);
  EXPECT_EQ(s.result.total.duplicates + s.result.total.quarantined, 0u);
  // python: 19,713 distinct authors; 17,813 RT and 1,725 RE lines (36 self-replies among them) name a B who
  // is an author in the sample: the retweeted tweets are not in the data, so exactly those get a flow, from
  // B's actor (measured with e06_higgs on this sample: the same counts).
  EXPECT_EQ(s.stats.actors, 19713u);
  EXPECT_EQ(s.flows("retweet"), 17813u);
  EXPECT_EQ(s.flows("reply"), 1725u);
  EXPECT_GT(s.flows("mention"), 0u);
}

TEST(SnapActivityReader, AccountingAndQuarantine) {
  relais::testing::TempDir tmp;
  const auto path = tmp.path() / "activity.txt";
  {
    std::ofstream out(path);
    out << "1 2 1341100972 RT\n"
           "3 1 1341100973 MT\n"
           "1 2 1341100972 RT\n"  // the same line again: a duplicate
           "4\t2\t1341100975\tRE\n"
           "\n"
           "5 2 1341100976 LK\n"     // unknown type
           "5 x 1341100976 RT\n"     // not an id
           "5 2 13411009x6 RT\n"     // not a time
           "5 2 1341100976 RT 9\n";  // five fields
  }
  auto r = ReadWith(Format::kSnapActivity, path);
  EXPECT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.by_reason["unknown-type"], 1);
  EXPECT_EQ(r.by_reason["invalid-field"], 3);
  const auto& rt = r.records[0].items[0];
  EXPECT_EQ(rt.key, "twitter:snap-1-2-1341100972-RT");
  EXPECT_EQ(rt.kind, ItemKind::kRetweet);
  ASSERT_EQ(rt.refs.size(), 1u);
  EXPECT_EQ(rt.refs[0].layer, Layer::kRetweet);
  EXPECT_EQ(rt.refs[0].target_author_handle, "2");
  EXPECT_EQ(rt.time, 1341100972000);
  const auto& mt = r.records[1].items[0];
  EXPECT_EQ(mt.kind, ItemKind::kOriginal);
  ASSERT_EQ(mt.mentions.size(), 1u);
  EXPECT_EQ(mt.mentions[0], "1");
  EXPECT_EQ(r.records[3].items[0].kind, ItemKind::kReply);

  auto s = relais::testing::IngestAndSummarise({path.string()}, Format::kSnapActivity);
  EXPECT_EQ(s.result.total.read, 8u);
  EXPECT_EQ(s.result.total.accepted, 3u);
  EXPECT_EQ(s.result.total.duplicates, 1u);
  EXPECT_EQ(s.result.total.quarantined, 4u);
  EXPECT_EQ(s.result.total.read, s.result.total.accepted + s.result.total.duplicates + s.result.total.quarantined);
  // 1 mentioned by 3 after 1's retweet: a mention flow from that item. 2 never posts: no retweet/reply flow.
  EXPECT_EQ(s.flows("mention"), 1u);
  EXPECT_EQ(s.flows("retweet"), 0u);
}

TEST(SnapActivityReader, SniffsOnlyActivityLines) {
  EXPECT_EQ(SniffFormat("a.txt", "223789 213163 1341100972 MT\n"), Format::kSnapActivity);
  EXPECT_NE(SniffFormat("a.txt", "223789 213163 1\n"), Format::kSnapActivity);
  EXPECT_NE(SniffFormat("a.txt", "223789 213163 1341100972 XX\n"), Format::kSnapActivity);
}

}  // namespace
}  // namespace relais::corpora
