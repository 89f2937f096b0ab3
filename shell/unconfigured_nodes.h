#pragma once
// Nodes that run but are no longer configured: an install removed them from node.cfg while
// they ran, and their supervisor keeps them (supervisor/node_registry.h) until they are
// stopped. The edited node.cfg does not know them, so the shell learns of them from the
// `status` replies (`configured: false`) of the hosts node.cfg still names. `status` lists
// them, `stop` stops them, `install` names them, `start`/`restart` refuse them by name.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/node_config.h"
#include "messages/value.h"
#include "shell/cluster_client.h"
#include "shell/shell_context.h"

namespace bc::shell {

struct UnconfiguredNode {
  config::NodeSpec spec;  // name, type and host, as the supervisor reports them
  std::string state;
  std::int64_t pid = 0;
  std::int64_t started_us = 0;
  std::string version;  // the installed version its process was started from
};

// The nodes of one supervisor `status` result that are no longer configured. Pure.
std::vector<UnconfiguredNode> unconfigured_in(const std::string& host, const msg::Value& result);

// Asks the supervisors of `hosts` (one `status` each, in parallel, CommTimeout). A host
// that does not answer is left out: callers report unreachable hosts their own way. The
// replies go to `replies` too when given (stop reuses them).
std::vector<UnconfiguredNode> find_unconfigured(ShellContext& ctx,
                                                const std::vector<std::string>& hosts,
                                                std::vector<Outcome>* replies = nullptr);

// "worker-3 on 127.0.0.2 is running but no longer configured; 'stop worker-3' ends it"
std::string unconfigured_line(const UnconfiguredNode& node);
// [{name, type, host, state, pid, started, version}] for --json.
msg::Value unconfigured_json(const std::vector<UnconfiguredNode>& nodes);

// Whether `node` is among the nodes `args` (names and groups, as select_nodes takes them)
// select; empty `args` selects every node. Pure.
bool selected_by(const config::NodeSpec& node, const std::vector<std::string>& args);

// The [<nodes>] argument resolved against node.cfg and the supervisors.
struct NodeSelection {
  std::vector<config::NodeSpec> configured;  // from node.cfg, in type order
  std::vector<UnconfiguredNode> unconfigured;
  // The hosts' status replies when the supervisors were asked: stop's first look at the
  // nodes' states, so that it does not ask again.
  std::vector<Outcome> host_status;
  // Both, as one list for start_stages() (which puts each node in its type's stage).
  std::vector<config::NodeSpec> all() const;
};

// Names and groups of node.cfg select from it; the supervisors are asked for the nodes
// that are no longer configured when `ask_supervisors` is set or a name is unknown to
// node.cfg, and those that `args` select are added. nullopt after printing "unknown node"
// for a name neither knows (or the configuration's errors).
std::optional<NodeSelection> select_with_unconfigured(ShellContext& ctx,
                                                      const std::vector<std::string>& args,
                                                      bool ask_supervisors);

// For start and restart, which cannot act on such nodes: prints an error naming each of
// `selection`'s unconfigured nodes and how to end it; false when there were any.
bool refuse_unconfigured(ShellContext& ctx, const NodeSelection& selection, const char* verb);

}  // namespace bc::shell
