// The zeek profile's argv, ZEEKPATH and environment (golden, per node kind and Zeek
// version), `zeek --version` parsing and the .status reader.

#include "supervisor/zeek_launch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/file_util.h"
#include "config/cluster_config.h"
#include "supervisor/zeek_status.h"
#include "test_support.h"

namespace bc::sup {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

config::ClusterConfig zeek_options(std::string_view text = "") {
  config::Diagnostics d;
  auto options = config::parse_cluster_config(text, "cluster.cfg", {{"BroBase", "/bro"}}, d);
  EXPECT_FALSE(d.has_errors()) << d.render_all();
  return options;
}

config::NodeSpec zeek_node(std::string name, config::NodeType type, std::string interface = "") {
  config::NodeSpec n;
  n.name = std::move(name);
  n.type = type;
  n.host = "localhost";
  n.interface = std::move(interface);
  return n;
}

constexpr ZeekVersion kZeek6{6, 0, 3};
constexpr ZeekVersion kZeek82{8, 2, 0};

TEST(ZeekArgs, WorkerWithInterfaceOnZeek6) {
  auto worker = zeek_node("worker-1", config::NodeType::kWorker, "eth0");
  worker.aux_scripts = {"mytest"};
  EXPECT_THAT(
      zeek_args(zeek_options("BroArgs = -C  myscript\n"), worker, kZeek6),
      ElementsAre("-i", "eth0", "-U", ".status", "-p", "zeekctl", "-p", "zeekctl-live", "-p",
                  "local", "-p", "worker-1", "local.zeek", "brocluster", "base/frameworks/cluster",
                  "brocluster/auto", "mytest", "-C", "myscript"));
}

TEST(ZeekArgs, WorkerOnZeek82LoadsTheBackendFirstAndSavesTraces) {
  const auto worker = zeek_node("worker-1", config::NodeType::kWorker, "eth0");
  EXPECT_THAT(zeek_args(zeek_options("SaveTraces = 1\nPrefixes = local:site2\n"), worker, kZeek82),
              ElementsAre("-i", "eth0", "-w", "trace.pcap", "-U", ".status", "-p", "zeekctl", "-p",
                          "zeekctl-live", "-p", "local", "-p", "site2", "-p", "worker-1",
                          "policy/frameworks/cluster/backend/zeromq", "local.zeek", "brocluster",
                          "brocluster/auto"));
}

TEST(ZeekArgs, Standalone) {
  const auto bro = zeek_node("zeek", config::NodeType::kStandalone, "eth1");
  EXPECT_THAT(zeek_args(zeek_options("AuxScriptsStandalone = extra.zeek\n"), bro, kZeek6),
              ElementsAre("-i", "eth1", "-U", ".status", "-p", "zeekctl", "-p", "zeekctl-live",
                          "-p", "standalone", "-p", "local", "-p", "zeek", "local.zeek",
                          "brocluster", "brocluster/standalone", "brocluster/auto", "extra.zeek"));
}

// check and scripts (zeekctl's check-config): not live, so no capture options and no
// zeekctl-live prefix, and brocluster/check after everything else.
TEST(ZeekCheckArgs, WorkerIsNotLiveAndLoadsTheCheckScriptLast) {
  auto worker = zeek_node("worker-1", config::NodeType::kWorker, "eth0");
  worker.aux_scripts = {"mytest"};
  EXPECT_THAT(zeek_check_args(zeek_options("SaveTraces = 1\nBroArgs = -C\n"), worker, kZeek6),
              ElementsAre("-U", ".status", "-p", "zeekctl", "-p", "local", "-p", "worker-1",
                          "local.zeek", "brocluster", "base/frameworks/cluster", "brocluster/auto",
                          "mytest", "-C", "brocluster/check"));
}

TEST(ZeekCheckArgs, StandaloneOnZeek82KeepsItsPrefixAndBackend) {
  const auto bro = zeek_node("zeek", config::NodeType::kStandalone, "eth1");
  EXPECT_THAT(
      zeek_check_args(zeek_options(), bro, kZeek82),
      ElementsAre("-U", ".status", "-p", "zeekctl", "-p", "standalone", "-p", "local", "-p", "zeek",
                  "policy/frameworks/cluster/backend/zeromq", "local.zeek", "brocluster",
                  "brocluster/standalone", "brocluster/auto", "brocluster/check"));
}

TEST(ZeekArgs, ManagerWithoutInterfaceGetsNoCaptureOptions) {
  const auto manager = zeek_node("manager", config::NodeType::kManager);
  EXPECT_THAT(
      zeek_args(zeek_options("SaveTraces = 1\nClusterBackend = Broker\n"), manager, kZeek82),
      ElementsAre("-U", ".status", "-p", "zeekctl", "-p", "zeekctl-live", "-p", "local", "-p",
                  "manager", "policy/frameworks/cluster/backend/broker", "local.zeek", "brocluster",
                  "brocluster/auto"));
}

ZeekBinary zeek_binary() {
  return ZeekBinary{"/opt/zeek/bin/zeek", zeek_share_dir("/opt/zeek/bin/zeek"), kZeek6};
}

ZeekInstall zeek_snapshot() {
  return ZeekInstall{"/s/installed/current/site/1:/s/installed/current/site/2",
                     "/s/installed/current/auto", "/s/installed/current/policy/zeek"};
}

TEST(ZeekPath, AsSetZeekPathBuildsItWithInstalledPolicies) {
  EXPECT_EQ(zeek_share_dir("/opt/zeek/bin/zeek"), "/opt/zeek/share/zeek");
  EXPECT_EQ(zeek_path(zeek_snapshot(), "/opt/zeek/share/zeek"),
            "/s/installed/current/site/1:/s/installed/current/site/2:/s/installed/current/auto:"
            "/s/installed/current/policy/zeek:/opt/zeek/share/zeek:/opt/zeek/share/zeek/policy:"
            "/opt/zeek/share/zeek/site:/opt/zeek/share/zeek/builtin-plugins");
  config::Diagnostics d;
  const auto options = config::parse_cluster_config("SitePolicyPath = /a:/b\n", "cluster.cfg",
                                                    {{"BroBase", "/bro"}}, d);
  const ZeekInstall install = zeek_install("/s/installed/current", options);
  EXPECT_EQ(install.site_path, "/a:/b");
  EXPECT_EQ(install.auto_dir, "/s/installed/current/auto");
}

TEST(ZeekEnvironment, ManagerGetsClusterNodeAndEnvVarsWinLast) {
  auto manager = zeek_node("manager", config::NodeType::kManager);
  manager.env_vars = {{"TZ", "UTC"}, {"ZEEK_DNS_FAKE", "1"}};
  const std::string zeekpath = zeek_path(zeek_snapshot(), "/opt/zeek/share/zeek");
  EXPECT_THAT(
      zeek_environment({"PATH=/usr/bin:/bin", "HOME=/root", "TZ=CET"}, manager, "/s/manager",
                       zeek_binary(), zeek_snapshot()),
      ElementsAreArray(std::vector<std::string>{
          "PATH=/opt/zeek/bin:/usr/bin:/bin", "HOME=/root", "TZ=UTC", "ZEEKPATH=" + zeekpath,
          "CLUSTER_NODE=manager", "CLUSTER_SPOOL=/s/manager", std::string("ZEEK_DNS_FAKE=1")}));
}

TEST(ZeekEnvironment, StandaloneHasNoClusterNode) {
  const auto bro = zeek_node("zeek", config::NodeType::kStandalone);
  const auto env = zeek_environment({"PATH=/bin"}, bro, "/s/zeek", zeek_binary(), zeek_snapshot());
  EXPECT_THAT(env,
              ElementsAreArray({std::string("PATH=/opt/zeek/bin:/bin"),
                                "ZEEKPATH=" + zeek_path(zeek_snapshot(), "/opt/zeek/share/zeek"),
                                std::string("CLUSTER_SPOOL=/s/zeek")}));
}

TEST(ZeekVersion, ParsesZeeksOwnAnswer) {
  EXPECT_EQ(parse_zeek_version("zeek version 6.0.3\n"), (ZeekVersion{6, 0, 3}));
  EXPECT_EQ(parse_zeek_version("zeek version 8.1.0-dev.42\n"), (ZeekVersion{8, 1, 0}));
  EXPECT_EQ(parse_zeek_version("/usr/local/zeek/bin/zeek version 7.0\n"), (ZeekVersion{7, 0, 0}));
  EXPECT_EQ(parse_zeek_version("usage: zeek [options]\n"), std::nullopt);
  EXPECT_EQ(parse_zeek_version("zeek version x.1"), std::nullopt);
  EXPECT_LT((ZeekVersion{8, 1, 9}), kZeek82);
  EXPECT_EQ(to_string(kZeek6), "6.0.3");
}

TEST(ZeekStatusFile, FirstWordDecidesAndTornOrEmptyIsNoNews) {
  EXPECT_EQ(parse_zeek_status("RUNNING [run_loop]\n").state, ZeekState::kRunning);
  EXPECT_EQ(parse_zeek_status("INITIALIZING [main]\n").state, ZeekState::kInitializing);
  EXPECT_EQ(parse_zeek_status("TERMINATING [sig_handler]\n").state, ZeekState::kTerminating);
  const ZeekStatus done = parse_zeek_status("TERMINATED [fatal_error]\n");
  EXPECT_EQ(done.state, ZeekState::kTerminated);
  EXPECT_EQ(done.line, "TERMINATED [fatal_error]");
  EXPECT_EQ(parse_zeek_status("").state, ZeekState::kNone);
  EXPECT_EQ(parse_zeek_status("RUNN").state, ZeekState::kNone);  // still being written
  EXPECT_EQ(parse_zeek_status("BOGUS\n").state, ZeekState::kNone);
  test::TempDir tmp;
  auto dir = open_dir_nofollow(tmp.path(), "");
  ASSERT_TRUE(dir.is_ok()) << dir.status().message();
  EXPECT_EQ(read_zeek_status(*dir).state, ZeekState::kNone);  // missing
  ASSERT_TRUE(write_file_in_place(tmp.path() + "/.status", "RUNNING [run_loop]\n").is_ok());
  EXPECT_EQ(read_zeek_status(*dir).state, ZeekState::kRunning);
}

}  // namespace
}  // namespace bc::sup
