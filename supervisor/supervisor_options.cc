#include "supervisor/supervisor_options.h"

#include <algorithm>
#include <cmath>

#include "common/strings.h"
#include "config/endpoints.h"

namespace bc::sup {
Result<std::string> choose_host(const config::Cluster& cluster, const std::string& requested) {
  const std::vector<std::string> hosts = cluster.hosts();
  if (!requested.empty()) {
    if (std::find(hosts.begin(), hosts.end(), requested) != hosts.end()) return requested;
    return Status::not_found("no node in node.cfg runs on host '" + requested +
                             "' (hosts: " + join(hosts, ", ") + ")");
  }
  if (hosts.size() == 1) return hosts.front();
  return Status::invalid_argument("node.cfg names several hosts (" + join(hosts, ", ") +
                                  "); say which one this is with --host");
}

Result<SupervisorOptions> supervisor_options(const config::Cluster& cluster,
                                             const std::string& host) {
  const config::ClusterConfig& o = cluster.options;
  SupervisorOptions out;
  out.host = host;
  out.base_dir = o.get("BroBase");
  out.spool_dir = o.get("SpoolDir");
  out.tmp_dir = o.get("TmpDir");
  out.log_dir = o.get("LogDir");
  const std::string bind_address = o.get("BindAddress");
  out.bind_endpoint = config::supervisor_endpoint(cluster, host);
  if (!bind_address.empty()) {
    out.bind_endpoint = "tcp://" + bind_address + ":" + std::to_string(o.get_int("SupervisorPort"));
  }
  if (out.bind_endpoint.empty()) return Status::not_found("no node runs on host '" + host + "'");
  out.broker_endpoint = config::broker_pub_endpoint(cluster);
  out.broker_sub_endpoint = config::broker_sub_endpoint(cluster);
  out.node_program = o.get("NodeProgram");
  out.bro_args = split_trimmed(o.get("BroArgs"), " \t");
  out.mem_limit_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(o.get_int("MemLimit"), 0))
                        << 20;
  out.crash_core_max_bytes =
      static_cast<std::uint64_t>(std::max<std::int64_t>(o.get_int("CrashCoreMaxSize"), 0)) << 20;
  out.stop_timeout = o.get_millis("StopTimeout");
  out.ready_grace = o.get_millis("ReadyGraceTime");
  out.start_timeout = o.get_millis("StartTimeout");
  out.heartbeat_interval = std::max(o.get_millis("HeartbeatInterval"), Millis(10));
  out.stats_interval = std::max(o.get_millis("StatsInterval"), Millis(100));
  out.debug = o.get_bool("Debug");
  out.df_paths = {out.base_dir, out.spool_dir, out.log_dir, out.tmp_dir};
  for (const auto& node : cluster.nodes) {
    if (node.host == host) out.nodes.push_back(node);
    if (node.type == config::NodeType::kManager || node.type == config::NodeType::kStandalone) {
      out.manager_host = node.host;
    }
  }
  out.cluster_options = o;
  return out;
}

}  // namespace bc::sup
