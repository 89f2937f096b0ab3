// dns.log: queries and replies paired by transaction id, exact records; TCP; toggles.
#include <gtest/gtest.h>

#include "tests/unit/node_engine/test_sink.h"

namespace bc::node::test {
namespace {

using bc::test::dns_query;
using bc::test::dns_response;
using bc::test::PcapBuilder;
using Fields = std::map<std::string, std::string>;

const char* kDnsClient = "10.0.0.5";
const char* kDnsResolver = "198.18.0.53";

TEST(DnsTest, QueryAndAnswerGiveOneExactRecord) {
  PcapBuilder b;
  b.udp(kT0, kDnsClient, 33000, kDnsResolver, 53, dns_query(0x1234, "www.example.com", 1));
  b.udp(kT0 + 12'345, kDnsResolver, 53, kDnsClient, 33000,
        dns_response(0x1234, "www.example.com", 1, 0,
                     {{5, 3600, "web.example.com"}, {1, 300, "198.19.1.2"}}));
  const auto sink = run_engine(b);
  const auto dns = sink.of("dns");
  ASSERT_EQ(dns.size(), 1u);
  const Fields f = fields(dns[0]);
  const Fields conn = fields(sink.of("conn").at(0));
  const Fields expected = {{"ts", "1700000000.000000"},
                           {"uid", conn.at("uid")},
                           {"id.orig_h", kDnsClient},
                           {"id.orig_p", "33000"},
                           {"id.resp_h", kDnsResolver},
                           {"id.resp_p", "53"},
                           {"proto", "udp"},
                           {"trans_id", "4660"},
                           {"rtt", "0.012345"},
                           {"query", "www.example.com"},
                           {"qclass", "1"},
                           {"qclass_name", "C_INTERNET"},
                           {"qtype", "1"},
                           {"qtype_name", "A"},
                           {"rcode", "0"},
                           {"rcode_name", "NOERROR"},
                           {"AA", "F"},
                           {"TC", "F"},
                           {"RD", "T"},
                           {"RA", "T"},
                           {"Z", "0"},
                           {"answers", "web.example.com,198.19.1.2"},
                           {"TTLs", "3600.000000,300.000000"},
                           {"rejected", "F"}};
  EXPECT_EQ(f, expected);
  EXPECT_EQ(conn.at("service"), "dns");
}

TEST(DnsTest, NxdomainAndAaaaAndTxt) {
  PcapBuilder b;
  b.udp(kT0, kDnsClient, 33001, kDnsResolver, 53, dns_query(1, "nope.example", 28));
  b.udp(kT0 + 100, kDnsResolver, 53, kDnsClient, 33001, dns_response(1, "nope.example", 28, 3, {}));
  b.udp(kT0 + 200, kDnsClient, 33001, kDnsResolver, 53, dns_query(2, "v6.example", 28));
  b.udp(kT0 + 300, kDnsResolver, 53, kDnsClient, 33001,
        dns_response(2, "v6.example", 28, 0, {{28, 60, "2001:db8::53"}}, true, true, true));
  b.udp(kT0 + 400, kDnsClient, 33001, kDnsResolver, 53, dns_query(3, "t.example", 16));
  b.udp(kT0 + 500, kDnsResolver, 53, kDnsClient, 33001,
        dns_response(3, "t.example", 16, 0, {{16, 10, "v=spf1 -all"}}));
  const auto dns = run_engine(b).of("dns");
  ASSERT_EQ(dns.size(), 3u);
  const Fields nx = fields(dns[0]);
  EXPECT_EQ(nx.at("qtype_name"), "AAAA");
  EXPECT_EQ(nx.at("rcode_name"), "NXDOMAIN");
  EXPECT_EQ(nx.at("answers"), "-");
  EXPECT_EQ(nx.at("TTLs"), "-");
  const Fields v6 = fields(dns[1]);
  EXPECT_EQ(v6.at("answers"), "2001:db8::53");
  EXPECT_EQ(v6.at("AA"), "T");
  EXPECT_EQ(v6.at("TTLs"), "60.000000");
  EXPECT_EQ(fields(dns[2]).at("answers"), "TXT 11 v=spf1 -all");
}

TEST(DnsTest, UnansweredQueryIsLoggedWhenTheFlowEnds) {
  PcapBuilder b;
  b.udp(kT0, kDnsClient, 33002, kDnsResolver, 53, dns_query(77, "slow.example", 15));
  const auto dns = run_engine(b).of("dns");
  ASSERT_EQ(dns.size(), 1u);
  const Fields f = fields(dns[0]);
  EXPECT_EQ(f.at("query"), "slow.example");
  EXPECT_EQ(f.at("qtype_name"), "MX");
  EXPECT_EQ(f.at("rcode"), "-");
  EXPECT_EQ(f.at("rtt"), "-");
  EXPECT_EQ(f.at("RD"), "T");
  EXPECT_EQ(f.at("RA"), "F");
}

TEST(DnsTest, DnsOverTcp) {
  PcapBuilder b;
  bc::test::TcpSession t(b, kDnsClient, 33003, kDnsResolver, 53);
  t.handshake(kT0);
  auto framed = [](const std::string& m) {
    std::string s;
    s += static_cast<char>(m.size() >> 8);
    s += static_cast<char>(m.size() & 0xff);
    return s + m;
  };
  const std::string q = framed(dns_query(9, "big.example", 255));
  t.client_send(kT0 + 2000, q.substr(0, 5));  // split across segments
  t.client_send(kT0 + 2100, q.substr(5));
  t.server_send(kT0 + 3000, framed(dns_response(9, "big.example", 255, 0, {{1, 5, "198.19.0.9"}})));
  t.close(kT0 + 4000);
  const auto sink = run_engine(b);
  const auto dns = sink.of("dns");
  ASSERT_EQ(dns.size(), 1u);
  const Fields f = fields(dns[0]);
  EXPECT_EQ(f.at("proto"), "tcp");
  EXPECT_EQ(f.at("qtype_name"), "*");
  EXPECT_EQ(f.at("answers"), "198.19.0.9");
  EXPECT_EQ(fields(sink.of("conn").at(0)).at("service"), "dns");
}

TEST(DnsTest, DisabledDnsAnalysisLogsNothing) {
  PcapBuilder b;
  b.udp(kT0, kDnsClient, 33004, kDnsResolver, 53, dns_query(5, "x.example"));
  EngineSettings s;
  s.analyses.erase("dns");
  const auto sink = run_engine(b, s);
  EXPECT_TRUE(sink.of("dns").empty());
  EXPECT_EQ(fields(sink.of("conn").at(0)).at("service"), "-");
}

TEST(DnsTest, CompressionLoopIsRejectedNotFollowed) {
  std::string m = dns_query(6, "a.example");
  // Point the question name at itself.
  m[12] = static_cast<char>(0xc0);
  m[13] = 12;
  PcapBuilder b;
  b.udp(kT0, kDnsClient, 33005, kDnsResolver, 53, m);
  const auto sink = run_engine(b);
  EXPECT_TRUE(sink.of("dns").empty());
  EXPECT_EQ(sink.of("conn").size(), 1u);
}

}  // namespace
}  // namespace bc::node::test
