// SNAP activity files (higgs-activity_time.txt of the Higgs Twitter data set, De Domenico et al. 2013):
// one interaction a line, `userA userB unix_seconds RT|MT|RE`, fields separated by spaces or tabs.
// userA retweeted (RT), mentioned (MT) or replied to (RE) userB; the ids are SNAP's anonymised integers.
//
// The file lists interactions, not tweets: a reply is usually an RE line and an MT line with the same
// users and second, and the original tweets that were retweeted are not in it. Each line becomes one
// item of userA on platform "twitter" (actor "@<id>", handle the id), keyed by the whole line
// ("twitter:snap-<A>-<B>-<ts>-<type>", so a repeated line counts as a duplicate):
//   RT → a retweet, ref {retweet, "twitter:snap-of-<B>", B}: the retweeted tweet is not in the data,
//        so the flow falls back to userB's actor when userB is an author in the store (schema.md);
//   RE → a reply, ref {reply, same key, B};
//   MT → an original item mentioning B (a mention flow from B's latest earlier item, or B's actor).
// Items have no text. userA = userB is kept (507 self-replies in the Higgs file: threads). Lines with
// another field count, a non-integer id or time, or an unknown type are quarantined ("invalid-field",
// "unknown-type").
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "relais/corpora/input.hpp"

#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::vector<std::string_view> SplitWs(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

class SnapActivityReader final : public Reader {
 public:
  Format format() const override { return Format::kSnapActivity; }
  bool line_oriented() const override { return true; }

  void ParseLine(std::string_view line, const InputPos& pos, std::vector<RecordOutcome>& out) const override {
    auto fail = [&](const std::string& reason, const std::string& message) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, pos, reason, message, line));
    };
    const auto f = SplitWs(line);
    if (f.size() != 4) return fail("invalid-field", std::to_string(f.size()) + " fields, expected 4 (A B time type)");
    if (!AllDigits(f[0]) || !AllDigits(f[1])) return fail("invalid-field", "user ids are not non-negative integers");
    std::int64_t seconds = 0;
    auto [p, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), seconds);
    if (ec != std::errc() || p != f[2].data() + f[2].size() || seconds < 0 || seconds > 9'000'000'000LL)
      return fail("invalid-field", "time \"" + std::string(f[2]) + "\" is not Unix seconds");
    const std::string_view type = f[3];
    if (type != "RT" && type != "MT" && type != "RE")
      return fail("unknown-type", "interaction type \"" + std::string(type) + "\", expected RT, MT or RE");
    const std::string a(f[0]), b(f[1]);

    ItemRecord item;
    item.key = "twitter:snap-" + a + "-" + b + "-" + std::string(f[2]) + "-" + std::string(type);
    item.platform = "twitter";
    item.author.key = "@" + a;
    item.author.platform = "twitter";
    item.author.handle = a;
    item.author.platform_id = a;
    item.time = seconds * 1000;
    if (type == "MT") {
      item.kind = ItemKind::kOriginal;
      item.mentions.push_back(b);
    } else {
      const bool rt = type == "RT";
      item.kind = rt ? ItemKind::kRetweet : ItemKind::kReply;
      item.refs.push_back(ItemRef{rt ? Layer::kRetweet : Layer::kReply, "twitter:snap-of-" + b, b});
    }
    ParsedRecord rec;
    rec.items.push_back(std::move(item));
    rec.pos = pos;
    out.push_back(std::move(rec));
  }
};

}  // namespace

std::unique_ptr<Reader> MakeSnapActivityReader(const ReadOptions&) { return std::make_unique<SnapActivityReader>(); }

/// True when the head's first line looks like `digits digits digits RT|MT|RE`.
bool LooksLikeSnapActivity(std::string_view head) {
  std::string_view first = head.substr(0, head.find('\n'));
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  const auto f = SplitWs(first);
  return f.size() == 4 && AllDigits(f[0]) && AllDigits(f[1]) && AllDigits(f[2]) && f[2].size() >= 9 &&
         (f[3] == "RT" || f[3] == "MT" || f[3] == "RE");
}

}  // namespace relais::corpora::detail
