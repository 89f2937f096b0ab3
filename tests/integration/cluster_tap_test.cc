// `brocluster tap` following the bus: the events of a start and of a crash (and the
// crash's diag and cleanup), a clean end when its reader goes away (`| head`), and the
// bus flowing again to the same tap after the broker is killed and restarted.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>
#include <map>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using SteadyClock = std::chrono::steady_clock;

constexpr Millis kWait{15000};  // only a failing test waits this long

class ClusterTap : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) {
      if (tap_) std::cerr << "---- tap output\n" << tap_->stdout_text() << tap_->stderr_text();
      std::cerr << cluster_.logs();
    }
  }

  // host1: manager, proxy-1; host2: worker-1, worker-2.
  void start_cluster() {
    SimHost& h1 = cluster_.add_host();
    SimHost& h2 = cluster_.add_host();
    cluster_.add_node(h1, "manager", "manager");
    cluster_.add_node(h1, "proxy-1", "proxy");
    cluster_.add_node(h2, "worker-1", "worker");
    cluster_.add_node(h2, "worker-2", "worker");
    const Status s = cluster_.start();
    ASSERT_TRUE(s.is_ok()) << s.message();
  }

  // A `tap --json` whose subscription is in place: a heartbeat of every supervisor came
  // through it.
  void start_tap() {
    tap_ = cluster_.shell_background({"tap", "--json"});
    for (std::size_t i = 0; i < cluster_.host_count(); ++i) {
      ASSERT_TRUE(next_json(*tap_, is_heartbeat(cluster_.host(i).name(), "supervisor"), kWait))
          << "no heartbeat of " << cluster_.host(i).name();
    }
  }

  SimCluster cluster_;
  std::unique_ptr<BackgroundProcess> tap_;
};

TEST_F(ClusterTap, JsonShowsTheStartAndACrash) {
  start_cluster();
  start_tap();
  auto r = cluster_.shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> nodes = {"manager", "proxy-1", "worker-1", "worker-2"};
  EXPECT_THAT(await_states(*tap_, nodes, "running", kWait), ::testing::IsEmpty());
  // Every node went through initializing first (in the lines already read).
  for (const auto& n : nodes) {
    long initializing = -1, running = -1;
    for (std::size_t i = 0; i < tap_->lines().size(); ++i) {
      const auto j = Json::parse(tap_->lines()[i]);
      if (j && is_node_state(n, "initializing")(*j) && initializing < 0) initializing = long(i);
      if (j && is_node_state(n, "running")(*j) && running < 0) running = long(i);
    }
    EXPECT_GE(initializing, 0) << n;
    EXPECT_LT(initializing, running) << n;
  }

  // A SIGKILL of worker-1's process: crashed, then the crash record's event.
  const auto pids = cluster_.node_pids("worker-1");
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(kill(pids[0], SIGKILL), 0);
  // Both events, in either order: without a core file the supervisor may announce the
  // record before the state change (they come from one publisher, seq tells the order).
  std::optional<Json> crashed, crash;
  while (!crashed || !crash) {
    auto event = next_json(
        *tap_,
        [](const Json& j) {
          return is_node_state("worker-1", "crashed")(j) || is_crash("worker-1")(j);
        },
        kWait);
    if (!event) break;
    ((*event)["type"].str() == "crash" ? crash : crashed) = std::move(event);
  }
  ASSERT_TRUE(crashed);
  ASSERT_TRUE(crash);
  EXPECT_EQ((*crashed)["prev_state"].str(), "running");
  EXPECT_EQ((*crashed)["host"].str(), cluster_.host(1).name());
  EXPECT_EQ((*crashed)["signal"].integer(), SIGKILL);
  EXPECT_EQ((*crash)["host"].str(), cluster_.host(1).name());
  EXPECT_EQ((*crash)["pid"].integer(), pids[0]);
  EXPECT_EQ((*crash)["signal"].integer(), SIGKILL);
  EXPECT_FALSE((*crash)["record_dir"].str().empty());

  // The shell sees it too: status fails naming the state, diag prints the report.
  r = cluster_.shell({"status", "worker-1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr(" crashed "));
  r = cluster_.shell({"diag", "worker-1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("[worker-1]"));
  EXPECT_THAT(r.out, HasSubstr(std::to_string(pids[0])));
  EXPECT_THAT(r.out, HasSubstr("signal 9"));
  EXPECT_THAT(r.out, Not(HasSubstr("No crash record")));

  // cleanup resets the crashed node to stopped, with its crash records (--all).
  r = cluster_.shell({"cleanup", "--all", "worker-1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("cleaned up worker-1"));
  r = cluster_.shell({"--json", "status", "worker-1"});
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json) << r.out;
  EXPECT_EQ((*json)[0]["status"].str(), "stopped");
  r = cluster_.shell({"diag", "worker-1"});
  EXPECT_THAT(r.out, HasSubstr("No crash record"));
  // The tap is still following: the cleanup's state change came through.
  EXPECT_TRUE(next_json(*tap_, is_node_state("worker-1", "stopped"), kWait));
}

TEST_F(ClusterTap, EndsCleanlyWhenItsReaderGoesAway) {
  SimHost& h1 = cluster_.add_host();
  cluster_.add_node(h1, "manager", "manager");
  cluster_.add_node(h1, "proxy-1", "proxy");
  cluster_.add_node(h1, "worker-1", "worker");
  ASSERT_TRUE(cluster_.start().is_ok());

  // Our own reader: two lines (heartbeats come every 0.2 s), then we go away.
  tap_ = cluster_.shell_background({"tap"});
  ASSERT_TRUE(tap_->next_line([](const std::string&) { return true; }, kWait));
  ASSERT_TRUE(tap_->next_line([](const std::string&) { return true; }, kWait));
  tap_->close_stdout();
  const auto t0 = SteadyClock::now();
  EXPECT_EQ(tap_->wait_exit(Millis(5000)), 0) << "signal " << tap_->signal_number();
  EXPECT_LT(SteadyClock::now() - t0, Millis(2000));

  // The same through a real pipeline; pipefail makes tap's own exit status count.
  std::string cmd = "set -o pipefail; ";
  for (const auto& arg : cluster_.shell_argv({"tap"}))
    cmd += "'" + arg + "' ";
  cmd += "| head -n 2";
  RunOptions run;
  run.timeout = Millis(10000);
  const auto t1 = SteadyClock::now();
  const auto r = run_process({"/bin/bash", "-c", cmd}, run);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(split_lines(r.out).size(), 2u) << r.out;
  EXPECT_LT(SteadyClock::now() - t1, Millis(5000));
}

// --snapshot (the Clone pattern, docs/PROTOCOL.md §6): every supervisor's status first, then
// only the events newer than it.
TEST_F(ClusterTap, SnapshotFirstThenOnlyTheEventsNewerThanIt) {
  start_cluster();
  auto r = cluster_.shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  tap_ = cluster_.shell_background({"tap", "--json", "--snapshot"});
  std::map<std::string, std::int64_t> snapshot_seq;
  for (std::size_t i = 0; i < cluster_.host_count(); ++i) {
    auto snap = next_json(
        *tap_, [](const Json& j) { return !j["snapshot"].is_null(); }, kWait);
    ASSERT_TRUE(snap);
    const Json& s = (*snap)["snapshot"];
    EXPECT_GT(s["seq"].integer(), 0);
    EXPECT_GT(s["state_version"].integer(), 0);
    EXPECT_GT(s["as_of"].integer(), 0);
    EXPECT_EQ(s["nodes"].size(), 2u) << s["host"].str();
    for (const Json& n : s["nodes"].array()) {
      EXPECT_EQ(n["state"].str(), "running") << n["name"].str();
      EXPECT_EQ(n["pid"].integer(), cluster_.node_pids(n["name"].str()).at(0));
    }
    snapshot_seq[s["host"].str()] = s["seq"].integer();
  }
  ASSERT_EQ(snapshot_seq.size(), 2u);
  // A crash after the snapshot comes through.
  const auto pids = cluster_.node_pids("worker-1");
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(kill(pids[0], SIGKILL), 0);
  ASSERT_TRUE(next_json(*tap_, is_node_state("worker-1", "crashed"), kWait));
  // No event of a supervisor that its snapshot already reflected was shown: the heartbeat
  // that told the tap its subscription was in place was older than the snapshot.
  std::size_t events = 0;
  for (const auto& line : tap_->lines()) {
    const auto j = Json::parse(line);
    ASSERT_TRUE(j) << line;
    if (!(*j)["snapshot"].is_null() || !(*j)["gap"].is_null()) continue;
    const bool from_supervisor =
        (*j)["type"].str() != "heartbeat" || (*j)["role"].str() == "supervisor";
    if (!from_supervisor || (*j)["type"].str() == "alert" || (*j)["type"].str() == "log") continue;
    EXPECT_GT((*j)["seq"].integer(), snapshot_seq.at((*j)["host"].str())) << line;
    ++events;
  }
  EXPECT_GT(events, 0u);
}

TEST_F(ClusterTap, EventsFlowAgainAfterTheBrokerIsKilledAndRestarted) {
  start_cluster();
  start_tap();
  // Far enough into its numbering that the new broker's first heartbeats are numbered lower.
  ASSERT_TRUE(next_json(
      *tap_,
      [&](const Json& j) {
        return is_heartbeat(cluster_.host(0).name(), "broker")(j) && j["seq"].integer() >= 8;
      },
      kWait));
  const pid_t old_broker = cluster_.broker_pid();
  ASSERT_TRUE(cluster_.kill_broker(SIGKILL).is_ok());
  ASSERT_TRUE(cluster_.start_broker().is_ok());
  ASSERT_NE(cluster_.broker_pid(), old_broker);

  // The tap resubscribed by itself: the new broker's heartbeat reaches it, and so do the
  // supervisors' (their PUB sockets reconnected by themselves).
  const pid_t broker = cluster_.broker_pid();
  ASSERT_TRUE(next_json(
      *tap_,
      [&](const Json& j) {
        return is_heartbeat(cluster_.host(0).name(), "broker")(j) && j["pid"].integer() == broker;
      },
      kWait));
  for (std::size_t i = 0; i < cluster_.host_count(); ++i) {
    EXPECT_TRUE(next_json(*tap_, is_heartbeat(cluster_.host(i).name(), "supervisor"), kWait))
        << cluster_.host(i).name();
  }
  // The new broker numbers from 1 again: the tap says so, naming the publisher.
  bool broker_gap = false;
  for (const auto& line : tap_->lines()) {
    const auto j = Json::parse(line);
    if (j && !(*j)["gap"].is_null() && (*j)["gap"]["origin"].str() == "broker") {
      EXPECT_EQ((*j)["gap"]["host"].str(), cluster_.host(0).name());
      EXPECT_GE((*j)["gap"]["after"].integer(), 8);
      EXPECT_LT((*j)["gap"]["got"].integer(), (*j)["gap"]["after"].integer());
      broker_gap = true;
    }
  }
  EXPECT_TRUE(broker_gap) << tap_->stdout_text();

  // And node events of both hosts, from a start after the restart.
  auto r = cluster_.shell({"start"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(await_states(*tap_, {"manager", "proxy-1", "worker-1", "worker-2"}, "running", kWait),
              ::testing::IsEmpty());
}

}  // namespace
}  // namespace bc::test
