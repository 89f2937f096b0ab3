#pragma once
// The command line every BroCluster daemon shares (--base, --host, --foreground) and the
// loading of the configuration it runs from, with errors printed the same way as the
// shell prints them.

#include <string>

#include <CLI/CLI.hpp>

#include "config/cluster.h"
#include "security/bus_security.h"

namespace bc::daemon {

struct DaemonCli {
  std::string base;  // BroBase; default as the shell finds it
  std::string host;  // which node.cfg host this is
  bool foreground = false;
};

void add_daemon_options(CLI::App& app, DaemonCli& cli);

// Loads the configuration of cli.base; prints diagnostics to stderr; nullopt on errors.
std::optional<config::Cluster> load_configuration(const DaemonCli& cli);

// The start every daemon shares: detach unless in the foreground, take the pid file
// SpoolDir/<component>.pid, log to SpoolDir/<component>.log (and DebugLog when Debug is
// set). Returns the fd for report_ready() (-1 in the foreground), or nullopt after the
// error has been printed and reported to whoever started us.
// REQUIRES: no threads yet (it may fork): call before creating the ZeroMQ context.
std::optional<int> begin_daemon(const std::string& component, const config::Cluster& cluster,
                                const DaemonCli& cli);

// The bus keys of the broker and the collector (the key named `broker`), or nullopt after
// the error has been logged and reported through `ready_fd` (begin_daemon's).
std::optional<security::BusSecurity> load_broker_keys(const config::Cluster& cluster, int ready_fd);

}  // namespace bc::daemon
