#pragma once
// Checks of the ports a Zeek layout hands out, before a node is given them: every port
// outside the kernel's ephemeral range (an outgoing connection can take such a port first,
// zeekctl's old 47760 default failed that way), no port twice, none of BroCluster's own
// bus ports, and (at run time, on the host) every port still free. Each problem is one
// line naming the node, its host and the port.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/cluster_config.h"
#include "config/zeek_layout.h"

namespace bc::config {

struct PortRange {
  int first = 32768;  // Linux's default ip_local_port_range
  int last = 60999;
};

// The text of /proc/sys/net/ipv4/ip_local_port_range ("32768\t60999\n").
std::optional<PortRange> parse_port_range(std::string_view text);
// The range of this host; Linux's default when the file cannot be read or parsed.
PortRange local_ephemeral_range(const std::string& path = "/proc/sys/net/ipv4/ip_local_port_range");

// One port a Zeek node listens on.
struct ZeekPortUse {
  std::string node;     // the node that binds it ("manager", "worker-1-1", ...)
  std::string host;     // its host as node.cfg writes it
  std::string address;  // the address it binds (numeric)
  int port = 0;
  std::string what;  // "cluster port", "metrics port", "ZeroMQ XPUB port", ...
};

// Every port of the layout that a node binds, in layout order. The "control"
// pseudo-node's port is not among them: nothing listens on it.
std::vector<ZeekPortUse> zeek_port_uses(const ZeekLayout& layout);

// The rules that need no system call: ephemeral range, duplicates, BroCluster's bus
// ports (BrokerPubPort, BrokerSubPort, SupervisorPort, CollectorPort) on the same host.
std::vector<std::string> zeek_port_problems(const ZeekLayout& layout, const ClusterConfig& options,
                                            const PortRange& ephemeral);

// Tries to bind one TCP port; nullopt when it is free, else the reason ("Address already
// in use"). Injected so that tests decide which ports are busy.
using PortProbe = std::function<std::optional<std::string>(const std::string& address, int port)>;
// Binds the wildcard address of the address's family (Zeek's Broker listens on all
// addresses unless told otherwise), with SO_REUSEADDR, and closes again.
std::optional<std::string> probe_tcp_port(const std::string& address, int port);

// The ports of the selected nodes that cannot be bound now, one line each. The caller
// selects the nodes of this host that are not running (a running node holds its ports).
std::vector<std::string> busy_zeek_ports(const ZeekLayout& layout,
                                         const std::function<bool(const ZeekPortUse&)>& select,
                                         const PortProbe& probe = probe_tcp_port);

}  // namespace bc::config
