#pragma once
// The rules of the supervisor's node table that do not need a running daemon, decided
// here and performed by the Supervisor, so that each case is unit-tested:
// - what an install does to each node (added, updated, removed, or kept "not configured"
//   because its process still runs: docs/DECISIONS.md, "Nodes removed while running");
// - which nodes a request's `nodes` argument selects;
// - when a node that is no longer configured leaves the table;
// - what a restarted supervisor rebuilds of such a node from its state file.

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/node_config.h"
#include "supervisor/lifecycle.h"
#include "supervisor/state_store.h"

namespace bc::sup {

enum class InstallFate : std::uint8_t {
  kAdded,         // new in the snapshot: added, stopped
  kUpdated,       // in both: the next start uses the new definition
  kUnconfigured,  // gone from the snapshot while its process runs: kept until it ends
  kRemoved,       // gone from the snapshot, no process: leaves the table
};
std::string_view install_fate_name(InstallFate fate);

struct KnownNode {
  std::string name;
  bool has_process = false;
};

// The fate of every node of `known` and of `fresh`, by name.
std::map<std::string, InstallFate> plan_install(const std::vector<KnownNode>& known,
                                                const std::vector<config::NodeSpec>& fresh);

// True when a node that is no longer configured can leave the table: its process is gone
// and its crash record, if any, has been announced.
bool should_retire(bool configured, NodeState state, bool record_pending);

// The node names a request selects: `configured` (in start order) then `unconfigured`
// when `requested` is empty; else those named in `requested`, in that same order; with
// `with_unconfigured`, every unconfigured node as well. kNotFound names the first unknown
// name and `host`.
Result<std::vector<std::string>> select_names(const std::vector<std::string>& configured,
                                              const std::vector<std::string>& unconfigured,
                                              const std::vector<std::string>& requested,
                                              bool with_unconfigured, const std::string& host);

// The definition a restarted supervisor gives a node its state file knows but its
// installed snapshot does not: enough to watch, report and stop it (name, type, host,
// program), never to start it.
config::NodeSpec unconfigured_spec(const std::string& name, const std::string& host,
                                   const PersistedNode& saved);

}  // namespace bc::sup
