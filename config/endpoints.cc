#include "config/endpoints.h"

#include "config/node_config.h"

namespace bc::config {
namespace {

std::string tcp(const std::string& address, std::int64_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace

std::string host_address(const Cluster& cluster, const std::string& host) {
  for (const auto& node : cluster.nodes) {
    if (node.host == host) return node.address.empty() ? host : node.address;
  }
  return {};
}

std::string broker_address(const Cluster& cluster) {
  const std::string configured = cluster.options.get("BrokerHost");
  if (!configured.empty()) {
    const std::string known = host_address(cluster, configured);
    if (!known.empty()) return known;
    if (auto resolved = system_resolver()(configured)) return *resolved;
    return configured;
  }
  for (const auto& node : cluster.nodes) {
    if (node.type == NodeType::kManager || node.type == NodeType::kStandalone) {
      return node.address.empty() ? node.host : node.address;
    }
  }
  return "127.0.0.1";
}

std::string broker_pub_endpoint(const Cluster& cluster) {
  return tcp(broker_address(cluster), cluster.options.get_int("BrokerPubPort"));
}

std::string broker_sub_endpoint(const Cluster& cluster) {
  return tcp(broker_address(cluster), cluster.options.get_int("BrokerSubPort"));
}

std::string collector_endpoint(const Cluster& cluster) {
  return tcp(broker_address(cluster), cluster.options.get_int("CollectorPort"));
}

std::string supervisor_endpoint(const Cluster& cluster, const std::string& host) {
  const std::string address = host_address(cluster, host);
  if (address.empty()) return {};
  return tcp(address, cluster.options.get_int("SupervisorPort"));
}

}  // namespace bc::config
