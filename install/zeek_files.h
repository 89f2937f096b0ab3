#pragma once
// The files a Zeek node needs from the installed snapshot (docs/ZEEK.md, "Cluster layout
// and ports"): auto/cluster-layout.zeek (or auto/standalone-layout.zeek) as zeekctl writes
// it for the Zeek version, auto/brocluster-telemetry.zeek, which binds the metrics ports to
// MetricsAddress, and the two scripts our package's auto script loads, as zeekctl's
// install writes their counterparts: auto/local-networks.zeek (networks.cfg) and
// auto/brocluster-config.zeek (mail and log rotation settings of cluster.cfg). Made only
// after the layout's ports pass zeek_port_problems().

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/cluster.h"
#include "config/zeek_ports.h"
#include "config/zeek_version.h"

namespace bc::install {

// Name of the telemetry script under auto/: the zeek script package's auto script
// @loads it (as zeekctl/auto loads zeekctl-config).
inline constexpr std::string_view kZeekTelemetryScript = "brocluster-telemetry";

// auto/local-networks.zeek: Site::local_nets from networks.cfg.
std::string render_local_networks(const std::vector<config::Network>& networks);
// auto/brocluster-config.zeek: mail settings, the log rotation interval, and a @load of the
// telemetry script when there is one.
std::string render_zeek_config(const config::ClusterConfig& options, bool telemetry);

// Bundle path (auto/...) -> content. Errors: the layout's (config::make_zeek_layout), or
// every port problem, one per line, each naming its node, host and port.
Result<std::map<std::string, std::string>> zeek_auto_files(const config::Cluster& cluster,
                                                           const config::ZeekVersion& version,
                                                           const config::PortRange& ephemeral);

}  // namespace bc::install
