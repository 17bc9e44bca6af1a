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
};

/// Actors whose items derive from X's items (retweets, quotes, links, reuse…), ranked by count.
nlohmann::json AmplifiersOf(const corpora::Store& store, const std::string& actor, const WhoOptions& options);

/// The items that shared URL (canonicalised), earliest first, with the delay since the article.
nlohmann::json FirstSharers(const corpora::Store& store, const std::string& url, const WhoOptions& options);

/// The strongest chain of flows from actor A to actor B: Dijkstra on −log(w(u,v)/out_strength(u)),
/// i.e. the path maximising the product of each hop's share of its source's outgoing flows.
nlohmann::json StrongestPath(const corpora::Store& store, const std::string& from, const std::string& to,
                             const WhoOptions& options);

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
