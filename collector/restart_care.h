#pragma once
// The collector's care of one node as one explicit (state x event -> next state + actions)
// table, as supervisor/lifecycle.h is for the supervisor. This module decides; it does
// nothing: the collector feeds it events with the facts they rest on (derived afresh from
// its view every time), gets back the actions (count the crash, arm or cancel the restart
// timer, send `start`, mark the node failed) and performs them. Pure and deterministic:
// time is passed in; tested cell by cell.
//
//   idle --crash--> scheduled --timer due--> in flight --start reply--> idle
//                           \--> waiting for the manager / for the host --(re-derived)--> in flight
//   in flight --crash--> in flight, crashed --start reply--> scheduled (the crash counts now)
//   (the crash that trips the storm guard) --> given up --operator start--> idle
//
// No state is entered without a way out that does not depend on one particular event:
// every reconciliation (cron, host up, sequence gap, an install) re-derives the waiting
// states from the facts, so a lost manager `running` event costs one reconciliation, not
// the cluster's repairs; `in flight` ends with the start's answer, which has a deadline;
// `scheduled` with its timer; `given up` with an operator's start (or a reconciliation that
// finds the node no longer crashed).
//
// Owned by the collector's event loop, one per node.

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "collector/restart_policy.h"

namespace bc::collector {

enum class CareState : std::uint8_t {
  kIdle,               // nothing to do: running, stopped, or not to be restarted
  kScheduled,          // a restart timer is armed (backoff; 0 ms runs in the same loop turn)
  kWaitingForManager,  // due, but a manager (or logger) that should run does not
  kWaitingForHost,     // due, but the node's host sends no heartbeats
  kInFlight,           // our `start` is not answered yet
  kInFlightCrashed,    // ... and a crash was seen meanwhile (counted when the answer comes)
  kGivenUp,            // the storm guard tripped: marked failed until someone starts it
};
inline constexpr std::size_t kCareStateCount = 7;

enum class CareEvent : std::uint8_t {
  kCrash,           // a node_state event: the node crashed
  kTimerDue,        // the scheduled restart's time has come
  kManagerUp,       // a manager-like node reached running
  kStartReply,      // our `start` was answered, or its deadline passed
  kOperatorAction,  // someone else started or stopped the node: its streak is forgotten
  kHostDown,        // the node's host stopped sending heartbeats
  kReconciliation,  // the node's supervisor's status was applied to the view
  kConfigChange,    // an install changed the configuration (the settings are already new)
};
inline constexpr std::size_t kCareEventCount = 8;

// What a decision rests on, derived by the collector from its view for every event.
struct CareFacts {
  bool crashed = false;       // state crashed and desired running
  bool clean_exit = false;    // the crash was an exit with code 0 (no signal, no core)
  bool cron_enabled = true;   // `cron disable` stops all automatic care
  bool host_up = true;        // the node's host sends heartbeats
  bool manager_down = false;  // a manager-like node that should run does not (always
                              // false for manager-like and standalone nodes themselves)
};

// Why a crashed node is or is not restarted (for the logs and the crash mail).
enum class CareVerdict : std::uint8_t {
  kRestart,          // crashed, and the configuration says restart it
  kNotCrashed,       // running, stopped, failed, or desired stopped
  kCronDisabled,     // `cron disable`
  kPolicyNever,      // restart_policy never
  kPolicyCleanExit,  // restart_policy on-failure and the node exited with code 0
};
CareVerdict care_verdict(config::RestartMode mode, const CareFacts& facts);

// A row's condition, tried in table order; the first row of a (state, event) pair whose
// condition holds applies. Every pair ends with a kAlways row.
enum class CareCondition : std::uint8_t {
  kAlways,
  kNotWanted,    // the verdict is not kRestart
  kStorm,        // counting this crash trips the storm guard
  kHostDown,     // !facts.host_up
  kManagerDown,  // facts.manager_down
};

enum class CareAction : std::uint8_t {
  kCountCrash = 1U << 0,   // count the crash in the RestartPolicy; its delay arms the timer
  kArmTimer = 1U << 1,     // schedule kTimerDue after the counted crash's delay
  kCancelTimer = 1U << 2,  // drop the scheduled restart
  kSendStart = 1U << 3,    // ask the node's supervisor to `start` it
  kMarkFailed = 1U << 4,   // ask the node's supervisor to mark it failed
  kReportStorm = 1U << 5,  // alert.restart-storm and its mail (once per storm)
  kResetStreak = 1U << 6,  // forget the crash history: a fresh start
};
inline constexpr std::size_t kCareActionCount = 7;

class CareActions {
 public:
  constexpr CareActions() = default;
  constexpr CareActions(CareAction a) : bits_(static_cast<std::uint8_t>(a)) {}  // NOLINT
  constexpr bool has(CareAction a) const { return (bits_ & static_cast<std::uint8_t>(a)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr std::uint8_t bits() const { return bits_; }
  friend constexpr CareActions operator|(CareActions a, CareActions b) {
    CareActions out;
    out.bits_ = static_cast<std::uint8_t>(a.bits_ | b.bits_);
    return out;
  }
  constexpr bool operator==(const CareActions&) const = default;

 private:
  std::uint8_t bits_ = 0;
};
constexpr CareActions operator|(CareAction a, CareAction b) {
  return CareActions(a) | CareActions(b);
}

struct CareRow {
  CareState from;
  CareEvent event;
  CareCondition when;
  CareState to;
  CareActions actions;
};

std::span<const CareRow> care_table();

struct CareStep {
  CareState from = CareState::kIdle;
  CareState to = CareState::kIdle;
  CareActions actions;
  CareVerdict verdict = CareVerdict::kNotCrashed;
  Duration delay{0};          // with kArmTimer
  int crashes_in_window = 0;  // with kCountCrash
};

class RestartCare {
 public:
  // `random01` returns a number in [0, 1) for the backoff's jitter. `initial` is for tests
  // that start in a given cell.
  RestartCare(RestartSettings settings, std::function<double()> random01,
              CareState initial = CareState::kIdle);

  CareStep handle(CareEvent event, const CareFacts& facts, SteadyClock::time_point now);
  // The node reached running at `now` (a stable run forgets its streak).
  void on_running(SteadyClock::time_point now) { policy_.on_running(now); }
  // An install's settings: they apply from the next crash on.
  void set_settings(const RestartSettings& settings) { policy_.set_settings(settings); }
  const RestartSettings& settings() const { return policy_.settings(); }
  CareState state() const { return state_; }

 private:
  bool holds(CareCondition c, const CareFacts& facts, SteadyClock::time_point now) const;

  RestartPolicy policy_;
  CareState state_ = CareState::kIdle;
};

std::string_view care_state_name(CareState s);
std::string_view care_event_name(CareEvent e);
std::string_view care_verdict_text(CareVerdict v);
// "count_crash|arm_timer" in bit order; "none" when empty.
std::string care_actions_to_string(CareActions actions);

}  // namespace bc::collector
