#pragma once
// The [<nodes>] argument of cluster commands, turned into nodes grouped the ways the
// commands need them: by host (one request per host) and by start stage.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/node_config.h"
#include "messages/value.h"
#include "shell/shell_context.h"

namespace bc::shell {

// The selected nodes in type order, or nullopt after printing "Error: unknown node 'x'".
std::optional<std::vector<config::NodeSpec>> selected_nodes(ShellContext& ctx,
                                                            const std::vector<std::string>& args);

// host -> its nodes, hosts in order of first appearance.
std::vector<std::pair<std::string, std::vector<config::NodeSpec>>> by_host(
    const std::vector<config::NodeSpec>& nodes);

// The start stages of the manual: manager (with loggers, or the standalone node), then
// proxies, then workers. Empty stages are left out. Stop walks them in reverse.
struct Stage {
  std::string label;  // "manager", "proxies", "workers"
  std::vector<config::NodeSpec> nodes;
};
std::vector<Stage> start_stages(const std::vector<config::NodeSpec>& nodes);

// {"nodes": [names...]} for a request.
msg::Value nodes_arg(const std::vector<config::NodeSpec>& nodes);

}  // namespace bc::shell
