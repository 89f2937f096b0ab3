// A node that runs when an install removes it from node.cfg (issue 15, "no orphans"):
// install names it, status lists it as "running (not configured)", `stop <name>` and the
// whole-cluster `stop` end it, start refuses it, a crash is reported and not repaired, and
// a restarted supervisor still knows it. Real shell, broker and supervisors (SimCluster).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <iostream>
#include <zmq.hpp>

#include "tests/support/bus_client.h"
#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr Millis kCommand{60000};

// install runs check, which needs the policy scripts of the source tree.
SimOptions orphan_options() {
  SimOptions o;
  o.extra = {"PolicyDir = " + source_path("policy"),
             "SitePolicyPath = ${BroBase}/site:" + source_path("policy/local")};
  return o;
}

class OrphanNode : public ::testing::Test {
 protected:
  OrphanNode() : cluster_(orphan_options()) {}
  void TearDown() override {
    if (HasFailure()) std::cerr << cluster_.logs();
  }

  // manager and proxy-1 on host 1; worker-1 and worker-3 on host 2; all running. Then worker-3 is
  // taken out of node.cfg and the change installed while it runs.
  void start_and_remove_worker3() {
    SimHost& h1 = cluster_.add_host();
    SimHost& h2 = cluster_.add_host();
    cluster_.add_node(h1, "manager", "manager");
    cluster_.add_node(h1, "proxy-1", "proxy");
    cluster_.add_node(h2, "worker-1", "worker");
    cluster_.add_node(h2, "worker-3", "worker");
    const Status s = cluster_.start();
    ASSERT_TRUE(s.is_ok()) << s.message();
    auto r = cluster_.shell({"start"}, kCommand);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto pids = cluster_.node_pids("worker-3");
    ASSERT_EQ(pids.size(), 1u);
    worker3_pid_ = pids.front();
    remove_section("worker-3");
    install_ = cluster_.shell({"install"}, kCommand);
    ASSERT_EQ(install_.exit_code, 0) << install_.out << install_.err;
  }

  // Drops a [name] section from the node.cfg the shell edits (host 1's).
  void remove_section(const std::string& name) {
    const std::string path = cluster_.host(0).base() + "/etc/node.cfg";
    std::string kept;
    bool skipping = false;
    for (const std::string& line : split_lines(file_text(path))) {
      if (line.starts_with("[")) skipping = line == "[" + name + "]";
      if (!skipping) kept += line + "\n";
    }
    std::ofstream(path) << kept;
  }

  ProcessResult shell(const std::vector<std::string>& args) {
    auto r = cluster_.shell(args, kCommand);
    EXPECT_FALSE(r.timed_out) << "brocluster " << args.front() << " hung";
    return r;
  }

  // The status row of `node` in `status` text output ("" when it has none).
  static std::string status_line(const std::string& out, const std::string& node) {
    for (const std::string& line : split_lines(out)) {
      if (line.starts_with(node + " ")) return line;
    }
    return "";
  }

  bool worker3_gone() {
    return poll_until([&] { return !pid_alive(worker3_pid_); }, Millis(10000));
  }

  Client supervisor_of_host2() {
    return Client(ctx_, cluster_.supervisor_endpoint(cluster_.host(1)), cluster_.security(),
                  cluster_.host(1).name());
  }

  SimCluster cluster_;
  zmq::context_t ctx_;
  pid_t worker3_pid_ = 0;
  ProcessResult install_;
};

TEST_F(OrphanNode, InstallNamesItStatusListsItAndStopByNameEndsIt) {
  start_and_remove_worker3();
  if (HasFatalFailure()) return;
  const std::string host2 = cluster_.host(1).name();
  EXPECT_THAT(install_.out, HasSubstr("worker-3 on " + host2 +
                                      " is running but no longer configured; 'stop worker-3' "
                                      "ends it"));
  EXPECT_TRUE(pid_alive(worker3_pid_)) << "install must not touch a running node";

  auto r = shell({"status"});
  EXPECT_EQ(r.exit_code, 0) << "an unconfigured node is no failure of the cluster\n" << r.out;
  const std::string row = status_line(r.out, "worker-3");
  EXPECT_THAT(row, HasSubstr("running (not configured)")) << r.out;
  EXPECT_THAT(row, HasSubstr(std::to_string(worker3_pid_))) << r.out;
  EXPECT_THAT(row, HasSubstr(host2)) << r.out;
  EXPECT_THAT(status_line(r.out, "worker-1"), HasSubstr("running")) << r.out;

  r = shell({"--json", "status"});
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json && json->is_array()) << r.out;
  bool listed = false;
  for (const Json& n : json->array()) {
    if (n["name"].str() != "worker-3") {
      EXPECT_TRUE(n["configured"].boolean()) << r.out;
      continue;
    }
    listed = true;
    EXPECT_EQ(n["status"].str(), "running (not configured)");
    EXPECT_FALSE(n["configured"].boolean());
    EXPECT_EQ(n["pid"].integer(), worker3_pid_);
    EXPECT_EQ(n["host"].str(), host2);
  }
  EXPECT_TRUE(listed) << r.out;

  // By name, too; and start (by the shell, or a collector's restart) is refused, clearly.
  r = shell({"status", "worker-3"});
  EXPECT_THAT(status_line(r.out, "worker-3"), HasSubstr("running (not configured)")) << r.out;
  r = shell({"start", "worker-3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot start worker-3: worker-3 on " + host2 +
                               " is running but no longer configured"));
  r = shell({"restart", "worker-3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot restart worker-3"));
  Client sup = supervisor_of_host2();
  const msg::Reply start = sup.call("start", nodes_arg({"worker-3"}));
  EXPECT_FALSE(start.ok) << describe(start);
  EXPECT_THAT(msg::reply_status(start).message(), HasSubstr("no longer configured"));
  EXPECT_TRUE(pid_alive(worker3_pid_));

  r = shell({"stop", "worker-3"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("worker-3 stopped; it was no longer configured")) << r.out;
  EXPECT_TRUE(worker3_gone());
  EXPECT_EQ(cluster_.node_pids("worker-1").size(), 1u) << "stop worker-3 stopped worker-1";

  // Gone from status, from its supervisor, and from what the next install reports.
  r = shell({"status"});
  EXPECT_EQ(status_line(r.out, "worker-3"), "") << r.out;
  EXPECT_FALSE(sup.call("status", nodes_arg({"worker-3"})).ok);
  r = shell({"install"});
  EXPECT_THAT(r.out, Not(HasSubstr("no longer configured"))) << r.out;
}

TEST_F(OrphanNode, WholeClusterStopEndsItWithTheWorkers) {
  start_and_remove_worker3();
  if (HasFatalFailure()) return;
  auto r = shell({"--json", "install"});
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  ASSERT_EQ((*json)["unconfigured"].size(), 1u) << r.out;
  EXPECT_EQ((*json)["unconfigured"][0]["name"].str(), "worker-3");
  EXPECT_EQ((*json)["unconfigured"][0]["host"].str(), cluster_.host(1).name());
  EXPECT_EQ((*json)["unconfigured"][0]["pid"].integer(), worker3_pid_);

  r = shell({"stop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(worker3_gone());
  for (const char* node : {"manager", "proxy-1", "worker-1"})
    EXPECT_TRUE(cluster_.node_pids(node).empty()) << node;
  // In its type's stage: with the workers, before the manager.
  const long stopped = line_index(r.out, "worker-3 stopped");
  ASSERT_GE(stopped, 0) << r.out;
  EXPECT_GT(stopped, line_index(r.out, "stopping workers")) << r.out;
  EXPECT_LT(stopped, line_index(r.out, "stopping manager")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("4 node(s) stopped")) << r.out;
  r = shell({"status"});
  EXPECT_EQ(status_line(r.out, "worker-3"), "") << r.out;
}

TEST_F(OrphanNode, ARestartedSupervisorStillListsAndStopsIt) {
  start_and_remove_worker3();
  if (HasFatalFailure()) return;
  SimHost& h2 = cluster_.host(1);
  ASSERT_TRUE(cluster_.kill_supervisor(h2, SIGKILL).is_ok());
  const Status s = cluster_.start_supervisor(h2);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_TRUE(pid_alive(worker3_pid_));

  auto r = shell({"status"});
  const std::string row = status_line(r.out, "worker-3");
  EXPECT_THAT(row, HasSubstr("running (not configured)")) << r.out;
  EXPECT_THAT(row, HasSubstr(std::to_string(worker3_pid_))) << r.out;
  r = shell({"start", "worker-3"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;

  r = shell({"stop", "worker-3"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(worker3_gone());
  r = shell({"status"});
  EXPECT_EQ(status_line(r.out, "worker-3"), "") << r.out;
}

TEST_F(OrphanNode, ACrashIsReportedNotRepairedAndTheNodeLeavesStatus) {
  start_and_remove_worker3();
  if (HasFatalFailure()) return;
  auto tap = cluster_.shell_background({"--json", "tap"});
  ASSERT_TRUE(next_json(*tap, is_heartbeat(cluster_.host(1).name(), "supervisor"), Millis(10000)))
      << "tap never saw host 2";
  ASSERT_EQ(kill(worker3_pid_, SIGSEGV), 0);
  EXPECT_TRUE(next_json(*tap, is_node_state("worker-3", "crashed"), Millis(10000)))
      << "the crash is reported";
  EXPECT_TRUE(next_json(*tap, is_crash("worker-3"), Millis(30000))) << "and its record";
  Client sup = supervisor_of_host2();
  EXPECT_TRUE(
      poll_until([&] { return !sup.call("status", nodes_arg({"worker-3"})).ok; }, Millis(10000)))
      << "the crashed unconfigured node stays in its supervisor's table";
  // Whoever asks for its restart (the collector, an operator) cannot bring it back.
  const msg::Reply start = sup.call("start", nodes_arg({"worker-3"}));
  EXPECT_FALSE(start.ok) << describe(start);
  EXPECT_TRUE(cluster_.node_pids("worker-3").empty());
  auto r = shell({"status"});
  EXPECT_EQ(status_line(r.out, "worker-3"), "") << r.out;
}

}  // namespace
}  // namespace bc::test
