// A standalone brocluster-node reading a pcap file: readiness, .status, the exact log
// records (read back with bro-cut), SaveTraces, and a clean SIGTERM.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "tests/integration/node/node_harness.h"
#include "tests/integration/node/traffic.h"
#include "tests/support/bus_client.h"
#include "tests/support/pcap_builder.h"
#include "tests/support/processes.h"

namespace bc::test {
namespace {

using Rows = std::vector<std::vector<std::string>>;

class StandaloneNode : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& options = {}, std::vector<std::string> args = {}) {
    site_ = std::make_unique<NodeSite>(kStandaloneCfg, options);
    pcap_ = write_pcap(site_->base() + "/traffic.pcap", standalone_pcap());
    if (args.empty()) args = {"-r", pcap_};
    node_ = std::make_unique<NodeRun>(*site_, NodeStart{"bro", "standalone", args, {}, {}});
    ASSERT_TRUE(node_->wait_ready()) << node_->diagnostics();
  }
  std::string log(const std::string& name) const { return node_->spool() + "/" + name; }

  std::unique_ptr<NodeSite> site_;
  std::unique_ptr<NodeRun> node_;
  std::string pcap_;
};

TEST_F(StandaloneNode, SpeaksTheReadinessProtocolAndWritesStatus) {
  start();
  EXPECT_EQ(node_->readiness_lines(), (std::vector<std::string>{"initializing", "ready"}));
  EXPECT_EQ(node_->status_file(), "RUNNING\n");
  struct stat st {};
  ASSERT_EQ(stat((node_->spool() + "/.control").c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(StandaloneNode, OfflineRunWritesExactConnDnsAndHttpRecords) {
  start();
  ControlClient control(node_->control());
  // The file is read and flushed before the node says so in its status.
  ASSERT_TRUE(poll_until(
      [&] {
        const msg::Reply r = control.call("status");
        return r.ok && bool_field(*r.result, "input_done");
      },
      Millis(15000)))
      << node_->diagnostics();
  EXPECT_EQ(node_->terminate(), 0) << node_->diagnostics();
  EXPECT_EQ(node_->status_file(), "TERMINATED\n");

  const Rows conn =
      bro_cut(log("conn.log"), {"id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
                                "service", "conn_state", "local_orig", "orig_pkts", "resp_pkts"});
  EXPECT_EQ(conn,
            (Rows{{"10.0.0.1", "40000", "192.0.2.10", "80", "tcp", "http", "SF", "T", "5", "3"},
                  {"10.0.0.1", "5353", "192.0.2.53", "53", "udp", "dns", "SF", "T", "1", "1"},
                  {"10.0.0.2", "8", "192.0.2.20", "0", "icmp", "-", "SF", "T", "1", "1"}}))
      << file_text(log("conn.log"));

  const Rows dns = bro_cut(log("dns.log"), {"id.orig_h", "id.resp_p", "trans_id", "query",
                                            "qtype_name", "rcode_name", "answers"});
  EXPECT_EQ(dns, (Rows{{"10.0.0.1", "53", "4711", "example.com", "A", "NOERROR", "93.184.216.34"}}))
      << file_text(log("dns.log"));

  const Rows http = bro_cut(log("http.log"), {"id.orig_h", "id.resp_h", "method", "host", "uri",
                                              "user_agent", "status_code", "response_body_len"});
  EXPECT_EQ(http, (Rows{{"10.0.0.1", "192.0.2.10", "GET", "example.com", "/index.html",
                         "test-agent", "200", "12"}}))
      << file_text(log("http.log"));
  // The header and the #close line bro-cut and the collector rely on.
  const std::string text = file_text(log("conn.log"));
  EXPECT_EQ(text.rfind("#separator \\x09\n", 0), 0u) << text;
  EXPECT_NE(text.find("\n#close\t"), std::string::npos) << text;
}

TEST_F(StandaloneNode, ExitAtEofEndsAfterTheFile) {
  site_ = std::make_unique<NodeSite>(kStandaloneCfg);
  pcap_ = write_pcap(site_->base() + "/traffic.pcap", standalone_pcap());
  NodeRun node(*site_, NodeStart{"bro", "standalone", {"-r", pcap_, "--exit-at-eof"}, {}, {}});
  EXPECT_EQ(node.wait_exit(Millis(15000)), 0) << node.diagnostics();
  EXPECT_EQ(node.status_file(), "TERMINATED\n");
  EXPECT_EQ(data_lines(node.spool() + "/conn.log").size(), 3u) << node.diagnostics();
}

TEST_F(StandaloneNode, SigtermFlushesOpenConnectionsAndLogs) {
  // A connection that never ends: only the shutdown flush can log it.
  site_ = std::make_unique<NodeSite>(kStandaloneCfg);
  PcapBuilder b;
  TcpSession session(b, "10.0.0.7", 41000, "192.0.2.77", 8080);
  session.handshake(kT0);
  pcap_ = write_pcap(site_->base() + "/open.pcap", b.pcap_bytes());
  NodeRun node(*site_, NodeStart{"bro", "standalone", {"-r", pcap_}, {}, {}});
  ASSERT_TRUE(node.wait_ready()) << node.diagnostics();
  ControlClient control(node.control());
  ASSERT_TRUE(poll_until(
      [&] {
        const msg::Reply r = control.call("status");
        return r.ok && int_field(*r.result, "packets") == 3;
      },
      Millis(5000)));
  EXPECT_EQ(node.terminate(), 0);
  EXPECT_EQ(node.status_file(), "TERMINATED\n");
  const Rows conn = bro_cut(node.spool() + "/conn.log", {"id.orig_h", "id.resp_p", "orig_pkts"});
  EXPECT_EQ(conn, (Rows{{"10.0.0.7", "8080", "2"}})) << file_text(node.spool() + "/conn.log");
  EXPECT_NE(node.err().find("SIGTERM"), std::string::npos) << node.diagnostics();
}

TEST_F(StandaloneNode, SaveTracesWritesWhatItSawAndRotatesIt) {
  start({"SaveTraces = 1"});
  ControlClient control(node_->control());
  ASSERT_TRUE(poll_until(
      [&] {
        const msg::Reply r = control.call("status");
        return r.ok && bool_field(*r.result, "input_done");
      },
      Millis(5000)));
  const std::string trace = node_->spool() + "/trace.pcap";
  // Same packets as the input: the pcap headers are alike, the records identical.
  EXPECT_EQ(std::filesystem::file_size(trace), std::filesystem::file_size(pcap_));
  const msg::Reply rotated = control.call("rotate");
  ASSERT_TRUE(rotated.ok) << describe(rotated);
  EXPECT_TRUE(std::filesystem::exists(trace + ".1"));
  EXPECT_EQ(std::filesystem::file_size(trace + ".1"), std::filesystem::file_size(pcap_));
  EXPECT_EQ(node_->terminate(), 0);
  EXPECT_EQ(std::filesystem::file_size(trace), 24u);  // a fresh file: the header only
}

TEST_F(StandaloneNode, LogRotationIntervalStartsLogsAndTraceAnew) {
  start({"SaveTraces = 1", "LogRotationInterval = 1"});
  const std::string trace = node_->spool() + "/trace.pcap";
  ASSERT_TRUE(poll_until([&] { return std::filesystem::exists(trace + ".1"); }, Millis(10000)))
      << node_->diagnostics();
  // Each rotation closes the log and starts it again with a fresh header.
  ASSERT_TRUE(poll_until(
      [&] {
        const std::string text = file_text(log("conn.log"));
        return text.find("#close") != std::string::npos &&
               text.find("#open", text.find("#close")) != std::string::npos;
      },
      Millis(10000)))
      << file_text(log("conn.log"));
  EXPECT_NE(node_->err().find("logs reopened"), std::string::npos);
  EXPECT_EQ(node_->terminate(), 0);
}

TEST_F(StandaloneNode, StartFailsClearlyWithoutInterfaceOrFile) {
  site_ = std::make_unique<NodeSite>("[bro]\ntype=standalone\nhost=localhost\n");
  NodeRun node(*site_, NodeStart{"bro", "standalone", {}, {}, {}});
  EXPECT_FALSE(node.wait_ready(Millis(10000)));
  EXPECT_EQ(node.wait_exit(Millis(10000)), 1);
  EXPECT_NE(node.err().find("bro has no interface"), std::string::npos) << node.diagnostics();
  EXPECT_EQ(node.status_file(), "TERMINATED\n");
}

}  // namespace
}  // namespace bc::test
