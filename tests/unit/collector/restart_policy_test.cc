#include "collector/restart_policy.h"

#include <gtest/gtest.h>

namespace bc::collector {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

RestartSettings settings() {
  RestartSettings s;
  s.initial = milliseconds(0);
  s.factor = 2;
  s.max = milliseconds(1000);
  s.jitter = 0;
  s.stable = seconds(60);
  s.storm_count = 5;
  s.storm_window = seconds(60);
  return s;
}

const SteadyClock::time_point t0 = SteadyClock::time_point(seconds(1000));

TEST(RestartPolicy, FirstCrashRestartsAtOnceThenBacksOffExponentiallyToTheCap) {
  RestartSettings s = settings();
  s.storm_count = 100;
  RestartPolicy p(s, [] { return 0.5; });
  std::vector<long> delays;
  for (int i = 0; i < 6; ++i)
    delays.push_back(p.on_crash(t0 + seconds(i)).delay.count());
  EXPECT_EQ(delays, (std::vector<long>{0, 100, 200, 400, 800, 1000}));
}

TEST(RestartPolicy, InitialDelayIsTheBaseOfTheBackoff) {
  RestartSettings s = settings();
  s.initial = milliseconds(300);
  RestartPolicy p(s, [] { return 0.5; });
  EXPECT_EQ(p.on_crash(t0).delay.count(), 300);
  EXPECT_EQ(p.on_crash(t0 + seconds(1)).delay.count(), 300);
  EXPECT_EQ(p.on_crash(t0 + seconds(2)).delay.count(), 600);
}

TEST(RestartPolicy, JitterStaysWithinItsFraction) {
  RestartSettings s = settings();
  s.initial = milliseconds(1000);
  s.max = seconds(10);
  s.jitter = 0.1;
  RestartPolicy low(s, [] { return 0.0; });
  RestartPolicy high(s, [] { return 0.999999; });
  EXPECT_EQ(low.on_crash(t0).delay.count(), 900);
  EXPECT_EQ(high.on_crash(t0).delay.count(), 1100);
}

TEST(RestartPolicy, AStableRunForgetsTheStreak) {
  RestartPolicy p(settings(), [] { return 0.5; });
  p.on_crash(t0);
  p.on_crash(t0 + seconds(1));
  EXPECT_EQ(p.streak(), 2);
  p.on_running(t0 + seconds(2));
  // Up for 60 s: the next crash is treated as a first one.
  EXPECT_EQ(p.on_crash(t0 + seconds(62)).delay.count(), 0);
  EXPECT_EQ(p.streak(), 1);
}

TEST(RestartPolicy, AShortRunKeepsTheStreak) {
  RestartPolicy p(settings(), [] { return 0.5; });
  p.on_crash(t0);
  p.on_running(t0 + seconds(1));
  EXPECT_EQ(p.on_crash(t0 + seconds(5)).delay.count(), 100);
}

// RestartStormCount = 5: the fifth crash within the window gives up (docs/CONFIG.md), not
// the sixth as before.
TEST(RestartPolicy, TheStormCountthCrashInTheWindowGivesUp) {
  RestartPolicy p(settings(), [] { return 0.5; });
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(p.would_give_up(t0 + seconds(i))) << i;
    EXPECT_FALSE(p.on_crash(t0 + seconds(i)).give_up) << i;
  }
  EXPECT_TRUE(p.would_give_up(t0 + seconds(4)));
  const RestartDecision d = p.on_crash(t0 + seconds(4));
  EXPECT_TRUE(d.give_up);
  EXPECT_EQ(d.crashes_in_window, 5);
}

TEST(RestartPolicy, StormCountOneGivesUpAtTheFirstCrash) {
  RestartSettings s = settings();
  s.storm_count = 1;
  RestartPolicy p(s, [] { return 0.5; });
  EXPECT_TRUE(p.would_give_up(t0));
  EXPECT_TRUE(p.on_crash(t0).give_up);
}

TEST(RestartPolicy, NewSettingsApplyToTheNextCrashAndKeepTheHistory) {
  RestartPolicy p(settings(), [] { return 0.5; });
  p.on_crash(t0);
  p.on_crash(t0 + seconds(1));
  RestartSettings s = settings();
  s.storm_count = 3;
  p.set_settings(s);
  EXPECT_TRUE(p.on_crash(t0 + seconds(2)).give_up);
}

TEST(RestartPolicy, CrashesOutsideTheWindowDoNotCount) {
  RestartPolicy p(settings(), [] { return 0.5; });
  for (int i = 0; i < 5; ++i)
    p.on_crash(t0 + seconds(i * 20));  // 0, 20, 40, 60, 80 s
  const RestartDecision d = p.on_crash(t0 + seconds(100));
  EXPECT_FALSE(d.give_up);
  EXPECT_EQ(d.crashes_in_window, 4);  // 40, 60, 80, 100
}

TEST(RestartPolicy, ResetStartsAfresh) {
  RestartPolicy p(settings(), [] { return 0.5; });
  for (int i = 0; i < 5; ++i)
    p.on_crash(t0 + seconds(i));
  p.reset();
  const RestartDecision d = p.on_crash(t0 + seconds(6));
  EXPECT_FALSE(d.give_up);
  EXPECT_EQ(d.delay.count(), 0);
}

}  // namespace
}  // namespace bc::collector
