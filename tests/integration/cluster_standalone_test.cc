// Standalone needs no setup: a BroBase with one standalone node and nothing running;
// `brocluster start` starts the broker and the supervisor itself (detached), `status`
// shows the node running, and a second `start` reuses the same daemons.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <iostream>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ClusterStandalone : public ::testing::Test {
 protected:
  void SetUp() override {
    const int port = choose_port_block(4);
    base_.write("etc/cluster.cfg",
                "NodeProgram = " + build_path("tests/fake_node/brocluster-fake-node") +
                    "\nBrokerPubPort = " + std::to_string(port) + "\nBrokerSubPort = " +
                    std::to_string(port + 1) + "\nSupervisorPort = " + std::to_string(port + 2) +
                    "\nCollectorPort = " + std::to_string(port + 3) +
                    "\nHeartbeatInterval = 0.2\nReadyGraceTime = 0.2\nStopTimeout = 2\n");
    base_.write("etc/node.cfg", "[bro]\ntype=standalone\nhost=localhost\n");
  }
  // Everything this test started: the daemons by their pid files, then whatever still
  // works in the BroBase (the node).
  void TearDown() override {
    if (HasFailure()) {
      std::cerr << file_text(spool() + "/supervisor.log") << file_text(spool() + "/broker.log");
    }
    for (const char* pid_file : {"broker.pid", "supervisor.pid", "collector.pid"}) {
      const pid_t pid = read_pid_file(spool() + "/" + pid_file);
      if (pid_belongs_to(pid, {base_.path()})) kill(pid, SIGKILL);
    }
    kill_all_under({base_.path()});
  }
  std::string spool() const { return base_.path() + "/spool"; }
  ProcessResult shell(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {build_path("shell/brocluster"), "--base", base_.path()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions run;
    run.timeout = Millis(30000);
    return run_process(argv, run);
  }

  TempDir base_;
};

TEST_F(ClusterStandalone, StartsItsOwnDaemonsAndReusesThem) {
  auto r = shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("starting brocluster-broker ..."));
  EXPECT_THAT(r.err, HasSubstr("starting brocluster-supervisor ..."));
  EXPECT_THAT(r.out, HasSubstr("starting bro ...\n"));
  EXPECT_THAT(r.out, HasSubstr("  bro started (pid "));
  const pid_t broker = read_pid_file(spool() + "/broker.pid");
  const pid_t supervisor = read_pid_file(spool() + "/supervisor.pid");
  ASSERT_TRUE(pid_alive(broker));
  ASSERT_TRUE(pid_alive(supervisor));
  const auto node = pids_with_env("CLUSTER_SPOOL=" + spool() + "/bro");
  ASSERT_EQ(node.size(), 1u);

  r = shell({"status"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, ::testing::ContainsRegex("bro +standalone +localhost +running +" +
                                              std::to_string(node[0])));

  // Again: the daemons are reused, the node is left running.
  r = shell({"start"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("starting brocluster-")));
  EXPECT_EQ(read_pid_file(spool() + "/broker.pid"), broker);
  EXPECT_EQ(read_pid_file(spool() + "/supervisor.pid"), supervisor);
  EXPECT_TRUE(pid_alive(broker));
  EXPECT_TRUE(pid_alive(supervisor));
  EXPECT_EQ(pids_with_env("CLUSTER_SPOOL=" + spool() + "/bro"), node);

  r = shell({"stop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(poll_until([&] { return !pid_alive(node[0]); }, Millis(5000)));
}

}  // namespace
}  // namespace bc::test
