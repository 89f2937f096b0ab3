#pragma once
// This machine's daemons as the configuration has them — the broker and the collector
// where BrokerHost is this machine, the supervisor of this machine's node.cfg host — and
// how the shell starts, stops and finds them. "Standalone needs no setup", and neither
// does a one-box cluster (shell/local_host.h): before a command that needs the daemons,
// the shell starts those that are not running, detached, so that later commands reuse
// them. Other hosts run them from the systemd units in dist/systemd/ or with
// `brocluster daemons start` (docs/DAEMONS.md).

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"
#include "shell/shell_context.h"

namespace bc::shell {

struct LocalDaemon {
  std::string name;        // "broker", "supervisor", "collector", "web"
  std::string executable;  // "brocluster-broker"
  std::string pid_file;    // SpoolDir/<name>.pid
  std::string log_file;    // SpoolDir/<name>.log
  std::string endpoint;    // where it serves (the broker: its subscribe side)
  std::string host;        // the node.cfg host it serves (the supervisor)
  // False for a daemon the cluster runs without (brocluster-web only watches): a start
  // that fails is a warning, not a failed command.
  bool required = true;
};

// brocluster-web's address: "http://<WebAddress>:<WebPort>/".
std::string web_url(const config::Cluster& cluster);

// The node.cfg host that is this machine: `requested` when given (it must be one of
// node.cfg's hosts), else the only local one. kNotFound when none is, kInvalidArgument
// when several are and none was asked for.
Result<std::string> this_host(const config::Cluster& cluster, const std::string& requested);

// The daemons `host` runs, in start order: broker, supervisor, collector, web (all but the
// supervisor only where BrokerHost is `host`, or this machine when no node runs there).
std::vector<LocalDaemon> daemons_of(const config::Cluster& cluster, const std::string& host);

// Starts whatever local daemon is missing when every host of node.cfg is this machine
// (standalone or one-box) and StartLocalDaemons is on; a no-op otherwise (there the
// daemons are the hosts' business). Prints one line per daemon it starts. brocluster-web
// failing to start is a warning: no command needs it.
Status ensure_local_daemons(ShellContext& ctx);

// Makes the bus keys of a cluster that has none yet (a standalone or one-box cluster is
// secured like any other; its keys are made at its first start).
Status ensure_bus_keys(ShellContext& ctx);

// Starts `d` unless it runs; prints "starting <executable> ..." to err(). A daemon that
// fails is reported as soon as it has ended, by its own error line and its log file.
Status start_daemon(ShellContext& ctx, const LocalDaemon& d);

// Ends `d` (SIGTERM, then SIGKILL after `grace`) and waits until it is gone. A daemon
// that does not run is fine. The supervisor's nodes keep running (they are stopped by
// `stop`, not by the end of their supervisor).
Status stop_daemon(const LocalDaemon& d, std::chrono::milliseconds grace);

// The pid of the running daemon: the pid in its pid file while another process holds the
// file's lock, else 0. A pid file without a lock holder is stale, whatever pid it names.
pid_t running_pid(const LocalDaemon& d);

// True when another process holds the flock of this pid file (the daemon runs).
bool pid_file_held(const std::string& path);

// The path of a BroCluster executable: next to the running shell, else in BinDir.
std::string find_executable(const std::string& name, const std::string& bin_dir);

// What to do when the supervisor of `host` does not answer, for messages.
std::string supervisor_start_hint(const std::string& host);

}  // namespace bc::shell
