// brocluster-node capturing live: on one end of a veth pair between two network
// namespaces the test creates (addresses in 198.18.0.0/15), with traffic replayed by
// tcpreplay from the other end. `netstats` must count it. Needs root; skipped otherwise.

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/integration/node/node_harness.h"
#include "tests/integration/node/traffic.h"
#include "tests/support/bus_client.h"
#include "tests/support/processes.h"

namespace bc::test {
namespace {

ProcessResult sh(const std::vector<std::string>& argv) {
  RunOptions options;
  options.timeout = Millis(20000);
  return run_process(argv, options);
}

// Two namespaces joined by a veth pair; removed (with the pair) on destruction.
class VethPair {
 public:
  VethPair()
      : suffix_(std::to_string(getpid() % 1000000)),
        ns_a_("bcn-a-" + suffix_),
        ns_b_("bcn-b-" + suffix_),
        if_a_("bcva" + suffix_),
        if_b_("bcvb" + suffix_) {}
  ~VethPair() {
    sh({"/usr/sbin/ip", "netns", "del", ns_a_});
    sh({"/usr/sbin/ip", "netns", "del", ns_b_});
  }
  std::string create() {
    const std::vector<std::vector<std::string>> steps = {
        {"netns", "add", ns_a_},
        {"netns", "add", ns_b_},
        {"link", "add", if_a_, "type", "veth", "peer", "name", if_b_},
        {"link", "set", if_a_, "netns", ns_a_},
        {"link", "set", if_b_, "netns", ns_b_},
        {"-n", ns_a_, "addr", "add", "198.18.0.1/30", "dev", if_a_},
        {"-n", ns_b_, "addr", "add", "198.18.0.2/30", "dev", if_b_},
        {"-n", ns_a_, "link", "set", if_a_, "up"},
        {"-n", ns_b_, "link", "set", if_b_, "up"},
    };
    for (const auto& step : steps) {
      std::vector<std::string> argv = {"/usr/sbin/ip"};
      argv.insert(argv.end(), step.begin(), step.end());
      const ProcessResult r = sh(argv);
      if (r.exit_code != 0) return "ip " + step[0] + " " + step[1] + ": " + r.err;
    }
    return {};
  }
  const std::string& ns_a() const { return ns_a_; }
  const std::string& ns_b() const { return ns_b_; }
  const std::string& if_a() const { return if_a_; }
  const std::string& if_b() const { return if_b_; }

 private:
  std::string suffix_, ns_a_, ns_b_, if_a_, if_b_;
};

std::int64_t received(ControlClient& control) {
  const msg::Reply r = control.call("netstats");
  return r.ok ? int_field(*r.result, "received") : -1;
}

TEST(NodeLive, NetstatsCountsTrafficReplayedOnAVeth) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for network namespaces";
  VethPair veth;
  const std::string error = veth.create();
  if (!error.empty()) GTEST_SKIP() << "cannot create network namespaces here: " << error;

  NodeSite site("[bro]\ntype=standalone\nhost=localhost\ninterface=" + veth.if_a() + "\n");
  const std::string pcap = write_pcap(site.base() + "/replay.pcap", standalone_pcap());
  NodeRun node(
      site, NodeStart{"bro", "standalone", {}, {}, {"/usr/sbin/ip", "netns", "exec", veth.ns_a()}});
  ASSERT_TRUE(node.wait_ready()) << node.diagnostics();
  ControlClient control(node.control());
  const std::int64_t before = received(control);
  ASSERT_GE(before, 0);

  const ProcessResult replay = sh({"/usr/sbin/ip", "netns", "exec", veth.ns_b(),
                                   "/usr/bin/tcpreplay", "-q", "-i", veth.if_b(), pcap});
  ASSERT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  ASSERT_TRUE(poll_until([&] { return received(control) >= before + 12; }, Millis(10000)))
      << "before " << before << ", now " << received(control) << "\n"
      << node.diagnostics();
  const msg::Reply stats = control.call("netstats");
  EXPECT_EQ(str_field(*stats.result, "source"), veth.if_a());
  EXPECT_GE(int_field(*stats.result, "link"), int_field(*stats.result, "received"));

  // The replayed flows are logged when the node stops.
  EXPECT_EQ(node.terminate(), 0) << node.diagnostics();
  const auto conn = bro_cut(node.spool() + "/conn.log", {"id.orig_h", "id.resp_h", "proto"});
  EXPECT_NE(std::find(conn.begin(), conn.end(),
                      std::vector<std::string>{"10.0.0.1", "192.0.2.10", "tcp"}),
            conn.end())
      << file_text(node.spool() + "/conn.log");
}

}  // namespace
}  // namespace bc::test
