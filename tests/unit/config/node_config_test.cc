#include "config/node_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace bc::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::fake_resolver;

struct ParsedNodes {
  std::vector<NodeSpec> nodes;
  std::string diags;
  bool errors = false;
};

ParsedNodes parse_nodes(std::string_view text, std::string_view global_env = "") {
  Diagnostics d;
  ParsedNodes p;
  p.nodes = parse_node_config(text, "node.cfg", global_env, fake_resolver(), d);
  p.diags = d.render_all();
  p.errors = d.has_errors();
  return p;
}

std::vector<std::string> names(const std::vector<NodeSpec>& nodes) {
  std::vector<std::string> out;
  for (const NodeSpec& n : nodes)
    out.push_back(n.name);
  return out;
}

constexpr std::string_view kCluster =
    "# the manual's example\n"
    "[manager]\n"
    "type=manager\n"
    "host=host1\n"
    "\n"
    "[proxy-1]\n"
    "TYPE = Proxy\n"
    "Host = host1\n"
    "\n"
    "[worker-1]\n"
    "type=worker\n"
    "host=host2\n"
    "interface=eth0  # capture here\n"
    "aux_scripts = experimental.bro, more.bro  extra.bro\n"
    "program = /opt/bin/node\n";

TEST(NodeConfig, ParsesSectionsWithCaseInsensitiveKeysAndTypes) {
  const ParsedNodes p = parse_nodes(kCluster);
  EXPECT_EQ(p.diags, "");
  ASSERT_EQ(p.nodes.size(), 3u);
  EXPECT_EQ(p.nodes[0].name, "manager");
  EXPECT_EQ(p.nodes[0].type, NodeType::kManager);
  EXPECT_EQ(p.nodes[0].line, 2);
  EXPECT_EQ(p.nodes[1].type, NodeType::kProxy);
  EXPECT_EQ(p.nodes[1].address, "10.0.0.1");
  const NodeSpec& w = p.nodes[2];
  EXPECT_EQ(w.host, "host2");
  EXPECT_EQ(w.address, "10.0.0.2");
  EXPECT_EQ(w.interface, "eth0");
  EXPECT_EQ(w.program, "/opt/bin/node");
  EXPECT_THAT(w.aux_scripts, ElementsAre("experimental.bro", "more.bro", "extra.bro"));
  EXPECT_EQ(w.lb_index, 0);
  EXPECT_TRUE(w.lb_group.empty());
}

TEST(NodeConfig, NodeTypeNames) {
  EXPECT_EQ(node_type_name(NodeType::kStandalone), "standalone");
  EXPECT_EQ(node_type_name(NodeType::kWorker), "worker");
  EXPECT_EQ(node_type_from_name("LOGGER"), NodeType::kLogger);
  EXPECT_EQ(node_type_from_name("wroker"), std::nullopt);
}

TEST(NodeConfig, KeyOutsideSectionIsAnError) {
  const ParsedNodes p = parse_nodes("type = worker\n[w]\ntype=worker\nhost=host1\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:1: key 'type' outside of a [node] section"));
  EXPECT_EQ(p.nodes.size(), 1u);
}

TEST(NodeConfig, LineWithoutEqualsIsAnError) {
  const ParsedNodes p = parse_nodes("[w]\ntype worker\n");
  EXPECT_THAT(p.diags,
              HasSubstr("Error: node.cfg:2: node 'w': expected 'key = value', got 'type worker'"));
}

TEST(NodeConfig, MalformedHeaderEmptyAndInvalidNames) {
  const ParsedNodes p = parse_nodes("[w\ntype=worker\n[]\n[ ]\n[a b]\n[.hidden]\n[-x]\n[../etc]\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:1: expected '[name]', got '[w'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:3: empty node name in '[]'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:4: empty node name in '[ ]'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:5: invalid node name 'a b' (use letters, "
                                 "digits, '.', '_' and '-'; no leading '.' or '-')"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:6: invalid node name '.hidden'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:7: invalid node name '-x'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:8: invalid node name '../etc'"));
  // Keys of a malformed section are not reported as outside of a section.
  EXPECT_THAT(p.diags, Not(HasSubstr("outside")));
  EXPECT_TRUE(p.nodes.empty());
}

TEST(NodeConfig, ArgsAreTheNodesOwnArgumentsSplitAtBlanks) {
  const ParsedNodes p =
      parse_nodes("[w]\ntype=worker\nhost=host1\nprogram=/usr/bin/x\nargs= -v\t--site  a \n");
  EXPECT_EQ(p.diags, "");
  EXPECT_EQ(p.nodes.at(0).args, (std::vector<std::string>{"-v", "--site", "a"}));
}

TEST(NodeConfig, AllowedNameCharacters) {
  const ParsedNodes p = parse_nodes("[Work_er.A-1]\ntype=worker\nhost=host1\n");
  EXPECT_EQ(p.diags, "");
  EXPECT_EQ(p.nodes.at(0).name, "Work_er.A-1");
}

TEST(NodeConfig, UnknownKeyWarnsAndDuplicateKeyWarns) {
  const ParsedNodes p = parse_nodes("[w]\ntype=worker\nhost=host1\ninterfce=eth0\nhost=host2\n");
  EXPECT_FALSE(p.errors);
  EXPECT_THAT(p.diags, HasSubstr("Warning: node.cfg:4: node 'w': unknown key 'interfce' (did you "
                                 "mean 'interface'?)"));
  EXPECT_THAT(p.diags, HasSubstr("Warning: node.cfg:5: node 'w': duplicate key 'host' (first set "
                                 "on line 3); the last value wins"));
  EXPECT_EQ(p.nodes.at(0).host, "host2");
}

TEST(NodeConfig, MissingTypeAndUnknownType) {
  const ParsedNodes p = parse_nodes("[a]\nhost=host1\n[b]\ntype=wroker\nhost=host1\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:1: node 'a': no type given (type = standalone, "
                                 "logger, manager, proxy, worker)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:4: node 'b': unknown type 'wroker' (valid "
                                 "types: standalone, logger, manager, proxy, worker)"));
  EXPECT_TRUE(p.nodes.empty());  // invalid sections are left out
}

TEST(NodeConfig, MissingHostAndUnresolvableHost) {
  const ParsedNodes p = parse_nodes(
      "[a]\ntype=worker\n[b]\ntype=worker\nhost=nowhere.invalid\n[c]\n"
      "type=worker\nhost=\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:1: node 'a': no host given (host = <name>)"));
  EXPECT_THAT(p.diags,
              HasSubstr("Error: node.cfg:5: node 'b': cannot resolve host 'nowhere.invalid'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:8: node 'c': no host given"));
  EXPECT_TRUE(p.nodes.empty());
}

TEST(NodeConfig, ResolvesEachHostOnce) {
  int calls = 0;
  HostResolver counting = [&](const std::string& h) -> std::optional<std::string> {
    ++calls;
    return fake_resolver()(h);
  };
  Diagnostics d;
  parse_node_config("[a]\ntype=worker\nhost=host1\n[b]\ntype=worker\nhost=HOST1\n", "node.cfg", "",
                    counting, d);
  EXPECT_EQ(calls, 1);
}

TEST(NodeConfig, LbProcsExpandsIntoNumberedProcesses) {
  const ParsedNodes p = parse_nodes("[w]\ntype=worker\nhost=host2\ninterface=eth1\nlb_procs=3\n");
  EXPECT_EQ(p.diags, "");
  EXPECT_THAT(names(p.nodes), ElementsAre("w-1", "w-2", "w-3"));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(p.nodes[i].lb_group, "w");
    EXPECT_EQ(p.nodes[i].lb_index, i + 1);
    EXPECT_EQ(p.nodes[i].lb_procs, 3);
    EXPECT_EQ(p.nodes[i].interface, "eth1");
    EXPECT_EQ(p.nodes[i].line, 1);
  }
}

TEST(NodeConfig, PinCpusWithLbProcsGivesOneCpuEachAndWrapsRound) {
  const ParsedNodes p = parse_nodes("[w]\ntype=worker\nhost=host2\nlb_procs=5\npin_cpus=2, 4,6\n");
  EXPECT_EQ(p.diags, "");
  ASSERT_EQ(p.nodes.size(), 5u);
  EXPECT_THAT(p.nodes[0].pin_cpus, ElementsAre(2));
  EXPECT_THAT(p.nodes[1].pin_cpus, ElementsAre(4));
  EXPECT_THAT(p.nodes[2].pin_cpus, ElementsAre(6));
  EXPECT_THAT(p.nodes[3].pin_cpus, ElementsAre(2));
  EXPECT_THAT(p.nodes[4].pin_cpus, ElementsAre(4));
}

TEST(NodeConfig, PinCpusWithoutLbProcsGivesTheWholeList) {
  const ParsedNodes p = parse_nodes("[m]\ntype=manager\nhost=host1\npin_cpus=0,1\n");
  EXPECT_THAT(p.nodes.at(0).pin_cpus, ElementsAre(0, 1));
}

TEST(NodeConfig, BadPinCpus) {
  const ParsedNodes p = parse_nodes(
      "[a]\ntype=worker\nhost=host1\npin_cpus=1,x\n"
      "[b]\ntype=worker\nhost=host1\npin_cpus=-1\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:4: node 'a': invalid pin_cpus '1,x': 'x' is not "
                                 "a CPU number (expected non-negative integers separated by "
                                 "commas)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:8: node 'b': invalid pin_cpus '-1': '-1' is not "
                                 "a CPU number"));
  EXPECT_TRUE(p.nodes.empty());
}

TEST(NodeConfig, BadLbProcs) {
  const ParsedNodes p = parse_nodes(
      "[a]\ntype=worker\nhost=host1\nlb_procs=many\n"
      "[b]\ntype=worker\nhost=host1\nlb_procs=0\n"
      "[c]\ntype=worker\nhost=host1\nlb_procs=-2\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:4: node 'a': invalid lb_procs 'many' (expected "
                                 "an integer from 1 to 1024)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:8: node 'b': invalid lb_procs '0'"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:12: node 'c': invalid lb_procs '-2'"));
  EXPECT_TRUE(p.nodes.empty());
}

TEST(NodeConfig, LbProcsOnANonWorkerIsAnError) {
  const ParsedNodes p = parse_nodes("[p]\ntype=proxy\nhost=host1\nlb_procs=2\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:4: node 'p': lb_procs is only valid for "
                                 "workers, not for a proxy"));
  EXPECT_TRUE(p.nodes.empty());
}

// Every key of zeekctl's node.cfg (ZeekControl/node.py, Node._keys) is accepted as is.
TEST(NodeConfig, AcceptsEveryZeekctlKey) {
  const ParsedNodes p = parse_nodes(
      "[manager]\ntype=manager\nhost=host1\nzone_id=eth0\n"
      "[worker-1]\ntype=worker\nhost=host2\ninterface=eth1\nlb_method=AF_Packet\n"
      "lb_procs=2\npin_cpus=3,4\nenv_vars=A=1\naux_scripts=x.zeek\n");
  EXPECT_EQ(p.diags, "");
  ASSERT_EQ(p.nodes.size(), 3u);
  EXPECT_EQ(p.nodes[0].zone_id, "eth0");
  EXPECT_EQ(p.nodes[1].lb_method, "af_packet");
  EXPECT_EQ(p.nodes[2].lb_method, "af_packet");
  EXPECT_EQ(p.nodes[2].interface, "eth1");
}

// zeekctl pops lb_interfaces from the end: <name>-1 gets the last interface.
TEST(NodeConfig, LbInterfacesGiveEachProcessItsInterfaceAsZeekctlDoes) {
  const ParsedNodes p = parse_nodes(
      "[w]\ntype=worker\nhost=host2\nlb_method=interfaces\nlb_procs=3\n"
      "lb_interfaces=eth1, eth2,eth3\n");
  EXPECT_EQ(p.diags, "");
  ASSERT_EQ(p.nodes.size(), 3u);
  EXPECT_EQ(p.nodes[0].interface, "eth3");
  EXPECT_EQ(p.nodes[1].interface, "eth2");
  EXPECT_EQ(p.nodes[2].interface, "eth1");
}

TEST(NodeConfig, BadLbMethodAndLbInterfaces) {
  const ParsedNodes p = parse_nodes(
      "[a]\ntype=worker\nhost=host1\nlb_procs=2\nlb_method=rss\n"
      "[b]\ntype=worker\nhost=host1\nlb_method=af_packet\n"
      "[c]\ntype=worker\nhost=host1\nlb_procs=2\nlb_method=interfaces\nlb_interfaces=e1\n"
      "[d]\ntype=worker\nhost=host1\nlb_procs=2\nlb_method=af_packet\nlb_interfaces=e1,e2\n"
      "[e]\ntype=worker\nhost=host1\nlb_procs=2\nlb_method=interfaces\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:5: node 'a': unknown lb_method 'rss' (expected "
                                 "af_packet, pf_ring, myricom, custom or interfaces)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:9: node 'b': lb_method needs lb_procs"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:15: node 'c': lb_interfaces names 1 "
                                 "interface(s) but lb_procs is 2 (one interface per process)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:21: node 'd': lb_interfaces is only valid with "
                                 "lb_method=interfaces"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:26: node 'e': lb_method=interfaces needs "
                                 "lb_interfaces"));
  EXPECT_TRUE(p.nodes.empty());
}

TEST(NodeConfig, DuplicateNamesAreCaseInsensitive) {
  const ParsedNodes p = parse_nodes(
      "[Worker-1]\ntype=worker\nhost=host1\n"
      "[worker-1]\ntype=worker\nhost=host2\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:4: node 'worker-1': duplicate node name "
                                 "'worker-1' (already defined by [Worker-1] on line 1)"));
  ASSERT_EQ(p.nodes.size(), 1u);
  EXPECT_EQ(p.nodes[0].host, "host1");
}

TEST(NodeConfig, DuplicateNamesIncludeLbProcsExpansions) {
  const ParsedNodes p = parse_nodes(
      "[w-1]\ntype=worker\nhost=host1\n"
      "[w]\ntype=worker\nhost=host2\nlb_procs=2\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:4: node 'w-1': duplicate node name 'w-1' "
                                 "(already defined by [w-1] on line 1)"));
  EXPECT_THAT(names(p.nodes), ElementsAre("w-1", "w-2"));
  EXPECT_EQ(p.nodes[0].host, "host1");

  const ParsedNodes q = parse_nodes(
      "[w]\ntype=worker\nhost=host2\nlb_procs=2\n"
      "[W-2]\ntype=worker\nhost=host1\n");
  EXPECT_THAT(q.diags, HasSubstr("Error: node.cfg:5: node 'W-2': duplicate node name 'W-2' "
                                 "(already defined by [w] with lb_procs on line 1)"));
}

TEST(NodeConfig, GroupNameIsTakenByItsLbProcsSection) {
  const ParsedNodes p =
      parse_nodes("[w]\ntype=worker\nhost=host2\nlb_procs=2\n[w]\ntype=worker\nhost=host1\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:5: node 'w': duplicate node name 'w' (already "
                                 "defined by [w] with lb_procs on line 1)"));
}

TEST(NodeConfig, EnvVarsOverlayGlobalsInOrder) {
  const ParsedNodes p = parse_nodes(
      "[w]\ntype=worker\nhost=host1\nenv_vars = B=node, C=3\n"
      "[x]\ntype=worker\nhost=host1\n",
      "A=1, B=global");
  EXPECT_EQ(p.diags, "");
  const EnvVars expected_w = {{"A", "1"}, {"B", "node"}, {"C", "3"}};
  const EnvVars expected_x = {{"A", "1"}, {"B", "global"}};
  EXPECT_EQ(p.nodes.at(0).env_vars, expected_w);
  EXPECT_EQ(p.nodes.at(1).env_vars, expected_x);
}

TEST(NodeConfig, BadEnvVars) {
  const ParsedNodes p = parse_nodes(
      "[a]\ntype=worker\nhost=host1\nenv_vars=A=1,B\n"
      "[b]\ntype=worker\nhost=host1\nenv_vars= =x\n"
      "[c]\ntype=worker\nhost=host1\nenv_vars=1X=y\n");
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:4: node 'a': invalid env_vars: item 'B' has no "
                                 "'=' (expected NAME=VALUE)"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:8: node 'b': invalid env_vars: item '=x' has an "
                                 "empty variable name"));
  EXPECT_THAT(p.diags, HasSubstr("Error: node.cfg:12: node 'c': invalid env_vars: item '1X=y': "
                                 "'1X' is not a variable name"));
  EXPECT_TRUE(p.nodes.empty());
}

TEST(EnvVarsParser, SplitsTrimsAndKeepsValuesWithEquals) {
  EnvVars vars;
  std::string error;
  ASSERT_TRUE(parse_env_vars(" A = 1 , OPTS=a=b,, ", &vars, &error)) << error;
  const EnvVars expected = {{"A", "1"}, {"OPTS", "a=b"}};
  EXPECT_EQ(vars, expected);
  ASSERT_TRUE(parse_env_vars("", &vars, &error));
  EXPECT_TRUE(vars.empty());
}

TEST(SystemResolver, LocalhostIsIpv4Loopback) {
  const HostResolver resolve = system_resolver();
  EXPECT_EQ(resolve("localhost"), "127.0.0.1");
  EXPECT_EQ(resolve("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(resolve("::1"), "::1");
  EXPECT_EQ(resolve("no-such-host.invalid"), std::nullopt);
  EXPECT_EQ(resolve(""), std::nullopt);
}

}  // namespace
}  // namespace bc::config
