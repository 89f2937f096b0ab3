#pragma once
// Starting and stopping nodes across hosts, stage by stage: manager (and loggers), then
// proxies, then workers — stop in reverse — with every host of a stage worked in
// parallel, one request per node so that each node's line is printed as it comes up.
// Shared by start, stop and restart.

#include <vector>

#include "config/node_config.h"
#include "messages/value.h"
#include "shell/shell_context.h"

namespace bc::shell {

struct OpSummary {
  int ok = 0;
  int failed = 0;
  int skipped = 0;  // not attempted because an earlier stage failed
  // One entry per node in the order worked ({name, host, stage, ok, pid?, state?, killed?,
  // crashed_during_shutdown?, error?}): what --json prints.
  msg::Value nodes = msg::Value::empty_array();
};

// A failed stage stops the later ones. Prints progress (or, with --json, collects it).
OpSummary start_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes);
// Every stage is attempted; nodes that had to be killed are said so.
OpSummary stop_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes);

}  // namespace bc::shell
