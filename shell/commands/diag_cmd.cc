// `diag [<nodes>]`: the crash report of each node (or its output tails if it has none),
// with the backtrace of the core the record keeps. The supervisor runs gdb on a core whose
// record has no backtrace yet, so the reply may take up to gdb's deadline.

#include <chrono>
#include <ostream>

#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/host_calls.h"
#include "shell/local_daemons.h"
#include "shell/node_args.h"

namespace bc::shell {
namespace {

// The supervisor's gdb deadline is 30 s (core_backtrace.h); ours a little more.
constexpr std::chrono::milliseconds kDiagWait{35000};

}  // namespace

int cmd_diag(ShellContext& ctx, const std::vector<std::string>& args) {
  auto nodes = selected_nodes(ctx, args);
  if (!nodes) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  const HostPrinter printer =
      node_entries_printer([](std::ostream& out, const Outcome&, const msg::Value& n) {
        out << "[" << n.get_string("name").value_or("?") << "]\n";
        if (auto report = n.get_string("report"); report.is_ok()) {
          out << *report << '\n';
          return;
        }
        // A node that could not be started has no record: its reason (the exec error) is
        // what there is to say.
        const std::string state = n.get_string("state").value_or("?");
        const std::string reason = n.get_string("reason").value_or("");
        out << "No crash record; state " << state;
        if (state == "failed" && !reason.empty()) out << ": " << reason;
        out << ".\n"
            << "==== stdout (tail)\n"
            << n.get_string("stdout_tail").value_or("") << "\n==== stderr (tail)\n"
            << n.get_string("stderr_tail").value_or("") << "\n\n";
      });
  return print_host_results(ctx, call_hosts(ctx, *nodes, "diag", &nodes_arg, kDiagWait), printer);
}

}  // namespace bc::shell
