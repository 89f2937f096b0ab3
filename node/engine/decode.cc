#include "node/engine/decode.h"

namespace bc::node {
namespace {

constexpr int kDltNull = 0, kDltEn10mb = 1, kDltRaw = 12, kDltRawAlt = 14, kLinktypeRaw = 101,
              kDltLinuxSll = 113;

std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

int ethertype_payload(const std::uint8_t* d, std::uint32_t caplen, std::uint32_t off,
                      std::uint16_t type) {
  // Up to two VLAN tags (802.1Q, 802.1ad QinQ).
  for (int tags = 0; (type == 0x8100 || type == 0x88a8) && tags < 2; ++tags) {
    if (caplen < off + 4) return -1;
    type = be16(d + off + 2);
    off += 4;
  }
  if (type != 0x0800 && type != 0x86dd) return -1;
  return off < caplen ? static_cast<int>(off) : -1;
}

struct Transport {
  const std::uint8_t* p;
  std::uint32_t cap;   // captured bytes from p
  std::uint32_t wire;  // wire bytes from p
};

bool decode_transport(const Transport& t, DecodedPacket& out) {
  switch (out.proto) {
    case kProtoTcp: {
      if (t.cap < 20) return false;
      const std::uint32_t hlen = (t.p[12] >> 4) * 4u;
      if (hlen < 20 || t.cap < hlen || t.wire < hlen) return false;
      out.sport = be16(t.p);
      out.dport = be16(t.p + 2);
      out.seq = be32(t.p + 4);
      out.ack = be32(t.p + 8);
      out.tcp_flags = t.p[13];
      out.payload = t.p + hlen;
      out.payload_caplen = t.cap - hlen;
      out.payload_len = t.wire - hlen;
      return true;
    }
    case kProtoUdp: {
      if (t.cap < 8 || t.wire < 8) return false;
      out.sport = be16(t.p);
      out.dport = be16(t.p + 2);
      const std::uint32_t ulen = be16(t.p + 4);
      const std::uint32_t wire = ulen >= 8 && ulen <= t.wire ? ulen : t.wire;
      out.payload = t.p + 8;
      out.payload_len = wire - 8;
      out.payload_caplen = std::min(t.cap - 8, out.payload_len);
      return true;
    }
    case kProtoIcmp:
    case kProtoIcmp6: {
      if (t.cap < 4 || t.wire < 8) return false;
      out.icmp_type = t.p[0];
      out.icmp_code = t.p[1];
      out.sport = out.icmp_type;
      out.dport = out.icmp_code;
      out.payload = t.p + std::min<std::uint32_t>(8, t.cap);
      out.payload_caplen = t.cap > 8 ? t.cap - 8 : 0;
      out.payload_len = t.wire - 8;
      return true;
    }
    default:
      return true;  // other protocols: addresses only
  }
}

bool decode_ipv4(const std::uint8_t* p, std::uint32_t cap, DecodedPacket& out) {
  if (cap < 20 || (p[0] >> 4) != 4) return false;
  const std::uint32_t ihl = (p[0] & 0xf) * 4u;
  const std::uint32_t total = be16(p + 2);
  if (ihl < 20 || cap < ihl || total < ihl) return false;
  out.src = IpAddr::from_v4(p + 12);
  out.dst = IpAddr::from_v4(p + 16);
  out.proto = p[9];
  out.ip_len = total;
  const std::uint16_t frag = be16(p + 6);
  if ((frag & 0x1fff) != 0) {
    out.fragment = true;
    return true;
  }
  const std::uint32_t avail = std::min(cap, total);
  return decode_transport({p + ihl, avail - ihl, total - ihl}, out);
}

bool decode_ipv6(const std::uint8_t* p, std::uint32_t cap, DecodedPacket& out) {
  if (cap < 40 || (p[0] >> 4) != 6) return false;
  const std::uint32_t total = 40u + be16(p + 4);
  out.src = IpAddr::from_v6(p + 8);
  out.dst = IpAddr::from_v6(p + 24);
  out.ip_len = total;
  std::uint8_t next = p[6];
  std::uint32_t off = 40;
  // Extension headers: hop-by-hop, routing, destination options, fragment.
  for (int i = 0; i < 8; ++i) {
    if (next == 0 || next == 43 || next == 60) {
      if (cap < off + 8) return false;
      const std::uint32_t len = (p[off + 1] + 1u) * 8u;
      next = p[off];
      off += len;
    } else if (next == 44) {
      if (cap < off + 8) return false;
      const std::uint16_t frag_off = be16(p + off + 2) & 0xfff8;
      next = p[off];
      off += 8;
      if (frag_off != 0) {
        out.proto = next;
        out.fragment = true;
        return true;
      }
    } else {
      break;
    }
  }
  out.proto = next;
  if (off > total || off > cap) return false;
  const std::uint32_t avail = std::min(cap, total);
  return decode_transport({p + off, avail - off, total - off}, out);
}

}  // namespace

int ip_offset(const PacketView& packet, int linktype) {
  const std::uint8_t* d = packet.data;
  const std::uint32_t cap = packet.caplen;
  switch (linktype) {
    case kDltEn10mb:
      if (cap < 14) return -1;
      return ethertype_payload(d, cap, 14, be16(d + 12));
    case kDltRaw:
    case kDltRawAlt:
    case kLinktypeRaw:
      return cap > 0 ? 0 : -1;
    case kDltLinuxSll:
      if (cap < 16) return -1;
      return ethertype_payload(d, cap, 16, be16(d + 14));
    case kDltNull:
      return cap > 4 ? 4 : -1;
    default:
      return -1;
  }
}

bool decode_packet(const PacketView& packet, int linktype, DecodedPacket& out) {
  const int off = ip_offset(packet, linktype);
  if (off < 0 || packet.data == nullptr) return false;
  const std::uint8_t* p = packet.data + off;
  const std::uint32_t cap = packet.caplen - static_cast<std::uint32_t>(off);
  if ((p[0] >> 4) == 4) return decode_ipv4(p, cap, out);
  if ((p[0] >> 4) == 6) return decode_ipv6(p, cap, out);
  return false;
}

}  // namespace bc::node
