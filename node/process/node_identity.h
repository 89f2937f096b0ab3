#pragma once
// Who this node process is and where it works: the CLUSTER_* environment the supervisor
// sets (docs/NODE-PROGRAM.md), overridden by command-line flags for runs outside the
// supervisor, resolved against the cluster configuration of the BroBase. Built once at
// start by main; read-only afterwards.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/cluster.h"
#include "config/node_config.h"

namespace bc::node {

// Flags that override the environment; empty/unset = take the environment's value.
struct IdentityOverrides {
  std::string base;
  std::string node;
  std::string type;
  std::optional<std::string> interface;    // -i
  std::string install;                     // --install
  std::vector<std::string> extra_scripts;  // --load, after the node's own scripts
};

// Reads one environment variable; nullopt when unset. Injected so tests need no setenv.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

struct NodeIdentity {
  config::NodeSpec spec;             // type, host, address, interface, lb_* after overrides
  std::string base;                  // BroBase
  std::string spool;                 // working directory (logs, .status, .control, trace.pcap)
  std::string control;               // ipc:// endpoint of the control protocol
  int notify_fd = -1;                // readiness pipe, -1 when there is none
  std::vector<std::string> scripts;  // CLUSTER_SCRIPTS, or node_scripts() of the spec
  bool scripts_from_env = false;
};

// Resolves the identity. `cluster` must be loaded from the same base. Errors name the
// variable or flag that was wrong (unknown node, bad type, bad CLUSTER_NOTIFY_FD).
Result<NodeIdentity> resolve_identity(const config::Cluster& cluster,
                                      const IdentityOverrides& overrides, const EnvLookup& env);

// The BroBase: --base, else $CLUSTER_BASE, else the shell's default.
std::string resolve_base(const IdentityOverrides& overrides, const EnvLookup& env);

// The installed snapshot the configuration and scripts come from: --install, else
// $CLUSTER_INSTALL (set by the supervisor), else none (the BroBase's own files, as `check`
// and `scripts -c` want them).
std::string resolve_install(const IdentityOverrides& overrides, const EnvLookup& env);

}  // namespace bc::node
