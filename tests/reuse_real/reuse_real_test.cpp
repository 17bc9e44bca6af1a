// The reuse engine on real French press text (relais/toolkit/reuse_eval.hpp): planted pastes of press-release
// sentences into real articles, tweets quoting one sentence of an article with its link, and the real
// AFP → rewrite pairs of OrangeSum. Asserts the floors of issue 17: recall ≥ 0.95 at precision ≥ 0.95 for
// pastes of ≥ 2 sentences and quotes of one sentence (edit levels verbatim, light and moderate), and prints
// recall by passage length × edit level. Skips only when ../shared/data is absent; when the data is there
// and yields nothing, the evaluation throws and the test fails.
#include <gtest/gtest.h>

#include <cstdio>
#include <iomanip>
#include <iostream>

#include "relais/toolkit/reuse_eval.hpp"
#include "test_util.hpp"

namespace relais::toolkit {
namespace {

double Ratio(std::size_t a, std::size_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

TEST(ReuseRealText, FrenchPressPastesQuotesAndRewrites) {
  RELAIS_REQUIRE_SHARED_DATA(data);
  RealReuseEvalOptions o;
  o.data_dir = data;
  o.seed = 1;
  o.engine.threads = 2;
  const RealReuseEval r = EvaluateReuseOnFrenchPress(o);
  ASSERT_GT(r.hosts, 1000u) << "the June 2020 OrangeSum window should give ~1,147 distinct articles";
  ASSERT_GT(r.releases, 500u);

  std::cout << "hosts " << r.hosts << ", releases " << r.releases << "\n";
  std::cout << "kind   sentences  level     planted  found  recall\n";
  std::size_t paste_planted = 0, paste_found = 0, quote_planted = 0, quote_found = 0;
  for (const auto& c : r.cells) {
    std::cout << std::left << std::setw(7) << c.kind << std::setw(11) << c.sentences << std::setw(10)
              << kEditLevels[c.level] << std::setw(9) << c.planted << std::setw(7) << c.found << std::fixed
              << std::setprecision(3) << Ratio(c.found, c.planted) << "\n";
    EXPECT_GT(c.planted, 0u) << c.kind << " " << c.sentences << " " << kEditLevels[c.level];
    if (c.level > 2) continue;  // heavy edits (20 % of the words) are reported, not held to the floor
    if (c.kind == "paste" && c.sentences >= 2) {
      paste_planted += c.planted;
      paste_found += c.found;
    } else if (c.kind == "quote") {
      quote_planted += c.planted;
      quote_found += c.found;
    }
  }
  std::cout << "paste flows " << r.paste_flows.flows << " precision " << r.paste_flows.precision() << "\n"
            << "quote flows " << r.quote_flows.flows << " precision " << r.quote_flows.precision() << "\n"
            << "negative tweets " << r.negative_tweets << " flagged " << r.negative_tweets_flagged << "\n"
            << "real pairs (>= 10 shared 7-grams) " << r.real_pairs << "; rewrites " << r.rewrite_found << "/"
            << r.rewrite_targets << ", AFP versions " << r.afp_found << "/" << r.afp_targets << "; flows "
            << r.real_flows.flows << ", supported " << r.real_flows.correct << ", strong " << r.real_flows_strong
            << "\n";
  EXPECT_GE(Ratio(paste_found, paste_planted), 0.95) << paste_found << " / " << paste_planted;
  EXPECT_GE(Ratio(quote_found, quote_planted), 0.95) << quote_found << " / " << quote_planted;
  EXPECT_GE(r.paste_flows.precision(), 0.95);
  EXPECT_GE(r.quote_flows.precision(), 0.95);
  EXPECT_LE(Ratio(r.negative_tweets_flagged, r.negative_tweets), 0.05);
  // Real AFP → Orange rewrites: reported (33 of 43 at seed 1; 23 before the short-passage rule), held to a
  // regression floor, not to 0.95 (rewrites bridged by long rewritten gaps fall below min_score: not done).
  ASSERT_GE(r.rewrite_targets, 30u);
  EXPECT_GE(Ratio(r.rewrite_found, r.rewrite_targets), 0.7);
  EXPECT_GE(Ratio(r.afp_found, r.afp_targets), 0.75);
  EXPECT_GE(r.real_flows.precision(), 0.95);
}

TEST(ReuseRealText, SplitsFrenchSentences) {
  const auto s = SplitFrenchSentences(
      "M. Bolsonaro a salué la foule.Quelque 500 manifestants sont venus. « C'est inédit ! » Il est parti… "
      "Le Brésil compte J. Silva parmi eux");
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0], "M. Bolsonaro a salué la foule.");
  EXPECT_EQ(s[1], "Quelque 500 manifestants sont venus.");
  EXPECT_EQ(s[2], "« C'est inédit ! »");
  EXPECT_EQ(s[3], "Il est parti…");
  EXPECT_EQ(s[4], "Le Brésil compte J. Silva parmi eux");
}

}  // namespace
}  // namespace relais::toolkit
