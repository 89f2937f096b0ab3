#pragma once
// Packet decoding below the analyzers: link layer (Ethernet + 802.1Q/802.1ad, raw IP,
// Linux SLL), IPv4 and IPv6 (with extension headers), and the TCP/UDP/ICMP header. Every
// length is checked against the captured bytes; anything short or inconsistent makes
// decode_packet() return false. Internal to the engine; pure.

#include <cstdint>

#include "node/engine/packet.h"
#include "node/engine/settings.h"

namespace bc::node {

inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoIcmp6 = 58;

inline constexpr std::uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpPsh = 0x08,
                              kTcpAck = 0x10;

struct DecodedPacket {
  IpAddr src, dst;
  std::uint8_t proto = 0;              // IP protocol of the transport header
  bool fragment = false;               // a non-first fragment: no transport header
  std::uint32_t ip_len = 0;            // IP datagram length from the header (wire)
  std::uint16_t sport = 0, dport = 0;  // TCP/UDP ports; ICMP: type and code
  std::uint8_t icmp_type = 0, icmp_code = 0;
  std::uint8_t tcp_flags = 0;
  std::uint32_t seq = 0, ack = 0;
  const std::uint8_t* payload = nullptr;
  std::uint32_t payload_caplen = 0;  // payload bytes captured
  std::uint32_t payload_len = 0;     // payload bytes on the wire (from the IP length)
};

// Finds the IP header. Returns its offset into packet.data, or -1 (not IP / too short).
int ip_offset(const PacketView& packet, int linktype);
bool decode_packet(const PacketView& packet, int linktype, DecodedPacket& out);

}  // namespace bc::node
