// Connection accounting: known flows → exact conn records (every field), Zeek's conn
// states, UDP/ICMP, IPv6 and VLAN, timeouts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "node/engine/flow.h"
#include "tests/unit/node_engine/test_sink.h"

namespace bc::node::test {
namespace {

using bc::test::PcapBuilder;
using bc::test::TcpSession;
using Fields = std::map<std::string, std::string>;

const char* kClient = "10.0.0.1";
const char* kServer = "198.18.0.2";

EngineSettings local_settings() {
  EngineSettings s;
  s.local_nets = {*Subnet::parse("10.0.0.0/8")};
  return s;
}

Fields only_conn(const CollectSink& sink) {
  auto conns = sink.of("conn");
  EXPECT_EQ(conns.size(), 1u);
  return conns.empty() ? Fields{} : fields(conns[0]);
}

TEST(ConnTest, CompleteTcpFlowGivesExactSfRecord) {
  PcapBuilder b;
  TcpSession t(b, kClient, 40000, kServer, 22);
  t.handshake(kT0, 1000);
  t.client_send(kT0 + 2000, "hello");
  t.server_send(kT0 + 3000, "world!!");
  t.close(kT0 + 4000);
  const auto sink = run_engine(b, local_settings());
  const Fields f = only_conn(sink);
  EXPECT_TRUE(std::regex_match(f.at("uid"), std::regex("C[0-9A-Za-z]{11}"))) << f.at("uid");
  const Fields expected = {{"ts", "1700000000.000000"},
                           {"uid", f.at("uid")},
                           {"id.orig_h", "10.0.0.1"},
                           {"id.orig_p", "40000"},
                           {"id.resp_h", "198.18.0.2"},
                           {"id.resp_p", "22"},
                           {"proto", "tcp"},
                           {"service", "-"},
                           {"duration", "0.006000"},
                           {"orig_bytes", "5"},
                           {"resp_bytes", "7"},
                           {"conn_state", "SF"},
                           {"local_orig", "T"},
                           {"local_resp", "F"},
                           {"history", "ShADdFf"},
                           {"orig_pkts", "5"},
                           {"orig_ip_bytes", "205"},
                           {"resp_pkts", "3"},
                           {"resp_ip_bytes", "127"}};
  EXPECT_EQ(f, expected);
  ASSERT_EQ(sink.scans.size(), 1u);
  EXPECT_TRUE(sink.scans[0].established);
  EXPECT_EQ(sink.scans[0].src, "10.0.0.1");
  EXPECT_EQ(sink.scans[0].dst, "198.18.0.2");
  EXPECT_EQ(sink.scans[0].port, 22);
  EXPECT_EQ(sink.scans[0].proto, "tcp");
}

TEST(ConnTest, UidIsReproducibleAndDependsOnSeed) {
  PcapBuilder b;
  TcpSession(b, kClient, 40000, kServer, 22).syn(kT0);
  const auto a = fields(run_engine(b).of("conn").at(0)).at("uid");
  const auto again = fields(run_engine(b).of("conn").at(0)).at("uid");
  EngineSettings seeded;
  seeded.uid_seed = 42;
  const auto other = fields(run_engine(b, seeded).of("conn").at(0)).at("uid");
  EXPECT_EQ(a, again);
  EXPECT_NE(a, other);
}

TEST(ConnTest, RejectedAttemptIsRej) {
  PcapBuilder b;
  TcpSession t(b, kClient, 40001, kServer, 23);
  t.syn(kT0);
  t.server_rst(kT0 + 500);
  const auto sink = run_engine(b);
  const Fields f = only_conn(sink);
  EXPECT_EQ(f.at("conn_state"), "REJ");
  EXPECT_EQ(f.at("history"), "Sr");
  EXPECT_EQ(f.at("duration"), "0.000500");
  EXPECT_EQ(f.at("orig_bytes"), "0");
  EXPECT_EQ(f.at("resp_bytes"), "0");
  EXPECT_EQ(f.at("orig_pkts"), "1");
  EXPECT_EQ(f.at("orig_ip_bytes"), "40");
  EXPECT_EQ(f.at("resp_pkts"), "1");
  EXPECT_EQ(f.at("local_orig"), "-");  // no local_nets: unset
  ASSERT_EQ(sink.scans.size(), 1u);
  EXPECT_FALSE(sink.scans[0].established);
}

TEST(ConnTest, UnansweredSynIsS0WithUnsetDurationAndBytes) {
  PcapBuilder b;
  TcpSession(b, kClient, 40002, kServer, 25).syn(kT0);
  const Fields f = only_conn(run_engine(b));
  EXPECT_EQ(f.at("conn_state"), "S0");
  EXPECT_EQ(f.at("history"), "S");
  EXPECT_EQ(f.at("duration"), "-");
  EXPECT_EQ(f.at("orig_bytes"), "-");
  EXPECT_EQ(f.at("resp_bytes"), "-");
  EXPECT_EQ(f.at("resp_pkts"), "0");
  EXPECT_EQ(f.at("resp_ip_bytes"), "0");
}

TEST(ConnTest, RetransmittedSynKeepsOneS0Flow) {
  PcapBuilder b;
  TcpSession t(b, kClient, 40003, kServer, 25);
  t.syn(kT0);
  t.syn(kT0 + 1'000'000);
  const Fields f = only_conn(run_engine(b));
  EXPECT_EQ(f.at("conn_state"), "S0");
  EXPECT_EQ(f.at("orig_pkts"), "2");
  EXPECT_EQ(f.at("duration"), "1.000000");
  EXPECT_EQ(f.at("orig_bytes"), "0");
}

struct StateCase {
  const char* name;
  void (*build)(TcpSession&);
  const char* state;
  const char* history;
};

const StateCase kStates[] = {
    {"RSTO",
     [](TcpSession& t) {
       t.handshake(kT0);
       t.client_send(kT0 + 2000, "abc");
       t.client_rst(kT0 + 3000);
     },
     "RSTO", "ShADR"},
    {"RSTR",
     [](TcpSession& t) {
       t.handshake(kT0);
       t.server_send(kT0 + 2000, "abc");
       t.server_rst(kT0 + 3000);
     },
     "RSTR", "ShAdr"},
    {"S1",
     [](TcpSession& t) {
       t.handshake(kT0);
       t.client_send(kT0 + 2000, "abc");
     },
     "S1", "ShAD"},
    {"S2",
     [](TcpSession& t) {
       t.handshake(kT0);
       t.client_fin(kT0 + 2000);
     },
     "S2", "ShAF"},
    {"S3",
     [](TcpSession& t) {
       t.handshake(kT0);
       t.server_fin(kT0 + 2000);
     },
     "S3", "ShAf"},
    {"SH",
     [](TcpSession& t) {
       t.syn(kT0);
       t.client_fin(kT0 + 2000);
     },
     "SH", "SF"},
    {"RSTOS0",
     [](TcpSession& t) {
       t.syn(kT0);
       t.client_rst(kT0 + 2000);
     },
     "RSTOS0", "SR"},
    {"OTH midstream",
     [](TcpSession& t) {
       t.client_send(kT0, "data");
       t.server_send(kT0 + 1000, "more");
     },
     "OTH", "Dd"},
};

TEST(ConnTest, TcpStatesFollowZeek) {
  for (const auto& c : kStates) {
    PcapBuilder b;
    TcpSession t(b, kClient, 41000, kServer, 80);
    c.build(t);
    EngineSettings s;
    s.analyses.clear();  // states only
    const Fields f = only_conn(run_engine(b, s));
    EXPECT_EQ(f.at("conn_state"), c.state) << c.name;
    EXPECT_EQ(f.at("history"), c.history) << c.name;
  }
}

TEST(ConnTest, MissedSynStillNamesTheClientAsOriginator) {
  PcapBuilder b;
  TcpSession t(b, kClient, 41001, kServer, 80);
  t.syn_ack(kT0);  // the capture started after the SYN
  const Fields f = only_conn(run_engine(b));
  EXPECT_EQ(f.at("id.orig_h"), kClient);
  EXPECT_EQ(f.at("id.resp_p"), "80");
  EXPECT_EQ(f.at("history"), "h");
}

TEST(ConnTest, UdpFlowBothWaysIsSf) {
  PcapBuilder b;
  b.udp(kT0, kClient, 5000, kServer, 123, std::string(48, 'x'));
  b.udp(kT0 + 2500, kServer, 123, kClient, 5000, std::string(48, 'y'));
  const Fields f = only_conn(run_engine(b));
  const Fields expected = {{"ts", "1700000000.000000"},
                           {"uid", f.at("uid")},
                           {"id.orig_h", kClient},
                           {"id.orig_p", "5000"},
                           {"id.resp_h", kServer},
                           {"id.resp_p", "123"},
                           {"proto", "udp"},
                           {"service", "-"},
                           {"duration", "0.002500"},
                           {"orig_bytes", "48"},
                           {"resp_bytes", "48"},
                           {"conn_state", "SF"},
                           {"local_orig", "-"},
                           {"local_resp", "-"},
                           {"history", "Dd"},
                           {"orig_pkts", "1"},
                           {"orig_ip_bytes", "76"},
                           {"resp_pkts", "1"},
                           {"resp_ip_bytes", "76"}};
  EXPECT_EQ(f, expected);
}

TEST(ConnTest, UdpWithoutReplyIsS0) {
  PcapBuilder b;
  b.udp(kT0, kClient, 5001, kServer, 514, "syslog line");
  const Fields f = only_conn(run_engine(b));
  EXPECT_EQ(f.at("conn_state"), "S0");
  EXPECT_EQ(f.at("history"), "D");
}

TEST(ConnTest, IcmpEchoPairsRequestAndReply) {
  PcapBuilder b;
  b.icmp(kT0, kClient, kServer, 8, 0, 7, 1, std::string(56, 'p'));
  b.icmp(kT0 + 800, kServer, kClient, 0, 0, 7, 1, std::string(56, 'p'));
  const Fields f = only_conn(run_engine(b));
  EXPECT_EQ(f.at("proto"), "icmp");
  EXPECT_EQ(f.at("id.orig_h"), kClient);
  EXPECT_EQ(f.at("id.orig_p"), "8");
  EXPECT_EQ(f.at("id.resp_p"), "0");
  EXPECT_EQ(f.at("conn_state"), "SF");
  EXPECT_EQ(f.at("duration"), "0.000800");
  EXPECT_EQ(f.at("orig_bytes"), "56");
  EXPECT_EQ(f.at("resp_bytes"), "56");
  EXPECT_EQ(f.at("orig_ip_bytes"), "84");
  EXPECT_EQ(f.at("resp_pkts"), "1");
}

TEST(ConnTest, Ipv6OverVlanIsAccounted) {
  PcapBuilder b;
  b.set_vlan(42);
  TcpSession t(b, "2001:db8::1", 50000, "2001:db8::2", 443);
  t.handshake(kT0);
  t.client_send(kT0 + 2000, std::string(100, 'a'));
  t.close(kT0 + 3000);
  const Fields f = only_conn(run_engine(b));
  EXPECT_EQ(f.at("id.orig_h"), "2001:db8::1");
  EXPECT_EQ(f.at("id.resp_h"), "2001:db8::2");
  EXPECT_EQ(f.at("conn_state"), "SF");
  EXPECT_EQ(f.at("orig_bytes"), "100");
  EXPECT_EQ(f.at("orig_ip_bytes"), std::to_string(5 * 60 + 100));
}

TEST(ConnTest, RawIpAndLinuxSllLinkTypes) {
  PcapBuilder b;
  b.udp(kT0, kClient, 5004, kServer, 7, "echo");
  b.udp(kT0 + 100, kServer, 7, kClient, 5004, "echo");
  for (int linktype : {12, 101, 113}) {
    CollectSink sink;
    Engine e(EngineSettings{}, sink, linktype);
    for (const auto& fr : b.frames()) {
      std::string bytes = fr.bytes.substr(14);  // the IP packet
      if (linktype == 113) {
        std::string sll(16, '\0');
        sll[14] = '\x08';  // protocol 0x0800
        bytes = sll + bytes;
      }
      e.process(view_of(bc::test::Frame{fr.ts_us, bytes, 0}));
    }
    e.flush_all(kT0 + 1'000'000);
    const auto conns = sink.of("conn");
    ASSERT_EQ(conns.size(), 1u) << "linktype " << linktype;
    EXPECT_EQ(fields(conns[0]).at("conn_state"), "SF") << "linktype " << linktype;
    EXPECT_EQ(fields(conns[0]).at("orig_bytes"), "4") << "linktype " << linktype;
  }
}

TEST(ConnTest, RetransmittedDataCountsOnce) {
  PcapBuilder b;
  TcpSession t(b, kClient, 40010, kServer, 22);
  t.handshake(kT0);
  const auto seq = t.client_seq();
  t.client_send(kT0 + 2000, "0123456789");
  b.tcp(kT0 + 3000, kClient, 40010, kServer, 22, bc::test::kAck | bc::test::kPsh, seq,
        t.server_seq(), "0123456789");
  t.close(kT0 + 4000);
  const Fields f = only_conn(run_engine(b));
  EXPECT_EQ(f.at("orig_bytes"), "10");
  EXPECT_EQ(f.at("orig_pkts"), "6");
}

TEST(ConnTest, UdpFlowExpiresAfterItsInactivityTimeout) {
  PcapBuilder b;
  b.udp(kT0, kClient, 5002, kServer, 9999, "x");
  CollectSink sink;
  EngineSettings s;
  s.udp_inactivity_timeout = 60;
  Engine e(s, sink);
  e.process(view_of(b.frames()[0]));
  e.advance(kT0 + 59'999'999);
  EXPECT_TRUE(sink.of("conn").empty());
  EXPECT_EQ(e.counters().flows_active, 1u);
  e.advance(kT0 + 60'000'000);
  EXPECT_EQ(sink.of("conn").size(), 1u);
  EXPECT_EQ(e.counters().flows_active, 0u);
}

TEST(ConnTest, AppliedTimeoutTakesEffect) {
  PcapBuilder b;
  TcpSession(b, kClient, 40020, kServer, 22).handshake(kT0);
  CollectSink sink;
  Engine e(EngineSettings{}, sink);
  for (const auto& fr : b.frames())
    e.process(view_of(fr));
  e.advance(kT0 + 60'000'000);
  EXPECT_TRUE(sink.of("conn").empty());  // default 5 min
  EngineSettings s;
  s.tcp_inactivity_timeout = 30;
  e.apply(s);
  e.advance(kT0 + 60'000'000);
  ASSERT_EQ(sink.of("conn").size(), 1u);
  EXPECT_EQ(fields(sink.of("conn")[0]).at("conn_state"), "S1");
}

TEST(ConnTest, ClosedFlowIsLoggedAfterCloseDelayAndPacketTimeDrivesExpiry) {
  PcapBuilder b;
  TcpSession t(b, kClient, 40030, kServer, 22);
  t.handshake(kT0);
  const std::int64_t end = t.close(kT0 + 2000);
  CollectSink sink;
  Engine e(EngineSettings{}, sink);
  for (const auto& fr : b.frames())
    e.process(view_of(fr));
  e.advance(end + 4'000'000);
  EXPECT_TRUE(sink.of("conn").empty());
  // An unrelated packet 6 s later moves packet time past the close delay.
  PcapBuilder later;
  later.udp(end + 6'000'000, "10.9.9.9", 1, "10.9.9.8", 2, "x");
  e.process(view_of(later.frames()[0]));
  ASSERT_EQ(sink.of("conn").size(), 1u);
  EXPECT_EQ(fields(sink.of("conn")[0]).at("conn_state"), "SF");
}

TEST(ConnTest, NewSynOnClosedPortsStartsANewConnection) {
  PcapBuilder b;
  TcpSession first(b, kClient, 40040, kServer, 22, 100, 200);
  first.handshake(kT0);
  first.close(kT0 + 2000);
  TcpSession second(b, kClient, 40040, kServer, 22, 9000, 9500);
  second.handshake(kT0 + 10'000);
  second.close(kT0 + 12'000);
  const auto conns = run_engine(b).of("conn");
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(fields(conns[0]).at("conn_state"), "SF");
  EXPECT_EQ(fields(conns[1]).at("conn_state"), "SF");
  EXPECT_NE(fields(conns[0]).at("uid"), fields(conns[1]).at("uid"));
}

TEST(ConnTest, CountersCountPacketsFlowsAndRecords) {
  PcapBuilder b;
  TcpSession(b, kClient, 40050, kServer, 22).handshake(kT0);
  b.udp(kT0 + 5000, kClient, 5003, kServer, 53, "not dns");
  b.raw(kT0 + 6000, std::string(60, '\0'));  // ethertype 0: not IP, not malformed
  CollectSink sink;
  Engine e(EngineSettings{}, sink);
  for (const auto& fr : b.frames())
    e.process(view_of(fr));
  auto c = e.counters();
  EXPECT_EQ(c.packets, 5u);
  EXPECT_EQ(c.flows_total, 2u);
  EXPECT_EQ(c.flows_active, 2u);
  EXPECT_EQ(c.malformed, 0u);
  e.flush_all(kT0 + 10'000);
  c = e.counters();
  EXPECT_EQ(c.flows_active, 0u);
  EXPECT_EQ(c.records, sink.records.size());
  EXPECT_EQ(sink.of("conn").size(), 2u);
}

TEST(ConnTest, SupportedAnalysesAreTheOnesImplemented) {
  EXPECT_THAT(supported_analyses(), ::testing::ElementsAre("dns", "http-body", "http-header",
                                                           "http-reply", "http-request", "scan"));
}

}  // namespace
}  // namespace bc::node::test
