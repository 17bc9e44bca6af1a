// Press articles and PR releases from named fields (JSONL keys, CSV columns, RSS elements).
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "relais/corpora/reader.hpp"

namespace relais::corpora::detail {

/// The article fields of DESIGN.md (`url,published,title,text,outlet,author,id`) plus lang, channel.
struct ArticleFields {
  std::string url, published, title, text, outlet, author, id, lang, channel;
  /// Sets the field named `name`; false for an unknown name.
  bool Set(std::string_view name, std::string value);
};

/// Why a record was quarantined.
struct ArticleFailure {
  std::string reason;   // "missing-field" | "bad-timestamp"
  std::string message;  // names the field and the bad value
};

/// The item for an article (channel press) or release (channel pr). `key` is left empty: the
/// pipeline sets the canonical URL or "press:sha256-…". The author is the outlet: key = host of
/// `url` without "www." when there is a URL, else the outlet's name. `published` is parsed with
/// options.date_format when set, else ParseAnyTime. Text and title holding HTML are converted.
std::variant<ItemRecord, ArticleFailure> BuildArticle(ArticleFields fields, Channel channel,
                                                      const ReadOptions& options);

}  // namespace relais::corpora::detail
