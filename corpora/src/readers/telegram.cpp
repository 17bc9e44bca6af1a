// Telegram Desktop exports (`result.json`): one chat ({name, type, id, messages[]}) or a whole
// account export ({chats: {list: [chat…]}, left_chats: {list: […]}}). Each message is a record.
//
// Keys: "telegram:<chat id>/<message id>"; authors "telegram:<from_id>" (from_id as exported,
// "channel1658432930" or "user86775091", which is also the actor's handle: an export gives no
// @username). A reply (`reply_to_message_id`, in the same chat unless `reply_to_peer_id` names
// another) is a reply ref. A forward (`forwarded_from`, a display name; `forwarded_from_id` in newer
// exports) is a retweet ref: the original message's id is not exported, so its target key is
// "telegram:forwarded:<source>" and its author handle the source's id (resolved through the names
// seen in the document when only the name is given) so the flow falls back to the source actor.
// Service messages (joins, pins, channel creation…) are quarantined as "service-message".
#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "relais/corpora/input.hpp"

#include "detail/json_util.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {
namespace dom = simdjson::dom;

struct ChatInfo {
  std::string id;  // numeric chat id as text
  std::string name;
  std::string type;
};

// A forward whose source is known by name only, resolved once the whole document is read.
struct ForwardFixup {
  std::size_t outcome;
  std::size_t ref;
  std::string name;
};

struct DocState {
  std::unordered_map<std::string, std::string> id_by_name;  // display name → from_id / chat peer id
  std::vector<ForwardFixup> fixups;
};

// The peer id Telegram Desktop writes for a chat of this type ("channel…" for channels and
// supergroups, "chat…" for basic groups, "user…" for personal chats).
std::string PeerIdOf(const ChatInfo& chat) {
  const std::string& t = chat.type;
  if (t.find("channel") != std::string::npos || t.find("supergroup") != std::string::npos) return "channel" + chat.id;
  if (t.find("group") != std::string::npos) return "chat" + chat.id;
  return "user" + chat.id;
}

// "#tag" → "tag", "@user" → "user".
std::string_view DropSigil(std::string_view s, char sigil) {
  if (!s.empty() && s.front() == sigil) s.remove_prefix(1);
  return s;
}

std::string AsUrl(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return {};
  if (s.find("://") == std::string_view::npos) return "http://" + std::string(s);
  return std::string(s);
}

void AddUnique(std::vector<std::string>& v, std::string s) {
  if (s.empty() || std::find(v.begin(), v.end(), s) != v.end()) return;
  v.push_back(std::move(s));
}

// Text, links, mentions and hashtags of a message from `text_entities` (or, in older exports, the
// `text` list mixing strings and {type, text, href} objects).
void ReadText(dom::element msg, ItemRecord& item) {
  std::optional<dom::array> parts = Arr(msg, "text_entities");
  if (!parts || parts->size() == 0) parts = Arr(msg, "text");
  if (!parts) {
    item.text = std::string(Str(msg, "text"));
    return;
  }
  for (dom::element part : *parts) {
    if (part.is_string()) {
      item.text += part.get_string().value_unsafe();
      continue;
    }
    if (!IsObject(part)) continue;
    std::string_view type = Str(part, "type");
    std::string_view text = Str(part, "text");
    item.text += text;
    if (type == "link") {
      AddUnique(item.links, AsUrl(text));
    } else if (type == "text_link") {
      std::string_view href = Str(part, "href");
      if (href.rfind("http://", 0) == 0 || href.rfind("https://", 0) == 0) AddUnique(item.links, std::string(href));
    } else if (type == "mention") {
      AddUnique(item.mentions, std::string(DropSigil(text, '@')));
    } else if (type == "hashtag") {
      AddUnique(item.hashtags, std::string(DropSigil(text, '#')));
    }
  }
}

class TelegramReader final : public Reader {
 public:
  Format format() const override { return Format::kTelegram; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    ParseJsonDocument(content, path, out, [&](const std::vector<JsonChunk>& roots) {
      DocState state;
      const std::size_t first_outcome = out.size();
      for (const auto& root : roots) HandleRoot(root, state, out);
      for (const auto& fx : state.fixups) {
        auto* rec = std::get_if<ParsedRecord>(&out[fx.outcome]);
        if (!rec || fx.outcome < first_outcome) continue;
        auto it = state.id_by_name.find(fx.name);
        if (it != state.id_by_name.end()) rec->items[0].refs[fx.ref].target_author_handle = it->second;
      }
    });
  }

 private:
  // A root is one chat, or an account export whose chats are under chats.list / left_chats.list.
  void HandleRoot(const JsonChunk& root, DocState& state, std::vector<RecordOutcome>& out) const {
    std::vector<JsonMember> members;
    std::size_t error_at = 0;
    std::size_t start = SkipJsonWs(root.text, 0);
    if (start >= root.text.size() || root.text[start] != '{' ||
        !SplitJsonObject(root.text, start, members, &error_at)) {
      // Not an object, or a broken one: let the JSON parser say what is wrong.
      if (!ParseJsonChunk(ThreadParser(), root, out)) return;
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, root.pos, "not-a-post",
                                   "not a Telegram export (expected an object with \"messages\")", root.text));
      return;
    }
    bool found = false;
    for (const auto& m : members) {
      if (m.key != "chats" && m.key != "left_chats") continue;
      JsonChunk holder{root.text.substr(m.value.begin, m.value.end - m.value.begin), PosInChunk(root, m.value.begin)};
      std::vector<JsonChunk> chats;
      if (!FindMemberArray(holder, "list", chats, out)) continue;
      found = true;
      for (const auto& chat : chats) HandleChat(chat, state, out);
    }
    if (!found) HandleChat(root, state, out);
  }

  void HandleChat(const JsonChunk& chat_chunk, DocState& state, std::vector<RecordOutcome>& out) const {
    std::vector<JsonMember> members;
    std::size_t error_at = 0;
    std::size_t start = SkipJsonWs(chat_chunk.text, 0);
    ChatInfo chat;
    if (start < chat_chunk.text.size() && chat_chunk.text[start] == '{' &&
        SplitJsonObject(chat_chunk.text, start, members, &error_at)) {
      // The chat's scalar members, parsed alone (the messages array may be huge).
      for (const auto& m : members) {
        if (m.key != "id" && m.key != "name" && m.key != "type") continue;
        std::string_view v = chat_chunk.text.substr(m.value.begin, m.value.end - m.value.begin);
        std::string wrapped = "{\"v\":" + std::string(v) + "}";
        dom::element e;
        if (ThreadParser().parse(wrapped).get(e)) continue;
        if (m.key == "id") chat.id = IdStr(e, "v");
        if (m.key == "name") chat.name = std::string(Str(e, "v"));
        if (m.key == "type") chat.type = std::string(Str(e, "v"));
      }
    }
    std::vector<JsonChunk> messages;
    if (!FindMemberArray(chat_chunk, "messages", messages, out)) {
      if (!ParseJsonChunk(ThreadParser(), chat_chunk, out)) return;
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, chat_chunk.pos, "not-a-post",
                                   "not a Telegram chat export (no \"messages\" array)", chat_chunk.text));
      return;
    }
    if (!chat.id.empty() && !chat.name.empty()) state.id_by_name.try_emplace(chat.name, PeerIdOf(chat));
    for (const auto& msg : messages) HandleMessage(msg, chat, state, out);
  }

  void HandleMessage(const JsonChunk& chunk, const ChatInfo& chat, DocState& state,
                     std::vector<RecordOutcome>& out) const {
    auto doc = ParseJsonChunk(ThreadParser(), chunk, out);
    if (!doc) return;
    dom::element msg = *doc;
    auto fail = [&](const char* reason, std::string message) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, chunk.pos, reason, std::move(message), chunk.text));
    };
    if (!IsObject(msg)) return fail("not-a-post", "a message must be an object");
    std::string_view type = Str(msg, "type");
    if (type == "service") {
      std::string_view action = Str(msg, "action");
      return fail("service-message",
                  "service message (" + std::string(action.empty() ? "no action" : action) + "), not a post");
    }
    if (type != "message") return fail("not-a-post", "message of type \"" + std::string(type) + "\"");
    const std::string id = IdStr(msg, "id");
    if (id.empty()) return fail("missing-field", "message has no \"id\"");
    if (chat.id.empty()) return fail("missing-field", "the chat has no \"id\"");
    std::optional<TimeMs> time;
    if (std::string unix_s = IdStr(msg, "date_unixtime"); !unix_s.empty()) {
      std::int64_t secs = 0;
      auto [p, ec] = std::from_chars(unix_s.data(), unix_s.data() + unix_s.size(), secs);
      if (ec != std::errc() || p != unix_s.data() + unix_s.size())
        return fail("bad-timestamp", "\"date_unixtime\" has \"" + unix_s + "\", expected seconds");
      time = secs * 1000;
    } else {
      std::string_view date = Str(msg, "date");
      if (date.empty()) return fail("missing-field", "message has no \"date\" nor \"date_unixtime\"");
      time = ParseIso8601(date);  // local time without a zone: read as UTC
      if (!time) return fail("bad-timestamp", "\"date\" has \"" + std::string(date) + "\", expected ISO 8601");
    }

    ItemRecord item;
    item.key = "telegram:" + chat.id + "/" + id;
    item.platform = "telegram";
    item.channel = Channel::kSocial;
    item.time = *time;
    std::string from_id(Str(msg, "from_id"));
    std::string from_name(Str(msg, "from"));
    if (from_id.empty() && chat.type.find("channel") != std::string::npos) {
      from_id = PeerIdOf(chat);  // a channel post signed by nobody is the channel's
      if (from_name.empty()) from_name = chat.name;
    }
    if (from_id.empty()) return fail("missing-field", "message has no \"from_id\"");
    item.author.key = "telegram:" + from_id;
    item.author.platform = "telegram";
    item.author.handle = from_id;
    item.author.name = from_name;
    item.author.platform_id = from_id;
    if (!from_name.empty()) state.id_by_name.try_emplace(from_name, from_id);
    ReadText(msg, item);

    std::optional<std::size_t> forward_fixup;
    if (std::string_view fwd = Str(msg, "forwarded_from"); !fwd.empty() || HasKey(msg, "forwarded_from_id")) {
      std::string fwd_id(Str(msg, "forwarded_from_id"));
      std::string source = fwd_id.empty() ? std::string(fwd) : fwd_id;
      if (source.empty()) source = "unknown";
      item.kind = ItemKind::kRetweet;
      if (fwd_id.empty() && !fwd.empty()) forward_fixup = item.refs.size();
      item.refs.push_back(ItemRef{Layer::kRetweet, "telegram:forwarded:" + source, fwd_id});
    }
    if (std::string reply_to = IdStr(msg, "reply_to_message_id"); !reply_to.empty()) {
      std::string target_chat = chat.id;
      if (std::string peer = IdStr(msg, "reply_to_peer_id"); !peer.empty()) {
        // "channel123" / "chat123" / "user123" → the numeric part, as chat ids are written.
        std::size_t digit = peer.find_first_of("-0123456789");
        target_chat = digit == std::string::npos ? peer : peer.substr(digit);
      }
      item.refs.push_back(ItemRef{Layer::kReply, "telegram:" + target_chat + "/" + reply_to, ""});
      if (item.kind == ItemKind::kOriginal) item.kind = ItemKind::kReply;
    }
    if (forward_fixup)
      state.fixups.push_back(ForwardFixup{out.size(), *forward_fixup, std::string(Str(msg, "forwarded_from"))});
    ParsedRecord rec;
    rec.items.push_back(std::move(item));
    rec.pos = chunk.pos;
    out.push_back(std::move(rec));
  }
};

}  // namespace

std::unique_ptr<Reader> MakeTelegramReader(const ReadOptions&) { return std::make_unique<TelegramReader>(); }

}  // namespace relais::corpora::detail
