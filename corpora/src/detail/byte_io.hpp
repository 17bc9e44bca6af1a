// Private to corpora: bytes exchanged between relais processes of one build (a distributed ingest's
// parsed inputs and partition writes, docs/cluster.md): fixed-width native-endian integers,
// length-prefixed strings, doubles by their bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "relais/base/error.hpp"

namespace relais::corpora::detail {

/// Appends values to a byte vector.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::byte>& bytes) : bytes_(bytes) {}
  void U64(std::uint64_t v) { Raw(&v, sizeof v); }
  void I64(std::int64_t v) { Raw(&v, sizeof v); }
  void U8(std::uint8_t v) { Raw(&v, 1); }
  void F64(double v) { Raw(&v, sizeof v); }
  void Str(std::string_view s) {
    U64(s.size());
    Raw(s.data(), s.size());
  }
  void Strs(std::span<const std::string> v) {
    U64(v.size());
    for (const auto& s : v) Str(s);
  }

 private:
  void Raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::byte*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
  }
  std::vector<std::byte>& bytes_;
};

/// Reads them back in the same order; throws relais::Error (kInternal) past the end.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  std::uint64_t U64() { return Fixed<std::uint64_t>(); }
  std::int64_t I64() { return Fixed<std::int64_t>(); }
  std::uint8_t U8() { return Fixed<std::uint8_t>(); }
  double F64() { return Fixed<double>(); }
  std::string Str() {
    const std::uint64_t n = U64();
    Need(n);
    std::string s(reinterpret_cast<const char*>(bytes_.data() + at_), n);
    at_ += n;
    return s;
  }
  std::vector<std::string> Strs() {
    std::vector<std::string> v(Count());
    for (auto& s : v) s = Str();
    return v;
  }
  /// A count of elements, each at least one byte long (so a corrupt count cannot allocate wildly).
  std::size_t Count() {
    const std::uint64_t n = U64();
    Need(n);
    return n;
  }
  /// The next n bytes, as they are (a view into the buffer read).
  std::span<const std::byte> Bytes(std::size_t n) {
    Need(n);
    const auto view = bytes_.subspan(at_, n);
    at_ += n;
    return view;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  template <typename T>
  T Fixed() {
    Need(sizeof(T));
    T v;
    std::memcpy(&v, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return v;
  }
  void Need(std::uint64_t n) const {
    if (n > bytes_.size() - at_)
      throw Error(ErrorKind::kInternal, "relais bytes: truncated (a message between relais processes)");
  }
  std::span<const std::byte> bytes_;
  std::size_t at_ = 0;
};

}  // namespace relais::corpora::detail
