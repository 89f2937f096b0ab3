// Supervisor: taking the node definitions of a new installed snapshot.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "supervisor/installed_config.h"
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
  std::vector<config::NodeSpec> nodes = fresh->nodes;
  for (const auto& spec : fresh->nodes) {
    auto [it, added] = nodes_.try_emplace(spec.name);
    it->second.spec = spec;
    if (added) spdlog::info("host {}: node {} added by install", options_.host, spec.name);
  }
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    const bool kept = std::any_of(nodes.begin(), nodes.end(),
                                  [&](const config::NodeSpec& s) { return s.name == it->first; });
    if (kept) {
      ++it;
    } else if (has_process(it->second.lifecycle.state())) {
      spdlog::warn("host {}: node {} is no longer configured; it runs until stopped", options_.host,
                   it->first);
      nodes.push_back(it->second.spec);
      ++it;
    } else {
      spdlog::info("host {}: node {} removed by install", options_.host, it->first);
      it = nodes_.erase(it);
    }
  }
  options_.nodes = std::move(nodes);
  mark_changed();
  return Status::ok();
}

}  // namespace bc::sup
