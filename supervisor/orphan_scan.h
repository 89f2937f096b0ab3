#pragma once
// The last line of defence against a second copy of a node: a process of ours that the
// state file does not know about (state file lost or corrupt, supervisor killed between
// spawn and save) is found by the CLUSTER_SPOOL variable every node is started with. Only
// the node's main process counts — the leader of its own process group — not the helpers
// it forked, which inherit the same environment.

#include <sys/types.h>

#include <string>

namespace bc::sup {

// The pid of the process-group leader whose environment holds CLUSTER_SPOOL=<spool>, or 0.
pid_t find_node_process(const std::string& proc_root, const std::string& spool);

}  // namespace bc::sup
