#include "collector/cluster_view.h"

namespace bc::collector {

ClusterView::ClusterView(const config::Cluster& cluster) {
  for (const auto& node : cluster.nodes) {
    nodes_[node.name].spec = node;
    hosts_[node.host].name = node.host;
  }
}

ClusterView::Changes ClusterView::apply(const config::Cluster& cluster) {
  Changes changes;
  std::map<std::string, NodeView> nodes;
  std::map<std::string, HostView> hosts;
  for (const auto& spec : cluster.nodes) {
    auto it = nodes_.find(spec.name);
    if (it == nodes_.end()) {
      changes.added.push_back(spec.name);
      nodes[spec.name].spec = spec;
    } else {
      nodes[spec.name] = std::move(it->second);
      nodes[spec.name].spec = spec;
    }
    if (hosts.count(spec.host) != 0) continue;
    auto h = hosts_.find(spec.host);
    if (h == hosts_.end()) {
      changes.new_hosts.push_back(spec.host);
      hosts[spec.host].name = spec.host;
    } else {
      hosts[spec.host] = std::move(h->second);
    }
  }
  for (const auto& [name, node] : nodes_) {
    if (nodes.count(name) == 0) changes.removed.push_back(name);
  }
  nodes_ = std::move(nodes);
  hosts_ = std::move(hosts);
  return changes;
}

HostView* ClusterView::host(const std::string& name) {
  auto it = hosts_.find(name);
  return it == hosts_.end() ? nullptr : &it->second;
}

NodeView* ClusterView::node(const std::string& name) {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

bool ClusterView::note_sequence(const std::string& host, const std::string& origin,
                                std::uint64_t seq) {
  HostView* h = this->host(host);
  if (h == nullptr) return false;
  auto [it, first] = h->last_seq.try_emplace(origin, seq);
  if (first) return false;
  const bool gap = seq != it->second + 1;
  it->second = seq;
  return gap;
}

}  // namespace bc::collector
