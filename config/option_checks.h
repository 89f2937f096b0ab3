#pragma once
// Private to the config module: value rules for cluster.cfg options beyond the syntax of
// `Key = value` (type, range, port rules), shared by the parser and the tests.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/cluster_config.h"
#include "config/diagnostics.h"
#include "config/option_table.h"

namespace bc::config::detail {

inline constexpr std::int64_t kEphemeralPortFirst = 32768;  // Linux ip_local_port_range
inline constexpr std::int64_t kEphemeralPortLast = 60999;

// Options whose canonical name ends in "Port" are TCP ports.
bool is_port_option(std::string_view name);
// Zeek's port options (ZeekPort, MetricsPort): the first of a range handed out to Zeek
// nodes (config/zeek_layout.h), not a port of BroCluster's own.
bool is_zeek_port_option(std::string_view name);
// A numeric IPv4 or IPv6 address (inet_pton).
bool is_numeric_address(const std::string& text);

// Error message when `value` (fully interpolated) is not acceptable for `spec`: wrong
// type, out of range, bad port, malformed env_vars. nullopt when fine.
std::optional<std::string> check_option_value(const OptionSpec& spec, const std::string& value);

// Rules across options, run on the resolved config: a port in the ephemeral range
// (warning) and two endpoints on one port (error). `line_of` gives the line an option
// was set on (0 when it was not in the file).
void check_ports(const ClusterConfig& config, const std::string& file,
                 const std::function<int(std::string_view)>& line_of, Diagnostics& diags);

}  // namespace bc::config::detail
