#pragma once
// The node lifecycle of the supervisor as one explicit (state x event -> next state +
// actions) table. This module decides; it does nothing: the supervisor feeds it events
// (commands, exits, timers, adoption results), gets back the actions to perform (spawn,
// signal, arm timers, reply, write a crash record, publish, persist) and performs them
// in the order the Action enum lists them. Pure and deterministic: tested cell by cell,
// without forking.
//
//   stopped --start--> initializing --ready--> running --stop--> terminating --exit--> stopped
//   initializing/running --exit--> crashed --start--> initializing
//   crashed --mark_failed (restart-storm guard)--> failed --start--> initializing
//
// Every command event (start, stop, cleanup, mark_failed) has a row in every state, so a
// request always gets an answer. Internal events (exits, timers, readiness, adoption) that
// arrive in a state where they make no sense — a stale timer, a duplicate exit — have no
// row: handle() returns valid=false and changes nothing, and the caller logs and ignores.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/node_state.h"
#include "supervisor/reaper.h"

namespace bc::sup {

// The states and desired states (common/node_state.h, shared with the collector). The
// lifecycle uses kStopped .. kFailed; kUnknown is only an observer's.
using NodeState = bc::NodeState;
inline constexpr std::size_t kNodeStateCount = bc::kLifecycleStateCount;
using DesiredState = bc::DesiredState;

enum class NodeEvent : std::uint8_t {
  // Commands: always answered.
  kStart,       // start request (from the shell, or the collector restarting a crash)
  kStop,        // stop request
  kCleanup,     // reset a crashed/failed node to stopped (its spool may then be cleared)
  kMarkFailed,  // the collector's restart-storm guard gives up on a crashed node
  // Internal events: a row exists only where they make sense.
  kSpawnFailed,   // the Spawner returned an error
  kReady,         // control endpoint said ready, or the grace time passed without exit
  kExitClean,     // exited (any code) or died of SIGTERM/SIGKILL, no core
  kExitAbnormal,  // died of another signal, or dumped core
  kStopTimeout,   // StopTimeout passed after SIGTERM
  kKillTimeout,   // the process is still there some time after SIGKILL
  kAdoptAlive,    // supervisor restart: persisted pid alive with the same start time
  kAdoptDead,     // supervisor restart: persisted pid gone (or recycled)
};
inline constexpr std::size_t kNodeEventCount = 12;

// One bit per action. The caller performs them in the order listed here: parked requests
// first, then the process, timers, the crash record and the state file (durable before
// announced), then replies, and the published event last.
// If kSpawn fails, the caller abandons the remaining actions of that transition and
// handles kSpawnFailed instead (its reply answers the start request parked just before).
// "Reply" actions answer the current request, unless it was parked, and every parked
// request of that kind.
enum class Action : std::uint32_t {
  kCancelTimers = 1U << 0,       // ready / stop / kill timers of this node
  kAwaitStart = 1U << 1,         // park the start request until the start completes
  kAwaitStop = 1U << 2,          // park the stop request until the process is gone
  kSpawn = 1U << 3,              // run the node program
  kSendTerm = 1U << 4,           // SIGTERM to the process group
  kSendKill = 1U << 5,           // SIGKILL to the process group
  kArmReadyTimer = 1U << 6,      // grace time -> kReady (when there is no control endpoint)
  kArmStopTimer = 1U << 7,       // StopTimeout -> kStopTimeout
  kArmKillTimer = 1U << 8,       // kill-verify time -> kKillTimeout
  kPersist = 1U << 9,            // the supervisor's state file (written at the end of the turn)
  kReplyStartOk = 1U << 10,      // start requests: ok
  kReplyStartFailed = 1U << 11,  // start requests: kFailed with the row's note
  kReplyStopOk = 1U << 12,       // stop requests: ok, with killed()
  kReplyStopCrashed = 1U << 13,  // stop requests: ok, but it crashed during shutdown
  kReplyStopFailed = 1U << 14,   // stop requests: kTimeout, still alive after SIGKILL
  kReplyOk = 1U << 15,           // cleanup / mark_failed request: ok
  kReplyConflict = 1U << 16,     // the current request: kConflict with the row's note
  kPublish = 1U << 17,           // node.<host>.<node> event with the new state
  kWriteCrashRecord = 1U << 18,  // to TmpDir, then the crash event; after the state change
                                 // is out, so that the collector's restart is not delayed
};
inline constexpr std::size_t kActionCount = 19;

// A set of actions. constexpr so the table below is data.
class Actions {
 public:
  constexpr Actions() = default;
  constexpr Actions(Action a) : bits_(static_cast<std::uint32_t>(a)) {}  // NOLINT
  constexpr bool has(Action a) const { return (bits_ & static_cast<std::uint32_t>(a)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr std::uint32_t bits() const { return bits_; }
  friend constexpr Actions operator|(Actions a, Actions b) { return from_bits(a.bits_ | b.bits_); }
  constexpr bool operator==(const Actions&) const = default;
  static constexpr Actions from_bits(std::uint32_t b) {
    Actions a;
    a.bits_ = b;
    return a;
  }

 private:
  std::uint32_t bits_ = 0;
};
constexpr Actions operator|(Action a, Action b) {
  return Actions(a) | Actions(b);
}

enum class DesiredChange : std::uint8_t { kKeep, kRunning, kStopped };

// One row of the table: in state `from`, `event` leads to `to`, sets the desired state,
// and asks for `actions`. `note` is the message of a failure/conflict reply, or why.
struct TransitionRow {
  NodeState from;
  NodeEvent event;
  NodeState to;
  DesiredChange desired;
  Actions actions;
  std::string_view note;
};

std::span<const TransitionRow> transition_table();
// nullptr: no transition for this pair.
const TransitionRow* find_transition(NodeState from, NodeEvent event);

struct Transition {
  bool valid = false;  // false: no row; state unchanged, no actions; log and ignore
  NodeState from = NodeState::kStopped;
  NodeState to = NodeState::kStopped;
  Actions actions;
  std::string_view note;
};

// One node's position in the lifecycle. Owned by the supervisor's node table; used from
// the event loop thread only.
class NodeLifecycle {
 public:
  NodeLifecycle() = default;
  // Restores a persisted position (supervisor restart, before the adopt events).
  NodeLifecycle(NodeState state, DesiredState desired) : state_(state), desired_(desired) {}

  NodeState state() const { return state_; }
  DesiredState desired() const { return desired_; }
  // True once SIGKILL was sent during the current stop; the stop reply reports it.
  bool killed() const { return killed_; }

  Transition handle(NodeEvent event);

 private:
  NodeState state_ = NodeState::kStopped;
  DesiredState desired_ = DesiredState::kStopped;
  bool killed_ = false;
};

// kExitAbnormal if the process dumped core or died of a signal other than the SIGTERM and
// SIGKILL the supervisor sends when stopping; kExitClean otherwise (any exit code).
NodeEvent exit_event(const ExitInfo& info);

std::string_view state_name(NodeState s);
// True for the states in which the node has a process (initializing, running, terminating).
bool has_process(NodeState s);
std::optional<NodeState> state_from_name(std::string_view name);
std::string_view desired_name(DesiredState d);
std::optional<DesiredState> desired_from_name(std::string_view name);
std::string_view event_name(NodeEvent e);
std::string_view action_name(Action a);
// "spawn|arm_ready_timer|publish" in execution order; "none" when empty.
std::string actions_to_string(Actions actions);

}  // namespace bc::sup
