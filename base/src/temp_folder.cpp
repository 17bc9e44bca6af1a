#include "relais/base/temp_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "relais/base/error.hpp"

namespace relais {
namespace {

constexpr const char* kOwnerLock = "owner.lock";

// A lock file's age, or zero when it cannot be read (treated as too young to judge).
std::chrono::seconds LockAge(const std::filesystem::path& lock) {
  std::error_code ec;
  const auto written = std::filesystem::last_write_time(lock, ec);
  if (ec) return std::chrono::seconds(0);
  return std::chrono::duration_cast<std::chrono::seconds>(std::filesystem::file_time_type::clock::now() - written);
}

// True when `folder` is a TempFolder whose owner is gone: its lock file exists, is old enough that
// its owner had time to lock it, and can be locked now (flock dies with its process, kill -9 too).
// On true, `fd` holds the lock until the caller has removed the folder.
bool OwnerIsGone(const std::filesystem::path& folder, int& fd) {
  const std::filesystem::path lock = folder / kOwnerLock;
  if (LockAge(lock) < TempFolder::kStaleAfter) return false;
  fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
  ::close(fd);
  fd = -1;
  return false;
}

}  // namespace

int TempFolder::RemoveStale(const std::filesystem::path& tmp, std::string_view purpose) {
  const std::string prefix = "relais-" + std::string(purpose) + "-";
  int removed = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(tmp, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() != prefix.size() + 6) continue;
    if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
    int fd = -1;
    if (!OwnerIsGone(it->path(), fd)) continue;
    std::error_code rm;
    std::filesystem::remove_all(it->path(), rm);
    ::close(fd);
    if (!rm) ++removed;
  }
  return removed;
}

TempFolder::TempFolder(std::string_view purpose) {
  std::error_code ec;
  const std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);
  if (!ec) RemoveStale(tmp, purpose);
  std::string tmpl = (tmp / ("relais-" + std::string(purpose) + "-XXXXXX")).string();
  if (ec || ::mkdtemp(tmpl.data()) == nullptr) {
    const char* env = std::getenv("TMPDIR");
    throw Error(ErrorKind::kData, std::string(purpose) + ": cannot create a temporary folder in " +
                                      (ec ? (env ? env : "$TMPDIR") : tmp.string()) + " (set TMPDIR)");
  }
  dir_ = tmpl;
  // Held for the object's life: a later run that finds the folder with its lock free knows the
  // owner died without cleaning up (killed, out of time on a cluster) and removes it.
  lock_fd_ = ::open((dir_ / kOwnerLock).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (lock_fd_ >= 0 && ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
  }
}

TempFolder::~TempFolder() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::string TempFolder::Path(std::string_view name, std::size_t k) const {
  return (dir_ / (std::string(name) + "-" + std::to_string(k))).string();
}

}  // namespace relais
