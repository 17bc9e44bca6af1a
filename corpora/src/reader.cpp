// Format names, the default Reader methods and the factory.
#include "relais/corpora/reader.hpp"

#include <array>

#include "detail/readers.hpp"

namespace relais::corpora {
namespace {
constexpr std::array<std::string_view, 18> kFormatNames = {
    "twitter-v1",        "twitter-v2", "twitter-archive", "mastodon",    "activitypub", "bluesky",
    "press-jsonl",       "press-csv",  "pr-jsonl",        "pr-csv",      "rss",         "telegram",
    "bluesky-jetstream", "europresse", "twitter-graphql", "zeeschuimer", "bluesky-car", "snap-activity"};
}  // namespace

std::string_view ToString(Format f) { return kFormatNames[static_cast<std::size_t>(f)]; }

std::optional<Format> ParseFormat(std::string_view s) {
  for (std::size_t i = 0; i < kFormatNames.size(); ++i) {
    if (kFormatNames[i] == s) return static_cast<Format>(i);
  }
  return std::nullopt;
}

std::vector<Format> AllFormats() {
  std::vector<Format> out;
  for (std::size_t i = 0; i < kFormatNames.size(); ++i) out.push_back(static_cast<Format>(i));
  return out;
}

void Reader::ParseLine(std::string_view, const InputPos& pos, std::vector<RecordOutcome>&) const {
  throw Error(ErrorKind::kInternal, pos, std::string(ToString(format())) + " reader is not line-oriented");
}

void Reader::ParseDocument(std::string_view content, const std::string& path, std::vector<RecordOutcome>& out) const {
  // Line-oriented readers parse a document line by line.
  std::uint64_t line_no = 0;
  std::size_t start = 0;
  while (start <= content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    ++line_no;
    std::string_view line = content.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (!blank) ParseLine(line, InputPos{path, line_no, 0}, out);
    if (end == content.size()) break;
    start = end + 1;
  }
}

std::unique_ptr<Reader> MakeReader(Format format, const ReadOptions& options) {
  switch (format) {
    case Format::kTwitterV1:
      return detail::MakeTwitterV1Reader(options);
    case Format::kTwitterV2:
      return detail::MakeTwitterV2Reader(options);
    case Format::kTwitterArchive:
      return detail::MakeTwitterArchiveReader(options);
    case Format::kMastodon:
      return detail::MakeMastodonReader(options);
    case Format::kActivityPub:
      return detail::MakeActivityPubReader(options);
    case Format::kBluesky:
      return detail::MakeBlueskyReader(options);
    case Format::kPressJsonl:
      return detail::MakeArticleJsonlReader(options, Channel::kPress);
    case Format::kPrJsonl:
      return detail::MakeArticleJsonlReader(options, Channel::kPr);
    case Format::kPressCsv:
      return detail::MakeArticleCsvReader(options, Channel::kPress);
    case Format::kPrCsv:
      return detail::MakeArticleCsvReader(options, Channel::kPr);
    case Format::kRss:
      return detail::MakeRssReader(options);
    case Format::kTelegram:
      return detail::MakeTelegramReader(options);
    case Format::kBlueskyJetstream:
      return detail::MakeBlueskyJetstreamReader(options);
    case Format::kEuropresse:
      return detail::MakeEuropresseReader(options);
    case Format::kTwitterGraphql:
      return detail::MakeTwitterGraphqlReader(options);
    case Format::kZeeschuimer:
      return detail::MakeZeeschuimerReader(options);
    case Format::kBlueskyCar:
      return detail::MakeBlueskyCarReader(options);
    case Format::kSnapActivity:
      return detail::MakeSnapActivityReader(options);
  }
  throw Error(ErrorKind::kInternal, "unknown format");
}

}  // namespace relais::corpora
