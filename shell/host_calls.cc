#include "shell/host_calls.h"

#include <ostream>

#include "messages/codec.h"

#include "shell/node_args.h"

namespace bc::shell {

std::vector<Outcome> call_hosts(
    ShellContext& ctx, const std::vector<config::NodeSpec>& nodes, const std::string& cmd,
    const std::function<msg::Value(const std::vector<config::NodeSpec>&)>& make_args,
    std::chrono::milliseconds extra_time) {
  std::vector<Call> calls;
  for (const auto& [host, host_nodes] : by_host(nodes)) {
    calls.push_back({host, cmd, make_args(host_nodes), host});
  }
  ClusterClient client(ctx.zmq(), *ctx.cluster(), ctx.security());
  return client.run(calls, client.comm_timeout() + extra_time);
}

const msg::Value* result_or_report(ShellContext& ctx, const Outcome& outcome) {
  if (!outcome.reply.is_ok()) {
    ctx.fail(outcome.reply.status());
    return nullptr;
  }
  if (!outcome.reply->ok && !outcome.reply->result) {
    const Status s = msg::reply_status(*outcome.reply);
    ctx.fail(Status(s.code(), outcome.call.host + ": " + s.message()));
    return nullptr;
  }
  return outcome.reply->result ? &*outcome.reply->result : nullptr;
}

int print_host_results(ShellContext& ctx, const std::vector<Outcome>& outcomes,
                       const HostPrinter& printer) {
  int rc = 0;
  msg::Value json = msg::Value::empty_array();
  for (const Outcome& o : outcomes) {
    const msg::Value* result = result_or_report(ctx, o);
    if (result == nullptr) {
      rc = 1;
      continue;
    }
    if (printer.succeeded && !printer.succeeded(*result)) rc = 1;
    if (ctx.json()) {
      if (printer.json) {
        printer.json(*result, json);
      } else {
        json.push_back(*result);
      }
    } else if (printer.text) {
      printer.text(ctx.out(), o, *result);
    }
  }
  if (ctx.json()) {
    ctx.out() << msg::to_json(json) << '\n';
  } else if (printer.finish) {
    printer.finish(ctx.out());
  }
  return rc;
}

}  // namespace bc::shell
