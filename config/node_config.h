#pragma once
// etc/node.cfg: INI sections, one per node (or per lb_procs group, expanded into
// <name>-1 .. <name>-N). Keys: type, host, interface, aux_scripts, lb_procs, lb_method,
// lb_interfaces, pin_cpus, env_vars, zone_id, program, profile, and the restart_* keys of
// the restart policy (docs/CONFIG.md). Every key of zeekctl's node.cfg is one of them.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/diagnostics.h"

namespace bc::config {

// Declaration order is start order (stop order is the reverse).
enum class NodeType { kStandalone, kLogger, kManager, kProxy, kWorker };

std::string_view node_type_name(NodeType type);
std::optional<NodeType> node_type_from_name(std::string_view name);  // case-insensitive

using EnvVars = std::vector<std::pair<std::string, std::string>>;

struct NodeSpec {
  std::string name;
  NodeType type = NodeType::kWorker;
  std::string host;     // as written in node.cfg
  std::string address;  // resolved numeric address of host
  std::string interface;
  std::vector<std::string> aux_scripts;
  std::vector<int> pin_cpus;      // after lb_procs expansion: the CPUs of this one process
  EnvVars env_vars;               // global env_vars overlaid by the node's own
  std::string program;            // per-node program; empty = the NodeProgram option
  std::vector<std::string> args;  // args= of node.cfg, after BroArgs (default program only)
  std::string profile;            // per-node profile (node_profile.h); empty = NodeProfile
  std::string lb_group;           // section name when expanded from lb_procs, else empty
  int lb_index = 0;               // 1-based index within lb_group, 0 when not expanded
  int lb_procs = 0;               // lb_procs of the section (0 when unset)
  std::string lb_method;          // zeekctl's lb_method (af_packet, pf_ring, ...), lower case
  std::string zone_id;            // zeekctl's zone_id (RFC 4007), kept and shown
  EnvVars restart;                // restart_* keys of the section (validated), see CONFIG.md
  int line = 0;                   // line of the [section] header in node.cfg
};

// Returns the numeric address of a host name, or nullopt when it cannot be resolved.
// Injected so that tests do not depend on DNS.
using HostResolver = std::function<std::optional<std::string>(const std::string& host)>;
// getaddrinfo-based resolver (numeric addresses, /etc/hosts, then DNS).
HostResolver system_resolver();

// Parses and validates node.cfg; see docs/CONFIG.md for every rule. `global_env_vars`
// is the env_vars option of cluster.cfg ("K=V, K2=V2"). Invalid sections are reported
// and left out of the result.
std::vector<NodeSpec> parse_node_config(std::string_view text, const std::string& file,
                                        std::string_view global_env_vars,
                                        const HostResolver& resolver, Diagnostics& diags);

// node.cfg keys that override the collector's restart policy for one node.
bool is_restart_key(std::string_view key);

// "K=V, K2=V2" -> pairs; false on a malformed item (the message explains which).
bool parse_env_vars(std::string_view text, EnvVars* out, std::string* error);

}  // namespace bc::config
