// brocluster-supervisor starting nodes: replies, states, events on the bus, the node's
// environment and files, readiness (notify, grace time, slow start) and concurrent starts.

#include <filesystem>
#include <map>
#include <sstream>

#include "tests/integration/supervisor_fixture.h"

namespace bc::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(SupervisorTest, StartRunsEveryNodeInStartOrderAndStatusShowsThem) {
  ASSERT_NO_FATAL_FAILURE(start(3));
  const std::vector<std::string> names = {"manager", "proxy-1", "worker-1", "worker-2", "worker-3"};
  Client c = client();
  const msg::Reply r = c.call("start");
  ASSERT_TRUE(r.ok) << describe(r);
  std::map<std::string, std::int64_t> pids;
  for (const auto& name : names) {
    const msg::Value e = node_entry(r, name);
    EXPECT_TRUE(bool_field(e, "ok")) << name;
    EXPECT_EQ(str_field(e, "state"), "running") << name;
    EXPECT_EQ(str_field(e, "desired"), "running") << name;
    pids[name] = pid_of(e);
    EXPECT_GT(pids[name], 0) << name;
    EXPECT_TRUE(pid_alive(static_cast<pid_t>(pids[name]))) << name;
    EXPECT_THAT(states_of(name, "running"), ElementsAre("initializing", "running")) << name;
  }
  // The initializing events come in start order: manager, proxy, workers.
  std::vector<std::string> order;
  for (const auto& e :
       tap().all([](const BusEvent& e) { return e.state && e.state->state == "initializing"; }))
    order.push_back(e.state->node);
  EXPECT_EQ(order, names);
  const auto running = tap().wait_for(node_state(h(), "worker-2", "running"));
  ASSERT_TRUE(running);
  EXPECT_EQ(running->state->pid, pids["worker-2"]);
  EXPECT_EQ(running->state->node_type, "worker");
  EXPECT_EQ(running->state->desired, "running");

  const msg::Reply status = client().call("status");
  ASSERT_TRUE(status.ok) << describe(status);
  EXPECT_EQ(str_field(*status.result, "host"), h());
  for (const auto& name : names) {
    const msg::Value e = node_entry(status, name);
    EXPECT_EQ(str_field(e, "state"), "running") << name;
    EXPECT_EQ(pid_of(e), pids[name]) << name;
    EXPECT_GT(int_field(e, "started_at"), 0) << name;
  }
  const auto hb = fresh_heartbeat(host());
  ASSERT_TRUE(hb);
  EXPECT_EQ(hb->heartbeat->nodes_total, 5u);
  EXPECT_EQ(hb->heartbeat->nodes_running, 5u);

  // Starting again changes nothing: same pids, no new process, no event.
  ASSERT_NO_FATAL_FAILURE(settle());
  const msg::Reply again = c.call("start");
  ASSERT_TRUE(again.ok) << describe(again);
  for (const auto& name : names) {
    EXPECT_EQ(pid_of(node_entry(again, name)), pids[name]) << name;
    EXPECT_EQ(pids_with_env(host().spool_env(name)).size(), 1u) << name;
  }
  ASSERT_NO_FATAL_FAILURE(sync_bus());
  EXPECT_TRUE(tap().all(any_node_state(h(), "worker-1")).empty()) << tap().history();
}

TEST_F(SupervisorTest, TwoClientsStartingOneNodeTogetherStartItOnce) {
  // A slow start keeps the node initializing while both requests arrive.
  ASSERT_NO_FATAL_FAILURE(start(1, {}, {"env_vars=FAKE_SLOW_START_MS=400"}));
  Client a = client();
  Client b = client();
  const auto id_a = a.send("start", nodes_arg({"worker-1"}));
  const auto id_b = b.send("start", nodes_arg({"worker-1"}));
  const msg::Reply ra = a.wait(id_a);
  const msg::Reply rb = b.wait(id_b);
  ASSERT_TRUE(ra.ok) << describe(ra);
  ASSERT_TRUE(rb.ok) << describe(rb);
  const std::int64_t pid = pid_of(node_entry(ra, "worker-1"));
  EXPECT_GT(pid, 0);
  EXPECT_EQ(pid_of(node_entry(rb, "worker-1")), pid);
  EXPECT_EQ(str_field(node_entry(rb, "worker-1"), "state"), "running");
  EXPECT_EQ(pids_with_env(host().spool_env("worker-1")),
            std::vector<pid_t>{static_cast<pid_t>(pid)});
  EXPECT_EQ(file_text(host().node_dir("worker-1") + "/.pid"), std::to_string(pid) + "\n");
  ASSERT_NO_FATAL_FAILURE(sync_bus());
  EXPECT_THAT(states_of("worker-1", "running"), ElementsAre("initializing", "running"));
}

TEST_F(SupervisorTest, NodeGetsTheEnvironmentArgumentsFilesAndCpusOfTheContract) {
  SimOptions settings = supervisor_options();
  settings.extra.push_back("BroArgs = -C --site-arg");
  ASSERT_NO_FATAL_FAILURE(
      start(1, settings,
            {"interface=lo", "pin_cpus=0", "env_vars=FAKE_PRINT_ENV=1, SITE_VAR=hello world"}));
  const msg::Reply r = client().call("start", nodes_arg({"worker-1"}));
  ASSERT_TRUE(r.ok) << describe(r);
  const auto pid = static_cast<pid_t>(pid_of(node_entry(r, "worker-1")));
  const std::string dir = host().node_dir("worker-1");
  std::string out;
  ASSERT_TRUE(poll_until(
      [&] {
        out = file_text(dir + "/stdout.log");
        return out.find("fake node worker-1 ready") != std::string::npos;
      },
      Millis(5000)));
  EXPECT_THAT(out, HasSubstr("\nCLUSTER_NODE=worker-1\n"));
  EXPECT_THAT(out, HasSubstr("\nCLUSTER_NODE_TYPE=worker\n"));
  EXPECT_THAT(out, HasSubstr("\nCLUSTER_INTERFACE=lo\n"));
  EXPECT_THAT(out, HasSubstr("\nCLUSTER_SCRIPTS=cluster-worker"));
  EXPECT_THAT(out, HasSubstr("\nCLUSTER_NOTIFY_FD=3\n"));
  EXPECT_THAT(out, HasSubstr("\nCLUSTER_HOST=" + h() + "\n"));
  EXPECT_THAT(out, HasSubstr("\nCLUSTER_SPOOL=" + dir + "\n"));
  EXPECT_THAT(out, HasSubstr("\nSITE_VAR=hello world\n"));
  // Nodes start from the installed snapshot (HaveNFS=0: it carries the node program too),
  // taken from the host's own files at the supervisor's first start.
  const std::string installed = host().spool() + "/installed/current";
  EXPECT_THAT(out, HasSubstr("\nCLUSTER_INSTALL=" + installed + "\n"));
  EXPECT_THAT(out, HasSubstr("argv[0]=" + installed + "/bin/brocluster-fake-node\n"));
  EXPECT_THAT(out, HasSubstr("\nargv[1]=-C\nargv[2]=--site-arg\n"));

  for (const char* file : {".cmdline", ".env_vars", ".pid", ".startup"}) {
    EXPECT_FALSE(file_text(dir + "/" + file).empty()) << file;
  }
  EXPECT_THAT(file_text(dir + "/.cmdline"), HasSubstr("brocluster-fake-node -C --site-arg"));
  EXPECT_THAT(file_text(dir + "/.env_vars"), HasSubstr("SITE_VAR=hello world\n"));
  EXPECT_EQ(file_text(dir + "/.pid"), std::to_string(pid) + "\n");
  std::error_code ec;
  EXPECT_EQ(std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec).string(),
            dir);
  const std::string status = file_text("/proc/" + std::to_string(pid) + "/status");
  EXPECT_THAT(status, HasSubstr("Cpus_allowed_list:\t0\n"));
  // Its own session and process group: a dying supervisor does not take it along.
  const std::string stat = file_text("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  char state = 0;
  pid_t ppid = 0, pgrp = 0, session = 0;
  fields >> state >> ppid >> pgrp >> session;
  EXPECT_EQ(pgrp, pid);
  EXPECT_EQ(session, pid);
}

TEST_F(SupervisorTest, SlowStartStaysInitializingPastTheGraceTimeAndAnswersWhenReady) {
  SimOptions settings = supervisor_options();
  settings.ready_grace = 0.2;
  ASSERT_NO_FATAL_FAILURE(start(1, settings, {"env_vars=FAKE_SLOW_START_MS=1500"}));
  Client c = client();
  const auto t0 = std::chrono::steady_clock::now();
  const auto id = c.send("start", nodes_arg({"worker-1"}));
  ASSERT_TRUE(tap().next(node_state(h(), "worker-1", "initializing"), kWait));
  ASSERT_NO_FATAL_FAILURE(wait_on_bus_until(t0, 0.7));
  EXPECT_EQ(str_field(client().status_of("worker-1"), "state"), "initializing");
  EXPECT_FALSE(c.poll(id)) << "start answered before the node was ready";
  const msg::Reply r = c.wait(id);
  const double elapsed = seconds_since(t0);
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_EQ(str_field(node_entry(r, "worker-1"), "state"), "running");
  EXPECT_GE(elapsed, 1.5);
  EXPECT_TRUE(tap().next(node_state(h(), "worker-1", "running"), kWait));
}

TEST_F(SupervisorTest, ProgramWithoutNotifyRunsAfterTheGraceTimeOneWithNotifyAtOnce) {
  SimOptions settings = supervisor_options();
  settings.ready_grace = 1.5;
  ASSERT_NO_FATAL_FAILURE(start(0, settings, {}, [](SimCluster& c, SimHost& host) {
    c.add_standard_nodes(host, 0);
    c.add_node(host, "worker-1", "worker", {"env_vars=FAKE_NO_NOTIFY=1"});
    c.add_node(host, "worker-2", "worker");
  }));
  Client c = client();
  auto t0 = std::chrono::steady_clock::now();
  msg::Reply r = c.call("start", nodes_arg({"worker-2"}));
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_LT(seconds_since(t0), 1.5) << "a node that says ready need not wait out the grace time";

  t0 = std::chrono::steady_clock::now();
  r = c.call("start", nodes_arg({"worker-1"}));
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_GE(seconds_since(t0), 1.5);
  EXPECT_EQ(str_field(node_entry(r, "worker-1"), "state"), "running");
  EXPECT_THAT(states_of("worker-1", "running"), ElementsAre("initializing", "running"));
}

}  // namespace
}  // namespace bc::test
