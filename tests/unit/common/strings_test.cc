#include "common/strings.h"

#include "common/log_throttle.h"

#include <gtest/gtest.h>

namespace bc {
namespace {

TEST(Strings, Trim) {
  EXPECT_EQ(trim("  a b \t\n"), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("   "), "");
}

TEST(Strings, CaseInsensitive) {
  EXPECT_TRUE(iequals("SitePolicyPath", "sitepolicypath"));
  EXPECT_FALSE(iequals("a", "ab"));
  EXPECT_TRUE(starts_with_icase("Workers", "work"));
}

TEST(Strings, SplitTrimmedDropsEmptyPieces) {
  auto parts = split_trimmed(" a, b ,,c ", ",");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "a");
  EXPECT_EQ(parts[2], "c");
  EXPECT_EQ(join(parts, "|"), "a|b|c");
}

TEST(Strings, PrintableCapsAndEscapes) {
  EXPECT_EQ(printable("status"), "status");
  EXPECT_EQ(printable("a\nb\\c\x01\xff"), "a\\x0ab\\\\c\\x01\\xff");
  const std::string huge(8u << 20, 'A');
  const std::string shown = printable(huge);
  EXPECT_LT(shown.size(), 120u);
  // Appended to a named string: GCC 12 at -O2 with the shared precompiled header warns
  // (-Warray-bounds, a false positive) on `std::string(n, c) + "..."` here.
  std::string expected(kPrintableMax, 'A');
  expected.append("...(8388608 bytes)");
  EXPECT_EQ(shown, expected);
  // The cap counts input bytes, so escaping cannot grow a line past 4x the cap.
  EXPECT_LE(printable(std::string(1000, '\n'), 10).size(), 40u + 20u);
}

TEST(LogThrottle, AllowsABurstPerPeriodAndCountsTheRest) {
  LogThrottle throttle(3, std::chrono::seconds(10));
  LogThrottle::TimePoint t{};
  t += std::chrono::hours(1);
  std::uint64_t left_out = 99;
  int written = 0;
  for (int i = 0; i < 1000; ++i)
    written += throttle.allow(t, left_out) ? 1 : 0;
  EXPECT_EQ(written, 3);
  EXPECT_EQ(left_out, 0u);
  EXPECT_TRUE(throttle.allow(t + std::chrono::seconds(10), left_out));
  EXPECT_EQ(left_out, 997u);  // the first line of the next period says what was left out
}

}  // namespace
}  // namespace bc
