// DiskWatch: an alarm only when a disk crosses MinDiskSpace, in either direction.

#include "collector/disk_watch.h"

#include <cmath>

#include <gtest/gtest.h>

namespace bc::collector {
namespace {

TEST(DiskWatch, ReportsTransitionsOnly) {
  DiskWatch w(5);
  EXPECT_FALSE(w.observe("h1", "/", 50));
  EXPECT_FALSE(w.observe("h1", "/", 20));
  auto low = w.observe("h1", "/", 4.5);
  ASSERT_TRUE(low);
  EXPECT_EQ(low->host, "h1");
  EXPECT_EQ(low->path, "/");
  EXPECT_DOUBLE_EQ(low->avail_pct, 4.5);
  EXPECT_TRUE(low->low);
  EXPECT_TRUE(w.is_low("h1", "/"));
  EXPECT_FALSE(w.observe("h1", "/", 4.0));  // still low: no second mail
  EXPECT_FALSE(w.observe("h1", "/", 3.0));
  auto back = w.observe("h1", "/", 30);
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->low);
  EXPECT_DOUBLE_EQ(back->avail_pct, 30);
  EXPECT_FALSE(w.is_low("h1", "/"));
  EXPECT_FALSE(w.observe("h1", "/", 40));
  EXPECT_TRUE(w.observe("h1", "/", 1));  // low again: a new transition
}

TEST(DiskWatch, FirstSampleLowIsAnAlarmFirstSampleFineIsNot) {
  DiskWatch w(10);
  auto a = w.observe("h1", "/data", 2);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->low);
  EXPECT_FALSE(w.observe("h2", "/data", 80));
}

TEST(DiskWatch, ThresholdIsExclusiveAndRecoveryNeedsTheMargin) {
  DiskWatch w(5);
  EXPECT_FALSE(w.observe("h", "/", 5.0));  // exactly MinDiskSpace is not below it
  ASSERT_TRUE(w.observe("h", "/", 4.99));
  // Hovering around the threshold does not flap.
  EXPECT_FALSE(w.observe("h", "/", 5.01));
  EXPECT_FALSE(w.observe("h", "/", 4.98));
  EXPECT_FALSE(w.observe("h", "/", 5.5));
  EXPECT_TRUE(w.is_low("h", "/"));
  auto back = w.observe("h", "/", 5.0 + DiskWatch::kRecoverMargin);
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->low);
}

TEST(DiskWatch, DisksAreIndependentPerHostAndPath) {
  DiskWatch w(5);
  ASSERT_TRUE(w.observe("h1", "/", 1));
  ASSERT_TRUE(w.observe("h1", "/var", 1));
  ASSERT_TRUE(w.observe("h2", "/", 1));
  EXPECT_FALSE(w.observe("h1", "/", 1));
  EXPECT_FALSE(w.observe("h2", "/", 1));
  auto back = w.observe("h1", "/var", 50);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->path, "/var");
  EXPECT_TRUE(w.is_low("h1", "/"));
  EXPECT_TRUE(w.is_low("h2", "/"));
}

TEST(DiskWatch, ZeroMinDiskSpaceDisablesTheCheck) {
  DiskWatch w(0);
  EXPECT_FALSE(w.observe("h", "/", 0));
  EXPECT_FALSE(w.observe("h", "/", 0.001));
  EXPECT_FALSE(w.is_low("h", "/"));
}

TEST(DiskWatch, InvalidPercentagesAreIgnored) {
  DiskWatch w(5);
  EXPECT_FALSE(w.observe("h", "/", std::nan("")));
  EXPECT_FALSE(w.observe("h", "/", -1));
  ASSERT_TRUE(w.observe("h", "/", 1));
  EXPECT_FALSE(w.observe("h", "/", std::nan("")));  // no false recovery either
  EXPECT_TRUE(w.is_low("h", "/"));
}

TEST(DiskWatch, ForgetHostStartsItsDisksAfresh) {
  DiskWatch w(5);
  ASSERT_TRUE(w.observe("h1", "/", 1));
  ASSERT_TRUE(w.observe("h2", "/", 1));
  w.forget_host("h1");
  EXPECT_FALSE(w.is_low("h1", "/"));
  EXPECT_TRUE(w.is_low("h2", "/"));
  EXPECT_TRUE(w.observe("h1", "/", 1));  // seen low again: alarmed again
}

}  // namespace
}  // namespace bc::collector
