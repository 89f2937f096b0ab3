#include "config/zeek_layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/node_selection.h"
#include "config/zeek_version.h"
#include "test_util.h"

namespace bc::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string layout_golden_path(const std::string& name) {
  return testing_util::source_dir() + "/tests/golden/zeek_layout/" + name;
}

std::string read_layout_golden(const std::string& name) {
  std::ifstream in(layout_golden_path(name), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parsed as load_cluster() does, so the nodes arrive in our display order (by name), not
// node.cfg's: the layout has to restore zeekctl's order itself.
std::vector<NodeSpec> layout_nodes_of(const std::string& node_cfg) {
  Diagnostics diags;
  std::vector<NodeSpec> nodes =
      parse_node_config(node_cfg, "node.cfg", "", testing_util::fake_resolver(), diags);
  EXPECT_FALSE(diags.has_errors()) << diags.render_all();
  std::sort(nodes.begin(), nodes.end(), node_order_less);
  return nodes;
}

ZeekVersion zv(std::string_view text) {
  return parse_zeek_version(text).value();
}

std::string zeek_layout_text(const std::vector<NodeSpec>& nodes, std::string_view zeek) {
  const Result<ZeekLayout> layout =
      make_zeek_layout(nodes, zv(zeek), zeekctl_layout_defaults(zv(zeek)));
  EXPECT_TRUE(layout.is_ok()) << layout.status().message();
  return layout.is_ok() ? layout->text : std::string();
}

// --- Golden files: tests/golden/zeek_layout/zeek-<version>.zeek, written by hand from
// zeekctl's ZeekControl/install.py make_layout() of the zeekctl each Zeek release pins
// (`git ls-tree v<zeek> auxil/zeekctl`), for golden node.cfg with ZeekPort 27760 and
// MetricsPort 9991 and zeekctl's other defaults of that version. They agree with
// zeekctl's own testing/Baseline/command.install-layout-files/logger of those versions
// (node names and interfaces aside).

struct GoldenCase {
  const char* zeek;
  const char* file;
};

void PrintTo(const GoldenCase& c, std::ostream* os) {
  *os << "Zeek " << c.zeek << " -> " << c.file;
}

class ZeekLayoutGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ZeekLayoutGolden, MatchesZeekctlByteForByte) {
  const std::string expected = read_layout_golden(GetParam().file);
  ASSERT_FALSE(expected.empty()) << layout_golden_path(GetParam().file) << " missing";
  const std::vector<NodeSpec> nodes = layout_nodes_of(read_layout_golden("node.cfg"));
  EXPECT_EQ(zeek_layout_text(nodes, GetParam().zeek), expected) << "Zeek " << GetParam().zeek;
}

INSTANTIATE_TEST_SUITE_P(
    Versions, ZeekLayoutGolden,
    ::testing::Values(
        // Zeek 5.0 pins zeekctl 2.4.1: ports in the order control, loggers, manager,
        // proxies, workers; workers carry $interface; no metrics ports. (2.4.1's own
        // ZeekPort default was 47760; ours is 27760 for every version.)
        GoldenCase{"5.0.0", "zeek-5.0.zeek"},
        // Zeek 6.0 pins zeekctl 2.5.0-24: make_layout() unchanged (2.5.0 only moved the
        // ZeekPort default to 27760, out of the ephemeral range).
        GoldenCase{"6.0.3", "zeek-6.0.zeek"},
        // Zeek 7.0 pins zeekctl 2.5.0-49: the manager moves before the loggers "so that
        // the metrics port set in zeekctl.cfg will be the one used for the manager";
        // every node gets $metrics_port from MetricsPort 9991; the table is wrapped in
        // @pragma push/pop ignore-deprecations because $interface is deprecated in 7.0.
        GoldenCase{"7.0.0", "zeek-7.0.zeek"},
        // Zeek 7.1 pins zeekctl 2.5.0-76, Zeek 7.2 2.6.0-11: $interface (removed from
        // Cluster::Node in 7.1) and the pragmas are gone; 2.6.0-11 changed only the
        // standalone layout.
        GoldenCase{"7.2.0", "zeek-7.2.zeek"},
        // Zeek 8.0 pins zeekctl 2.6.0-20: a WebSocket block is rendered only with
        // UseWebSocket = 1 (default 0) and ClusterBackend defaults to Broker, so the file
        // is the 7.2 one.
        GoldenCase{"8.0.0", "zeek-8.0.zeek"},
        // Zeek 8.2 pins zeekctl 2.6.0-56 (8.1: 2.6.0-50, the same layout): ClusterBackend
        // defaults to ZeroMQ, whose plugin (cluster_backend_zeromq.py, since 2.6.0-35)
        // takes ZeekPort and ZeekPort+1 for XPUB/XSUB first, so control gets 27762; and
        // UseWebSocket defaults to 1, which appends the manager's listen_websocket block
        // on 127.0.0.1:27759.
        GoldenCase{"8.2.0", "zeek-8.2.zeek"}),
    [](const ::testing::TestParamInfo<GoldenCase>& info) {
      std::string name = info.param.zeek;
      std::replace(name.begin(), name.end(), '.', '_');
      return "Zeek" + name;
    });

// --- The rules behind the golden files, one by one.

constexpr std::string_view kTwoProxiesOutOfNameOrder = R"(
[manager]
type = manager
host = localhost
[proxy-2]
type = proxy
host = localhost
[proxy-1]
type = proxy
host = host2
[worker-10]
type = worker
host = localhost
interface = eth1
[worker-2]
type = worker
host = localhost
interface = eth2
)";

TEST(ZeekLayout, NodesOfATypeKeepNodeCfgOrderAsZeekctlNumbersThem) {
  const Result<ZeekLayout> layout =
      make_zeek_layout(layout_nodes_of(std::string(kTwoProxiesOutOfNameOrder)), zv("7.2.0"),
                       zeekctl_layout_defaults(zv("7.2.0")));
  ASSERT_TRUE(layout.is_ok()) << layout.status().message();
  std::vector<std::string> names;
  for (const ZeekNodePorts& n : layout->nodes)
    names.push_back(n.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"manager", "proxy-2", "proxy-1", "worker-10", "worker-2"}));
  EXPECT_EQ(layout->nodes[2].port, 27763);
  EXPECT_THAT(layout->text, HasSubstr("\t[\"proxy-1\"] = [$node_type=Cluster::PROXY, "
                                      "$ip=10.0.0.2, $p=27763/tcp, $manager=\"manager\", "
                                      "$metrics_port=9993/tcp],\n"));
}

TEST(ZeekLayout, WithoutLoggerTheManagerLogs) {
  const std::string text =
      zeek_layout_text(layout_nodes_of(std::string(kTwoProxiesOutOfNameOrder)), "6.0.0");
  EXPECT_THAT(text, HasSubstr("redef Cluster::manager_is_logger = T;\n"));
  // zeekctl writes $interface="" for a worker without interface before Zeek 7.1.
  const std::string no_interface = R"(
[manager]
type = manager
host = localhost
[proxy]
type = proxy
host = localhost
[worker]
type = worker
host = localhost
)";
  EXPECT_THAT(zeek_layout_text(layout_nodes_of(no_interface), "5.0.0"),
              HasSubstr("$interface=\"\""));
}

TEST(ZeekLayout, PortsFollowZeekPortAndMetricsPort) {
  const std::vector<NodeSpec> nodes = layout_nodes_of(read_layout_golden("node.cfg"));
  ZeekLayoutSettings settings = zeekctl_layout_defaults(zv("8.2.0"));
  settings.zeek_port = 20000;
  settings.metrics_port = 0;
  const Result<ZeekLayout> layout = make_zeek_layout(nodes, zv("8.2.0"), settings);
  ASSERT_TRUE(layout.is_ok());
  EXPECT_EQ(layout->xpub_port, 20000);
  EXPECT_EQ(layout->xsub_port, 20001);
  EXPECT_EQ(layout->control_port, 20002);
  EXPECT_EQ(layout->nodes.front().name, "manager");
  EXPECT_EQ(layout->nodes.front().port, 20003);
  EXPECT_EQ(layout->nodes.back().port, 20007);
  EXPECT_THAT(layout->text, Not(HasSubstr("metrics_port")));
  for (const ZeekNodePorts& n : layout->nodes)
    EXPECT_EQ(n.metrics_port, 0) << n.name;
}

TEST(ZeekLayout, BrokerOn82AndZeroMQOn80KeepZeekPortForControl) {
  const std::vector<NodeSpec> nodes = layout_nodes_of(read_layout_golden("node.cfg"));
  ZeekLayoutSettings broker = zeekctl_layout_defaults(zv("8.2.0"));
  broker.backend = ZeekBackend::kBroker;
  const Result<ZeekLayout> a = make_zeek_layout(nodes, zv("8.2.0"), broker);
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(a->control_port, 27760);
  EXPECT_EQ(a->xpub_port, 0);
  // zeekctl 2.6.0-20 (Zeek 8.0) had the ZeroMQ plugin but did not take ports for it yet.
  ZeekLayoutSettings zeromq = zeekctl_layout_defaults(zv("8.0.0"));
  zeromq.backend = ZeekBackend::kZeroMQ;
  const Result<ZeekLayout> b = make_zeek_layout(nodes, zv("8.0.0"), zeromq);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b->control_port, 27760);
}

TEST(ZeekLayout, StandaloneLayoutFollowsZeekctl) {
  const std::vector<NodeSpec> nodes =
      layout_nodes_of("[zeek]\ntype = standalone\nhost = localhost\n");
  // zeekctl 2.6.0-56's testing/Baseline/command.install-layout-files/standalone.
  const Result<ZeekLayout> modern =
      make_zeek_layout(nodes, zv("8.2.0"), zeekctl_layout_defaults(zv("8.2.0")));
  ASSERT_TRUE(modern.is_ok());
  EXPECT_EQ(modern->file_name, "standalone-layout.zeek");
  EXPECT_EQ(modern->text,
            "# Automatically generated. Do not edit.\n"
            "redef Broker::default_port = 27762/tcp;\n"
            "@if ( getenv(\"ZEEKCTL_DISABLE_LISTEN\") == \"\" )\n"
            "redef Telemetry::metrics_port = 9991/tcp;\n"
            "@endif\n"
            "\n"
            "event zeek_init()\n"
            "\t{\n"
            "\tif ( getenv(\"ZEEKCTL_DISABLE_LISTEN\") == \"\" )\n"
            "\t\tBroker::listen();\n"
            "\t}\n"
            "\n"
            "event zeek_init()\n"
            "\t{\n"
            "\tif ( getenv(\"ZEEKCTL_DISABLE_LISTEN\") == \"\" && (Cluster::local_node_type() == "
            "Cluster::MANAGER || ! Cluster::is_enabled()) )\n"
            "\t\t{\n"
            "\t\tCluster::listen_websocket([$listen_addr=127.0.0.1, $listen_port=27759/tcp]);\n"
            "\t\t}\n"
            "\t}\n");
  // zeekctl 2.4.1 (Zeek 5.0): the port and the listen handler only.
  EXPECT_EQ(zeek_layout_text(nodes, "5.0.0"),
            "# Automatically generated. Do not edit.\n"
            "redef Broker::default_port = 27760/tcp;\n"
            "event zeek_init()\n"
            "\t{\n"
            "\tif ( getenv(\"ZEEKCTL_DISABLE_LISTEN\") == \"\" )\n"
            "\t\tBroker::listen();\n"
            "\t}\n");
  // zeekctl 2.5.0-49 (Zeek 7.0): the metrics port without the @if.
  EXPECT_THAT(zeek_layout_text(nodes, "7.0.0"),
              HasSubstr("redef Broker::default_port = 27760/tcp;\n"
                        "redef Telemetry::metrics_port = 9991/tcp;\nevent zeek_init()\n"));
}

TEST(ZeekLayout, Ipv6AddressesAreBracketed) {
  HostResolver v6 = [](const std::string&) -> std::optional<std::string> { return "fe80::1%eth0"; };
  Diagnostics diags;
  std::vector<NodeSpec> nodes = parse_node_config(
      "[manager]\ntype=manager\nhost=m\n[proxy]\ntype=proxy\nhost=m\n[w]\ntype=worker\nhost=m\n",
      "node.cfg", "", v6, diags);
  const Result<ZeekLayout> layout =
      make_zeek_layout(nodes, zv("7.2.0"), zeekctl_layout_defaults(zv("7.2.0")));
  ASSERT_TRUE(layout.is_ok());
  EXPECT_THAT(layout->text, HasSubstr("$ip=[fe80::1], $p=27760/tcp"));
}

TEST(ZeekLayout, Errors) {
  const std::vector<NodeSpec> nodes = layout_nodes_of(read_layout_golden("node.cfg"));
  const Result<ZeekLayout> old =
      make_zeek_layout(nodes, zv("4.2.1"), zeekctl_layout_defaults(zv("4.2.1")));
  ASSERT_FALSE(old.is_ok());
  EXPECT_EQ(old.status().message(), "Zeek 4.2.1 is not supported (needs 5.0.0 or later)");

  ZeekLayoutSettings high = zeekctl_layout_defaults(zv("7.2.0"));
  high.zeek_port = 65532;
  const Result<ZeekLayout> overflow = make_zeek_layout(nodes, zv("7.2.0"), high);
  ASSERT_FALSE(overflow.is_ok());
  EXPECT_EQ(overflow.status().message(),
            "ZeekPort 65532 leaves too few ports: node worker-1-1 would get port 65536 (above "
            "65535)");

  ZeekLayoutSettings websocket = zeekctl_layout_defaults(zv("7.2.0"));
  websocket.websocket = ZeekListen{"127.0.0.1", 27759};
  EXPECT_FALSE(make_zeek_layout(nodes, zv("7.2.0"), websocket).is_ok());

  const std::vector<NodeSpec> no_manager =
      layout_nodes_of("[w]\ntype = worker\nhost = localhost\n");
  EXPECT_FALSE(
      make_zeek_layout(no_manager, zv("8.0.0"), zeekctl_layout_defaults(zv("8.0.0"))).is_ok());
}

TEST(ZeekLayout, SettingsComeFromClusterCfg) {
  Diagnostics diags;
  ClusterConfig options = parse_cluster_config(
      "ZeekPort = 21000\nMetricsPort = 0\nMetricsAddress = ::1\n", "cluster.cfg", {}, diags);
  ZeekLayoutSettings s = zeek_layout_settings(options, zv("8.1.0"));
  EXPECT_EQ(s.zeek_port, 21000);
  EXPECT_EQ(s.metrics_port, 0);
  EXPECT_EQ(s.metrics_address, "::1");
  EXPECT_EQ(s.backend, ZeekBackend::kZeroMQ);
  ASSERT_TRUE(s.websocket.has_value());
  EXPECT_EQ(s.websocket->port, 27759);
  // ClusterBackend, when the option is set, wins over zeekctl's default.
  options.set("ClusterBackend", "Broker");
  EXPECT_EQ(zeek_layout_settings(options, zv("8.1.0")).backend, ZeekBackend::kBroker);
  // The control channel's listener from 8.0 on (zeekctl 2.6.0-20 has it off by default),
  // where ZeekControlAddress/ZeekControlPort say; none before 8.0 or with port 0.
  ASSERT_TRUE(zeek_layout_settings(options, zv("8.0.0")).websocket.has_value());
  EXPECT_FALSE(zeek_layout_settings(options, zv("7.2.0")).websocket.has_value());
  options.set("ZeekControlPort", "23000");
  options.set("ZeekControlAddress", "127.0.0.2");
  const auto listener = zeek_layout_settings(options, zv("8.0.0")).websocket;
  ASSERT_TRUE(listener.has_value());
  EXPECT_EQ(listener->port, 23000);
  EXPECT_EQ(listener->address, "127.0.0.2");
  options.set("ZeekControlPort", "0");
  EXPECT_FALSE(zeek_layout_settings(options, zv("8.2.0")).websocket.has_value());
}

TEST(ZeekLayout, TelemetryConfigBindsMetricsToMetricsAddress) {
  const std::vector<NodeSpec> nodes = layout_nodes_of(read_layout_golden("node.cfg"));
  ZeekLayoutSettings s = zeekctl_layout_defaults(zv("7.0.0"));
  const Result<ZeekLayout> layout = make_zeek_layout(nodes, zv("7.0.0"), s);
  ASSERT_TRUE(layout.is_ok());
  // zeekctl 2.6.0-54's make_zeekctl_config_policy() lines for MetricsAddress.
  EXPECT_EQ(render_zeek_telemetry_config(*layout),
            "# Automatically generated. Do not edit.\n"
            "@if ( |Telemetry::metrics_address| == 0 )\n"
            "redef Telemetry::metrics_address = \"127.0.0.1\";\n"
            "@endif\n");
  // Zeek 6 has no per-node metrics ports; MetricsPort 0 switches them off.
  EXPECT_EQ(render_zeek_telemetry_config(
                *make_zeek_layout(nodes, zv("6.0.0"), zeekctl_layout_defaults(zv("6.0.0")))),
            "");
  s.metrics_port = 0;
  EXPECT_EQ(render_zeek_telemetry_config(*make_zeek_layout(nodes, zv("7.0.0"), s)), "");
}

TEST(ZeekVersion, ParsesWhatZeekPrints) {
  EXPECT_EQ(parse_zeek_version("zeek version 7.0.5\n"), (ZeekVersion{7, 0, 5}));
  EXPECT_EQ(parse_zeek_version("8.1.0-dev.42"), (ZeekVersion{8, 1, 0}));
  EXPECT_EQ(parse_zeek_version("9.0.0-rc1"), (ZeekVersion{9, 0, 0}));
  EXPECT_EQ(parse_zeek_version("6.2"), (ZeekVersion{6, 2, 0}));
  EXPECT_EQ(parse_zeek_version("zeek version"), std::nullopt);
  EXPECT_EQ(parse_zeek_version("7"), std::nullopt);
  EXPECT_EQ(parse_zeek_version("7.x"), std::nullopt);
  EXPECT_EQ(parse_zeek_version("7.0.1beta"), std::nullopt);
  EXPECT_LT((ZeekVersion{7, 0, 9}), (ZeekVersion{7, 1, 0}));
  EXPECT_EQ((ZeekVersion{8, 0, 1}).to_string(), "8.0.1");
}

}  // namespace
}  // namespace bc::config
