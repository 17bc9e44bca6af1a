// libFuzzer target for the input layer: sniffing, UTF-8 validation and decoding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "relais/corpora/input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relais::corpora;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)SniffFormat("fuzz.jsonl", bytes);
  (void)SniffFormat("fuzz.csv", bytes);
  std::size_t bad = 0;
  (void)IsValidUtf8(bytes, &bad);
  try {
    (void)DecodeToUtf8(bytes, "auto");
    (void)DecodeToUtf8(bytes, "windows-1252");
  } catch (const relais::Error&) {
  }
  return 0;
}
