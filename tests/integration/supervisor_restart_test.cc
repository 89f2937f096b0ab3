// brocluster-supervisor dying and coming back: nodes outlive it, a new supervisor
// re-adopts them (same pids, no second copies) and reports the ones that died meanwhile;
// SIGTERM leaves the nodes running; a second supervisor on one BroBase is refused.

#include <signal.h>

#include <filesystem>
#include <map>

#include "tests/integration/supervisor_fixture.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::vector<std::string> node_names(int workers) {
  std::vector<std::string> names = {"manager", "proxy-1"};
  for (int i = 1; i <= workers; ++i)
    names.push_back("worker-" + std::to_string(i));
  return names;
}

TEST_F(SupervisorTest, RestartedSupervisorReadoptsLiveNodesAndReportsTheDeadOne) {
  ASSERT_NO_FATAL_FAILURE(start(18));
  const auto names = node_names(18);
  ASSERT_EQ(names.size(), 20u);
  Client c = client();
  const msg::Reply started = c.call("start", msg::Value::empty_map(), Millis(30000));
  ASSERT_TRUE(started.ok) << describe(started);
  std::map<std::string, pid_t> pids;
  for (const auto& name : names)
    pids[name] = static_cast<pid_t>(pid_of(node_entry(started, name)));
  ASSERT_NO_FATAL_FAILURE(settle());

  ASSERT_TRUE(cluster().kill_supervisor(host(), SIGKILL).is_ok());
  const std::string victim = "worker-7";
  ASSERT_EQ(::kill(pids[victim], SIGKILL), 0);
  ASSERT_TRUE(poll_until([&] { return !pid_alive(pids[victim]); }, Millis(5000)));
  for (const auto& name : names) {
    if (name == victim) continue;
    EXPECT_TRUE(pid_alive(pids[name])) << name << " died with its supervisor";
  }

  const Status restarted = cluster().start_supervisor(host());
  ASSERT_TRUE(restarted.is_ok()) << restarted.message();
  Client again = client();
  const msg::Reply status = again.call("status");
  ASSERT_TRUE(status.ok) << describe(status);
  for (const auto& name : names) {
    const msg::Value e = node_entry(status, name);
    if (name == victim) {
      EXPECT_EQ(str_field(e, "state"), "crashed");
      EXPECT_EQ(str_field(e, "desired"), "running");
      EXPECT_EQ(pid_of(e), 0);
      EXPECT_THAT(str_field(e, "reason"), HasSubstr("status unknown"));
      EXPECT_TRUE(pids_with_env(host().spool_env(name)).empty());
      continue;
    }
    EXPECT_EQ(str_field(e, "state"), "running") << name;
    EXPECT_EQ(pid_of(e), pids[name]) << name;
    EXPECT_EQ(pids_with_env(host().spool_env(name)), std::vector<pid_t>{pids[name]})
        << "exactly one " << name;
  }

  // The bus hears of every node, the first ones restored included (events published at
  // start-up wait for the bus), and the record says why it knows so little of the dead one.
  for (const auto& name : names) {
    if (name == victim) continue;
    const auto adopted = tap().wait_for(node_state(h(), name, "running"), kWait);
    ASSERT_TRUE(adopted) << name << "\n" << tap().history();
    EXPECT_EQ(adopted->state->pid, pids[name]);
    EXPECT_THAT(adopted->state->reason.value_or(""), HasSubstr("re-adopted")) << name;
  }
  const auto crashed = tap().wait_for(node_state(h(), victim, "crashed"), kWait);
  ASSERT_TRUE(crashed) << tap().history();
  EXPECT_EQ(crashed->state->prev_state, "running");
  EXPECT_THAT(crashed->state->reason.value_or(""), HasSubstr("status unknown"));
  const auto crash = tap().wait_for(crash_of(h(), victim), kWait);
  ASSERT_TRUE(crash) << tap().history();
  EXPECT_EQ(crash->crash->pid, pids[victim]);
  EXPECT_THAT(file_text(crash->crash->record_dir + "/report.txt"), HasSubstr("status unknown"));
  ASSERT_EQ(host().crash_records(victim).size(), 1u);

  // Adopted nodes are watched: another death is seen at once, and stop still works.
  ASSERT_EQ(::kill(pids["worker-3"], SIGKILL), 0);
  const auto gone = tap().next(node_state(h(), "worker-3", "crashed"), kWait);
  ASSERT_TRUE(gone) << tap().history();
  EXPECT_THAT(gone->state->reason.value_or(""), HasSubstr("status unknown"));
  const msg::Reply stopped = again.call("stop", msg::Value::empty_map(), Millis(30000));
  ASSERT_TRUE(stopped.ok) << describe(stopped);
  for (const auto& name : names) {
    EXPECT_FALSE(pid_alive(pids[name])) << name;
    EXPECT_EQ(str_field(node_entry(stopped, name), "state"), "stopped") << name;
  }
}

TEST_F(SupervisorTest, SupervisorTermLeavesNodesRunningAndASecondOneIsRefused) {
  ASSERT_NO_FATAL_FAILURE(start(2));
  Client c = client();
  const msg::Reply started = c.call("start");
  ASSERT_TRUE(started.ok) << describe(started);
  const auto worker = static_cast<pid_t>(pid_of(node_entry(started, "worker-1")));
  const pid_t first = host().supervisor_pid();

  const ProcessResult second = cluster().run_supervisor(host());
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err, HasSubstr("already running with pid " + std::to_string(first)));
  EXPECT_THAT(second.err, HasSubstr(host().spool() + "/supervisor.pid"));
  EXPECT_TRUE(c.call("ping").ok) << "the first one still serves";
  EXPECT_EQ(int_field(*c.call("ping").result, "pid"), first);

  ASSERT_TRUE(cluster().kill_supervisor(host(), SIGTERM).is_ok());
  EXPECT_TRUE(pid_alive(worker));
  EXPECT_EQ(pids_with_env(host().spool_env("worker-1")), std::vector<pid_t>{worker});
  EXPECT_TRUE(fs::exists(host().spool() + "/supervisor.state.a"));

  // A supervisor started afterwards takes the same nodes over.
  const Status restarted = cluster().start_supervisor(host());
  ASSERT_TRUE(restarted.is_ok()) << restarted.message();
  const msg::Value e = client().status_of("worker-1");
  EXPECT_EQ(str_field(e, "state"), "running");
  EXPECT_EQ(pid_of(e), worker);
}

}  // namespace
}  // namespace bc::test
