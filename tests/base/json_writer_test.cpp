// Tests for JsonWriter: streamed output byte-identical to nlohmann::json::dump() of the same value.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "relais/base/error.hpp"
#include "relais/base/json_writer.hpp"

namespace relais {
namespace {

// Writes `j` through the writer's structure calls (objects and arrays opened and closed by the writer,
// scalars through Value), as a large output is written.
void WriteStructurally(JsonWriter& w, const nlohmann::json& j) {
  if (j.is_object()) {
    w.BeginObject();
    for (const auto& [key, value] : j.items()) {
      w.Key(key);
      WriteStructurally(w, value);
    }
    w.EndObject();
  } else if (j.is_array()) {
    w.BeginArray();
    for (const auto& value : j) WriteStructurally(w, value);
    w.EndArray();
  } else {
    w.Value(j);
  }
}

std::string Streamed(const nlohmann::json& j) {
  std::ostringstream os;
  {
    JsonWriter w(os);
    WriteStructurally(w, j);
  }
  return os.str();
}

TEST(JsonWriter, ScalarsAsNlohmannDumpsThem) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (const nlohmann::json& j :
       {nlohmann::json(0.1), nlohmann::json(1.0), nlohmann::json(-0.0), nlohmann::json(0.0), nlohmann::json(1e-5),
        nlohmann::json(1.5e300), nlohmann::json(123456789012345678.0), nlohmann::json(1.0 / 3), nlohmann::json(2.5e-7),
        nlohmann::json(nan), nlohmann::json(-inf), nlohmann::json(std::int64_t{-9007199254740993}),
        nlohmann::json(std::numeric_limits<std::int64_t>::min()),
        nlohmann::json(std::numeric_limits<std::uint64_t>::max()), nlohmann::json(0), nlohmann::json(true),
        nlohmann::json(nullptr)})
    EXPECT_EQ(Streamed(j), j.dump()) << j.dump();
  // The policy the outputs had: NaN and infinities print as null, negative zero keeps its sign.
  EXPECT_EQ(Streamed(nlohmann::json(nan)), "null");
  EXPECT_EQ(Streamed(nlohmann::json(-0.0)), "-0.0");
  EXPECT_EQ(Streamed(nlohmann::json(0.1)), "0.1");
}

TEST(JsonWriter, StringsEscapedAsNlohmannDoes) {
  const std::string controls("a\0b\x01\x1f\x7f\b\f\n\r\t", 11);
  for (const std::string& s : {std::string("plain"), std::string(R"(quote " and \ backslash /)"), controls,
                               std::string("Provence-Alpes-Côte d’Azur 🇫🇷"), std::string()}) {
    const nlohmann::json j = s;
    EXPECT_EQ(Streamed(j), j.dump()) << j.dump();
  }
  EXPECT_EQ(Streamed(nlohmann::json(controls)), R"("a\u0000b\u0001\u001f)"
                                                "\x7f"
                                                R"(\b\f\n\r\t")");
}

TEST(JsonWriter, KeysEscapedLikeStrings) {
  const nlohmann::json j = {{"a\"b", 1}, {"\n", 2}, {"é", 3}};
  EXPECT_EQ(Streamed(j), j.dump());
}

TEST(JsonWriter, InvalidUtf8FollowsTheErrorHandler) {
  const std::string bad = "ab\xff";
  EXPECT_THROW(Streamed(nlohmann::json(bad)), nlohmann::json::type_error);
  std::ostringstream os;
  {
    JsonWriter w(os, nlohmann::json::error_handler_t::replace);
    w.Value(bad);
  }
  EXPECT_EQ(os.str(), nlohmann::json(bad).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

TEST(JsonWriter, NestedContainersAndEmptyOnes) {
  const nlohmann::json j = nlohmann::json::parse(R"({
    "by": "actor", "empty_object": {}, "empty_array": [], "layers": ["quote", "retweet"],
    "windows": [{"cells": [{"count": 3, "share": 0.25, "median_latency_s": null},
                           {"count": 1, "share": 0.75, "median_latency_s": 12.5}],
                 "from": null, "groups": [], "total": 4},
                [[], [{}], [1, [2, [3]]]]]})");
  EXPECT_EQ(Streamed(j), j.dump());
}

TEST(JsonWriter, ValueAndMembersWriteSubtreesInPlace) {
  const nlohmann::json row = {{"source", "a"}, {"target", "b"}, {"count", 2}};
  const nlohmann::json header = {{"name", "all"}, {"total", 2}};
  std::ostringstream os;
  {
    JsonWriter w(os);
    w.BeginObject();
    w.Key("cells");
    w.BeginArray();
    w.Value(row);
    w.Value(row);
    w.EndArray();
    w.Members(header);
    w.Member("ranks", 1);
    w.EndObject();
  }
  nlohmann::json expected = header;
  expected["cells"] = {row, row};
  std::string dumped = expected.dump();
  dumped.insert(dumped.size() - 1, ",\"ranks\":1");
  EXPECT_EQ(os.str(), dumped);
}

TEST(JsonWriter, MembersWithPutsTheStreamedMemberAtItsSortedPlace) {
  const nlohmann::json object = {{"b", 1}, {"d", nlohmann::json::array({2, 3})}};
  for (const std::string key : {"a", "c", "e", "b0"}) {
    std::ostringstream os;
    {
      JsonWriter w(os);
      w.BeginObject();
      w.MembersWith(object, key, [&] {
        w.BeginArray();
        w.Value("x");
        w.Value(4.5);
        w.EndArray();
      });
      w.EndObject();
    }
    nlohmann::json expected = object;
    expected[key] = {"x", 4.5};
    EXPECT_EQ(os.str(), expected.dump()) << key;
  }
  std::ostringstream os;
  JsonWriter w(os);
  w.BeginObject();
  EXPECT_THROW(w.MembersWith(object, "b", [] {}), Error);
}

TEST(JsonWriter, LargeValuesPassThroughTheBufferWhole) {
  nlohmann::json j = nlohmann::json::array();
  for (int i = 0; i < 20000; ++i) j.push_back({{"i", i}, {"x", i / 7.0}, {"s", std::string(i % 13, 'z')}});
  EXPECT_EQ(Streamed(j), j.dump());
  std::ostringstream os;
  {
    JsonWriter w(os);
    w.Value(j);
  }
  EXPECT_EQ(os.str(), j.dump());
}

TEST(JsonWriter, MisuseIsAnInternalError) {
  std::ostringstream os;
  JsonWriter w(os);
  EXPECT_THROW(w.Key("k"), Error);
  EXPECT_THROW(w.EndObject(), Error);
  w.BeginObject();
  EXPECT_THROW(w.Value(1), Error);
  EXPECT_THROW(w.EndArray(), Error);
  w.Key("k");
  EXPECT_THROW(w.Key("l"), Error);
  EXPECT_THROW(w.EndObject(), Error);
  w.Value(1);
  w.EndObject();
  EXPECT_THROW(w.Value(2), Error);
  w.Flush();
  EXPECT_EQ(os.str(), R"({"k":1})");
}

}  // namespace
}  // namespace relais
