// The shell driving a multi-host cluster: broker, one supervisor per simulated host and
// `brocluster` as separate processes. The manual's example cluster (host1 manager and
// proxy, host2-4 one worker each) started, checked, partly stopped, restarted and stopped,
// in text and in JSON; and a 23-node cluster with lb_procs workers over several hosts.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;

constexpr Millis kCommand{30000};  // deadline of a shell command that should be prompt

class ClusterLifecycle : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() && cluster_) std::cerr << cluster_->logs();
  }

  // The manual's example: host1 manager + proxy-1, host2..4 worker-1..3.
  void start_manual_cluster() {
    cluster_ = std::make_unique<SimCluster>();
    SimHost& h1 = cluster_->add_host();
    cluster_->add_node(h1, "manager", "manager");
    cluster_->add_node(h1, "proxy-1", "proxy");
    for (int i = 1; i <= 3; ++i) {
      cluster_->add_node(cluster_->add_host(), "worker-" + std::to_string(i), "worker");
    }
    const Status s = cluster_->start();
    ASSERT_TRUE(s.is_ok()) << s.message();
  }

  ProcessResult shell(const std::vector<std::string>& args) {
    auto r = cluster_->shell(args, kCommand);
    EXPECT_FALSE(r.timed_out) << "brocluster " << args.front() << " hung";
    return r;
  }

  // Every node runs exactly once (counted in /proc), or not at all.
  void expect_running(const std::vector<std::string>& nodes) {
    for (const auto& n : nodes)
      EXPECT_EQ(cluster_->node_pids(n).size(), 1u) << n;
  }
  void expect_stopped(const std::vector<std::string>& nodes) {
    for (const auto& n : nodes)
      EXPECT_TRUE(poll_until([&] { return cluster_->node_pids(n).empty(); }, Millis(5000))) << n;
  }

  std::unique_ptr<SimCluster> cluster_;
};

const std::vector<std::string> kManualNodes = {"manager", "proxy-1", "worker-1", "worker-2",
                                               "worker-3"};

TEST_F(ClusterLifecycle, ManualExampleStartStatusPartialStopRestartStop) {
  start_manual_cluster();
  SimCluster& c = *cluster_;

  // start: a line per node, stage by stage, and a summary.
  auto r = shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const long manager_stage = line_index(r.out, "starting manager ...");
  const long proxy_stage = line_index(r.out, "starting proxies ...");
  const long worker_stage = line_index(r.out, "starting workers ...");
  ASSERT_GE(manager_stage, 0) << r.out;
  EXPECT_LT(manager_stage, line_index(r.out, "  manager started (pid "));
  EXPECT_LT(line_index(r.out, "  manager started"), proxy_stage);
  EXPECT_LT(proxy_stage, line_index(r.out, "  proxy-1 started (pid "));
  EXPECT_LT(line_index(r.out, "  proxy-1 started"), worker_stage);
  for (const char* w : {"worker-1", "worker-2", "worker-3"})
    EXPECT_GT(line_index(r.out, std::string("  ") + w + " started (pid "), worker_stage) << r.out;
  EXPECT_THAT(r.out, HasSubstr("5 node(s) started\n"));
  expect_running(kManualNodes);

  // status: every node running, with the pid /proc knows, on its host.
  r = shell({"status"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto header = split_lines(r.out).at(0);
  EXPECT_THAT(header, ::testing::MatchesRegex("Name +Type +Host +Status +Pid +Peers +Started *"));
  auto rows = status_rows(r.out);
  for (const auto& n : kManualNodes) {
    ASSERT_TRUE(rows.count(n)) << r.out;
    ASSERT_GE(rows[n].size(), 5u) << r.out;
    EXPECT_EQ(rows[n][2], c.host_of(n).name());
    EXPECT_EQ(rows[n][3], "running");
    EXPECT_EQ(rows[n][4], std::to_string(c.node_pids(n).at(0)));
  }
  EXPECT_EQ(rows["manager"][1], "manager");
  EXPECT_EQ(rows["worker-3"][1], "worker");

  r = shell({"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json && json->is_array()) << r.out;
  ASSERT_EQ(json->size(), 5u);
  for (const Json& node : json->array()) {
    const std::string name = node["name"].str();
    EXPECT_EQ(node["status"].str(), "running") << name;
    EXPECT_EQ(node["host"].str(), c.host_of(name).name());
    EXPECT_EQ(node["pid"].integer(), c.node_pids(name).at(0)) << name;
    EXPECT_GT(node["started"].integer(), 0) << name;
  }

  // A partial stop: only worker-2; status then fails and says so.
  r = shell({"stop", "worker-2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("  worker-2 stopped\n"));
  EXPECT_THAT(r.out, HasSubstr("1 node(s) stopped\n"));
  expect_stopped({"worker-2"});
  expect_running({"manager", "proxy-1", "worker-1", "worker-3"});
  r = shell({"status"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  rows = status_rows(r.out);
  EXPECT_EQ(rows["worker-2"][3], "stopped");
  EXPECT_EQ(rows["worker-1"][3], "running");
  r = shell({"--json", "status"});
  EXPECT_EQ(r.exit_code, 1);
  json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  for (const Json& node : json->array()) {
    EXPECT_EQ(node["status"].str(), node["name"].str() == "worker-2" ? "stopped" : "running");
  }

  // restart: everything stops (workers first), then starts again with new processes.
  const pid_t old_manager = c.node_pids("manager").at(0);
  r = shell({"restart"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_LT(line_index(r.out, "stopping workers ..."), line_index(r.out, "stopping manager ..."));
  EXPECT_LT(line_index(r.out, "stopping manager ..."), line_index(r.out, "starting manager ..."));
  EXPECT_THAT(r.out, HasSubstr("5 node(s) started\n"));
  expect_running(kManualNodes);
  EXPECT_NE(c.node_pids("manager").at(0), old_manager);

  // stop: the reverse order, nothing left running.
  r = shell({"stop"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const long w = line_index(r.out, "stopping workers ...");
  const long p = line_index(r.out, "stopping proxies ...");
  const long m = line_index(r.out, "stopping manager ...");
  EXPECT_TRUE(w >= 0 && w < p && p < m) << r.out;
  EXPECT_GT(line_index(r.out, "  manager stopped"), m);
  EXPECT_THAT(r.out, HasSubstr("5 node(s) stopped\n"));
  expect_stopped(kManualNodes);
  r = shell({"status"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(ClusterLifecycle, ManualExampleInJson) {
  start_manual_cluster();
  SimCluster& c = *cluster_;

  auto r = shell({"--json", "start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json && json->is_object()) << r.out;  // one document, no progress text
  EXPECT_TRUE(json->operator[]("ok").boolean());
  EXPECT_EQ((*json)["started"].integer(), 5);
  EXPECT_EQ((*json)["failed"].integer(), 0);
  const Json& nodes = (*json)["nodes"];
  ASSERT_EQ(nodes.size(), 5u) << r.out;
  // In start order, with the stage each belongs to and the pid it got.
  EXPECT_EQ(nodes[0]["name"].str(), "manager");
  EXPECT_EQ(nodes[0]["stage"].str(), "manager");
  EXPECT_EQ(nodes[1]["stage"].str(), "proxies");
  EXPECT_EQ(nodes[4]["stage"].str(), "workers");
  for (const Json& n : nodes.array()) {
    EXPECT_TRUE(n["ok"].boolean()) << n["name"].str();
    EXPECT_EQ(n["host"].str(), c.host_of(n["name"].str()).name());
    EXPECT_EQ(n["pid"].integer(), c.node_pids(n["name"].str()).at(0));
  }

  r = shell({"stop", "worker-2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  EXPECT_EQ((*json)["stopped"].integer(), 1);
  EXPECT_EQ((*json)["nodes"][0]["name"].str(), "worker-2");
  EXPECT_FALSE((*json)["nodes"][0]["killed"].boolean());

  r = shell({"--json", "restart"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  EXPECT_TRUE((*json)["ok"].boolean());
  // worker-2 was stopped already: left untouched, counted apart.
  EXPECT_EQ((*json)["stop"]["stopped"].integer(), 4);
  EXPECT_EQ((*json)["stop"]["skipped"].integer(), 1);
  EXPECT_EQ((*json)["start"]["started"].integer(), 5);
  expect_running(kManualNodes);

  r = shell({"--json", "stop"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  EXPECT_EQ((*json)["stopped"].integer(), 5);
  EXPECT_EQ((*json)["nodes"][0]["stage"].str(), "workers");
  EXPECT_EQ((*json)["nodes"][4]["name"].str(), "manager");
  expect_stopped(kManualNodes);
}

TEST_F(ClusterLifecycle, InteractiveSessionAndStopThatHasToKill) {
  SimOptions options;
  options.stop_timeout = 0.3;
  cluster_ = std::make_unique<SimCluster>(options);
  SimCluster& c = *cluster_;
  SimHost& h1 = c.add_host();
  SimHost& h2 = c.add_host();
  c.add_node(h1, "manager", "manager");
  c.add_node(h1, "proxy-1", "proxy");
  c.add_node(h2, "worker-1", "worker");
  c.add_node(h2, "worker-2", "worker", {"env_vars=FAKE_IGNORE_TERM=1"});
  ASSERT_TRUE(c.start().is_ok());

  // The same commands typed at the prompt; the session's exit code is the last command's.
  RunOptions run;
  run.timeout = kCommand;
  run.stdin_data = "start\nstatus worker-1\nstop worker-2\n";
  auto r = run_process(c.shell_argv({}), run);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[BroCluster] > "));
  EXPECT_THAT(r.out, HasSubstr("4 node(s) started\n"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("worker-1 +worker +" + h2.name() + " +running"));
  // worker-2 ignores SIGTERM: stop says it had to kill it.
  EXPECT_THAT(r.out, HasSubstr("  worker-2 stopped (killed after StopTimeout)\n"));
  expect_stopped({"worker-2"});

  r = shell({"--json", "start", "worker-2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = shell({"--json", "stop", "workers"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  for (const Json& n : (*json)["nodes"].array())
    EXPECT_EQ(n["killed"].boolean(), n["name"].str() == "worker-2") << n["name"].str();

  // restart --clean: stop, cleanup (with crash records), start; one JSON document.
  r = shell({"--json", "restart", "--clean", "worker-1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  EXPECT_EQ((*json)["cleanup"][0]["name"].str(), "worker-1");
  EXPECT_TRUE((*json)["cleanup"][0]["ok"].boolean());
  EXPECT_EQ((*json)["start"]["started"].integer(), 1);
  expect_running({"worker-1"});
}

// start asks each host once before its three stages and reuses that answer (the installed
// version included) instead of asking again per stage and pinging afterwards; the shell's
// debug counter (BROCLUSTER_DEBUG_ROUND_TRIPS) says what it sent. Today's code: 14 requests
// in 7 waits for start.
TEST_F(ClusterLifecycle, StartAsksEachHostOnceAndReusesTheAnswer) {
  start_manual_cluster();
  ASSERT_EQ(setenv("BROCLUSTER_DEBUG_ROUND_TRIPS", "1", 1), 0);
  auto r = shell({"start"});
  expect_running(kManualNodes);
  auto s = shell({"status"});
  auto t = shell({"stop"});
  unsetenv("BROCLUSTER_DEBUG_ROUND_TRIPS");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // 4 hosts' status, then manager, proxy-1, the 3 workers: one wait per stage.
  EXPECT_THAT(r.err, HasSubstr("round trips: 9 requests in 4 waits")) << r.err;
  EXPECT_THAT(r.out, HasSubstr("5 node(s) started\n"));
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  EXPECT_THAT(s.err, HasSubstr("round trips: 4 requests in 1 waits")) << s.err;
  ASSERT_EQ(t.exit_code, 0) << t.out << t.err;
  // The hosts' status (unconfigured nodes and the nodes' states at once), then 3 stages.
  EXPECT_THAT(t.err, HasSubstr("round trips: 9 requests in 4 waits")) << t.err;
  expect_stopped(kManualNodes);
}

TEST_F(ClusterLifecycle, TwentyThreeNodesOverFiveHosts) {
  cluster_ = std::make_unique<SimCluster>();
  SimCluster& c = *cluster_;
  SimHost& h1 = c.add_host();
  SimHost& h2 = c.add_host();
  c.add_node(h1, "manager", "manager");
  c.add_node(h1, "proxy-1", "proxy");
  c.add_node(h2, "proxy-2", "proxy");
  // 20 workers: lb_procs=5 on each of four hosts (h2..h5).
  for (const char* section : {"worker-a", "worker-b", "worker-c", "worker-d"}) {
    SimHost& h = section[7] == 'a' ? h2 : c.add_host();
    c.add_node(h, section, "worker", {"lb_procs=5"});
  }
  ASSERT_EQ(c.node_names().size(), 23u);
  ASSERT_EQ(c.host_count(), 5u);
  const Status s = c.start();
  ASSERT_TRUE(s.is_ok()) << s.message();

  auto r = shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("23 node(s) started\n"));
  for (const auto& n : c.node_names())
    EXPECT_GE(line_index(r.out, "  " + n + " started (pid "), 0) << n << "\n" << r.out;
  expect_running(c.node_names());

  r = shell({"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json);
  ASSERT_EQ(json->size(), 23u);
  for (const Json& node : json->array()) {
    EXPECT_EQ(node["status"].str(), "running") << node["name"].str();
    EXPECT_EQ(node["host"].str(), c.host_of(node["name"].str()).name());
  }

  r = shell({"stop"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("23 node(s) stopped\n"));
  expect_stopped(c.node_names());
}

}  // namespace
}  // namespace bc::test
