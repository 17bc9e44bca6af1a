// What the benchmark suites share: where ../shared/data is.
#pragma once

#include <cstdlib>
#include <filesystem>

namespace relais::bench {

/// RELAIS_SHARED_DATA, else ../shared/data beside the source tree (as the tests find it).
inline std::filesystem::path SharedData() {
  if (const char* env = std::getenv("RELAIS_SHARED_DATA"); env && *env) return env;
  return std::filesystem::path(RELAIS_SOURCE_DIR) / ".." / "shared" / "data";
}

}  // namespace relais::bench
