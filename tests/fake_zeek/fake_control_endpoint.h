#pragma once
// The fake zeek's WebSocket control endpoint (docs/ZEEK.md, "Control channel"): what a
// Zeek >= 8.0 manager or standalone node with BroCluster's script package offers through
// Cluster::listen_websocket, reduced to what the tests need. It speaks the JSON v1 subset
// the supervisor uses: the subscription (a JSON array of topic prefixes) answered by an
// ack, then data-messages carrying BroCluster::{id_value,net_stats,peer_status}_request
// for a node's request topic, answered with the Control framework's response events on
// the request's reply topic. An answer goes to every connection whose subscriptions match
// its topic, as Zeek's publish does, so a client that subscribed too broadly sees other
// clients' answers. After the ack it pings and answers nothing until the pong came.

#include <functional>
#include <string>

namespace fake_zeek {

// A setting of the control file for a node ("" when unset).
using Setting = std::function<std::string(const std::string& node, const std::string& key)>;

// Starts the endpoint on its own thread when this process is the manager (CLUSTER_NODE
// names a manager in cluster-layout.zeek) or a standalone node, the version is 8.0 or
// later, and the layout on ZEEKPATH has a Cluster::listen_websocket block (or the control
// file gives ws_port=<port>), unless ZEEKCTL_DISABLE_LISTEN is set. Returns an error line for
// stderr, "" when all is well or there is nothing to serve.
//
// Control-file keys (per node): id:<ID>=<value> (the value `print <ID>` shows; Cluster::node
// is known anyway), peers=<a,b> (default: the manager for other nodes), ws_delay_ms=<n>
// (answer after n ms).
std::string start_control_endpoint(const std::string& node, const std::string& version,
                                   const Setting& setting);

}  // namespace fake_zeek
