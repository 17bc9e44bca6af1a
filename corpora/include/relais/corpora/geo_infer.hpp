// Opt-in inference of accounts' régions from the flow graph (issue 15; docs/geo.md "Inference"): every kind of
// relaying tie (layer × direction × kind of neighbour) votes for its neighbour's région with a weight learned
// from the store itself — how often that kind of tie joins two accounts of the same région among the accounts
// whose home is observed —; an account takes the région whose posterior share reaches a threshold, else
// stays undecided. Written to its own catalog table, actor_geo_inferred (evidence "inferred"), never mixed with
// actor_geo's observed homes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "relais/corpora/store.hpp"

namespace relais::corpora {

/// How the naive-Bayes posterior becomes the stated confidence (docs/geo.md "Calibration"). Naive Bayes counts every
/// flow as independent evidence, so its posterior is over-confident; the stated confidence of the winning région,
/// from the log-odds ℓ = log(P / (1 − P)) of its naive posterior P over the n régions with a seed, is
///   (1 − elsewhere) σ(slope ℓ + intercept) + elsewhere / n,
/// a Platt scaling (slope < 1 tempers the evidence) mixed with the share of accounts that live away from what
/// their ties say. Raw() is the naive posterior itself; the defaults were fitted on held-out synthetic worlds
/// (experiments/e08_geography, experiments/results/geo.md "Calibration").
struct GeoCalibration {
  double slope = 1, intercept = 0, elsewhere = 0;
  static GeoCalibration Raw() { return {}; }
  static GeoCalibration Fitted();
  /// The stated confidence of a winning région whose naive posterior has log-odds `log_odds` (may be +inf).
  double Confidence(double log_odds, std::size_t regions) const;
};

struct GeoInferOptions {
  /// Rounds: 1 = the observed régions only (the default: on the synthetic worlds, letting inferred labels vote
  /// from round 2 on covered a few more accounts but lowered the accuracy, docs/geo.md); stops when no label changes.
  int max_rounds = 1;
  double min_confidence = 0.7;  ///< least (calibrated) confidence of the winning région to decide (else abstain)
  GeoCalibration calibration = GeoCalibration::Fitted();
  double prior_flows = 20;  ///< pseudo-flows that shrink a kind of tie's measured agreement towards chance
  /// Flow layers that count as relaying (mentions, embeds and reuse do not, by default).
  std::vector<std::string> layers = {"retweet", "quote", "reply", "link"};
};

/// One kind of tie and what the store says of it: among the flows of this kind that reach an account whose
/// home is observed from a labelled neighbour, the share whose neighbour is in the same région, and the weight
/// (log-likelihood ratio) a flow of this kind then carries.
struct GeoTieWeight {
  std::string layer;
  std::string direction;  ///< "relays" (the account relayed the neighbour) or "relayed_by"
  std::string neighbour;  ///< "outlet" (a listed outlet's région), "listed" (a listed account's), "observed"
                          ///< (evidence), "inferred" (the previous round's label)
  std::int64_t flows = 0, agreeing = 0;
  double agreement = 0;  ///< smoothed share of agreeing flows
  double chance = 0;     ///< share expected if the régions at both ends were independent
  double weight = 0;
};

struct GeoInferSummary {
  std::int64_t accounts = 0;                      ///< social accounts (classes other than press and PR)
  std::int64_t observed = 0;                      ///< of those, located by the registry or by evidence (not inferred)
  std::int64_t inferred = 0;                      ///< given a région by the inference
  std::int64_t undecided = 0;                     ///< neither (no labelled tie, or below min_confidence)
  std::int64_t seeds = 0;                         ///< actors (outlets included) whose observed région votes
  std::int64_t regions = 0;                       ///< distinct régions among the seeds (the posterior's support)
  int rounds = 0;                                 ///< rounds run
  bool converged = false;                         ///< the last round changed no label
  std::map<std::string, std::int64_t> by_region;  ///< inferred accounts per région
  std::vector<GeoTieWeight> weights;              ///< of the last round, kinds with at least one flow
};

/// Runs the inference and replaces the rows of actor_geo_inferred (created when missing). Seeds: every actor with
/// a French région in ActorPlaces (registry or evidence). Ties: flows of `layers` between two different actors,
/// directed (the relayer relays the source), weighted by their count. Each round (synchronous: the result does
/// not depend on an order): (1) for every kind of tie, the agreement p among observed accounts against the
/// agreement c expected by chance from the régions at both ends (both shrunk towards chance with `prior_flows`
/// pseudo-flows) gives the weight w = max(0, log(p (1 − c) / ((1 − p) c))), so that a kind of tie no likelier than
/// chance to stay in a région weighs nothing; (2) every account without an observed location scores each région
/// by the sum of w × flows over its labelled neighbours (inferred neighbours of the previous round × their
/// confidence) and takes the best région when its posterior probability, exp(score) normalised over the régions
/// that have a seed (a naive Bayes posterior under a uniform prior) made a confidence by `calibration`, is at
/// least `min_confidence`; its confidence is that calibrated probability. Labels are recomputed every round from the
/// observed ones and the previous round's; the rounds stop when none changes. Throws (kData) when the store has
/// no geography tables.
GeoInferSummary InferActorRegions(Store& store, const GeoInferOptions& options = {});

struct InferredRegion {
  std::string region;
  double confidence = 0;
};
/// The rows of actor_geo_inferred by actor id (empty when the table is missing).
std::map<std::int64_t, InferredRegion> InferredRegions(const Store& store);
/// InferredRegions, or a usage error (kInvalidArgument, "--geo inferred: … run relais geo infer --store S
/// first") when there are none: what every `--geo inferred` option reads.
std::map<std::int64_t, InferredRegion> RequireInferredRegions(const Store& store);

/// How an analysis names the group of an inferred home: "<région> (inferred)", never a bare région.
std::string InferredRegionLabel(const std::string& region);

}  // namespace relais::corpora
