#pragma once
// EngineSettings: every knob of the engine, with the defaults of the policy scripts'
// `&redef` constants (docs/SCRIPTS.md). The node process fills it from the loaded scripts
// and analysis.dat and may apply a changed copy live (Engine::apply).

#include <array>
#include <compare>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bc::node {

// An IPv4 or IPv6 address; IPv4 is stored as ::ffff:a.b.c.d so both compare alike.
struct IpAddr {
  std::array<std::uint8_t, 16> bytes{};
  bool is_v4() const;
  static IpAddr from_v4(const std::uint8_t* four);
  static IpAddr from_v6(const std::uint8_t* sixteen);
  static Result<IpAddr> parse(std::string_view text);
  std::string to_string() const;  // "10.0.0.1", "2001:db8::1"
  auto operator<=>(const IpAddr&) const = default;
};

struct Subnet {
  IpAddr network;
  int prefix = 0;  // in the address' own family: 0..32 for IPv4, 0..128 for IPv6
  // "10.0.0.0/8", "2001:db8::/32", or a bare address (a host route).
  static Result<Subnet> parse(std::string_view text);
  bool contains(const IpAddr& addr) const;
  std::string to_string() const;
  auto operator<=>(const Subnet&) const = default;
};

// A port as the scripts write it: 80/tcp, 53/udp, 8/icmp.
struct PortSpec {
  std::uint16_t number = 0;
  std::string proto;  // "tcp", "udp", "icmp"
  auto operator<=>(const PortSpec&) const = default;
};

struct EngineSettings {
  // Conn::*_inactivity_timeout, seconds.
  double tcp_inactivity_timeout = 300;
  double udp_inactivity_timeout = 60;
  double icmp_inactivity_timeout = 60;

  // Enabled analysis types (analysis.dat names). Connection accounting is always on.
  // Default: every type this engine supports (supported_analyses()).
  std::set<std::string> analyses = {"dns",         "http-request", "http-reply",
                                    "http-header", "http-body",    "scan"};

  // Scan::*
  std::uint64_t addr_scan_threshold = 25;  // distinct hosts one source touches per interval
  std::uint64_t port_scan_threshold = 15;  // distinct ports of one host one source touches
  double scan_interval = 300;              // seconds
  std::set<PortSpec> skip_scan_ports;
  std::vector<Subnet> skip_scan_sources;

  // HTTP::*
  std::uint64_t http_max_body_bytes = 4096;
  std::set<std::string> http_log_headers = {"HOST", "USER-AGENT", "CONTENT-TYPE"};  // upper case

  // Notice::emailed_types / Notice::alarmed_types: notes whose notices carry
  // Notice::ACTION_EMAIL / Notice::ACTION_ALARM besides ACTION_LOG (the collector acts on them).
  std::set<std::string> notice_emailed_types;
  std::set<std::string> notice_alarmed_types = {"Scan::Address_Scan", "Scan::Port_Scan"};

  // Site::local_nets: sets conn.log's local_orig/local_resp (unset when empty).
  std::vector<Subnet> local_nets;

  // Mixed into every uid, so that the processes of a cluster do not collide (the node
  // process sets it, e.g. from node name and pid); 0 keeps uids reproducible for tests.
  std::uint64_t uid_seed = 0;

  bool enabled(std::string_view analysis) const {
    return analyses.count(std::string(analysis)) != 0;
  }
};

}  // namespace bc::node
