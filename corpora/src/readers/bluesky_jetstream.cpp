// Bluesky Jetstream (v1) JSON events, one a line: {did, time_us, kind, commit?|identity?|account?}.
//
// A commit creating or updating an app.bsky.feed.post is a post (key "bluesky:at://<did>/<collection>/
// <rkey>", author "bluesky:<did>", time record.createdAt, else time_us); an app.bsky.feed.repost is a
// repost (a retweet ref to subject.uri). Every other event is counted and quarantined with its
// reason: "deleted" for the delete of a post or repost (the message names the deleted record, so the
// delete is on record while the post's flows stay), "not-a-post" for likes, follows, blocks,
// profiles and other collections, "not-a-commit" for identity and account events.
#include <cstdint>

#include "relais/corpora/input.hpp"

#include "detail/bluesky_record.hpp"
#include "detail/json_util.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {
namespace dom = simdjson::dom;

constexpr std::string_view kPost = "app.bsky.feed.post";
constexpr std::string_view kRepost = "app.bsky.feed.repost";

std::optional<std::int64_t> Int64(dom::element e, std::string_view key) {
  auto m = Member(e, key);
  if (!m) return std::nullopt;
  std::int64_t v = 0;
  if (!m->get_int64().get(v)) return v;
  std::uint64_t u = 0;
  if (!m->get_uint64().get(u) && u <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(u);
  return std::nullopt;
}

// The event's commit as an item, or why it is not one.
std::optional<Failure> ConvertCommit(dom::element ev, std::string_view did, ItemRecord& item) {
  auto commit = Member(ev, "commit");
  if (!commit || !IsObject(*commit)) return Failure{"missing-field", "commit event has no \"commit\" object"};
  std::string_view op = Str(*commit, "operation");
  std::string_view collection = Str(*commit, "collection");
  std::string_view rkey = Str(*commit, "rkey");
  if (op.empty() || collection.empty() || rkey.empty())
    return Failure{"missing-field", "commit has no \"operation\", \"collection\" or \"rkey\""};
  const std::string uri = "at://" + std::string(did) + "/" + std::string(collection) + "/" + std::string(rkey);
  if (op == "delete") {
    if (collection == kPost || collection == kRepost) return Failure{"deleted", "delete of " + uri};
    return Failure{"not-a-post", "delete of a " + std::string(collection) + " record"};
  }
  if (op != "create" && op != "update") return Failure{"not-a-post", "commit operation \"" + std::string(op) + "\""};
  if (collection != kPost && collection != kRepost)
    return Failure{"not-a-post", std::string(op) + " of a " + std::string(collection) + " record"};
  auto record = Member(*commit, "record");
  if (!record || !IsObject(*record)) return Failure{"missing-field", std::string(op) + " of " + uri + " has no record"};
  item.key = "bluesky:" + uri;
  item.platform = "bluesky";
  item.author = ActorFromUri(uri);
  if (Str(*record, "createdAt").empty()) {
    auto us = Int64(ev, "time_us");
    if (!us) return Failure{"missing-field", "record has no \"createdAt\" and the event no \"time_us\""};
    item.time = *us / 1000;
  } else if (auto f = CheckTime(*record, {}, item)) {
    return f;
  }
  if (collection == kRepost) {
    std::string_view subject;
    if (auto s = Member(*record, "subject")) subject = Str(*s, "uri");
    if (subject.empty()) return Failure{"missing-field", "repost record has no \"subject.uri\""};
    item.kind = ItemKind::kRetweet;
    item.refs.push_back(ItemRef{Layer::kRetweet, "bluesky:" + std::string(subject), ""});
    return std::nullopt;
  }
  FillFromRecord(*record, item);
  item.url = PostUrl(item.author, uri);
  return std::nullopt;
}

class JetstreamReader final : public Reader {
 public:
  Format format() const override { return Format::kBlueskyJetstream; }
  bool line_oriented() const override { return true; }

  void ParseLine(std::string_view line, const InputPos& pos, std::vector<RecordOutcome>& out) const override {
    JsonChunk chunk{line, pos};
    auto doc = ParseJsonChunk(ThreadParser(), chunk, out);
    if (!doc) return;
    auto fail = [&](const Failure& f) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, pos, f.reason, f.message, line));
    };
    if (!IsObject(*doc)) return fail({"not-a-post", "event is not an object"});
    std::string_view kind = Str(*doc, "kind");
    std::string_view did = Str(*doc, "did");
    if (kind.empty()) return fail({"missing-field", "event has no \"kind\""});
    if (kind != "commit") return fail({"not-a-commit", "\"" + std::string(kind) + "\" event, not a commit"});
    if (did.rfind("did:", 0) != 0) return fail({"missing-field", "commit event has no \"did\""});
    ItemRecord item;
    if (auto f = ConvertCommit(*doc, did, item)) return fail(*f);
    ParsedRecord rec;
    rec.items.push_back(std::move(item));
    rec.pos = pos;
    out.push_back(std::move(rec));
  }
};

}  // namespace

std::unique_ptr<Reader> MakeBlueskyJetstreamReader(const ReadOptions&) { return std::make_unique<JetstreamReader>(); }

}  // namespace relais::corpora::detail
