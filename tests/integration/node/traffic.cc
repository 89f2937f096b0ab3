#include "tests/integration/node/traffic.h"

#include "tests/support/pcap_builder.h"

namespace bc::test {

std::string standalone_pcap() {
  PcapBuilder b;
  TcpSession http(b, "10.0.0.1", 40000, "192.0.2.10", 80);
  std::int64_t t = http.handshake(kT0);
  t = http.client_send(t + 100, http_request("GET", "/index.html", "example.com", "test-agent"));
  t = http.server_send(t + 500, http_response(200, "OK", "hello world\n"));
  http.close(t + 1000);
  b.udp(kT0 + 10'000, "10.0.0.1", 5353, "192.0.2.53", 53, dns_query(4711, "example.com"));
  b.udp(kT0 + 12'000, "192.0.2.53", 53, "10.0.0.1", 5353,
        dns_response(4711, "example.com", 1, 0, {{1, 300, "93.184.216.34"}}));
  b.icmp(kT0 + 20'000, "10.0.0.2", "192.0.2.20", 8, 0, 7, 1, "ping");
  b.icmp(kT0 + 20'500, "192.0.2.20", "10.0.0.2", 0, 0, 7, 1, "ping");
  b.sort_by_time();
  return b.pcap_bytes();
}

std::string scan_pcap(int first, int count) {
  PcapBuilder b;
  for (int i = 0; i < count; ++i) {
    const std::string dst = "192.0.2." + std::to_string(first + i);
    const std::int64_t t = kT0 + i * 10'000;
    TcpSession probe(b, "10.9.9.9", static_cast<std::uint16_t>(30000 + first + i), dst, 22);
    probe.syn(t);
    probe.server_rst(t + 500);
  }
  TcpSession normal(b, "10.0.0." + std::to_string(first), 50000, "192.0.2.200", 443);
  const std::int64_t t = normal.handshake(kT0 + 5'000);
  normal.close(t + 2'000);
  b.sort_by_time();
  return b.pcap_bytes();
}

}  // namespace bc::test
