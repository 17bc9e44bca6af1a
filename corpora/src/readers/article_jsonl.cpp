// Press articles and PR releases as JSONL: one object per line with the keys url, published, title,
// text, outlet, author, id (and optional lang, channel). A "channel" of "pr" or "press" overrides
// the file's channel for that record.
#include "relais/corpora/input.hpp"

#include "detail/article.hpp"
#include "detail/json_util.hpp"
#include "detail/readers.hpp"
#include "detail/text_util.hpp"

namespace relais::corpora::detail {
namespace {
namespace dom = simdjson::dom;

std::string ScalarText(dom::element v) {
  switch (v.type()) {
    case dom::element_type::STRING:
      return std::string(v.get_string().value_unsafe());
    case dom::element_type::INT64:
      return std::to_string(v.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return std::to_string(v.get_uint64().value_unsafe());
    case dom::element_type::DOUBLE: {
      double d = v.get_double().value_unsafe();
      return std::to_string(static_cast<std::int64_t>(d));
    }
    default:
      return {};
  }
}

class ArticleJsonlReader final : public Reader {
 public:
  ArticleJsonlReader(const ReadOptions& options, Channel channel) : options_(options), channel_(channel) {}
  Format format() const override { return channel_ == Channel::kPr ? Format::kPrJsonl : Format::kPressJsonl; }
  bool line_oriented() const override { return true; }

  void ParseLine(std::string_view line, const InputPos& pos, std::vector<RecordOutcome>& out) const override {
    if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    JsonChunk chunk{line, pos};
    if (chunk.pos.column == 0) chunk.pos.column = 1;
    auto doc = ParseJsonChunk(ThreadParser(), chunk, out);
    if (!doc) return;
    if (!IsObject(*doc)) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, pos, "not-a-post", "line is not a JSON object", line));
      return;
    }
    ArticleFields fields;
    dom::object obj = doc->get_object().value_unsafe();
    for (auto field : obj) fields.Set(field.key, ScalarText(field.value));
    auto built = BuildArticle(std::move(fields), channel_, options_);
    if (auto* failure = std::get_if<ArticleFailure>(&built)) {
      out.push_back(MakeDiagnostic(ErrorKind::kSchema, pos, failure->reason, failure->message, line));
      return;
    }
    std::vector<ItemRecord> items;
    items.push_back(std::move(std::get<ItemRecord>(built)));
    out.push_back(ParsedRecord{std::move(items), pos});
  }

 private:
  ReadOptions options_;
  Channel channel_;
};

}  // namespace

std::unique_ptr<Reader> MakeArticleJsonlReader(const ReadOptions& options, Channel channel) {
  return std::make_unique<ArticleJsonlReader>(options, channel);
}

}  // namespace relais::corpora::detail
