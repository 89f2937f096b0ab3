#pragma once
// A node's state and desired state as typed values, shared by everyone who reads them: the
// supervisor's lifecycle table (supervisor/lifecycle.h) moves a node between them, the
// collector's restart care (collector/restart_care.h) reads them, and both decode the wire
// names (msg::kNodeStates in messages/node_events.h) once, at the edge, through these functions.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

// In common/ rather than messages/: the supervisor's lifecycle table (in its OS layer, below
// messages) uses it too.

namespace bc {

// Wire and file names: "stopped", "initializing", "running", "terminating", "crashed",
// "failed", "unknown". The numbers are persisted by the supervisor, so append only.
enum class NodeState : std::uint8_t {
  kStopped = 0,
  kInitializing = 1,
  kRunning = 2,
  kTerminating = 3,
  kCrashed = 4,
  kFailed = 5,
  // Not a lifecycle state: what an observer knows before anyone told it (the collector's
  // view before its first reconciliation). The supervisor never enters it.
  kUnknown = 6,
};
// The lifecycle's states: kStopped .. kFailed (kUnknown is only an observer's).
inline constexpr std::size_t kLifecycleStateCount = 6;

// What the user last asked for; the collector restarts a crashed node only while its
// desired state is running.
enum class DesiredState : std::uint8_t { kStopped = 0, kRunning = 1 };

std::string_view node_state_name(NodeState s);
std::optional<NodeState> node_state_from_name(std::string_view name);
// Decoding for observers: a name that is not a state is kUnknown.
NodeState node_state_or_unknown(std::string_view name);
std::string_view desired_state_name(DesiredState d);
std::optional<DesiredState> desired_state_from_name(std::string_view name);

}  // namespace bc
