// Helpers shared by the test suites: where the shared fixtures and the relais binary are.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>

namespace relais::testing {

/// The whole file's bytes (empty when it cannot be read).
inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// ../shared/data (RELAIS_SHARED_DATA overrides); empty path when absent.
inline std::filesystem::path SharedDataDir() {
  std::filesystem::path p;
  if (const char* env = std::getenv("RELAIS_SHARED_DATA"); env && *env) {
    p = env;
  } else {
    p = std::filesystem::path(RELAIS_TEST_DIR) / ".." / ".." / "shared" / "data";
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(p, ec)) return {};
  return std::filesystem::weakly_canonical(p, ec);
}

/// Skips the test with a visible message when the shared fixtures are absent.
#define RELAIS_REQUIRE_SHARED_DATA(dir_var)                                 \
  const std::filesystem::path dir_var = ::relais::testing::SharedDataDir(); \
  if (dir_var.empty())                                                      \
  GTEST_SKIP() << "../shared/data not found (set RELAIS_SHARED_DATA); "     \
                  "real-data fixture test skipped"

/// tests/fixtures
inline std::filesystem::path FixturesDir() { return std::filesystem::path(RELAIS_TEST_DIR) / "fixtures"; }

/// The relais binary under test.
inline std::string RelaisBin() {
  if (const char* env = std::getenv("RELAIS_BIN"); env && *env) return env;
  return std::string(RELAIS_BINARY_DIR) + "/toolkit/relais";
}

/// A fresh temporary folder, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "relais-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// A folder made once per build and shared by the test processes of a ctest run (each test runs in its own
/// process, so a fixture built in a static is otherwise built once per test): `make(dir)` fills
/// <build>/test-fixtures/<name>-<stamp> under an exclusive lock (flock), in a ".partial" folder renamed when
/// complete. The stamp is the relais binary's size and modification time, so a rebuilt binary never reads a
/// fixture an older one made; the name's other stamps are removed. Tests only read it: a test that changes
/// a store copies it first.
inline std::filesystem::path SharedFixtureDir(const std::string& name,
                                              const std::function<void(const std::filesystem::path&)>& make) {
  namespace fs = std::filesystem;
  const fs::path base = fs::path(RELAIS_BINARY_DIR) / "test-fixtures";
  fs::create_directories(base);
  struct stat st {};
  if (::stat(RelaisBin().c_str(), &st) != 0) throw std::runtime_error("cannot stat " + RelaisBin());
  const std::string stamp =
      std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  const fs::path dir = base / (name + "-" + stamp);
  const int lock = ::open((base / (name + ".lock")).c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) throw std::runtime_error("cannot lock the fixture " + name);
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }  // closing releases the flock
  } unlock{lock};
  if (fs::is_directory(dir)) return dir;
  for (const auto& e : fs::directory_iterator(base)) {
    const std::string file = e.path().filename().string();
    if (e.is_directory() && file.rfind(name + "-", 0) == 0) fs::remove_all(e.path());
  }
  const fs::path partial = base / (name + "-" + stamp + ".partial");
  fs::create_directories(partial);
  try {
    make(partial);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(partial, ec);
    throw;
  }
  fs::rename(partial, dir);
  return dir;
}

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

/// Runs a shell command line, capturing stdout and stderr.
inline RunResult Run(const std::string& command_line) {
  TempDir tmp;
  std::string out_path = (tmp.path() / "out").string(), err_path = (tmp.path() / "err").string();
  std::string cmd = command_line + " >" + out_path + " 2>" + err_path;
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& p) {
    std::string s;
    if (FILE* f = std::fopen(p.c_str(), "rb")) {
      std::array<char, 65536> buf;
      std::size_t n;
      while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) s.append(buf.data(), n);
      std::fclose(f);
    }
    return s;
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

}  // namespace relais::testing
