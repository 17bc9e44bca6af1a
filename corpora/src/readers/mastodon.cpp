// Mastodon REST API statuses: a JSON array (timelines), one status, or JSONL; notifications (their
// `status`), search results (`statuses`) and contexts (`ancestors`, `descendants`) are read through.
//
// Keys: "mastodon:<status uri>" (fallback: its url). Authors: "mastodon:@user@host", the host taken
// from account.url when `acct` is local. A reply whose parent is in the same document gets the
// parent's uri; otherwise its target key is "mastodon:id:<host>/<in_reply_to_id>" (the REST API
// gives only the parent's local id, which is unique per instance).
#include <cctype>
#include <map>
#include <unordered_map>

#include "relais/corpora/input.hpp"

#include "detail/html.hpp"
#include "detail/json_util.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {
namespace dom = simdjson::dom;

// A reply (or quote) whose target is known only by local id, resolved at the end of the document.
struct Fixup {
  std::size_t outcome;
  std::size_t item;
  std::size_t ref;
  std::string id;
  std::string host;
};

struct DocState {
  std::unordered_map<std::string, std::string> uri_by_id;  // local id → uri (one serving instance per document)
  std::string serving_host;                                // host of the first local account met
  std::vector<Fixup> fixups;
};

// The profile location of an account: the value of a profile field (`fields`, name/value pairs the
// user chooses) named like a location ("Location", "Localisation", "Lieu", "Ville", "📍"), HTML
// stripped; empty when none. Mastodon has no location field of its own.
std::string ProfileLocation(dom::element account) {
  auto fields = Arr(account, "fields");
  if (!fields) return {};
  for (dom::element f : *fields) {
    std::string name(Str(f, "name"));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool location = name == "location" || name == "localisation" || name == "lieu" || name == "ville" ||
                          name == "city" || name == "where" || name == "région" || name == "region" ||
                          name == "\xF0\x9F\x93\x8D";  // 📍
    if (!location) continue;
    std::string value;
    bool in_tag = false;
    for (char c : Str(f, "value")) {
      if (c == '<') in_tag = true;
      if (!in_tag) value.push_back(c);
      if (c == '>') in_tag = false;
    }
    return value;
  }
  return {};
}

struct Failure {
  std::string reason;
  std::string message;
};

class StatusConverter {
 public:
  StatusConverter(DocState& state, std::size_t outcome_index) : state_(state), outcome_(outcome_index) {}

  // Converts `st` into items (items[first] = the status, then its expansions). nullopt on success.
  std::optional<Failure> Convert(dom::element st, std::vector<ItemRecord>& items, const std::string& where) {
    std::string uri(Str(st, "uri"));
    if (uri.empty()) uri = std::string(Str(st, "url"));
    if (uri.empty()) return Failure{"missing-field", where + "status has no \"uri\" nor \"url\""};
    auto account = Member(st, "account");
    if (!account || !IsObject(*account)) return Failure{"missing-field", where + "status has no \"account\""};
    std::string_view created = Str(st, "created_at");
    if (created.empty()) return Failure{"missing-field", where + "status has no \"created_at\""};
    auto time = ParseIso8601(created);
    if (!time)
      return Failure{"bad-timestamp", where + "\"created_at\" has \"" + std::string(created) + "\", expected ISO 8601"};

    const std::size_t self = items.size();
    items.emplace_back();
    {
      ItemRecord& item = items[self];
      item.key = "mastodon:" + uri;
      item.platform = "mastodon";
      item.channel = Channel::kSocial;
      item.time = *time;
      item.url = std::string(Str(st, "url"));
      item.lang = std::string(Str(st, "language"));
    }
    std::string host = HostOf(Str(*account, "url"), false);
    if (host.empty()) host = HostOf(uri, false);
    ActorRecord author;
    std::string acct(Str(*account, "acct"));
    if (acct.empty()) acct = std::string(Str(*account, "username"));
    if (acct.empty()) return Failure{"missing-field", where + "account has no \"acct\" nor \"username\""};
    if (acct.find('@') == std::string::npos && !host.empty()) {
      acct += "@" + host;
      if (state_.serving_host.empty()) state_.serving_host = host;
    }
    author.key = "mastodon:@" + acct;
    author.platform = "mastodon";
    author.handle = acct;
    author.name = std::string(Str(*account, "display_name"));
    author.platform_id = std::string(Str(*account, "uri"));
    if (author.platform_id.empty()) author.platform_id = std::string(Str(*account, "url"));
    const std::string account_id = IdStr(*account, "id");
    std::string author_location = ProfileLocation(*account);

    std::string id = IdStr(st, "id");
    if (!id.empty()) state_.uri_by_id[id] = uri;

    // Mentions and tags first: they tell which content links are not links.
    std::vector<std::string> mentions, hashtags;
    std::map<std::string, std::string> acct_by_account_id;
    std::vector<std::string> not_links;
    if (auto arr = Arr(st, "mentions")) {
      for (dom::element m : *arr) {
        std::string macct(Str(m, "acct"));
        if (macct.empty()) continue;
        if (macct.find('@') == std::string::npos) {
          // A local acct: the mentioned account's own URL names its instance.
          std::string mhost = HostOf(Str(m, "url"), false);
          if (mhost.empty()) mhost = host;
          if (!mhost.empty()) macct += "@" + mhost;
        }
        acct_by_account_id[IdStr(m, "id")] = macct;
        mentions.push_back(macct);
        not_links.emplace_back(Str(m, "url"));
      }
    }
    if (auto arr = Arr(st, "tags")) {
      for (dom::element t : *arr) {
        std::string_view name = Str(t, "name");
        if (!name.empty()) hashtags.emplace_back(name);
        not_links.emplace_back(Str(t, "url"));
      }
    }
    std::vector<HtmlLink> html_links;
    std::string text;
    if (auto content = Member(st, "content"); content && content->is_string()) {
      text = HtmlToText(content->get_string().value_unsafe(), &html_links, {"quote-inline"});
    } else {
      text = std::string(Str(st, "text"));  // deleted statuses give their source text
    }
    std::string_view spoiler = Str(st, "spoiler_text");
    if (!spoiler.empty()) text = std::string(spoiler) + (text.empty() ? "" : "\n\n") + text;

    std::vector<std::string> links;
    auto add_link = [&](std::string_view l) {
      if (l.empty() || std::find(links.begin(), links.end(), l) != links.end()) return;
      links.emplace_back(l);
    };
    if (auto card = Member(st, "card"); card && IsObject(*card)) add_link(Str(*card, "url"));
    for (const auto& l : html_links) {
      if (l.cls.find("mention") != std::string::npos || l.cls.find("hashtag") != std::string::npos ||
          l.rel.find("tag") != std::string::npos)
        continue;
      if (std::find(not_links.begin(), not_links.end(), l.href) != not_links.end()) continue;
      if (l.href.rfind("http://", 0) != 0 && l.href.rfind("https://", 0) != 0) continue;
      add_link(l.href);
    }

    ItemKind kind = ItemKind::kOriginal;
    std::vector<ItemRef> refs;
    std::vector<std::pair<std::size_t, std::string>> pending;  // ref index → local id to resolve
    // Boost.
    if (auto reblog = Member(st, "reblog"); reblog && IsObject(*reblog)) {
      std::size_t inner = items.size();
      if (auto f = Convert(*reblog, items, where + "reblog: ")) return f;
      items[inner].expansion = true;
      kind = ItemKind::kRetweet;
      refs.push_back(ItemRef{Layer::kRetweet, items[inner].key, items[inner].author.handle});
    }
    // Quote (Mastodon 4.4+: quote {state, quoted_status | quoted_status_id}).
    if (auto quote = Member(st, "quote"); quote && IsObject(*quote)) {
      if (auto qs = Member(*quote, "quoted_status"); qs && IsObject(*qs)) {
        std::size_t inner = items.size();
        if (auto f = Convert(*qs, items, where + "quote.quoted_status: ")) return f;
        items[inner].expansion = true;
        refs.push_back(ItemRef{Layer::kQuote, items[inner].key, items[inner].author.handle});
        if (kind == ItemKind::kOriginal) kind = ItemKind::kQuote;
      } else if (std::string qid = IdStr(*quote, "quoted_status_id"); !qid.empty()) {
        pending.emplace_back(refs.size(), qid);
        refs.push_back(ItemRef{Layer::kQuote, "", ""});
        if (kind == ItemKind::kOriginal) kind = ItemKind::kQuote;
      }
    }
    // Reply.
    if (std::string reply_to = IdStr(st, "in_reply_to_id"); !reply_to.empty()) {
      std::string target_account = IdStr(st, "in_reply_to_account_id");
      std::string target_handle;
      if (!target_account.empty() && target_account == account_id) {
        target_handle = acct;
      } else if (auto it = acct_by_account_id.find(target_account); it != acct_by_account_id.end()) {
        target_handle = it->second;
      }
      pending.emplace_back(refs.size(), reply_to);
      refs.push_back(ItemRef{Layer::kReply, "", target_handle});
      if (kind == ItemKind::kOriginal) kind = ItemKind::kReply;
    }

    ItemRecord& item = items[self];
    item.kind = kind;
    item.author = std::move(author);
    item.author_location = std::move(author_location);
    item.text = std::move(text);
    item.links = std::move(links);
    item.hashtags = std::move(hashtags);
    item.mentions = std::move(mentions);
    item.refs = std::move(refs);
    for (auto& [ref_index, local_id] : pending)
      state_.fixups.push_back(Fixup{outcome_, self, ref_index, local_id, host});
    return std::nullopt;
  }

 private:
  DocState& state_;
  std::size_t outcome_;
};

bool LooksLikeStatus(dom::element e) {
  return IsObject(e) && HasKey(e, "account") && HasKey(e, "created_at") &&
         (HasKey(e, "content") || HasKey(e, "uri") || HasKey(e, "text"));
}

// Status edits (GET /statuses/:id/history) look like statuses without id, uri or url.
bool IsStatusEdit(dom::element e) { return !HasKey(e, "id") && !HasKey(e, "uri") && !HasKey(e, "url"); }

std::string KeysOf(dom::element e) {
  std::string keys;
  dom::object obj;
  if (e.get_object().get(obj)) return "not an object";
  std::size_t n = 0;
  for (auto field : obj) {
    if (n++ == 6) {
      keys += ", …";
      break;
    }
    if (!keys.empty()) keys += ", ";
    keys += std::string(field.key);
  }
  return "keys: " + keys;
}

class MastodonReader final : public Reader {
 public:
  Format format() const override { return Format::kMastodon; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    ParseJsonDocument(content, path, out, [&](const std::vector<JsonChunk>& records) {
      DocState state;
      const std::size_t first_outcome = out.size();
      for (const auto& record : records) HandleChunk(record, state, out, 0);
      // Resolve replies and quotes known by local id.
      for (const auto& fx : state.fixups) {
        auto* rec = std::get_if<ParsedRecord>(&out[fx.outcome]);
        if (!rec || fx.outcome < first_outcome) continue;
        auto it = state.uri_by_id.find(fx.id);
        const std::string& host = state.serving_host.empty() ? fx.host : state.serving_host;
        rec->items[fx.item].refs[fx.ref].target_key =
            it != state.uri_by_id.end() ? "mastodon:" + it->second : "mastodon:id:" + host + "/" + fx.id;
      }
    });
  }

 private:
  void HandleChunk(const JsonChunk& chunk, DocState& state, std::vector<RecordOutcome>& out, int depth) const {
    // Containers (search results, contexts): their statuses are the records. Found by scanning,
    // so the complete statuses of a cut container are still read.
    if (depth == 0) {
      std::vector<JsonChunk> subs;
      bool container = FindMemberArray(chunk, "statuses", subs, out);
      container |= FindMemberArray(chunk, "ancestors", subs, out);
      container |= FindMemberArray(chunk, "descendants", subs, out);
      if (container) {
        for (const auto& sub : subs) HandleChunk(sub, state, out, depth + 1);
        return;
      }
    }
    auto doc = ParseJsonChunk(ThreadParser(), chunk, out);
    if (!doc) return;
    dom::element st = *doc;
    std::string where;
    if (IsObject(st) && !LooksLikeStatus(st) && HasKey(st, "type") && HasKey(st, "account") && HasKey(st, "status")) {
      auto status = Member(st, "status");
      if (!status || !IsObject(*status)) {
        out.push_back(MakeDiagnostic(ErrorKind::kSchema, chunk.pos, "not-a-post",
                                     "notification of type \"" + std::string(Str(st, "type")) + "\" carries no status",
                                     chunk.text));
        return;
      }
      st = *status;
      where = "notification status: ";
    }
    if (!LooksLikeStatus(st)) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, chunk.pos, "not-a-post",
                                   "object is not a Mastodon status (" + KeysOf(st) + ")", chunk.text));
      return;
    }
    if (IsStatusEdit(st)) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, chunk.pos, "not-a-post",
                                   "a status edit (no id, uri nor url), not a status", chunk.text));
      return;
    }
    std::vector<ItemRecord> items;
    StatusConverter conv(state, out.size());
    const std::size_t fixups_before = state.fixups.size();
    if (auto failure = conv.Convert(st, items, where)) {
      state.fixups.resize(fixups_before);
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, chunk.pos, failure->reason, failure->message, chunk.text));
      return;
    }
    out.push_back(ParsedRecord{std::move(items), chunk.pos});
  }
};

}  // namespace

std::unique_ptr<Reader> MakeMastodonReader(const ReadOptions&) { return std::make_unique<MastodonReader>(); }

}  // namespace relais::corpora::detail
