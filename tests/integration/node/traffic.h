#pragma once
// The traffic of the node's integration tests, built with the pcap builder: known flows
// whose log records the tests know exactly.

#include <string>

namespace bc::test {

inline constexpr std::int64_t kT0 = 1'700'000'000'000'000;  // 2023-11-14T22:13:20Z

// One HTTP exchange 10.0.0.1:40000 -> 192.0.2.10:80 (GET /index.html, 200, 12-byte body,
// closed with FINs), one DNS query/answer 10.0.0.1:5353 -> 192.0.2.53:53 (example.com A
// 93.184.216.34), one ICMP echo 10.0.0.2 -> 192.0.2.20 with its reply.
std::string standalone_pcap();

// A scanner 10.9.9.9 sending SYNs to port 22 of hosts 192.0.2.(first..first+count-1),
// each answered by RST; plus one ordinary TCP connection 10.0.0.<first>:50000 ->
// 192.0.2.200:443 (handshake, FIN) so that every worker has a normal flow.
std::string scan_pcap(int first, int count);

}  // namespace bc::test
