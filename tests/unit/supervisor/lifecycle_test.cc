#include "supervisor/lifecycle.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

namespace bc::sup {
namespace {

using S = NodeState;
using E = NodeEvent;
using D = DesiredChange;
using A = Action;

// The specification, written out independently of lifecycle.cc: every cell of the
// state x event grid that has a transition. Cells not listed must have none.
struct Cell {
  S to;
  D desired;
  Actions actions;
};

constexpr Actions kChanged = A::kPersist | A::kPublish;
constexpr Actions kLaunch = A::kAwaitStart | A::kSpawn | A::kArmReadyTimer | kChanged;

const std::map<std::pair<S, E>, Cell>& expected_cells() {
  static const std::map<std::pair<S, E>, Cell> cells = {
      // stopped
      {{S::kStopped, E::kStart}, {S::kInitializing, D::kRunning, kLaunch}},
      {{S::kStopped, E::kStop}, {S::kStopped, D::kStopped, A::kReplyStopOk}},
      {{S::kStopped, E::kCleanup}, {S::kStopped, D::kStopped, A::kReplyOk}},
      {{S::kStopped, E::kMarkFailed}, {S::kStopped, D::kKeep, A::kReplyConflict}},
      // initializing
      {{S::kInitializing, E::kStart}, {S::kInitializing, D::kRunning, A::kAwaitStart}},
      {{S::kInitializing, E::kStop},
       {S::kTerminating, D::kStopped,
        A::kCancelTimers | A::kAwaitStop | A::kSendTerm | A::kArmStopTimer | A::kReplyStartFailed |
            kChanged}},
      {{S::kInitializing, E::kCleanup}, {S::kInitializing, D::kKeep, A::kReplyConflict}},
      {{S::kInitializing, E::kMarkFailed}, {S::kInitializing, D::kKeep, A::kReplyConflict}},
      {{S::kInitializing, E::kSpawnFailed},
       {S::kFailed, D::kKeep, A::kCancelTimers | A::kReplyStartFailed | kChanged}},
      {{S::kInitializing, E::kReady},
       {S::kRunning, D::kKeep, A::kCancelTimers | A::kReplyStartOk | kChanged}},
      {{S::kInitializing, E::kExitClean},
       {S::kCrashed, D::kKeep,
        A::kCancelTimers | A::kWriteCrashRecord | A::kReplyStartFailed | kChanged}},
      {{S::kInitializing, E::kExitAbnormal},
       {S::kCrashed, D::kKeep,
        A::kCancelTimers | A::kWriteCrashRecord | A::kReplyStartFailed | kChanged}},
      {{S::kInitializing, E::kAdoptAlive},
       {S::kInitializing, D::kKeep, A::kArmReadyTimer | A::kPublish}},
      {{S::kInitializing, E::kAdoptDead}, {S::kCrashed, D::kKeep, A::kWriteCrashRecord | kChanged}},
      // running
      {{S::kRunning, E::kStart}, {S::kRunning, D::kRunning, A::kReplyStartOk}},
      {{S::kRunning, E::kStop},
       {S::kTerminating, D::kStopped, A::kAwaitStop | A::kSendTerm | A::kArmStopTimer | kChanged}},
      {{S::kRunning, E::kCleanup}, {S::kRunning, D::kKeep, A::kReplyConflict}},
      {{S::kRunning, E::kMarkFailed}, {S::kRunning, D::kKeep, A::kReplyConflict}},
      {{S::kRunning, E::kReady}, {S::kRunning, D::kKeep, Actions()}},
      {{S::kRunning, E::kExitClean}, {S::kCrashed, D::kKeep, A::kWriteCrashRecord | kChanged}},
      {{S::kRunning, E::kExitAbnormal}, {S::kCrashed, D::kKeep, A::kWriteCrashRecord | kChanged}},
      {{S::kRunning, E::kAdoptAlive}, {S::kRunning, D::kKeep, A::kPublish}},
      {{S::kRunning, E::kAdoptDead}, {S::kCrashed, D::kKeep, A::kWriteCrashRecord | kChanged}},
      // terminating
      {{S::kTerminating, E::kStart}, {S::kTerminating, D::kKeep, A::kReplyConflict}},
      {{S::kTerminating, E::kStop}, {S::kTerminating, D::kStopped, A::kAwaitStop}},
      {{S::kTerminating, E::kCleanup}, {S::kTerminating, D::kKeep, A::kReplyConflict}},
      {{S::kTerminating, E::kMarkFailed}, {S::kTerminating, D::kKeep, A::kReplyConflict}},
      {{S::kTerminating, E::kExitClean},
       {S::kStopped, D::kStopped, A::kCancelTimers | A::kReplyStopOk | kChanged}},
      {{S::kTerminating, E::kExitAbnormal},
       {S::kCrashed, D::kStopped,
        A::kCancelTimers | A::kWriteCrashRecord | A::kReplyStopCrashed | kChanged}},
      {{S::kTerminating, E::kStopTimeout},
       {S::kTerminating, D::kKeep, A::kSendKill | A::kArmKillTimer}},
      {{S::kTerminating, E::kKillTimeout}, {S::kTerminating, D::kKeep, A::kReplyStopFailed}},
      {{S::kTerminating, E::kAdoptAlive},
       {S::kTerminating, D::kStopped, A::kSendTerm | A::kArmStopTimer | A::kPublish}},
      {{S::kTerminating, E::kAdoptDead}, {S::kStopped, D::kStopped, kChanged}},
      // crashed
      {{S::kCrashed, E::kStart}, {S::kInitializing, D::kRunning, kLaunch}},
      {{S::kCrashed, E::kStop}, {S::kStopped, D::kStopped, A::kReplyStopOk | kChanged}},
      {{S::kCrashed, E::kCleanup}, {S::kStopped, D::kStopped, A::kReplyOk | kChanged}},
      {{S::kCrashed, E::kMarkFailed}, {S::kFailed, D::kKeep, A::kReplyOk | kChanged}},
      // failed
      {{S::kFailed, E::kStart}, {S::kInitializing, D::kRunning, kLaunch}},
      {{S::kFailed, E::kStop}, {S::kStopped, D::kStopped, A::kReplyStopOk | kChanged}},
      {{S::kFailed, E::kCleanup}, {S::kStopped, D::kStopped, A::kReplyOk | kChanged}},
      {{S::kFailed, E::kMarkFailed}, {S::kFailed, D::kKeep, A::kReplyOk}},
  };
  return cells;
}

constexpr S kAllStates[] = {S::kStopped,     S::kInitializing, S::kRunning,
                            S::kTerminating, S::kCrashed,      S::kFailed};
constexpr E kAllEvents[] = {E::kStart,       E::kStop,        E::kCleanup,    E::kMarkFailed,
                            E::kSpawnFailed, E::kReady,       E::kExitClean,  E::kExitAbnormal,
                            E::kStopTimeout, E::kKillTimeout, E::kAdoptAlive, E::kAdoptDead};
constexpr E kCommands[] = {E::kStart, E::kStop, E::kCleanup, E::kMarkFailed};

// ---- every cell of the grid ----

class LifecycleCell : public ::testing::TestWithParam<std::tuple<S, E>> {};

TEST_P(LifecycleCell, MatchesTheSpecification) {
  const auto [from, event] = GetParam();
  const auto it = expected_cells().find({from, event});
  for (DesiredState before : {DesiredState::kStopped, DesiredState::kRunning}) {
    NodeLifecycle node(from, before);
    const Transition t = node.handle(event);
    EXPECT_EQ(t.from, from);
    if (it == expected_cells().end()) {
      EXPECT_FALSE(t.valid) << "no transition expected";
      EXPECT_EQ(t.to, from);
      EXPECT_TRUE(t.actions.empty());
      EXPECT_EQ(node.state(), from);
      EXPECT_EQ(node.desired(), before);
      continue;
    }
    const Cell& want = it->second;
    EXPECT_TRUE(t.valid);
    EXPECT_EQ(state_name(t.to), state_name(want.to));
    EXPECT_EQ(node.state(), want.to);
    EXPECT_EQ(actions_to_string(t.actions), actions_to_string(want.actions));
    const DesiredState after = want.desired == D::kKeep      ? before
                               : want.desired == D::kRunning ? DesiredState::kRunning
                                                             : DesiredState::kStopped;
    EXPECT_EQ(desired_name(node.desired()), desired_name(after));
  }
}

std::string cell_name(const ::testing::TestParamInfo<std::tuple<S, E>>& info) {
  return std::string(state_name(std::get<0>(info.param))) + "_" +
         std::string(event_name(std::get<1>(info.param)));
}

INSTANTIATE_TEST_SUITE_P(AllCells, LifecycleCell,
                         ::testing::Combine(::testing::ValuesIn(kAllStates),
                                            ::testing::ValuesIn(kAllEvents)),
                         cell_name);

// ---- properties of the table as a whole ----

TEST(LifecycleTable, HasNoDuplicateRowsAndNothingUnspecified) {
  std::set<std::pair<S, E>> seen;
  for (const TransitionRow& row : transition_table()) {
    EXPECT_TRUE(seen.insert({row.from, row.event}).second)
        << "duplicate row " << state_name(row.from) << "/" << event_name(row.event);
  }
  EXPECT_EQ(seen.size(), expected_cells().size());
}

TEST(LifecycleTable, EveryCommandIsAnsweredExactlyOnceInEveryState) {
  const Actions answers = A::kAwaitStart | A::kAwaitStop | A::kReplyStartOk | A::kReplyStopOk |
                          A::kReplyOk | A::kReplyConflict;
  for (S s : kAllStates) {
    for (E e : kCommands) {
      const TransitionRow* row = find_transition(s, e);
      ASSERT_NE(row, nullptr) << state_name(s) << "/" << event_name(e);
      const auto bits = row->actions.bits() & answers.bits();
      EXPECT_EQ(__builtin_popcount(bits), 1) << state_name(s) << "/" << event_name(e);
    }
  }
}

TEST(LifecycleTable, EveryStateChangeIsPersistedAndPublished) {
  for (const TransitionRow& row : transition_table()) {
    if (row.from == row.to) continue;
    EXPECT_TRUE(row.actions.has(A::kPersist))
        << state_name(row.from) << "/" << event_name(row.event);
    EXPECT_TRUE(row.actions.has(A::kPublish))
        << state_name(row.from) << "/" << event_name(row.event);
  }
}

TEST(LifecycleTable, StructuralInvariants) {
  for (const TransitionRow& row : transition_table()) {
    const std::string where =
        std::string(state_name(row.from)) + "/" + std::string(event_name(row.event));
    // Stopped always means nobody wants it running: every way into it says so.
    EXPECT_TRUE(row.from == S::kStopped || row.to != S::kStopped || row.desired == D::kStopped)
        << where;
    // The crash record is on disk before anyone hears of the crash.
    EXPECT_TRUE(!row.actions.has(A::kWriteCrashRecord) || row.actions.has(A::kPublish)) << where;
    // A conflict changes nothing at all.
    if (row.actions.has(A::kReplyConflict)) {
      EXPECT_EQ(row.to, row.from) << where;
      EXPECT_EQ(row.desired, D::kKeep) << where;
      EXPECT_EQ(row.actions, Actions(A::kReplyConflict)) << where;
      EXPECT_FALSE(row.note.empty()) << where;
    }
    // Failure replies carry the reason.
    if (row.actions.has(A::kReplyStartFailed) || row.actions.has(A::kReplyStopFailed)) {
      EXPECT_FALSE(row.note.empty()) << where;
    }
    // A spawn always waits for readiness, signals always have a deadline.
    EXPECT_TRUE(!row.actions.has(A::kSpawn) || row.actions.has(A::kArmReadyTimer)) << where;
    EXPECT_TRUE(!row.actions.has(A::kSendTerm) || row.actions.has(A::kArmStopTimer)) << where;
    EXPECT_TRUE(!row.actions.has(A::kSendKill) || row.actions.has(A::kArmKillTimer)) << where;
  }
}

// ---- walks through the table ----

TEST(NodeLifecycle, StartsStoppedAndStopsWithoutKilling) {
  NodeLifecycle node;
  EXPECT_EQ(node.state(), S::kStopped);
  EXPECT_EQ(node.desired(), DesiredState::kStopped);
  EXPECT_TRUE(node.handle(E::kStart).actions.has(A::kSpawn));
  EXPECT_EQ(node.desired(), DesiredState::kRunning);
  EXPECT_EQ(node.handle(E::kReady).to, S::kRunning);
  EXPECT_TRUE(node.handle(E::kStop).actions.has(A::kSendTerm));
  EXPECT_EQ(node.desired(), DesiredState::kStopped);
  const Transition t = node.handle(E::kExitClean);
  EXPECT_EQ(t.to, S::kStopped);
  EXPECT_TRUE(t.actions.has(A::kReplyStopOk));
  EXPECT_FALSE(node.killed());
}

TEST(NodeLifecycle, StopTimeoutKillsAndTheReplySaysSo) {
  NodeLifecycle node(S::kRunning, DesiredState::kRunning);
  node.handle(E::kStop);
  EXPECT_FALSE(node.killed());
  EXPECT_TRUE(node.handle(E::kStopTimeout).actions.has(A::kSendKill));
  EXPECT_TRUE(node.killed());
  const Transition t = node.handle(E::kExitClean);  // SIGKILL counts as expected
  EXPECT_TRUE(t.actions.has(A::kReplyStopOk));
  EXPECT_TRUE(node.killed()) << "the stop reply reads it after the transition";
  node.handle(E::kStop);  // stopped: answered at once, and not a killing stop
  EXPECT_FALSE(node.killed());
}

TEST(NodeLifecycle, KilledResetsWhenTheStopIsRestartedAfterAdoption) {
  NodeLifecycle node(S::kTerminating, DesiredState::kStopped);
  node.handle(E::kStopTimeout);
  ASSERT_TRUE(node.killed());
  node.handle(E::kAdoptAlive);
  EXPECT_FALSE(node.killed());
}

TEST(NodeLifecycle, UnexpectedExitIsACrashThatKeepsDesiredRunning) {
  NodeLifecycle node(S::kRunning, DesiredState::kRunning);
  const Transition t = node.handle(E::kExitClean);
  EXPECT_EQ(t.to, S::kCrashed);
  EXPECT_EQ(node.desired(), DesiredState::kRunning);
  EXPECT_EQ(t.note, "terminated unexpectedly");
}

TEST(NodeLifecycle, ExitWhileStartingFailsTheStart) {
  NodeLifecycle node;
  node.handle(E::kStart);
  const Transition t = node.handle(E::kExitAbnormal);
  EXPECT_EQ(t.to, S::kCrashed);
  EXPECT_TRUE(t.actions.has(A::kReplyStartFailed));
  EXPECT_EQ(t.note, "terminated immediately after starting");
}

TEST(NodeLifecycle, CrashDuringShutdownIsRecordedButNotRestarted) {
  NodeLifecycle node(S::kRunning, DesiredState::kRunning);
  node.handle(E::kStop);
  const Transition t = node.handle(E::kExitAbnormal);
  EXPECT_EQ(t.to, S::kCrashed);
  EXPECT_EQ(node.desired(), DesiredState::kStopped);
  EXPECT_TRUE(t.actions.has(A::kWriteCrashRecord));
  EXPECT_TRUE(t.actions.has(A::kReplyStopCrashed));
  EXPECT_EQ(t.note, "crashed during shutdown");
}

TEST(NodeLifecycle, StormGuardThenManualStart) {
  NodeLifecycle node(S::kCrashed, DesiredState::kRunning);
  EXPECT_EQ(node.handle(E::kMarkFailed).to, S::kFailed);
  EXPECT_EQ(node.desired(), DesiredState::kRunning);
  EXPECT_TRUE(node.handle(E::kStart).actions.has(A::kSpawn));
  EXPECT_EQ(node.handle(E::kSpawnFailed).to, S::kFailed);
  EXPECT_EQ(node.handle(E::kCleanup).to, S::kStopped);
  EXPECT_EQ(node.desired(), DesiredState::kStopped);
}

TEST(NodeLifecycle, StaleEventsChangeNothing) {
  NodeLifecycle node(S::kStopped, DesiredState::kStopped);
  for (E e : {E::kReady, E::kExitClean, E::kStopTimeout, E::kKillTimeout, E::kAdoptAlive}) {
    EXPECT_FALSE(node.handle(e).valid) << event_name(e);
  }
  EXPECT_EQ(node.state(), S::kStopped);
}

// ---- exit classification ----

ExitInfo exited(int code) {
  ExitInfo i;
  i.exited = true;
  i.exit_code = code;
  return i;
}

ExitInfo signaled(int sig, bool core = false) {
  ExitInfo i;
  i.signal = sig;
  i.core_dumped = core;
  return i;
}

TEST(ExitEvent, SignalsWeSendAndPlainExitsAreClean) {
  EXPECT_EQ(exit_event(exited(0)), E::kExitClean);
  EXPECT_EQ(exit_event(exited(1)), E::kExitClean);
  EXPECT_EQ(exit_event(signaled(SIGTERM)), E::kExitClean);
  EXPECT_EQ(exit_event(signaled(SIGKILL)), E::kExitClean);
}

TEST(ExitEvent, OtherSignalsAndCoresAreAbnormal) {
  EXPECT_EQ(exit_event(signaled(SIGSEGV, true)), E::kExitAbnormal);
  EXPECT_EQ(exit_event(signaled(SIGABRT)), E::kExitAbnormal);
  EXPECT_EQ(exit_event(signaled(SIGINT)), E::kExitAbnormal);
  EXPECT_EQ(exit_event(signaled(SIGTERM, true)), E::kExitAbnormal);
}

// ---- names ----

TEST(LifecycleNames, StateNamesAreTheWireNames) {
  const std::vector<std::string_view> names = {"stopped",     "initializing", "running",
                                               "terminating", "crashed",      "failed"};
  for (std::size_t i = 0; i < kNodeStateCount; ++i) {
    EXPECT_EQ(state_name(kAllStates[i]), names[i]);
    EXPECT_EQ(state_from_name(names[i]), kAllStates[i]);
  }
  EXPECT_FALSE(state_from_name("starting"));
  EXPECT_EQ(desired_from_name("running"), DesiredState::kRunning);
  EXPECT_EQ(desired_from_name(desired_name(DesiredState::kStopped)), DesiredState::kStopped);
  EXPECT_FALSE(desired_from_name("crashed"));
}

TEST(LifecycleNames, EveryEventAndActionHasADistinctName) {
  std::set<std::string_view> events, actions;
  for (E e : kAllEvents)
    EXPECT_TRUE(events.insert(event_name(e)).second);
  EXPECT_EQ(events.count("unknown"), 0U);
  for (std::size_t i = 0; i < kActionCount; ++i) {
    EXPECT_TRUE(actions.insert(action_name(static_cast<A>(1U << i))).second);
  }
  EXPECT_EQ(actions.count("unknown"), 0U);
}

TEST(LifecycleNames, ActionsPrintInExecutionOrder) {
  EXPECT_EQ(actions_to_string(Actions()), "none");
  EXPECT_EQ(actions_to_string(A::kPublish | A::kWriteCrashRecord | A::kPersist),
            "persist|publish|write_crash_record");
}

}  // namespace
}  // namespace bc::sup
