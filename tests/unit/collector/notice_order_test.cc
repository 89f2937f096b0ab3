#include "collector/notice_order.h"

#include <gtest/gtest.h>

namespace bc::collector {
namespace {

msg::Envelope env(std::uint64_t seq, std::int64_t ts, const std::string& host = "h1") {
  msg::Envelope e = msg::Envelope::of("node_state");
  e.host = host;
  e.seq = seq;
  e.ts = ts;
  return e;
}

TEST(NoticeOrder, TheNoticesCopyOnTheBusIsNotAppliedAgainButWhatFollowsIs) {
  NoticeOrder order;
  EXPECT_TRUE(order.accept_notice("w1", env(10, 1000)));  // crashed, by the watch
  EXPECT_FALSE(order.accept_bus("w1", env(10, 1000)));    // its copy
  EXPECT_TRUE(order.accept_bus("w1", env(11, 1100)));     // initializing
  EXPECT_TRUE(order.accept_bus("w1", env(12, 1200)));     // running
  EXPECT_TRUE(order.accept_notice("w1", env(13, 1300)));  // the next crash
}

TEST(NoticeOrder, ABusEventOlderThanTheNoticeIsOvertakenNotApplied) {
  NoticeOrder order;
  EXPECT_TRUE(order.accept_notice("w1", env(10, 1000)));
  // Published before the crash, still on its way through the broker: the crash is newer.
  EXPECT_FALSE(order.accept_bus("w1", env(9, 900)));
  EXPECT_FALSE(order.accept_bus("w1", env(10, 1000)));
  EXPECT_TRUE(order.accept_bus("w1", env(11, 1100)));
}

TEST(NoticeOrder, ANoticeAfterItsCopyOrTwiceIsNotAppliedAgain) {
  NoticeOrder order;
  EXPECT_TRUE(order.accept_bus("w1", env(10, 1000)));  // the bus was quicker this time
  EXPECT_FALSE(order.accept_notice("w1", env(10, 1000)));
  EXPECT_TRUE(order.accept_notice("w1", env(20, 2000)));
  EXPECT_FALSE(order.accept_notice("w1", env(20, 2000)));  // a second watch's answer
}

TEST(NoticeOrder, ACopyLostOnTheBusHoldsNothingBack) {
  NoticeOrder order;
  EXPECT_TRUE(order.accept_notice("w1", env(10, 1000)));
  EXPECT_TRUE(order.accept_bus("w1", env(12, 1200)));  // 10 never came (a gap: reconciled)
  EXPECT_TRUE(order.accept_bus("w1", env(13, 1300)));
}

TEST(NoticeOrder, ARestartedSupervisorNumbersAgainFromOneAndIsStillNewer) {
  NoticeOrder order;
  EXPECT_TRUE(order.accept_notice("w1", env(500, 1000)));
  EXPECT_TRUE(order.accept_bus("w1", env(3, 5000)));  // a new supervisor: small seq, later ts
  EXPECT_TRUE(order.accept_notice("w1", env(4, 5100)));
  EXPECT_FALSE(order.accept_bus("w1", env(4, 5100)));
}

TEST(NoticeOrder, NodesAndHostsAreKeptApart) {
  NoticeOrder order;
  EXPECT_TRUE(order.accept_notice("w1", env(10, 1000)));
  EXPECT_TRUE(order.accept_bus("w2", env(9, 900)));  // another node of the same host
  // A node moved to another host by an install: that host's numbering is its own.
  EXPECT_TRUE(order.accept_bus("w1", env(2, 800, "h2")));
}

}  // namespace
}  // namespace bc::collector
