// IndexTable against std::unordered_map: the same answers for many keys, under collisions and growth.
#include "relais/base/index_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace relais {
namespace {

// Keys stored in a vector, indexed by the table; `hash` may be degraded to force collisions.
struct KeyedRows {
  std::vector<std::string> keys;
  IndexTable table;
  std::size_t (*hash)(const std::string&);

  std::pair<std::uint32_t, bool> Add(const std::string& key) {
    const auto [element, added] = table.FindOrAdd(
        hash(key), [&](std::uint32_t e) { return keys[e] == key; }, static_cast<std::uint32_t>(keys.size()),
        [&](std::uint32_t e) { return hash(keys[e]); });
    if (added) keys.push_back(key);
    return {element, added};
  }
  std::optional<std::uint32_t> Find(const std::string& key) const {
    return table.Find(hash(key), [&](std::uint32_t e) { return keys[e] == key; });
  }
};

std::size_t GoodHash(const std::string& s) { return std::hash<std::string>{}(s); }
std::size_t EightBuckets(const std::string& s) { return std::hash<std::string>{}(s) % 8; }

void CheckAgainstAMap(std::size_t (*hash)(const std::string&), int keys) {
  KeyedRows rows{{}, {}, hash};
  std::unordered_map<std::string, std::uint32_t> reference;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick(0, keys * 2);
  for (int n = 0; n < keys * 3; ++n) {  // about a third of the adds repeat a key
    const std::string key = "k" + std::to_string(pick(rng));
    const auto [it, added] = reference.try_emplace(key, static_cast<std::uint32_t>(reference.size()));
    const auto got = rows.Add(key);
    ASSERT_EQ(got.second, added) << key;
    ASSERT_EQ(got.first, it->second) << key;
  }
  EXPECT_EQ(rows.table.size(), reference.size());
  for (int k = 0; k <= keys * 2 + 10; ++k) {
    const std::string key = "k" + std::to_string(k);
    const auto want = reference.find(key);
    const auto got = rows.Find(key);
    ASSERT_EQ(got.has_value(), want != reference.end()) << key;
    if (got) {
      EXPECT_EQ(*got, want->second) << key;
    }
  }
  // At most half full, in slots of 4 bytes.
  EXPECT_LE(rows.table.size() * 2 * sizeof(std::uint32_t), rows.table.bytes());
  EXPECT_LE(rows.table.bytes(), std::max<std::size_t>(64, rows.table.size() * 4 * sizeof(std::uint32_t) + 4));
}

TEST(IndexTable, AnswersLikeAnUnorderedMapThroughGrowth) { CheckAgainstAMap(GoodHash, 100000); }

TEST(IndexTable, StaysCorrectWhenEveryKeyFallsInEightHashes) { CheckAgainstAMap(EightBuckets, 2000); }

TEST(IndexTable, AnEmptyTableFindsNothing) {
  const IndexTable table;
  EXPECT_FALSE(table.Find(42, [](std::uint32_t) { return true; }).has_value());
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.bytes(), 0u);
}

}  // namespace
}  // namespace relais
