#include "shell/host_calls.h"

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
    ctx.fail(outcome.reply.status().message());
    return nullptr;
  }
  if (!outcome.reply->ok && !outcome.reply->result) {
    ctx.fail(outcome.call.host + ": " + msg::reply_status(*outcome.reply).message());
    return nullptr;
  }
  return outcome.reply->result ? &*outcome.reply->result : nullptr;
}

}  // namespace bc::shell
