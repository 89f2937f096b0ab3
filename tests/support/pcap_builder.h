#pragma once
// Test support: builds pcap files of synthetic traffic with deterministic timestamps —
// TCP handshakes, data and teardown, UDP (DNS queries and answers), HTTP exchanges, ICMP,
// scans — for the engine's tests, the node's integration tests, benchmarks and tcpreplay.
// Frames are Ethernet II (optionally 802.1Q-tagged) carrying IPv4 or IPv6 (chosen by the
// address text) with correct IP/TCP/UDP/ICMP checksums. Not thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bc::test {

inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

struct Frame {
  std::int64_t ts_us = 0;
  std::string bytes;
  std::uint32_t wire_len = 0;  // > bytes.size() for a frame cut by a snaplen
};

class PcapBuilder {
 public:
  // Subsequent frames carry this 802.1Q tag (nullopt: untagged).
  void set_vlan(std::optional<std::uint16_t> vlan) { vlan_ = vlan; }

  void tcp(std::int64_t ts_us, const std::string& src, std::uint16_t sport, const std::string& dst,
           std::uint16_t dport, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
           std::string_view payload = {});
  void udp(std::int64_t ts_us, const std::string& src, std::uint16_t sport, const std::string& dst,
           std::uint16_t dport, std::string_view payload);
  // ICMP (IPv4) or ICMPv6 (IPv6 addresses): type, code, then 4 bytes rest-of-header (id,
  // sequence) and the payload.
  void icmp(std::int64_t ts_us, const std::string& src, const std::string& dst, std::uint8_t type,
            std::uint8_t code, std::uint16_t id = 1, std::uint16_t seq = 1,
            std::string_view payload = {});
  // Any bytes as a frame (for malformed input).
  void raw(std::int64_t ts_us, std::string bytes, std::uint32_t wire_len = 0);

  const std::vector<Frame>& frames() const { return frames_; }
  std::vector<Frame>& frames() { return frames_; }
  void clear() { frames_.clear(); }
  // Orders the frames by timestamp (stable).
  void sort_by_time();

  // The pcap file image (microsecond timestamps, DLT_EN10MB, snaplen 65535).
  std::string pcap_bytes() const;
  // Writes pcap_bytes() to `path`; false (and errno set) on failure.
  bool write(const std::string& path) const;
  // Appends frames to an open stream in pcap format: the header once, then records.
  static std::string pcap_header();
  static std::string pcap_record(const Frame& f);

 private:
  void ip(std::int64_t ts_us, const std::string& src, const std::string& dst, std::uint8_t proto,
          std::string l4, std::size_t checksum_offset);

  std::optional<std::uint16_t> vlan_;
  std::vector<Frame> frames_;
};

// A TCP connection between a client and a server endpoint that keeps the sequence numbers.
class TcpSession {
 public:
  TcpSession(PcapBuilder& b, std::string client, std::uint16_t cport, std::string server,
             std::uint16_t sport, std::uint32_t client_isn = 1000, std::uint32_t server_isn = 5000);

  void syn(std::int64_t ts);
  void syn_ack(std::int64_t ts);
  void ack(std::int64_t ts);  // client's pure ACK
  // SYN, SYN-ACK, ACK at ts, ts+rtt/2, ts+rtt.
  std::int64_t handshake(std::int64_t ts, std::int64_t rtt_us = 1000);
  // Data, sent in segments of at most `mss` bytes 10 us apart; returns the last ts.
  std::int64_t client_send(std::int64_t ts, std::string_view data, std::size_t mss = 1448);
  std::int64_t server_send(std::int64_t ts, std::string_view data, std::size_t mss = 1448);
  void client_fin(std::int64_t ts);
  void server_fin(std::int64_t ts);
  void client_rst(std::int64_t ts);
  void server_rst(std::int64_t ts);  // RST|ACK: what a closed port answers to a SYN
  // FIN from client, FIN-ACK from server, last ACK from client at ts, +1 ms, +2 ms.
  std::int64_t close(std::int64_t ts);

  std::uint32_t client_seq() const { return cseq_; }
  std::uint32_t server_seq() const { return sseq_; }

 private:
  PcapBuilder& b_;
  std::string c_, s_;
  std::uint16_t cp_, sp_;
  std::uint32_t cseq_, sseq_;
};

// DNS messages.
struct DnsAnswer {
  std::uint16_t type = 1;  // A
  std::uint32_t ttl = 300;
  std::string rdata;  // A: "1.2.3.4"; AAAA: "2001:db8::1"; CNAME/NS/PTR: a name; TXT: text
};
std::string dns_query(std::uint16_t id, const std::string& name, std::uint16_t qtype = 1,
                      bool rd = true);
std::string dns_response(std::uint16_t id, const std::string& name, std::uint16_t qtype,
                         std::uint8_t rcode, const std::vector<DnsAnswer>& answers, bool rd = true,
                         bool ra = true, bool aa = false);

// HTTP messages.
std::string http_request(const std::string& method, const std::string& uri, const std::string& host,
                         const std::string& user_agent, std::string_view body = {},
                         const std::string& extra_headers = "");
std::string http_response(int status, const std::string& msg, std::string_view body,
                          const std::string& content_type = "text/html",
                          const std::string& extra_headers = "");

}  // namespace bc::test
