// X (Twitter) web GraphQL tweet results, shared by the twitter-graphql and zeeschuimer readers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>

#include "relais/corpora/record.hpp"

namespace relais::corpora::detail {

struct GraphqlFailure {
  std::string reason;  // tombstone | unavailable | not-a-tweet | missing-field | bad-timestamp
  std::string message;
};

/// True when `e` looks like a tweet result (__typename Tweet / TweetWithVisibilityResults /
/// TweetTombstone / TweetUnavailable, or rest_id with legacy).
bool IsGraphqlTweetResult(simdjson::dom::element e);

/// Converts a tweet result into items (items[first] the tweet, then its retweeted and quoted
/// tweets as expansions); nullopt on success.
std::optional<GraphqlFailure> ConvertGraphqlTweet(simdjson::dom::element result, std::vector<ItemRecord>& items,
                                                  bool expansion, int depth = 0);

}  // namespace relais::corpora::detail
