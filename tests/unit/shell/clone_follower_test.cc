// The tap's Clone-pattern bookkeeping: what a snapshot already reflects is dropped, the
// rest applied, and gaps are told per publisher (host, origin).

#include "messages/clone_follower.h"

#include <gtest/gtest.h>

namespace bc::msg {
namespace {

constexpr std::int64_t kAsOf = 1'800'000'000'000'000;

TEST(CloneFollower, EventsTheSnapshotReflectsAreDroppedNewerOnesApplied) {
  CloneFollower f(true);
  f.snapshot("h1", 10, kAsOf);
  EXPECT_FALSE(f.admit("h1", "supervisor", 9, kAsOf - 5).apply);
  EXPECT_FALSE(f.admit("h1", "supervisor", 10, kAsOf - 1).apply);
  auto next = f.admit("h1", "supervisor", 11, kAsOf + 1);
  EXPECT_TRUE(next.apply);
  EXPECT_FALSE(next.gap);
  EXPECT_EQ(f.stale(), 2u);
  // Another host's supervisor, and the broker of the same host, are not held to it.
  EXPECT_TRUE(f.admit("h2", "supervisor", 3, kAsOf - 5).apply);
  EXPECT_TRUE(f.admit("h1", "broker", 4, kAsOf - 5).apply);
}

TEST(CloneFollower, AGapAfterTheSnapshotIsToldWithItsPublisher) {
  CloneFollower f(true);
  f.snapshot("h1", 10, kAsOf);
  auto v = f.admit("h1", "supervisor", 13, kAsOf + 1);
  EXPECT_TRUE(v.apply);
  ASSERT_TRUE(v.gap);
  EXPECT_EQ(v.gap->host, "h1");
  EXPECT_EQ(v.gap->origin, "supervisor");
  EXPECT_EQ(v.gap->after, 10u);
  EXPECT_EQ(v.gap->got, 13u);
  // Each origin is numbered on its own.
  EXPECT_FALSE(f.admit("h1", "broker", 50, kAsOf).gap);
  EXPECT_FALSE(f.admit("h1", "broker", 51, kAsOf).gap);
  auto broker = f.admit("h1", "broker", 53, kAsOf);
  ASSERT_TRUE(broker.gap);
  EXPECT_EQ(broker.gap->origin, "broker");
}

TEST(CloneFollower, ARestartedSupervisorIsAppliedThoughItsSeqIsLow) {
  CloneFollower f(true);
  f.snapshot("h1", 40, kAsOf);
  auto v = f.admit("h1", "supervisor", 1, kAsOf + 1000);
  EXPECT_TRUE(v.apply);
  ASSERT_TRUE(v.gap);
  EXPECT_EQ(v.gap->got, 1u);
  EXPECT_EQ(v.gap->after, 40u);
  EXPECT_FALSE(f.admit("h1", "supervisor", 2, kAsOf + 2000).gap);
}

TEST(CloneFollower, AFilteredSubscriptionChecksNoNumbering) {
  CloneFollower f(false);
  f.snapshot("h1", 10, kAsOf);
  EXPECT_FALSE(f.admit("h1", "supervisor", 10, kAsOf).apply);
  auto v = f.admit("h1", "supervisor", 20, kAsOf + 1);
  EXPECT_TRUE(v.apply);
  EXPECT_FALSE(v.gap);
}

TEST(CloneFollower, ASnapshotBehindTheEventsAlreadyHeardMakesNoGap) {
  msg::CloneFollower f(true);
  // Events 7 and 8 arrive before the collector, which had folded in only 6, answers.
  EXPECT_TRUE(f.admit("h1", "supervisor", 7, kAsOf - 20).apply);
  EXPECT_TRUE(f.admit("h1", "supervisor", 8, kAsOf - 10).apply);
  f.snapshot("h1", 6, kAsOf);
  auto next = f.admit("h1", "supervisor", 9, kAsOf + 10);
  EXPECT_TRUE(next.apply);
  EXPECT_FALSE(next.gap);
}

}  // namespace
}  // namespace bc::msg
