#pragma once
// The supervisor's memory across its own restarts: for every node its lifecycle state,
// desired state, pid and process start time. Written on every change into alternating
// slot files (common/slot_file.h), so a supervisor killed at any instant leaves either the
// old or the new state, never a torn one. The file also records the kernel's boot id:
// after a reboot no pid in it can be ours, whatever /proc says.
//
// Not fsync'ed: the failure it defends against is the supervisor dying, which the page
// cache survives; a power failure also ends every node, which the boot id reveals. An
// fsync costs 4-10 ms on our machines and would sit on the crash-repair path.

#include <cstdint>
#include <map>
#include <string>

#include "common/slot_file.h"
#include "common/status.h"
#include "supervisor/lifecycle.h"

namespace bc::sup {

struct PersistedNode {
  NodeState state = NodeState::kStopped;
  DesiredState desired = DesiredState::kStopped;
  std::int64_t pid = 0;
  std::uint64_t start_ticks = 0;
  std::int64_t started_at_us = 0;
  // What a restarted supervisor needs of a node that an install removed while it ran
  // (node_registry.h); files of earlier versions lack them: configured, the rest empty.
  bool configured = true;
  std::string type;             // node.cfg type name ("worker")
  std::string program;          // the node's own program; empty = NodeProgram
  std::string started_version;  // installed version the process was started from
  bool operator==(const PersistedNode&) const = default;
};

struct PersistedState {
  std::string host;
  std::string boot_id;
  std::uint64_t version = 0;  // state_version of the heartbeat
  std::map<std::string, PersistedNode> nodes;
  bool operator==(const PersistedState&) const = default;
};

std::string encode_state(const PersistedState& state);
// kBadMessage when the bytes are not a state file we wrote.
Result<PersistedState> decode_state(std::string_view bytes);

// <spool>/supervisor.state.{a,b}. A state file of the single-file format (BroCluster
// up to 0.1, written by rename to <spool>/supervisor.state) is still read when no slot
// exists, so a supervisor upgraded while its nodes run re-adopts them.
class StateFile {
 public:
  explicit StateFile(std::string path);
  // kNotFound when there is no state yet (a first start).
  Result<PersistedState> load();
  Status save(const PersistedState& state);

 private:
  std::string legacy_path_;
  SlotFile slots_;
};

// /proc/sys/kernel/random/boot_id, empty when unreadable.
std::string current_boot_id();

}  // namespace bc::sup
