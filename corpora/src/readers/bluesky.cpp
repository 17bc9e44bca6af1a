// Bluesky: app.bsky.feed.post records (com.atproto.repo.listRecords {records}, getRecord) and post
// views (getPosts/searchPosts/getQuotes {posts}, getAuthorFeed/getTimeline/getFeed {feed}, with
// reposts as reason#reasonRepost, getPostThread {thread}, post notifications), as arrays or JSONL.
//
// Keys: "bluesky:<at:// uri>". Authors: "bluesky:@<handle>" with the DID as platform_id; a raw
// record names only its DID (from the uri), so its author key is "bluesky:<did>". A repost (feed
// reason) has no record uri in views: its key is "bluesky:<reason uri>" when given, else
// "bluesky:repost:<reposter did>:<post uri>". Replies: record.reply.parent.uri; quotes:
// embed.record (app.bsky.embed.record / recordWithMedia); facets give mentions (the handle written
// in the text, else the DID), links and tags; external embeds give links.
#include "relais/corpora/input.hpp"

#include "detail/bluesky_record.hpp"
#include "detail/json_util.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {
namespace dom = simdjson::dom;

ActorRecord ActorFromView(dom::element author) {
  ActorRecord a;
  a.platform = "bluesky";
  a.handle = std::string(Str(author, "handle"));
  a.platform_id = std::string(Str(author, "did"));
  a.name = std::string(Str(author, "displayName"));
  a.key = a.handle.empty() ? "bluesky:" + a.platform_id : "bluesky:@" + a.handle;
  return a;
}

// A post view ({uri, author, record, embed?}) or an embedded viewRecord ({uri, author, value}).
std::optional<Failure> ConvertView(dom::element view, std::vector<ItemRecord>& items, bool expansion) {
  std::string_view uri = Str(view, "uri");
  if (uri.empty()) return Failure{"missing-field", "post view has no \"uri\""};
  auto record = Member(view, "record");
  if (!record) record = Member(view, "value");  // embedded viewRecord
  if (!record || !IsObject(*record)) return Failure{"missing-field", "post view has no \"record\""};
  std::string_view rtype = Str(*record, "$type");
  if (!rtype.empty() && rtype.rfind("app.bsky.feed.post", 0) != 0)
    return Failure{"not-a-post", "record of type \"" + std::string(rtype) + "\" is not a post"};
  auto author = Member(view, "author");
  if (!author || !IsObject(*author)) return Failure{"missing-field", "post view has no \"author\""};
  ItemRecord item;
  item.key = "bluesky:" + std::string(uri);
  item.platform = "bluesky";
  item.author = ActorFromView(*author);
  item.expansion = expansion;
  if (auto f = CheckTime(*record, Str(view, "indexedAt"), item)) return f;
  FillFromRecord(*record, item);
  item.url = PostUrl(item.author, uri);
  const std::size_t self = items.size();
  items.push_back(std::move(item));
  // The quoted post's view, when embedded, is an expansion (and names the quoted author).
  if (auto embed = Member(view, "embed")) {
    std::optional<dom::element> rec = Member(*embed, "record");
    if (rec && Str(*embed, "$type").rfind("app.bsky.embed.recordWithMedia", 0) == 0) rec = Member(*rec, "record");
    if (rec && Str(*rec, "$type") == "app.bsky.embed.record#viewRecord" && IsPostUri(Str(*rec, "uri"))) {
      std::vector<ItemRecord> inner;
      if (!ConvertView(*rec, inner, true)) {
        for (auto& ref : items[self].refs)
          if (ref.layer == Layer::kQuote && ref.target_key == inner[0].key)
            ref.target_author_handle = inner[0].author.handle;
        for (auto& x : inner) items.push_back(std::move(x));
      }
    }
  }
  return std::nullopt;
}

// A raw repository record {uri, cid, value}: a post, or a repost of one.
std::optional<Failure> ConvertRaw(dom::element rec, std::vector<ItemRecord>& items) {
  std::string_view uri = Str(rec, "uri");
  auto value = Member(rec, "value");
  if (!value || !IsObject(*value))
    return Failure{"not-a-post", "record reference without a \"value\" (a write receipt?)"};
  std::string_view type = Str(*value, "$type");
  ItemRecord item;
  item.platform = "bluesky";
  item.author = ActorFromUri(uri);
  item.key = "bluesky:" + std::string(uri);
  if (type == "app.bsky.feed.repost") {
    std::string_view subject;
    if (auto s = Member(*value, "subject")) subject = Str(*s, "uri");
    if (subject.empty()) return Failure{"missing-field", "repost record has no \"subject.uri\""};
    if (auto f = CheckTime(*value, {}, item)) return f;
    item.kind = ItemKind::kRetweet;
    item.refs.push_back(ItemRef{Layer::kRetweet, "bluesky:" + std::string(subject), ""});
    items.push_back(std::move(item));
    return std::nullopt;
  }
  if (type != "app.bsky.feed.post")
    return Failure{"not-a-post", "record of type \"" + std::string(type) + "\" is not a post"};
  if (uri.empty()) return Failure{"missing-field", "record has no \"uri\""};
  if (auto f = CheckTime(*value, {}, item)) return f;
  FillFromRecord(*value, item);
  item.url = PostUrl(item.author, uri);
  items.push_back(std::move(item));
  return std::nullopt;
}

// A feed item {post, reply?, reason?}.
std::optional<Failure> ConvertFeedItem(dom::element fi, std::vector<ItemRecord>& items) {
  auto post = Member(fi, "post");
  auto reason = Member(fi, "reason");
  bool repost = reason && Str(*reason, "$type") == "app.bsky.feed.defs#reasonRepost";
  if (!post || !IsObject(*post)) return Failure{"missing-field", "feed item has no \"post\""};
  std::vector<ItemRecord> post_items;
  if (auto f = ConvertView(*post, post_items, repost)) return f;
  if (repost) {
    auto by = Member(*reason, "by");
    if (!by || !IsObject(*by)) return Failure{"missing-field", "reasonRepost has no \"by\""};
    ItemRecord r;
    r.platform = "bluesky";
    r.kind = ItemKind::kRetweet;
    r.author = ActorFromView(*by);
    std::string_view ruri = Str(*reason, "uri");
    r.key = ruri.empty() ? "bluesky:repost:" + r.author.platform_id + ":" + post_items[0].key.substr(8)
                         : "bluesky:" + std::string(ruri);
    std::string_view when = Str(*reason, "indexedAt");
    auto t = ParseIso8601(when);
    if (!t)
      return Failure{when.empty() ? "missing-field" : "bad-timestamp",
                     "reasonRepost \"indexedAt\" has \"" + std::string(when) + "\", expected ISO 8601"};
    r.time = *t;
    r.refs.push_back(ItemRef{Layer::kRetweet, post_items[0].key, post_items[0].author.handle});
    items.push_back(std::move(r));
  }
  for (auto& x : post_items) items.push_back(std::move(x));
  // Reply context: parent and root views are expansions; the parent names the replied author.
  if (auto reply = Member(fi, "reply")) {
    const std::size_t post_index = repost ? 1 : 0;
    for (std::string_view key : {"parent", "root"}) {
      auto v = Member(*reply, key);
      if (!v || !HasKey(*v, "record")) continue;
      std::vector<ItemRecord> ctx;
      if (ConvertView(*v, ctx, true)) continue;
      if (key == "parent") {
        for (auto& ref : items[post_index].refs)
          if (ref.layer == Layer::kReply && ref.target_key == ctx[0].key)
            ref.target_author_handle = ctx[0].author.handle;
      }
      bool seen = std::any_of(items.begin(), items.end(), [&](const ItemRecord& it) { return it.key == ctx[0].key; });
      if (!seen)
        for (auto& x : ctx) items.push_back(std::move(x));
    }
  }
  return std::nullopt;
}

class BlueskyReader final : public Reader {
 public:
  Format format() const override { return Format::kBluesky; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    std::vector<JsonChunk> chunks;
    std::vector<RecordOutcome> structure_errors;
    SplitJsonRecords(content, path, chunks, structure_errors);
    for (const auto& chunk : chunks) {
      std::vector<JsonChunk> subs;
      bool container = false;
      for (std::string_view key : {"records", "posts", "feed", "notifications"}) {
        if (FindMemberArray(chunk, key, subs, out)) {
          container = true;
          break;
        }
      }
      if (container) {
        for (const auto& sub : subs) HandleItem(sub, out);
      } else {
        HandleItem(chunk, out);
      }
    }
    for (auto& d : structure_errors) out.push_back(std::move(d));
  }

 private:
  static void Fail(const JsonChunk& chunk, const Failure& f, std::vector<RecordOutcome>& out) {
    out.push_back(MakeDiagnostic(ErrorKind::kSchema, chunk.pos, f.reason, f.message, chunk.text));
  }

  static void HandleItem(const JsonChunk& chunk, std::vector<RecordOutcome>& out) {
    auto doc = ParseJsonChunk(ThreadParser(), chunk, out);
    if (!doc) return;
    if (!IsObject(*doc)) return Fail(chunk, {"not-a-post", "item is not an object"}, out);
    if (auto thread = Member(*doc, "thread"); thread && IsObject(*thread)) {
      HandleThread(chunk, *thread, out);
      return;
    }
    std::vector<ItemRecord> items;
    std::optional<Failure> f;
    if (HasKey(*doc, "post")) {
      f = ConvertFeedItem(*doc, items);
    } else if (HasKey(*doc, "uri") && HasKey(*doc, "record") && HasKey(*doc, "author")) {
      f = ConvertView(*doc, items, false);
    } else if (HasKey(*doc, "uri") && HasKey(*doc, "value")) {
      f = ConvertRaw(*doc, items);
    } else if (Str(*doc, "$type").rfind("app.bsky.feed.post", 0) == 0) {
      f = Failure{"missing-field", "bare post record without \"uri\""};
    } else if (HasKey(*doc, "uri") && HasKey(*doc, "commit")) {
      f = Failure{"not-a-post", "createRecord receipt (uri, cid, commit), not a post"};
    } else {
      std::string type(Str(*doc, "$type"));
      f = Failure{"not-a-post", type.empty() ? "object is not a Bluesky post, post view or feed item"
                                             : "object of type \"" + type + "\" is not a post"};
    }
    if (f) return Fail(chunk, *f, out);
    out.push_back(ParsedRecord{std::move(items), chunk.pos});
  }

  // Every post of a getPostThread answer is a record: the parents (oldest first), the post, replies.
  static void HandleThread(const JsonChunk& chunk, dom::element thread, std::vector<RecordOutcome>& out) {
    std::vector<dom::element> parents;
    for (auto p = Member(thread, "parent"); p && IsObject(*p); p = Member(*p, "parent")) parents.push_back(*p);
    for (auto it = parents.rbegin(); it != parents.rend(); ++it) HandleThreadNode(chunk, *it, out, false);
    HandleThreadNode(chunk, thread, out, true);
  }

  static void HandleThreadNode(const JsonChunk& chunk, dom::element node, std::vector<RecordOutcome>& out,
                               bool with_replies) {
    auto post = Member(node, "post");
    std::vector<ItemRecord> items;
    std::optional<Failure> f;
    if (!post) {
      std::string type(Str(node, "$type"));
      f = Failure{"not-a-post", "thread node of type \"" + type + "\" holds no post"};
    } else {
      f = ConvertView(*post, items, false);
    }
    if (f) {
      Fail(chunk, *f, out);
    } else {
      out.push_back(ParsedRecord{std::move(items), chunk.pos});
    }
    if (!with_replies) return;
    if (auto replies = Arr(node, "replies"))
      for (dom::element r : *replies) HandleThreadNode(chunk, r, out, true);
  }
};

}  // namespace

std::unique_ptr<Reader> MakeBlueskyReader(const ReadOptions&) { return std::make_unique<BlueskyReader>(); }

}  // namespace relais::corpora::detail
