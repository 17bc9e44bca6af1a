// Placeholder reader (replaced by the real one): quarantines every record as unsupported.
#include "detail/readers.hpp"

namespace relais::corpora::detail {
namespace {
class StubRss final : public Reader {
 public:
  explicit StubRss(Format f) : format_(f) {}
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
std::unique_ptr<Reader> MakeRssReader(const ReadOptions&) { return std::make_unique<StubRss>(Format::kRss); }
}  // namespace relais::corpora::detail
