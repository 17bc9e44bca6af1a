// A temporary folder in $TMPDIR for what one computation spills to disk (reuse's band keys, index shards,
// the texts it reads back), removed with its files when the object goes:
//
//   relais::TempFolder folder("reuse");
//   std::string path = folder.Path("band", 3);   // <folder>/band-3
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace relais {

class TempFolder {
 public:
  /// Creates relais-<purpose>-XXXXXX in the temporary directory; a kData Error naming it (and
  /// suggesting TMPDIR) when it cannot.
  explicit TempFolder(std::string_view purpose);
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  /// The path of file `name`-`k` in the folder.
  std::string Path(std::string_view name, std::size_t k) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace relais
