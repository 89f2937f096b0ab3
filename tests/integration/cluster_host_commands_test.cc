// The per-host commands across simulated hosts: exec (one output section per host), df
// (every host), top (every node's pid), capstats on the loopback interface (a row per
// host), each answered by every host's supervisor in parallel.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;

class ClusterHostCommands : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << cluster_.logs();
  }
  SimCluster cluster_;
};

TEST_F(ClusterHostCommands, ExecDfTopAndCapstatsCoverEveryHost) {
  SimCluster& c = cluster_;
  SimHost& h1 = c.add_host();
  SimHost& h2 = c.add_host();
  SimHost& h3 = c.add_host();
  c.add_node(h1, "manager", "manager");
  c.add_node(h1, "proxy-1", "proxy");
  c.add_node(h2, "worker-1", "worker", {"interface=lo"});
  c.add_node(h3, "worker-2", "worker", {"interface=lo"});
  ASSERT_TRUE(c.start().is_ok());
  auto r = c.shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<const SimHost*> hosts = {&h1, &h2, &h3};

  // exec: once per host, in that host's BroBase, a section each.
  r = c.shell({"exec", "echo hi; pwd"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const SimHost* h : hosts) {
    EXPECT_THAT(r.out, HasSubstr("==== " + h->name() + "\nhi\n" + h->base() + "\n")) << r.out;
  }
  EXPECT_EQ(split_lines(r.out).size(), 3u * 3u) << r.out;
  r = c.shell({"--json", "exec", "echo hi"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json && json->size() == 3) << r.out;
  for (const Json& host : json->array()) {
    EXPECT_EQ(host["output"].str(), "hi\n");
    EXPECT_EQ(host["exit_code"].integer(), 0);
  }
  // A failing command is a failing exec.
  r = c.shell({"exec", "exit 3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("==== " + h2.name() + " (exit 3)"));

  // df: every host, its BroBase among the paths.
  r = c.shell({"df"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(split_lines(r.out).at(0),
              ::testing::MatchesRegex("Host +Path +Size +Avail +Avail% *"));
  for (const SimHost* h : hosts) {
    EXPECT_GE(line_index(r.out, h->name() + "  " + h->base()), 0) << r.out;
    // A fresh host: the supervisor created LogDir and TmpDir, so df reports on them too.
    EXPECT_GE(line_index(r.out, h->name() + "  " + h->base() + "/logs "), 0) << r.out;
    EXPECT_GE(line_index(r.out, h->name() + "  " + h->base() + "/spool/tmp "), 0) << r.out;
  }

  // top: every node with the pid /proc knows.
  r = c.shell({"top"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(split_lines(r.out).at(0),
              ::testing::MatchesRegex("Name +Type +Host +Pid +VSize +Rss +Cpu +Cmd *"));
  for (const auto& n : c.node_names()) {
    const auto pids = c.node_pids(n);
    ASSERT_EQ(pids.size(), 1u) << n;
    const long row = line_index(r.out, n + " ");
    ASSERT_GE(row, 0) << r.out;
    EXPECT_THAT(split_lines(r.out)[row], HasSubstr(" " + std::to_string(pids[0]) + " ")) << n;
  }
  r = c.shell({"--json", "top", "workers"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json = Json::parse(r.out);
  ASSERT_TRUE(json && json->size() == 2) << r.out;
  EXPECT_GT((*json)[0]["rss"].num(), 0);

  // capstats over 1 s on lo: a row per host with a worker.
  r = c.shell({"capstats", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(split_lines(r.out).at(0), ::testing::MatchesRegex("Host +Interface +kpps +mbps *"));
  for (const SimHost* h : {&h2, &h3})
    EXPECT_GE(line_index(r.out, h->name() + "  lo "), 0) << r.out;
  EXPECT_EQ(split_lines(r.out).size(), 3u) << r.out;
}

}  // namespace
}  // namespace bc::test
