// Writing one large JSON value to a stream as it is produced, byte for byte as nlohmann::json::dump()
// would print the same value, for outputs that scale with the store (flows --by actor): no tree of the
// whole value and no dumped string of it are ever held, only a small buffer.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace relais {

/// Compact output (dump() with no indent). Scalars and the values given to Value() are printed by
/// nlohmann's own serializer (number formatting, NaN and infinities as null, escaping, invalid UTF-8
/// handled by the error handler as dump() does); the writer adds the brackets, commas and colons.
/// nlohmann::json keeps an object's keys sorted, so to match a tree's dump() the caller writes an
/// object's keys in increasing byte order. Misuse (a key outside an object, a value where a key is
/// due, an unbalanced End) throws Error(kInternal).
class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out,
                      nlohmann::json::error_handler_t invalid_utf8 = nlohmann::json::error_handler_t::strict);
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;
  /// Flushes what is buffered (errors are left to the stream's state) unless an exception is unwinding
  /// the writer: an output that fails before its first 64 KiB prints nothing, as a dump() would.
  ~JsonWriter();

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  /// The next member's key; its value follows (Value, Begin…).
  void Key(std::string_view key);
  /// A whole value (a scalar or a small tree such as one row of a table).
  void Value(const nlohmann::json& value);
  void Member(std::string_view key, const nlohmann::json& value) {
    Key(key);
    Value(value);
  }
  /// Each member of `object` in the object being written, in the object's (sorted) order.
  void Members(const nlohmann::json& object);
  /// The same with one more member, `key` (not in `object`), at its sorted place: the key is written,
  /// then `write_value` writes its value (a large array, say, element by element).
  void MembersWith(const nlohmann::json& object, std::string_view key, const std::function<void()>& write_value);
  /// Writes out what is buffered.
  void Flush();

 private:
  class Sink;
  enum class Scope : unsigned char { kArray, kObject };
  void BeforeValue();
  void End(Scope scope, char close);

  std::shared_ptr<Sink> sink_;
  nlohmann::detail::serializer<nlohmann::json> serializer_;
  std::vector<Scope> scopes_;
  bool first_ = true;       // nothing written yet in the innermost scope
  bool after_key_ = false;  // a key was written, its value is due
  int exceptions_at_start_;
};

}  // namespace relais
