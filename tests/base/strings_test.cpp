#include "relais/base/strings.hpp"

#include <gtest/gtest.h>

namespace relais {
namespace {

TEST(Strings, TrimDropsAsciiWhitespaceAtBothEnds) {
  EXPECT_EQ(Trim(" \t@Var-Matin\r\n"), "@Var-Matin");
  EXPECT_EQ(Trim("a b"), "a b");
  EXPECT_EQ(Trim(" \f\v "), "");
  EXPECT_EQ(Trim("\xC2\xA0x"), "\xC2\xA0x");  // a no-break space is not ASCII whitespace
}

TEST(Strings, ToLowerAsciiLeavesOtherBytesAlone) {
  EXPECT_EQ(ToLowerAscii("VarMatin.COM"), "varmatin.com");
  EXPECT_EQ(ToLowerAscii("ÉTÉ Été"), "ÉtÉ Été");  // ASCII T lowered, UTF-8 É bytes unchanged
}

}  // namespace
}  // namespace relais
