#include "collector/crash_mail_ledger.h"

#include <gtest/gtest.h>

namespace bc::collector {
namespace {

constexpr std::int64_t kStart = 1'800'000'000'000'000;  // the collector's first start (us)
constexpr std::int64_t kSecond = 1'000'000;

TEST(CrashMailLedger, ARecordIsNewUntilMailedWhicheverWayItArrives) {
  CrashMailLedger ledger(kStart);
  EXPECT_EQ(ledger.since("h1"), kStart);
  EXPECT_TRUE(ledger.is_new("h1", "/tmp/crashes/w1/a", kStart + kSecond));
  ledger.mailed("h1", "/tmp/crashes/w1/a", kStart + kSecond);                // the live event
  EXPECT_FALSE(ledger.is_new("h1", "/tmp/crashes/w1/a", kStart + kSecond));  // the listing
  // The same path on another host is another record.
  EXPECT_TRUE(ledger.is_new("h2", "/tmp/crashes/w1/a", kStart + kSecond));
}

TEST(CrashMailLedger, RecordsFromBeforeTheFirstStartAreHistory) {
  CrashMailLedger ledger(kStart);
  EXPECT_FALSE(ledger.is_new("h1", "/tmp/crashes/w1/old", kStart - kSecond));
  // A live report is news whatever its time says (its host's clock may be behind).
  EXPECT_FALSE(ledger.was_mailed("h1", "/tmp/crashes/w1/old"));
  ledger.mailed("h1", "/tmp/crashes/w1/old", kStart - kSecond);
  EXPECT_TRUE(ledger.was_mailed("h1", "/tmp/crashes/w1/old"));
}

TEST(CrashMailLedger, TheMarkTrailsTheNewestListedRecordByTheMargin) {
  CrashMailLedger ledger(kStart);
  const std::int64_t newest = kStart + 600 * kSecond;
  ledger.mailed("h1", "late", newest - kSecond);   // inside the margin: kept
  ledger.mailed("h1", "early", kStart + kSecond);  // behind the new mark: pruned
  ledger.listed("h1", newest);
  EXPECT_EQ(ledger.since("h1"), newest - CrashMailLedger::kMarginUs);
  EXPECT_FALSE(ledger.is_new("h1", "late", newest - kSecond));
  EXPECT_FALSE(ledger.is_new("h1", "early", kStart + kSecond));  // behind the mark
  // A record written late, with an end inside the margin, is still found.
  EXPECT_TRUE(ledger.is_new("h1", "written-late", newest - 2 * kSecond));
  // The mark never goes back.
  ledger.listed("h1", kStart + kSecond);
  EXPECT_EQ(ledger.since("h1"), newest - CrashMailLedger::kMarginUs);
  EXPECT_EQ(ledger.since("h2"), kStart);
}

TEST(CrashMailLedger, SurvivesARestartThroughItsState) {
  CrashMailLedger before(kStart);
  before.mailed("h1", "a", kStart + kSecond);
  before.listed("h2", kStart + 300 * kSecond);
  // A restart: a later clock, the saved state loaded.
  CrashMailLedger after(kStart + 1000 * kSecond);
  after.load(before.to_value());
  EXPECT_EQ(after.since("h1"), kStart);  // the first start's floor, not the restart's
  EXPECT_FALSE(after.is_new("h1", "a", kStart + kSecond));
  EXPECT_TRUE(after.is_new("h1", "b", kStart + 2 * kSecond));
  EXPECT_EQ(after.since("h2"), kStart + 300 * kSecond - CrashMailLedger::kMarginUs);
}

TEST(CrashMailLedger, IgnoresStateItDoesNotRecognise) {
  CrashMailLedger ledger(kStart);
  ledger.load(msg::Value::empty_map()
                  .set("floor", "yesterday")
                  .set("marks", 3)
                  .set("mailed", msg::Value::empty_array().push_back(7)));
  EXPECT_EQ(ledger.since("h1"), kStart);
  EXPECT_TRUE(ledger.is_new("h1", "a", kStart + kSecond));
}

TEST(CrashMailLedger, TheMailedSetIsBounded) {
  CrashMailLedger ledger(kStart);
  for (std::size_t i = 0; i <= CrashMailLedger::kMaxMailed; ++i)
    ledger.mailed("h1", std::to_string(i), kStart + static_cast<std::int64_t>(i) + 1);
  EXPECT_TRUE(ledger.is_new("h1", "0", kStart + 1));  // the oldest went
  EXPECT_FALSE(ledger.is_new("h1", "1", kStart + 2));
  EXPECT_EQ(ledger.to_value().find("mailed")->as_array()->size(), CrashMailLedger::kMaxMailed);
}

}  // namespace
}  // namespace bc::collector
