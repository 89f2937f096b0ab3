#include "daemon/daemon_cli.h"

#include <iostream>

#include "common/paths.h"

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
  options.base_dir = cli.base.empty() ? default_base_dir() : cli.base;
  config::Cluster cluster = config::load_cluster(options, diags);
  for (const auto& d : diags.items())
    std::cerr << d.render() << '\n';
  if (diags.has_errors()) return std::nullopt;
  return cluster;
}

}  // namespace bc::daemon
