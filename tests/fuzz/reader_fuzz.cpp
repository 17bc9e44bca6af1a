// libFuzzer target for one reader (RELAIS_FUZZ_FORMAT): any bytes must give records or
// diagnostics, never a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "relais/corpora/input.hpp"
#include "relais/corpora/reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relais::corpora;
  static const auto reader = MakeReader(*ParseFormat(RELAIS_FUZZ_FORMAT), ReadOptions{});
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<RecordOutcome> out;
  try {
    if (reader->line_oriented()) {
      reader->ParseLine(bytes.substr(0, bytes.find('\n')), relais::InputPos{"fuzz", 1, 0}, out);
    }
    // Document readers get decoded text, as the pipeline gives them; CAR files stay bytes.
    if (reader->format() == Format::kBlueskyCar) {
      reader->ParseDocument(bytes, "fuzz", out);
    } else {
      std::string text = DecodeToUtf8(bytes, "auto");
      reader->ParseDocument(text, "fuzz", out);
    }
  } catch (const relais::Error&) {
    // A fatal, typed error for the whole document is an accepted outcome.
  }
  return 0;
}
