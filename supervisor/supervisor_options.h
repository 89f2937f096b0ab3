#pragma once
// Everything a supervisor needs to know, resolved once from the cluster configuration:
// which host it is, where it listens and publishes, where its files go, its timeouts, and
// the nodes it owns. Building it is where a supervisor refuses a host name that runs no
// node, so that a typo in --host is an error at start, not a silent idle daemon.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/cluster.h"
#include "security/bus_security.h"

namespace bc::sup {

using Millis = std::chrono::milliseconds;

struct SupervisorOptions {
  std::string host;             // as node.cfg names it
  std::string base_dir;         // BroBase
  std::string spool_dir;        // SpoolDir: node working dirs, our state, log, pid file
  std::string tmp_dir;          // TmpDir: crash records, exec output
  std::string log_dir;          // LogDir
  std::string bind_endpoint;    // our ROUTER
  std::string broker_endpoint;  // broker publish-in (XSUB)
  std::string node_program;     // NodeProgram
  std::vector<std::string> bro_args;
  // Broker subscribe-out (XPUB), where the supervisor hears its own heartbeat come back
  // before it publishes its start-up events (bus_gate.h); empty: publish at once.
  std::string broker_sub_endpoint;
  std::uint64_t mem_limit_bytes = 0;
  // CrashCoreMaxSize: a node's core file up to this size moves into its crash record; a
  // larger one is deleted (the record says so). 0: no core is kept.
  std::uint64_t crash_core_max_bytes = 512ull << 20;
  // Where the kernel says how core files are named (tests point it at a file of theirs).
  std::string core_pattern_file = "/proc/sys/kernel/core_pattern";
  Millis stop_timeout{10000};
  Millis kill_verify{2000};  // after SIGKILL, how long until "still alive" is an error
  Millis ready_grace{1000};
  Millis start_timeout{30000};
  Millis heartbeat_interval{1000};
  Millis stats_interval{10000};
  bool debug = false;
  std::vector<std::string> df_paths;    // BroBase, SpoolDir, LogDir, TmpDir (as configured)
  std::vector<config::NodeSpec> nodes;  // ours, in start order
  // The host of the manager (or standalone node), whose Zeek listens for the control
  // channel (docs/ZEEK.md); "" when there is none.
  std::string manager_host;
  config::ClusterConfig cluster_options;  // for per-node script lists
  // CURVE keys of this host (BusSecurity); nullptr or disabled: plain TCP.
  std::shared_ptr<const security::BusSecurity> security;
};

// The host this process serves: `requested` when given (must run a node), else the only
// host of the cluster, else an error asking for --host.
Result<std::string> choose_host(const config::Cluster& cluster, const std::string& requested);

Result<SupervisorOptions> supervisor_options(const config::Cluster& cluster,
                                             const std::string& host);

}  // namespace bc::sup
