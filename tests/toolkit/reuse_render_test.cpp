// The rendering of `relais reuse --explain` (toolkit/src/reuse_render.cpp).
#include <gtest/gtest.h>

#include "relais/toolkit/reuse.hpp"

namespace relais::toolkit {
namespace {

ReuseExplanation Sample() {
  ReuseExplanation e;
  e.flow.source_key = "https://a.fr/1";
  e.flow.target_key = "twitter:2";
  e.flow.source_time = 0;
  e.flow.target_time = 3600000;
  e.flow.score = 0.91234;
  e.flow.alignment_score = 42.25;
  e.flow.containment = 0.5;
  e.flow.source_span = {3, 10};
  e.flow.target_span = {0, 7};
  e.rows.push_back({AlignedRow::Op::kEqual, "le préfet a dit", "le préfet a dit"});
  e.rows.push_back({AlignedRow::Op::kChanged, "hier", "aujourd'hui"});
  e.rows.push_back({AlignedRow::Op::kSourceOnly, "à Nancy", ""});
  e.rows.push_back({AlignedRow::Op::kTargetOnly, "", "#breaking"});
  return e;
}

TEST(ReuseRender, JsonHasKeysScoresSpansAndRows) {
  const nlohmann::json j = ExplanationJson(Sample());
  EXPECT_EQ(j["source"], "https://a.fr/1");
  EXPECT_EQ(j["target"], "twitter:2");
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 0.91234);
  EXPECT_EQ(j["source_span"], nlohmann::json::array({3, 10}));
  ASSERT_EQ(j["rows"].size(), 4u);
  EXPECT_EQ(j["rows"][0]["op"], "equal");
  EXPECT_EQ(j["rows"][1]["op"], "changed");
  EXPECT_EQ(j["rows"][2]["op"], "source_only");
  EXPECT_EQ(j["rows"][3]["op"], "target_only");
  EXPECT_EQ(j["rows"][1]["target"], "aujourd'hui");
}

TEST(ReuseRender, SideBySideMarksAndAlignsByCodePoints) {
  const std::string out = ExplanationSideBySide(Sample(), 20);
  EXPECT_NE(out.find("source  https://a.fr/1  (1970-01-01T00:00:00Z)  tokens [3, 10)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("score 0.912  alignment 42.2  containment 0.500\n\n"), std::string::npos) << out;
  // "le préfet a dit" is 15 code points (16 bytes): padded to 20 code points, then "| ".
  EXPECT_NE(out.find("  le préfet a dit     | le préfet a dit\n"), std::string::npos) << out;
  EXPECT_NE(out.find("~ hier                | aujourd'hui\n"), std::string::npos) << out;
  EXPECT_NE(out.find("- à Nancy             | \n"), std::string::npos) << out;
  EXPECT_NE(out.find("+                     | #breaking\n"), std::string::npos) << out;
}

TEST(ReuseRender, SideBySideWrapsLongRowsWordByWord) {
  ReuseExplanation e = Sample();
  e.rows = {{AlignedRow::Op::kEqual, "un deux trois quatre cinq six", "un deux"}};
  const std::string out = ExplanationSideBySide(e, 10);
  EXPECT_NE(out.find("  un deux   | un deux\n  trois     | \n  quatre    | \n  cinq six  | \n"), std::string::npos)
      << out;
}

TEST(ReuseRender, NoRowsSaysSo) {
  ReuseExplanation e = Sample();
  e.rows.clear();
  EXPECT_NE(ExplanationSideBySide(e).find("(no aligned passage)\n"), std::string::npos);
}

}  // namespace
}  // namespace relais::toolkit
