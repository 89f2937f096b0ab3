#include "node/engine/engine.h"

#include <algorithm>
#include <deque>
#include <list>
#include <tuple>
#include <unordered_map>

#include "node/engine/conn_record.h"
#include "node/engine/decode.h"
#include "node/engine/flow.h"

namespace bc::node {
namespace {

constexpr std::int64_t kCloseDelayUs = 5'000'000;    // keep a closed TCP flow for late ACKs
constexpr std::int64_t kAttemptDelayUs = 5'000'000;  // unanswered after this: a failed attempt
constexpr std::int64_t kExpireEveryUs = 1'000'000;   // process() expires once per second

std::int64_t to_us(double seconds) {
  return static_cast<std::int64_t>(seconds * 1e6);
}

// ICMP request types and their replies: the flow key pairs them (echo 8/0, timestamp
// 13/14, information 15/16, address mask 17/18, router 10/9; ICMPv6 echo 128/129, router
// 133/134, neighbour 135/136). Other types key by (type, code).
int icmp_counterpart(std::uint8_t proto, std::uint8_t type, bool& is_request) {
  static constexpr std::uint8_t kV4[][2] = {{8, 0}, {13, 14}, {15, 16}, {17, 18}, {10, 9}};
  static constexpr std::uint8_t kV6[][2] = {{128, 129}, {133, 134}, {135, 136}};
  auto find = [&](const auto& table) {
    for (const auto& p : table) {
      if (type == p[0]) return is_request = true, int{p[1]};
      if (type == p[1]) return is_request = false, int{p[0]};
    }
    return -1;
  };
  return proto == kProtoIcmp ? find(kV4) : find(kV6);
}

}  // namespace

struct Engine::Impl {
  EngineSettings settings;
  RecordSink* sink;
  int linktype;
  EngineCounters counters;
  std::unordered_map<FlowKey, std::unique_ptr<Flow>, FlowKeyHash> flows;
  std::list<Flow*> idle[3];                               // by last activity: tcp, udp, icmp
  std::list<Flow*> closing;                               // closed TCP flows, by close time
  std::deque<std::pair<FlowKey, std::int64_t>> attempts;  // flows awaiting an answer
  std::int64_t last_expire_us = 0;

  // A sink that counts what passes.
  struct Counting : RecordSink {
    Impl* impl;
    void log(const LogRecord& r) override {
      ++impl->counters.records;
      impl->sink->log(r);
    }
    void scan(const ScanObservation& o) override { impl->sink->scan(o); }
  } counting;

  Impl(const EngineSettings& s, RecordSink& k, int lt) : settings(s), sink(&k), linktype(lt) {
    counting.impl = this;
  }

  int list_index(std::uint8_t proto) const {
    return proto == kProtoTcp ? 0 : proto == kProtoUdp ? 1 : 2;
  }
  std::int64_t timeout_us(std::uint8_t proto) const {
    switch (proto) {
      case kProtoTcp:
        return to_us(settings.tcp_inactivity_timeout);
      case kProtoUdp:
        return to_us(settings.udp_inactivity_timeout);
      default:
        return to_us(settings.icmp_inactivity_timeout);
    }
  }

  void move_to(Flow& f, std::list<Flow*>& list) {
    if (f.list) {
      list.splice(list.end(), *f.list, f.pos);
    } else {
      f.pos = list.insert(list.end(), &f);
    }
    f.list = &list;
  }

  void report_scan(Flow& f, bool established) {
    if (f.scan_reported) return;
    f.scan_reported = true;
    if (!settings.enabled("scan")) return;
    // ICMP: the originator's type (echo request 8), not the paired reply type.
    const bool ports = f.proto == kProtoTcp || f.proto == kProtoUdp;
    ScanObservation o;
    o.ts_us = f.start_us;
    o.src = f.orig_h.to_string();
    o.dst = f.resp_h.to_string();
    o.port = ports ? f.resp_p : f.orig_p;
    o.proto = f.proto_name();
    o.established = established;
    counting.scan(o);
  }

  void remove(Flow& f) {
    report_scan(f, f.answered);
    if (f.dns) f.dns->finish(f.conn_id(), counting);
    if (f.http) f.http->finish(f.conn_id(), counting);
    counting.log(make_conn_record(f, settings));
    f.list->erase(f.pos);
    const FlowKey key = f.key;
    flows.erase(key);
    counters.flows_active = flows.size();
  }

  void expire(std::int64_t now) {
    last_expire_us = now;
    for (auto& list : idle) {
      while (!list.empty()) {
        Flow& f = *list.front();
        if (f.last_us + timeout_us(f.proto) > now) break;
        remove(f);
      }
    }
    while (!closing.empty() && closing.front()->closed_us + kCloseDelayUs <= now) {
      remove(*closing.front());
    }
    while (!attempts.empty() && attempts.front().second + kAttemptDelayUs <= now) {
      auto it = flows.find(attempts.front().first);
      if (it != flows.end() && it->second->start_us == attempts.front().second) {
        report_scan(*it->second, it->second->answered);
      }
      attempts.pop_front();
    }
  }

  Flow& create(const FlowKey& key, const DecodedPacket& d, std::uint16_t sp, std::uint16_t dp,
               std::int64_t ts);
  void attach_analyzers(Flow& f);
  void tcp_packet(Flow& f, bool from_orig, const DecodedPacket& d, std::int64_t ts);
  void other_packet(Flow& f, bool from_orig, const DecodedPacket& d, std::int64_t ts);
  void history(Flow& f, bool from_orig, char letter);
  void process(const PacketView& p);
};

Flow& Engine::Impl::create(const FlowKey& key, const DecodedPacket& d, std::uint16_t sp,
                           std::uint16_t dp, std::int64_t ts) {
  auto owned = std::make_unique<Flow>();
  Flow& f = *owned;
  f.key = key;
  f.proto = d.proto;
  // A SYN-ACK first means we missed the SYN: its receiver is the originator.
  const bool flip =
      d.proto == kProtoTcp && (d.tcp_flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck);
  f.orig_h = flip ? d.dst : d.src;
  f.orig_p = flip ? dp : sp;
  f.resp_h = flip ? d.src : d.dst;
  f.resp_p = flip ? sp : dp;
  f.start_us = f.last_us = ts;
  f.uid = make_uid(settings.uid_seed, key, ts);
  attach_analyzers(f);
  flows.emplace(key, std::move(owned));
  ++counters.flows_total;
  counters.flows_active = flows.size();
  attempts.emplace_back(key, ts);
  return f;
}

void Engine::Impl::attach_analyzers(Flow& f) {
  const bool tcp = f.proto == kProtoTcp;
  if ((tcp || f.proto == kProtoUdp) && (f.resp_p == 53 || f.orig_p == 53) &&
      settings.enabled("dns")) {
    f.dns = std::make_unique<DnsAnalyzer>();
  }
  if (tcp && !f.dns && (settings.enabled("http-request") || settings.enabled("http-reply"))) {
    HttpAnalyzer::Options o;
    o.reply = settings.enabled("http-reply");
    o.headers = settings.enabled("http-header");
    o.body = settings.enabled("http-body");
    o.max_body_bytes = settings.http_max_body_bytes;
    o.log_headers = settings.http_log_headers;
    f.http = std::make_unique<HttpAnalyzer>(std::move(o));
  }
  if (tcp && (f.dns || f.http)) {
    f.stream[0] = std::make_unique<Reassembler>();
    f.stream[1] = std::make_unique<Reassembler>();
  }
}

void Engine::Impl::history(Flow& f, bool from_orig, char letter) {
  Endpoint& e = from_orig ? f.orig : f.resp;
  if (e.history_seen.find(letter) != std::string::npos) return;
  e.history_seen += letter;
  f.history += from_orig ? letter : static_cast<char>(letter - 'A' + 'a');
}

void Engine::Impl::tcp_packet(Flow& f, bool from_orig, const DecodedPacket& d, std::int64_t ts) {
  Endpoint& e = from_orig ? f.orig : f.resp;
  Endpoint& other = from_orig ? f.resp : f.orig;
  const std::uint8_t fl = d.tcp_flags;
  tcp_transition(e, other, fl);
  const bool syn = fl & kTcpSyn;
  if (syn) history(f, from_orig, (fl & kTcpAck) ? 'H' : 'S');
  if (d.payload_len > 0) history(f, from_orig, 'D');
  if (fl & kTcpFin) history(f, from_orig, 'F');
  if (fl & kTcpRst) history(f, from_orig, 'R');
  if (!syn && d.payload_len == 0 && !(fl & (kTcpFin | kTcpRst)) && (fl & kTcpAck)) {
    history(f, from_orig, 'A');
  }
  // Payload bytes from the sequence space, so retransmissions count once.
  if (!e.seq_init && (syn || d.payload_len > 0)) {
    e.seq_init = true;
    e.seq_base = syn ? d.seq + 1 : d.seq;
  }
  if (e.seq_init && d.payload_len > 0) {
    const std::uint32_t rel = d.seq - e.seq_base;
    if (rel < 0x80000000u) {
      e.seq_high = std::max<std::uint64_t>(e.seq_high, std::uint64_t{rel} + d.payload_len);
      e.bytes = e.seq_high;
    }
  }
  if (!from_orig) {
    if (syn && (fl & kTcpAck)) {
      f.answered = true;
      report_scan(f, true);
    } else if ((fl & kTcpRst) && f.orig.state == TcpState::kSynSent) {
      report_scan(f, false);
    } else if (!(fl & kTcpRst) && f.orig.state == TcpState::kPartial) {
      f.answered = true;  // mid-stream pick-up: both sides talk
    }
  }
  const int dir = from_orig ? 0 : 1;
  if (f.stream[dir]) {
    if (syn) f.stream[dir]->syn(d.seq);
    auto deliver = [&](const std::uint8_t* b, std::size_t n) {
      if (f.dns) f.dns->stream(b, n, from_orig, ts, f.conn_id(), counting);
      if (f.http) f.http->data(from_orig, b, n, ts, f.conn_id(), counting);
    };
    f.stream[dir]->add(d.seq, d.payload, d.payload_caplen, d.payload_len, deliver);
    if (f.http && f.http->dead() && !f.http->seen_http()) {
      f.http.reset();  // not HTTP: stop following the stream
      f.stream[0].reset();
      f.stream[1].reset();
    }
  }
  const bool closed = f.orig.state == TcpState::kReset || f.resp.state == TcpState::kReset ||
                      (f.orig.state == TcpState::kClosed && f.resp.state == TcpState::kClosed);
  if (closed && f.closed_us < 0) {
    f.closed_us = ts;
    move_to(f, closing);
  }
}

void Engine::Impl::other_packet(Flow& f, bool from_orig, const DecodedPacket& d, std::int64_t ts) {
  Endpoint& e = from_orig ? f.orig : f.resp;
  e.bytes += d.payload_len;
  if (d.payload_len > 0) history(f, from_orig, 'D');
  if (!from_orig && !f.answered) {
    f.answered = true;
    report_scan(f, true);
  }
  if (f.dns && d.proto == kProtoUdp && d.payload_caplen == d.payload_len) {
    f.dns->message(d.payload, d.payload_caplen, from_orig, ts, f.conn_id(), counting);
  }
}

void Engine::Impl::process(const PacketView& p) {
  ++counters.packets;
  counters.bytes += p.len;
  if (p.ts_us >= last_expire_us + kExpireEveryUs) expire(p.ts_us);
  DecodedPacket d;
  if (!decode_packet(p, linktype, d)) {
    if (ip_offset(p, linktype) >= 0) ++counters.malformed;
    return;
  }
  if (d.fragment) return;  // no reassembly of IP fragments: the first one carries the ports
  std::uint16_t sp = d.sport, dp = d.dport;
  if (d.proto == kProtoIcmp || d.proto == kProtoIcmp6) {
    bool request = false;
    const int counterpart = icmp_counterpart(d.proto, d.icmp_type, request);
    if (counterpart >= 0) dp = static_cast<std::uint16_t>(counterpart);
  } else if (d.proto != kProtoTcp && d.proto != kProtoUdp) {
    return;  // other transports are not accounted
  }
  const FlowKey key = FlowKey::make(d.src, sp, d.dst, dp, d.proto);
  auto it = flows.find(key);
  Flow* f = it == flows.end() ? nullptr : it->second.get();
  // A new SYN on a closed connection's ports starts a new connection.
  if (f && f->closed_us >= 0 && (d.tcp_flags & (kTcpSyn | kTcpAck | kTcpRst)) == kTcpSyn) {
    remove(*f);
    f = nullptr;
  }
  if (!f) f = &create(key, d, sp, dp, p.ts_us);
  const bool from_orig = d.src == f->orig_h && sp == f->orig_p;
  Endpoint& e = from_orig ? f->orig : f->resp;
  ++e.pkts;
  e.ip_bytes += d.ip_len;
  f->last_us = std::max(f->last_us, p.ts_us);
  if (f->closed_us < 0) move_to(*f, idle[list_index(f->proto)]);
  if (d.proto == kProtoTcp) {
    tcp_packet(*f, from_orig, d, p.ts_us);
  } else {
    other_packet(*f, from_orig, d, p.ts_us);
  }
  if (f->dns && f->dns->seen_dns() && f->service.empty()) f->service = "dns";
  if (f->http && f->http->seen_http() && f->service.empty()) f->service = "http";
}

Engine::Engine(const EngineSettings& settings, RecordSink& sink, int linktype)
    : impl_(std::make_unique<Impl>(settings, sink, linktype)) {}
Engine::~Engine() = default;

void Engine::process(const PacketView& packet) {
  impl_->process(packet);
}

void Engine::advance(std::int64_t now_us) {
  impl_->expire(now_us);
}

void Engine::flush_all(std::int64_t now_us) {
  impl_->expire(now_us);
  // In start order, so that a shutdown's records come out reproducibly.
  std::vector<Flow*> open;
  for (auto& [key, flow] : impl_->flows)
    open.push_back(flow.get());
  std::sort(open.begin(), open.end(), [](const Flow* a, const Flow* b) {
    return std::tie(a->start_us, a->uid) < std::tie(b->start_us, b->uid);
  });
  for (Flow* f : open)
    impl_->remove(*f);
  impl_->attempts.clear();
}

void Engine::apply(const EngineSettings& settings) {
  const EngineSettings& was = impl_->settings;
  const auto http_on = [](const EngineSettings& s) {
    return s.enabled("http-request") || s.enabled("http-reply");
  };
  const bool dns_off = was.enabled("dns") && !settings.enabled("dns");
  const bool http_off = http_on(was) && !http_on(settings);
  impl_->settings = settings;
  if (!dns_off && !http_off) return;
  // Switched off means off for the flows already open too, not only for new ones (a DNS
  // client reuses its flow for many queries): their analyzer ends now, logging what it has.
  for (auto& [key, flow] : impl_->flows) {
    Flow& f = *flow;
    if (dns_off && f.dns) {
      f.dns->finish(f.conn_id(), impl_->counting);
      f.dns.reset();
    }
    if (http_off && f.http) {
      f.http->finish(f.conn_id(), impl_->counting);
      f.http.reset();
    }
  }
}
void Engine::set_linktype(int linktype) {
  impl_->linktype = linktype;
}

EngineCounters Engine::counters() const {
  EngineCounters c = impl_->counters;
  c.flows_active = impl_->flows.size();
  return c;
}

std::vector<std::string> supported_analyses() {
  return {"dns", "http-body", "http-header", "http-reply", "http-request", "scan"};
}

}  // namespace bc::node
