// Press articles and PR releases from named fields (JSONL keys, CSV columns, RSS elements).
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "relais/corpora/reader.hpp"

namespace relais::corpora::detail {

/// The article fields of DESIGN.md (`url,published,title,text,outlet,author,id`) plus lang, channel and
/// edition (the edition of a regional title: "Rennes", "Cannes").
struct ArticleFields {
  std::string url, published, title, text, outlet, author, id, lang, channel, edition;
  /// Whether a trailing "(…)" of `outlet` names the edition when `edition` is empty ("Ouest-France (Rennes)");
  /// false where the outlet is a feed's title (RSS), not a publication's name.
  bool outlet_names_edition = true;
  /// Sets the field named `name`; false for an unknown name.
  bool Set(std::string_view name, std::string value);
};

/// Why a record was quarantined.
struct ArticleFailure {
  std::string reason;   // "missing-field" | "bad-timestamp"
  std::string message;  // names the field and the bad value
};

/// A publication name split at a trailing parenthesis: "Ouest-France (Rennes)" → {"Ouest-France",
/// "Rennes"}; "Nice-Matin" → {"Nice-Matin", ""}.
struct OutletEdition {
  std::string outlet, edition;
};
OutletEdition SplitEdition(std::string_view name);

/// The place an edition names, without a leading "édition de/du/d'" ("édition de Rennes" → "Rennes"); empty
/// when the edition is not a place: made only of words such as "site web", "en ligne", "édition numérique",
/// "abonnés", "supplément", "magazine", "dimanche" (docs/geo.md "Editions of regional titles").
std::string EditionPlace(std::string_view edition);

/// The item for an article (channel press) or release (channel pr). `key` is left empty: the
/// pipeline sets the canonical URL or "press:sha256-…". The author is the outlet: key = host of
/// `url` without "www." when there is a URL, else the outlet's name. `published` is parsed with
/// options.date_format when set, else ParseAnyTime. Text and title holding HTML are converted. A press
/// article's place (`geo.place`) is the EditionPlace of the `edition` field, else of the outlet's parenthesis
/// (when `outlet_names_edition`).
std::variant<ItemRecord, ArticleFailure> BuildArticle(ArticleFields fields, Channel channel,
                                                      const ReadOptions& options);

}  // namespace relais::corpora::detail
