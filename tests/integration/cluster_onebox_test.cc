// One-box clusters need no setup either: a BroBase whose manager, proxy and workers all run
// on this machine under one host name, with no daemon running. `brocluster start` starts
// the broker, the supervisor and the collector itself, as for a standalone node, and
// `brocluster daemons` manages them: `status` lists each with pid, endpoint and whether it
// answers, `stop` ends them and leaves the nodes (unless --with-nodes). A daemon that
// cannot start is reported with its own error and its log at once; a stale pid file does
// not block a start.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "common/unique_fd.h"
#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

using SteadyClock = std::chrono::steady_clock;

double seconds_since(SteadyClock::time_point t0) {
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

constexpr const char* kDaemons[] = {"broker", "supervisor", "collector", "web"};
constexpr const char* kNodes[] = {"manager", "proxy-1", "worker-1", "worker-2"};

class ClusterOneBox : public ::testing::Test {
 protected:
  // A manager, a proxy and two lb_procs workers on `host`.
  void write_config(const std::string& host) {
    port_ = choose_port_block(5);
    base_.write("etc/cluster.cfg",
                "NodeProgram = " + build_path("tests/fake_node/brocluster-fake-node") +
                    "\nBrokerPubPort = " + std::to_string(port_) + "\nBrokerSubPort = " +
                    std::to_string(port_ + 1) + "\nSupervisorPort = " + std::to_string(port_ + 2) +
                    "\nCollectorPort = " + std::to_string(port_ + 3) +
                    "\nWebPort = " + std::to_string(port_ + 4) +
                    "\nHeartbeatInterval = 0.2\nReadyGraceTime = 0.2\nStopTimeout = 2\n");
    base_.write("etc/node.cfg", "[manager]\ntype=manager\nhost=" + host +
                                    "\n[proxy-1]\ntype=proxy\nhost=" + host +
                                    "\n[worker]\ntype=worker\nhost=" + host + "\nlb_procs=2\n");
  }
  void SetUp() override { write_config("localhost"); }
  // Everything this test started: the daemons by their pid files, then whatever still
  // works in the BroBase (the nodes).
  void TearDown() override {
    if (HasFailure()) {
      for (const char* d : kDaemons)
        std::cerr << file_text(log(d));
    }
    for (const char* d : kDaemons) {
      const pid_t pid = read_pid_file(pid_file(d));
      if (pid_belongs_to(pid, {base_.path()})) kill(pid, SIGKILL);
    }
    kill_all_under({base_.path()});
  }
  std::string spool() const { return base_.path() + "/spool"; }
  std::string pid_file(const std::string& daemon) const { return spool() + "/" + daemon + ".pid"; }
  std::string log(const std::string& daemon) const { return spool() + "/" + daemon + ".log"; }
  // One-shot, or interactive with `input` on stdin when args are empty.
  ProcessResult shell(const std::vector<std::string>& args, const std::string& input = {}) const {
    const std::vector<std::string> argv = shell_argv_for(base_.path(), args);
    RunOptions run;
    run.timeout = Millis(30000);
    run.stdin_data = input;
    return run_process(argv, run);
  }
  std::vector<pid_t> node_pids(const std::string& node) const {
    return pids_with_env("CLUSTER_SPOOL=" + spool() + "/" + node);
  }
  // The daemons' pids, after checking that each runs.
  std::vector<pid_t> daemon_pids() const {
    std::vector<pid_t> out;
    for (const char* d : kDaemons) {
      const pid_t pid = read_pid_file(pid_file(d));
      EXPECT_TRUE(pid_alive(pid)) << d << " does not run";
      out.push_back(pid);
    }
    return out;
  }
  // Processes of this BroBase that are BroCluster daemons.
  std::vector<pid_t> daemons_left() const {
    std::vector<pid_t> out;
    for (pid_t pid : pids_under({base_.path()})) {
      const std::string cmdline = file_text("/proc/" + std::to_string(pid) + "/cmdline");
      for (const char* d : kDaemons) {
        if (cmdline.find(std::string("brocluster-") + d) != std::string::npos) out.push_back(pid);
      }
    }
    return out;
  }
  void expect_all_running() const {
    const auto r = shell({"--json", "status"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    auto doc = Json::parse(r.out);
    ASSERT_TRUE(doc && doc->size() == 4) << r.out << r.err;
    for (const Json& n : doc->array())
      EXPECT_EQ(n["status"].str(), "running") << n["name"].str();
  }

  TempDir base_;
  int port_ = 0;
};

TEST_F(ClusterOneBox, StartOnAFreshBroBaseStartsTheDaemonsAndEveryNode) {
  auto r = shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* d : kDaemons)
    EXPECT_THAT(r.err, HasSubstr(std::string("starting brocluster-") + d + " ...")) << r.err;
  EXPECT_THAT(r.out, HasSubstr("4 node(s) started\n"));
  const std::vector<pid_t> daemons = daemon_pids();
  for (const char* n : kNodes)
    EXPECT_EQ(node_pids(n).size(), 1u) << n;
  expect_all_running();

  // Again: the same daemons are reused.
  r = shell({"start"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("starting brocluster-")));
  EXPECT_THAT(r.out, HasSubstr("0 node(s) started, 4 already running\n"));
  EXPECT_EQ(daemon_pids(), daemons);
}

// 127.0.0.0/8 is this machine as well as "localhost" is.
TEST_F(ClusterOneBox, ALoopbackAddressAsHostIsOneBoxToo) {
  write_config("127.0.0.1");
  auto r = shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("starting brocluster-supervisor ..."));
  expect_all_running();
}

TEST_F(ClusterOneBox, DaemonsStatusListsEachDaemonWithPidEndpointAndWhetherItAnswers) {
  ASSERT_EQ(shell({"start"}).exit_code, 0);
  const std::vector<pid_t> pids = daemon_pids();
  const std::vector<std::string> endpoints = {
      // sub, supervisor, collector, web
      "tcp://127.0.0.1:" + std::to_string(port_ + 1),
      "tcp://127.0.0.1:" + std::to_string(port_ + 2),
      "tcp://127.0.0.1:" + std::to_string(port_ + 3),
      "http://127.0.0.1:" + std::to_string(port_ + 4) + "/"};

  auto r = shell({"daemons", "status"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("daemons of host localhost:\n"));
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_THAT(r.out, ContainsRegex(std::string("\n") + kDaemons[i] + " +" +
                                     std::to_string(pids[i]) + " +" + endpoints[i] + " +yes\n"))
        << r.out;
  }

  r = shell({"--json", "daemons"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc && (*doc)["daemons"].size() == 4) << r.out;
  EXPECT_TRUE((*doc)["ok"].boolean());
  EXPECT_EQ((*doc)["host"].str(), "localhost");
  for (std::size_t i = 0; i < 4; ++i) {
    const Json& d = (*doc)["daemons"][i];
    EXPECT_EQ(d["name"].str(), kDaemons[i]);
    EXPECT_EQ(d["pid"].integer(), pids[i]);
    EXPECT_EQ(d["endpoint"].str(), endpoints[i]);
    EXPECT_EQ(d["log"].str(), log(kDaemons[i]));
    EXPECT_TRUE(d["running"].boolean());
    EXPECT_TRUE(d["answers"].boolean()) << r.out;
  }

  // Not running: said so, and the exit code says that not all is well.
  ASSERT_EQ(shell({"daemons", "stop"}).exit_code, 0);
  r = shell({"daemons", "status"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  for (const char* d : kDaemons)
    EXPECT_THAT(r.out,
                ContainsRegex(std::string("\n") + d + " +- +[a-z]+://[0-9.:]+/? +not running\n"));
}

// The interactive shell knows the command, and `help` lists it.
TEST_F(ClusterOneBox, DaemonsWorksInTheInteractiveShell) {
  auto r = shell({}, "help\ndaemons start\ndaemons\ndaemons stop\nquit\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("  daemons [start|stop|restart|status]"));
  EXPECT_THAT(r.out, HasSubstr("brocluster-supervisor started (pid "));
  EXPECT_THAT(r.out, ContainsRegex("\nsupervisor +[0-9]+ +tcp://127.0.0.1:[0-9]+ +yes\n"));
  EXPECT_THAT(r.out, HasSubstr("stopped brocluster-supervisor (pid "));
  EXPECT_EQ(daemons_left(), std::vector<pid_t>{});
}

TEST_F(ClusterOneBox, DaemonsStopLeavesNoDaemonAndTheNodesRunUnlessWithNodes) {
  ASSERT_EQ(shell({"start"}).exit_code, 0);
  const std::vector<pid_t> daemons = daemon_pids();
  std::vector<pid_t> nodes;
  for (const char* n : kNodes)
    nodes.push_back(node_pids(n).at(0));

  auto r = shell({"daemons", "stop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_THAT(r.out, HasSubstr(std::string("stopped brocluster-") + kDaemons[i] + " (pid " +
                                 std::to_string(daemons[i]) + ")\n"));
    EXPECT_FALSE(pid_alive(daemons[i])) << kDaemons[i];
  }
  EXPECT_EQ(daemons_left(), std::vector<pid_t>{});
  for (std::size_t i = 0; i < nodes.size(); ++i)
    EXPECT_TRUE(pid_alive(nodes[i])) << kNodes[i];

  // The next command starts new daemons, which find the nodes where they were.
  expect_all_running();
  for (std::size_t i = 0; i < nodes.size(); ++i)
    EXPECT_EQ(node_pids(kNodes[i]), std::vector<pid_t>{nodes[i]}) << kNodes[i];

  r = shell({"--json", "daemons", "stop", "--with-nodes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc.has_value()) << r.out;
  EXPECT_EQ((*doc)["nodes"]["stopped"].integer(), 4) << r.out;
  EXPECT_EQ((*doc)["daemons"].size(), 4u) << r.out;
  EXPECT_EQ(daemons_left(), std::vector<pid_t>{});
  EXPECT_EQ(pids_under({base_.path()}), std::vector<pid_t>{}) << "nothing may be left behind";
}

// Listens on 127.0.0.1:`port` for the life of the object.
class PortHolder {
 public:
  explicit PortHolder(int port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
          listen(fd_.get(), 1) == 0;
  }
  bool ok() const { return ok_; }

 private:
  UniqueFd fd_;
  bool ok_ = false;
};

TEST_F(ClusterOneBox, ADaemonFailingOnAPortInUseIsReportedWithItsErrorWithinASecond) {
  // The keys exist already: what is timed is the broker's start and the supervisor's failure.
  ASSERT_EQ(shell({"keygen"}).exit_code, 0);
  PortHolder taken(port_ + 2);  // SupervisorPort
  ASSERT_TRUE(taken.ok());
  const auto t0 = SteadyClock::now();
  auto r = shell({"start"});
  const double took = seconds_since(t0);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(took, 1.0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error: brocluster-supervisor did not start: cannot listen on "
                               "tcp://127.0.0.1:" +
                               std::to_string(port_ + 2) +
                               ": Address already in use (its log: " + log("supervisor") + ")"))
      << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("did not answer")));
  EXPECT_EQ(node_pids("manager").size(), 0u);
}

// brocluster-web only watches: a start goes on without it, and says why it is missing.
TEST_F(ClusterOneBox, AWebDaemonThatCannotListenIsAWarningNotAFailedStart) {
  PortHolder taken(port_ + 4);  // WebPort
  ASSERT_TRUE(taken.ok());
  auto r = shell({"start"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: brocluster-web did not start: cannot listen on "
                               "127.0.0.1:" +
                               std::to_string(port_ + 4) + ": Address already in use"))
      << r.err;
  EXPECT_THAT(r.out, HasSubstr("4 node(s) started\n"));
  expect_all_running();
}

TEST_F(ClusterOneBox, ADaemonWithAnUnreadableKeyIsReportedWithItsError) {
  ASSERT_EQ(shell({"keygen"}).exit_code, 0);
  base_.write("etc/keys/secret/broker.key", "garbage\n");
  const auto t0 = SteadyClock::now();
  auto r = shell({"start"});
  const double took = seconds_since(t0);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(took, 1.0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error: brocluster-broker did not start: " + base_.path() +
                               "/etc/keys/secret/broker.key:1: "))
      << r.err;
  EXPECT_THAT(r.err, HasSubstr("(its log: " + log("broker") + ")")) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("starting brocluster-supervisor")));
}

TEST_F(ClusterOneBox, AStalePidFileDoesNotBlockAStart) {
  // The broker's names a process that is gone, the supervisor's one that is another
  // program now (this test), the collector's garbage.
  const pid_t gone = fork();
  if (gone == 0) _exit(0);
  ASSERT_GT(gone, 0);
  ASSERT_EQ(waitpid(gone, nullptr, 0), gone);
  base_.write("spool/broker.pid", std::to_string(gone) + "\n");
  base_.write("spool/supervisor.pid", std::to_string(getpid()) + "\n");
  base_.write("spool/collector.pid", "not a pid\n");

  // Nothing runs, so there is nothing to stop (and nothing to signal).
  auto r = shell({"daemons", "stop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("stopped")));

  r = shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("starting brocluster-supervisor ..."));
  const std::vector<pid_t> daemons = daemon_pids();
  EXPECT_NE(daemons[0], gone);
  EXPECT_NE(daemons[1], getpid());
  expect_all_running();
  EXPECT_TRUE(pid_alive(getpid()));  // and nobody was sent a signal meant for a daemon
}

}  // namespace
}  // namespace bc::test

namespace bc::test {
namespace {

// `brocluster <args>` run from `host`'s BroBase, as on that host.
ProcessResult shell_on(const SimHost& host, const std::vector<std::string>& args) {
  const std::vector<std::string> argv = shell_argv_for(host.base(), args);
  return run_process(argv);
}

// On a cluster of several hosts `daemons` manages the daemons of the host it runs on: the
// supervisor everywhere, broker and collector on BrokerHost only. Simulated hosts share
// this machine, so each names itself with --host.
TEST(ClusterDaemonsMultiHost, EachHostManagesItsOwnDaemons) {
  SimCluster c;
  SimHost& h1 = c.add_host();
  SimHost& h2 = c.add_host();
  c.add_node(h1, "manager", "manager");
  c.add_node(h1, "proxy-1", "proxy");
  c.add_node(h2, "worker-1", "worker");
  ASSERT_TRUE(c.start().is_ok()) << c.logs();
  ASSERT_TRUE(c.kill_supervisor(h2, SIGKILL).is_ok());

  // Several hosts of node.cfg are this machine: which one is asked for.
  auto r = shell_on(h2, {"daemons", "start"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("several hosts of node.cfg are this machine (" + h1.name() + ", " +
                               h2.name() + "); say which one with --host"));

  r = shell_on(h2, {"daemons", "start", "--host", h2.name()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("brocluster-supervisor started (pid "));
  EXPECT_THAT(r.err, Not(HasSubstr("brocluster-broker")));
  EXPECT_THAT(r.err, Not(HasSubstr("brocluster-collector")));
  EXPECT_TRUE(pid_alive(read_pid_file(h2.spool() + "/supervisor.pid")));

  r = shell_on(h2, {"--json", "daemons", "status", "--host", h2.name()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto doc = Json::parse(r.out);
  ASSERT_TRUE(doc && (*doc)["daemons"].size() == 1) << r.out;
  EXPECT_EQ((*doc)["daemons"][0]["name"].str(), "supervisor");
  EXPECT_EQ((*doc)["daemons"][0]["endpoint"].str(), c.supervisor_endpoint(h2));
  EXPECT_TRUE((*doc)["daemons"][0]["answers"].boolean()) << r.out;

  // The broker's host has all three; SimCluster runs no collector.
  r = shell_on(h1, {"daemons", "--host", h1.name()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, ContainsRegex("\nbroker +[0-9]+ +tcp://[0-9.:]+ +yes\n")) << r.out;
  EXPECT_THAT(r.out, ContainsRegex("\nsupervisor +[0-9]+ +tcp://[0-9.:]+ +yes\n")) << r.out;
  EXPECT_THAT(r.out, ContainsRegex("\ncollector +- +tcp://[0-9.:]+ +not running\n")) << r.out;

  // The cluster works with the supervisor `daemons` started.
  r = c.shell({"start"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(c.node_pids("worker-1").size(), 1u);
}

}  // namespace
}  // namespace bc::test
