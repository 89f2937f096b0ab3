// import-zeekctl's work on texts: zeekctl's options mapped to ours or listed with a reason,
// zeekctl's node.cfg carried with its lb_method plugins' effects, errors at the zeekctl
// file and line (config/zeekctl_import.h).

#include "config/zeekctl_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "config/cluster_config.h"
#include "config/zeekctl_options.h"
#include "test_util.h"

namespace bc::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::fake_resolver;

constexpr std::string_view kStandalone =
    "[zeek]\ntype=standalone\nhost=localhost\ninterface=eth0\n";

struct Imported {
  ZeekctlImport result;
  std::string diags;
  bool errors = false;
  ClusterConfig options;  // our cluster.cfg as our parser reads it
};

Imported run(std::string cfg, std::string nodes = std::string(kStandalone),
             std::optional<std::string> networks = std::string("10.0.0.0/8 lan\n")) {
  ZeekctlSource source;
  source.dir = "/opt/zeek/etc";
  source.zeekctl_cfg = std::move(cfg);
  source.node_cfg = std::move(nodes);
  source.networks_cfg = std::move(networks);
  source.hostname = "box";
  source.resolver = fake_resolver();
  source.base_dir = "/srv/bc";
  Diagnostics d;
  Imported out;
  out.result = import_zeekctl(source, d);
  out.diags = d.render_all();
  out.errors = d.has_errors();
  Diagnostics ignored;
  out.options = parse_cluster_config(out.result.cluster_cfg, "cluster.cfg",
                                     {{"BroBase", "/srv/bc"}}, ignored);
  return out;
}

const NotCarried* not_carried(const Imported& i, std::string_view name) {
  for (const NotCarried& n : i.result.not_carried) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

TEST(ZeekctlOptions, EveryOptionIsMappedOrHasAReason) {
  for (const ZeekctlOption& o : zeekctl_options()) {
    EXPECT_TRUE(!o.ours.empty() || !o.note.empty()) << o.name;
    if (!o.ours.empty() && o.name != "SendMail") {
      EXPECT_NE(find_option(o.ours), nullptr) << o.name << " -> " << o.ours;
    }
  }
  EXPECT_EQ(find_zeekctl_option("zeekargs")->ours, "BroArgs");
  EXPECT_EQ(find_zeekctl_legacy("BroPort")->name, "ZeekPort");
  EXPECT_EQ(find_zeekctl_option("BroPort"), nullptr);
}

// docs/ZEEK.md's "Options side by side" has a row for each.
TEST(ZeekctlOptions, EveryOptionHasItsRowInZeekMd) {
  std::ifstream in(testing_util::source_dir() + "/docs/ZEEK.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(doc.empty());
  for (const ZeekctlOption& o : zeekctl_options()) {
    const std::string ours = o.ours.empty() ? "—" : "`" + std::string(o.ours) + "`";
    EXPECT_THAT(doc,
                HasSubstr("| `" + std::string(o.name) + "` | " +
                          (o.name == "SendMail" ? "`SendMailCommand` / `SendMail`" : ours) + " |"));
  }
}

TEST(ZeekctlImport, CarriesOptionsConvertedAndZeekctlsDefaultsWhereOursDiffer) {
  const Imported i =
      run("# comment\n"
          "MailTo = ops@example.org\n"
          "zeekargs = -f tcp\n"
          "MemLimit = 1000000\n"
          "LogExpireInterval = 36 hr\n"
          "SaveTraces = true\n"
          "env_vars = A=1, B=2\n"
          "SendMail =\n"
          "StopTimeout = 30\n");
  EXPECT_FALSE(i.errors) << i.diags;
  EXPECT_EQ(i.options.get("NodeProfile"), "zeek");
  EXPECT_EQ(i.options.get("MailTo"), "ops@example.org");
  EXPECT_EQ(i.options.get("BroArgs"), "-f tcp");
  EXPECT_EQ(i.options.get("MemLimit"), "977");         // KiB -> MiB, rounded up
  EXPECT_EQ(i.options.get("LogExpireInterval"), "2");  // 36 h -> whole days, rounded up
  EXPECT_EQ(i.options.get("SaveTraces"), "1");
  EXPECT_EQ(i.options.get("env_vars"), "A=1, B=2");
  EXPECT_EQ(i.options.get("SendMail"), "0");
  EXPECT_EQ(i.options.get("StopTimeout"), "30");
  // Not set in the file, but zeekctl's default differs from ours.
  EXPECT_EQ(i.options.get("LogRotationInterval"), "3600");
  EXPECT_EQ(i.options.get("MailSubjectPrefix"), "[Zeek]");
  EXPECT_EQ(i.options.get("MailFrom"), "Zeek <zeek@box>");
  EXPECT_EQ(i.options.get("CommTimeout"), "10");
  // zeekctl's prefix is the etc dir's parent: Zeek's binary and site scripts are there.
  EXPECT_EQ(i.result.zeek_base, "/opt/zeek");
  EXPECT_EQ(i.options.get("ZeekPath"), "/opt/zeek/bin/zeek");
  EXPECT_EQ(i.options.get("SitePolicyPath"), "/opt/zeek/share/zeek/site");
  EXPECT_EQ(i.options.get("LogDir"), "/opt/zeek/logs");
  // Our spool stays ours (docs/DECISIONS.md).
  EXPECT_EQ(i.options.get("SpoolDir"), "/srv/bc/spool");
  EXPECT_THAT(i.result.cluster_cfg, HasSubstr("# zeekctl.cfg:3: ZeekArgs\nBroArgs = -f tcp\n"));
}

TEST(ZeekctlImport, OptionsWithoutEquivalentAreListedWithTheirReason) {
  const Imported i =
      run("HaveNFS = 1\nSpoolDir = /var/spool/zeek\nfrobnicate = 3\n"
          "lb_custom.InterfacePrefix = pfring:\nmyplugin.enabled = 1\n");
  EXPECT_FALSE(i.errors) << i.diags;
  ASSERT_NE(not_carried(i, "HaveNFS"), nullptr);
  EXPECT_EQ(not_carried(i, "HaveNFS")->line, 1);
  EXPECT_EQ(not_carried(i, "HaveNFS")->file, "/opt/zeek/etc/zeekctl.cfg");
  EXPECT_THAT(not_carried(i, "HaveNFS")->reason, HasSubstr("never copies the Zeek binary"));
  EXPECT_THAT(not_carried(i, "SpoolDir")->reason, HasSubstr("keeps its own spool"));
  EXPECT_THAT(not_carried(i, "frobnicate")->reason, HasSubstr("unknown to zeekctl"));
  EXPECT_THAT(not_carried(i, "myplugin.enabled")->reason, HasSubstr("zeekctl plugin 'myplugin'"));
  EXPECT_NE(not_carried(i, "lb_custom.interfaceprefix"), nullptr);
  EXPECT_EQ(i.options.get("SpoolDir"), "/srv/bc/spool");
  EXPECT_THAT(i.result.cluster_cfg,
              HasSubstr("#   zeekctl.cfg:1: HaveNFS = 1 -- BroCluster never copies"));
}

// zeekctl's subst(): ${Name} and ${Name:default}, case-insensitive, nested; an unknown
// name gives "" with a warning.
TEST(ZeekctlImport, SubstitutesReferencesAsZeekctlDoes) {
  const Imported i =
      run("ZeekBase = /usr/local/zeek\n"
          "LogDir = ${zeekbase}/archive\n"
          "SitePolicyPath = ${PolicyDir}/site:/etc/zeek/extra\n"
          "MailTo = ${Nobody:root}@example.org\n"
          "MailReplyTo = ${Nobody}x\n"
          "MailSubjectPrefix = [Zeek] #ops\n");
  EXPECT_FALSE(i.errors) << i.diags;
  EXPECT_EQ(i.options.get("LogDir"), "/usr/local/zeek/archive");
  EXPECT_EQ(i.options.get("SitePolicyPath"), "/usr/local/zeek/share/zeek/site:/etc/zeek/extra");
  EXPECT_EQ(i.options.get("ZeekPath"), "/usr/local/zeek/bin/zeek");
  EXPECT_EQ(i.options.get("MailTo"), "root@example.org");
  EXPECT_EQ(i.options.get("MailReplyTo"), "x");
  EXPECT_THAT(i.diags, HasSubstr("Warning: /opt/zeek/etc/zeekctl.cfg:5: MailReplyTo: ${nobody} is "
                                 "not a zeekctl option; replaced by nothing, as zeekctl does"));
  EXPECT_THAT(i.diags, HasSubstr("Warning: /opt/zeek/etc/zeekctl.cfg:6: MailSubjectPrefix: our "
                                 "cluster.cfg reads ' #' as the start of a comment"));
}

TEST(ZeekctlImport, BadZeekctlCfgLinesNameFileAndLine) {
  const Imported i =
      run("MailTo = a@b\n"
          "this line has no equals sign\n"
          "StopTimeout = soon\n"
          "BroArgs = -x\n"
          "MailFrom = \"Zeek <z@b>\"\n"
          "SendMail = @SENDMAIL@\n"
          "LogExpireInterval = 3 weeks\n"
          "LogDir = ${LogDir}/x\n");
  EXPECT_TRUE(i.errors);
  const std::string f = "Error: /opt/zeek/etc/zeekctl.cfg:";
  EXPECT_THAT(i.diags, HasSubstr(f + "2: expected 'Option = value', got 'this line has no equals "
                                     "sign'"));
  EXPECT_THAT(i.diags, HasSubstr(f + "3: StopTimeout: invalid value 'soon' for an integer"));
  EXPECT_THAT(i.diags, HasSubstr(f + "4: option 'BroArgs' is no longer supported by zeekctl; use "
                                     "'ZeekArgs'"));
  EXPECT_THAT(i.diags, HasSubstr(f + "5: the value of mailfrom is wrapped in quotes"));
  EXPECT_THAT(i.diags, HasSubstr(f + "6: '@SENDMAIL@' holds a placeholder of zeekctl's build"));
  EXPECT_THAT(i.diags, HasSubstr(f + "7: LogExpireInterval: invalid value '3 weeks'"));
  EXPECT_THAT(i.diags, HasSubstr(f + "8: LogDir: ${...} references form a loop"));
}

// Every key zeekctl's node.cfg knows is kept; the lb_method plugins' effects are written.
TEST(ZeekctlImport, NodeCfgKeepsZeekctlKeysAndWritesLbMethodEffects) {
  const Imported i =
      run("PFRINGClusterID = 40\nPFRINGClusterType = 5-tuple\n",
          "[manager]\ntype=manager\nhost=localhost\nzone_id=eth0\n"
          "[proxy-1]\ntype=proxy\nhost=localhost\n"
          "[w-b]\ntype=worker\nhost=localhost\ninterface=eth1\nlb_method=pf_ring\nlb_procs=2\n"
          "[w-a]\ntype=worker\nhost=localhost\ninterface=eth2\nlb_method=pf_ring\nlb_procs=2\n"
          "env_vars=PCAP_PF_RING_APPNAME=mine\n"
          "[w-c]\ntype=worker\nhost=localhost\ninterface=eth0\nlb_method=af_packet\nlb_procs=4\n"
          "pin_cpus=1,2\naux_scripts=x.zeek\naf_packet.fanout_mode=FANOUT_QM\n"
          "[w-d]\ntype=worker\nhost=localhost\ninterface=eth3\nlb_method=myricom\nlb_procs=3\n"
          "[w-e]\ntype=worker\nhost=localhost\nlb_method=interfaces\nlb_procs=2\n"
          "lb_interfaces=eth5,eth6\n");
  EXPECT_FALSE(i.errors) << i.diags;
  const std::string& n = i.result.node_cfg;
  EXPECT_THAT(n, HasSubstr("[manager]\ntype = manager\nhost = localhost\nzone_id = eth0\n"));
  // zeekctl numbers PF_RING clusters per host and interface, workers sorted by name.
  EXPECT_THAT(n, HasSubstr("env_vars = PCAP_PF_RING_APPNAME=mine, "
                           "PCAP_PF_RING_USE_CLUSTER_PER_FLOW_5_TUPLE=1, "
                           "PCAP_PF_RING_CLUSTER_ID=40\n"));
  EXPECT_THAT(n, HasSubstr("env_vars = PCAP_PF_RING_USE_CLUSTER_PER_FLOW_5_TUPLE=1, "
                           "PCAP_PF_RING_CLUSTER_ID=41, PCAP_PF_RING_APPNAME=zeek-eth1\n"));
  EXPECT_THAT(n, HasSubstr("interface = af_packet::eth0\nlb_method = af_packet\nlb_procs = 4\n"
                           "pin_cpus = 1,2\naux_scripts = x.zeek\n"));
  EXPECT_THAT(n, HasSubstr("env_vars = SNF_NUM_RINGS=3, SNF_FLAGS=0x101\n"));
  EXPECT_THAT(n, HasSubstr("lb_interfaces = eth5,eth6\n"));
  ASSERT_NE(not_carried(i, "w-c: af_packet_fanout_mode"), nullptr);
  EXPECT_EQ(not_carried(i, "w-c: af_packet_fanout_mode")->file, "/opt/zeek/etc/node.cfg");
  EXPECT_EQ(not_carried(i, "w-c: af_packet_fanout_mode")->line, 29);
  EXPECT_THAT(not_carried(i, "w-c: af_packet_fanout_mode")->reason,
              HasSubstr("redef AF_Packet::fanout_mode"));
  // Our parser reads the result without a word.
  Diagnostics d;
  const auto nodes = parse_node_config(n, "node.cfg", "", fake_resolver(), d);
  EXPECT_EQ(d.render_all(), "");
  EXPECT_EQ(nodes.size(), 15u);
}

TEST(ZeekctlImport, CustomLbMethodBuildsTheInterfaceAndZcInterfacesAreRefused) {
  const std::string head =
      "[manager]\ntype=manager\nhost=localhost\n[proxy-1]\ntype=proxy\nhost=localhost\n";
  const Imported custom =
      run("lb_custom.InterfacePrefix = pfring:\nlb_custom.InterfaceSuffix = @x\n",
          head +
              "[w]\ntype=worker\nhost=localhost\ninterface=eth0\n"
              "lb_method=custom\nlb_procs=2\n");
  EXPECT_FALSE(custom.errors) << custom.diags;
  EXPECT_THAT(custom.result.node_cfg, HasSubstr("interface = pfring:eth0@x\n"));
  const Imported zc = run("", head +
                                  "[w]\ntype=worker\nhost=localhost\ninterface=zc:eth0\n"
                                  "lb_method=pf_ring\nlb_procs=2\n");
  EXPECT_THAT(zc.diags, HasSubstr("Error: /opt/zeek/etc/node.cfg:11: node 'w': lb_method=pf_ring "
                                  "with interface 'zc:eth0': zeekctl gives each process its own "
                                  "@<n> application instance"));
  // PFRINGClusterID = 0 turns zeekctl's PF_RING plugin off.
  const Imported off =
      run("PFRINGClusterID = 0\n", head +
                                       "[w]\ntype=worker\nhost=localhost\ninterface=eth0\n"
                                       "lb_method=pf_ring\nlb_procs=2\n");
  EXPECT_FALSE(off.errors) << off.diags;
  EXPECT_THAT(off.result.node_cfg, Not(HasSubstr("PCAP_PF_RING")));
}

TEST(ZeekctlImport, NodeCfgErrorsNameTheZeekctlFileAndLine) {
  const Imported i = run("",
                         "# zeekctl\n"
                         "[manager]\ntype=manager\nhost=localhost\n"
                         "[proxy-1]\ntype=proxy\nhost=localhost\n"
                         "[worker-1]\ntype=worker\nhost=localhost\nlb_procs=lots\n"
                         "[worker-2]\ntype: worker\nhost=nowhere\n"
                         "orphan line\n");
  EXPECT_TRUE(i.errors);
  EXPECT_THAT(i.diags, HasSubstr("Error: /opt/zeek/etc/node.cfg:11: node 'worker-1': invalid "
                                 "lb_procs 'lots'"));
  EXPECT_THAT(i.diags, HasSubstr("Error: /opt/zeek/etc/node.cfg:14: node 'worker-2': cannot "
                                 "resolve host 'nowhere'"));
  EXPECT_THAT(i.diags, HasSubstr("Error: /opt/zeek/etc/node.cfg:15: expected "
                                 "'key = value', got 'orphan line'"));
}

TEST(ZeekctlImport, NetworksAreCheckedAndCopied) {
  const Imported good = run("", std::string(kStandalone), "10.0.0.0/8 lan\n2001:db8::/32\n");
  EXPECT_FALSE(good.errors) << good.diags;
  EXPECT_THAT(good.result.networks_cfg, HasSubstr("10.0.0.0/8 lan\n2001:db8::/32\n"));
  const Imported bad = run("", std::string(kStandalone), "10.0.0.0/8\n10.1.2.3\n");
  EXPECT_THAT(bad.diags, HasSubstr("Error: /opt/zeek/etc/networks.cfg:2: '10.1.2.3' has no prefix "
                                   "length"));
  const Imported none = run("", std::string(kStandalone), std::nullopt);
  EXPECT_FALSE(none.errors);
  EXPECT_THAT(none.diags, HasSubstr("no networks.cfg"));
}

}  // namespace
}  // namespace bc::config
