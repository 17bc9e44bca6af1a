// Counterfactual removal: simulated reach against the branching-process expectation, and the store path.
#include "relais/toolkit/analysis/counterfactual.hpp"

#include "analysis_fixture.hpp"
#include "analysis_store.hpp"
#include "relais/base/error.hpp"
#include "relais/corpora/store.hpp"

namespace relais::toolkit {
namespace {

TEST(Counterfactual, RemovalTakesAwayTheActorsOffspring) {
  // Group 0 = the actor (rate 1/h, each event has 0.5 direct offspring in group 1), group 1 = others.
  HawkesFit fit;
  fit.params.mu = {1.0, 2.0};
  fit.params.alpha = Matrix(2, 2);
  fit.params.alpha(0, 1) = 0.5;
  fit.params.beta = 4.0;
  EventSequence history;
  history.group_names = {"actor:@x", "public"};
  history.start = 0;
  history.end = 10;
  const auto j = SimulateRemoval(fit, history, 0, 1000, 40, 3);
  // Without the actor: public = 2/h; with: 2 + 0.5·1 = 2.5/h, so ~500 items removed over 1000 h.
  const auto& rem = j["items"]["public"]["removed"];
  EXPECT_NEAR(rem["mean"].get<double>(), 500, 40);
  EXPECT_LT(rem["ci"][0].get<double>(), 500);
  EXPECT_GT(rem["ci"][1].get<double>(), 500);
  EXPECT_NEAR(j["items"]["public"]["without"]["mean"].get<double>(), 2000, 60);
  EXPECT_NEAR(j["actor_rooted_total"]["mean"].get<double>(), 500, 40);
  // Flows actor -> public vanish without the actor.
  for (const auto& f : j["flows"])
    if (f["source"] == "actor:@x" && f["target"] == "public") {
      EXPECT_NEAR(f["removed"]["mean"].get<double>(), 500, 40);
    }
}

TEST(Counterfactual, StoreRunFitsAndSimulates) {
  relais::testing::TempDir tmp;
  const auto w = relais::testing::BuildMiniWorld(tmp.path() / "s");
  const auto store = corpora::Store::Open(tmp.path() / "s", corpora::OpenMode::kReadOnly);
  CounterfactualOptions o;
  o.actor = "@president";
  o.at = w.at;
  o.before = 72 * 3'600'000LL;
  o.after = 24 * 3'600'000LL;
  o.runs = 10;
  o.beta = 6.0;
  const auto j = RunCounterfactual(store, o);
  EXPECT_EQ(j["removed_group"], "actor:@president");
  // Fans retweet the president within minutes: removing them removes public items.
  EXPECT_GT(j["items"]["public"]["removed"]["mean"].get<double>(), 0);
  EXPECT_TRUE(j["observed_after"].contains("public"));
  o.actor = "@nobody";
  EXPECT_THROW((void)RunCounterfactual(store, o), Error);
}

}  // namespace
}  // namespace relais::toolkit
