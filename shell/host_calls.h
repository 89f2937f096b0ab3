#pragma once
// One request per host for the hosts of the selected nodes (or every host), answered in
// parallel within a deadline: the shape of df, exec, diag, top, cleanup and capstats.

#include <chrono>
#include <functional>
#include <vector>

#include "config/node_config.h"
#include "shell/cluster_client.h"
#include "shell/shell_context.h"

namespace bc::shell {

// `make_args` builds each host's args from its nodes. Replies come back in host order;
// unreachable hosts are warned about on stderr and left in the list (reply not ok).
std::vector<Outcome> call_hosts(
    ShellContext& ctx, const std::vector<config::NodeSpec>& nodes, const std::string& cmd,
    const std::function<msg::Value(const std::vector<config::NodeSpec>&)>& make_args,
    std::chrono::milliseconds extra_time = std::chrono::milliseconds(0));

// The reply's result, or nullptr after printing "Error: <host>: <message>".
const msg::Value* result_or_report(ShellContext& ctx, const Outcome& outcome);

}  // namespace bc::shell
