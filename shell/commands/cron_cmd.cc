// `cron [enable|disable|?]`: runs the collector's maintenance pass now and prints what it
// did, or switches the scheduled passes (and automatic restarts) on or off.

#include <ostream>

#include "config/endpoints.h"
#include "messages/codec.h"
#include "net/request_mux.h"
#include "shell/commands/handlers.h"
#include "shell/interrupt.h"
#include "shell/local_daemons.h"
#include "shell/shell_context.h"

namespace bc::shell {

int cmd_cron(ShellContext& ctx, const std::vector<std::string>& args) {
  const config::Cluster* cluster = ctx.cluster();
  if (cluster == nullptr) return 1;
  std::string cmd = "cron";
  if (!args.empty()) {
    if (args.size() > 1 || (args[0] != "enable" && args[0] != "disable" && args[0] != "?")) {
      return ctx.fail("usage: cron [enable|disable|?]");
    }
    cmd = args[0] == "?" ? "cron_status" : "cron_" + args[0];
  }
  if (Status s = ensure_local_daemons(ctx); !s.is_ok()) return ctx.fail(s.message());
  const double seconds = cluster->options.get_double("CommTimeout") + (cmd == "cron" ? 60 : 0);
  auto reply =
      net::call_once(ctx.zmq(), config::collector_endpoint(*cluster), ctx.security(),
                     std::string(security::kBrokerKeyName), cmd, msg::Value::empty_map(),
                     std::chrono::milliseconds(static_cast<long>(seconds * 1000)), &interrupted);
  if (!reply.is_ok()) return ctx.fail("the collector did not answer: " + reply.status().message());
  if (Status s = msg::reply_status(*reply); !s.is_ok()) return ctx.fail(s.message());
  if (ctx.json()) {
    ctx.out() << msg::to_json(reply->result.value_or(msg::Value::empty_map())) << '\n';
    return 0;
  }
  if (cmd == "cron") {
    const msg::Value* actions = reply->result ? reply->result->find("actions") : nullptr;
    if (actions != nullptr && actions->as_array() != nullptr) {
      for (const auto& line : *actions->as_array()) {
        if (line.as_string() != nullptr) ctx.out() << *line.as_string() << '\n';
      }
    }
    return 0;
  }
  const bool enabled = reply->result && reply->result->get_bool("enabled").value_or(false);
  ctx.out() << "cron is " << (enabled ? "enabled" : "disabled") << '\n';
  return 0;
}

}  // namespace bc::shell
