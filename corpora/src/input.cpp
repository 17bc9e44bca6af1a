// Placeholder input layer (replaced by the real one: gz/zst, sniffing, encodings).
#include "relais/corpora/input.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "relais/base/error.hpp"

namespace relais::corpora {
namespace fs = std::filesystem;

std::vector<fs::path> ListInputFiles(const std::vector<std::string>& paths) {
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    if (fs::is_directory(p)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else if (fs::exists(p)) {
      out.emplace_back(p);
    } else {
      throw Error(ErrorKind::kData, "no such input: " + p);
    }
  }
  return out;
}

namespace {
class FileStream final : public InputStream {
 public:
  explicit FileStream(const fs::path& p) : in_(p, std::ios::binary) {
    if (!in_) throw Error(ErrorKind::kIo, "cannot open " + p.string());
  }
  std::size_t Read(char* buf, std::size_t n) override {
    in_.read(buf, static_cast<std::streamsize>(n));
    return static_cast<std::size_t>(in_.gcount());
  }

 private:
  std::ifstream in_;
};
}  // namespace

std::unique_ptr<InputStream> OpenInput(const fs::path& path) { return std::make_unique<FileStream>(path); }

std::string ReadAll(const fs::path& path) {
  auto in = OpenInput(path);
  std::string s;
  char buf[65536];
  std::size_t n;
  while ((n = in->Read(buf, sizeof buf)) > 0) s.append(buf, n);
  return s;
}

std::optional<Format> SniffFormat(const fs::path&, std::string_view) { return std::nullopt; }

std::string DecodeToUtf8(std::string_view bytes, std::string_view, std::string* detected) {
  if (detected) *detected = "utf-8";
  return std::string(bytes);
}

bool IsValidUtf8(std::string_view, std::size_t*) { return true; }

}  // namespace relais::corpora
