// Which node.cfg hosts are this machine, and when a cluster is one box (shell/local_host.h).

#include "shell/local_host.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>

namespace bc::shell {
namespace {

config::NodeSpec node(const std::string& name, config::NodeType type, const std::string& host,
                      const std::string& address) {
  config::NodeSpec n;
  n.name = name;
  n.type = type;
  n.host = host;
  n.address = address;
  return n;
}

config::Cluster cluster_on(const std::vector<std::pair<std::string, std::string>>& hosts) {
  config::Cluster c;
  c.nodes.push_back(node("manager", config::NodeType::kManager, hosts[0].first, hosts[0].second));
  for (std::size_t i = 1; i < hosts.size(); ++i) {
    c.nodes.push_back(node("worker-" + std::to_string(i), config::NodeType::kWorker, hosts[i].first,
                           hosts[i].second));
  }
  return c;
}

TEST(IsLocalHost, LoopbackNamesAndAddressesAreThisMachine) {
  EXPECT_TRUE(is_local_host("localhost", ""));
  EXPECT_TRUE(is_local_host("localhost", "127.0.0.1"));
  EXPECT_TRUE(is_local_host("box", "127.0.0.7"));
  EXPECT_TRUE(is_local_host("127.0.0.2", "127.0.0.2"));
  EXPECT_TRUE(is_local_host("ip6-localhost", "::1"));
}

TEST(IsLocalHost, OurHostNameIsThisMachine) {
  char name[HOST_NAME_MAX + 1] = {};
  ASSERT_EQ(gethostname(name, sizeof name), 0);
  EXPECT_TRUE(is_local_host(name, ""));
}

// 192.0.2.0/24 is TEST-NET-1: documentation only, never an interface of ours.
TEST(IsLocalHost, AnAddressOfNoInterfaceIsAnotherMachine) {
  EXPECT_FALSE(is_local_host("far", "192.0.2.10"));
  EXPECT_FALSE(is_local_host("192.0.2.10", ""));
}

TEST(IsOneBox, EveryNodeOnOneLocalHostIsOneBox) {
  EXPECT_TRUE(is_one_box(cluster_on({{"localhost", "127.0.0.1"}, {"localhost", "127.0.0.1"}})));
  EXPECT_TRUE(is_one_box(cluster_on({{"127.0.0.1", "127.0.0.1"}, {"127.0.0.1", "127.0.0.1"}})));
}

TEST(IsOneBox, SeveralNamesOrAnotherMachineAreNot) {
  // Simulated hosts, one BroBase each (docs/DECISIONS.md).
  EXPECT_FALSE(is_one_box(cluster_on({{"127.0.0.2", "127.0.0.2"}, {"127.0.0.3", "127.0.0.3"}})));
  EXPECT_FALSE(is_one_box(cluster_on({{"localhost", "127.0.0.1"}, {"far", "192.0.2.10"}})));
  EXPECT_FALSE(is_one_box(cluster_on({{"far", "192.0.2.10"}, {"far", "192.0.2.10"}})));
}

TEST(IsOneBox, ABrokerHostElsewhereIsNot) {
  config::Cluster c = cluster_on({{"localhost", "127.0.0.1"}, {"localhost", "127.0.0.1"}});
  c.options.set("BrokerHost", "192.0.2.10");
  EXPECT_FALSE(is_one_box(c));
}

TEST(LocalHosts, ListsTheLocalOnesInNodeOrder) {
  const config::Cluster c =
      cluster_on({{"127.0.0.3", "127.0.0.3"}, {"far", "192.0.2.10"}, {"127.0.0.2", "127.0.0.2"}});
  EXPECT_EQ(local_hosts(c), (std::vector<std::string>{"127.0.0.3", "127.0.0.2"}));
}

}  // namespace
}  // namespace bc::shell
