// The CSV files shipped inside the library (corpora/CMakeLists.txt's relais_embed_csvs generates their
// definitions from corpora/data/<folder>/*.csv, sorted by file name).
#pragma once

#include <cstddef>

namespace relais::corpora::detail {

struct EmbeddedCsv {
  const char* name;
  const char* text;
};

extern const EmbeddedCsv kEmbeddedRegistry[];  // data/registry/*.csv (registry_data.cpp)
extern const std::size_t kEmbeddedRegistryCount;
extern const EmbeddedCsv kEmbeddedGeo[];  // data/geo/*.csv (geo_data.cpp)
extern const std::size_t kEmbeddedGeoCount;

}  // namespace relais::corpora::detail
