// Tests for time parsing and formatting.
#include "relais/base/time.hpp"

#include <gtest/gtest.h>

namespace relais {
namespace {

TEST(Time, Iso8601Forms) {
  const TimeMs ban = 1610148060000;  // 2021-01-08T23:21:00Z
  EXPECT_EQ(ParseIso8601("2021-01-08T23:21Z"), ban);
  EXPECT_EQ(ParseIso8601("2021-01-08T23:21:00Z"), ban);
  EXPECT_EQ(ParseIso8601("2021-01-09T00:21:00+01:00"), ban);
  EXPECT_EQ(ParseIso8601("2021-01-08 23:21:00"), ban);
  EXPECT_EQ(ParseIso8601("2021-01-08T23:21:00.250Z"), ban + 250);
  EXPECT_EQ(ParseIso8601("2021-01-08"), 1610064000000);
  EXPECT_FALSE(ParseIso8601("2021-02-31"));
  EXPECT_FALSE(ParseIso8601("yesterday"));
}

TEST(Time, TwitterAndRfc822) {
  EXPECT_EQ(ParseTwitterDate("Fri Jan 08 23:21:00 +0000 2021"), 1610148060000);
  EXPECT_EQ(ParseRfc822("Sat, 09 Jan 2021 00:21:00 +0100"), 1610148060000);
  EXPECT_EQ(ParseRfc822("Fri, 08 Jan 2021 23:21:00 GMT"), 1610148060000);
  EXPECT_FALSE(ParseTwitterDate("2021-01-08"));
}

TEST(Time, StrftimeSubset) {
  EXPECT_EQ(ParseWithFormat("08/01/2021", "%d/%m/%Y"), 1610064000000);
  EXPECT_EQ(ParseWithFormat("8 janv. 2021 23:21", "%d %b %Y %H:%M"), 1610148060000);
  EXPECT_FALSE(ParseWithFormat("31/02/2022", "%d/%m/%Y"));
}

TEST(Time, FormatRoundTrip) {
  EXPECT_EQ(FormatIso8601(1610148060000), "2021-01-08T23:21:00Z");
  EXPECT_EQ(FormatIso8601(1610148060123), "2021-01-08T23:21:00.123Z");
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
}

TEST(Time, Durations) {
  EXPECT_EQ(ParseDuration("15m"), 15 * 60000);
  EXPECT_EQ(ParseDuration("12h"), 12 * 3600000);
  EXPECT_EQ(ParseDuration("30d"), 30LL * 86400000);
  EXPECT_EQ(ParseDuration("500ms"), 500);
  EXPECT_FALSE(ParseDuration("abc"));
  EXPECT_FALSE(ParseDuration("5y"));
}

}  // namespace
}  // namespace relais
