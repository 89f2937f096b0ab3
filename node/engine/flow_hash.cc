#include "node/engine/flow_hash.h"

#include "node/engine/decode.h"

namespace bc::node {
namespace {

std::uint64_t endpoint_hash(const IpAddr& a, std::uint16_t port) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (auto b : a.bytes)
    h = (h ^ b) * 0x100000001b3ULL;
  return mix64(h ^ port);
}

}  // namespace

std::optional<std::uint32_t> symmetric_flow_hash(const PacketView& packet, int linktype) {
  DecodedPacket d;
  if (!decode_packet(packet, linktype, d)) return std::nullopt;
  std::uint16_t sp = 0, dp = 0;
  // Ports only where both directions carry them swapped; ICMP and fragments by address.
  if (!d.fragment && (d.proto == kProtoTcp || d.proto == kProtoUdp)) {
    sp = d.sport;
    dp = d.dport;
  }
  // Addition is commutative: (a,b) and (b,a) hash alike.
  const std::uint64_t h = endpoint_hash(d.src, sp) + endpoint_hash(d.dst, dp);
  return static_cast<std::uint32_t>(mix64(h ^ (d.fragment ? 0 : d.proto)) >> 16);
}

std::uint64_t mix64(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

int share_of(const PacketView& packet, int linktype, int procs) {
  if (procs <= 1) return 1;
  auto h = symmetric_flow_hash(packet, linktype);
  if (!h) return 1;
  return static_cast<int>(*h % static_cast<std::uint32_t>(procs)) + 1;
}

}  // namespace bc::node
