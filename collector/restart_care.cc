#include "collector/restart_care.h"

#include <array>
#include <string>

namespace bc::collector {
namespace {

using S = CareState;
using E = CareEvent;
using C = CareCondition;
using A = CareAction;

constexpr CareActions kNoCare{};
constexpr CareActions kCountAndArm = A::kCountCrash | A::kArmTimer;
constexpr CareActions kStormActions = A::kCountCrash | A::kMarkFailed | A::kReportStorm;

// Read a row as: in <from>, on <event>, when <condition>, go to <to> and do <actions>.
// The rows of one (from, event) pair are tried in order; each pair ends with kAlways.
//
// Two groups recur. "Count": a crash to deal with (not wanted -> idle; trips the storm
// guard -> given up; else the backoff's timer). "Advance": a due restart re-derived from
// the facts (not wanted -> idle; host down -> wait for it; manager down -> wait for it;
// else send the start).
constexpr CareRow kCareTable[] = {
    // ---- idle
    {S::kIdle, E::kCrash, C::kNotWanted, S::kIdle, kNoCare},
    {S::kIdle, E::kCrash, C::kStorm, S::kGivenUp, kStormActions},
    {S::kIdle, E::kCrash, C::kAlways, S::kScheduled, kCountAndArm},
    {S::kIdle, E::kTimerDue, C::kAlways, S::kIdle, kNoCare},
    {S::kIdle, E::kManagerUp, C::kAlways, S::kIdle, kNoCare},
    {S::kIdle, E::kStartReply, C::kAlways, S::kIdle, kNoCare},
    {S::kIdle, E::kOperatorAction, C::kAlways, S::kIdle, A::kResetStreak},
    {S::kIdle, E::kHostDown, C::kAlways, S::kIdle, kNoCare},
    // A crash nobody told us about (events lost, the collector was down, cron was disabled,
    // or the restart policy has just changed): counted like one we heard of.
    {S::kIdle, E::kReconciliation, C::kNotWanted, S::kIdle, kNoCare},
    {S::kIdle, E::kReconciliation, C::kStorm, S::kGivenUp, kStormActions},
    {S::kIdle, E::kReconciliation, C::kAlways, S::kScheduled, kCountAndArm},
    {S::kIdle, E::kConfigChange, C::kNotWanted, S::kIdle, kNoCare},
    {S::kIdle, E::kConfigChange, C::kStorm, S::kGivenUp, kStormActions},
    {S::kIdle, E::kConfigChange, C::kAlways, S::kScheduled, kCountAndArm},

    // ---- scheduled: the backoff's timer runs.
    {S::kScheduled, E::kCrash, C::kAlways, S::kScheduled, kNoCare},  // the same crash, again
    {S::kScheduled, E::kTimerDue, C::kNotWanted, S::kIdle, kNoCare},
    {S::kScheduled, E::kTimerDue, C::kHostDown, S::kWaitingForHost, kNoCare},
    {S::kScheduled, E::kTimerDue, C::kManagerDown, S::kWaitingForManager, kNoCare},
    {S::kScheduled, E::kTimerDue, C::kAlways, S::kInFlight, A::kSendStart},
    {S::kScheduled, E::kManagerUp, C::kAlways, S::kScheduled, kNoCare},
    {S::kScheduled, E::kStartReply, C::kAlways, S::kScheduled, kNoCare},
    {S::kScheduled, E::kOperatorAction, C::kAlways, S::kIdle, A::kCancelTimer | A::kResetStreak},
    {S::kScheduled, E::kHostDown, C::kAlways, S::kScheduled, kNoCare},
    {S::kScheduled, E::kReconciliation, C::kNotWanted, S::kIdle, A::kCancelTimer},
    {S::kScheduled, E::kReconciliation, C::kAlways, S::kScheduled, kNoCare},
    // The delay already chosen stays; new settings apply from the next crash. A policy
    // that no longer restarts it cancels the restart.
    {S::kScheduled, E::kConfigChange, C::kNotWanted, S::kIdle, A::kCancelTimer},
    {S::kScheduled, E::kConfigChange, C::kAlways, S::kScheduled, kNoCare},

    // ---- waiting for the manager: left by re-deriving, on any news of the manager or of
    // the cluster, never by one particular event alone.
    {S::kWaitingForManager, E::kCrash, C::kAlways, S::kWaitingForManager, kNoCare},
    {S::kWaitingForManager, E::kTimerDue, C::kAlways, S::kWaitingForManager, kNoCare},
    {S::kWaitingForManager, E::kManagerUp, C::kNotWanted, S::kIdle, kNoCare},
    {S::kWaitingForManager, E::kManagerUp, C::kHostDown, S::kWaitingForHost, kNoCare},
    {S::kWaitingForManager, E::kManagerUp, C::kManagerDown, S::kWaitingForManager, kNoCare},
    {S::kWaitingForManager, E::kManagerUp, C::kAlways, S::kInFlight, A::kSendStart},
    {S::kWaitingForManager, E::kStartReply, C::kAlways, S::kWaitingForManager, kNoCare},
    {S::kWaitingForManager, E::kOperatorAction, C::kAlways, S::kIdle, A::kResetStreak},
    {S::kWaitingForManager, E::kHostDown, C::kAlways, S::kWaitingForHost, kNoCare},
    {S::kWaitingForManager, E::kReconciliation, C::kNotWanted, S::kIdle, kNoCare},
    {S::kWaitingForManager, E::kReconciliation, C::kHostDown, S::kWaitingForHost, kNoCare},
    {S::kWaitingForManager, E::kReconciliation, C::kManagerDown, S::kWaitingForManager, kNoCare},
    {S::kWaitingForManager, E::kReconciliation, C::kAlways, S::kInFlight, A::kSendStart},
    {S::kWaitingForManager, E::kConfigChange, C::kNotWanted, S::kIdle, kNoCare},
    {S::kWaitingForManager, E::kConfigChange, C::kHostDown, S::kWaitingForHost, kNoCare},
    {S::kWaitingForManager, E::kConfigChange, C::kManagerDown, S::kWaitingForManager, kNoCare},
    {S::kWaitingForManager, E::kConfigChange, C::kAlways, S::kInFlight, A::kSendStart},

    // ---- waiting for the host: the host-up reconciliation re-derives.
    {S::kWaitingForHost, E::kCrash, C::kAlways, S::kWaitingForHost, kNoCare},
    {S::kWaitingForHost, E::kTimerDue, C::kAlways, S::kWaitingForHost, kNoCare},
    {S::kWaitingForHost, E::kManagerUp, C::kAlways, S::kWaitingForHost, kNoCare},
    {S::kWaitingForHost, E::kStartReply, C::kAlways, S::kWaitingForHost, kNoCare},
    {S::kWaitingForHost, E::kOperatorAction, C::kAlways, S::kIdle, A::kResetStreak},
    {S::kWaitingForHost, E::kHostDown, C::kAlways, S::kWaitingForHost, kNoCare},
    {S::kWaitingForHost, E::kReconciliation, C::kNotWanted, S::kIdle, kNoCare},
    {S::kWaitingForHost, E::kReconciliation, C::kHostDown, S::kWaitingForHost, kNoCare},
    {S::kWaitingForHost, E::kReconciliation, C::kManagerDown, S::kWaitingForManager, kNoCare},
    {S::kWaitingForHost, E::kReconciliation, C::kAlways, S::kInFlight, A::kSendStart},
    {S::kWaitingForHost, E::kConfigChange, C::kNotWanted, S::kIdle, kNoCare},
    {S::kWaitingForHost, E::kConfigChange, C::kAlways, S::kWaitingForHost, kNoCare},

    // ---- in flight: the start's answer (or its deadline) settles it. A status snapshot
    // older than the restart would see the crash that is being repaired: ignored.
    {S::kInFlight, E::kCrash, C::kAlways, S::kInFlightCrashed, kNoCare},
    {S::kInFlight, E::kTimerDue, C::kAlways, S::kInFlight, kNoCare},
    {S::kInFlight, E::kManagerUp, C::kAlways, S::kInFlight, kNoCare},
    // Answered: the node's next event tells how the start went; a start that failed
    // without one (the host did not answer) is found by the next reconciliation.
    {S::kInFlight, E::kStartReply, C::kAlways, S::kIdle, kNoCare},
    {S::kInFlight, E::kOperatorAction, C::kAlways, S::kInFlight, A::kResetStreak},
    {S::kInFlight, E::kHostDown, C::kAlways, S::kInFlight, kNoCare},
    {S::kInFlight, E::kReconciliation, C::kAlways, S::kInFlight, kNoCare},
    {S::kInFlight, E::kConfigChange, C::kAlways, S::kInFlight, kNoCare},

    // ---- in flight, crashed: it died again before we heard back; that crash counts now.
    {S::kInFlightCrashed, E::kCrash, C::kAlways, S::kInFlightCrashed, kNoCare},
    {S::kInFlightCrashed, E::kTimerDue, C::kAlways, S::kInFlightCrashed, kNoCare},
    {S::kInFlightCrashed, E::kManagerUp, C::kAlways, S::kInFlightCrashed, kNoCare},
    {S::kInFlightCrashed, E::kStartReply, C::kNotWanted, S::kIdle, kNoCare},
    {S::kInFlightCrashed, E::kStartReply, C::kStorm, S::kGivenUp, kStormActions},
    {S::kInFlightCrashed, E::kStartReply, C::kAlways, S::kScheduled, kCountAndArm},
    {S::kInFlightCrashed, E::kOperatorAction, C::kAlways, S::kInFlight, A::kResetStreak},
    {S::kInFlightCrashed, E::kHostDown, C::kAlways, S::kInFlightCrashed, kNoCare},
    {S::kInFlightCrashed, E::kReconciliation, C::kAlways, S::kInFlightCrashed, kNoCare},
    {S::kInFlightCrashed, E::kConfigChange, C::kAlways, S::kInFlightCrashed, kNoCare},

    // ---- given up: until someone starts it. A reconciliation that still finds it crashed
    // (the mark_failed was lost) asks again; one that finds it otherwise lets go.
    {S::kGivenUp, E::kCrash, C::kAlways, S::kGivenUp, kNoCare},
    {S::kGivenUp, E::kTimerDue, C::kAlways, S::kGivenUp, kNoCare},
    {S::kGivenUp, E::kManagerUp, C::kAlways, S::kGivenUp, kNoCare},
    {S::kGivenUp, E::kStartReply, C::kAlways, S::kGivenUp, kNoCare},
    {S::kGivenUp, E::kOperatorAction, C::kAlways, S::kIdle, A::kResetStreak},
    {S::kGivenUp, E::kHostDown, C::kAlways, S::kGivenUp, kNoCare},
    {S::kGivenUp, E::kReconciliation, C::kNotWanted, S::kIdle, kNoCare},
    {S::kGivenUp, E::kReconciliation, C::kAlways, S::kGivenUp, A::kMarkFailed},
    {S::kGivenUp, E::kConfigChange, C::kAlways, S::kGivenUp, kNoCare},
};

constexpr std::array<std::string_view, kCareStateCount> kCareStateNames = {
    "idle",
    "scheduled",
    "waiting for the manager",
    "waiting for the host",
    "in flight",
    "in flight, crashed",
    "given up"};
constexpr std::array<std::string_view, kCareEventCount> kCareEventNames = {
    "crash",           "timer due", "manager up",     "start reply",
    "operator action", "host down", "reconciliation", "configuration change"};
constexpr std::array<std::string_view, kCareActionCount> kCareActionNames = {
    "count_crash", "arm_timer",    "cancel_timer", "send_start",
    "mark_failed", "report_storm", "reset_streak"};

}  // namespace

CareVerdict care_verdict(config::RestartMode mode, const CareFacts& facts) {
  if (!facts.crashed) return CareVerdict::kNotCrashed;
  if (!facts.cron_enabled) return CareVerdict::kCronDisabled;
  if (mode == config::RestartMode::kNever) return CareVerdict::kPolicyNever;
  if (mode == config::RestartMode::kOnFailure && facts.clean_exit) {
    return CareVerdict::kPolicyCleanExit;
  }
  return CareVerdict::kRestart;
}

std::span<const CareRow> care_table() {
  return kCareTable;
}

RestartCare::RestartCare(RestartSettings settings, std::function<double()> random01,
                         CareState initial)
    : policy_(settings, std::move(random01)), state_(initial) {}

bool RestartCare::holds(CareCondition c, const CareFacts& facts,
                        SteadyClock::time_point now) const {
  switch (c) {
    case C::kAlways:
      return true;
    case C::kNotWanted:
      return care_verdict(settings().mode, facts) != CareVerdict::kRestart;
    case C::kStorm:
      return policy_.would_give_up(now);
    case C::kHostDown:
      return !facts.host_up;
    case C::kManagerDown:
      return facts.manager_down;
  }
  return false;
}

CareStep RestartCare::handle(CareEvent event, const CareFacts& facts, SteadyClock::time_point now) {
  CareStep step;
  step.from = step.to = state_;
  step.verdict = care_verdict(settings().mode, facts);
  for (const CareRow& row : kCareTable) {
    if (row.from != state_ || row.event != event || !holds(row.when, facts, now)) continue;
    step.to = row.to;
    step.actions = row.actions;
    break;
  }
  if (step.actions.has(A::kResetStreak)) policy_.reset();
  if (step.actions.has(A::kCountCrash)) {
    const RestartDecision d = policy_.on_crash(now);
    step.delay = d.delay;
    step.crashes_in_window = d.crashes_in_window;
  }
  state_ = step.to;
  return step;
}

std::string_view care_state_name(CareState s) {
  const auto i = static_cast<std::size_t>(s);
  return i < kCareStateNames.size() ? kCareStateNames[i] : "unknown";
}

std::string_view care_event_name(CareEvent e) {
  const auto i = static_cast<std::size_t>(e);
  return i < kCareEventNames.size() ? kCareEventNames[i] : "unknown";
}

std::string_view care_verdict_text(CareVerdict v) {
  switch (v) {
    case CareVerdict::kRestart:
      return "restarted";
    case CareVerdict::kNotCrashed:
      return "not crashed";
    case CareVerdict::kCronDisabled:
      return "not restarted: cron is disabled";
    case CareVerdict::kPolicyNever:
      return "not restarted: its restart policy is never";
    case CareVerdict::kPolicyCleanExit:
      return "not restarted: its restart policy is on-failure and it exited with code 0";
  }
  return "unknown";
}

std::string care_actions_to_string(CareActions actions) {
  std::string out;
  for (std::size_t i = 0; i < kCareActionCount; ++i) {
    if ((actions.bits() & (1U << i)) == 0) continue;
    if (!out.empty()) out += '|';
    out += kCareActionNames[i];
  }
  return out.empty() ? "none" : out;
}

}  // namespace bc::collector
