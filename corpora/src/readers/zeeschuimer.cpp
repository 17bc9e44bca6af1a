// Zeeschuimer / 4CAT NDJSON: one captured item a line ({id, item_id, timestamp_collected,
// source_platform, source_url, data}). X items (`source_platform` twitter.com or x.com) go through
// the GraphQL tweet mapping; items of platforms relais does not model (TikTok, Instagram, …) are
// counted and quarantined as "unsupported-platform".
#include "relais/corpora/input.hpp"

#include "detail/graphql_tweet.hpp"
#include "detail/json_util.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {

class ZeeschuimerReader final : public Reader {
 public:
  Format format() const override { return Format::kZeeschuimer; }
  bool line_oriented() const override { return true; }

  void ParseLine(std::string_view line, const InputPos& pos, std::vector<RecordOutcome>& out) const override {
    JsonChunk chunk{line, pos};
    auto doc = ParseJsonChunk(ThreadParser(), chunk, out);
    if (!doc) return;
    auto fail = [&](const std::string& reason, const std::string& message) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, pos, reason, message, line));
    };
    if (!IsObject(*doc)) return fail("not-a-post", "item is not an object");
    std::string_view platform = Str(*doc, "source_platform");
    if (platform.empty()) return fail("missing-field", "item has no \"source_platform\"");
    auto data = Member(*doc, "data");
    if (!data || !IsObject(*data)) return fail("missing-field", "item has no \"data\" object");
    if (platform != "twitter.com" && platform != "x.com")
      return fail("unsupported-platform", "item of " + std::string(platform) + ", a platform relais does not read");
    std::vector<ItemRecord> items;
    if (auto f = ConvertGraphqlTweet(*data, items, false)) return fail(f->reason, f->message);
    out.push_back(ParsedRecord{std::move(items), pos});
  }
};

}  // namespace

std::unique_ptr<Reader> MakeZeeschuimerReader(const ReadOptions&) { return std::make_unique<ZeeschuimerReader>(); }

}  // namespace relais::corpora::detail
