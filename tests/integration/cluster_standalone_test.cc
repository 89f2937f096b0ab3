// Standalone needs no setup: a BroBase with one standalone node and nothing running;
// `brocluster start` starts the broker and the supervisor itself (detached), `status`
// shows the node running, and a second `start` reuses the same daemons and says that the
// node already runs. A relative --base works as well as an absolute one.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ClusterStandalone : public ::testing::Test {
 protected:
  void SetUp() override { write_config(build_path("tests/fake_node/brocluster-fake-node")); }
  void write_config(const std::string& node_program, const std::string& extra = "") {
    const int port = choose_port_block(5);
    base_.write("etc/cluster.cfg",
                "NodeProgram = " + node_program + "\nBrokerPubPort = " + std::to_string(port) +
                    "\nBrokerSubPort = " + std::to_string(port + 1) + "\nSupervisorPort = " +
                    std::to_string(port + 2) + "\nCollectorPort = " + std::to_string(port + 3) +
                    "\nWebPort = " + std::to_string(port + 4) +
                    "\nHeartbeatInterval = 0.2\nReadyGraceTime = 0.2\nStopTimeout = 2\n" + extra);
    base_.write("etc/node.cfg", "[bro]\ntype=standalone\nhost=localhost\n");
  }
  // Everything this test started: the daemons by their pid files, then whatever still
  // works in the BroBase (the node).
  void TearDown() override {
    if (HasFailure()) {
      std::cerr << file_text(spool() + "/supervisor.log") << file_text(spool() + "/broker.log");
    }
    // A daemon started with a relative --base names the BroBase only by its last part.
    const std::vector<std::string> ours = {base_.path(),
                                           std::filesystem::path(base_.path()).filename()};
    for (const char* pid_file : {"broker.pid", "supervisor.pid", "collector.pid"}) {
      const pid_t pid = read_pid_file(spool() + "/" + pid_file);
      if (pid_belongs_to(pid, ours)) kill(pid, SIGKILL);
    }
    kill_all_under(ours);
  }
  std::string spool() const { return base_.path() + "/spool"; }
  ProcessResult shell(const std::vector<std::string>& args) {
    return shell_in({}, base_.path(), args);
  }
  // The shell run in `cwd` with `--base <base>` (relative to cwd or not).
  ProcessResult shell_in(const std::string& cwd, const std::string& base,
                         const std::vector<std::string>& args) {
    const std::vector<std::string> argv = shell_argv_for(base, args);
    RunOptions run;
    run.timeout = Millis(30000);
    run.cwd = cwd;
    return run_process(argv, run);
  }
  // The one JSON document of `r` (its whole stdout); a failure names the output.
  static Json document(const ProcessResult& r) {
    auto doc = Json::parse(r.out);
    EXPECT_TRUE(doc.has_value()) << "not one JSON document: " << r.out << r.err;
    return doc.value_or(Json());
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

  // Again: the daemons are reused, the node is left running, and the shell says so (exit
  // code 0, as zeekctl: the node is where it was asked to be).
  r = shell({"start"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("  bro is already running (pid " + std::to_string(node[0]) + ")\n"));
  EXPECT_THAT(r.out, HasSubstr("0 node(s) started, 1 already running\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("bro started")));
  EXPECT_THAT(r.err, Not(HasSubstr("starting brocluster-")));
  EXPECT_EQ(read_pid_file(spool() + "/broker.pid"), broker);
  EXPECT_EQ(read_pid_file(spool() + "/supervisor.pid"), supervisor);
  EXPECT_TRUE(pid_alive(broker));
  EXPECT_TRUE(pid_alive(supervisor));
  EXPECT_EQ(pids_with_env("CLUSTER_SPOOL=" + spool() + "/bro"), node);

  // --json counts it apart: skipped, not started.
  r = shell({"--json", "start"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  Json doc = document(r);
  EXPECT_EQ(doc["started"].integer(), 0) << r.out;
  EXPECT_EQ(doc["skipped"].integer(), 1) << r.out;
  EXPECT_TRUE(doc["ok"].boolean()) << r.out;
  EXPECT_TRUE(doc["nodes"][0]["skipped"].boolean()) << r.out;
  EXPECT_EQ(doc["nodes"][0]["pid"].integer(), node[0]) << r.out;

  r = shell({"stop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("  bro stopped\n"));
  EXPECT_THAT(r.out, HasSubstr("1 node(s) stopped\n"));
  EXPECT_TRUE(poll_until([&] { return !pid_alive(node[0]); }, Millis(5000)));

  // Stopping it again changes nothing and says so.
  r = shell({"stop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("  bro is already stopped\n"));
  EXPECT_THAT(r.out, HasSubstr("0 node(s) stopped, 1 already stopped\n"));
  r = shell({"--json", "stop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  doc = document(r);
  EXPECT_EQ(doc["stopped"].integer(), 0) << r.out;
  EXPECT_EQ(doc["skipped"].integer(), 1) << r.out;
}

// `brocluster --base brobase start` from the BroBase's parent, as people type it, with the
// node program inside the BroBase (so that it runs from the installed snapshot): the
// daemons the shell starts get an absolute BroBase and the node runs.
TEST_F(ClusterStandalone, RelativeBaseStartsTheNode) {
  std::filesystem::create_directories(base_.path() + "/bin");
  std::filesystem::copy_file(build_path("tests/fake_node/brocluster-fake-node"),
                             base_.path() + "/bin/fake-node");
  write_config(base_.path() + "/bin/fake-node");
  const std::filesystem::path base(base_.path());
  const std::string parent = base.parent_path().string();
  const std::string relative = base.filename().string();

  auto r = shell_in(parent, relative, {"start"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("  bro started (pid ")) << r.err;
  r = shell_in(parent, relative, {"status"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, ::testing::ContainsRegex("bro +standalone +localhost +running")) << r.err;
  EXPECT_EQ(pids_with_env("CLUSTER_SPOOL=" + spool() + "/bro").size(), 1u);
  r = shell_in(parent, relative, {"stop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

// The daemons make their own --base absolute too: a supervisor started by hand with a
// relative one runs nodes all the same.
TEST_F(ClusterStandalone, SupervisorStartedWithARelativeBaseRunsNodes) {
  std::filesystem::create_directories(base_.path() + "/bin");
  std::filesystem::copy_file(build_path("tests/fake_node/brocluster-fake-node"),
                             base_.path() + "/bin/fake-node");
  write_config(base_.path() + "/bin/fake-node");
  const std::filesystem::path base(base_.path());
  ASSERT_EQ(shell({"keygen"}).exit_code, 0);
  RunOptions run;
  run.cwd = base.parent_path().string();
  auto sup = run_process(
      {build_path("supervisor/brocluster-supervisor"), "--base", base.filename().string()}, run);
  const pid_t by_hand = read_pid_file(spool() + "/supervisor.pid");
  ASSERT_EQ(sup.exit_code, 0) << sup.out << sup.err;
  auto r = shell({"start"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("  bro started (pid ")) << r.err;
  EXPECT_EQ(pids_with_env("CLUSTER_SPOOL=" + spool() + "/bro").size(), 1u);
  r = shell({"stop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(read_pid_file(spool() + "/supervisor.pid"), by_hand);
}

// --json: a failed command prints one document on stdout, the error in it.
TEST_F(ClusterStandalone, JsonStopOfAnUnknownNodeIsOneErrorDocument) {
  auto r = shell({"--json", "stop", "nosuchnode"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  Json doc = document(r);
  EXPECT_FALSE(doc["ok"].boolean());
  EXPECT_EQ(doc["error"]["code"].str(), "not_found") << r.out;
  EXPECT_THAT(doc["error"]["message"].str(), HasSubstr("unknown node 'nosuchnode'"));
}

// --json on every command of `help` (tap aside: it streams one event per line), once as it
// succeeds and once as it fails: stdout is exactly one JSON document each time, and a
// failure's document says so with the exit code.
TEST_F(ClusterStandalone, JsonGivesOneDocumentForEveryCommand) {
  ASSERT_EQ(shell({"start"}).exit_code, 0);
  const std::vector<std::vector<std::string>> runs = {{"analysis"},
                                                      {"attachgdb"},
                                                      {"capstats", "0.2"},
                                                      {"check"},
                                                      {"config"},
                                                      {"cron", "?"},
                                                      {"daemons"},
                                                      {"df"},
                                                      {"diag"},
                                                      {"exec", "true"},
                                                      {"help"},
                                                      {"install"},
                                                      {"keygen"},
                                                      {"keys"},
                                                      {"netstats"},
                                                      {"nodes"},
                                                      {"peerstatus"},
                                                      {"print", "Scan::scan_interval"},
                                                      {"scripts"},
                                                      {"status"},
                                                      {"top"},
                                                      {"update"},
                                                      {"restart"},
                                                      {"deploy"},
                                                      {"stop"},
                                                      {"cleanup"},
                                                      {"start"},
                                                      // Failures.
                                                      {"analysis", "enable", "nosuchanalysis"},
                                                      {"attachgdb", "nosuchnode"},
                                                      {"capstats", "0"},
                                                      {"cleanup", "nosuchnode"},
                                                      {"cron", "sideways"},
                                                      {"daemons", "sideways"},
                                                      {"df", "nosuchnode"},
                                                      {"diag", "nosuchnode"},
                                                      {"exec"},
                                                      {"exec", "false"},
                                                      {"help", "nosuchcommand"},
                                                      {"keygen", "root", "x"},
                                                      {"keys", "revoke", "nosuchkey"},
                                                      {"netstats", "nosuchnode"},
                                                      {"nodes", "nosuchnode"},
                                                      {"peerstatus", "nosuchnode"},
                                                      {"print"},
                                                      {"process", "/nonexistent.pcap"},
                                                      {"restart", "nosuchnode"},
                                                      {"scripts", "nosuchnode"},
                                                      {"start", "nosuchnode"},
                                                      {"status", "nosuchnode"},
                                                      {"top", "nosuchnode"},
                                                      {"update", "nosuchnode"},
                                                      {"nosuchcommand"}};
  for (const auto& args : runs) {
    std::vector<std::string> argv = {"--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = shell(argv);
    const auto doc = Json::parse(r.out);
    EXPECT_TRUE(doc.has_value()) << "brocluster --json " << ::testing::PrintToString(args)
                                 << " printed not one JSON document: '" << r.out << "'" << r.err;
    if (doc && r.exit_code != 0 && (*doc)["error"].is_object()) {
      EXPECT_EQ((*doc)["exit_code"].integer(), r.exit_code);
      EXPECT_FALSE((*doc)["error"]["message"].str().empty()) << r.out;
    }
  }
}

// A node whose program cannot be executed fails to start; diag tells why (there is no crash
// record: it never ran).
TEST_F(ClusterStandalone, DiagOfANodeThatCouldNotStartShowsTheExecError) {
  write_config(base_.path() + "/no-such-program");
  auto r = shell({"start"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  r = shell({"diag"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("No crash record; state failed: "));
  EXPECT_THAT(r.out, HasSubstr("no-such-program")) << r.out;
}

// Issue 18: the documented LockFile was never taken (two deploys at once both ran). The
// commands that change the cluster now run one at a time across shells: a second one waits
// up to LockTimeout and then names the holder, with its command and since when; a reading
// command never waits; a holder stopped past the deadline loses the lock.
TEST_F(ClusterStandalone, ASecondChangingCommandWaitsForTheLockAndNamesItsHolder) {
  write_config(build_path("tests/fake_node/brocluster-fake-node"),
               "LockTimeout = 1\nStartTimeout = 20\nenv_vars = FAKE_SLOW_START_MS=3000\n");
  const std::string lock = spool() + "/lock";
  BackgroundProcess first({build_path("shell/brocluster"), "--base", base_.path(), "start"});
  ASSERT_TRUE(poll_until([&] { return file_text(lock, "").find("start") != std::string::npos; },
                         Millis(10000)))
      << first.stderr_text();
  auto r = shell({"stop"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("waiting for lock " + lock + " held by pid " +
                               std::to_string(first.pid()) + " (start, since "));
  EXPECT_THAT(r.err, HasSubstr("gave up after 1.0 s"));
  r = shell({"status"});
  EXPECT_THAT(r.err, Not(HasSubstr("waiting for lock")));
  EXPECT_EQ(first.wait_exit(Millis(30000)), 0) << first.stderr_text();
  EXPECT_EQ(file_text(lock, "?"), "") << "released: nobody named as holder";

  BackgroundProcess second({build_path("shell/brocluster"), "--base", base_.path(), "restart"});
  ASSERT_TRUE(poll_until([&] { return file_text(lock, "").find("restart") != std::string::npos; },
                         Millis(10000)))
      << second.stderr_text();
  second.send_signal(SIGSTOP);
  r = shell({"stop"});
  second.send_signal(SIGCONT);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("(restart, since "));
  EXPECT_THAT(r.err, HasSubstr("stopped past the deadline: taken over"));
  (void)second.wait_exit(Millis(30000));
}

// Issue 18: check accepted a program= that does not exist and a sendmail that is missing.
// A node program missing for a node of this machine is an error (its start would fail); a
// missing sendmail is a warning (the cluster runs, its mails do not go out).
TEST_F(ClusterStandalone, CheckReportsAMissingNodeProgramAndAMissingSendmail) {
  write_config(build_path("tests/fake_node/brocluster-fake-node"),
               "MailTo = ops@example.org\nSendMailCommand = /nonexistent/sendmail -t\n"
               "PolicyDir = " +
                   source_path("policy") + "\nSitePolicyPath = " + source_path("policy/local") +
                   "\n");
  base_.write("etc/node.cfg",
              "[bro]\ntype=standalone\nhost=localhost\nprogram=/nonexistent/zeek\n");
  auto r = shell({"check"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("error: " + base_.path() +
                               "/etc/node.cfg:1: [bro] program=/nonexistent/zeek: does not exist"));
  EXPECT_THAT(r.err, HasSubstr("warning: " + base_.path() +
                               "/etc/cluster.cfg: SendMailCommand '/nonexistent/sendmail -t': "
                               "does not exist: crash reports and alerts cannot be mailed"));
  base_.write("etc/node.cfg", "[bro]\ntype=standalone\nhost=localhost\n");
  r = shell({"check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: ")) << "the sendmail is still missing";
  EXPECT_THAT(r.err, Not(HasSubstr("error: "))) << r.err;
}

}  // namespace
}  // namespace bc::test
