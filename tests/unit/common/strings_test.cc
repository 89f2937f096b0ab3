#include "common/strings.h"

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

}  // namespace
}  // namespace bc
