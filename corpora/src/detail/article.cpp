// Press articles and PR releases from named fields.
#include "detail/article.hpp"

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
                                              : nullptr;
  if (!target) return false;
  *target = std::move(value);
  return true;
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
  return item;
}

}  // namespace relais::corpora::detail
