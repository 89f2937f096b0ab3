// brocluster-collector: parses options, loads the configuration, detaches, runs.

#include <signal.h>

#include <spdlog/spdlog.h>
#include <iostream>
#include <zmq.hpp>

#include "collector/collector.h"
#include "daemon/daemon_cli.h"
#include "daemon/daemon_util.h"

namespace {

bc::collector::Collector* g_collector = nullptr;  // for the signal handler only

void on_signal(int) {
  if (g_collector != nullptr) g_collector->request_stop();  // an atomic store
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"BroCluster collector: restarts crashed nodes, watches hosts, runs maintenance",
               "brocluster-collector"};
  bc::daemon::DaemonCli cli;
  bc::daemon::add_daemon_options(app, cli);
  CLI11_PARSE(app, argc, argv);
  auto cluster = bc::daemon::load_configuration(cli);
  if (!cluster) return 1;

  const std::optional<int> ready = bc::daemon::begin_daemon("collector", *cluster, cli);
  if (!ready) return 1;
  const int ready_fd = *ready;
  auto security = bc::daemon::load_broker_keys(*cluster, ready_fd);
  if (!security) return 1;
  zmq::context_t ctx(1);
  // Before the query socket binds (zap_handler.h); ends before the context does.
  auto zap = security->start_zap(ctx, "collector");
  if (!zap.is_ok()) {
    bc::daemon::report_ready(ready_fd, zap.status().message());
    return 1;
  }
  bc::SystemClock clock;
  bc::collector::Collector collector(ctx, *cluster, clock, &*security);
  if (bc::Status s = collector.start(); !s.is_ok()) {
    spdlog::error("{}", s.message());
    bc::daemon::report_ready(ready_fd, s.message());
    return 1;
  }
  g_collector = &collector;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);  // a file size limit is an error to report, not a reason to die
  bc::daemon::report_ready(ready_fd);
  collector.run();
  return 0;
}
