// `exec <command line>`: runs it once on every host that runs a node, output per host.

#include <ostream>

#include "common/strings.h"
#include "messages/codec.h"
#include "shell/commands/handlers.h"
#include "shell/host_calls.h"
#include "shell/local_daemons.h"

namespace bc::shell {
namespace {

constexpr double kExecTimeoutSeconds = 60;

}  // namespace

int cmd_exec(ShellContext& ctx, const std::vector<std::string>& args) {
  if (args.empty()) return ctx.fail("usage: exec <command line>");
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  const std::string cmdline = join(args, " ");
  msg::Value exec_args = msg::Value::empty_map();
  exec_args.set("cmdline", cmdline).set("timeout", kExecTimeoutSeconds);
  const auto outcomes = call_hosts(
      ctx, cluster->nodes, "exec", [&](const auto&) { return exec_args; },
      std::chrono::milliseconds(static_cast<long>(kExecTimeoutSeconds * 1000)));
  HostPrinter printer;
  printer.succeeded = [](const msg::Value& result) {
    return result.get_int("exit_code").value_or(-1) == 0;
  };
  printer.text = [](std::ostream& out, const Outcome& o, const msg::Value& result) {
    const auto code = result.get_int("exit_code").value_or(-1);
    out << "==== " << o.call.host;
    if (result.get_bool("timed_out").value_or(false))
      out << " (timed out)";
    else if (code != 0)
      out << " (exit " << code << ")";
    out << '\n';
    // The host keeps the tail of a long output: say so before it.
    if (result.get_bool("truncated").value_or(false)) out << "[earlier output cut]\n";
    const std::string output = result.get_string("output").value_or("");
    out << output;
    if (!output.empty() && output.back() != '\n') out << '\n';
  };
  return print_host_results(ctx, outcomes, printer);
}

}  // namespace bc::shell
