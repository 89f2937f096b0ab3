// Scan detection: thresholds, skip sets, once per source per interval; and the engine's
// ScanObservations for every connection attempt.
#include <gtest/gtest.h>

#include "node/engine/scan.h"
#include "tests/unit/node_engine/test_sink.h"

namespace bc::node::test {
namespace {

using Fields = std::map<std::string, std::string>;

ScanObservation obs(std::int64_t ts, const std::string& src, const std::string& dst,
                    std::uint16_t port, const std::string& proto = "tcp") {
  return ScanObservation{ts, src, dst, port, proto, false};
}

EngineSettings small_thresholds() {
  EngineSettings s;
  s.addr_scan_threshold = 5;
  s.port_scan_threshold = 4;
  s.scan_interval = 60;
  return s;
}

TEST(ScanTest, AddressScanNoticeAtThresholdOncePerInterval) {
  ScanDetector d(small_thresholds());
  for (int i = 1; i <= 4; ++i) {
    EXPECT_FALSE(d.observe(obs(kT0 + i, "10.1.1.1", "198.18.0." + std::to_string(i), 22)));
  }
  auto n = d.observe(obs(kT0 + 5, "10.1.1.1", "198.18.0.5", 22));
  ASSERT_TRUE(n);
  const Fields f = fields(*n);
  const Fields expected = {{"ts", "1700000000.000005"},
                           {"note", "Scan::Address_Scan"},
                           {"msg", "10.1.1.1 scanned at least 5 unique hosts"},
                           {"sub", "-"},
                           {"src", "10.1.1.1"},
                           {"dst", "-"},
                           {"p", "22/tcp"},
                           {"n", "5"},
                           {"peer_descr", "-"},
                           {"actions", "Notice::ACTION_LOG,Notice::ACTION_ALARM"},
                           {"suppress_for", "60.000000"}};
  EXPECT_EQ(f, expected);
  // More hosts within the interval: no second notice.
  for (int i = 6; i <= 20; ++i) {
    EXPECT_FALSE(d.observe(obs(kT0 + i, "10.1.1.1", "198.18.0." + std::to_string(i), 22)));
  }
  // The next interval counts afresh.
  const std::int64_t next = kT0 + 60'000'000;
  for (int i = 1; i <= 4; ++i) {
    EXPECT_FALSE(d.observe(obs(next + i, "10.1.1.1", "198.18.1." + std::to_string(i), 22)));
  }
  EXPECT_TRUE(d.observe(obs(next + 5, "10.1.1.1", "198.18.1.5", 22)));
}

TEST(ScanTest, NoticeActionsFollowTheEmailedAndAlarmedTypes) {
  EngineSettings s = small_thresholds();
  s.notice_emailed_types = {"Scan::Port_Scan"};
  s.notice_alarmed_types = {};
  ScanDetector d(s);
  for (std::uint16_t p = 1; p <= 3; ++p)
    EXPECT_FALSE(d.observe(obs(kT0, "10.2.2.2", "198.18.9.9", p)));
  auto port = d.observe(obs(kT0 + 1, "10.2.2.2", "198.18.9.9", 4));
  ASSERT_TRUE(port);
  EXPECT_EQ(fields(*port).at("actions"), "Notice::ACTION_LOG,Notice::ACTION_EMAIL");
  ScanDetector quiet(s);
  std::optional<LogRecord> addr;
  for (int i = 1; i <= 5 && !addr; ++i)
    addr = quiet.observe(obs(kT0 + i, "10.3.3.3", "198.18.0." + std::to_string(i), 22));
  ASSERT_TRUE(addr);
  EXPECT_EQ(fields(*addr).at("actions"), "Notice::ACTION_LOG");
}

TEST(ScanTest, PortScanNoticeNamesTheVictim) {
  ScanDetector d(small_thresholds());
  for (std::uint16_t p = 1; p <= 3; ++p)
    EXPECT_FALSE(d.observe(obs(kT0, "10.2.2.2", "198.18.9.9", p)));
  auto n = d.observe(obs(kT0 + 1, "10.2.2.2", "198.18.9.9", 4));
  ASSERT_TRUE(n);
  const Fields f = fields(*n);
  EXPECT_EQ(f.at("note"), "Scan::Port_Scan");
  EXPECT_EQ(f.at("dst"), "198.18.9.9");
  EXPECT_EQ(f.at("n"), "4");
  EXPECT_EQ(f.at("msg"), "10.2.2.2 scanned at least 4 unique ports of host 198.18.9.9");
}

TEST(ScanTest, BelowThresholdAndRepeatedTargetsDoNotCount) {
  ScanDetector d(small_thresholds());
  for (int rep = 0; rep < 50; ++rep) {
    for (int i = 1; i <= 4; ++i) {
      EXPECT_FALSE(d.observe(obs(kT0 + rep, "10.3.3.3", "198.18.0." + std::to_string(i), 80)));
    }
  }
  // Sources are counted apart.
  for (int i = 1; i <= 4; ++i) {
    EXPECT_FALSE(d.observe(obs(kT0, "10.3.3.4", "198.18.0." + std::to_string(i + 10), 80)));
  }
}

TEST(ScanTest, SkippedPortsAndSourcesAreIgnored) {
  EngineSettings s = small_thresholds();
  s.skip_scan_ports = {{53, "udp"}};
  s.skip_scan_sources = {*Subnet::parse("10.4.0.0/16")};
  ScanDetector d(s);
  for (int i = 1; i <= 30; ++i) {
    const std::string dst = "198.18.0." + std::to_string(i);
    EXPECT_FALSE(d.observe(obs(kT0 + i, "10.5.5.5", dst, 53, "udp")));
    EXPECT_FALSE(d.observe(obs(kT0 + i, "10.4.9.9", dst, 22)));
  }
  // 53/tcp is not 53/udp.
  for (int i = 1; i <= 4; ++i) {
    EXPECT_FALSE(d.observe(obs(kT0 + i, "10.5.5.5", "198.18.0." + std::to_string(i), 53)));
  }
  EXPECT_TRUE(d.observe(obs(kT0 + 9, "10.5.5.5", "198.18.0.9", 53)));
}

TEST(ScanTest, ApplyChangesThresholdAndExpireForgets) {
  ScanDetector d(small_thresholds());
  EXPECT_FALSE(d.observe(obs(kT0, "10.6.6.6", "198.18.0.1", 1)));
  EngineSettings s = small_thresholds();
  s.addr_scan_threshold = 2;
  d.apply(s);
  EXPECT_TRUE(d.observe(obs(kT0 + 1, "10.6.6.6", "198.18.0.2", 1)));
  d.expire(kT0 + 59'000'000);
  EXPECT_EQ(d.tracked_sources(), 1u);
  d.expire(kT0 + 60'000'000);
  EXPECT_EQ(d.tracked_sources(), 0u);
}

TEST(ScanTest, EngineReportsEveryAttemptWithItsOutcome) {
  bc::test::PcapBuilder b;
  // Answered (SF-ish), refused (REJ), unanswered (S0), UDP unanswered, ICMP answered.
  bc::test::TcpSession ok(b, "10.7.0.1", 1000, "198.18.0.1", 80);
  ok.handshake(kT0);
  bc::test::TcpSession rej(b, "10.7.0.1", 1001, "198.18.0.2", 81);
  rej.syn(kT0 + 10);
  rej.server_rst(kT0 + 20);
  bc::test::TcpSession s0(b, "10.7.0.1", 1002, "198.18.0.3", 82);
  s0.syn(kT0 + 30);
  b.udp(kT0 + 40, "10.7.0.1", 1003, "198.18.0.4", 161, "x");
  b.icmp(kT0 + 50, "10.7.0.1", "198.18.0.5", 8, 0);
  b.icmp(kT0 + 60, "198.18.0.5", "10.7.0.1", 0, 0);
  CollectSink sink;
  Engine e(EngineSettings{}, sink);
  for (const auto& f : b.frames())
    e.process(view_of(f));
  // Answers are reported at once; the unanswered ones after the 5 s attempt delay.
  ASSERT_EQ(sink.scans.size(), 3u);
  e.advance(kT0 + 5'000'100);
  ASSERT_EQ(sink.scans.size(), 5u);
  std::map<std::string, bool> by_dst;
  std::map<std::string, std::string> port_of;
  for (const auto& o : sink.scans) {
    by_dst[o.dst] = o.established;
    port_of[o.dst] = std::to_string(o.port) + "/" + o.proto;
  }
  EXPECT_EQ(port_of.at("198.18.0.2"), "81/tcp");
  EXPECT_EQ(port_of.at("198.18.0.4"), "161/udp");
  EXPECT_EQ(port_of.at("198.18.0.5"), "8/icmp");
  EXPECT_TRUE(by_dst.at("198.18.0.1"));
  EXPECT_FALSE(by_dst.at("198.18.0.2"));
  EXPECT_FALSE(by_dst.at("198.18.0.3"));
  EXPECT_FALSE(by_dst.at("198.18.0.4"));
  EXPECT_TRUE(by_dst.at("198.18.0.5"));
  e.flush_all(kT0 + 10'000'000);
  EXPECT_EQ(sink.scans.size(), 5u);  // once per connection
}

TEST(ScanTest, EngineWithoutScanAnalysisReportsNothing) {
  bc::test::PcapBuilder b;
  bc::test::TcpSession(b, "10.7.0.1", 1000, "198.18.0.1", 80).syn(kT0);
  EngineSettings s;
  s.analyses.erase("scan");
  EXPECT_TRUE(run_engine(b, s).scans.empty());
}

TEST(ScanTest, ScannerFromPcapGivesOneNotice) {
  bc::test::PcapBuilder b;
  for (int i = 0; i < 40; ++i) {
    bc::test::TcpSession t(b, "10.8.0.1", static_cast<std::uint16_t>(2000 + i),
                           "198.18.2." + std::to_string(i + 1), 445);
    t.syn(kT0 + i * 1000);
    t.server_rst(kT0 + i * 1000 + 100);
  }
  const auto sink = run_engine(b);
  ScanDetector d(EngineSettings{});  // default threshold 25 hosts
  int notices = 0;
  for (const auto& o : sink.scans)
    notices += d.observe(o).has_value();
  EXPECT_EQ(notices, 1);
}

}  // namespace
}  // namespace bc::node::test
