// StringArena: copies that stay valid and equal to what was added, across chunks and oversized strings.
#include "relais/base/string_arena.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace relais {
namespace {

TEST(StringArena, ViewsStayValidAcrossChunksAndOversizedStrings) {
  StringArena arena(64);  // tiny chunks: most strings open a new one, some are larger than a chunk
  std::mt19937 rng(3);
  std::vector<std::string> added;
  std::vector<std::string_view> views;
  std::size_t total = 0;
  for (int k = 0; k < 2000; ++k) {
    std::string s(rng() % 150, 'a');
    for (char& c : s) c = static_cast<char>('a' + rng() % 26);
    added.push_back(s);
    views.push_back(arena.Add(s));
    total += s.size();
  }
  for (std::size_t k = 0; k < added.size(); ++k) EXPECT_EQ(views[k], added[k]) << k;
  EXPECT_EQ(arena.bytes(), total);
  EXPECT_TRUE(arena.Add("").empty());
}

TEST(StringArena, SmallStringsShareAChunk) {
  StringArena arena(1024);
  const std::string_view a = arena.Add("Var-Matin"), b = arena.Add("La Provence");
  EXPECT_EQ(b.data(), a.data() + a.size());  // packed, not one heap block each
}

}  // namespace
}  // namespace relais
