// Placeholder reader (replaced by the real one): quarantines every record as unsupported.
#include "detail/readers.hpp"

namespace relais::corpora::detail {
namespace {
class StubJsonl final : public Reader {
 public:
  explicit StubJsonl(Format f) : format_(f) {}
  Format format() const override { return format_; }
  bool line_oriented() const override { return true; }
  void ParseLine(std::string_view line, const InputPos& pos, std::vector<RecordOutcome>& out) const override {
    out.push_back(Diagnostic{ErrorKind::kSchema, pos, "unsupported-format", "reader not built yet",
                             std::string(line.substr(0, 80))});
  }

 private:
  Format format_;
};
}  // namespace
std::unique_ptr<Reader> MakeArticleJsonlReader(const ReadOptions&, Channel c) { return std::make_unique<StubJsonl>(c == Channel::kPr ? Format::kPrJsonl : Format::kPressJsonl); }
}  // namespace relais::corpora::detail
