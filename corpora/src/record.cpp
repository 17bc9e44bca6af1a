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

}  // namespace relais::corpora
