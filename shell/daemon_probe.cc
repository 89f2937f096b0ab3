#include "shell/daemon_probe.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "common/unique_fd.h"
#include "messages/codec.h"
#include "net/request_mux.h"
#include "net/socket_factory.h"
#include "net/tcp_connect.h"
#include "shell/interrupt.h"

namespace bc::shell {
namespace {

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

// brocluster-web: GET /healthz answers "200" within `timeout`.
Status probe_web(const config::Cluster& cluster, std::chrono::milliseconds timeout) {
  const std::string where = web_url(cluster);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto connected = net::tcp_connect(cluster.options.get("WebAddress"),
                                    static_cast<int>(cluster.options.get_int("WebPort")), deadline);
  if (!connected.is_ok()) return Status::unreachable(where + ": " + connected.status().message());
  UniqueFd fd(*connected);
  const std::string req = "GET /healthz HTTP/1.1\r\nHost: " + cluster.options.get("WebAddress") +
                          "\r\nConnection: close\r\n\r\n";
  if (::send(fd.get(), req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
    return Status::unreachable("cannot send to " + where);
  std::string answer;
  while (answer.size() < 12) {
    auto ready = net::wait_for(fd.get(), POLLIN, deadline);
    if (!ready.is_ok() || !*ready) break;
    char buf[256];
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
  }
  if (answer.starts_with("HTTP/1.1 200")) return Status::ok();
  return Status::unreachable(where + " did not answer GET /healthz");
}

}  // namespace

Status probe_daemon(ShellContext& ctx, const LocalDaemon& d) {
  const config::Cluster& cluster = *ctx.cluster();
  const auto comm = cluster.options.get_millis("CommTimeout");
  if (d.name == "broker") {
    const auto beats =
        2 * cluster.options.get_millis("HeartbeatInterval") + std::chrono::milliseconds(500);
    return probe_broker(ctx, d, std::min(beats, comm));
  }
  if (d.name == "web") return probe_web(cluster, comm);
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
