// Two shells at once: both start the same nodes at the same moment, then both stop them.
// Every node runs exactly once (counted in /proc by its CLUSTER_SPOOL), both shells
// succeed, and the state the supervisors report matches the processes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

class ClusterConcurrency : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << cluster_.logs();
  }
  SimCluster cluster_;
};

TEST_F(ClusterConcurrency, TwoShellsStartingTheSameNodesStartEachOnce) {
  SimCluster& c = cluster_;
  SimHost& h1 = c.add_host();
  SimHost& h2 = c.add_host();
  SimHost& h3 = c.add_host();
  c.add_node(h1, "manager", "manager");
  c.add_node(h1, "proxy-1", "proxy");
  c.add_node(h2, "worker-a", "worker", {"lb_procs=3"});
  c.add_node(h3, "worker-b", "worker", {"lb_procs=3"});
  ASSERT_TRUE(c.start().is_ok());

  auto a = c.shell_background({"start"});
  auto b = c.shell_background({"start"});
  EXPECT_EQ(a->wait_exit(Millis(30000)), 0) << a->stdout_text() << a->stderr_text();
  EXPECT_EQ(b->wait_exit(Millis(30000)), 0) << b->stdout_text() << b->stderr_text();

  auto r = c.shell({"--json", "status"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json && json->size() == c.node_names().size()) << r.out;
  for (const Json& n : json->array()) {
    const auto pids = c.node_pids(n["name"].str());
    ASSERT_EQ(pids.size(), 1u) << n["name"].str() << " runs " << pids.size() << " times";
    EXPECT_EQ(n["pid"].integer(), pids[0]);
    EXPECT_EQ(n["status"].str(), "running");
  }

  // Both stop at once: nothing left, both succeed.
  a = c.shell_background({"stop"});
  b = c.shell_background({"stop"});
  EXPECT_EQ(a->wait_exit(Millis(30000)), 0) << a->stdout_text() << a->stderr_text();
  EXPECT_EQ(b->wait_exit(Millis(30000)), 0) << b->stdout_text() << b->stderr_text();
  for (const auto& n : c.node_names())
    EXPECT_TRUE(c.node_pids(n).empty()) << n;
  r = c.shell({"--json", "status"});
  json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  for (const Json& n : json->array())
    EXPECT_EQ(n["status"].str(), "stopped") << n["name"].str();
}

}  // namespace
}  // namespace bc::test
