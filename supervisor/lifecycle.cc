#include "supervisor/lifecycle.h"

#include <signal.h>

#include <array>

namespace bc::sup {
namespace {

using S = NodeState;
using E = NodeEvent;
using D = DesiredChange;
using A = Action;

// Every state change is persisted and published; these rows spell it out.
constexpr Actions kChanged = A::kPersist | A::kPublish;

// The lifecycle. Read a row as: in <from>, on <event>, go to <to>, set desired, do <actions>.
// Pairs that are absent have no transition (see lifecycle.h).
constexpr TransitionRow kTable[] = {
    // ---- stopped: no process.
    {S::kStopped, E::kStart, S::kInitializing, D::kRunning,
     A::kAwaitStart | A::kSpawn | A::kArmReadyTimer | kChanged, ""},
    {S::kStopped, E::kStop, S::kStopped, D::kStopped, A::kReplyStopOk, "already stopped"},
    {S::kStopped, E::kCleanup, S::kStopped, D::kStopped, A::kReplyOk, ""},
    {S::kStopped, E::kMarkFailed, S::kStopped, D::kKeep, A::kReplyConflict,
     "node is stopped, not crashed"},

    // ---- initializing: spawned, waiting for ready (or grace time).
    {S::kInitializing, E::kStart, S::kInitializing, D::kRunning, A::kAwaitStart,
     "already starting"},
    {S::kInitializing, E::kStop, S::kTerminating, D::kStopped,
     A::kCancelTimers | A::kAwaitStop | A::kSendTerm | A::kArmStopTimer | A::kReplyStartFailed |
         kChanged,
     "start aborted by stop"},
    {S::kInitializing, E::kCleanup, S::kInitializing, D::kKeep, A::kReplyConflict,
     "node is starting; stop it first"},
    {S::kInitializing, E::kMarkFailed, S::kInitializing, D::kKeep, A::kReplyConflict,
     "node is starting, not crashed"},
    {S::kInitializing, E::kSpawnFailed, S::kFailed, D::kKeep,
     A::kCancelTimers | A::kReplyStartFailed | kChanged, "could not be started"},
    {S::kInitializing, E::kReady, S::kRunning, D::kKeep,
     A::kCancelTimers | A::kReplyStartOk | kChanged, ""},
    {S::kInitializing, E::kExitClean, S::kCrashed, D::kKeep,
     A::kCancelTimers | A::kWriteCrashRecord | A::kReplyStartFailed | kChanged,
     "terminated immediately after starting"},
    {S::kInitializing, E::kExitAbnormal, S::kCrashed, D::kKeep,
     A::kCancelTimers | A::kWriteCrashRecord | A::kReplyStartFailed | kChanged,
     "terminated immediately after starting"},
    {S::kInitializing, E::kAdoptAlive, S::kInitializing, D::kKeep, A::kArmReadyTimer | A::kPublish,
     "re-adopted while starting"},
    {S::kInitializing, E::kAdoptDead, S::kCrashed, D::kKeep, A::kWriteCrashRecord | kChanged,
     "died while the supervisor was down"},

    // ---- running.
    {S::kRunning, E::kStart, S::kRunning, D::kRunning, A::kReplyStartOk, "already running"},
    {S::kRunning, E::kStop, S::kTerminating, D::kStopped,
     A::kAwaitStop | A::kSendTerm | A::kArmStopTimer | kChanged, ""},
    {S::kRunning, E::kCleanup, S::kRunning, D::kKeep, A::kReplyConflict,
     "node is running; stop it first"},
    {S::kRunning, E::kMarkFailed, S::kRunning, D::kKeep, A::kReplyConflict,
     "node is running, not crashed"},
    // A second readiness signal (control endpoint after the grace timer) changes nothing.
    {S::kRunning, E::kReady, S::kRunning, D::kKeep, Actions(), "already running"},
    // Any exit nobody asked for is a crash, even exit code 0; desired stays running so the
    // collector restarts it.
    {S::kRunning, E::kExitClean, S::kCrashed, D::kKeep, A::kWriteCrashRecord | kChanged,
     "terminated unexpectedly"},
    {S::kRunning, E::kExitAbnormal, S::kCrashed, D::kKeep, A::kWriteCrashRecord | kChanged,
     "terminated unexpectedly"},
    {S::kRunning, E::kAdoptAlive, S::kRunning, D::kKeep, A::kPublish, "re-adopted"},
    {S::kRunning, E::kAdoptDead, S::kCrashed, D::kKeep, A::kWriteCrashRecord | kChanged,
     "died while the supervisor was down"},

    // ---- terminating: SIGTERM sent, waiting for the exit.
    {S::kTerminating, E::kStart, S::kTerminating, D::kKeep, A::kReplyConflict,
     "node is stopping; start it again once it has stopped"},
    {S::kTerminating, E::kStop, S::kTerminating, D::kStopped, A::kAwaitStop, "already stopping"},
    {S::kTerminating, E::kCleanup, S::kTerminating, D::kKeep, A::kReplyConflict,
     "node is stopping"},
    {S::kTerminating, E::kMarkFailed, S::kTerminating, D::kKeep, A::kReplyConflict,
     "node is stopping, not crashed"},
    {S::kTerminating, E::kExitClean, S::kStopped, D::kStopped,
     A::kCancelTimers | A::kReplyStopOk | kChanged, ""},
    // Crash during shutdown: stopped as asked, but recorded and shown as crashed (desired
    // stays stopped, so nobody restarts it) until the next start, stop or cleanup.
    {S::kTerminating, E::kExitAbnormal, S::kCrashed, D::kStopped,
     A::kCancelTimers | A::kWriteCrashRecord | A::kReplyStopCrashed | kChanged,
     "crashed during shutdown"},
    {S::kTerminating, E::kStopTimeout, S::kTerminating, D::kKeep, A::kSendKill | A::kArmKillTimer,
     "did not stop within StopTimeout; sent SIGKILL"},
    // Stuck (e.g. uninterruptible sleep): the requests get an answer; the exit, if it ever
    // comes, still takes the node to stopped.
    {S::kTerminating, E::kKillTimeout, S::kTerminating, D::kKeep, A::kReplyStopFailed,
     "still alive after SIGKILL"},
    // The previous supervisor died mid-stop: stop it again from the start.
    {S::kTerminating, E::kAdoptAlive, S::kTerminating, D::kStopped,
     A::kSendTerm | A::kArmStopTimer | A::kPublish, "re-adopted while stopping"},
    {S::kTerminating, E::kAdoptDead, S::kStopped, D::kStopped, kChanged,
     "stopped while the supervisor was down"},

    // ---- crashed: process gone; desired decides whether the collector restarts it.
    {S::kCrashed, E::kStart, S::kInitializing, D::kRunning,
     A::kAwaitStart | A::kSpawn | A::kArmReadyTimer | kChanged, ""},
    {S::kCrashed, E::kStop, S::kStopped, D::kStopped, A::kReplyStopOk | kChanged, ""},
    {S::kCrashed, E::kCleanup, S::kStopped, D::kStopped, A::kReplyOk | kChanged, ""},
    {S::kCrashed, E::kMarkFailed, S::kFailed, D::kKeep, A::kReplyOk | kChanged, "too many crashes"},

    // ---- failed: given up on (spawn impossible, or restart storm); needs a start.
    {S::kFailed, E::kStart, S::kInitializing, D::kRunning,
     A::kAwaitStart | A::kSpawn | A::kArmReadyTimer | kChanged, ""},
    {S::kFailed, E::kStop, S::kStopped, D::kStopped, A::kReplyStopOk | kChanged, ""},
    {S::kFailed, E::kCleanup, S::kStopped, D::kStopped, A::kReplyOk | kChanged, ""},
    {S::kFailed, E::kMarkFailed, S::kFailed, D::kKeep, A::kReplyOk, "already failed"},
};

constexpr std::array<std::string_view, kNodeEventCount> kEventNames = {
    "start",      "stop",          "cleanup",      "mark_failed",  "spawn_failed", "ready",
    "exit_clean", "exit_abnormal", "stop_timeout", "kill_timeout", "adopt_alive",  "adopt_dead"};

constexpr std::array<std::string_view, kActionCount> kActionNames = {
    "cancel_timers",     "await_start",
    "await_stop",        "spawn",
    "send_term",         "send_kill",
    "arm_ready_timer",   "arm_stop_timer",
    "arm_kill_timer",    "persist",
    "reply_start_ok",    "reply_start_failed",
    "reply_stop_ok",     "reply_stop_crashed",
    "reply_stop_failed", "reply_ok",
    "reply_conflict",    "publish",
    "write_crash_record"};

}  // namespace

std::span<const TransitionRow> transition_table() {
  return kTable;
}

const TransitionRow* find_transition(NodeState from, NodeEvent event) {
  for (const TransitionRow& row : kTable) {
    if (row.from == from && row.event == event) return &row;
  }
  return nullptr;
}

Transition NodeLifecycle::handle(NodeEvent event) {
  // `killed` describes the current stop only; outside terminating it is always false.
  if (state_ != S::kTerminating) killed_ = false;
  Transition t;
  t.from = t.to = state_;
  const TransitionRow* row = find_transition(state_, event);
  if (row == nullptr) return t;
  t.valid = true;
  t.to = row->to;
  t.actions = row->actions;
  t.note = row->note;
  state_ = row->to;
  if (row->desired == DesiredChange::kRunning) desired_ = DesiredState::kRunning;
  if (row->desired == DesiredChange::kStopped) desired_ = DesiredState::kStopped;
  if (row->actions.has(A::kSendTerm)) killed_ = false;  // a stop (re)started from scratch
  if (row->actions.has(A::kSendKill)) killed_ = true;
  return t;
}

NodeEvent exit_event(const ExitInfo& info) {
  if (info.core_dumped) return E::kExitAbnormal;
  if (info.exited) return E::kExitClean;
  return info.signal == SIGTERM || info.signal == SIGKILL ? E::kExitClean : E::kExitAbnormal;
}

bool has_process(NodeState s) {
  return s == NodeState::kInitializing || s == NodeState::kRunning || s == NodeState::kTerminating;
}

std::string_view state_name(NodeState s) {
  return node_state_name(s);
}

std::optional<NodeState> state_from_name(std::string_view name) {
  auto s = node_state_from_name(name);
  if (s == NodeState::kUnknown) return std::nullopt;  // not a lifecycle state
  return s;
}

std::string_view desired_name(DesiredState d) {
  return desired_state_name(d);
}

std::optional<DesiredState> desired_from_name(std::string_view name) {
  return desired_state_from_name(name);
}

std::string_view event_name(NodeEvent e) {
  const auto i = static_cast<std::size_t>(e);
  return i < kEventNames.size() ? kEventNames[i] : "unknown";
}

std::string_view action_name(Action a) {
  const auto bits = static_cast<std::uint32_t>(a);
  for (std::size_t i = 0; i < kActionNames.size(); ++i) {
    if (bits == (1U << i)) return kActionNames[i];
  }
  return "unknown";
}

std::string actions_to_string(Actions actions) {
  std::string out;
  for (std::size_t i = 0; i < kActionCount; ++i) {
    if ((actions.bits() & (1U << i)) == 0) continue;
    if (!out.empty()) out += '|';
    out += kActionNames[i];
  }
  return out.empty() ? "none" : out;
}

}  // namespace bc::sup
