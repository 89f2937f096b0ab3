#include "common/node_state.h"

#include <array>

namespace bc {
namespace {

// The same names and order as msg::kNodeStates (messages/node_events.h), which a test checks.
constexpr std::array<std::string_view, 7> kNodeStateNames = {
    "stopped", "initializing", "running", "terminating", "crashed", "failed", "unknown"};

}  // namespace

std::string_view node_state_name(NodeState s) {
  const auto i = static_cast<std::size_t>(s);
  return i < kNodeStateNames.size() ? kNodeStateNames[i] : "unknown";
}

std::optional<NodeState> node_state_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kNodeStateNames.size(); ++i) {
    if (kNodeStateNames[i] == name) return static_cast<NodeState>(i);
  }
  return std::nullopt;
}

NodeState node_state_or_unknown(std::string_view name) {
  return node_state_from_name(name).value_or(NodeState::kUnknown);
}

std::string_view desired_state_name(DesiredState d) {
  return d == DesiredState::kRunning ? "running" : "stopped";
}

std::optional<DesiredState> desired_state_from_name(std::string_view name) {
  if (name == "running") return DesiredState::kRunning;
  if (name == "stopped") return DesiredState::kStopped;
  return std::nullopt;
}

}  // namespace bc
