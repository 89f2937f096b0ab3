#pragma once
// One supervisor request per node rather than per host: the shape of print, netstats,
// peerstatus, update and attachgdb, whose supervisor commands (node_control, backtrace)
// each name a single node. Every host is asked in parallel; the answers come back per
// node, and the usual node-level refusals are turned into the words the commands print.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/node_config.h"
#include "messages/value.h"
#include "shell/shell_context.h"

namespace bc::shell {

struct NodeAnswer {
  config::NodeSpec node;
  Status status;      // ok, or why this node has no result
  msg::Value result;  // the node's result when ok
  bool ok() const { return status.is_ok(); }
};

// Sends `node_control {node, cmd, args}` for every node, answers in the order of `nodes`.
std::vector<NodeAnswer> control_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes,
                                      const std::string& cmd,
                                      const msg::Value& args = msg::Value::empty_map());

// Sends supervisor command `cmd` with args {node} (plus `extra`) for every node.
std::vector<NodeAnswer> call_per_node(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes,
                                      const std::string& cmd, const msg::Value& extra,
                                      std::chrono::milliseconds extra_time);

// What a node's line says instead of a result: "not running", "not supported by this node
// program", or the error's message.
std::string failure_text(const Status& status);

// The JSON entry of an answer: {node, host, ok, result | error}.
msg::Value answer_json(const NodeAnswer& answer);

}  // namespace bc::shell
