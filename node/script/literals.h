#pragma once
// Parsing and canonical forms of the literal values whose text is not just a number:
// addresses, subnets, port protocols and interval units. Shared by the lexer and by
// code outside the scripts that builds Values (the node, from networks.cfg).

#include <optional>
#include <string>
#include <string_view>

#include "node/script/value.h"

namespace bc::node::script {

// "10.1.2.3" or an IPv6 address (with or without [brackets]) → canonical text
// (inet_ntop; an IPv4-mapped IPv6 address prints as IPv4, as Bro does).
std::optional<std::string> parse_addr(std::string_view text);
// "10.1.2.3/8", "[2001:db8::]/32", "2001:db8::/32" → "10.0.0.0/8", "2001:db8::/32":
// the address masked to the prefix. nullopt for a bad address or prefix length.
std::optional<std::string> parse_subnet(std::string_view text);
// "tcp", "udp", "icmp", "unknown".
std::optional<Port::Proto> parse_port_proto(std::string_view text);
std::string_view port_proto_name(Port::Proto proto);
// Seconds in one `word` of an interval literal: usec msec sec min hr day, each also with
// a trailing "s". nullopt for any other word.
std::optional<double> interval_unit_seconds(std::string_view word);

// Orders two canonical addresses (IPv4 before IPv6, then by bytes); for Value::compare.
int compare_addr(const std::string& a, const std::string& b);
int compare_subnet(const std::string& a, const std::string& b);

}  // namespace bc::node::script
