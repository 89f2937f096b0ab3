#pragma once
// The symmetric flow hash of the in-process lb split: a packet and its reply hash alike, so
// both directions of a flow land in the same share. Pure functions; thread-safe.

#include <cstdint>
#include <optional>

#include "node/engine/packet.h"

namespace bc::node {

// Hash of the unordered pair of endpoints (address, port) plus the IP protocol of an
// Ethernet (DLT_EN10MB, with 802.1Q), raw IP or Linux SLL packet; nullopt when it is not
// IPv4/IPv6 or too short. Fragments hash by addresses only (ports unknown).
std::optional<std::uint32_t> symmetric_flow_hash(const PacketView& packet, int linktype);

// splitmix64's finaliser: spreads the bits of a hash so that `% n` is fair. Shared by the
// lb split and the flow table.
std::uint64_t mix64(std::uint64_t h);

// The 1-based share a packet belongs to among `procs` (non-IP packets: share 1).
int share_of(const PacketView& packet, int linktype, int procs);

}  // namespace bc::node
