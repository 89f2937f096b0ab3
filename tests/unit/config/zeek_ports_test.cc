#include "config/zeek_ports.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "config/node_selection.h"
#include "test_util.h"

namespace bc::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kPortsNodeCfg = R"(
[manager]
type = manager
host = localhost
[logger]
type = logger
host = localhost
[proxy-1]
type = proxy
host = localhost
[worker-1]
type = worker
host = host2
interface = eth0
lb_procs = 2
)";

ZeekLayout ports_layout_for(std::string_view zeek, const ZeekLayoutSettings* settings = nullptr) {
  Diagnostics diags;
  std::vector<NodeSpec> nodes =
      parse_node_config(kPortsNodeCfg, "node.cfg", "", testing_util::fake_resolver(), diags);
  std::sort(nodes.begin(), nodes.end(), node_order_less);
  const ZeekVersion v = parse_zeek_version(zeek).value();
  Result<ZeekLayout> layout =
      make_zeek_layout(nodes, v, settings != nullptr ? *settings : zeekctl_layout_defaults(v));
  EXPECT_TRUE(layout.is_ok()) << layout.status().message();
  return std::move(layout).value();
}

ClusterConfig ports_default_options() {
  Diagnostics diags;
  ClusterConfig options = parse_cluster_config("", "cluster.cfg", {{"BroBase", "/b"}}, diags);
  options.set("BrokerHost", "localhost");
  return options;
}

TEST(ZeekPorts, ParsesTheKernelsPortRange) {
  const std::optional<PortRange> r = parse_port_range("32768\t60999\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->first, 32768);
  EXPECT_EQ(r->last, 60999);
  EXPECT_EQ(parse_port_range("1024 65535").value().first, 1024);
  EXPECT_EQ(parse_port_range(""), std::nullopt);
  EXPECT_EQ(parse_port_range("60999 32768"), std::nullopt);
  EXPECT_EQ(parse_port_range("1 2 3"), std::nullopt);
  EXPECT_EQ(parse_port_range("0 70000"), std::nullopt);
}

TEST(ZeekPorts, UnreadableRangeFileFallsBackToLinuxDefault) {
  const PortRange r = local_ephemeral_range("/nonexistent/ip_local_port_range");
  EXPECT_EQ(r.first, 32768);
  EXPECT_EQ(r.last, 60999);
  testing_util::ScratchDir dir;
  dir.write("range", "40000\t50000\n");
  EXPECT_EQ(local_ephemeral_range(dir.path() + "/range").first, 40000);
}

TEST(ZeekPorts, UsesListEveryBoundPortWithItsNode) {
  const std::vector<ZeekPortUse> uses = zeek_port_uses(ports_layout_for("8.2.0"));
  std::vector<std::string> lines;
  for (const ZeekPortUse& u : uses) {
    lines.push_back(u.node + " " + u.address + ":" + std::to_string(u.port) + " " + u.what);
  }
  EXPECT_THAT(
      lines,
      ElementsAre(
          "manager 127.0.0.1:27760 ZeroMQ XPUB port", "manager 127.0.0.1:27761 ZeroMQ XSUB port",
          "manager 127.0.0.1:27763 cluster port", "manager 127.0.0.1:9991 metrics port",
          "logger 127.0.0.1:27764 cluster port", "logger 127.0.0.1:9992 metrics port",
          "proxy-1 127.0.0.1:27765 cluster port", "proxy-1 127.0.0.1:9993 metrics port",
          "worker-1-1 10.0.0.2:27766 cluster port", "worker-1-1 127.0.0.1:9994 metrics port",
          "worker-1-2 10.0.0.2:27767 cluster port", "worker-1-2 127.0.0.1:9995 metrics port",
          "manager 127.0.0.1:27759 WebSocket port"));
}

TEST(ZeekPorts, DefaultsHaveNoProblems) {
  EXPECT_THAT(zeek_port_problems(ports_layout_for("8.2.0"), ports_default_options(), PortRange{}),
              IsEmpty());
  EXPECT_THAT(zeek_port_problems(ports_layout_for("5.0.0"), ports_default_options(), PortRange{}),
              IsEmpty());
}

TEST(ZeekPorts, EphemeralPortsAreNamedWithNodeAndHost) {
  ZeekLayoutSettings s = zeekctl_layout_defaults(parse_zeek_version("7.2.0").value());
  s.zeek_port = 47760;  // zeekctl's default before 2.5.0
  const std::vector<std::string> problems =
      zeek_port_problems(ports_layout_for("7.2.0", &s), ports_default_options(), PortRange{});
  ASSERT_EQ(problems.size(), 5u);  // every node; the control pseudo-node binds nothing
  EXPECT_EQ(problems[0],
            "cluster port 47761 of manager on localhost lies in the ephemeral port range "
            "32768-60999 (an outgoing connection can take it first); choose ZeekPort or "
            "MetricsPort outside it");
  EXPECT_THAT(problems[4], HasSubstr("cluster port 47765 of worker-1-2 on host2"));
  // The host's own range counts, not Linux's default.
  EXPECT_THAT(zeek_port_problems(ports_layout_for("7.2.0", &s), ports_default_options(),
                                 PortRange{1024, 1100}),
              IsEmpty());
}

TEST(ZeekPorts, CollisionsWithEachOtherAndWithTheBusAreProblems) {
  ZeekLayoutSettings s = zeekctl_layout_defaults(parse_zeek_version("7.2.0").value());
  s.metrics_port = 27763;  // manager 27763 = proxy-1's cluster port (control 27760, ...)
  ClusterConfig options = ports_default_options();
  options.set("SupervisorPort", "27766");  // worker-1-1's metrics port on host2: every host
                                           // runs a supervisor
  options.set("CollectorPort", "27767");   // worker-1-2's, but host2 runs no collector
  const std::vector<std::string> problems =
      zeek_port_problems(ports_layout_for("7.2.0", &s), options, PortRange{});
  EXPECT_THAT(problems, ElementsAre("cluster port 27763 of proxy-1 on localhost is already the "
                                    "metrics port 27763 of manager on localhost",
                                    "metrics port 27766 of worker-1-1 on host2 is BroCluster's "
                                    "SupervisorPort; move ZeekPort, MetricsPort or "
                                    "SupervisorPort"));
  for (const std::string& p : problems)
    EXPECT_THAT(p, ::testing::Not(HasSubstr("CollectorPort")));
}

TEST(ZeekPorts, BusyPortsOfTheSelectedNodesAreReported) {
  const ZeekLayout layout = ports_layout_for("7.2.0");
  std::set<int> probed;
  const PortProbe probe = [&probed](const std::string&, int port) -> std::optional<std::string> {
    probed.insert(port);
    if (port == 9992) return std::string("Address already in use");
    return std::nullopt;
  };
  const auto local = [](const ZeekPortUse& use) { return use.host == "localhost"; };
  EXPECT_THAT(busy_zeek_ports(layout, local, probe),
              ElementsAre("metrics port 9992 of logger on localhost cannot be bound: Address "
                          "already in use"));
  EXPECT_EQ(probed.count(27764), 0u) << "worker-1-1 is on host2 and was not selected";
  EXPECT_EQ(probed.count(27761), 1u);
}

// The real probe: a port someone listens on is busy, the same port after close is free.
TEST(ZeekPorts, ProbeFindsAListeningSocket) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof sa;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len), 0);
  const int port = ntohs(sa.sin_port);
  const std::optional<std::string> busy = probe_tcp_port("127.0.0.1", port);
  ::close(fd);
  ASSERT_TRUE(busy.has_value()) << "port " << port;
  EXPECT_EQ(*busy, "Address already in use");
  EXPECT_EQ(probe_tcp_port("127.0.0.1", port), std::nullopt);
}

// The control channel's listener (ZeekControlPort) goes through the same checks.
TEST(ZeekPorts, ControlListenerCollidingWithANodePortIsAProblem) {
  ClusterConfig options = ports_default_options();
  options.set("ZeekControlPort", "27761");  // on 8.0 (Broker): control 27760, manager 27761
  const ZeekVersion v = parse_zeek_version("8.0.0").value();
  const ZeekLayoutSettings s = zeek_layout_settings(options, v);
  const std::vector<std::string> problems =
      zeek_port_problems(ports_layout_for("8.0.0", &s), options, PortRange{});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "WebSocket port 27761 of manager on localhost is already the cluster port 27761 of "
            "manager on localhost");
  // The default, 27759, lies below ZeekPort's range and collides with nothing.
  const ZeekLayoutSettings defaults = zeek_layout_settings(ports_default_options(), v);
  ASSERT_TRUE(defaults.websocket.has_value());
  EXPECT_THAT(zeek_port_problems(ports_layout_for("8.0.0", &defaults), ports_default_options(),
                                 PortRange{}),
              IsEmpty());
}

}  // namespace
}  // namespace bc::config
