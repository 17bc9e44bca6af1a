// Opt-in inference of accounts' régions from the flow graph (issue 15; docs/geo.md "Inference"): label
// propagation from the located accounts and the registry's regional outlets to the accounts without any
// location evidence. Written to its own catalog table, actor_geo_inferred (evidence "inferred"), never
// mixed with actor_geo's observed homes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "relais/corpora/store.hpp"

namespace relais::corpora {

struct GeoInferOptions {
  int max_rounds = 10;           ///< propagation rounds (stops earlier when no label changes)
  double min_share = 0.5;        ///< the winning région's share of the labelled weight around the account
  double min_weight = 3.0;       ///< least labelled weight (flows to and from located actors) to decide
  double inferred_weight = 0.5;  ///< weight of a neighbour's inferred label relative to an observed one
  /// Flow layers that count as relaying (mentions, embeds and reuse do not, by default).
  std::vector<std::string> layers = {"retweet", "quote", "reply", "link"};
};

struct GeoInferSummary {
  std::int64_t accounts = 0;   ///< social accounts (classes other than press and PR)
  std::int64_t observed = 0;   ///< of those, located by the registry or by evidence (not inferred)
  std::int64_t inferred = 0;   ///< given a région by propagation
  std::int64_t undecided = 0;  ///< neither
  std::int64_t seeds = 0;      ///< actors (outlets included) whose observed région seeds the propagation
  int rounds = 0;              ///< rounds run
  std::map<std::string, std::int64_t> by_region;  ///< inferred accounts per région
};

/// Runs the propagation and replaces the rows of actor_geo_inferred (created when missing). Seeds: every
/// actor with a French région in ActorPlaces (registry or evidence). Graph: flows of `layers` between two
/// different actors, undirected, weighted by their count. Each round (synchronous, so the result does
/// not depend on an order), an undecided account without observed location takes the région with the most
/// weight among its labelled neighbours (observed 1, inferred in an earlier round `inferred_weight`), when that
/// weight is at least `min_weight` and its share at least `min_share`; its confidence is that share. A decided
/// account keeps its label, so the labels spread outwards from the seeds and the rounds stop when none is added. Throws
/// (kData) when the store has no geography tables.
GeoInferSummary InferActorRegions(Store& store, const GeoInferOptions& options = {});

struct InferredRegion {
  std::string region;
  double confidence = 0;
};
/// The rows of actor_geo_inferred by actor id (empty when the table is missing).
std::map<std::int64_t, InferredRegion> InferredRegions(const Store& store);

}  // namespace relais::corpora
