#pragma once
// The cluster layout of Zeek nodes: which port each node gets and the text of
// `cluster-layout.zeek` (or `standalone-layout.zeek`), exactly as zeekctl's install.py
// writes it for the zeekctl version that ships with a given Zeek version, for the same
// node.cfg. Pure: no I/O. docs/ZEEK.md ("Cluster layout and ports") has the rules and
// the zeekctl sources they were read from; tests/golden/zeek_layout/ pins the output.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/cluster_config.h"
#include "config/node_config.h"
#include "config/zeek_version.h"

namespace bc::config {

// Oldest Zeek the layout (and the zeek node profile) supports.
inline constexpr ZeekVersion kMinZeekVersion{5, 0, 0};

enum class ZeekBackend { kBroker, kZeroMQ };

struct ZeekListen {
  std::string address;
  int port = 0;
};

// What the layout depends on besides node.cfg; zeekctl's options of the same names.
struct ZeekLayoutSettings {
  int zeek_port = 27760;                       // ZeekPort: first port handed out
  int metrics_port = 9991;                     // MetricsPort: first metrics port; 0 = none
  std::string metrics_address = "127.0.0.1";   // MetricsAddress; empty = Zeek's default
  ZeekBackend backend = ZeekBackend::kBroker;  // ClusterBackend
  std::optional<ZeekListen> websocket;         // UseWebSocket: the manager's listener
};

// zeekctl's defaults for the zeekctl that ships with `version`, except that ZeekPort is
// 27760 and MetricsAddress loopback for every version (docs/ZEEK.md says why).
ZeekLayoutSettings zeekctl_layout_defaults(const ZeekVersion& version);

// ZeekPort, MetricsPort and MetricsAddress from cluster.cfg; ClusterBackend when the
// option is set; the WebSocket listener from zeek_control_listener().
ZeekLayoutSettings zeek_layout_settings(const ClusterConfig& options, const ZeekVersion& version);

// The manager's (or standalone node's) WebSocket listener of the control channel:
// ZeekControlAddress:ZeekControlPort on Zeek >= 8.0 (Cluster::listen_websocket); nullopt
// before 8.0 or with ZeekControlPort = 0.
std::optional<ZeekListen> zeek_control_listener(const ClusterConfig& options,
                                                const ZeekVersion& version);

// One Zeek node and the ports zeekctl assigns it.
struct ZeekNodePorts {
  std::string name;
  NodeType type = NodeType::kWorker;
  std::string host;      // as node.cfg writes it, for messages
  std::string address;   // numeric, as in the layout ($ip)
  int port = 0;          // $p
  int metrics_port = 0;  // $metrics_port; 0 = none
};

struct ZeekLayout {
  ZeekVersion version;
  std::string file_name;  // "cluster-layout.zeek" or "standalone-layout.zeek"
  std::string text;
  std::vector<ZeekNodePorts> nodes;  // in zeekctl's order, which is the order of the text
  std::string manager_address;       // the manager's (or standalone node's) address
  int control_port = 0;              // the "control" pseudo-node; 0 for standalone
  int xpub_port = 0;                 // ZeroMQ XPUB/XSUB on the manager (Zeek >= 8.1); else 0
  int xsub_port = 0;
  std::optional<ZeekListen> websocket;
  std::string metrics_address;
};

// The layout for `nodes` (a whole node.cfg: one manager or one standalone node). Node
// order within a type is node.cfg's (section line, then lb_procs index), as zeekctl
// numbers nodes. Errors: a Zeek older than kMinZeekVersion, no manager, a WebSocket
// listener before Zeek 8.0, a port above 65535 (naming the node).
Result<ZeekLayout> make_zeek_layout(const std::vector<NodeSpec>& nodes, const ZeekVersion& version,
                                    const ZeekLayoutSettings& settings);

// The script that binds every node's metrics listener to MetricsAddress unless the site
// set Telemetry::metrics_address itself (zeekctl writes the same lines into
// zeekctl-config.zeek). Empty when there is nothing to bind: Zeek < 7.0, no metrics ports
// or no MetricsAddress.
std::string render_zeek_telemetry_config(const ZeekLayout& layout);

// `text` as a Zeek string literal: quotes and backslashes escaped, control characters
// dropped (a newline would end the script line). For every value written into a script.
std::string zeek_string(std::string_view text);

}  // namespace bc::config
