// Inputs the fuzzers found or that stress the readers' scanners: every reader must finish on them
// and give records or diagnostics, never hang or crash.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "relais/corpora/input.hpp"
#include "relais/corpora/reader.hpp"

namespace relais::corpora {
namespace {

TEST(FuzzRegression, StrayClosersAndGarbageEndEveryReader) {
  const std::vector<std::string> inputs = {"}",    "]",       "[}",   "{]",
                                           ",}",   "}\n}\n",  "[1,}", "var x = }",
                                           "\xff", "{\"a\":", "[[[[", "window.YTD.tweets.part0 = [}]"};
  for (Format f : AllFormats()) {
    auto reader = MakeReader(f, ReadOptions{});
    for (const auto& in : inputs) {
      std::vector<RecordOutcome> out;
      try {
        reader->ParseDocument(in, "fuzz", out);
      } catch (const Error&) {
        // A typed error for the whole document is an accepted outcome.
      }
      EXPECT_LE(out.size(), in.size() + 1) << ToString(f) << " on \"" << in << "\"";
    }
  }
}

}  // namespace
}  // namespace relais::corpora
