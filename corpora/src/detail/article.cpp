// Press articles and PR releases from named fields.
#include "detail/article.hpp"

#include <algorithm>
#include <array>

#include "relais/corpora/geo.hpp"

#include "detail/html.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {

bool ArticleFields::Set(std::string_view name, std::string value) {
  std::string* target = name == "url"         ? &url
                        : name == "published" ? &published
                        : name == "title"     ? &title
                        : name == "text"      ? &text
                        : name == "outlet"    ? &outlet
                        : name == "author"    ? &author
                        : name == "id"        ? &id
                        : name == "lang"      ? &lang
                        : name == "channel"   ? &channel
                        : name == "edition"   ? &edition
                                              : nullptr;
  if (!target) return false;
  *target = std::move(value);
  return true;
}

OutletEdition SplitEdition(std::string_view name) {
  OutletEdition out{std::string(Trim(name)), {}};
  const std::string_view n = out.outlet;
  const std::size_t open = n.rfind('(');
  if (n.empty() || n.back() != ')' || open == std::string_view::npos || open == 0) return out;
  return {std::string(Trim(n.substr(0, open))), std::string(Trim(n.substr(open + 1, n.size() - open - 2)))};
}

namespace {

// The folded words an edition that is not a place is made of ("site web", "édition numérique", "abonnés").
bool IsNonPlaceWord(std::string_view w) {
  static constexpr std::array<std::string_view, 42> kWords = {
      "site",       "web",         "internet", "en",      "ligne",   "online",     "numerique",
      "digital",    "edition",     "editions", "version", "abonnes", "abonne",     "premium",
      "supplement", "supplements", "magazine", "mag",     "hebdo",   "quotidien",  "hebdomadaire",
      "dimanche",   "week",        "end",      "weekend", "papier",  "print",      "mobile",
      "app",        "application", "blog",     "blogs",   "pdf",     "newsletter", "nationale",
      "national",   "toutes",      "de",       "d",       "du",      "la",         "le"};
  return std::find(kWords.begin(), kWords.end(), w) != kWords.end();
}

// "édition de Rennes", "Édition d'Avignon", "édition du Var" → the place alone; else the text itself.
std::string_view WithoutEditionPrefix(std::string_view edition) {
  for (std::string_view prefix : {"\xC3\xA9"
                                  "dition ",
                                  "\xC3\x89"
                                  "dition ",
                                  "edition ", "Edition "}) {
    if (edition.rfind(prefix, 0) != 0) continue;
    std::string_view rest = Trim(edition.substr(prefix.size()));
    for (std::string_view article : {"de ", "du ", "d'", "d\xE2\x80\x99"}) {
      if (rest.rfind(article, 0) == 0) return Trim(rest.substr(article.size()));
    }
    return rest;
  }
  return edition;
}

}  // namespace

std::string EditionPlace(std::string_view edition) {
  edition = Trim(edition);
  const std::string folded = geo::FoldPlaceText(edition);
  for (std::size_t i = 0; i < folded.size();) {
    std::size_t j = folded.find(' ', i);
    if (j == std::string::npos) j = folded.size();
    if (!IsNonPlaceWord(std::string_view(folded).substr(i, j - i))) return std::string(WithoutEditionPrefix(edition));
    i = j + 1;
  }
  return {};
}

std::variant<ItemRecord, ArticleFailure> BuildArticle(ArticleFields f, Channel channel, const ReadOptions& options) {
  std::string_view published = Trim(f.published);
  if (published.empty()) return ArticleFailure{"missing-field", "no \"published\" date"};
  std::optional<TimeMs> time =
      options.date_format.empty() ? ParseAnyTime(published) : ParseWithFormat(published, options.date_format);
  if (!time) {
    std::string expected =
        options.date_format.empty() ? "ISO 8601, RFC 822 or Unix time" : "the format \"" + options.date_format + "\"";
    return ArticleFailure{"bad-timestamp",
                          "\"published\" has \"" + MakeExcerpt(published, 80) + "\", expected " + expected};
  }
  std::string title(Trim(f.title));
  std::string text(Trim(f.text));
  if (LooksLikeHtml(title)) title = HtmlToText(title);
  if (LooksLikeHtml(text)) text = HtmlToText(text);
  if (title.empty() && text.empty()) return ArticleFailure{"missing-field", "neither \"title\" nor \"text\""};
  std::string ch = ToLowerAscii(Trim(f.channel));
  if (ch == "pr") channel = Channel::kPr;
  if (ch == "press") channel = Channel::kPress;

  ItemRecord item;
  item.platform = channel == Channel::kPr ? "pr" : "press";
  item.channel = channel;
  item.kind = channel == Channel::kPr ? ItemKind::kRelease : ItemKind::kArticle;
  item.time = *time;
  item.title = std::move(title);
  item.text = std::move(text);
  item.url = std::string(Trim(f.url));
  item.lang = std::string(Trim(f.lang));
  std::string outlet(Trim(f.outlet));
  std::string host = item.url.empty() ? std::string() : HostOf(item.url);
  item.author.platform = item.platform;
  item.author.key = !host.empty() ? host : outlet;
  item.author.name = !outlet.empty() ? outlet : host;
  if (item.author.key.empty())
    return ArticleFailure{"missing-field", "neither \"url\" nor \"outlet\": the source cannot be named"};
  // A regional title's edition is the article's place (docs/geo.md "Editions of regional titles").
  if (channel == Channel::kPress) {
    const std::string_view edition = Trim(f.edition);
    if (!edition.empty())
      item.geo.place = EditionPlace(edition);
    else if (f.outlet_names_edition)
      item.geo.place = EditionPlace(SplitEdition(outlet).edition);
  }
  return item;
}

}  // namespace relais::corpora::detail
