// A small, forgiving XML tokenizer for feeds.
#include "detail/xml.hpp"

#include <cctype>

#include "detail/html.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {

std::string_view XmlEvent::Attr(std::string_view n) const {
  for (const auto& [k, v] : attrs)
    if (k == n) return v;
  return {};
}

void XmlTokenizer::Advance(std::size_t to) {
  for (; pos_ < to && pos_ < xml_.size(); ++pos_)
    if (xml_[pos_] == '\n') ++line_;
}

bool XmlTokenizer::Next(XmlEvent& ev) {
  ev.attrs.clear();
  ev.text.clear();
  ev.self_closing = false;
  if (pending_end_) {
    pending_end_ = false;
    ev.type = XmlEvent::Type::kEnd;
    ev.name = open_.back();
    open_.pop_back();
    ev.line = line_;
    return true;
  }
  while (pos_ < xml_.size()) {
    ev.line = line_;
    if (xml_[pos_] != '<') {
      std::size_t end = xml_.find('<', pos_);
      if (end == std::string_view::npos) end = xml_.size();
      std::string_view raw = xml_.substr(pos_, end - pos_);
      Advance(end);
      if (open_.empty()) {
        if (!Trim(raw).empty() && seen_root_) throw XmlError{ev.line, "text after the root element"};
        continue;
      }
      ev.type = XmlEvent::Type::kText;
      ev.text = DecodeEntities(raw);
      return true;
    }
    std::string_view rest = xml_.substr(pos_);
    if (rest.starts_with("<!--")) {
      std::size_t e = xml_.find("-->", pos_ + 4);
      if (e == std::string_view::npos) throw XmlError{line_, "comment is not closed"};
      Advance(e + 3);
      continue;
    }
    if (rest.starts_with("<![CDATA[")) {
      std::size_t e = xml_.find("]]>", pos_ + 9);
      if (e == std::string_view::npos) throw XmlError{line_, "CDATA section is not closed"};
      ev.type = XmlEvent::Type::kText;
      ev.text = std::string(xml_.substr(pos_ + 9, e - pos_ - 9));
      Advance(e + 3);
      if (open_.empty()) continue;
      return true;
    }
    if (rest.starts_with("<?")) {
      std::size_t e = xml_.find("?>", pos_ + 2);
      if (e == std::string_view::npos) throw XmlError{line_, "processing instruction is not closed"};
      Advance(e + 2);
      continue;
    }
    if (rest.starts_with("<!")) {
      // DOCTYPE, possibly with an internal subset in brackets.
      std::size_t i = pos_ + 2;
      int depth = 0;
      while (i < xml_.size() && !(xml_[i] == '>' && depth == 0)) {
        if (xml_[i] == '[') ++depth;
        if (xml_[i] == ']') --depth;
        ++i;
      }
      if (i >= xml_.size()) throw XmlError{line_, "declaration is not closed"};
      Advance(i + 1);
      continue;
    }
    // A tag.
    std::size_t i = pos_ + 1;
    bool closing = i < xml_.size() && xml_[i] == '/';
    if (closing) ++i;
    std::size_t name_start = i;
    while (i < xml_.size() && (std::isalnum(static_cast<unsigned char>(xml_[i])) || xml_[i] == ':' || xml_[i] == '-' ||
                               xml_[i] == '_' || xml_[i] == '.' || static_cast<unsigned char>(xml_[i]) >= 0x80))
      ++i;
    if (i == name_start) throw XmlError{line_, "'<' not followed by a tag name"};
    std::string name = ToLowerAscii(xml_.substr(name_start, i - name_start));
    // Attributes up to '>' or "/>".
    std::vector<std::pair<std::string, std::string>> attrs;
    bool self_closing = false;
    while (true) {
      while (i < xml_.size() && std::isspace(static_cast<unsigned char>(xml_[i]))) ++i;
      if (i >= xml_.size()) throw XmlError{line_, "tag <" + name + "> is not closed"};
      if (xml_[i] == '>') {
        ++i;
        break;
      }
      if (xml_[i] == '/' && i + 1 < xml_.size() && xml_[i + 1] == '>') {
        self_closing = true;
        i += 2;
        break;
      }
      if (closing) throw XmlError{line_, "end tag </" + name + "> holds attributes"};
      std::size_t an = i;
      while (i < xml_.size() && xml_[i] != '=' && xml_[i] != '>' && xml_[i] != '/' &&
             !std::isspace(static_cast<unsigned char>(xml_[i])))
        ++i;
      std::string attr = ToLowerAscii(xml_.substr(an, i - an));
      if (attr.empty()) throw XmlError{line_, "malformed attribute in <" + name + ">"};
      while (i < xml_.size() && std::isspace(static_cast<unsigned char>(xml_[i]))) ++i;
      std::string value;
      if (i < xml_.size() && xml_[i] == '=') {
        ++i;
        while (i < xml_.size() && std::isspace(static_cast<unsigned char>(xml_[i]))) ++i;
        if (i >= xml_.size() || (xml_[i] != '"' && xml_[i] != '\''))
          throw XmlError{line_, "attribute \"" + attr + "\" of <" + name + "> is not quoted"};
        char q = xml_[i++];
        std::size_t ve = xml_.find(q, i);
        if (ve == std::string_view::npos)
          throw XmlError{line_, "attribute \"" + attr + "\" of <" + name + "> is not closed"};
        value = DecodeAttributeEntities(xml_.substr(i, ve - i));
        i = ve + 1;
      }
      attrs.emplace_back(std::move(attr), std::move(value));
    }
    Advance(i);
    if (closing) {
      if (open_.empty() || open_.back() != name)
        throw XmlError{ev.line, "end tag </" + name + "> does not match " +
                                    (open_.empty() ? std::string("any open element") : "<" + open_.back() + ">")};
      open_.pop_back();
      ev.type = XmlEvent::Type::kEnd;
      ev.name = std::move(name);
      return true;
    }
    if (open_.empty() && seen_root_) throw XmlError{ev.line, "second root element <" + name + ">"};
    seen_root_ = true;
    ev.type = XmlEvent::Type::kStart;
    ev.name = name;
    ev.attrs = std::move(attrs);
    ev.self_closing = self_closing;
    open_.push_back(std::move(name));
    if (self_closing) pending_end_ = true;
    return true;
  }
  if (!open_.empty()) throw XmlError{line_, "document ends inside <" + open_.back() + ">"};
  if (!seen_root_) throw XmlError{line_, "no root element"};
  return false;
}

std::string XmlDeclaredEncoding(std::string_view head) {
  std::size_t s = head.find("<?xml");
  if (s == std::string_view::npos || s > 8) return {};
  std::size_t e = head.find("?>", s);
  std::string_view decl = head.substr(s, e == std::string_view::npos ? 200 : e - s);
  std::size_t k = decl.find("encoding");
  if (k == std::string_view::npos) return {};
  k = decl.find_first_of("\"'", k);
  if (k == std::string_view::npos) return {};
  char q = decl[k];
  std::size_t ve = decl.find(q, k + 1);
  if (ve == std::string_view::npos) return {};
  return std::string(decl.substr(k + 1, ve - k - 1));
}

}  // namespace relais::corpora::detail
