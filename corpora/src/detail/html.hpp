// HTML fragments (Mastodon content, RSS descriptions, article bodies) to plain text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace relais::corpora::detail {

/// A hyperlink met in HTML, with the attributes readers use to tell mentions and tags from links.
struct HtmlLink {
  std::string href;
  std::string cls;  // class attribute
  std::string rel;  // rel attribute
};

/// Plain text of an HTML fragment: tags removed, <br> → "\n", block ends (</p>, </div>, </li>,
/// headings) → a paragraph break, runs of source whitespace collapsed to one space, entities decoded
/// (named HTML ones and numeric), <script>/<style> dropped, and elements whose class contains one of
/// `skip_classes` dropped with their content (e.g. Mastodon's "quote-inline" fallback paragraph).
/// Appends the <a href> met (outside skipped elements) to *links when given.
std::string HtmlToText(std::string_view html, std::vector<HtmlLink>* links = nullptr,
                       const std::vector<std::string_view>& skip_classes = {});

/// Decodes character references (&amp; &eacute; &#233; &#xE9; …) in text; unknown ones are kept as written.
std::string DecodeEntities(std::string_view s);

/// The same in an attribute value, by HTML5's rule: a named reference without ';' followed by '=' or
/// a letter or digit is kept as written ("?x=1&sect=2" stays; "&amp;" and "&sect;" are decoded).
std::string DecodeAttributeEntities(std::string_view s);

/// True when `s` looks like it holds markup or character references worth stripping.
bool LooksLikeHtml(std::string_view s);

}  // namespace relais::corpora::detail
