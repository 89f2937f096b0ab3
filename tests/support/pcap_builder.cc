#include "tests/support/pcap_builder.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>

namespace bc::test {
namespace {

void put16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v >> 8);
  s += static_cast<char>(v & 0xff);
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, static_cast<std::uint16_t>(v >> 16));
  put16(s, static_cast<std::uint16_t>(v & 0xffff));
}
void le32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void le16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>(v >> 8);
}
void set16(std::string& s, std::size_t at, std::uint16_t v) {
  s[at] = static_cast<char>(v >> 8);
  s[at + 1] = static_cast<char>(v & 0xff);
}

std::uint32_t sum16(std::string_view d, std::uint32_t acc = 0) {
  for (std::size_t i = 0; i + 1 < d.size(); i += 2) {
    acc += static_cast<std::uint8_t>(d[i]) << 8 | static_cast<std::uint8_t>(d[i + 1]);
  }
  if (d.size() % 2) acc += static_cast<std::uint8_t>(d.back()) << 8;
  return acc;
}
std::uint16_t fold(std::uint32_t acc) {
  while (acc >> 16)
    acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint16_t>(~acc & 0xffff);
}

struct Addr {
  bool v6 = false;
  std::string bytes;  // 4 or 16
};
Addr parse_addr(const std::string& text) {
  Addr a;
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
    a.bytes.assign(reinterpret_cast<char*>(buf), 4);
  } else if (inet_pton(AF_INET6, text.c_str(), buf) == 1) {
    a.v6 = true;
    a.bytes.assign(reinterpret_cast<char*>(buf), 16);
  } else {
    std::fprintf(stderr, "pcap_builder: bad address '%s'\n", text.c_str());
    std::abort();
  }
  return a;
}

void dns_name(std::string& out, const std::string& name) {
  std::size_t start = 0;
  while (start < name.size()) {
    auto dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    out += static_cast<char>(dot - start);
    out += name.substr(start, dot - start);
    start = dot + 1;
  }
  out += '\0';
}

}  // namespace

void PcapBuilder::ip(std::int64_t ts, const std::string& src, const std::string& dst,
                     std::uint8_t proto, std::string l4, std::size_t csum_at) {
  const Addr s = parse_addr(src), d = parse_addr(dst);
  std::string f;
  f.append("\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);  // dst, src MAC
  if (vlan_) {
    put16(f, 0x8100);
    put16(f, *vlan_);
  }
  if (proto == 1 && s.v6) proto = 58;  // ICMPv6
  // The transport checksum covers a pseudo header (ICMPv4: no pseudo header).
  std::string pseudo = s.bytes + d.bytes;
  if (s.v6) {
    put32(pseudo, static_cast<std::uint32_t>(l4.size()));
    put32(pseudo, proto);
  } else {
    pseudo += '\0';
    pseudo += static_cast<char>(proto);
    put16(pseudo, static_cast<std::uint16_t>(l4.size()));
  }
  if (csum_at != std::string::npos) {
    const std::uint32_t acc = proto == 1 ? 0 : sum16(pseudo);
    std::uint16_t c = fold(sum16(l4, acc));
    if (proto == 17 && c == 0) c = 0xffff;
    set16(l4, csum_at, c);
  }
  if (s.v6) {
    put16(f, 0x86dd);
    put32(f, 0x60000000);
    put16(f, static_cast<std::uint16_t>(l4.size()));
    f += static_cast<char>(proto);
    f += static_cast<char>(64);
    f += s.bytes + d.bytes;
  } else {
    put16(f, 0x0800);
    std::string h;
    h += '\x45';
    h += '\0';
    put16(h, static_cast<std::uint16_t>(20 + l4.size()));
    put16(h, static_cast<std::uint16_t>(frames_.size() & 0xffff));  // id
    put16(h, 0x4000);                                               // DF
    h += static_cast<char>(64);
    h += static_cast<char>(proto);
    put16(h, 0);
    h += s.bytes + d.bytes;
    set16(h, 10, fold(sum16(h)));
    f += h;
  }
  f += l4;
  frames_.push_back({ts, std::move(f), 0});
  frames_.back().wire_len = static_cast<std::uint32_t>(frames_.back().bytes.size());
}

void PcapBuilder::tcp(std::int64_t ts, const std::string& src, std::uint16_t sport,
                      const std::string& dst, std::uint16_t dport, std::uint8_t flags,
                      std::uint32_t seq, std::uint32_t ack, std::string_view payload) {
  std::string t;
  put16(t, sport);
  put16(t, dport);
  put32(t, seq);
  put32(t, (flags & kAck) ? ack : 0);
  t += static_cast<char>(5 << 4);
  t += static_cast<char>(flags);
  put16(t, 65535);  // window
  put16(t, 0);      // checksum
  put16(t, 0);      // urgent
  t += payload;
  ip(ts, src, dst, 6, std::move(t), 16);
}

void PcapBuilder::udp(std::int64_t ts, const std::string& src, std::uint16_t sport,
                      const std::string& dst, std::uint16_t dport, std::string_view payload) {
  std::string u;
  put16(u, sport);
  put16(u, dport);
  put16(u, static_cast<std::uint16_t>(8 + payload.size()));
  put16(u, 0);
  u += payload;
  ip(ts, src, dst, 17, std::move(u), 6);
}

void PcapBuilder::icmp(std::int64_t ts, const std::string& src, const std::string& dst,
                       std::uint8_t type, std::uint8_t code, std::uint16_t id, std::uint16_t seq,
                       std::string_view payload) {
  std::string m;
  m += static_cast<char>(type);
  m += static_cast<char>(code);
  put16(m, 0);
  put16(m, id);
  put16(m, seq);
  m += payload;
  ip(ts, src, dst, 1, std::move(m), 2);
}

void PcapBuilder::raw(std::int64_t ts, std::string bytes, std::uint32_t wire_len) {
  const auto n = static_cast<std::uint32_t>(bytes.size());
  frames_.push_back({ts, std::move(bytes), std::max(wire_len, n)});
}

void PcapBuilder::sort_by_time() {
  std::stable_sort(frames_.begin(), frames_.end(),
                   [](const Frame& a, const Frame& b) { return a.ts_us < b.ts_us; });
}

std::string PcapBuilder::pcap_header() {
  std::string h;
  le32(h, 0xa1b2c3d4);
  le16(h, 2);
  le16(h, 4);
  le32(h, 0);
  le32(h, 0);
  le32(h, 65535);
  le32(h, 1);  // DLT_EN10MB
  return h;
}

std::string PcapBuilder::pcap_record(const Frame& f) {
  std::string r;
  le32(r, static_cast<std::uint32_t>(f.ts_us / 1000000));
  le32(r, static_cast<std::uint32_t>(f.ts_us % 1000000));
  le32(r, static_cast<std::uint32_t>(f.bytes.size()));
  le32(r, std::max<std::uint32_t>(f.wire_len, static_cast<std::uint32_t>(f.bytes.size())));
  r += f.bytes;
  return r;
}

std::string PcapBuilder::pcap_bytes() const {
  std::string out = pcap_header();
  for (const auto& f : frames_)
    out += pcap_record(f);
  return out;
}

bool PcapBuilder::write(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const std::string b = pcap_bytes();
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
  return static_cast<bool>(out.flush());
}

TcpSession::TcpSession(PcapBuilder& b, std::string client, std::uint16_t cport, std::string server,
                       std::uint16_t sport, std::uint32_t client_isn, std::uint32_t server_isn)
    : b_(b),
      c_(std::move(client)),
      s_(std::move(server)),
      cp_(cport),
      sp_(sport),
      cseq_(client_isn),
      sseq_(server_isn) {}

void TcpSession::syn(std::int64_t ts) {
  b_.tcp(ts, c_, cp_, s_, sp_, kSyn, cseq_, 0);
}
void TcpSession::syn_ack(std::int64_t ts) {
  b_.tcp(ts, s_, sp_, c_, cp_, kSyn | kAck, sseq_, cseq_ + 1);
}
void TcpSession::ack(std::int64_t ts) {
  b_.tcp(ts, c_, cp_, s_, sp_, kAck, cseq_, sseq_);
}

std::int64_t TcpSession::handshake(std::int64_t ts, std::int64_t rtt) {
  syn(ts);
  syn_ack(ts + rtt / 2);
  ++cseq_;
  ++sseq_;
  ack(ts + rtt);
  return ts + rtt;
}

std::int64_t TcpSession::client_send(std::int64_t ts, std::string_view data, std::size_t mss) {
  for (std::size_t off = 0; off < data.size(); off += mss, ts += 10) {
    const auto piece = data.substr(off, mss);
    b_.tcp(ts, c_, cp_, s_, sp_, kAck | kPsh, cseq_, sseq_, piece);
    cseq_ += static_cast<std::uint32_t>(piece.size());
  }
  return ts;
}

std::int64_t TcpSession::server_send(std::int64_t ts, std::string_view data, std::size_t mss) {
  for (std::size_t off = 0; off < data.size(); off += mss, ts += 10) {
    const auto piece = data.substr(off, mss);
    b_.tcp(ts, s_, sp_, c_, cp_, kAck | kPsh, sseq_, cseq_, piece);
    sseq_ += static_cast<std::uint32_t>(piece.size());
  }
  return ts;
}

void TcpSession::client_fin(std::int64_t ts) {
  b_.tcp(ts, c_, cp_, s_, sp_, kFin | kAck, cseq_, sseq_);
  ++cseq_;
}
void TcpSession::server_fin(std::int64_t ts) {
  b_.tcp(ts, s_, sp_, c_, cp_, kFin | kAck, sseq_, cseq_);
  ++sseq_;
}
void TcpSession::client_rst(std::int64_t ts) {
  b_.tcp(ts, c_, cp_, s_, sp_, kRst | kAck, cseq_, sseq_);
}
void TcpSession::server_rst(std::int64_t ts) {
  b_.tcp(ts, s_, sp_, c_, cp_, kRst | kAck, 0, cseq_ + 1);
}

std::int64_t TcpSession::close(std::int64_t ts) {
  client_fin(ts);
  server_fin(ts + 1000);
  ack(ts + 2000);
  return ts + 2000;
}

std::string dns_query(std::uint16_t id, const std::string& name, std::uint16_t qtype, bool rd) {
  std::string m;
  put16(m, id);
  put16(m, rd ? 0x0100 : 0);
  put16(m, 1);
  put16(m, 0);
  put16(m, 0);
  put16(m, 0);
  dns_name(m, name);
  put16(m, qtype);
  put16(m, 1);
  return m;
}

std::string dns_response(std::uint16_t id, const std::string& name, std::uint16_t qtype,
                         std::uint8_t rcode, const std::vector<DnsAnswer>& answers, bool rd,
                         bool ra, bool aa) {
  std::string m;
  put16(m, id);
  put16(m, static_cast<std::uint16_t>(0x8000 | (aa ? 0x0400 : 0) | (rd ? 0x0100 : 0) |
                                      (ra ? 0x0080 : 0) | (rcode & 0xf)));
  put16(m, 1);
  put16(m, static_cast<std::uint16_t>(answers.size()));
  put16(m, 0);
  put16(m, 0);
  dns_name(m, name);
  put16(m, qtype);
  put16(m, 1);
  for (const auto& a : answers) {
    put16(m, 0xc00c);  // the question's name, compressed
    put16(m, a.type);
    put16(m, 1);
    put32(m, a.ttl);
    std::string rd;
    unsigned char buf[16];
    if (a.type == 1 && inet_pton(AF_INET, a.rdata.c_str(), buf) == 1) {
      rd.assign(reinterpret_cast<char*>(buf), 4);
    } else if (a.type == 28 && inet_pton(AF_INET6, a.rdata.c_str(), buf) == 1) {
      rd.assign(reinterpret_cast<char*>(buf), 16);
    } else if (a.type == 16) {
      rd += static_cast<char>(a.rdata.size());
      rd += a.rdata;
    } else {
      dns_name(rd, a.rdata);
    }
    put16(m, static_cast<std::uint16_t>(rd.size()));
    m += rd;
  }
  return m;
}

std::string http_request(const std::string& method, const std::string& uri, const std::string& host,
                         const std::string& user_agent, std::string_view body,
                         const std::string& extra_headers) {
  std::string r = method + " " + uri + " HTTP/1.1\r\nHost: " + host + "\r\n";
  if (!user_agent.empty()) r += "User-Agent: " + user_agent + "\r\n";
  r += extra_headers;
  if (!body.empty()) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += "\r\n";
  r += body;
  return r;
}

std::string http_response(int status, const std::string& msg, std::string_view body,
                          const std::string& content_type, const std::string& extra_headers) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + msg + "\r\n";
  r += "Server: pcap_builder\r\n";
  if (!content_type.empty()) r += "Content-Type: " + content_type + "\r\n";
  r += extra_headers;
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  r += body;
  return r;
}

}  // namespace bc::test
