// brocluster-node as the node program of a real brocluster-supervisor: the start is
// answered when the node's readiness arrives (the grace time is set far beyond the test's
// deadline, so only the readiness protocol can make it running), and a stop is a clean
// SIGTERM that leaves TERMINATED and flushed logs.

#include <gtest/gtest.h>

#include "tests/integration/node/node_harness.h"
#include "tests/integration/node/traffic.h"
#include "tests/support/bus_client.h"
#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

TEST(NodeUnderSupervisor, StartsRunningThroughReadinessAndStopsCleanly) {
  TempDir data;
  const std::string pcap = write_pcap(data.path() + "/traffic.pcap", standalone_pcap());
  SimOptions settings;
  settings.ready_grace = 120;  // only "ready" on fd 3 can make the node running in time
  settings.start_timeout = 20;
  settings.stop_timeout = 10;
  settings.extra = {"PolicyDir = " + source_path("policy"),
                    "SitePolicyPath = " + source_path("policy/local"),
                    "NodePortBase = " + std::to_string(node_port_base())};
  SimCluster cluster(settings);
  SimHost& host = cluster.add_host();
  // The node's own program= gets its own args= (BroArgs is the default program's).
  cluster.add_node(host, "bro", "standalone",
                   {"program=" + node_binary(), "interface=lo", "args=-r " + pcap});
  ASSERT_TRUE(cluster.start().is_ok());
  Client client = cluster.client(host);

  const auto started = std::chrono::steady_clock::now();
  const msg::Reply start = client.call("start", nodes_arg({"bro"}), Millis(30000));
  ASSERT_TRUE(start.ok) << describe(start) << file_text(host.node_dir("bro") + "/stderr.log");
  EXPECT_EQ(str_field(node_entry(start, "bro"), "state"), "running");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  EXPECT_EQ(file_text(host.node_dir("bro") + "/.status"), "RUNNING\n");

  ControlClient control("ipc://" + host.node_dir("bro") + "/.control");
  ASSERT_TRUE(poll_until(
      [&] {
        const msg::Reply r = control.call("status");
        return r.ok && bool_field(*r.result, "input_done");
      },
      Millis(5000)));

  const msg::Reply stop = client.call("stop", nodes_arg({"bro"}), Millis(30000));
  ASSERT_TRUE(stop.ok) << describe(stop);
  EXPECT_FALSE(bool_field(node_entry(stop, "bro"), "killed")) << describe(stop);
  EXPECT_EQ(file_text(host.node_dir("bro") + "/.status"), "TERMINATED\n");
  EXPECT_EQ(data_lines(host.node_dir("bro") + "/conn.log").size(), 3u);
}

}  // namespace
}  // namespace bc::test
