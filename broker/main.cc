// brocluster-broker: parses options, loads the configuration, detaches, forwards events.

#include <signal.h>

#include <spdlog/spdlog.h>
#include <iostream>
#include <zmq.hpp>

#include "broker/broker.h"
#include "config/endpoints.h"
#include "daemon/daemon_cli.h"
#include "daemon/daemon_util.h"

namespace {

bc::broker::Broker* g_broker = nullptr;  // for the signal handler only

void on_signal(int) {
  if (g_broker != nullptr) g_broker->stop();  // an atomic store: async-signal-safe
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"BroCluster broker: the event bus (XSUB -> XPUB)", "brocluster-broker"};
  bc::daemon::DaemonCli cli;
  bc::daemon::add_daemon_options(app, cli);
  CLI11_PARSE(app, argc, argv);
  auto cluster = bc::daemon::load_configuration(cli);
  if (!cluster) return 1;

  bc::broker::BrokerOptions options;
  options.host = cluster->options.get("BrokerHost");
  options.pub_in = bc::config::broker_pub_endpoint(*cluster);
  options.sub_out = bc::config::broker_sub_endpoint(*cluster);
  options.heartbeat_interval = cluster->options.get_millis("HeartbeatInterval");

  const std::optional<int> ready = bc::daemon::begin_daemon("broker", *cluster, cli);
  if (!ready) return 1;
  const int ready_fd = *ready;
  auto security = bc::daemon::load_broker_keys(*cluster, ready_fd);
  if (!security) return 1;
  options.security = std::make_shared<const bc::security::BusSecurity>(std::move(*security));
  zmq::context_t ctx(1);
  // Before the sockets bind (zap_handler.h); ends before the context does.
  auto zap = options.security->start_zap(ctx, "broker");
  if (!zap.is_ok()) {
    bc::daemon::report_ready(ready_fd, zap.status().message());
    return 1;
  }
  bc::SystemClock clock;
  bc::broker::Broker broker(ctx, options, clock);
  if (bc::Status s = broker.bind(); !s.is_ok()) {
    spdlog::error("{}", s.message());
    bc::daemon::report_ready(ready_fd, s.message());
    return 1;
  }
  g_broker = &broker;
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGPIPE, SIG_IGN);
  spdlog::info("forwarding {} -> {}", options.pub_in, options.sub_out);
  bc::daemon::report_ready(ready_fd);
  broker.run();
  return 0;
}
