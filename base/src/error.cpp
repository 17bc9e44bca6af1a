// Error formatting and the exit-code table of DESIGN.md's CLI contract.
#include "relais/base/error.hpp"

namespace relais {

std::string InputPos::ToString() const {
  std::string s = file;
  if (line) s += ":" + std::to_string(line);
  if (line && column) s += ":" + std::to_string(column);
  return s;
}

int ExitCodeFor(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kIo:
    case ErrorKind::kParse:
    case ErrorKind::kEncoding:
    case ErrorKind::kSchema:
    case ErrorKind::kData:
      return 3;
    case ErrorKind::kInvalidArgument:
      return 2;
    case ErrorKind::kGraph:
    case ErrorKind::kInternal:
      return 1;
  }
  return 1;
}

namespace {
std::string Compose(const InputPos& pos, const std::string& message) {
  std::string where = pos.ToString();
  return where.empty() ? message : where + ": " + message;
}
}  // namespace

Error::Error(ErrorKind kind, InputPos pos, const std::string& message, SourceLocation where)
    : std::runtime_error(Compose(pos, message)), kind_(kind), pos_(std::move(pos)), where_(where) {}

Error::Error(ErrorKind kind, const std::string& message, SourceLocation where)
    : std::runtime_error(message), kind_(kind), where_(where) {}

void ThrowInvalidArgument(const std::string& message) { throw Error(ErrorKind::kInvalidArgument, message); }
void ThrowDataError(const std::string& message) { throw Error(ErrorKind::kData, message); }

}  // namespace relais
