// Twitter/X personal archive reader ("Download your data"): `data/tweets.js`, i.e.
// `window.YTD.tweets.part0 = [ {"tweet": {…}}, … ]`, every number written as a string.
//
// The archive's tweets carry no user: the owner comes from `account.js` in the same folder
// (`window.YTD.account.part0 = [ {"account": {accountId, username, accountDisplayName}} ]`).
// Retweets appear only as "RT @user: …" text, with no retweeted status and no id for it: they are
// kind retweet with a ref whose target_key is empty and whose target_author_handle is `user`, so the
// retweet layer can still credit the retweeted account.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "detail/readers.hpp"
#include "detail/tweet_json.hpp"

namespace relais::corpora::detail {
namespace {

// The owner from account.js next to `path`; nullopt (and *why) when absent or unreadable.
std::optional<ActorRecord> ReadOwner(const std::string& path, std::string* why) {
  std::filesystem::path account = std::filesystem::path(path).parent_path() / "account.js";
  std::ifstream in(account, std::ios::binary);
  if (!in) {
    *why = "account.js not found next to the archive (" + account.string() + "), so the tweets have no author";
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string content = buffer.str();
  for (const DocumentRecord& rec : SplitDocument(content)) {
    if (rec.truncated) continue;
    try {
      PaddedDocument padded = IterateThreadLocal(rec.text, 1);
      ActorRecord owner;
      owner.platform = "twitter";
      for (auto field : padded.doc->get_object()) {
        if (!Is(RawKey(field), "account")) continue;
        for (auto f : field.value().get_object()) {
          std::string_view key = RawKey(f);
          od::value v = f.value();
          if (v.type() != od::json_type::string) continue;
          if (Is(key, "accountId"))
            owner.platform_id = std::string_view(v.get_string());
          else if (Is(key, "username"))
            owner.handle = std::string_view(v.get_string());
          else if (Is(key, "accountDisplayName"))
            owner.name = std::string_view(v.get_string());
        }
      }
      if (owner.handle.empty()) continue;
      owner.key = "@" + owner.handle;
      return owner;
    } catch (const simdjson::simdjson_error&) {
      continue;
    }
  }
  *why = "account.js (" + account.string() + ") holds no account.username";
  return std::nullopt;
}

// "RT @user: …" → "user"; empty when the text is no such retweet.
std::string RetweetedHandle(std::string_view text) {
  if (!text.starts_with("RT @")) return {};
  std::size_t end = 4;
  while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
  return std::string(text.substr(4, end - 4));
}

void ParseArchiveTweet(std::string_view text, const InputPos& pos, const std::optional<ActorRecord>& owner,
                       const std::string& owner_problem, std::vector<RecordOutcome>& out) {
  try {
    PaddedDocument padded = IterateThreadLocal(text);
    if (padded.doc->type() != od::json_type::object) {
      out.push_back(MakeDiagnostic(pos, "not-a-tweet", "expected an object {\"tweet\": {…}}", text));
      return;
    }
    V1Status s;
    bool wrapped = false;
    // Elements are {"tweet": {…}}; older archives list the tweet objects directly.
    od::object obj = padded.doc->get_object();
    for (auto field : obj) {
      if (Is(RawKey(field), "tweet")) {
        ParseV1Status(field.value().get_object(), s, 1);
        wrapped = true;
      }
    }
    if (!wrapped) {
      padded.doc->rewind();
      ParseV1Status(padded.doc->get_object(), s, 1);
    }
    if (!s.has_user) {
      if (!owner) {
        out.push_back(MakeDiagnostic(pos, "missing-field", "tweet " + s.id + ": " + owner_problem, text));
        return;
      }
      s.user = *owner;
      s.has_user = true;
    }
    ParsedRecord record;
    record.pos = pos;
    record.items.emplace_back();
    RecordProblem problem;
    if (!BuildV1Item(s, record.items[0], &problem)) {
      out.push_back(MakeDiagnostic(pos, problem.reason, std::move(problem.message), text));
      return;
    }
    ItemRecord& item = record.items[0];
    if (std::string handle = RetweetedHandle(item.text); !handle.empty() && item.kind != ItemKind::kRetweet) {
      item.kind = ItemKind::kRetweet;
      item.refs.clear();  // an archived retweet's in_reply_to fields describe the retweeted tweet
      item.refs.push_back(ItemRef{Layer::kRetweet, std::string(), handle});
    }
    std::unordered_set<std::string> seen{s.id};
    AddV1Expansions(s, record, seen);
    out.push_back(std::move(record));
  } catch (const simdjson::simdjson_error& e) {
    out.push_back(JsonErrorDiagnostic(e.error(), pos, text, "twitter-archive record"));
  }
}

class TwitterArchiveReader final : public Reader {
 public:
  Format format() const override { return Format::kTwitterArchive; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view content, const std::string& path,
                     std::vector<RecordOutcome>& out) const override {
    std::string owner_problem;
    std::optional<ActorRecord> owner = ReadOwner(path, &owner_problem);
    for (const DocumentRecord& rec : SplitDocument(content)) {
      InputPos pos{path, rec.line, 0};
      if (rec.truncated) {
        out.push_back(JsonErrorDiagnostic(simdjson::TAPE_ERROR, pos, rec.text, "twitter-archive record"));
        continue;
      }
      ParseArchiveTweet(rec.text, pos, owner, owner_problem, out);
    }
  }
};

}  // namespace

std::unique_ptr<Reader> MakeTwitterArchiveReader(const ReadOptions&) {
  return std::make_unique<TwitterArchiveReader>();
}

}  // namespace relais::corpora::detail
