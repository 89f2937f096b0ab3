// A zeekctl site switching (issue 17, point 5): the real `brocluster import-zeekctl` on a
// zeekctl etc tree the test writes, then `check` and `nodes` on the result; and a zeekctl
// node.cfg copied in by hand. Zeek is the fake of tests/fake_zeek, installed where
// zeekctl's prefix has its binary.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/json_reader.h"
#include "tests/support/processes.h"
#include "tests/support/run_process.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// A zeekctl site as zeekctl's own etc/ files look after a few years of use.
const char* const kZeekctlCfg =
    "## Global ZeekControl configuration file.\n"
    "MailTo = ops@example.org\n"
    "MailConnectionSummary = 1\n"
    "MinDiskSpace = 5\n"
    "LogRotationInterval = 3600\n"
    "LogExpireInterval = 30 day\n"
    "StatsLogEnable = 1\n"
    "SitePolicyScripts = local.zeek\n"
    "LogDir = ${ZeekBase}/logs\n"
    "SpoolDir = ${ZeekBase}/spool\n"
    "MemLimit = unlimited\n"
    "SendMail =\n"
    "HaveNFS = 1\n"
    "PFRINGClusterID = 30\n";

const char* const kClusterNodeCfg =
    "# Example ZeekControl node configuration.\n"
    "[logger-1]\ntype=logger\nhost=localhost\n\n"
    "[manager]\ntype=manager\nhost=localhost\n\n"
    "[proxy-1]\ntype=proxy\nhost=localhost\n\n"
    "[worker-1]\ntype=worker\nhost=localhost\ninterface=eth0\nlb_method=pf_ring\n"
    "lb_procs=2\npin_cpus=2,3\n\n"
    "[worker-2]\ntype=worker\nhost=localhost\ninterface=eth1\nlb_method=af_packet\n"
    "lb_procs=2\nenv_vars=ZEEK_DNS_FAKE=1\naux_scripts=extra.zeek\n";

const char* const kNetworksCfg =
    "# List of local networks in CIDR notation, optionally followed by a descriptive tag.\n"
    "10.0.0.0/8          Private IP space\n"
    "192.168.0.0/16      Private IP space\n";

class ZeekImport : public ::testing::Test {
 protected:
  void SetUp() override {
    // zeekctl's prefix: bin/zeek (the fake), share/zeek/site/local.zeek, etc/.
    fs::create_directories(zeek_ / "bin");
    fs::copy_file(build_path("tests/fake_zeek/brocluster-fake-zeek"), zeek_ / "bin/zeek");
    fs::permissions(zeek_ / "bin/zeek", fs::perms::owner_all);
    zeek_.write("fake-zeek.cfg", "* version=7.2.0\n");
    zeek_.write("share/zeek/site/local.zeek", "@load misc/loaded-scripts\n");
    zeek_.write("share/zeek/site/extra.zeek", "# extra\n");
    zeek_.write("etc/zeekctl.cfg", kZeekctlCfg);
    // Our Zeek script package where an install of BroCluster puts it (PolicyDir), for the
    // `zeek -a` of check.
    fs::create_directories(base_.path() + "/policy");
    fs::copy(source_path("policy/zeek"), base_.path() + "/policy/zeek",
             fs::copy_options::recursive);
    zeek_.write("etc/networks.cfg", kNetworksCfg);
  }

  ProcessResult run(const std::vector<std::string>& args) {
    return run_shell(base_.path(), args, std::chrono::seconds(60));
  }

  ProcessResult import(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"import-zeekctl", zeek_ / "etc"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }

  // `check` finds nothing wrong with the configuration itself: no error or warning about
  // its files, and every node checked. (Whether Zeek accepts the scripts is check's
  // `zeek -a`, another part of issue 17.)
  void expect_check_accepts(const std::vector<std::string>& nodes) {
    const ProcessResult r = run({"check"});
    // Zeek's own check (`zeek -a`, the fake here) accepts the imported site.
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, Not(HasSubstr("configuration failed"))) << r.out << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr(base_.path() + "/etc/"))) << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("Warning"))) << r.err;
    // One `zeek -a` per node type, each naming the node it ran as.
    EXPECT_THAT(r.out, HasSubstr("scripts are ok (zeek -a, as ")) << r.out;
    EXPECT_THAT(r.out, Not(HasSubstr("failed"))) << r.out;
    EXPECT_THAT(r.out, HasSubstr(", as " + nodes.front() + ")")) << r.out;
  }

  TempDir zeek_{"zeekctl-site."};
  TempDir base_;
};

TEST_F(ZeekImport, StandaloneSiteImportsAndCheckAndNodesAcceptIt) {
  zeek_.write("etc/node.cfg", "[zeek]\ntype=standalone\nhost=localhost\ninterface=eth0\n");
  const ProcessResult r = import();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported " + zeek_.path() + "/etc into " + base_.path() + "/etc/"));
  EXPECT_THAT(r.out, HasSubstr("ZeekPath = " + zeek_.path() + "/bin/zeek"));
  EXPECT_THAT(r.out, HasSubstr("SitePolicyPath = " + zeek_.path() + "/share/zeek/site"));
  EXPECT_THAT(r.out, HasSubstr("LogExpireInterval = 30  <- zeekctl.cfg:6 LogExpireInterval"));
  EXPECT_THAT(r.out, HasSubstr(zeek_.path() + "/etc/zeekctl.cfg:13: HaveNFS = 1 -- "));
  EXPECT_THAT(r.out, HasSubstr(zeek_.path() + "/etc/zeekctl.cfg:10: SpoolDir = ${ZeekBase}/spool "
                                              "-- BroCluster keeps its own spool"));
  const ProcessResult config = run({"config"});
  ASSERT_EQ(config.exit_code, 0) << config.err;
  EXPECT_THAT(config.out, HasSubstr("NodeProfile = zeek\n"));
  EXPECT_THAT(config.out, HasSubstr("LogDir = " + zeek_.path() + "/logs\n"));
  EXPECT_THAT(config.out, HasSubstr("SpoolDir = " + base_.path() + "/spool\n"));
  EXPECT_THAT(config.out, HasSubstr("SendMail = 0\n"));
  const ProcessResult nodes = run({"nodes"});
  ASSERT_EQ(nodes.exit_code, 0) << nodes.err;
  EXPECT_EQ(nodes.err, "");
  EXPECT_THAT(nodes.out, HasSubstr("zeek - type=standalone host=localhost address=127.0.0.1 "
                                   "interface=eth0 profile=zeek"));
  expect_check_accepts({"zeek"});
}

TEST_F(ZeekImport, ClusterWithLbProcsWorkersImportsAndCheckAndNodesAcceptIt) {
  zeek_.write("etc/node.cfg", kClusterNodeCfg);
  const ProcessResult r = import();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("PFRINGClusterID = 30 -- used by the import"));
  const ProcessResult nodes = run({"nodes"});
  ASSERT_EQ(nodes.exit_code, 0) << nodes.err;
  EXPECT_EQ(nodes.err, "");
  for (const char* name :
       {"logger-1", "manager", "proxy-1", "worker-1-1", "worker-1-2", "worker-2-1", "worker-2-2"}) {
    EXPECT_THAT(nodes.out, HasSubstr(std::string(name) + " - type=")) << name;
  }
  EXPECT_THAT(nodes.out, HasSubstr("worker-1-2 - type=worker host=localhost address=127.0.0.1 "
                                   "interface=eth0 lb_group=worker-1 lb_index=2 lb_procs=2 "
                                   "lb_method=pf_ring pin_cpus=3 env_vars=\""
                                   "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_4_TUPLE=1, "
                                   "PCAP_PF_RING_CLUSTER_ID=30, PCAP_PF_RING_APPNAME=zeek-eth0\" "
                                   "profile=zeek"));
  EXPECT_THAT(nodes.out, HasSubstr("worker-2-1 - type=worker host=localhost address=127.0.0.1 "
                                   "interface=af_packet::eth1 aux_scripts=extra.zeek"));
  EXPECT_THAT(file_text(base_ / "etc/networks.cfg"), HasSubstr(kNetworksCfg));
  expect_check_accepts({"logger-1", "manager", "proxy-1", "worker-1-1", "worker-2-2"});
}

TEST_F(ZeekImport, ExistingEtcIsKeptWithoutForceAndReplacedWithIt) {
  zeek_.write("etc/node.cfg", "[zeek]\ntype=standalone\nhost=localhost\n");
  base_.write("etc/node.cfg", "[mine]\ntype=standalone\nhost=localhost\n");
  const ProcessResult refused = import();
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("Error: " + base_.path() +
                                     "/etc/node.cfg exists; import-zeekctl replaces it only with "
                                     "--force"));
  EXPECT_EQ(file_text(base_ / "etc/node.cfg"), "[mine]\ntype=standalone\nhost=localhost\n");
  EXPECT_FALSE(fs::exists(base_ / "etc/cluster.cfg"));
  const ProcessResult forced = import({"--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_THAT(file_text(base_ / "etc/node.cfg"), HasSubstr("[zeek]\n"));
  EXPECT_THAT(file_text(base_ / "etc/cluster.cfg"), HasSubstr("NodeProfile = zeek\n"));
}

TEST_F(ZeekImport, BadZeekctlLinesAreReportedWithFileAndLineAndNothingIsWritten) {
  zeek_.write("etc/zeekctl.cfg", "MailTo = ops@example.org\nStopTimeout = later\nno equals here\n");
  zeek_.write("etc/node.cfg", "[zeek]\ntype=standalone\nhost=localhost\nlb_procs=x\n");
  const ProcessResult r = import();
  EXPECT_EQ(r.exit_code, 1);
  const std::string dir = zeek_.path() + "/etc/";
  EXPECT_THAT(r.err, HasSubstr("Error: " + dir +
                               "zeekctl.cfg:2: StopTimeout: invalid value 'later' for an integer"));
  EXPECT_THAT(r.err, HasSubstr("Error: " + dir +
                               "zeekctl.cfg:3: expected 'Option = value', got 'no equals here'"));
  EXPECT_THAT(r.err, HasSubstr("Error: " + dir + "node.cfg:4: node 'zeek': invalid lb_procs 'x'"));
  EXPECT_THAT(r.err, HasSubstr("nothing written"));
  EXPECT_FALSE(fs::exists(base_ / "etc/cluster.cfg"));
  EXPECT_FALSE(fs::exists(base_ / "etc/node.cfg"));
}

TEST_F(ZeekImport, JsonIsOneDocumentWithWhatHasNoEquivalent) {
  zeek_.write("etc/node.cfg", "[zeek]\ntype=standalone\nhost=localhost\n");
  const ProcessResult r = run({"--json", "import-zeekctl", zeek_ / "etc"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc.has_value()) << r.out;
  EXPECT_TRUE((*doc)["ok"].boolean());
  EXPECT_EQ((*doc)["written"].size(), 3u);
  bool found = false;
  for (const Json& n : (*doc)["not_carried"].array()) {
    if (n["name"].str() == "HaveNFS") {
      found = true;
      EXPECT_EQ(n["line"].integer(), 13);
      EXPECT_THAT(n["reason"].str(), HasSubstr("never copies the Zeek binary"));
    }
  }
  EXPECT_TRUE(found) << r.out;
  const ProcessResult bad = run({"--json", "import-zeekctl", zeek_ / "etc"});
  EXPECT_EQ(bad.exit_code, 1);
  const auto error = Json::parse(bad.out);
  ASSERT_TRUE(error.has_value()) << bad.out;
  EXPECT_THAT((*error)["error"]["message"].str(), HasSubstr("cluster.cfg exists"));
}

// Issue 17, point 5: a zeekctl node.cfg copied in by hand works with NodeProfile = zeek.
TEST_F(ZeekImport, ZeekctlNodeCfgCopiedByHandIsAccepted) {
  const std::string node_cfg = std::string(kClusterNodeCfg) +
                               "\n[worker-3]\ntype=worker\nhost=localhost\nlb_method=interfaces\n"
                               "lb_procs=2\nlb_interfaces=eth5,eth6\nzone_id=eth0\n";
  base_.write("etc/node.cfg", node_cfg);
  base_.write("etc/cluster.cfg", "NodeProfile = zeek\nZeekPath = " + zeek_.path() +
                                     "/bin/zeek\nSitePolicyPath = " + zeek_.path() +
                                     "/share/zeek/site\nSendMail = 0\n");
  const ProcessResult nodes = run({"nodes"});
  ASSERT_EQ(nodes.exit_code, 0) << nodes.err;
  EXPECT_EQ(nodes.err, "");
  EXPECT_THAT(nodes.out, HasSubstr("worker-1-1 - type=worker host=localhost address=127.0.0.1 "
                                   "interface=eth0 lb_group=worker-1 lb_index=1 lb_procs=2 "
                                   "lb_method=pf_ring pin_cpus=2 profile=zeek"));
  EXPECT_THAT(nodes.out, HasSubstr("env_vars=ZEEK_DNS_FAKE=1 profile=zeek"));
  // lb_interfaces: zeekctl gives <name>-1 the last interface.
  EXPECT_THAT(nodes.out, HasSubstr("worker-3-1 - type=worker host=localhost address=127.0.0.1 "
                                   "interface=eth6"));
  EXPECT_THAT(nodes.out, HasSubstr("lb_method=interfaces zone_id=eth0 profile=zeek"));
  expect_check_accepts({"manager", "worker-1-1", "worker-3-2"});
}

}  // namespace
}  // namespace bc::test
