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
  int skipped = 0;        // already in the state asked for: left untouched, not a failure
  int not_attempted = 0;  // not attempted: an earlier stage failed, or Ctrl-C
  // One entry per node in the order worked ({name, host, stage, ok, skipped?, pid?, state?,
  // killed?, crashed_during_shutdown?, error?}): what --json prints.
  msg::Value nodes = msg::Value::empty_array();
  // What a skipped node is, for the summary line: "already running", "already stopped".
  const char* skipped_as = "skipped";

  bool succeeded() const { return failed == 0 && not_attempted == 0; }
};

// A failed stage stops the later ones; nodes already running are left untouched and
// counted as skipped. Prints progress (or, with --json, collects it).
OpSummary start_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes);
// Every stage is attempted; nodes that had to be killed are said so, nodes already stopped
// are skipped.
OpSummary stop_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes);

}  // namespace bc::shell
