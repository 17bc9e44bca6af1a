// String forms of the record enums.
#include "relais/corpora/record.hpp"

#include <array>

namespace relais::corpora {
namespace {
constexpr std::array<std::string_view, 3> kChannels = {"social", "press", "pr"};
constexpr std::array<std::string_view, 6> kKinds = {"original", "retweet", "quote", "reply", "article", "release"};
constexpr std::array<std::string_view, 7> kLayers = {"retweet", "quote", "reply", "mention", "link", "embed", "reuse"};

template <typename E, std::size_t N>
std::optional<E> Find(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}
}  // namespace

std::string_view ToString(Channel c) { return kChannels[static_cast<std::size_t>(c)]; }
std::string_view ToString(ItemKind k) { return kKinds[static_cast<std::size_t>(k)]; }
std::string_view ToString(Layer l) { return kLayers[static_cast<std::size_t>(l)]; }
std::optional<Channel> ParseChannel(std::string_view s) { return Find<Channel>(kChannels, s); }
std::optional<ItemKind> ParseItemKind(std::string_view s) { return Find<ItemKind>(kKinds, s); }
std::optional<Layer> ParseLayer(std::string_view s) { return Find<Layer>(kLayers, s); }

namespace {
constexpr TimeMs kSocialFrom = 1142899200000;      // 2006-03-21T00:00Z
constexpr TimeMs kPressFrom = -2208988800000;      // 1900-01-01T00:00Z
constexpr TimeMs kPlausibleUntil = 4102444800000;  // 2100-01-01T00:00Z
}  // namespace

bool IsPlausibleTime(TimeMs t, std::string_view platform) {
  const bool articles = platform == "press" || platform == "pr";
  return t != 0 && t >= (articles ? kPressFrom : kSocialFrom) && t < kPlausibleUntil;
}

std::optional<Diagnostic> ApplyTimeRule(ParsedRecord& record, std::vector<std::string>& notes) {
  std::vector<bool> drop(record.items.size(), false);
  for (std::size_t i = 0; i < record.items.size(); ++i) {
    ItemRecord& item = record.items[i];
    if (IsPlausibleTime(item.time, item.platform)) continue;
    if (item.platform_time && IsPlausibleTime(*item.platform_time, item.platform)) {
      item.time = *item.platform_time;
      notes.emplace_back("time-from-platform");
      continue;
    }
    if (i == 0) {
      std::string message = "time " + FormatIso8601(item.time) + " of " + item.key + " is implausible for a " +
                            (item.platform.empty() ? std::string("social") : item.platform) + " item";
      if (item.platform_time) message += " and so is its platform time " + FormatIso8601(*item.platform_time);
      return Diagnostic{ErrorKind::kSchema, record.pos, "implausible-time", std::move(message),
                        FormatIso8601(item.time)};
    }
    drop[i] = true;
    notes.emplace_back("expansion-dropped-implausible-time");
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < record.items.size(); ++i)
    if (!drop[i]) {
      if (kept != i) record.items[kept] = std::move(record.items[i]);
      ++kept;
    }
  record.items.resize(kept);
  return std::nullopt;
}

}  // namespace relais::corpora
