// The node control protocol of a running brocluster-node (docs/NODE-PROTOCOL.md):
// print, update changing a &redef value live, refusals, netstats, notices, peerstatus,
// unknown commands and malformed frames.

#include <gtest/gtest.h>

#include "messages/codec.h"
#include "tests/integration/node/node_harness.h"
#include "tests/integration/node/traffic.h"
#include "tests/support/bus_client.h"
#include "tests/support/processes.h"

namespace bc::test {
namespace {

msg::Value id_arg(const std::string& id) {
  return msg::Value::empty_map().set("id", id);
}

std::vector<std::string> string_list(const msg::Value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : *v->as_array())
    out.push_back(e.as_string() ? *e.as_string() : "?");
  return out;
}

class ControlTest : public ::testing::Test {
 protected:
  void start(const std::string& pcap_bytes) {
    pcap_ = write_pcap(site_.base() + "/traffic.pcap", pcap_bytes);
    node_ = std::make_unique<NodeRun>(site_, NodeStart{"bro", "standalone", {"-r", pcap_}, {}, {}});
    ASSERT_TRUE(node_->wait_ready()) << node_->diagnostics();
    control_ = std::make_unique<ControlClient>(node_->control());
    ASSERT_TRUE(poll_until(
        [&] {
          const msg::Reply r = control_->call("status");
          return r.ok && bool_field(*r.result, "input_done");
        },
        Millis(15000)))
        << node_->diagnostics();
  }

  NodeSite site_{kStandaloneCfg};
  std::string pcap_;
  std::unique_ptr<NodeRun> node_;
  std::unique_ptr<ControlClient> control_;
};

TEST_F(ControlTest, StatusSaysRunning) {
  start(standalone_pcap());
  const msg::Reply r = control_->call("status");
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(str_field(*r.result, "state"), "RUNNING");
  EXPECT_EQ(str_field(*r.result, "node"), "bro");
  EXPECT_EQ(str_field(*r.result, "type"), "standalone");
  EXPECT_EQ(int_field(*r.result, "pid"), node_->pid());
}

TEST_F(ControlTest, PrintShowsValuesAsTheScriptLanguagePrintsThem) {
  site_.write_site("local.bro", "redef Scan::skip_scan_ports += { 443/tcp, 53/udp };\n");
  start(standalone_pcap());
  EXPECT_EQ(control_->print("Scan::addr_scan_threshold"), "25");
  EXPECT_EQ(control_->print("Scan::scan_interval"), "5.0 mins");
  EXPECT_EQ(control_->print("Scan::skip_scan_ports"), "{\n\t53/udp,\n\t443/tcp\n}");
  // Filled from networks.cfg because the scripts leave it empty.
  EXPECT_EQ(control_->print("Site::local_nets"), "{\n\t10.0.0.0/8\n}");
  const msg::Reply unknown = control_->call("print", id_arg("Nope::nothing"));
  ASSERT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.error->code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error->message, "unknown identifier 'Nope::nothing'");
  const msg::Reply no_id = control_->call("print");
  ASSERT_FALSE(no_id.ok);
  EXPECT_EQ(no_id.error->code, ErrorCode::kInvalidArgument);
  const msg::Reply huge = control_->call("print", id_arg(std::string(1000, 'x')));
  ASSERT_FALSE(huge.ok);
  EXPECT_EQ(huge.error->code, ErrorCode::kInvalidArgument);
}

TEST_F(ControlTest, UpdateChangesARedefValueLiveAndRefusesTheRest) {
  site_.write_site("local.bro",
                   "redef Scan::addr_scan_threshold = 40;\nconst site_limit: count = 3;\n");
  start(standalone_pcap());
  ASSERT_EQ(control_->print("Scan::addr_scan_threshold"), "40");

  site_.write_site("local.bro",
                   "redef Scan::addr_scan_threshold = 60;\nconst site_limit: count = 4;\n");
  const msg::Reply r = control_->call("update");
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(string_list(r.result->find("changed")),
            std::vector<std::string>{"Scan::addr_scan_threshold"});
  const msg::Value* refused = r.result->find("refused");
  ASSERT_TRUE(refused != nullptr && refused->is_array()) << describe(r);
  ASSERT_EQ(refused->as_array()->size(), 1u) << describe(r);
  EXPECT_EQ(str_field(refused->as_array()->front(), "id"), "site_limit");
  EXPECT_NE(str_field(refused->as_array()->front(), "reason").find("&redef"), std::string::npos)
      << describe(r);
  EXPECT_EQ(control_->print("Scan::addr_scan_threshold"), "60");
  EXPECT_EQ(control_->print("site_limit"), "3");  // needs a restart
  EXPECT_EQ(control_->print("Site::local_nets"), "{\n\t10.0.0.0/8\n}");

  // Nothing changed: nothing to report.
  const msg::Reply again = control_->call("update");
  ASSERT_TRUE(again.ok) << describe(again);
  EXPECT_TRUE(string_list(again.result->find("changed")).empty()) << describe(again);
}

TEST_F(ControlTest, UpdateAppliesAnalysisToggles) {
  start(standalone_pcap());
  site_.write("etc/analysis.dat", "dns 0 DNS\nscan 1 Scans\n");
  const msg::Reply r = control_->call("update");
  ASSERT_TRUE(r.ok) << describe(r);
  const msg::Value* analyses = r.result->find("analyses");
  ASSERT_NE(analyses, nullptr) << describe(r);
  EXPECT_EQ(analyses->get_bool("dns").value_or(true), false) << describe(r);
  // Switching on an analysis the engine cannot do is refused, not ignored.
  site_.write_site("local.bro", "@load ftp\n");
  site_.write("etc/analysis.dat", "dns 1 DNS\nftp 1 FTP\n");
  const msg::Reply ftp = control_->call("update");
  ASSERT_TRUE(ftp.ok) << describe(ftp);
  EXPECT_NE(describe(ftp).find("analysis type 'ftp' is not supported"), std::string::npos)
      << describe(ftp);
}

TEST_F(ControlTest, UpdateWithABrokenScriptChangesNothing) {
  site_.write_site("local.bro", "redef Scan::addr_scan_threshold = 40;\n");
  start(standalone_pcap());
  site_.write_site("local.bro", "redef Scan::addr_scan_threshold = 50\nredef x = ;\n");
  const msg::Reply r = control_->call("update");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error->code, ErrorCode::kParse);
  EXPECT_NE(r.error->message.find(site_.base() + "/site/local.bro:2:"), std::string::npos)
      << r.error->message;
  EXPECT_EQ(control_->print("Scan::addr_scan_threshold"), "40");
}

TEST_F(ControlTest, NetstatsCountsThePacketsRead) {
  start(standalone_pcap());
  const msg::Reply r = control_->call("netstats");
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_TRUE(bool_field(*r.result, "capturing"));
  EXPECT_EQ(int_field(*r.result, "received"), 12) << describe(r);
  EXPECT_EQ(int_field(*r.result, "dropped"), 0);
}

TEST_F(ControlTest, NoticesListsTheScanNotice) {
  start(scan_pcap(1, 30));
  const msg::Reply r = control_->call("notices");
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(int_field(*r.result, "total"), 1) << describe(r);
  const msg::Value* list = r.result->find("notices");
  ASSERT_TRUE(list != nullptr && list->is_array() && list->as_array()->size() == 1) << describe(r);
  EXPECT_EQ(str_field(list->as_array()->front(), "note"), "Scan::Address_Scan");
  EXPECT_EQ(str_field(list->as_array()->front(), "src"), "10.9.9.9");
  const msg::Reply bad = control_->call("notices", msg::Value::empty_map().set("limit", 0));
  EXPECT_FALSE(bad.ok);
  // A standalone node has no peers.
  const msg::Reply peers = control_->call("peerstatus");
  ASSERT_TRUE(peers.ok) << describe(peers);
  EXPECT_EQ(peers.result->find("peers")->as_array()->size(), 0u);
}

TEST_F(ControlTest, UnknownCommandsAndMalformedFramesAreAnsweredNotFatal) {
  start(standalone_pcap());
  const msg::Reply r = control_->call("frobnicate");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error->code, ErrorCode::kUnknownCommand);
  EXPECT_EQ(r.error->message, "unknown command 'frobnicate'");

  zmq::socket_t& raw = control_->socket();
  raw.send(zmq::str_buffer("\x01garbage"), zmq::send_flags::none);
  zmq::message_t reply;
  raw.set(zmq::sockopt::rcvtimeo, 5000);
  ASSERT_TRUE(raw.recv(reply));
  auto decoded = msg::decode<msg::Reply>(reply.to_string_view());
  ASSERT_TRUE(decoded.is_ok());
  EXPECT_EQ(decoded->id, 0u);
  EXPECT_EQ(decoded->error->code, ErrorCode::kBadMessage);
  // Two frames in one message: dropped and counted, no reply.
  raw.send(zmq::str_buffer("a"), zmq::send_flags::sndmore);
  raw.send(zmq::str_buffer("b"), zmq::send_flags::none);
  const msg::Reply status = control_->call("status");
  ASSERT_TRUE(status.ok) << describe(status);
  EXPECT_EQ(int_field(*status.result, "control_malformed"), 2) << describe(status);
}

}  // namespace
}  // namespace bc::test
