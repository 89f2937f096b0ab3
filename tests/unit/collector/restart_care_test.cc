// The collector's restart care table, cell by cell (as lifecycle_test.cc does for the
// supervisor's): every state x event x situation against a specification written out here
// independently of restart_care.cc; then the properties the issue asks for: no state
// without a way out, the waiting states re-derived by every reconciliation (a lost manager
// `running` event costs one reconciliation), the storm guard at exactly N, the policies.

#include "collector/restart_care.h"

#include <gtest/gtest.h>

#include <tuple>

#include "common/node_state.h"
#include "messages/node_events.h"

namespace bc::collector {
namespace care_test {

using S = CareState;
using E = CareEvent;
using A = CareAction;
using std::chrono::milliseconds;
using std::chrono::seconds;

const SteadyClock::time_point c0 = SteadyClock::time_point(seconds(1000));

// What the facts amount to, for the specification.
enum class Situation { kNotWanted, kStorm, kHostDown, kManagerDown, kGo };
constexpr Situation kSituations[] = {Situation::kNotWanted, Situation::kStorm, Situation::kHostDown,
                                     Situation::kManagerDown, Situation::kGo};

CareFacts facts_for(Situation x) {
  CareFacts f;
  f.crashed = x != Situation::kNotWanted;
  f.host_up = x != Situation::kHostDown;
  f.manager_down = x == Situation::kManagerDown;
  return f;
}

RestartSettings care_settings(int storm_count = 100) {
  RestartSettings s;
  s.initial = milliseconds(500);
  s.jitter = 0;
  s.storm_count = storm_count;
  return s;
}

struct Cell {
  S to;
  CareActions actions;
  bool operator==(const Cell&) const = default;
};

// The specification.
Cell expected(S s, E e, Situation x) {
  const Cell stay{s, {}};
  const auto count = [&]() -> Cell {  // a crash to deal with
    if (x == Situation::kNotWanted) return {S::kIdle, {}};
    if (x == Situation::kStorm) {
      return {S::kGivenUp, A::kCountCrash | A::kMarkFailed | A::kReportStorm};
    }
    return {S::kScheduled, A::kCountCrash | A::kArmTimer};
  };
  const auto advance = [&]() -> Cell {  // a due restart, from the facts
    if (x == Situation::kNotWanted) return {S::kIdle, {}};
    if (x == Situation::kHostDown) return {S::kWaitingForHost, {}};
    if (x == Situation::kManagerDown) return {S::kWaitingForManager, {}};
    return {S::kInFlight, A::kSendStart};
  };
  const bool wanted = x != Situation::kNotWanted;
  switch (s) {
    case S::kIdle:
      if (e == E::kCrash || e == E::kReconciliation || e == E::kConfigChange) return count();
      if (e == E::kOperatorAction) return {S::kIdle, A::kResetStreak};
      return stay;
    case S::kScheduled:
      if (e == E::kTimerDue) return advance();
      if (e == E::kOperatorAction) return {S::kIdle, A::kCancelTimer | A::kResetStreak};
      if ((e == E::kReconciliation || e == E::kConfigChange) && !wanted) {
        return {S::kIdle, A::kCancelTimer};
      }
      return stay;
    case S::kWaitingForManager:
      if (e == E::kManagerUp || e == E::kReconciliation || e == E::kConfigChange) return advance();
      if (e == E::kHostDown) return {S::kWaitingForHost, {}};
      if (e == E::kOperatorAction) return {S::kIdle, A::kResetStreak};
      return stay;
    case S::kWaitingForHost:
      if (e == E::kReconciliation) return advance();
      if (e == E::kConfigChange && !wanted) return {S::kIdle, {}};
      if (e == E::kOperatorAction) return {S::kIdle, A::kResetStreak};
      return stay;
    case S::kInFlight:
      if (e == E::kCrash) return {S::kInFlightCrashed, {}};
      if (e == E::kStartReply) return {S::kIdle, {}};
      if (e == E::kOperatorAction) return {S::kInFlight, A::kResetStreak};
      return stay;
    case S::kInFlightCrashed:
      if (e == E::kStartReply) return count();
      if (e == E::kOperatorAction) return {S::kInFlight, A::kResetStreak};
      return stay;
    case S::kGivenUp:
      if (e == E::kOperatorAction) return {S::kIdle, A::kResetStreak};
      if (e == E::kReconciliation)
        return wanted ? Cell{S::kGivenUp, A::kMarkFailed} : Cell{S::kIdle, {}};
      return stay;
  }
  return stay;
}

class CareCell : public ::testing::TestWithParam<std::tuple<int, int, int>> {};

TEST_P(CareCell, MatchesTheSpecification) {
  const auto s = static_cast<S>(std::get<0>(GetParam()));
  const auto e = static_cast<E>(std::get<1>(GetParam()));
  const Situation x = kSituations[std::get<2>(GetParam())];
  RestartCare care(
      care_settings(x == Situation::kStorm ? 1 : 100), [] { return 0.5; }, s);
  const CareStep step = care.handle(e, facts_for(x), c0);
  const Cell want = expected(s, e, x);
  SCOPED_TRACE(std::string(care_state_name(s)) + " x " + std::string(care_event_name(e)) +
               " (situation " + std::to_string(std::get<2>(GetParam())) + ")");
  EXPECT_EQ(step.from, s);
  EXPECT_EQ(care_state_name(step.to), care_state_name(want.to));
  EXPECT_EQ(care_actions_to_string(step.actions), care_actions_to_string(want.actions));
  EXPECT_EQ(care.state(), step.to);
  if (step.actions.has(A::kArmTimer)) {
    EXPECT_EQ(step.delay, milliseconds(500));
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCell, CareCell,
                         ::testing::Combine(::testing::Range(0, int(kCareStateCount)),
                                            ::testing::Range(0, int(kCareEventCount)),
                                            ::testing::Range(0, 5)));

TEST(CareTable, EveryPairEndsWithAnUnconditionalRow) {
  for (std::size_t s = 0; s < kCareStateCount; ++s) {
    for (std::size_t e = 0; e < kCareEventCount; ++e) {
      const CareRow* last = nullptr;
      for (const CareRow& row : care_table()) {
        if (row.from == static_cast<S>(s) && row.event == static_cast<E>(e)) last = &row;
      }
      ASSERT_NE(last, nullptr) << care_state_name(S(s)) << " x " << care_event_name(E(e));
      EXPECT_EQ(last->when, CareCondition::kAlways)
          << care_state_name(S(s)) << " x " << care_event_name(E(e));
    }
  }
}

// From every state, once the node is no longer crashed (started by hand, stopped, failed),
// the events that come anyway — a reconciliation, the start's answer (which has a
// deadline), the timer — lead back to idle: no state is a dead end.
TEST(CareTable, EveryStateHasAWayOutThatNeedsNoParticularEvent) {
  for (std::size_t s = 0; s < kCareStateCount; ++s) {
    RestartCare care(
        care_settings(), [] { return 0.5; }, static_cast<S>(s));
    for (E e : {E::kReconciliation, E::kStartReply, E::kTimerDue, E::kReconciliation})
      care.handle(e, facts_for(Situation::kNotWanted), c0);
    EXPECT_EQ(care.state(), S::kIdle) << care_state_name(S(s));
  }
}

// The bug of issue 15: a restart that found the manager down waited for the manager's
// `running` event; lost, it stopped crash repair for the whole cluster. Now the next
// reconciliation that finds the manager running sends the start.
TEST(RestartCare, ALostManagerRunningEventCostsOneReconciliation) {
  RestartCare worker(care_settings(), [] { return 0.5; });
  CareFacts f = facts_for(Situation::kManagerDown);
  EXPECT_EQ(worker.handle(E::kCrash, f, c0).to, S::kScheduled);
  EXPECT_EQ(worker.handle(E::kTimerDue, f, c0 + milliseconds(500)).to, S::kWaitingForManager);
  // The manager's running event is lost; a reconciliation still finds it down: wait on.
  EXPECT_EQ(worker.handle(E::kReconciliation, f, c0 + seconds(1)).to, S::kWaitingForManager);
  f.manager_down = false;  // the next one finds it running
  const CareStep step = worker.handle(E::kReconciliation, f, c0 + seconds(2));
  EXPECT_EQ(step.to, S::kInFlight);
  EXPECT_TRUE(step.actions.has(A::kSendStart));
}

TEST(RestartCare, TheStormGuardTripsAtExactlyTheNthCrash) {
  RestartCare care(care_settings(3), [] { return 0.5; });
  const CareFacts f = facts_for(Situation::kGo);
  auto now = c0;
  for (int crash = 1; crash <= 2; ++crash) {
    const CareStep step = care.handle(E::kCrash, f, now);
    ASSERT_EQ(step.to, S::kScheduled) << crash;
    EXPECT_EQ(step.crashes_in_window, crash);
    care.handle(E::kTimerDue, f, now += milliseconds(500));
    care.handle(E::kStartReply, f, now += milliseconds(10));
    ASSERT_EQ(care.state(), S::kIdle);
  }
  const CareStep third = care.handle(E::kCrash, f, now + milliseconds(10));
  EXPECT_EQ(third.to, S::kGivenUp);
  EXPECT_EQ(third.crashes_in_window, 3);
  EXPECT_TRUE(third.actions.has(A::kReportStorm));
  // Started by hand: a fresh start.
  EXPECT_EQ(care.handle(E::kOperatorAction, facts_for(Situation::kNotWanted), now).to, S::kIdle);
  EXPECT_EQ(care.handle(E::kCrash, f, now + seconds(1)).to, S::kScheduled);
}

TEST(RestartCare, PoliciesDecideWhichEndsAreRestarted) {
  CareFacts clean = facts_for(Situation::kGo);
  clean.clean_exit = true;
  const CareFacts failure = facts_for(Situation::kGo);
  using M = config::RestartMode;
  EXPECT_EQ(care_verdict(M::kAlways, clean), CareVerdict::kRestart);
  EXPECT_EQ(care_verdict(M::kOnFailure, failure), CareVerdict::kRestart);
  EXPECT_EQ(care_verdict(M::kOnFailure, clean), CareVerdict::kPolicyCleanExit);
  EXPECT_EQ(care_verdict(M::kNever, failure), CareVerdict::kPolicyNever);
  CareFacts disabled = failure;
  disabled.cron_enabled = false;
  EXPECT_EQ(care_verdict(M::kAlways, disabled), CareVerdict::kCronDisabled);

  RestartSettings never = care_settings();
  never.mode = M::kNever;
  RestartCare care(never, [] { return 0.5; });
  EXPECT_EQ(care.handle(E::kCrash, failure, c0).to, S::kIdle);
  // An install makes it `always`: the crash is dealt with now.
  care.set_settings(care_settings());
  EXPECT_EQ(care.handle(E::kConfigChange, failure, c0).to, S::kScheduled);
}

// A configuration change mid-backoff: the chosen delay stays; a policy that no longer
// restarts the node cancels the restart.
TEST(RestartCare, AConfigurationChangeMidBackoffCancelsOnlyWhatNoLongerApplies) {
  RestartCare care(care_settings(), [] { return 0.5; });
  const CareFacts f = facts_for(Situation::kGo);
  ASSERT_EQ(care.handle(E::kCrash, f, c0).to, S::kScheduled);
  RestartSettings longer = care_settings();
  longer.initial = seconds(30);
  care.set_settings(longer);
  EXPECT_TRUE(care.handle(E::kConfigChange, f, c0).actions.empty());
  EXPECT_EQ(care.state(), S::kScheduled);
  RestartSettings never = care_settings();
  never.mode = config::RestartMode::kNever;
  care.set_settings(never);
  const CareStep step = care.handle(E::kConfigChange, f, c0);
  EXPECT_EQ(step.to, S::kIdle);
  EXPECT_TRUE(step.actions.has(A::kCancelTimer));
}

TEST(NodeStateNames, AreTheWireNamesInOrder) {
  ASSERT_EQ(msg::kNodeStates.size(), std::size_t(7));
  for (std::size_t i = 0; i < msg::kNodeStates.size(); ++i) {
    EXPECT_EQ(node_state_name(static_cast<NodeState>(i)), msg::kNodeStates[i]);
    EXPECT_EQ(node_state_from_name(msg::kNodeStates[i]), static_cast<NodeState>(i));
  }
  EXPECT_EQ(node_state_or_unknown("starting"), NodeState::kUnknown);
}

}  // namespace care_test
}  // namespace bc::collector
