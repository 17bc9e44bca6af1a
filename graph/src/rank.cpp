// Metric dispatch for rankings.
#include "relais/graph/rank.hpp"

#include "relais/base/error.hpp"
#include "relais/graph/betweenness.hpp"
#include "relais/graph/degree.hpp"
#include "relais/graph/hits.hpp"
#include "relais/graph/kcore.hpp"
#include "relais/graph/pagerank.hpp"

namespace relais::graph {

Metric ParseMetric(std::string_view name) {
  if (name == "pagerank") return Metric::kPageRank;
  if (name == "hits") return Metric::kHits;
  if (name == "kcore") return Metric::kKcore;
  if (name == "betweenness") return Metric::kBetweenness;
  if (name == "degree") return Metric::kDegree;
  throw Error(ErrorKind::kInvalidArgument,
              "metric \"" + std::string(name) + "\" is unknown, expected pagerank, hits, kcore, betweenness or degree");
}

std::string_view MetricName(Metric m) {
  switch (m) {
    case Metric::kPageRank:
      return "pagerank";
    case Metric::kHits:
      return "hits";
    case Metric::kKcore:
      return "kcore";
    case Metric::kBetweenness:
      return "betweenness";
    case Metric::kDegree:
      return "degree";
  }
  return "?";
}

std::vector<double> ComputeScores(const CsrGraph& g, const RankOptions& o) {
  switch (o.metric) {
    case Metric::kPageRank: {
      PageRankOptions p;
      p.damping = o.damping;
      p.weighted = o.weighted;
      return ComputePageRank(g, p).scores;
    }
    case Metric::kHits: {
      HitsOptions h;
      h.weighted = o.weighted;
      return ComputeHits(g, h).authorities;
    }
    case Metric::kKcore: {
      auto core = ComputeCoreNumbers(g);
      return {core.begin(), core.end()};
    }
    case Metric::kBetweenness: {
      if (o.weighted && g.weighted())
        throw Error(ErrorKind::kInvalidArgument,
                    "betweenness uses hop counts; --weighted is not supported for it (weights are flow counts, "
                    "not distances)");
      if (o.epsilon > 0) {
        SampledBetweennessOptions s;
        s.epsilon = o.epsilon;
        s.delta = o.delta;
        s.seed = o.seed;
        return ComputeBetweennessSampled(g, s).scores;
      }
      return ComputeBetweenness(g);
    }
    case Metric::kDegree:
      return ComputeDegrees(g, o.weighted).in;
  }
  return {};
}

}  // namespace relais::graph
