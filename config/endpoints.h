#pragma once
// Where the daemons of a cluster listen, derived from cluster.cfg and node.cfg in one
// place so that the shell, the supervisors, the broker and the collector agree.

#include <string>

#include "config/cluster.h"

namespace bc::config {

// The address the broker and collector run on: BrokerHost when set, else the host of the
// manager (or of the standalone node), resolved to a numeric address.
std::string broker_address(const Cluster& cluster);
// tcp://<broker>:BrokerPubPort (publishers connect), tcp://<broker>:BrokerSubPort.
std::string broker_pub_endpoint(const Cluster& cluster);
std::string broker_sub_endpoint(const Cluster& cluster);
// tcp://<collector>:CollectorPort.
std::string collector_endpoint(const Cluster& cluster);
// tcp://<address of host>:SupervisorPort; empty when no node runs on `host`.
std::string supervisor_endpoint(const Cluster& cluster, const std::string& host);
// The numeric address of a node.cfg host name (the first node's resolved address).
std::string host_address(const Cluster& cluster, const std::string& host);

}  // namespace bc::config
