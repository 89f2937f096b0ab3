// brocluster-web: parses options, loads the configuration, detaches, serves.

#include <malloc.h>
#include <signal.h>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "config/endpoints.h"
#include "daemon/daemon_cli.h"
#include "daemon/daemon_util.h"
#include "web/web_daemon.h"

namespace {

bc::web::WebDaemon* g_web = nullptr;  // for the signal handler only

void on_signal(int) {
  if (g_web != nullptr) g_web->stop();  // an atomic store: async-signal-safe
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"BroCluster web: /metrics, /services.json and /api/v1 (read-only)",
               "brocluster-web"};
  bc::daemon::DaemonCli cli;
  bc::daemon::add_daemon_options(app, cli);
  CLI11_PARSE(app, argc, argv);
  auto cluster = bc::daemon::load_configuration(cli);
  if (!cluster) return 1;

  bc::web::WebOptions options;
  options.bus_endpoint = bc::config::broker_sub_endpoint(*cluster);
  options.collector_endpoint = bc::config::collector_endpoint(*cluster);
  options.http.address = cluster->options.get("WebAddress");
  options.http.port = static_cast<int>(cluster->options.get_int("WebPort"));
  options.comm_timeout = cluster->options.get_millis("CommTimeout");
  options.stats_log = cluster->options.get("StatsLog");
  options.cluster = &*cluster;

  const std::optional<int> ready = bc::daemon::begin_daemon("web", *cluster, cli);
  if (!ready) return 1;
  const int ready_fd = *ready;
  auto security =
      bc::security::BusSecurity::load(cluster->options, std::string(bc::security::kWebKeyName));
  if (!security.is_ok()) {
    spdlog::error("{}", security.status().message());
    bc::daemon::report_ready(ready_fd, security.status().message());
    return 1;
  }
  options.security = std::make_shared<const bc::security::BusSecurity>(std::move(*security));
  // One malloc arena: libzmq's threads allocate little, and an arena each would double the
  // idle footprint of a daemon whose whole state is a few MB (docs/PERFORMANCE.md).
  mallopt(M_ARENA_MAX, 1);
  zmq::context_t ctx(1);
  bc::SystemClock clock;
  bc::web::WebDaemon web(ctx, options, clock);
  if (bc::Status s = web.start(); !s.is_ok()) {
    spdlog::error("{}", s.message());
    bc::daemon::report_ready(ready_fd, s.message());
    return 1;
  }
  g_web = &web;
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGPIPE, SIG_IGN);
  spdlog::info("serving http://{}:{}/ from {} and {}", options.http.address, web.port(),
               options.bus_endpoint, options.collector_endpoint);
  bc::daemon::report_ready(ready_fd);
  web.run();
  return 0;
}
