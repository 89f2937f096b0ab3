// print, netstats and peerstatus of Zeek nodes through the real `brocluster` shell, on a
// one-box cluster (manager, proxy, two lb_procs workers) of the fake `zeek`, whose manager
// serves the WebSocket control endpoint that Zeek >= 8.0 with our script package offers
// (docs/ZEEK.md, "Control channel"). The shell asks each node's supervisor, which talks
// to the manager's listener; two shells asking at once each get their own answers; an
// older Zeek gets "needs Zeek 8.0 or later".

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kDaemons[] = {"broker", "supervisor", "collector"};
constexpr const char* kOneBox =
    "[manager]\ntype=manager\nhost=localhost\n[proxy-1]\ntype=proxy\nhost=localhost\n"
    "[worker]\ntype=worker\nhost=localhost\nlb_procs=2\ninterface=lo\n";

class ZeekControl : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(prefix_.path() + "/bin");
    fs::copy_file(build_path("tests/fake_zeek/brocluster-fake-zeek"), zeek_path());
    fs::permissions(zeek_path(), fs::perms::owner_all);
    // The distribution's policy dir (our zeek script package among it), as a BroBase has it.
    fs::copy(std::string(BC_SOURCE_DIR) + "/policy", base_.path() + "/policy",
             fs::copy_options::recursive);
    write_config("8.2.0", {});
  }
  void TearDown() override {
    if (HasFailure()) {
      for (const char* d : kDaemons)
        std::cerr << file_text(spool() + "/" + d + ".log");
    }
    for (const char* d : kDaemons) {
      const pid_t pid = read_pid_file(spool() + "/" + d + ".pid");
      if (pid_belongs_to(pid, {base_.path()})) kill(pid, SIGKILL);
    }
    kill_all_under({base_.path(), prefix_.path()});
  }

  std::string zeek_path() const { return prefix_.path() + "/bin/zeek"; }
  std::string spool() const { return base_.path() + "/spool"; }

  // A one-box zeek cluster; every port from the test range (ZeekPort: XPUB, XSUB, control
  // and 4 nodes; MetricsPort: 4 nodes; then the listener); the fake's control file.
  void write_config(const std::string& version, const std::vector<std::string>& control,
                    const std::string& node_cfg = kOneBox) {
    const int bus = choose_port_block(4);
    const int zeek = choose_port_block(12);
    base_.write("etc/cluster.cfg",
                "NodeProfile = zeek\nZeekPath = " + zeek_path() + "\nBrokerPubPort = " +
                    std::to_string(bus) + "\nBrokerSubPort = " + std::to_string(bus + 1) +
                    "\nSupervisorPort = " + std::to_string(bus + 2) + "\nCollectorPort = " +
                    std::to_string(bus + 3) + "\nZeekPort = " + std::to_string(zeek) +
                    "\nMetricsPort = " + std::to_string(zeek + 7) +
                    "\nZeekControlPort = " + std::to_string(zeek + 11) +
                    "\nCommTimeout = 3\nHeartbeatInterval = 0.2\nReadyGraceTime = 0.2\n"
                    "StopTimeout = 2\n");
    base_.write("etc/node.cfg", node_cfg);
    // The site policy every node loads (SitePolicyScripts): install's `zeek -a` wants it.
    base_.write("policy/local/local.zeek", "# site policy\n");
    std::ofstream out(prefix_.path() + "/fake-zeek.cfg");
    out << "* version=" << version << "\n";
    for (const auto& line : control)
      out << line << '\n';
  }

  ProcessResult shell(const std::vector<std::string>& args) const {
    return run_shell(base_.path(), args);
  }
  std::unique_ptr<BackgroundProcess> shell_background(const std::vector<std::string>& args) const {
    return std::make_unique<BackgroundProcess>(shell_argv_for(base_.path(), args));
  }

  void install_and_start() {
    auto r = shell({"install"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    r = shell({"start"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  TempDir base_;
  TempDir prefix_;
};

TEST_F(ZeekControl, PrintNetstatsAndPeerstatusAnswerThroughTheManagersListener) {
  write_config("8.2.0", {"worker-1 id:Site::local_nets={10.0.0.0/8}", "* peers=manager"});
  ASSERT_NO_FATAL_FAILURE(install_and_start());

  auto r = shell({"print", "Cluster::node"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* n : {"manager", "proxy-1", "worker-1", "worker-2"})
    EXPECT_THAT(r.out, ContainsRegex(std::string("(^|\n)") + n + " +Cluster::node = " + n + "\n"))
        << r.out << r.err;

  r = shell({"print", "Site::local_nets", "worker-1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, ContainsRegex("worker-1 +Site::local_nets = \\{10.0.0.0/8\\}\n"));

  r = shell({"print", "No::such_id", "worker-2"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out + r.err, HasSubstr("unknown identifier 'No::such_id'"));

  r = shell({"netstats"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* n : {"worker-1", "worker-2"}) {
    EXPECT_THAT(r.out, ContainsRegex(std::string(n) + ": [0-9.]+ recvd=1234 dropped=5 link=1240\n"))
        << r.out << r.err;
  }

  r = shell({"peerstatus", "worker-1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("worker-1:\n  manager (zeek peer) 127.0.0.1 peered"));

  // --json: the same entries as for our own node program.
  r = shell({"--json", "print", "Cluster::node", "proxy-1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc && doc->size() == 1) << r.out;
  EXPECT_EQ((*doc)[0]["result"]["value"].str(), "proxy-1") << r.out;
}

TEST_F(ZeekControl, TwoShellsAskingAtOnceEachGetTheirOwnAnswers) {
  // Slow answers, so that the two conversations overlap on the manager's listener; the
  // fake sends every answer to every connection subscribed to a prefix of its topic.
  write_config("8.2.0", {"* ws_delay_ms=600", "worker-1 id:Test::x=from-worker-1-x",
                         "worker-1 id:Test::y=from-worker-1-y"});
  ASSERT_NO_FATAL_FAILURE(install_and_start());
  auto first = shell_background({"print", "Test::x", "worker-1"});
  auto second = shell_background({"print", "Test::y", "worker-1"});
  ASSERT_EQ(first->wait_exit(Millis(20000)), 0) << first->stdout_text() << first->stderr_text();
  ASSERT_EQ(second->wait_exit(Millis(20000)), 0) << second->stdout_text() << second->stderr_text();
  EXPECT_THAT(first->stdout_text(), ContainsRegex("worker-1 +Test::x = from-worker-1-x\n"));
  EXPECT_THAT(first->stdout_text(), Not(HasSubstr("Test::y")));
  EXPECT_THAT(second->stdout_text(), ContainsRegex("worker-1 +Test::y = from-worker-1-y\n"));
  EXPECT_THAT(second->stdout_text(), Not(HasSubstr("Test::x")));
}

TEST_F(ZeekControl, StandaloneNodeAnswersOnItsOwnListener) {
  write_config("8.0.0", {"zeek id:Test::x=standalone-x"},
               "[zeek]\ntype=standalone\nhost=localhost\ninterface=lo\n");
  ASSERT_NO_FATAL_FAILURE(install_and_start());
  auto r = shell({"print", "Test::x"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, ContainsRegex("zeek +Test::x = standalone-x\n")) << r.out << r.err;
  r = shell({"netstats"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, ContainsRegex("zeek: [0-9.]+ recvd=1234 dropped=5 link=1240\n"));
}

TEST_F(ZeekControl, ZeekBefore8SaysTheCommandsNeedIt) {
  write_config("7.2.0", {});
  ASSERT_NO_FATAL_FAILURE(install_and_start());
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"print", "Cluster::node", "worker-1"},
        std::vector<std::string>{"netstats", "worker-1"},
        std::vector<std::string>{"peerstatus", "worker-1"}}) {
    const auto r = shell(cmd);
    EXPECT_NE(r.exit_code, 0) << cmd[0];
    EXPECT_THAT(r.out + r.err, HasSubstr("needs Zeek 8.0 or later (found 7.2)")) << cmd[0];
  }
  // start/status work as before.
  const auto status = shell({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
}

}  // namespace
}  // namespace bc::test
