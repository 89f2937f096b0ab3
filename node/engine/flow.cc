#include "node/engine/flow.h"

#include <cstring>

#include "node/engine/decode.h"
#include "node/engine/flow_hash.h"
#include "node/engine/log_format.h"

namespace bc::node {
namespace {

std::uint64_t fnv(std::uint64_t h, const void* p, std::size_t n) {
  const auto* b = static_cast<const std::uint8_t*>(p);
  for (std::size_t i = 0; i < n; ++i)
    h = (h ^ b[i]) * 0x100000001b3ULL;
  return h;
}

bool inactive(TcpState s) {
  return s == TcpState::kInactive || s == TcpState::kPartial;
}

}  // namespace

FlowKey FlowKey::make(const IpAddr& src, std::uint16_t sp, const IpAddr& dst, std::uint16_t dp,
                      std::uint8_t proto) {
  FlowKey k;
  k.proto = proto;
  if (std::tie(src, sp) <= std::tie(dst, dp)) {
    k.a = src, k.pa = sp, k.b = dst, k.pb = dp;
  } else {
    k.a = dst, k.pa = dp, k.b = src, k.pb = sp;
  }
  return k;
}

std::size_t FlowKeyHash::operator()(const FlowKey& k) const {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  h = fnv(h, k.a.bytes.data(), 16);
  h = fnv(h, k.b.bytes.data(), 16);
  const std::uint64_t rest = std::uint64_t{k.pa} << 24 | std::uint64_t{k.pb} << 8 | k.proto;
  return static_cast<std::size_t>(mix64(h ^ rest));
}

std::string Flow::proto_name() const {
  switch (proto) {
    case kProtoTcp:
      return "tcp";
    case kProtoUdp:
      return "udp";
    default:
      return "icmp";
  }
}

const ConnId& Flow::conn_id() {
  if (!id) {
    id = ConnId{uid,
                orig_h.to_string(),
                std::to_string(orig_p),
                resp_h.to_string(),
                std::to_string(resp_p),
                proto_name()};
  }
  return *id;
}

void tcp_transition(Endpoint& from, Endpoint& to, std::uint8_t flags) {
  const bool syn = flags & kTcpSyn, ack = flags & kTcpAck;
  // The handshake's third packet establishes both sides.
  if (ack && !syn && from.state == TcpState::kSynSent && to.state == TcpState::kSynAckSent) {
    from.state = to.state = TcpState::kEstablished;
  }
  if (flags & kTcpRst) {
    from.state = TcpState::kReset;
  } else if (flags & kTcpFin) {
    if (from.state != TcpState::kReset) from.state = TcpState::kClosed;
  } else if (syn && !ack) {
    if (from.state == TcpState::kInactive) from.state = TcpState::kSynSent;
  } else if (syn && ack) {
    if (from.state == TcpState::kInactive || from.state == TcpState::kSynSent) {
      from.state = TcpState::kSynAckSent;
    }
  } else if (from.state == TcpState::kInactive) {
    from.state = TcpState::kPartial;
  }
}

std::string conn_state(const Flow& f) {
  if (f.proto != kProtoTcp) {
    const bool o = f.orig.pkts > 0, r = f.resp.pkts > 0;
    if (o && r) return "SF";
    if (o) return "S0";
    return r ? "SHR" : "OTH";
  }
  const TcpState os = f.orig.state, rs = f.resp.state;
  using S = TcpState;
  if (rs == S::kReset) {
    if (os == S::kSynSent || os == S::kSynAckSent ||
        (os == S::kReset && f.orig.bytes == 0 && f.resp.bytes == 0)) {
      return "REJ";
    }
    return inactive(os) ? "RSTRH" : "RSTR";
  }
  if (os == S::kReset) return inactive(rs) ? "RSTOS0" : "RSTO";
  if (rs == S::kClosed && os == S::kClosed) return "SF";
  if (os == S::kClosed) return inactive(rs) ? "SH" : "S2";
  if (rs == S::kClosed) return inactive(os) ? "SHR" : "S3";
  if (os == S::kSynSent && rs == S::kInactive) return "S0";
  if (os == S::kEstablished && rs == S::kEstablished) return "S1";
  return "OTH";
}

std::string make_uid(std::uint64_t seed, const FlowKey& key, std::int64_t start_us) {
  static constexpr char kDigits[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::uint64_t h =
      mix64(FlowKeyHash{}(key) ^ mix64(seed) ^ mix64(static_cast<std::uint64_t>(start_us)));
  std::string out = "C";
  for (int i = 0; i < 11; ++i) {  // 62^11 > 2^64: every bit shows
    out += kDigits[h % 62];
    h /= 62;
  }
  return out;
}

}  // namespace bc::node
