#pragma once
// Who talks to whom in a cluster of reference nodes, and on which port (docs/
// NODE-PROTOCOL.md, "Cluster links"). Ports come from the NodePortBase option: the log
// sink — the logger when node.cfg has one, else the manager — binds NodePortBase, the
// i-th proxy (node.cfg order, 0-based) NodePortBase + 1 + i, each on the address of its
// host. Workers connect to the sink and to every proxy; proxies to the sink.

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/cluster.h"
#include "node/process/peer_link.h"

namespace bc::node {

struct ClusterLinks {
  std::optional<PeerAddress> sink;   // where log records and notices go; none standalone
  std::vector<PeerAddress> proxies;  // where a worker sends scan observations
  std::string bind;                  // tcp:// endpoint this node's PULL binds; empty = none
  bool writes_logs = false;          // standalone, or the sink itself
  bool detects_scans = false;        // standalone, proxy, or a worker without proxies
  bool captures = false;             // standalone and workers
};

// Errors: NodePortBase out of range (1..65535 for every port the cluster needs), a
// cluster without a manager for a worker or proxy.
Result<ClusterLinks> plan_links(const config::Cluster& cluster, const config::NodeSpec& self);

// Which proxy sees the observations of `src`: the same for every worker, so that one
// scanner's connection attempts meet at one proxy (FNV-1a of the address text).
std::size_t proxy_for(const std::string& src, std::size_t proxies);

}  // namespace bc::node
