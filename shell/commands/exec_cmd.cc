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
  int rc = 0;
  msg::Value json = msg::Value::empty_array();
  for (const Outcome& o : outcomes) {
    const msg::Value* result = result_or_report(ctx, o);
    if (result == nullptr) {
      rc = 1;
      continue;
    }
    const auto code = result->get_int("exit_code").value_or(-1);
    const bool timed_out = result->get_bool("timed_out").value_or(false);
    if (code != 0) rc = 1;
    if (ctx.json()) {
      json.push_back(*result);
      continue;
    }
    ctx.out() << "==== " << o.call.host;
    if (timed_out)
      ctx.out() << " (timed out)";
    else if (code != 0)
      ctx.out() << " (exit " << code << ")";
    ctx.out() << '\n';
    // The host keeps the tail of a long output: say so before it.
    if (result->get_bool("truncated").value_or(false)) ctx.out() << "[earlier output cut]\n";
    const std::string output = result->get_string("output").value_or("");
    ctx.out() << output;
    if (!output.empty() && output.back() != '\n') ctx.out() << '\n';
  }
  if (ctx.json()) ctx.out() << msg::to_json(json) << '\n';
  return rc;
}

}  // namespace bc::shell
