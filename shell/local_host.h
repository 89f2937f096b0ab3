#pragma once
// Whether a node.cfg host is this machine: its name is our host name, or its address is a
// loopback address (127.0.0.0/8, ::1) or one of our interfaces' (getifaddrs). The shell
// decides with it which daemons are its own business (standalone and one-box clusters,
// `daemons`) and where it may attach gdb itself.

#include <string>
#include <vector>

#include "config/cluster.h"

namespace bc::shell {

// `host` is a node.cfg host= value, `address` its resolved numeric address (may be empty).
bool is_local_host(const std::string& host, const std::string& address);
bool is_local_node(const config::NodeSpec& node);

// The node.cfg hosts that are this machine, in node order.
std::vector<std::string> local_hosts(const config::Cluster& cluster);

// A one-box cluster: every node runs on this machine under one host name (standalone
// included). Several names for this machine in one node.cfg are simulated hosts, each
// with a BroBase of its own (the test harness, docs/DECISIONS.md), so not one box.
bool is_one_box(const config::Cluster& cluster);

}  // namespace bc::shell
