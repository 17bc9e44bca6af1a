// JsonWriter: compact JSON to a stream through a small buffer, scalars printed by nlohmann's serializer.
#include "relais/base/json_writer.hpp"

#include <exception>
#include <ostream>
#include <string>

#include "relais/base/error.hpp"

namespace relais {

// Where the serializer and the writer put their characters: a buffer written to the stream whenever it
// holds kFlushAt bytes, so a large value given to Value() never lies whole in memory as text.
class JsonWriter::Sink final : public nlohmann::detail::output_adapter_protocol<char> {
 public:
  explicit Sink(std::ostream& out) : out_(out) { buffer_.reserve(kFlushAt + 1024); }

  void write_character(char c) override {
    buffer_.push_back(c);
    if (buffer_.size() >= kFlushAt) Flush();
  }
  void write_characters(const char* s, std::size_t length) override {
    buffer_.append(s, length);
    if (buffer_.size() >= kFlushAt) Flush();
  }
  void Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  static constexpr std::size_t kFlushAt = std::size_t{1} << 16;
  std::ostream& out_;
  std::string buffer_;
};

JsonWriter::JsonWriter(std::ostream& out, nlohmann::json::error_handler_t invalid_utf8)
    : sink_(std::make_shared<Sink>(out)),
      serializer_(sink_, ' ', invalid_utf8),
      exceptions_at_start_(std::uncaught_exceptions()) {}

JsonWriter::~JsonWriter() {
  if (std::uncaught_exceptions() == exceptions_at_start_) sink_->Flush();
}

void JsonWriter::BeforeValue() {
  if (scopes_.empty()) {
    RELAIS_ASSERT(first_, "JsonWriter: a second top-level value");
  } else if (scopes_.back() == Scope::kObject) {
    RELAIS_ASSERT(after_key_, "JsonWriter: a value in an object without its key");
  } else if (!first_) {
    sink_->write_character(',');
  }
  first_ = false;
  after_key_ = false;
}

void JsonWriter::BeginObject() {
  BeforeValue();
  sink_->write_character('{');
  scopes_.push_back(Scope::kObject);
  first_ = true;
}

void JsonWriter::BeginArray() {
  BeforeValue();
  sink_->write_character('[');
  scopes_.push_back(Scope::kArray);
  first_ = true;
}

void JsonWriter::End(Scope scope, char close) {
  RELAIS_ASSERT(!scopes_.empty() && scopes_.back() == scope && !after_key_, "JsonWriter: unbalanced End");
  sink_->write_character(close);
  scopes_.pop_back();
  first_ = false;
}

void JsonWriter::EndObject() { End(Scope::kObject, '}'); }

void JsonWriter::EndArray() { End(Scope::kArray, ']'); }

void JsonWriter::Key(std::string_view key) {
  RELAIS_ASSERT(!scopes_.empty() && scopes_.back() == Scope::kObject && !after_key_,
                "JsonWriter: a key outside an object or after another key");
  if (!first_) sink_->write_character(',');
  serializer_.dump(nlohmann::json(key), false, false, 0);
  sink_->write_character(':');
  first_ = false;
  after_key_ = true;
}

void JsonWriter::Value(const nlohmann::json& value) {
  BeforeValue();
  serializer_.dump(value, false, false, 0);
}

void JsonWriter::Members(const nlohmann::json& object) {
  RELAIS_ASSERT(object.is_object(), "JsonWriter::Members: not an object");
  for (const auto& [key, value] : object.items()) Member(key, value);
}

void JsonWriter::MembersWith(const nlohmann::json& object, std::string_view key,
                             const std::function<void()>& write_value) {
  RELAIS_ASSERT(object.is_object() && !object.contains(key), "JsonWriter::MembersWith: not an object without the key");
  bool written = false;
  for (const auto& [k, value] : object.items()) {
    if (!written && std::string_view(k) > key) {
      Key(key);
      write_value();
      written = true;
    }
    Member(k, value);
  }
  if (!written) {
    Key(key);
    write_value();
  }
}

void JsonWriter::Flush() { sink_->Flush(); }

}  // namespace relais
