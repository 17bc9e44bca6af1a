// Typed errors carrying an input position; the CLI maps ErrorKind to exit codes.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace relais {

/// Where in relais's code an error was raised (SourceLocation is not usable with
/// clang-14 + libstdc++-12, which the fuzzers need, so the builtins are used directly).
struct SourceLocation {
  const char* file = "";
  unsigned line = 0;
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          unsigned line = __builtin_LINE()) noexcept {
    return SourceLocation{file, line};
  }
};

/// A position in an input file. 1-based; 0 means unknown.
struct InputPos {
  std::string file;
  std::uint64_t line = 0;
  std::uint32_t column = 0;

  /// "file:line:column" with the unknown parts left out.
  std::string ToString() const;
};

enum class ErrorKind : std::uint8_t {
  kIo,               // a file cannot be read or written (exit 3)
  kParse,            // input does not parse (exit 3)
  kEncoding,         // input is not valid text in the expected encoding (exit 3)
  kSchema,           // input parses but lacks what is required (exit 3)
  kData,             // other data errors: missing store, unrecognised format (exit 3)
  kInvalidArgument,  // the user asked for something impossible (exit 2)
  kGraph,            // a graph library failed (exit 1)
  kInternal,         // a bug (exit 1)
};

/// Exit code for the CLI contract: 0 ok, 1 internal, 2 usage, 3 data.
int ExitCodeFor(ErrorKind kind) noexcept;

/// The one exception type relais throws. what() is "file:line:col: message".
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, InputPos pos, const std::string& message, SourceLocation where = SourceLocation::current());
  Error(ErrorKind kind, const std::string& message, SourceLocation where = SourceLocation::current());

  ErrorKind kind() const noexcept { return kind_; }
  const InputPos& pos() const noexcept { return pos_; }
  const SourceLocation& where() const noexcept { return where_; }

 private:
  ErrorKind kind_;
  InputPos pos_;
  SourceLocation where_;
};

/// Expected, per-record problems are values, not exceptions.
struct Diagnostic {
  ErrorKind kind = ErrorKind::kParse;
  InputPos pos;
  std::string reason;   // short stable code, e.g. "invalid-json", "invalid-utf8", "missing-field"
  std::string message;  // human detail: field, bad value, expectation
  std::string excerpt;  // first bytes of the offending record (valid UTF-8, escaped if needed)
};

[[noreturn]] void ThrowInvalidArgument(const std::string& message);
[[noreturn]] void ThrowDataError(const std::string& message);

#define RELAIS_ASSERT(cond, msg)                                                                                   \
  do {                                                                                                             \
    if (!(cond)) throw ::relais::Error(::relais::ErrorKind::kInternal, std::string("assertion failed: ") + (msg)); \
  } while (0)

}  // namespace relais
