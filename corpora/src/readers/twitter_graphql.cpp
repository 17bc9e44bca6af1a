// X (Twitter) web GraphQL responses as saved whole: SearchTimeline, TweetDetail, UserTweets,
// UserTweetsAndReplies, Likes, ListLatestTweets… (timeline entries, conversation modules), and the
// single-tweet endpoints (TweetResultByRestId, TweetResultsByRestIds, TweetResultsByIds). A file
// holds one response, an array of responses, or JSON lines of responses.
//
// Records: every tweet result met under a `tweet_results` / `tweetResult` member, in document
// order (the retweeted and quoted tweets inside a result are its expansions). A response holding
// no tweet result (errors only, a user profile…) is one record quarantined as "not-a-tweet".
// Tombstones and unavailable tweets are quarantined as "tombstone" / "unavailable".
#include "relais/corpora/input.hpp"

#include "detail/graphql_tweet.hpp"
#include "detail/json_util.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {
namespace dom = simdjson::dom;

constexpr int kMaxWalkDepth = 64;

// Collects tweet results in document order.
void Walk(dom::element e, std::vector<dom::element>& found, int depth) {
  if (depth > kMaxWalkDepth) return;
  dom::array arr;
  if (e.get_array().get(arr) == simdjson::SUCCESS) {
    for (dom::element c : arr) Walk(c, found, depth + 1);
    return;
  }
  dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) return;
  for (auto field : obj) {
    std::string_view k = field.key;
    if (k == "tweet_results" || k == "tweetResult") {
      auto take = [&](dom::element holder) {
        if (auto r = Member(holder, "result")) found.push_back(*r);
      };
      dom::array items;
      if (field.value.get_array().get(items) == simdjson::SUCCESS) {
        for (dom::element c : items) take(c);
      } else if (field.value.is_object()) {
        take(field.value);
      }
      continue;
    }
    Walk(field.value, found, depth + 1);
  }
}

std::string ErrorsOf(dom::element e) {
  std::string out;
  if (auto errs = Arr(e, "errors")) {
    for (dom::element err : *errs) {
      std::string_view m = Str(err, "message");
      if (m.empty()) continue;
      if (!out.empty()) out += "; ";
      out += m;
    }
  }
  return out;
}

class TwitterGraphqlReader final : public Reader {
 public:
  Format format() const override { return Format::kTwitterGraphql; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    std::vector<JsonChunk> chunks;
    std::vector<RecordOutcome> structure_errors;
    SplitJsonRecords(content, path, chunks, structure_errors);
    for (const auto& chunk : chunks) HandleResponse(chunk, out);
    for (auto& d : structure_errors) out.push_back(std::move(d));
  }

 private:
  static void HandleResponse(const JsonChunk& chunk, std::vector<RecordOutcome>& out) {
    auto doc = ParseJsonChunk(ThreadParser(), chunk, out);
    if (!doc) return;
    std::vector<dom::element> results;
    if (IsGraphqlTweetResult(*doc)) {
      results.push_back(*doc);  // a bare tweet result
    } else {
      Walk(*doc, results, 0);
    }
    if (results.empty()) {
      std::string errors = ErrorsOf(*doc);
      out.push_back(MakeDiagnostic(
          ErrorKind::kSchema, chunk.pos, "not-a-tweet",
          errors.empty() ? "response holds no tweet result" : "response holds no tweet result (errors: " + errors + ")",
          chunk.text));
      return;
    }
    for (dom::element r : results) {
      std::vector<ItemRecord> items;
      if (auto f = ConvertGraphqlTweet(r, items, false)) {
        out.push_back(MakeDiagnostic(ErrorKind::kSchema, chunk.pos, f->reason, f->message, chunk.text));
        continue;
      }
      out.push_back(ParsedRecord{std::move(items), chunk.pos});
    }
  }
};

}  // namespace

std::unique_ptr<Reader> MakeTwitterGraphqlReader(const ReadOptions&) {
  return std::make_unique<TwitterGraphqlReader>();
}

}  // namespace relais::corpora::detail
