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

// How a per-host command shows its results.
struct HostPrinter {
  // The text of one host's result (lines, or rows of a table `finish` prints); optional.
  std::function<void(std::ostream&, const Outcome&, const msg::Value& result)> text;
  // False when a host's result counts as a failure (exec: the command failed); optional.
  std::function<bool(const msg::Value& result)> succeeded;
  // Adds a host's result to the --json array (default: the result itself).
  std::function<void(const msg::Value& result, msg::Value& array)> json;
  // The text after every host's (a table); optional.
  std::function<void(std::ostream&)> finish;
};

// The printer of a per-host command whose result is {nodes: [entry, ...]} (top, diag): a
// host without that list is a failure, --json is one array of every host's entries, and
// `text` prints one entry.
HostPrinter node_entries_printer(
    std::function<void(std::ostream&, const Outcome&, const msg::Value& entry)> text);

// The one loop of the per-host commands (df, exec, diag, capstats): every host's result as
// text, or with --json one array; a host without a result is reported (result_or_report).
// Returns the exit code: 1 when a host had no result or its result failed.
int print_host_results(ShellContext& ctx, const std::vector<Outcome>& outcomes,
                       const HostPrinter& printer);

}  // namespace bc::shell
