#include "collector/host_liveness.h"

#include <gtest/gtest.h>

namespace bc::collector {
namespace {

using std::chrono::milliseconds;
using Strings = std::vector<std::string>;

// HostTimeout 3 s, heartbeats every second, checks every 100 ms: the defaults.
class HostLivenessTest : public ::testing::Test {
 protected:
  HostLiveness::Settings settings() const { return {}; }

  // Time passes with the bus alive (the broker's heartbeat) and the collector checking on
  // time; `beating` hosts send their heartbeats. What is declared down on the way.
  HostLiveness::Verdicts run_for(HostLiveness& l, milliseconds d, const Strings& beating,
                                 bool bus = true) {
    HostLiveness::Verdicts all;
    for (milliseconds t{0}; t < d; t += milliseconds(100)) {
      clock.advance(milliseconds(100));
      if (bus && t.count() % 1000 == 0) {
        l.heard_bus();
        for (const auto& h : beating)
          l.heard_heartbeat(h);
      }
      (void)l.check();
      if (!l.due()) continue;
      auto v = l.verdicts();
      all.bus_down |= v.bus_down;
      all.hosts_down.insert(all.hosts_down.end(), v.hosts_down.begin(), v.hosts_down.end());
    }
    return all;
  }

  FakeClock clock;
};

TEST_F(HostLivenessTest, AHostSilentForHostTimeoutIsDownAndBackWithItsNextHeartbeat) {
  HostLiveness l(clock, settings(), {"a", "b"});
  auto v = run_for(l, milliseconds(2900), {"a"});
  EXPECT_TRUE(v.empty());
  v = run_for(l, milliseconds(400), {"a"});
  EXPECT_FALSE(v.bus_down);
  EXPECT_EQ(v.hosts_down, Strings{"b"});
  EXPECT_FALSE(l.host_up("b"));
  EXPECT_TRUE(l.host_up("a"));
  // Declared once, not at every check.
  EXPECT_TRUE(run_for(l, milliseconds(5000), {"a"}).empty());
  EXPECT_TRUE(l.heard_heartbeat("b"));
  EXPECT_FALSE(l.heard_heartbeat("b"));
  EXPECT_TRUE(l.host_up("b"));
}

TEST_F(HostLivenessTest, TheCollectorLateByMoreThanHostTimeoutGivesEveryHostAFreshGrace) {
  HostLiveness l(clock, settings(), {"a", "b"});
  run_for(l, milliseconds(1000), {"a", "b"});
  clock.advance(milliseconds(6000));  // SIGSTOP, SIGCONT: no check, nothing read
  const auto late = l.check();
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->count(), 6000);
  EXPECT_FALSE(l.due());
  EXPECT_TRUE(l.verdicts().empty());
  EXPECT_TRUE(l.bus_up());
  // The heartbeats that waited on the socket arrive; nothing was ever down.
  EXPECT_FALSE(l.heard_bus());
  EXPECT_FALSE(l.heard_heartbeat("a"));
  EXPECT_TRUE(run_for(l, milliseconds(10000), {"a", "b"}).empty());
}

TEST_F(HostLivenessTest, AShorterLatenessOfTheCollectorIsCreditedToTheHosts) {
  HostLiveness l(clock, settings(), {"a"});
  run_for(l, milliseconds(1000), {"a"});  // a's last heartbeat at 0.1 s; now 1.1 s
  clock.advance(milliseconds(2500));      // late, but not by HostTimeout
  EXPECT_FALSE(l.check().has_value());
  // 3.5 s since a's heartbeat, 2.4 s of which the collector could not have heard it.
  EXPECT_FALSE(l.due());
  EXPECT_EQ(l.silence("a").count(), 1000);
  // Its silence counts on from there: down when 3 s of it are its own.
  EXPECT_TRUE(run_for(l, milliseconds(2000), {}).empty());
  EXPECT_EQ(run_for(l, milliseconds(200), {}).hosts_down, Strings{"a"});
}

TEST_F(HostLivenessTest, ACheckALittleLateIsNoLateness) {
  HostLiveness l(clock, settings(), {"a"});
  clock.advance(milliseconds(150));
  EXPECT_FALSE(l.check().has_value());
  EXPECT_EQ(l.silence("a").count(), 150);  // no credit for timer jitter
}

TEST_F(HostLivenessTest, ASilentBusIsOneVerdictNotOnePerHost) {
  HostLiveness l(clock, settings(), {"a", "b", "c"});
  run_for(l, milliseconds(1000), {"a", "b", "c"});
  // The broker dies: nothing on the bus, heartbeats included.
  auto v = run_for(l, milliseconds(2000), {}, false);
  EXPECT_TRUE(v.empty());
  EXPECT_TRUE(l.bus_quiet());
  v = run_for(l, milliseconds(1200), {}, false);
  EXPECT_TRUE(v.bus_down);
  EXPECT_TRUE(v.hosts_down.empty());
  EXPECT_FALSE(l.bus_up());
  EXPECT_TRUE(l.host_up("a") && l.host_up("b") && l.host_up("c"));
}

TEST_F(HostLivenessTest, WhileTheBusIsDownHostsAreJudgedByDirectAnswers) {
  HostLiveness l(clock, settings(), {"a", "b"});
  run_for(l, milliseconds(3500), {}, false);
  ASSERT_FALSE(l.bus_up());
  // Both are pinged at once, then every heartbeat interval.
  EXPECT_EQ(l.ping_due(), (Strings{"a", "b"}));
  EXPECT_TRUE(l.ping_due().empty());
  HostLiveness::Verdicts all;
  for (int i = 0; i < 40; ++i) {  // 4 s; a answers every ping, b none
    clock.advance(milliseconds(100));
    for (const auto& h : l.ping_due()) {
      if (h == "a") {
        EXPECT_FALSE(l.heard_directly("a"));
      }
    }
    (void)l.check();
    if (l.due()) {
      auto v = l.verdicts();
      EXPECT_FALSE(v.bus_down);
      all.hosts_down.insert(all.hosts_down.end(), v.hosts_down.begin(), v.hosts_down.end());
    }
  }
  EXPECT_EQ(all.hosts_down, Strings{"b"});
  EXPECT_TRUE(l.host_up("a"));
  // b answers again: up, still without the bus.
  EXPECT_TRUE(l.heard_directly("b"));
  EXPECT_FALSE(l.bus_up());
}

TEST_F(HostLivenessTest, TheBusBackIsAnnouncedOnceAndHeartbeatsRuleAgainFromAFreshGrace) {
  HostLiveness l(clock, settings(), {"a"});
  run_for(l, milliseconds(3500), {}, false);
  ASSERT_FALSE(l.bus_up());
  EXPECT_TRUE(l.ping_due().empty() == false);
  EXPECT_TRUE(l.heard_bus());
  EXPECT_FALSE(l.heard_bus());
  EXPECT_TRUE(l.bus_up());
  EXPECT_TRUE(l.ping_due().empty());
  // a's heartbeat has not come yet (its publisher reconnects): it has HostTimeout.
  EXPECT_TRUE(run_for(l, milliseconds(2900), {}).empty());
  EXPECT_EQ(run_for(l, milliseconds(300), {}).hosts_down, Strings{"a"});
}

TEST_F(HostLivenessTest, ABusQuietForLessThanHostTimeoutGivesTheHostsAFreshGrace) {
  HostLiveness l(clock, settings(), {"a"});
  run_for(l, milliseconds(1000), {"a"});  // a's heartbeat at 0.1 s
  run_for(l, milliseconds(500), {}, false);
  l.heard_bus();  // the broker's heartbeat; a's next one would come a little later
  // A broker restart of 2.5 s: a's last heartbeat is then 3.9 s old, but it was stuck.
  auto v = run_for(l, milliseconds(2500), {}, false);
  EXPECT_TRUE(v.empty());
  EXPECT_GT(l.silence("a").count(), 3000);
  EXPECT_FALSE(l.heard_bus());  // never declared down
  EXPECT_FALSE(l.due());
  EXPECT_EQ(l.silence("a").count(), 0);
}

TEST_F(HostLivenessTest, AHostAndTheBusSilentTogetherGiveOnlyTheBusVerdictFirst) {
  HostLiveness l(clock, settings(), {"a", "b"});
  run_for(l, milliseconds(1000), {"a", "b"});
  // b dies with the broker; a keeps answering pings. b's death is seen from the pings.
  auto v = run_for(l, milliseconds(3100), {}, false);
  EXPECT_TRUE(v.bus_down);
  EXPECT_TRUE(v.hosts_down.empty());
  Strings down;
  for (int i = 0; i < 35; ++i) {
    clock.advance(milliseconds(100));
    for (const auto& h : l.ping_due()) {
      if (h == "a") {
        l.heard_directly("a");
      }
    }
    (void)l.check();
    if (l.due()) {
      for (auto& h : l.verdicts().hosts_down)
        down.push_back(h);
    }
  }
  EXPECT_EQ(down, Strings{"b"});
}

TEST_F(HostLivenessTest, ANewConfigurationAddsHostsWithAGraceAndForgetsRemovedOnes) {
  HostLiveness l(clock, settings(), {"a", "b"});
  run_for(l, milliseconds(2000), {"a"});
  l.set_hosts({"a", "c"});  // b removed by an install, c added
  EXPECT_FALSE(l.heard_heartbeat("b"));
  EXPECT_TRUE(run_for(l, milliseconds(2900), {"a"}).empty());
  EXPECT_EQ(run_for(l, milliseconds(300), {"a"}).hosts_down, Strings{"c"});
}

}  // namespace
}  // namespace bc::collector
