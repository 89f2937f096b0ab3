// NodeProfile = zeek with the real supervisor, broker and collector and the fake `zeek`
// (tests/fake_zeek): a one-box cluster started as zeekctl starts it, a worker killed and
// repaired, a start that fails, a stop that has to kill, a standalone node (docs/ZEEK.md).

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/supervisor_fixture.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& path) {
  return split_lines(file_text(path));
}

void write_text(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// A Zeek "installation": <prefix>/bin/zeek is the fake, its control file <prefix>/fake-zeek.cfg.
class ZeekProfileTest : public SupervisorTest {
 protected:
  void SetUp() override {
    fs::create_directories(prefix_.path() + "/bin");
    fs::copy_file(build_path("tests/fake_zeek/brocluster-fake-zeek"), zeek_path());
    fs::permissions(zeek_path(), fs::perms::owner_all);
    control({"* version=6.0.3", "* print_env=1"});
  }

  std::string zeek_path() const { return prefix_.path() + "/bin/zeek"; }
  void control(const std::vector<std::string>& lines) {
    std::ofstream out(prefix_.path() + "/fake-zeek.cfg");
    for (const auto& line : lines)
      out << line << '\n';
  }

  SimOptions zeek_settings() {
    SimOptions s = supervisor_options();
    s.extra = {"NodeProfile = zeek", "ZeekPath = " + zeek_path(), "RestartBackoffJitter = 0"};
    return s;
  }

  // A manager, a proxy and two lb_procs workers on one host, with the layout Zeek looks for
  // put into the site policy dir (the install of issue 17 point 3 generates it into auto/).
  void start_one_box(std::optional<SimOptions> settings = {},
                     const std::string& worker_fields = "") {
    const std::string text = layout(worker_fields);
    ASSERT_NO_FATAL_FAILURE(
        start(0, settings.value_or(zeek_settings()), {}, [&text](SimCluster& c, SimHost& h) {
          c.add_node(h, "manager", "manager");
          c.add_node(h, "proxy-1", "proxy");
          c.add_node(h, "worker", "worker", {"lb_procs=2", "interface=lo"});
          write_text(h.base() + "/policy/local/cluster-layout.zeek", text);
        }));
  }

  static std::string layout(const std::string& worker_fields) {
    std::string text = "redef Cluster::nodes = {\n";
    for (const char* n : {"manager", "proxy-1", "worker-1", "worker-2"})
      text += std::string("\t[\"") + n + "\"] = [$node_type=Cluster::WORKER" +
              (std::string(n).starts_with("worker") ? worker_fields : "") + "],\n";
    return text + "};\n";
  }

  void start_collector() {
    RunOptions o;
    o.timeout = std::chrono::seconds(20);
    const ProcessResult r =
        run_process({build_path("collector/brocluster-collector"), "--base", host().base()}, o);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  TempDir prefix_;
};

TEST_F(ZeekProfileTest, OneBoxClusterStartsAsZeekctlDoesIsRepairedAndStops) {
  ASSERT_NO_FATAL_FAILURE(start_one_box());
  const msg::Reply r = client().call("start");
  ASSERT_TRUE(r.ok) << describe(r);
  for (const char* name : {"manager", "proxy-1", "worker-1", "worker-2"}) {
    EXPECT_EQ(str_field(node_entry(r, name), "state"), "running") << name;
    EXPECT_EQ(file_text(host().node_dir(name) + "/.status"), "RUNNING [run_loop]\n") << name;
  }
  // zeekctl's argv and environment, in the node's spool dir.
  const std::string dir = host().node_dir("worker-1");
  const auto argv = lines_of(dir + "/fake-zeek.argv");
  const std::vector<std::string> expected = {"-i",
                                             "lo",
                                             "-U",
                                             ".status",
                                             "-p",
                                             "zeekctl",
                                             "-p",
                                             "zeekctl-live",
                                             "-p",
                                             "local",
                                             "-p",
                                             "worker-1",
                                             "local.zeek",
                                             "brocluster",
                                             "base/frameworks/cluster",
                                             "brocluster/auto"};
  EXPECT_EQ(argv, expected);
  const auto env = lines_of(dir + "/fake-zeek.env");
  EXPECT_TRUE(has_line(env, "CLUSTER_NODE=worker-1")) << file_text(dir + "/fake-zeek.env");
  const std::string installed = host().spool() + "/installed/current";
  EXPECT_TRUE(
      has_line(env, "ZEEKPATH=" + installed + "/site/1:" + installed + "/auto:" + installed +
                        "/policy/zeek:" + prefix_.path() + "/share/zeek:" + prefix_.path() +
                        "/share/zeek/policy:" + prefix_.path() +
                        "/share/zeek/site:" + prefix_.path() + "/share/zeek/builtin-plugins"))
      << file_text(dir + "/fake-zeek.env");
  EXPECT_THAT(file_text(dir + "/.cmdline"), HasSubstr("-U .status -p zeekctl"));
  EXPECT_THAT(file_text(dir + "/.env_vars"), HasSubstr("CLUSTER_NODE=worker-1"));
  for (const char* file : {"/.pid", "/.startup", "/stdout.log", "/stderr.log"})
    EXPECT_TRUE(fs::exists(dir + file)) << file;
  EXPECT_THAT(file_text(dir + "/stdout.log"), HasSubstr("fake zeek worker-1 running"));

  // kill -9 of a worker: crashed, then restarted by the collector, RUNNING again.
  ASSERT_NO_FATAL_FAILURE(start_collector());
  const auto old_pid = static_cast<pid_t>(pid_of(node_entry(r, "worker-2")));
  tap().skip();
  ASSERT_EQ(kill(old_pid, SIGKILL), 0);
  ASSERT_TRUE(tap().next(node_state(h(), "worker-2", "crashed"), kWait)) << tap().history();
  const auto back = tap().next(node_state(h(), "worker-2", "running"), kWait);
  ASSERT_TRUE(back) << tap().history();
  EXPECT_NE(back->state->pid, old_pid);
  EXPECT_EQ(file_text(host().node_dir("worker-2") + "/.status"), "RUNNING [run_loop]\n");

  const msg::Reply stopped = client().call("stop");
  ASSERT_TRUE(stopped.ok) << describe(stopped);
  for (const char* name : {"manager", "proxy-1", "worker-1", "worker-2"}) {
    const msg::Value e = node_entry(stopped, name);
    EXPECT_EQ(str_field(e, "state"), "stopped") << name;
    EXPECT_FALSE(bool_field(e, "killed")) << name;
    EXPECT_EQ(file_text(host().node_dir(name) + "/.status"), "TERMINATED [atexit]\n") << name;
    EXPECT_TRUE(pids_with_env(host().spool_env(name)).empty()) << name;
  }
}

TEST_F(ZeekProfileTest, ZeekEndingDuringItsStartFailsTheStartWithItsStatus) {
  control({"worker-1 crash_at_start=1"});
  ASSERT_NO_FATAL_FAILURE(start_one_box());
  const msg::Reply r = client().call("start", nodes_arg({"worker-1"}));
  ASSERT_FALSE(r.ok) << describe(r);
  ASSERT_TRUE(r.error);
  EXPECT_THAT(r.error->message,
              HasSubstr("worker-1 terminated immediately after starting; check output with diag"));
  EXPECT_THAT(r.error->message, HasSubstr(".status: TERMINATED [fatal_error]"));
  EXPECT_EQ(str_field(node_entry(r, "worker-1"), "state"), "crashed");
  EXPECT_THAT(file_text(host().node_dir("worker-1") + "/stderr.log"),
              HasSubstr("told to fail at start"));
  // The crash record keeps Zeek's own account: its .status line and reporter.log.
  const auto crash = tap().wait_for(crash_of(h(), "worker-1"), kWait);
  ASSERT_TRUE(crash) << tap().history();
  EXPECT_EQ(crash->crash->status_line, "TERMINATED [fatal_error]");
  EXPECT_THAT(crash->crash->reporter_tail.value_or(""), HasSubstr("fake reporter error"));
  EXPECT_THAT(crash->crash->stderr_tail, HasSubstr("told to fail at start"));
  const auto records = host().crash_records("worker-1");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(file_text(records[0] + "/report.txt"),
              HasSubstr(".status:    TERMINATED [fatal_error]"));
  EXPECT_THAT(file_text(records[0] + "/report.txt"), HasSubstr("==== reporter.log (tail)"));
}

TEST_F(ZeekProfileTest, ZeekWithoutItsClusterLayoutIsReportedAtStart) {
  ASSERT_NO_FATAL_FAILURE(start(1, zeek_settings()));  // no cluster-layout.zeek anywhere
  const msg::Reply r = client().call("start", nodes_arg({"worker-1"}));
  ASSERT_FALSE(r.ok) << describe(r);
  EXPECT_THAT(r.error->message, HasSubstr("terminated immediately after starting"));
  EXPECT_THAT(file_text(host().node_dir("worker-1") + "/stderr.log"),
              HasSubstr("can't find cluster-layout"));
}

TEST_F(ZeekProfileTest, TheFakeRefusesALayoutFieldItsZeekVersionLacks) {
  control({"* version=7.2.0"});
  ASSERT_NO_FATAL_FAILURE(start_one_box({}, ", $interface=\"lo\""));
  const msg::Reply r = client().call("start", nodes_arg({"worker-1"}));
  ASSERT_FALSE(r.ok) << describe(r);
  EXPECT_THAT(file_text(host().node_dir("worker-1") + "/stderr.log"),
              HasSubstr("field 'interface' is not in record Cluster::Node of Zeek 7.2.0"));
  control({"* version=7.0.0"});  // 7.0 still had $interface
  EXPECT_TRUE(client().call("start", nodes_arg({"worker-1"})).ok);
}

TEST_F(ZeekProfileTest, SlowStartStaysInitializingUntilStatusSaysRunning) {
  control({"worker-1 slow_start_ms=1500"});
  ASSERT_NO_FATAL_FAILURE(start_one_box());
  const auto t0 = std::chrono::steady_clock::now();
  const msg::Reply r = client().call("start", nodes_arg({"worker-1"}));
  ASSERT_TRUE(r.ok) << describe(r);
  // ReadyGraceTime (0.3 s) does not apply: Zeek said INITIALIZING until 1.5 s.
  EXPECT_GE(seconds_since(t0), 1.5);
  EXPECT_EQ(str_field(node_entry(r, "worker-1"), "state"), "running");
}

TEST_F(ZeekProfileTest, SlowStopIsKilledAfterStopTimeout) {
  control({"worker-1 slow_stop_ms=-1"});
  ASSERT_NO_FATAL_FAILURE(start_one_box());
  ASSERT_TRUE(client().call("start", nodes_arg({"worker-1"})).ok);
  const auto t0 = std::chrono::steady_clock::now();
  const msg::Reply r = client().call("stop", nodes_arg({"worker-1"}));
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_GE(seconds_since(t0), 1.0);  // StopTimeout of supervisor_options()
  const msg::Value e = node_entry(r, "worker-1");
  EXPECT_TRUE(bool_field(e, "killed"));
  EXPECT_EQ(str_field(e, "state"), "stopped");
  EXPECT_EQ(file_text(host().node_dir("worker-1") + "/.status"), "TERMINATING [sig_handler]\n");
  EXPECT_TRUE(pids_with_env(host().spool_env("worker-1")).empty());
}

TEST_F(ZeekProfileTest, CrashDuringShutdownIsReportedAsSuch) {
  control({"worker-1 crash_on_term=1"});
  ASSERT_NO_FATAL_FAILURE(start_one_box());
  ASSERT_TRUE(client().call("start", nodes_arg({"worker-1"})).ok);
  const msg::Reply r = client().call("stop", nodes_arg({"worker-1"}));
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_TRUE(bool_field(node_entry(r, "worker-1"), "crashed_during_shutdown")) << describe(r);
}

TEST_F(ZeekProfileTest, ExitWithoutTerminatedDuringStopIsACrashDuringShutdown) {
  control({"worker-1 exit_on_term=0"});  // exit code 0, but Zeek never said TERMINATED
  ASSERT_NO_FATAL_FAILURE(start_one_box());
  ASSERT_TRUE(client().call("start", nodes_arg({"worker-1"})).ok);
  const msg::Reply r = client().call("stop", nodes_arg({"worker-1"}));
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_TRUE(bool_field(node_entry(r, "worker-1"), "crashed_during_shutdown")) << describe(r);
  const auto crash = tap().wait_for(crash_of(h(), "worker-1"), kWait);
  ASSERT_TRUE(crash) << tap().history();
}

TEST_F(ZeekProfileTest, StandaloneGetsNoClusterNodeAndTheStandaloneScripts) {
  control({"* version=8.2.0", "* print_env=1"});
  ASSERT_NO_FATAL_FAILURE(start(0, zeek_settings(), {}, [](SimCluster& c, SimHost& h) {
    c.add_node(h, "zeek", "standalone");
  }));
  const msg::Reply r = client().call("start");
  ASSERT_TRUE(r.ok) << describe(r);
  const std::string dir = host().node_dir("zeek");
  const std::vector<std::string> expected = {"-U",
                                             ".status",
                                             "-p",
                                             "zeekctl",
                                             "-p",
                                             "zeekctl-live",
                                             "-p",
                                             "standalone",
                                             "-p",
                                             "local",
                                             "-p",
                                             "zeek",
                                             "policy/frameworks/cluster/backend/zeromq",
                                             "local.zeek",
                                             "brocluster",
                                             "brocluster/standalone",
                                             "brocluster/auto"};
  EXPECT_EQ(lines_of(dir + "/fake-zeek.argv"), expected);
  EXPECT_THAT(file_text(dir + "/fake-zeek.env"), Not(HasSubstr("CLUSTER_NODE=")));
  EXPECT_TRUE(client().call("stop").ok);
}

TEST_F(ZeekProfileTest, MissingZeekBinaryIsNamedInTheStartError) {
  SimOptions s = zeek_settings();
  s.extra.push_back("ZeekPath = /nonexistent/bin/zeek");
  ASSERT_NO_FATAL_FAILURE(start(1, s));
  const msg::Reply r = client().call("start", nodes_arg({"worker-1"}));
  ASSERT_FALSE(r.ok) << describe(r);
  EXPECT_THAT(r.error->message, HasSubstr("/nonexistent/bin/zeek"));
}

}  // namespace
}  // namespace bc::test
