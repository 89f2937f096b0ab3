#include "config/cluster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/version.h"
#include "test_util.h"

namespace bc::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::fake_resolver;
using testing_util::ScratchDir;

constexpr const char* kNodeCfg =
    "[worker-10]\ntype=worker\nhost=host3\n"
    "[worker-2]\ntype=worker\nhost=host2\n"
    "[proxy-1]\ntype=proxy\nhost=host1\n"
    "[manager]\ntype=manager\nhost=host1\n";

struct Loaded {
  Cluster cluster;
  std::string diags;
  bool errors = false;
};

Loaded load(const ScratchDir& dir, std::string cfg_override = {}) {
  LoadOptions options;
  options.base_dir = dir.path();
  options.cluster_cfg_path = std::move(cfg_override);
  options.resolver = fake_resolver();
  Diagnostics d;
  Loaded l;
  l.cluster = load_cluster(options, d);
  l.diags = d.render_all();
  l.errors = d.has_errors();
  return l;
}

std::vector<std::string> names(const Cluster& c) {
  std::vector<std::string> out;
  for (const NodeSpec& n : c.nodes)
    out.push_back(n.name);
  return out;
}

TEST(LoadCluster, ReadsEveryFileFromCfgDir) {
  ScratchDir dir;
  dir.write("etc/cluster.cfg", "MailTo = ops@example.org\nenv_vars = TZ=UTC\n");
  dir.write("etc/node.cfg", kNodeCfg);
  dir.write("etc/networks.cfg", "10.0.0.0/8 private\n");
  dir.write("etc/analysis.dat", "scan 0 Scan detection (scan.bro)\n");
  const Loaded l = load(dir);
  EXPECT_EQ(l.diags, "");
  const Cluster& c = l.cluster;
  EXPECT_EQ(c.options.get("BroBase"), dir.path());
  EXPECT_EQ(c.options.get("ClusterCfg"), dir.path() + "/etc/cluster.cfg");
  EXPECT_EQ(c.options.get("SpoolDir"), dir.path() + "/spool");
  EXPECT_EQ(c.options.get("MailTo"), "ops@example.org");
  EXPECT_EQ(c.options.get("Version"), kVersion);
  EXPECT_EQ(c.options.get("OS"), "Linux");
  EXPECT_THAT(names(c), ElementsAre("manager", "proxy-1", "worker-2", "worker-10"));
  EXPECT_EQ(c.nodes[2].env_vars, (EnvVars{{"TZ", "UTC"}}));
  ASSERT_EQ(c.networks.size(), 1u);
  EXPECT_EQ(c.networks[0].tag, "private");
  ASSERT_EQ(c.analysis.size(), 8u);
  EXPECT_FALSE(c.analysis[6].enabled);
}

// A node's configuration comes from the installed snapshot, never from the files being
// edited in etc/; the host's own paths still follow its BroBase.
TEST(LoadCluster, InstalledSnapshotSuppliesFilesScriptsAndProgram) {
  ScratchDir dir;
  dir.write("etc/cluster.cfg", "MailTo = edited@example.org\n");
  dir.write("etc/node.cfg", "[standalone]\ntype=standalone\nhost=host1\n");
  const std::string snap = dir.path() + "/spool/installed/v1";
  dir.write("spool/installed/v1/etc/cluster.cfg",
            "MailTo = installed@example.org\nNodeProgram = /opt/x/mynode\n");
  dir.write("spool/installed/v1/etc/node.cfg", kNodeCfg);
  dir.write("spool/installed/v1/etc/analysis.dat", "scan 0 Scan detection (scan.bro)\n");
  dir.write("spool/installed/v1/site/1/local.bro", "");
  dir.write("spool/installed/v1/site/2/extra.bro", "");
  dir.write("spool/installed/v1/bin/mynode", "#!/bin/sh\n");
  LoadOptions options;
  options.base_dir = dir.path();
  options.install_dir = snap;
  options.resolver = fake_resolver();
  Diagnostics d;
  const Cluster c = load_cluster(options, d);
  EXPECT_EQ(d.render_all(), "");
  EXPECT_EQ(c.options.get("MailTo"), "installed@example.org");
  EXPECT_THAT(names(c), ElementsAre("manager", "proxy-1", "worker-2", "worker-10"));
  EXPECT_FALSE(c.analysis[6].enabled);
  EXPECT_EQ(c.options.get("SpoolDir"), dir.path() + "/spool");
  EXPECT_EQ(c.options.get("PolicyDir"), snap + "/policy");
  EXPECT_EQ(c.options.get("SitePolicyPath"), snap + "/site/1:" + snap + "/site/2");
  EXPECT_EQ(c.options.get("NodeProgram"), snap + "/bin/mynode");
  EXPECT_EQ(c.options.get("AnalysisCfg"), snap + "/etc/analysis.dat");
}

TEST(LoadCluster, DerivedOptionsForACluster) {
  ScratchDir dir;
  dir.write("etc/cluster.cfg", "");
  dir.write("etc/node.cfg", kNodeCfg);
  const Loaded l = load(dir);
  EXPECT_EQ(l.diags, "");
  EXPECT_FALSE(l.cluster.standalone());
  EXPECT_FALSE(l.cluster.options.get_bool("StandAlone"));
  EXPECT_EQ(l.cluster.options.get("BrokerHost"), "host1");
  EXPECT_EQ(l.cluster.options.get("BindAddress"), "");  // each host binds its own address
  EXPECT_THAT(l.cluster.hosts(), ElementsAre("host1", "host2", "host3"));
}

TEST(LoadCluster, StandaloneSetsStandAloneAndLoopbackBinding) {
  ScratchDir dir;
  dir.write("etc/cluster.cfg", "BrokerHost = 127.0.0.1\n");
  dir.write("etc/node.cfg", "[bro]\ntype=standalone\nhost=localhost\ninterface=lo\n");
  const Loaded l = load(dir);
  EXPECT_EQ(l.diags, "");
  EXPECT_TRUE(l.cluster.standalone());
  EXPECT_TRUE(l.cluster.options.get_bool("StandAlone"));
  EXPECT_EQ(l.cluster.options.get("BindAddress"), "");          // binds localhost's address
  EXPECT_EQ(l.cluster.options.get("BrokerHost"), "127.0.0.1");  // explicit value kept
  EXPECT_EQ(l.cluster.nodes.at(0).address, "127.0.0.1");
}

TEST(LoadCluster, StandAloneContradictingNodeCfgWarns) {
  ScratchDir dir;
  dir.write("etc/cluster.cfg", "StandAlone = 1\n");
  dir.write("etc/node.cfg", kNodeCfg);
  const Loaded l = load(dir);
  EXPECT_FALSE(l.errors);
  EXPECT_THAT(l.diags, HasSubstr("Warning: " + dir.path() +
                                 "/etc/cluster.cfg: option "
                                 "'StandAlone' is derived from node.cfg"));
  EXPECT_FALSE(l.cluster.options.get_bool("StandAlone"));
}

TEST(LoadCluster, MissingClusterCfgIsAnErrorNamingThePath) {
  ScratchDir dir;
  dir.write("etc/node.cfg", kNodeCfg);
  const Loaded l = load(dir);
  EXPECT_EQ(l.diags,
            "Error: " + dir.path() + "/etc/cluster.cfg: cannot read: No such file or directory\n");
  EXPECT_EQ(l.cluster.nodes.size(), 4u);  // the rest is still loaded
}

TEST(LoadCluster, MissingNodeCfgIsAnError) {
  ScratchDir dir;
  dir.write("etc/cluster.cfg", "");
  const Loaded l = load(dir);
  EXPECT_EQ(l.diags,
            "Error: " + dir.path() + "/etc/node.cfg: cannot read: No such file or directory\n");
  EXPECT_TRUE(l.cluster.nodes.empty());
}

TEST(LoadCluster, MissingNetworksAndAnalysisUseDefaults) {
  ScratchDir dir;
  dir.write("etc/cluster.cfg", "");
  dir.write("etc/node.cfg", kNodeCfg);
  const Loaded l = load(dir);
  EXPECT_EQ(l.diags, "");
  EXPECT_TRUE(l.cluster.networks.empty());
  ASSERT_EQ(l.cluster.analysis.size(), 8u);
}

TEST(LoadCluster, UnreadableOptionalFileIsAnError) {
  ScratchDir dir;
  dir.write("etc/cluster.cfg", "");
  dir.write("etc/node.cfg", kNodeCfg);
  dir.write("etc/networks.cfg/x", "");  // a directory where the file should be
  const Loaded l = load(dir);
  EXPECT_THAT(l.diags, HasSubstr("Error: " + dir.path() +
                                 "/etc/networks.cfg: cannot read: Is a "
                                 "directory"));
}

TEST(LoadCluster, FileLocationsFollowResolvedOptions) {
  ScratchDir dir;
  dir.write("etc/cluster.cfg",
            "NodeCfg = ${CfgDir}/nodes.cfg\nLocalNetsCfg = " + dir.path() + "/nets\n");
  dir.write("etc/nodes.cfg", kNodeCfg);
  dir.write("nets", "192.168.0.0/16\n");
  const Loaded l = load(dir);
  EXPECT_EQ(l.diags, "");
  EXPECT_EQ(l.cluster.nodes.size(), 4u);
  EXPECT_EQ(l.cluster.networks.size(), 1u);
}

TEST(LoadCluster, ClusterCfgOverrideAndBroBaseFromTheFile) {
  ScratchDir dir;
  dir.write("other/my.cfg", "BroBase = " + dir.path() + "/other\n");
  dir.write("other/etc/node.cfg", kNodeCfg);
  const Loaded l = load(dir, dir.path() + "/other/my.cfg");
  EXPECT_EQ(l.diags, "");
  EXPECT_EQ(l.cluster.options.get("ClusterCfg"), dir.path() + "/other/my.cfg");
  EXPECT_EQ(l.cluster.options.get("BroBase"), dir.path() + "/other");
  EXPECT_EQ(l.cluster.nodes.size(), 4u);
}

TEST(LoadCluster, DiagnosticsFromEveryFileAndTopology) {
  ScratchDir dir;
  dir.write("etc/cluster.cfg", "Debug = perhaps\n");
  dir.write("etc/node.cfg", "[m]\ntype=manager\nhost=host1\n[w]\ntype=wroker\nhost=host2\n");
  dir.write("etc/networks.cfg", "10.0.0.1\n");
  dir.write("etc/analysis.dat", "dns 2\n");
  const Loaded l = load(dir);
  const std::string etc = dir.path() + "/etc/";
  EXPECT_THAT(l.diags, HasSubstr("Error: " + etc + "cluster.cfg:1: option 'Debug'"));
  EXPECT_THAT(l.diags, HasSubstr("Error: " + etc + "node.cfg:5: node 'w': unknown type"));
  EXPECT_THAT(l.diags, HasSubstr("Error: " + etc + "node.cfg: no proxy node"));
  EXPECT_THAT(l.diags, HasSubstr("Error: " + etc + "networks.cfg:1: '10.0.0.1' has no prefix"));
  EXPECT_THAT(l.diags, HasSubstr("Error: " + etc + "analysis.dat:1: invalid flag '2'"));
  EXPECT_THAT(names(l.cluster), ElementsAre("m"));
}

TEST(ClusterAccess, FindIsCaseInsensitive) {
  Cluster c;
  c.nodes.resize(2);
  c.nodes[0].name = "manager";
  c.nodes[1].name = "Worker-1";
  ASSERT_NE(c.find("worker-1"), nullptr);
  EXPECT_EQ(c.find("WORKER-1")->name, "Worker-1");
  EXPECT_EQ(c.find("nope"), nullptr);
}

TEST(ClusterAccess, HostsAreDistinctInNodeOrder) {
  Cluster c;
  c.nodes.resize(4);
  c.nodes[0].host = "b";
  c.nodes[1].host = "a";
  c.nodes[2].host = "B";
  c.nodes[3].host = "a";
  EXPECT_THAT(c.hosts(), ElementsAre("b", "a"));
}

// The shipped etc/ files form a valid standalone cluster on this machine.
TEST(SampleConfig, ShippedEtcFilesLoadCleanly) {
  LoadOptions options;
  options.base_dir = testing_util::source_dir();
  Diagnostics d;
  const Cluster c = load_cluster(options, d);  // the system resolver: localhost must resolve
  EXPECT_EQ(d.render_all(), "");
  EXPECT_TRUE(c.standalone());
  ASSERT_EQ(c.nodes.size(), 1u);
  EXPECT_EQ(c.nodes[0].name, "bro");
  EXPECT_EQ(c.nodes[0].address, "127.0.0.1");
  EXPECT_EQ(c.nodes[0].interface, "lo");
  EXPECT_EQ(c.analysis.size(), 8u);
  EXPECT_THAT(d.render_all(), Not(HasSubstr("Warning")));
}

}  // namespace
}  // namespace bc::config
