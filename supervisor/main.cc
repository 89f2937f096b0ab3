// brocluster-supervisor: parses options, loads the configuration, detaches, runs.

#include <zmq.hpp>

#include <spdlog/spdlog.h>
#include <iostream>

#include "daemon/daemon_cli.h"
#include "daemon/daemon_util.h"
#include "supervisor/installed_config.h"
#include "supervisor/supervisor.h"

int main(int argc, char** argv) {
  CLI::App app{"BroCluster supervisor: starts, stops and watches the nodes of one host",
               "brocluster-supervisor"};
  bc::daemon::DaemonCli cli;
  bc::daemon::add_daemon_options(app, cli);
  CLI11_PARSE(app, argc, argv);

  auto cluster = bc::daemon::load_configuration(cli);
  if (!cluster) return 1;
  auto host = bc::sup::choose_host(*cluster, cli.host);
  auto options = host.is_ok() ? bc::sup::supervisor_options(*cluster, *host)
                              : bc::Result<bc::sup::SupervisorOptions>(host.status());
  if (!options.is_ok()) {
    std::cerr << "Error: " << options.status().message() << '\n';
    return 1;
  }
  const std::optional<int> ready = bc::daemon::begin_daemon("supervisor", *cluster, cli);
  if (!ready) return 1;
  const int ready_fd = *ready;
  // Under the pid file, so that only one supervisor writes the first snapshot.
  if (auto installed = bc::sup::installed_options(*cluster, *host); installed.is_ok()) {
    options = std::move(installed);
  } else {
    spdlog::error("host {}: {}; nodes start from the local files until an install succeeds", *host,
                  installed.status().message());
  }
  // The host's key pair and the key lists, as installed (docs/SECURITY.md).
  auto security = bc::security::BusSecurity::load(options->cluster_options, *host);
  if (security.is_ok()) {
    if (bc::Status s = security->check_peer(std::string(bc::security::kBrokerKeyName));
        !s.is_ok()) {
      security = s;
    }
  }
  if (!security.is_ok()) {
    spdlog::error("host {}: {}", *host, security.status().message());
    bc::daemon::report_ready(ready_fd, security.status().message());
    return 1;
  }
  options->security = std::make_shared<const bc::security::BusSecurity>(std::move(*security));
  // Signals are blocked before the ZeroMQ context starts its threads (see supervisor.h).
  auto signals = bc::sup::SignalFd::open();
  if (!signals.is_ok()) {
    bc::daemon::report_ready(ready_fd, signals.status().message());
    std::cerr << "Error: " << signals.status().message() << '\n';
    return 1;
  }
  zmq::context_t ctx(1);
  // Before any server socket binds (zap_handler.h); ends before the context does.
  auto zap = options->security->start_zap(ctx, "host " + *host);
  if (!zap.is_ok()) {
    bc::daemon::report_ready(ready_fd, zap.status().message());
    return 1;
  }
  bc::SystemClock clock;
  bc::sup::PosixSpawner spawner;
  bc::sup::ProcReader proc;
  bc::sup::Supervisor supervisor(ctx, std::move(*signals), std::move(*options), clock, spawner,
                                 proc);
  if (bc::Status s = supervisor.start(); !s.is_ok()) {
    spdlog::error("{}", s.message());
    bc::daemon::report_ready(ready_fd, s.message());
    return 1;
  }
  bc::daemon::report_ready(ready_fd);
  supervisor.run();
  return 0;
}
