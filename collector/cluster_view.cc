#include "collector/cluster_view.h"

namespace bc::collector {

ClusterView::ClusterView(const config::Cluster& cluster) {
  for (const auto& node : cluster.nodes) {
    nodes_[node.name].spec = node;
    hosts_[node.host].name = node.host;
  }
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
