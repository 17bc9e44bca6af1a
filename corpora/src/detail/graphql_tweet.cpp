// X (Twitter) web GraphQL tweet results (see graphql_tweet.hpp).
//
// A result is a Tweet, a TweetWithVisibilityResults (the tweet under `tweet`), a TweetTombstone or
// a TweetUnavailable. The tweet's `legacy` is a v1.1 status without its user: the author is
// core.user_results.result (handle in its `core.screen_name` since 2024, in `legacy.screen_name`
// before). `note_tweet` long text wins over legacy.full_text; its entity_set, when present, gives
// the entities. Cards give their URL (mapped through the t.co entities when it is a t.co link).
#include "detail/graphql_tweet.hpp"

#include <algorithm>

#include "relais/base/time.hpp"

#include "detail/json_util.hpp"
#include "detail/tweet_json.hpp"

namespace relais::corpora::detail {
namespace dom = simdjson::dom;
namespace {

constexpr int kMaxDepth = 4;

std::optional<dom::element> Path(dom::element e, std::initializer_list<std::string_view> keys) {
  std::optional<dom::element> cur = e;
  for (std::string_view k : keys) {
    if (!cur || !IsObject(*cur)) return std::nullopt;
    cur = Member(*cur, k);
  }
  return cur;
}

void AddUnique(std::vector<std::string>& v, std::string_view s) {
  if (s.empty() || std::find(v.begin(), v.end(), s) != v.end()) return;
  v.emplace_back(s);
}

// Links, mentions and hashtags of an entities object; t.co → expanded into *tco.
void ReadEntities(dom::element entities, ItemRecord& item, std::vector<std::pair<std::string, std::string>>& tco) {
  if (auto urls = Arr(entities, "urls")) {
    for (dom::element u : *urls) {
      std::string_view expanded = Str(u, "expanded_url");
      std::string_view url = Str(u, "url");
      AddUnique(item.links, expanded.empty() ? url : expanded);
      if (!url.empty() && !expanded.empty()) tco.emplace_back(url, expanded);
    }
  }
  if (auto ms = Arr(entities, "user_mentions")) {
    for (dom::element m : *ms) AddUnique(item.mentions, Str(m, "screen_name"));
  }
  if (auto hs = Arr(entities, "hashtags")) {
    for (dom::element h : *hs) AddUnique(item.hashtags, Str(h, "text"));
  }
}

ActorRecord Author(dom::element tweet, dom::element legacy) {
  ActorRecord a;
  a.platform = "twitter";
  if (auto user = Path(tweet, {"core", "user_results", "result"}); user && IsObject(*user)) {
    a.platform_id = IdStr(*user, "rest_id");
    std::string_view handle, name;
    if (auto core = Member(*user, "core"); core && IsObject(*core)) {
      handle = Str(*core, "screen_name");
      name = Str(*core, "name");
    }
    if (auto ul = Member(*user, "legacy"); ul && IsObject(*ul)) {
      if (handle.empty()) handle = Str(*ul, "screen_name");
      if (name.empty()) name = Str(*ul, "name");
    }
    a.handle = std::string(handle);
    a.name = std::string(name);
  }
  if (a.platform_id.empty()) a.platform_id = IdStr(legacy, "user_id_str");
  if (!a.handle.empty()) a.key = "@" + a.handle;
  return a;
}

}  // namespace

bool IsGraphqlTweetResult(dom::element e) {
  if (!IsObject(e)) return false;
  std::string_view t = Str(e, "__typename");
  if (t == "Tweet" || t == "TweetWithVisibilityResults" || t == "TweetTombstone" || t == "TweetUnavailable")
    return true;
  return t.empty() && HasKey(e, "rest_id") && HasKey(e, "legacy");
}

std::optional<GraphqlFailure> ConvertGraphqlTweet(dom::element result, std::vector<ItemRecord>& items, bool expansion,
                                                  int depth) {
  if (!IsObject(result)) return GraphqlFailure{"not-a-tweet", "tweet result is not an object"};
  std::string_view type = Str(result, "__typename");
  if (type == "TweetWithVisibilityResults") {
    auto inner = Member(result, "tweet");
    if (!inner || !IsObject(*inner))
      return GraphqlFailure{"missing-field", "TweetWithVisibilityResults has no \"tweet\""};
    result = *inner;
    type = Str(result, "__typename");
  }
  if (type == "TweetTombstone") {
    std::string text;
    if (auto t = Path(result, {"tombstone", "text", "text"}); t && t->is_string())
      text = std::string(t->get_string().value_unsafe());
    return GraphqlFailure{"tombstone", "tombstone: " + (text.empty() ? std::string("no text") : text)};
  }
  if (type == "TweetUnavailable") {
    std::string reason(Str(result, "reason"));
    return GraphqlFailure{"unavailable", "unavailable tweet" + (reason.empty() ? "" : " (" + reason + ")")};
  }
  if (!type.empty() && type != "Tweet")
    return GraphqlFailure{"not-a-tweet", "result of type \"" + std::string(type) + "\" is not a tweet"};
  auto legacy = Member(result, "legacy");
  if (!legacy || !IsObject(*legacy)) return GraphqlFailure{"missing-field", "tweet result has no \"legacy\""};
  std::string id = IdStr(result, "rest_id");
  if (id.empty()) id = IdStr(*legacy, "id_str");
  if (id.empty()) return GraphqlFailure{"missing-field", "tweet has no \"rest_id\" nor \"legacy.id_str\""};
  std::string_view created = Str(*legacy, "created_at");
  if (created.empty()) return GraphqlFailure{"missing-field", "tweet " + id + " has no \"legacy.created_at\""};
  auto time = ParseTwitterDate(created);
  if (!time)
    return GraphqlFailure{"bad-timestamp",
                          "\"created_at\" has \"" + std::string(created) + "\", expected Twitter's format"};
  ActorRecord author = Author(result, *legacy);
  if (author.handle.empty()) return GraphqlFailure{"missing-field", "tweet " + id + " has no author screen_name"};

  const std::size_t self = items.size();
  items.emplace_back();
  {
    ItemRecord& item = items[self];
    item.key = "twitter:" + id;
    item.platform = "twitter";
    item.channel = Channel::kSocial;
    item.time = *time;
    item.lang = std::string(Str(*legacy, "lang"));
    item.author = std::move(author);
    item.url = "https://twitter.com/" + item.author.handle + "/status/" + id;
    item.expansion = expansion;
    std::vector<std::pair<std::string, std::string>> tco;
    auto note = Path(result, {"note_tweet", "note_tweet_results", "result"});
    if (note && IsObject(*note) && !Str(*note, "text").empty()) {
      item.text = std::string(Str(*note, "text"));
      if (auto es = Member(*note, "entity_set"); es && IsObject(*es)) ReadEntities(*es, item, tco);
    } else {
      item.text = std::string(Str(*legacy, "full_text"));
    }
    DecodeTwitterEntities(item.text);
    if (auto es = Member(*legacy, "entities"); es && IsObject(*es)) ReadEntities(*es, item, tco);
    // Card: its URL (a t.co link, mapped to its expansion when the entities give it).
    if (auto card = Member(result, "card"); card && IsObject(*card)) {
      std::string_view card_url;
      dom::array bvs;
      if (auto b = Path(*card, {"legacy", "binding_values"}); b && b->get_array().get(bvs) == simdjson::SUCCESS) {
        for (dom::element bv : bvs) {
          if (Str(bv, "key") != "card_url") continue;
          if (auto v = Path(bv, {"value", "string_value"}); v && v->is_string())
            card_url = v->get_string().value_unsafe();
        }
      }
      if (card_url.rfind("http", 0) == 0) {
        auto it = std::find_if(tco.begin(), tco.end(), [&](const auto& p) { return p.first == card_url; });
        AddUnique(item.links, it != tco.end() ? std::string_view(it->second) : card_url);
      }
    }
  }
  ItemKind kind = ItemKind::kOriginal;
  std::vector<ItemRef> refs;
  // Retweet: legacy.retweeted_status_result (or at the result's top level).
  auto rt = Path(*legacy, {"retweeted_status_result", "result"});
  if (!rt) rt = Path(result, {"retweeted_status_result", "result"});
  if (rt && depth < kMaxDepth) {
    std::size_t inner = items.size();
    if (!ConvertGraphqlTweet(*rt, items, true, depth + 1)) {
      refs.push_back(ItemRef{Layer::kRetweet, items[inner].key, items[inner].author.handle});
      kind = ItemKind::kRetweet;
    }
  }
  // Quote: quoted_status_result (an expansion when readable), else quoted_status_id_str.
  std::string quoted_id = IdStr(*legacy, "quoted_status_id_str");
  if (auto q = Path(result, {"quoted_status_result", "result"}); q && depth < kMaxDepth && kind != ItemKind::kRetweet) {
    std::size_t inner = items.size();
    if (!ConvertGraphqlTweet(*q, items, true, depth + 1)) {
      refs.push_back(ItemRef{Layer::kQuote, items[inner].key, items[inner].author.handle});
      kind = ItemKind::kQuote;
      quoted_id.clear();
    }
  }
  if (!quoted_id.empty() && kind != ItemKind::kRetweet) {
    refs.push_back(ItemRef{Layer::kQuote, "twitter:" + quoted_id, ""});
    kind = ItemKind::kQuote;
  }
  if (std::string reply_to = IdStr(*legacy, "in_reply_to_status_id_str"); !reply_to.empty()) {
    refs.push_back(ItemRef{Layer::kReply, "twitter:" + reply_to, std::string(Str(*legacy, "in_reply_to_screen_name"))});
    if (kind == ItemKind::kOriginal) kind = ItemKind::kReply;
  }
  items[self].kind = kind;
  items[self].refs = std::move(refs);
  return std::nullopt;
}

}  // namespace relais::corpora::detail
