#include "node/process/cluster_links.h"

#include "config/endpoints.h"

namespace bc::node {
namespace {

using config::NodeType;

std::string tcp(const std::string& address, std::int64_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  return "tcp://" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::string address_of(const config::Cluster& cluster, const config::NodeSpec& node) {
  if (!node.address.empty()) return node.address;
  const std::string known = config::host_address(cluster, node.host);
  return known.empty() ? node.host : known;
}

const config::NodeSpec* find_type(const config::Cluster& cluster, NodeType type) {
  for (const auto& n : cluster.nodes) {
    if (n.type == type) return &n;
  }
  return nullptr;
}

}  // namespace

std::size_t proxy_for(const std::string& src, std::size_t proxies) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : src) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return proxies == 0 ? 0 : static_cast<std::size_t>(h % proxies);
}

Result<ClusterLinks> plan_links(const config::Cluster& cluster, const config::NodeSpec& self) {
  ClusterLinks links;
  if (self.type == NodeType::kStandalone) {
    links.writes_logs = links.detects_scans = links.captures = true;
    return links;
  }
  const std::int64_t base = cluster.options.get_int("NodePortBase");
  const config::NodeSpec* sink = find_type(cluster, NodeType::kLogger);
  if (sink == nullptr) sink = find_type(cluster, NodeType::kManager);
  if (sink == nullptr) {
    return Status::invalid_argument("node.cfg has no manager for " + self.name + " to send to");
  }
  std::vector<const config::NodeSpec*> proxies;
  for (const auto& n : cluster.nodes) {
    if (n.type == NodeType::kProxy) proxies.push_back(&n);
  }
  const std::int64_t last = base + static_cast<std::int64_t>(proxies.size());
  if (base < 1 || last > 65535) {
    return Status::invalid_argument("NodePortBase " + std::to_string(base) + " leaves ports " +
                                    std::to_string(base) + ".." + std::to_string(last) +
                                    " outside 1..65535");
  }
  const std::string sink_role(config::node_type_name(sink->type));
  links.sink =
      PeerAddress{sink->name, sink_role, tcp(address_of(cluster, *sink), base), sink->host};
  for (std::size_t i = 0; i < proxies.size(); ++i) {
    links.proxies.push_back(
        PeerAddress{proxies[i]->name, "proxy",
                    tcp(address_of(cluster, *proxies[i]), base + 1 + static_cast<std::int64_t>(i)),
                    proxies[i]->host});
  }
  if (sink->name == self.name) {
    links.writes_logs = true;
    links.bind = links.sink->endpoint;
    links.sink.reset();
  }
  if (self.type == NodeType::kProxy) {
    links.detects_scans = true;
    for (const auto& p : links.proxies) {
      if (p.node == self.name) links.bind = p.endpoint;
    }
    if (links.bind.empty()) {
      return Status::not_found("proxy " + self.name + " is not in node.cfg; no port for it");
    }
    links.proxies.clear();
  }
  if (self.type == NodeType::kManager || self.type == NodeType::kLogger) {
    links.sink.reset();  // a manager beside a logger sends nothing
    links.proxies.clear();
  }
  if (self.type == NodeType::kWorker) {
    links.captures = true;
    links.detects_scans = links.proxies.empty();
  }
  return links;
}

}  // namespace bc::node
