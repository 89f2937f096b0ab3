// docs/examples/monitor.py, the example subscriber written from docs/PROTOCOL.md alone,
// against a live cluster: it prints the node_state events of a start, and with --status
// a supervisor's snapshot first (the Clone pattern).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <iostream>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

constexpr const char* kPython = "/usr/bin/python3";  // Debian's: python3-zmq, python3-msgpack
constexpr Millis kMonitorWait{15000};

class ClusterMonitor : public ::testing::Test {
 protected:
  void SetUp() override {
    RunOptions run;
    run.timeout = Millis(20000);
    const auto r = run_process({kPython, "-c", "import zmq, msgpack"}, run);
    if (r.exit_code != 0) GTEST_SKIP() << "python3-zmq/python3-msgpack missing (scripts/deps.sh)";
  }
  void TearDown() override {
    if (HasFailure()) {
      if (monitor_) std::cerr << monitor_->stdout_text() << monitor_->stderr_text();
      std::cerr << cluster_.logs();
    }
  }
  std::vector<std::string> monitor_argv(const std::vector<std::string>& args) {
    // The bus is encrypted: the example speaks CURVE with a key of the cluster.
    const std::string base = cluster_.host(0).base();
    std::vector<std::string> argv = {kPython,
                                     source_path("docs/examples/monitor.py"),
                                     cluster_.broker_sub_endpoint(),
                                     "--key",
                                     base + "/etc/keys/secret/admin.key",
                                     "--keys",
                                     base + "/etc/keys",
                                     "--status-host",
                                     cluster_.host(0).name()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  SimCluster cluster_;
  std::unique_ptr<BackgroundProcess> monitor_;
};

TEST_F(ClusterMonitor, PrintsTheStartAndASnapshot) {
  SimHost& h1 = cluster_.add_host();
  cluster_.add_node(h1, "manager", "manager");
  cluster_.add_node(h1, "proxy-1", "proxy");
  cluster_.add_node(h1, "worker-1", "worker");
  ASSERT_TRUE(cluster_.start().is_ok());

  monitor_ = std::make_unique<BackgroundProcess>(
      monitor_argv({"--prefix", "node.", "--prefix", "hb.", "--seconds", "60"}));
  // Subscribed once a heartbeat comes through.
  ASSERT_TRUE(next_json(*monitor_, is_heartbeat(h1.name(), "supervisor"), kMonitorWait));
  auto r = cluster_.shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(await_states(*monitor_, {"manager", "proxy-1", "worker-1"}, "running", kMonitorWait),
              ::testing::IsEmpty());
  std::optional<Json> running;
  for (const auto& line : monitor_->lines()) {
    auto j = Json::parse(line);
    if (j && is_node_state("worker-1", "running")(*j)) running = std::move(j);
  }
  ASSERT_TRUE(running);
  EXPECT_EQ((*running)["topic"].str().rfind("node." + h1.name() + ".", 0), 0u);
  EXPECT_EQ((*running)["host"].str(), h1.name());
  EXPECT_GT((*running)["pid"].integer(), 0);
  // No sequence gap in an uninterrupted stream.
  for (const auto& line : monitor_->lines())
    EXPECT_EQ(line.find("\"gap\""), std::string::npos) << line;

  // --status: the snapshot first, then only the events newer than it (heartbeats here).
  RunOptions run;
  run.timeout = Millis(20000);
  const auto snap = run_process(monitor_argv({"--status", cluster_.supervisor_endpoint(h1),
                                              "--prefix", "hb.", "--count", "4"}),
                                run);
  ASSERT_EQ(snap.exit_code, 0) << snap.out << snap.err;
  const auto lines = split_lines(snap.out);
  ASSERT_EQ(lines.size(), 5u) << snap.out;
  const auto snapshot = Json::parse(lines[0]);
  ASSERT_TRUE(snapshot) << lines[0];
  const Json& nodes = (*snapshot)["snapshot"]["nodes"];
  ASSERT_EQ(nodes.size(), 3u) << lines[0];
  for (const Json& n : nodes.array()) {
    EXPECT_EQ(n["state"].str(), "running") << n["name"].str();
    EXPECT_EQ(n["pid"].integer(), cluster_.node_pids(n["name"].str()).at(0));
  }
  // The supervisor's events that the snapshot reflects are not shown again: the heartbeat
  // that told the monitor its subscription was in place came before it.
  const std::int64_t snapshot_seq = (*snapshot)["snapshot"]["seq"].integer();
  EXPECT_GT(snapshot_seq, 0);
  EXPECT_GT((*snapshot)["snapshot"]["state_version"].integer(), 0);
  int supervisor_beats = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto event = Json::parse(lines[i]);
    ASSERT_TRUE(event) << lines[i];
    EXPECT_EQ((*event)["type"].str(), "heartbeat");
    if ((*event)["role"].str() != "supervisor") continue;
    EXPECT_GT((*event)["seq"].integer(), snapshot_seq) << lines[i];
    ++supervisor_beats;
  }
  EXPECT_GT(supervisor_beats, 0) << snap.out;
}

}  // namespace
}  // namespace bc::test
