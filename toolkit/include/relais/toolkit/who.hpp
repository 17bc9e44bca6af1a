// Journalists' questions: who amplifies X, who shared a link first, the strongest chain from A to B.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "relais/toolkit/store_query.hpp"

namespace relais::toolkit {

struct WhoOptions {
  std::vector<std::string> layers;  // empty = all
  int top = 20;
  int examples = 3;
  bool pseudonymise = true;
  /// --audience-of: kWithInferred also counts the amplifiers without an observed home that `relais geo infer`
  /// placed, apart (each period's "inferred" block), never within the observed shares.
  RegionSource regions = RegionSource::kObserved;
};

/// Actors whose items derive from X's items (retweets, quotes, links, reuse…), ranked by count.
nlohmann::json AmplifiersOf(const corpora::Store& store, const std::string& actor, const WhoOptions& options);

/// The items that shared URL (canonicalised), earliest first, with the delay since the article.
nlohmann::json FirstSharers(const corpora::Store& store, const std::string& url, const WhoOptions& options);

/// The strongest chain of flows from actor A to actor B: Dijkstra on −log(w(u,v)/out_strength(u)),
/// i.e. the path maximising the product of each hop's share of its source's outgoing flows.
nlohmann::json StrongestPath(const corpora::Store& store, const std::string& from, const std::string& to,
                             const WhoOptions& options);

/// The local audience of an actor (issue 15): of the actors that amplify X (its flows' targets, as in
/// AmplifiersOf), the share located in X's own région and in its département, with Wilson score
/// intervals; with `at`, apart for the amplifiers seen before and from `at` on, and the change with
/// Newcombe's hybrid score interval. X's région is the registry's (or its resolved home), its
/// département its home's (datelines for an outlet); amplifiers' locations as corpora::ActorPlaces.
/// Only counts and shares are returned: no amplifier's location is shown. Throws (kData) when the
/// store has no geography or X has no known région. With options.regions = kWithInferred (`--geo inferred`),
/// every period also has an "inferred" block — the amplifiers without an observed home whose région was
/// inferred: how many, how many in X's région, the share and its Wilson interval (no département: the
/// inference gives a région only) — "change" a "region_inferred" entry, and the answer "geo": "inferred";
/// the observed counts are the same as without it. A usage error when the store has no inferred régions.
nlohmann::json AudienceOf(const corpora::Store& store, const std::string& actor, std::optional<TimeMs> at,
                          const WhoOptions& options);

/// Wilson score interval of k successes in n trials at normal quantile z (n = 0: [0, 1]).
std::pair<double, double> WilsonInterval(std::int64_t k, std::int64_t n, double z = 1.959963984540054);

/// Newcombe's hybrid score interval (his method 10) of p2 − p1 for independent k1/n1, k2/n2.
std::pair<double, double> NewcombeDifference(std::int64_t k1, std::int64_t n1, std::int64_t k2, std::int64_t n2,
                                             double z = 1.959963984540054);

/// Full-text search of items (the store's FTS5 index, see corpora/search_index.hpp): best first, at
/// most `limit`, each with its time, author, layer-free evidence fields, a link to the original for
/// public authors and the press article it links to ("article_url", for first sharers).
nlohmann::json SearchJson(const corpora::Store& store, const std::string& query, int limit, bool pseudonymise);

/// Items per bin for one actor, URL or actor class, around an event (before/after counted apart).
struct TimelineQuery {
  std::optional<ActorRow> actor;
  std::string url;          // canonical
  std::string actor_class;  // when neither actor nor url
  std::optional<TimeMs> at;
  TimeMs before = 0, after = 0;
  TimeMs bin = 0;  // 0 = an hour up to 7 days, else a day (≤ 2,000 bins)
};
nlohmann::json TimelineJson(const corpora::Store& store, const TimelineQuery& query, bool pseudonymise);

/// The flows behind one cell (or row, or column) of a flow matrix: the evidence of the flows from
/// actors of group `source` to actors of group `target` (either may be absent: any group) in the
/// window, earliest first. Groups are named as in flow matrices (class, region; "(unknown)" and
/// "(none)" included); by=actor takes actor ids.
struct FlowEvidenceQuery {
  std::string by = "class";  // class | region | actor
  std::optional<std::string> source, target;
  std::optional<std::int64_t> source_actor, target_actor;  // by=actor
  FlowQuery query;                                         // layers and window [from, to) on the derived item
  int limit = 20;
};
nlohmann::json FlowEvidence(const corpora::Store& store, const FlowEvidenceQuery& query, bool pseudonymise);

/// Plain-text rendering of any of the three answers.
std::string WhoTable(const nlohmann::json& answer);

}  // namespace relais::toolkit
