#pragma once
// "Standalone needs no setup": before a command that needs the cluster's daemons, the
// shell starts those of this machine that are not running — broker, supervisor and
// collector of a standalone configuration — detached, so that later commands reuse them.
// Production hosts run them from the systemd units in dist/systemd/ instead.

#include <string>

#include "common/status.h"
#include "shell/shell_context.h"

namespace bc::shell {

// Starts whatever local daemon is missing; a no-op for a non-standalone cluster (there
// the daemons are the hosts' business). Prints one line per daemon it starts.
Status ensure_local_daemons(ShellContext& ctx);

// True when another process holds the flock of this pid file (the daemon runs).
bool pid_file_held(const std::string& path);

// The path of a BroCluster executable: next to the running shell, else in BinDir.
std::string find_executable(const std::string& name, const std::string& bin_dir);

}  // namespace bc::shell
