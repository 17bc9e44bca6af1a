// The synthetic world's share of the formats people hold since the APIs closed (issue 16): X web
// GraphQL responses (SearchTimeline pages, as scrapers save them) and Zeeschuimer/4CAT NDJSON.
//
// A share of the tweets that would have gone to twarc2 pages is written in these formats instead,
// each tweet in exactly one file, so the world's items, keys, times, authors, texts and references
// are those of the API formats (a GraphQL tweet's `legacy` is a v1.1 status without its user:
// the tweets are converted from the v1.1 statuses write.cpp composes, nothing is written twice).
//
// Not written: bluesky-jetstream, bluesky-car and telegram records would be new items (their keys,
// `bluesky:at://…` and `telegram:…`, cannot name a tweet or a toot), and europresse articles carry
// times to the minute and paragraphs joined by single newlines, so none of them can hold a world
// item unchanged (docs/synth.md).
#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "synth_internal.hpp"

namespace relais::corpora::detail {
namespace {

using ojson = nlohmann::ordered_json;

constexpr std::uint64_t kGraphqlPerMille = 60;      // of the tweets not in v1.1 files
constexpr std::uint64_t kZeeschuimerPerMille = 50;  // likewise
constexpr std::size_t kTweetsPerResponse = 20;      // SearchTimeline's page size
constexpr const char* kAccountCreated = "Wed Mar 14 09:12:44 +0000 2012";
constexpr const char* kSearchQuery = "variables=%7B%22rawQuery%22%3A%22actualit%C3%A9%22%2C%22count%22%3A20%7D";

// The v1.1 status fields a GraphQL `legacy` object does not carry (numeric ids: only the _str
// forms remain; the user and the embedded statuses move to their own objects).
bool DroppedFromLegacy(const std::string& key) {
  return key == "id" || key == "user" || key == "truncated" || key == "source" || key == "in_reply_to_status_id" ||
         key == "in_reply_to_user_id" || key == "quoted_status_id" || key == "retweeted_status" ||
         key == "quoted_status";
}

// core.user_results of a tweet: the handle and name under `core` (X's layout since 2024) or under
// `legacy` (before); the other v1.1 user fields under `legacy`.
ojson UserResults(const ojson& user, bool core_layout) {
  ojson result = {{"__typename", "User"}, {"rest_id", user.at("id_str")}};
  ojson legacy = ojson::object();
  if (core_layout) {
    result["core"] = {
        {"created_at", kAccountCreated}, {"name", user.at("name")}, {"screen_name", user.at("screen_name")}};
  } else {
    legacy["created_at"] = kAccountCreated;
  }
  for (const auto& [key, value] : user.items()) {
    if (key == "id" || key == "id_str") continue;
    if (core_layout && (key == "name" || key == "screen_name")) continue;
    legacy[key] = value;
  }
  result["legacy"] = std::move(legacy);
  return {{"result", std::move(result)}};
}

// A GraphQL tweet result from a v1.1 status (the retweeted and quoted statuses nested as results).
ojson TweetResult(const ojson& status, bool core_layout) {
  ojson result = {{"__typename", "Tweet"}, {"rest_id", status.at("id_str")}};
  result["core"] = {{"user_results", UserResults(status.at("user"), core_layout)}};
  ojson legacy = ojson::object();
  for (const auto& [key, value] : status.items()) {
    if (DroppedFromLegacy(key) || value.is_null()) continue;
    legacy[key] = value;
  }
  if (status.contains("retweeted_status"))
    legacy["retweeted_status_result"] = {{"result", TweetResult(status.at("retweeted_status"), core_layout)}};
  legacy["user_id_str"] = status.at("user").at("id_str");
  const auto reply_to = status.find("in_reply_to_status_id_str");
  legacy["conversation_id_str"] = reply_to != status.end() && reply_to->is_string() ? *reply_to : status.at("id_str");
  result["legacy"] = std::move(legacy);
  if (status.contains("quoted_status"))
    result["quoted_status_result"] = {{"result", TweetResult(status.at("quoted_status"), core_layout)}};
  const std::uint64_t retweets = status.value("retweet_count", std::uint64_t{0});
  result["views"] = {{"count", std::to_string(40 * retweets + 17)}, {"state", "EnabledWithCount"}};
  result["source"] = status.value("source", "");
  return result;
}

ojson TimelineEntry(const ojson& status) {
  const std::string id = status.at("id_str");
  return {{"entryId", "tweet-" + id},
          {"sortIndex", id},
          {"content",
           {{"entryType", "TimelineTimelineItem"},
            {"__typename", "TimelineTimelineItem"},
            {"itemContent",
             {{"itemType", "TimelineTweet"},
              {"__typename", "TimelineTweet"},
              {"tweet_results", {{"result", TweetResult(status, true)}}},
              {"tweetDisplayType", "Tweet"}}}}}};
}

ojson CursorEntry(std::size_t page) {
  const std::string value = "DAACCgACGBh" + std::to_string(page);
  return {{"entryId", "cursor-bottom-" + value},
          {"sortIndex", value},
          {"content",
           {{"entryType", "TimelineTimelineCursor"},
            {"__typename", "TimelineTimelineCursor"},
            {"value", value},
            {"cursorType", "Bottom"}}}};
}

}  // namespace

TwitterShare TwitterShareOf(std::uint64_t seed, std::uint64_t uid) {
  const std::uint64_t draw = Key(seed, 73, uid) % 1000;
  if (draw < kGraphqlPerMille) return TwitterShare::kGraphql;
  if (draw < kGraphqlPerMille + kZeeschuimerPerMille) return TwitterShare::kZeeschuimer;
  return TwitterShare::kApi;
}

std::string TwitterShareFolder(TwitterShare share) {
  return share == TwitterShare::kGraphql ? "data/twitter/graphql" : "data/twitter/zeeschuimer";
}

std::string TwitterShareFile(TwitterShare share, const std::string& week) {
  return share == TwitterShare::kGraphql ? "data/twitter/graphql/search-timeline-week" + week + ".jsonl"
                                         : "data/twitter/zeeschuimer/zeeschuimer-x-week" + week + ".ndjson";
}

void AppendGraphqlResponses(std::string& out, const std::vector<std::string>& v1_statuses) {
  for (std::size_t first = 0; first < v1_statuses.size(); first += kTweetsPerResponse) {
    ojson entries = ojson::array();
    const std::size_t last = std::min(v1_statuses.size(), first + kTweetsPerResponse);
    for (std::size_t k = first; k < last; ++k) entries.push_back(TimelineEntry(ojson::parse(v1_statuses[k])));
    entries.push_back(CursorEntry(first / kTweetsPerResponse));
    ojson response = {{"data",
                       {{"search_by_raw_query",
                         {{"search_timeline",
                           {{"timeline",
                             {{"instructions", ojson::array({{{"type", "TimelineAddEntries"},
                                                              {"entries", std::move(entries)}}})}}}}}}}}}};
    out += response.dump();
    out += '\n';
  }
}

void AppendZeeschuimerItems(std::string& out, const std::vector<std::string>& v1_statuses, TimeMs collected,
                            std::uint64_t first_line_id) {
  for (std::size_t k = 0; k < v1_statuses.size(); ++k) {
    const ojson status = ojson::parse(v1_statuses[k]);
    ojson item = {{"nav_index", "1:1:" + std::to_string(k)},
                  {"item_id", status.at("id_str")},
                  {"timestamp_collected", collected},
                  {"source_platform", "twitter.com"},
                  {"source_platform_url", "https://twitter.com/search?q=actualit%C3%A9&src=typed_query&f=live"},
                  {"source_url", std::string("https://twitter.com/i/api/graphql/synth/SearchTimeline?") + kSearchQuery},
                  {"user_agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
                  {"data", TweetResult(status, false)},
                  {"id", first_line_id + k}};
    out += item.dump();
    out += '\n';
  }
}

}  // namespace relais::corpora::detail
