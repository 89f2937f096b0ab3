#pragma once
// Flow: the state of one bidirectional connection (conn.log accounting, TCP endpoint
// states, history, attached analyzers). FlowKey: its direction-free identity.
// Internal to the engine.

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "node/engine/conn_id.h"
#include "node/engine/dns_analyzer.h"
#include "node/engine/http_analyzer.h"
#include "node/engine/reassembler.h"
#include "node/engine/settings.h"

namespace bc::node {

// The endpoints in canonical order ((a,pa) <= (b,pb)), so both directions map to one key.
struct FlowKey {
  IpAddr a, b;
  std::uint16_t pa = 0, pb = 0;
  std::uint8_t proto = 0;
  static FlowKey make(const IpAddr& src, std::uint16_t sp, const IpAddr& dst, std::uint16_t dp,
                      std::uint8_t proto);
  bool operator==(const FlowKey&) const = default;
};

struct FlowKeyHash {
  std::size_t operator()(const FlowKey& k) const;
};

// Zeek's TCP endpoint states, from which conn_state is derived.
enum class TcpState { kInactive, kSynSent, kSynAckSent, kPartial, kEstablished, kClosed, kReset };

struct Endpoint {
  std::uint64_t pkts = 0, ip_bytes = 0;
  std::uint64_t bytes = 0;  // UDP/ICMP: payload sum; TCP: from sequence numbers (below)
  TcpState state = TcpState::kInactive;
  bool seq_init = false;
  std::uint32_t seq_base = 0;  // sequence number of the first payload byte
  std::uint64_t seq_high = 0;  // highest payload end seen, relative to seq_base
  std::string history_seen;    // letters already recorded for this direction
};

struct Flow {
  FlowKey key;
  IpAddr orig_h, resp_h;
  std::uint16_t orig_p = 0, resp_p = 0;
  std::uint8_t proto = 0;  // kProtoTcp / kProtoUdp / kProtoIcmp / kProtoIcmp6
  std::int64_t start_us = 0, last_us = 0;
  std::int64_t closed_us = -1;  // TCP: when it was closed (both FINs, or a RST)
  Endpoint orig, resp;
  std::string history;
  std::string uid;
  std::string service;  // "dns", "http" once an analyzer recognised its protocol
  bool scan_reported = false;
  bool answered = false;  // the responder took part: for ScanObservation::established

  std::unique_ptr<DnsAnalyzer> dns;
  std::unique_ptr<HttpAnalyzer> http;
  std::unique_ptr<Reassembler> stream[2];  // TCP, for the analyzers: orig, resp
  std::optional<ConnId> id;                // rendered on first use

  std::list<Flow*>* list = nullptr;  // the expiry list this flow is on
  std::list<Flow*>::iterator pos;

  const ConnId& conn_id();
  std::string proto_name() const;
};

// Zeek's conn_state of a TCP flow (S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH,
// SHR, OTH) and of a UDP/ICMP flow (S0, SF, SHR, OTH).
std::string conn_state(const Flow& flow);
// TCP endpoint state change for one packet from `from` to `to`.
void tcp_transition(Endpoint& from, Endpoint& to, std::uint8_t flags);
// "C" + base62 of a hash of seed, key and start time.
std::string make_uid(std::uint64_t seed, const FlowKey& key, std::int64_t start_us);

}  // namespace bc::node
