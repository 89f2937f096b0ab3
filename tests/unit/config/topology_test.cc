#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/cluster.h"

namespace bc::config {
namespace {

using ::testing::HasSubstr;

NodeSpec node(std::string name, NodeType type, int line) {
  NodeSpec n;
  n.name = std::move(name);
  n.type = type;
  n.host = "host1";
  n.line = line;
  return n;
}

std::string check(const std::vector<NodeSpec>& nodes) {
  Diagnostics d;
  validate_topology(nodes, "node.cfg", d);
  return d.render_all();
}

TEST(Topology, ValidClusterAndValidStandalone) {
  EXPECT_EQ(check({node("manager", NodeType::kManager, 1), node("proxy-1", NodeType::kProxy, 4),
                   node("worker-1", NodeType::kWorker, 7), node("logger", NodeType::kLogger, 10)}),
            "");
  EXPECT_EQ(check({node("bro", NodeType::kStandalone, 1)}), "");
}

TEST(Topology, NoNodes) {
  EXPECT_EQ(check({}),
            "Error: node.cfg: no nodes defined (each node is a [name] section with type and "
            "host)\n");
}

TEST(Topology, StandaloneWithAnyOtherNode) {
  const std::string d =
      check({node("bro", NodeType::kStandalone, 1), node("worker-1", NodeType::kWorker, 5)});
  EXPECT_EQ(d,
            "Error: node.cfg:1: node 'bro': a standalone node must be the only node, but node.cfg "
            "defines 1 other node(s)\n");
}

TEST(Topology, ZeroManagers) {
  const std::string d =
      check({node("proxy-1", NodeType::kProxy, 1), node("worker-1", NodeType::kWorker, 4)});
  EXPECT_EQ(d, "Error: node.cfg: no manager node: a cluster needs exactly one manager\n");
}

TEST(Topology, TwoManagers) {
  const std::string d =
      check({node("m1", NodeType::kManager, 2), node("m2", NodeType::kManager, 9),
             node("proxy-1", NodeType::kProxy, 4), node("worker-1", NodeType::kWorker, 6)});
  EXPECT_EQ(d,
            "Error: node.cfg:9: node 'm2': a second manager (the first is 'm1' on line 2); a "
            "cluster has exactly one manager\n");
}

TEST(Topology, ClusterWithoutProxyOrWorker) {
  EXPECT_THAT(check({node("m", NodeType::kManager, 1), node("w", NodeType::kWorker, 4)}),
              HasSubstr("Error: node.cfg: no proxy node: a cluster needs at least one proxy"));
  EXPECT_THAT(check({node("m", NodeType::kManager, 1), node("p", NodeType::kProxy, 4)}),
              HasSubstr("Error: node.cfg: no worker node: a cluster needs at least one worker"));
}

}  // namespace
}  // namespace bc::config
