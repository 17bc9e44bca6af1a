// TempFolder: removed with its files when it goes; a folder whose owner died (kill -9) is removed by
// the next TempFolder of its purpose, and a live, young or foreign folder never is.
#include "relais/base/temp_folder.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "test_util.hpp"

namespace relais {
namespace {

namespace fs = std::filesystem;

// Points $TMPDIR (what TempFolder uses) at `dir` for the test's life.
class TmpdirScope {
 public:
  explicit TmpdirScope(const fs::path& dir) {
    if (const char* old = std::getenv("TMPDIR")) old_ = old, had_ = true;
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~TmpdirScope() { had_ ? ::setenv("TMPDIR", old_.c_str(), 1) : ::unsetenv("TMPDIR"); }

 private:
  std::string old_;
  bool had_ = false;
};

void Age(const fs::path& file, std::chrono::minutes by) {
  fs::last_write_time(file, fs::file_time_type::clock::now() - by);
}

// A folder as a dead owner leaves it: spill files and an owner.lock nobody holds.
fs::path LeftBehind(const fs::path& tmp, const std::string& name, bool with_lock) {
  const fs::path dir = tmp / name;
  fs::create_directories(dir);
  std::ofstream(dir / "band-0") << "spilled";
  if (with_lock) std::ofstream(dir / "owner.lock");
  return dir;
}

TEST(TempFolder, RemovedWithItsFilesWhenItGoes) {
  testing::TempDir tmp;
  TmpdirScope scope(tmp.path());
  fs::path dir;
  {
    TempFolder folder("reuse");
    dir = folder.dir();
    EXPECT_EQ(dir.parent_path(), tmp.path());
    std::ofstream(folder.Path("band", 3)) << "x";
    EXPECT_TRUE(fs::exists(dir / "band-3"));
  }
  EXPECT_FALSE(fs::exists(dir));
}

TEST(TempFolder, AFolderWhoseOwnerWasKilledIsRemovedByTheNextOne) {
  testing::TempDir tmp;
  TmpdirScope scope(tmp.path());
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // the owner: makes its folder, spills a file, says where, and is killed
    TempFolder folder("reuse");
    std::ofstream(folder.Path("band", 0)) << "spilled";
    const std::string path = folder.dir().string() + "\n";
    [[maybe_unused]] const auto n = ::write(pipe_fds[1], path.data(), path.size());
    ::raise(SIGKILL);
    ::_exit(1);
  }
  ::close(pipe_fds[1]);
  std::string path;
  char c;
  while (::read(pipe_fds[0], &c, 1) == 1 && c != '\n') path += c;
  ::close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  const fs::path dead = path;
  ASSERT_TRUE(fs::exists(dead / "band-0"));

  { TempFolder young("reuse"); }  // the lock is seconds old: not judged yet
  EXPECT_TRUE(fs::exists(dead));
  Age(dead / "owner.lock", std::chrono::minutes(5));
  TempFolder next("reuse");
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(next.dir()));
}

TEST(TempFolder, LiveYoungForeignAndUnlockedFoldersAreKept) {
  testing::TempDir tmp;
  TmpdirScope scope(tmp.path());
  TempFolder live("reuse");
  Age(live.dir() / "owner.lock", std::chrono::minutes(60));  // old, but its owner holds the lock
  const fs::path young = LeftBehind(tmp.path(), "relais-reuse-young1", true);
  const fs::path no_lock = LeftBehind(tmp.path(), "relais-reuse-nolock", false);
  const fs::path other = LeftBehind(tmp.path(), "relais-export-other", true);
  const fs::path dead = LeftBehind(tmp.path(), "relais-reuse-dead01", true);
  for (const auto& d : {other, dead}) Age(d / "owner.lock", std::chrono::minutes(60));

  EXPECT_EQ(TempFolder::RemoveStale(tmp.path(), "reuse"), 1);
  EXPECT_FALSE(fs::exists(dead));
  for (const auto& kept : {live.dir(), young, no_lock, other}) EXPECT_TRUE(fs::exists(kept)) << kept;
  EXPECT_EQ(TempFolder::RemoveStale(tmp.path(), "reuse"), 0);
}

}  // namespace
}  // namespace relais
