#pragma once
// Starting and stopping nodes across hosts, stage by stage: manager (and loggers), then
// proxies, then workers — stop in reverse — with every host of a stage worked in
// parallel, one request per node so that each node's outcome is known as it comes up.
// One connection per host and one status round before the first stage serve all stages:
// a three-stage start is four round trips. Shared by start, stop, restart and daemons.
// Returns typed outcomes and prints nothing: progress goes to a LifecycleProgress
// (shell/lifecycle_text.h has the shell's words for it).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/node_config.h"
#include "messages/value.h"
#include "shell/cluster_client.h"
#include "shell/shell_context.h"

namespace bc::shell {

// What became of one node of a start or stop.
struct NodeOutcome {
  enum class Kind {
    kWorked,       // started / stopped by this command
    kAlready,      // it was in the state asked for: left untouched
    kJoined,       // it was on its way there (the collector, another shell): waited for
    kFailed,       // refused or failed on its host, or its host did not answer
    kUnconfirmed,  // Ctrl-C: its host was not heard from again
  };
  config::NodeSpec node;
  Kind kind = Kind::kFailed;
  msg::Value entry;   // the host's entry for the node (state, pid, killed, ...); nil if none
  std::string error;  // kFailed, kUnconfirmed
};

// What a start or stop reports as it goes; every member is optional.
struct LifecycleProgress {
  std::function<void(const std::string& stage)> stage_begins;
  // A stage not worked; `why`: "an earlier stage failed", "cancelled (Ctrl-C)".
  std::function<void(const std::string& stage, const std::string& why)> stage_not_run;
  std::function<void(const NodeOutcome&)> node_done;
  // A host that did not answer the first question (its nodes then fail).
  std::function<void(const Status&)> host_down;
  // Something the user should know before it starts (the bus is not secured).
  std::function<void(const std::string&)> warning;
};

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
  // Each answering host's installed version (host -> version), as its status said before
  // the first stage: what start compares with the edited configuration, without asking
  // again.
  std::map<std::string, std::string> installed;

  bool succeeded() const { return failed == 0 && not_attempted == 0; }
};

// A failed stage stops the later ones; nodes already running are left untouched and
// counted as skipped.
OpSummary start_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes,
                      const LifecycleProgress& progress);
// Every stage is attempted; nodes that had to be killed are said so, nodes already stopped
// are skipped. `host_status`: the hosts' status replies when the caller has them already
// (NodeSelection::host_status); asked for otherwise.
OpSummary stop_nodes(ShellContext& ctx, const std::vector<config::NodeSpec>& nodes,
                     const LifecycleProgress& progress,
                     const std::vector<Outcome>& host_status = {});

}  // namespace bc::shell
