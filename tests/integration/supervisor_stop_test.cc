// brocluster-supervisor stopping nodes: SIGTERM, SIGKILL after StopTimeout, a crash during
// shutdown, and a slow stop that must not hold up other clients.

#include <filesystem>

#include "tests/integration/supervisor_fixture.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(SupervisorTest, StopSendsTermAndTheNodeExits) {
  ASSERT_NO_FATAL_FAILURE(start(2));
  Client c = client();
  const msg::Reply started = c.call("start");
  ASSERT_TRUE(started.ok) << describe(started);
  const auto pid = static_cast<pid_t>(pid_of(node_entry(started, "worker-1")));
  ASSERT_NO_FATAL_FAILURE(settle());

  const msg::Reply r = c.call("stop", nodes_arg({"worker-1"}));
  ASSERT_TRUE(r.ok) << describe(r);
  const msg::Value e = node_entry(r, "worker-1");
  EXPECT_EQ(str_field(e, "state"), "stopped");
  EXPECT_EQ(str_field(e, "desired"), "stopped");
  EXPECT_FALSE(bool_field(e, "killed"));
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_THAT(file_text(host().node_dir("worker-1") + "/stdout.log"),
              HasSubstr("fake node terminating"));
  EXPECT_THAT(states_of("worker-1", "stopped"), ElementsAre("terminating", "stopped"));
  EXPECT_TRUE(host().crash_records("worker-1").empty());
  EXPECT_EQ(str_field(c.status_of("worker-2"), "state"), "running");
  // Stopping a stopped node is a no-op that succeeds.
  const msg::Reply again = c.call("stop", nodes_arg({"worker-1"}));
  EXPECT_TRUE(again.ok) << describe(again);
}

TEST_F(SupervisorTest, StopKillsANodeThatIgnoresTermAfterStopTimeout) {
  SimOptions settings = supervisor_options();
  settings.stop_timeout = 0.5;
  ASSERT_NO_FATAL_FAILURE(start(1, settings, {"env_vars=FAKE_IGNORE_TERM=1"}));
  Client c = client();
  const msg::Reply started = c.call("start", nodes_arg({"worker-1"}));
  ASSERT_TRUE(started.ok) << describe(started);
  const auto pid = static_cast<pid_t>(pid_of(node_entry(started, "worker-1")));

  const auto t0 = std::chrono::steady_clock::now();
  const msg::Reply r = c.call("stop", nodes_arg({"worker-1"}));
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_GE(seconds_since(t0), 0.5);
  const msg::Value e = node_entry(r, "worker-1");
  EXPECT_TRUE(bool_field(e, "killed"));
  EXPECT_EQ(str_field(e, "state"), "stopped");
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_TRUE(pids_with_env(host().spool_env("worker-1")).empty());
  EXPECT_THAT(states_of("worker-1", "stopped"),
              ElementsAre("initializing", "running", "terminating", "stopped"));
  EXPECT_TRUE(host().crash_records("worker-1").empty()) << "a SIGKILL we sent is no crash";
}

TEST_F(SupervisorTest, CrashDuringShutdownIsRecordedButNotRestarted) {
  ASSERT_NO_FATAL_FAILURE(start(1, {}, {"env_vars=FAKE_CRASH_ON_TERM=1"}));
  Client c = client();
  ASSERT_TRUE(c.call("start", nodes_arg({"worker-1"})).ok);
  ASSERT_NO_FATAL_FAILURE(settle());

  const msg::Reply r = c.call("stop", nodes_arg({"worker-1"}));
  ASSERT_TRUE(r.ok) << describe(r);
  const msg::Value e = node_entry(r, "worker-1");
  EXPECT_TRUE(bool_field(e, "crashed_during_shutdown")) << describe(r);
  EXPECT_FALSE(bool_field(e, "killed"));
  EXPECT_EQ(str_field(e, "state"), "crashed");
  EXPECT_EQ(str_field(e, "desired"), "stopped");
  EXPECT_THAT(states_of("worker-1", "crashed"), ElementsAre("terminating", "crashed"));
  const auto crashed = tap().wait_for(node_state(h(), "worker-1", "crashed"));
  ASSERT_TRUE(crashed);
  EXPECT_EQ(crashed->state->signal, 6);
  EXPECT_EQ(crashed->state->desired, "stopped");
  const auto crash = tap().wait_for(crash_of(h(), "worker-1"), Millis(40000));
  ASSERT_TRUE(crash);
  EXPECT_TRUE(fs::exists(crash->crash->record_dir + "/report.txt"));
  EXPECT_EQ(host().crash_records("worker-1").size(), 1u);
  const msg::Value status = c.status_of("worker-1");
  EXPECT_EQ(str_field(status, "state"), "crashed");
  EXPECT_EQ(str_field(status, "desired"), "stopped");
}

TEST_F(SupervisorTest, SlowStopDoesNotHoldUpAnotherClientsStatus) {
  SimOptions settings = supervisor_options();
  settings.stop_timeout = 2.0;
  ASSERT_NO_FATAL_FAILURE(start(1, settings, {"env_vars=FAKE_IGNORE_TERM=1"}));
  Client a = client();
  Client b = client();
  ASSERT_TRUE(a.call("start", nodes_arg({"worker-1"})).ok);

  const auto t0 = std::chrono::steady_clock::now();
  const auto stop_id = a.send("stop", nodes_arg({"worker-1"}));
  ASSERT_TRUE(tap().next(node_state(h(), "worker-1", "terminating"), kWait));
  const msg::Reply status = b.call("status", msg::Value::empty_map(), Millis(1500));
  ASSERT_TRUE(status.ok) << describe(status);
  EXPECT_LT(seconds_since(t0), 2.0) << "status waited for the stop";
  EXPECT_EQ(str_field(node_entry(status, "worker-1"), "state"), "terminating");
  EXPECT_TRUE(b.call("ping", msg::Value::empty_map(), Millis(1500)).ok);
  EXPECT_FALSE(a.poll(stop_id)) << "stop answered before StopTimeout";

  const msg::Reply stopped = a.wait(stop_id);
  ASSERT_TRUE(stopped.ok) << describe(stopped);
  EXPECT_TRUE(bool_field(node_entry(stopped, "worker-1"), "killed"));
  EXPECT_GE(seconds_since(t0), 2.0);
}

}  // namespace
}  // namespace bc::test
