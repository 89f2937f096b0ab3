// Supervisor: taking the node definitions of a new installed snapshot.

#include <spdlog/spdlog.h>

#include "supervisor/installed_config.h"
#include "supervisor/node_registry.h"
#include "supervisor/supervisor.h"

namespace bc::sup {

Status Supervisor::reload_installed() {
  auto cluster = load_installed(options_.base_dir, options_.spool_dir + "/installed/current");
  if (!cluster.is_ok()) return cluster.status();
  auto fresh = supervisor_options(*cluster, options_.host);
  if (!fresh.is_ok()) return fresh.status();
  // Endpoints and directories stay as they are until the supervisor restarts: a running
  // daemon does not move its sockets. What nodes are and how they start changes now.
  options_.node_program = fresh->node_program;
  options_.bro_args = fresh->bro_args;
  options_.mem_limit_bytes = fresh->mem_limit_bytes;
  options_.cluster_options = fresh->cluster_options;
  // How nodes are started and stopped is node care too: the next start or stop uses them.
  options_.stop_timeout = fresh->stop_timeout;
  options_.ready_grace = fresh->ready_grace;
  options_.start_timeout = fresh->start_timeout;
  std::vector<KnownNode> known;
  for (const auto& [name, node] : nodes_)
    known.push_back({name, has_process(node.lifecycle.state())});
  for (const auto& [name, fate] : plan_install(known, fresh->nodes)) {
    if (fate == InstallFate::kRemoved) {
      spdlog::info("host {}: node {} removed by install", options_.host, name);
      nodes_.erase(name);
    } else if (fate == InstallFate::kUnconfigured) {
      Node& node = nodes_.at(name);
      if (node.configured) {
        spdlog::warn("host {}: node {} (pid {}) is no longer configured; it runs until stopped",
                     options_.host, name, node.pid);
      }
      node.configured = false;
    } else {
      if (fate == InstallFate::kAdded) {
        spdlog::info("host {}: node {} added by install", options_.host, name);
      } else if (!nodes_.at(name).configured) {
        spdlog::info("host {}: node {} is configured again by install", options_.host, name);
      }
      nodes_[name].configured = true;
    }
  }
  for (const auto& spec : fresh->nodes)
    nodes_.at(spec.name).spec = spec;
  options_.nodes = fresh->nodes;
  mark_changed();
  return Status::ok();
}

}  // namespace bc::sup
