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

// How a per-node command shows its answers.
struct AnswerPrinter {
  // The text of one answer (its lines, node name included).
  std::function<void(std::ostream&, const NodeAnswer&)> text;
  // A not-ok answer that is no failure (update: a node that is not running); optional.
  std::function<bool(const NodeAnswer&)> tolerated;
  // An ok answer that is a failure all the same (update: a change refused); optional.
  std::function<bool(const NodeAnswer&)> failed;
  // More fields of an answer's JSON entry; optional.
  std::function<void(const NodeAnswer&, msg::Value&)> annotate;
};

// The one loop of the per-node commands (print, netstats, peerstatus, update): each answer
// as text, or with --json one array of answer_json() entries. Returns the exit code: 1
// when an answer failed (and is not tolerated) or is a failure by `failed`.
int print_answers(ShellContext& ctx, const std::vector<NodeAnswer>& answers,
                  const AnswerPrinter& printer);

}  // namespace bc::shell
