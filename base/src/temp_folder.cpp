#include "relais/base/temp_folder.hpp"

#include <cstdlib>

#include "relais/base/error.hpp"

namespace relais {

TempFolder::TempFolder(std::string_view purpose) {
  std::error_code ec;
  const std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);
  std::string tmpl = (tmp / ("relais-" + std::string(purpose) + "-XXXXXX")).string();
  if (ec || ::mkdtemp(tmpl.data()) == nullptr) {
    const char* env = std::getenv("TMPDIR");
    throw Error(ErrorKind::kData, std::string(purpose) + ": cannot create a temporary folder in " +
                                      (ec ? (env ? env : "$TMPDIR") : tmp.string()) + " (set TMPDIR)");
  }
  dir_ = tmpl;
}

TempFolder::~TempFolder() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TempFolder::Path(std::string_view name, std::size_t k) const {
  return (dir_ / (std::string(name) + "-" + std::to_string(k))).string();
}

}  // namespace relais
