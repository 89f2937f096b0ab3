#include "shell/daemon_probe.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "messages/codec.h"
#include "net/request_mux.h"
#include "net/socket_factory.h"
#include "shell/interrupt.h"

namespace bc::shell {
namespace {

std::chrono::milliseconds seconds_option(const config::Cluster& cluster, const char* name) {
  return std::chrono::milliseconds(
      static_cast<long>(std::lround(cluster.options.get_double(name) * 1000)));
}

Status probe_broker(ShellContext& ctx, const LocalDaemon& d, std::chrono::milliseconds timeout) {
  zmq::socket_t sub = net::make_socket(ctx.zmq(), zmq::socket_type::sub);
  if (Status s = ctx.security()->secure_client(sub, std::string(security::kBrokerKeyName));
      !s.is_ok()) {
    return s;
  }
  sub.connect(d.endpoint);
  sub.set(zmq::sockopt::subscribe, "");
  zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, timeout) > 0) return Status::ok();
  return Status::unreachable("nothing arrived from " + d.endpoint + " within " +
                             std::to_string(timeout.count()) + " ms");
}

}  // namespace

Status probe_daemon(ShellContext& ctx, const LocalDaemon& d) {
  const config::Cluster& cluster = *ctx.cluster();
  const auto comm = seconds_option(cluster, "CommTimeout");
  if (d.name == "broker") {
    const auto beats =
        2 * seconds_option(cluster, "HeartbeatInterval") + std::chrono::milliseconds(500);
    return probe_broker(ctx, d, std::min(beats, comm));
  }
  const std::string server =
      d.name == "supervisor" ? d.host : std::string(security::kBrokerKeyName);
  const security::BusSecurity* security = ctx.security();
  std::optional<security::BusSecurity> own;
  if (!security->setup_error().is_ok() && d.name == "supervisor") {
    // A worker host has its own key bundle, no admin key (docs/SECURITY.md): it asks with
    // its own key.
    auto loaded = security::BusSecurity::load(cluster.options, d.host);
    if (!loaded.is_ok()) return security->setup_error();
    own = std::move(loaded).value();
    security = &*own;
  }
  auto reply = net::call_once(ctx.zmq(), d.endpoint, security, server, "ping",
                              msg::Value::empty_map(), comm, &interrupted);
  if (!reply.is_ok()) return reply.status();
  // A supervisor refuses a host's key every command: that refusal is its answer.
  return own ? Status::ok() : msg::reply_status(*reply);
}

}  // namespace bc::shell
