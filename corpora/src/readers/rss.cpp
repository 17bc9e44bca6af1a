// RSS 2.0, RSS 1.0 (RDF) and Atom feeds: each item/entry is an article, or a release when the
// channel title or the file name holds PR words. link, pubDate/dc:date/published/updated (RFC 822 or
// ISO 8601), title, content:encoded/content or description/summary (CDATA, entities, HTML → text).
// The outlet is the channel title; the author key is the host of the channel link (else of the
// item link). The encoding comes from the XML declaration, else options.encoding. Malformed XML
// gives one "invalid-xml" Diagnostic at its line, after the items completed before it.
#include "relais/corpora/input.hpp"

#include "detail/article.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"
#include "detail/xml.hpp"

namespace relais::corpora::detail {
namespace {

struct PendingItem {
  std::uint64_t line = 0;
  std::size_t begin = 0;  // byte offset of the item's line start, for excerpts
  std::string link, guid, date_pub, date_published, date_dc, date_updated, title, description, content, author;
};

std::string_view LocalName(std::string_view n) {
  std::size_t c = n.find(':');
  return c == std::string_view::npos ? n : n.substr(c + 1);
}

bool TitleHasPrWords(std::string title) {
  for (char& c : title)
    if (c == ' ' || c == '\t') c = '-';
  return MatchesPrWords(title);
}

std::string_view LineAt(std::string_view text, std::uint64_t line) {
  std::size_t pos = 0;
  for (std::uint64_t l = 1; l < line && pos < text.size(); ++l) {
    pos = text.find('\n', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  return text.substr(pos, 200);
}

class RssReader final : public Reader {
 public:
  explicit RssReader(const ReadOptions& options) : options_(options) {}
  Format format() const override { return Format::kRss; }
  bool line_oriented() const override { return false; }

  void ParseDocument(std::string_view raw, const std::string& path, std::vector<RecordOutcome>& out) const override {
    std::string declared = XmlDeclaredEncoding(raw.substr(0, 300));
    std::string lower = ToLowerAscii(declared);
    std::string content;
    try {
      if (!declared.empty() && lower != "utf-8" && lower != "utf8" && ToLowerAscii(options_.encoding) == "auto") {
        content = DecodeToUtf8(raw, lower == "iso-8859-1" ? "windows-1252" : declared);
      } else {
        content = DecodeToUtf8(raw, options_.encoding);
      }
    } catch (const Error& e) {
      throw Error(e.kind(), InputPos{path, 0, 0}, e.what());
    }

    std::string channel_title, channel_link;
    std::vector<PendingItem> items;
    std::optional<XmlError> error;
    {
      XmlTokenizer tok(content);
      XmlEvent ev;
      std::vector<std::string> stack;
      std::optional<PendingItem> cur;
      std::size_t item_depth = 0;
      std::string* field = nullptr;  // text target inside the current item or channel
      std::size_t field_depth = 0;
      try {
        while (tok.Next(ev)) {
          if (ev.type == XmlEvent::Type::kText) {
            if (field) *field += ev.text;
            continue;
          }
          if (ev.type == XmlEvent::Type::kEnd) {
            if (field && stack.size() == field_depth) field = nullptr;
            if (cur && stack.size() == item_depth) {
              items.push_back(std::move(*cur));
              cur.reset();
            }
            stack.pop_back();
            continue;
          }
          stack.push_back(ev.name);
          std::string_view local = LocalName(ev.name);
          const std::size_t depth = stack.size();
          if (field) {
            // Markup inside a text field (Atom xhtml content): keep words apart.
            *field += ' ';
            continue;
          }
          if (!cur && (local == "item" || local == "entry")) {
            cur.emplace();
            cur->line = ev.line;
            item_depth = depth;
            continue;
          }
          if (cur && depth == item_depth + 1) {
            std::string_view n = ev.name;
            if (n == "link" || local == "link") {
              std::string_view href = ev.Attr("href");
              std::string_view rel = ev.Attr("rel");
              if (!href.empty()) {
                if ((rel.empty() || rel == "alternate") && cur->link.empty()) cur->link = std::string(href);
              } else if (cur->link.empty()) {
                field = &cur->link;
              }
            } else if (n == "guid" || (n == "id" && ev.Attr("ispermalink") != "false")) {
              field = &cur->guid;
            } else if (n == "pubdate") {
              field = &cur->date_pub;
            } else if (n == "published" || n == "issued") {
              field = &cur->date_published;
            } else if (n == "dc:date") {
              field = &cur->date_dc;
            } else if (n == "updated" || n == "modified") {
              field = &cur->date_updated;
            } else if (n == "title") {
              field = &cur->title;
            } else if (n == "description" || n == "summary") {
              field = &cur->description;
            } else if (n == "content:encoded" || n == "content") {
              field = &cur->content;
            } else if (n == "dc:creator" || n == "author") {
              field = &cur->author;
            }
            if (field) field_depth = depth;
            continue;
          }
          // Channel (RSS) or feed (Atom) metadata.
          bool channel_level = (depth == 3 && stack[0] == "rss" && stack[1] == "channel") ||
                               (depth == 2 && stack[0] == "feed") ||
                               (depth == 3 && LocalName(stack[0]) == "rdf" && stack[1] == "channel");
          if (!cur && channel_level) {
            if (ev.name == "title" && channel_title.empty()) {
              field = &channel_title;
              field_depth = depth;
            } else if (ev.name == "link" && channel_link.empty()) {
              std::string_view href = ev.Attr("href");
              std::string_view rel = ev.Attr("rel");
              if (!href.empty()) {
                if (rel.empty() || rel == "alternate") channel_link = std::string(href);
              } else {
                field = &channel_link;
                field_depth = depth;
              }
            }
          }
        }
      } catch (const XmlError& e) {
        error = e;
      }
    }

    bool pr = TitleHasPrWords(channel_title) || MatchesPrWords(path);
    std::string channel_host = HostOf(Trim(channel_link));
    for (auto& it : items) {
      InputPos pos{path, it.line, 1};
      ArticleFields f;
      f.url = std::string(Trim(it.link));
      std::string guid(Trim(it.guid));
      if (f.url.empty() && (guid.rfind("http://", 0) == 0 || guid.rfind("https://", 0) == 0)) f.url = guid;
      for (const std::string* d : {&it.date_pub, &it.date_published, &it.date_dc, &it.date_updated}) {
        if (!Trim(*d).empty()) {
          f.published = std::string(Trim(*d));
          break;
        }
      }
      f.title = it.title;
      f.text = Trim(it.content).empty() ? it.description : it.content;
      f.outlet = std::string(Trim(channel_title));
      f.outlet_names_edition = false;  // a channel title names a feed, not a publication and its edition
      f.author = it.author;
      auto built = BuildArticle(std::move(f), pr ? Channel::kPr : Channel::kPress, options_);
      if (auto* failure = std::get_if<ArticleFailure>(&built)) {
        std::string message = failure->message;
        if (failure->reason == "missing-field" && message.find("published") != std::string::npos)
          message = "item has no pubDate, dc:date, published nor updated";
        out.push_back(MakeDiagnostic(ErrorKind::kSchema, pos, failure->reason, message, LineAt(content, it.line)));
        continue;
      }
      ItemRecord item = std::move(std::get<ItemRecord>(built));
      if (!channel_host.empty()) item.author.key = channel_host;
      std::vector<ItemRecord> v;
      v.push_back(std::move(item));
      out.push_back(ParsedRecord{std::move(v), pos});
    }
    if (error) {
      out.push_back(MakeDiagnostic(
          ErrorKind::kParse, InputPos{path, error->line, 0}, "invalid-xml",
          "malformed XML: " + error->message + " (" + std::to_string(items.size()) + " items read before it)",
          LineAt(content, error->line)));
    }
  }

 private:
  ReadOptions options_;
};

}  // namespace

std::unique_ptr<Reader> MakeRssReader(const ReadOptions& options) { return std::make_unique<RssReader>(options); }

}  // namespace relais::corpora::detail
