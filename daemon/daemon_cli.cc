#include "daemon/daemon_cli.h"

#include <spdlog/spdlog.h>
#include <iostream>

#include "common/paths.h"
#include "daemon/daemon_util.h"

namespace bc::daemon {

void add_daemon_options(CLI::App& app, DaemonCli& cli) {
  app.add_option("--base", cli.base,
                 "BroBase (default: above the executable, or $BROCLUSTER_BASE)");
  app.add_option("--host", cli.host,
                 "this host's name as node.cfg has it (default: the only host)");
  app.add_flag("--foreground", cli.foreground, "stay in the foreground and log to stderr too");
}

std::optional<config::Cluster> load_configuration(const DaemonCli& cli) {
  config::Diagnostics diags;
  config::LoadOptions options;
  options.base_dir = cli.base.empty() ? default_base_dir() : absolute_path(cli.base);
  config::Cluster cluster = config::load_cluster(options, diags);
  for (const auto& d : diags.items())
    std::cerr << d.render() << '\n';
  if (diags.has_errors()) return std::nullopt;
  return cluster;
}

std::optional<int> begin_daemon(const std::string& component, const config::Cluster& cluster,
                                const DaemonCli& cli) {
  int ready_fd = -1;
  if (!cli.foreground) {
    auto detached = detach();
    if (!detached.is_ok()) {
      std::cerr << "Error: " << detached.status().message() << '\n';
      return std::nullopt;
    }
    ready_fd = *detached;
  }
  const std::string spool = cluster.options.get("SpoolDir");
  auto pid_file = acquire_pid_file(spool + "/" + component + ".pid");
  if (!pid_file.is_ok()) {
    report_ready(ready_fd, pid_file.status().message());
    std::cerr << "Error: " << pid_file.status().message() << '\n';
    return std::nullopt;
  }
  const bool debug = cluster.options.get_bool("Debug");
  setup_logging(component, spool + "/" + component + ".log",
                debug ? cluster.options.get("DebugLog") : std::string(), cli.foreground);
  raise_open_files_limit();
  return ready_fd;
}

std::optional<security::BusSecurity> load_broker_keys(const config::Cluster& cluster,
                                                      int ready_fd) {
  auto security =
      security::BusSecurity::load(cluster.options, std::string(security::kBrokerKeyName));
  if (!security.is_ok()) {
    spdlog::error("{}", security.status().message());
    report_ready(ready_fd, security.status().message());
    return std::nullopt;
  }
  return std::move(*security);
}

}  // namespace bc::daemon
