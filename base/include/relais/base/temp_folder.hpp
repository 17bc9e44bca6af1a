// A temporary folder in $TMPDIR for what one computation spills to disk (reuse's band keys, index shards,
// the texts it reads back), removed with its files when the object goes. A folder whose owner died
// without removing it (kill -9, a cluster job out of time) is removed by the next TempFolder of the
// same purpose: each folder holds an flock on its `owner.lock` for the owner's life.
//
//   relais::TempFolder folder("reuse");
//   std::string path = folder.Path("band", 3);   // <folder>/band-3
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace relais {

class TempFolder {
 public:
  /// A lock file younger than this is never judged stale (its owner may be about to lock it).
  static constexpr std::chrono::seconds kStaleAfter{10};

  /// Creates relais-<purpose>-XXXXXX in the temporary directory, after removing the folders of that
  /// purpose left there by dead owners; a kData Error naming it (and suggesting TMPDIR) when it cannot.
  explicit TempFolder(std::string_view purpose);
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  /// The path of file `name`-`k` in the folder.
  std::string Path(std::string_view name, std::size_t k) const;
  const std::filesystem::path& dir() const { return dir_; }

  /// Removes relais-<purpose>-XXXXXX folders in `tmp` whose owner.lock is older than kStaleAfter and
  /// not locked (their owner is gone); returns how many. Folders without that file are left alone.
  static int RemoveStale(const std::filesystem::path& tmp, std::string_view purpose);

 private:
  std::filesystem::path dir_;
  int lock_fd_ = -1;
};

}  // namespace relais
