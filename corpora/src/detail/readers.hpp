// Factories for each format's reader (one file each under src/readers/).
#pragma once

#include <memory>

#include "relais/corpora/reader.hpp"

namespace relais::corpora::detail {

std::unique_ptr<Reader> MakeTwitterV1Reader(const ReadOptions& options);
std::unique_ptr<Reader> MakeTwitterV2Reader(const ReadOptions& options);
std::unique_ptr<Reader> MakeTwitterArchiveReader(const ReadOptions& options);
std::unique_ptr<Reader> MakeMastodonReader(const ReadOptions& options);
std::unique_ptr<Reader> MakeActivityPubReader(const ReadOptions& options);
std::unique_ptr<Reader> MakeBlueskyReader(const ReadOptions& options);
/// channel: press or pr.
std::unique_ptr<Reader> MakeArticleJsonlReader(const ReadOptions& options, Channel channel);
std::unique_ptr<Reader> MakeArticleCsvReader(const ReadOptions& options, Channel channel);
std::unique_ptr<Reader> MakeRssReader(const ReadOptions& options);
std::unique_ptr<Reader> MakeTelegramReader(const ReadOptions& options);
std::unique_ptr<Reader> MakeZeeschuimerReader(const ReadOptions& options);
std::unique_ptr<Reader> MakeTwitterGraphqlReader(const ReadOptions& options);
std::unique_ptr<Reader> MakeEuropresseReader(const ReadOptions& options);
std::unique_ptr<Reader> MakeBlueskyJetstreamReader(const ReadOptions& options);
std::unique_ptr<Reader> MakeBlueskyCarReader(const ReadOptions& options);
std::unique_ptr<Reader> MakeSnapActivityReader(const ReadOptions& options);
/// The first line is `A B unix_seconds RT|MT|RE` (a SNAP activity file).
bool LooksLikeSnapActivity(std::string_view head);

}  // namespace relais::corpora::detail
