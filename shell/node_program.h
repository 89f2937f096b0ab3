#pragma once
// Where the shell finds brocluster-node for the work it does locally on the edited files
// (check, scripts, process): the policy scripts are in brocluster-node's language, so it is
// the one that parses them even when nodes run another NodeProgram.

#include <string>

#include "config/cluster.h"

namespace bc::shell {

// NodeProgram when it is brocluster-node, else the bundled one next to the shell (an
// installed bin/ or the build tree's node/process/), else BinDir's. Empty when none exists.
std::string find_node_program(const config::Cluster& cluster);

// <SpoolDir>/installed/current when an installed snapshot exists, else empty.
std::string installed_snapshot(const config::Cluster& cluster);

}  // namespace bc::shell
