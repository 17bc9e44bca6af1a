// A small, forgiving XML tokenizer for feeds (RSS 2.0, RDF, Atom): elements, attributes, text,
// CDATA, comments, processing instructions, DOCTYPE, character references (XML's and HTML's named
// ones, which real feeds use). Well-formedness that matters is checked: unterminated constructs and
// mismatched end tags raise XmlError with the line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relais::corpora::detail {

struct XmlError {
  std::uint64_t line;
  std::string message;
};

struct XmlEvent {
  enum class Type { kStart, kEnd, kText };
  Type type = Type::kText;
  std::string name;                                        // qualified name as written ("dc:date"), lower-cased
  std::vector<std::pair<std::string, std::string>> attrs;  // lower-cased names, decoded values
  std::string text;                                        // decoded text or CDATA content
  bool self_closing = false;
  std::uint64_t line = 0;  // line where the event starts
  std::string_view Attr(std::string_view name) const;
};

class XmlTokenizer {
 public:
  explicit XmlTokenizer(std::string_view xml) : xml_(xml) {}
  /// The next event; false at the end. Throws XmlError when the document is malformed. An element
  /// written <a/> yields a kStart with self_closing=true and then a kEnd.
  bool Next(XmlEvent& ev);
  std::uint64_t line() const { return line_; }

 private:
  void Advance(std::size_t to);
  std::string_view xml_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
  std::vector<std::string> open_;
  bool pending_end_ = false;
  bool seen_root_ = false;
};

/// The encoding named by an XML declaration (<?xml … encoding="X"?>), or empty.
std::string XmlDeclaredEncoding(std::string_view head);

}  // namespace relais::corpora::detail
