// A host whose supervisor does not answer: its nodes show `unreachable` within
// CommTimeout — never a hang, never a false "crashed" — while the other hosts' nodes show
// running, and a start of its nodes names the host and fails without hanging.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;
using SteadyClock = std::chrono::steady_clock;

double seconds_since(SteadyClock::time_point t0) {
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

class ClusterUnreachable : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << cluster_.logs();
  }
  SimCluster cluster_{[] {
    SimOptions o;
    o.comm_timeout = 1;
    return o;
  }()};
};

TEST_F(ClusterUnreachable, HostWithoutSupervisorShowsUnreachableWithinCommTimeout) {
  SimCluster& c = cluster_;
  SimHost& h1 = c.add_host();
  SimHost& h2 = c.add_host();
  SimHost& h3 = c.add_host();
  c.add_node(h1, "manager", "manager");
  c.add_node(h1, "proxy-1", "proxy");
  c.add_node(h2, "worker-1", "worker");
  c.add_node(h3, "worker-2", "worker");
  ASSERT_TRUE(c.start().is_ok());
  auto r = c.shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  // The supervisor of h3 dies; its node keeps running (own session), unseen.
  ASSERT_TRUE(c.kill_supervisor(h3, SIGKILL).is_ok());
  EXPECT_EQ(c.node_pids("worker-2").size(), 1u);

  constexpr double kLimit = 1.0 + 1.0;  // CommTimeout + 1 s
  auto t0 = SteadyClock::now();
  r = c.shell({"status"});
  double took = seconds_since(t0);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_LT(took, kLimit);
  EXPECT_THAT(r.err, HasSubstr("host " + h3.name() + " did not answer within 1.0 s"));
  // ... and how to bring it back.
  EXPECT_THAT(r.err, HasSubstr("is its supervisor running? Start it on " + h3.name() +
                               " with `brocluster daemons start` or `systemctl start "
                               "brocluster-supervisor@" +
                               h3.name() + "`"));
  for (const auto& line : split_lines(r.out)) {
    if (line.starts_with("worker-2 ")) {
      EXPECT_THAT(line, HasSubstr(" unreachable"));
    } else if (!line.starts_with("Name ")) {
      EXPECT_THAT(line, HasSubstr(" running ")) << line;
    }
  }

  t0 = SteadyClock::now();
  r = c.shell({"--json", "status"});
  took = seconds_since(t0);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_LT(took, kLimit);
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json && json->size() == 4) << r.out;
  for (const Json& n : json->array()) {
    EXPECT_EQ(n["status"].str(), n["name"].str() == "worker-2" ? "unreachable" : "running")
        << n["name"].str();
  }

  // Starting its node: the host is named, the exit code says it failed, no hang.
  t0 = SteadyClock::now();
  r = c.shell({"start", "worker-2"});
  took = seconds_since(t0);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(took, kLimit);
  EXPECT_THAT(r.out, HasSubstr("  worker-2 failed: host " + h3.name() + " unreachable\n"));
  EXPECT_THAT(r.out, HasSubstr("0 node(s) started, 1 failed\n"));

  // The whole cluster: the reachable nodes are running already (no-op), worker-2 fails.
  t0 = SteadyClock::now();
  r = c.shell({"--json", "start"});
  took = seconds_since(t0);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_LT(took, kLimit);
  json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  EXPECT_EQ((*json)["started"].integer(), 0);
  EXPECT_EQ((*json)["skipped"].integer(), 3);  // already running: left untouched
  EXPECT_EQ((*json)["failed"].integer(), 1);
  for (const Json& n : (*json)["nodes"].array()) {
    if (n["name"].str() == "worker-2") {
      EXPECT_FALSE(n["ok"].boolean());
      EXPECT_EQ(n["error"].str(), "host " + h3.name() + " unreachable");
    }
  }

  // Its supervisor back: it re-adopts the node, and the cluster is whole again.
  ASSERT_TRUE(c.start_supervisor(h3).is_ok());
  r = c.shell({"status"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(c.node_pids("worker-2").size(), 1u);
}

}  // namespace
}  // namespace bc::test
