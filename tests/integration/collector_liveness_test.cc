// Host liveness that does not cry wolf (issue 15, points 4 and 5), with the real daemons:
// a collector stalled (SIGSTOP) for twice HostTimeout raises no host-down; a broker down
// (killed, or stopped) for twice HostTimeout is one bus-down and one bus-up, no host
// alert, and a node that crashes meanwhile is repaired within a second, through the
// collector's crash watch on its supervisor.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <iostream>
#include <thread>

#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using SteadyClock = std::chrono::steady_clock;

constexpr Millis kWait{10000};
constexpr Millis kHostTimeout{1000};

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// Keeps a fault in place for `d`: the length of the outage is what is under test, so this
// is the one wait that is a duration, not a synchronisation.
void hold_fault_for(Millis d) {
  std::this_thread::sleep_for(d);
}

class CollectorLiveness : public ::testing::Test {
 protected:
  void SetUp() override {
    mail_dir_->write("sendmail", "#!/bin/sh\n{ cat; echo '.'; } >> " + mails_path() + "\n");
    chmod((mail_dir_->path() + "/sendmail").c_str(), 0755);
  }
  void TearDown() override {
    if (HasFailure()) {
      std::cerr << cluster_.logs() << "==== collector.log\n"
                << file_text(h1().spool() + "/collector.log") << "==== stats.log\n"
                << stats_log() << "==== mails\n"
                << mails();
    }
    if (collector_pid_ > 0) kill(collector_pid_, SIGCONT);
    if (cluster_.broker_pid() > 0) kill(cluster_.broker_pid(), SIGCONT);
  }

  static SimOptions options(const std::string& mailer) {
    SimOptions o;
    o.heartbeat = 0.2;
    o.comm_timeout = 2;
    o.extra = {"HostTimeout = " + std::to_string(kHostTimeout.count() / 1000.0),
               "SendMailCommand = " + mailer + " -t", "RestartBackoffJitter = 0",
               "CronInterval = 3600", "StatsLogInterval = 3600"};
    return o;
  }

  SimHost& h1() { return cluster_.host(0); }
  std::string mails_path() const { return mail_dir_->path() + "/mails.txt"; }
  std::string mails() const { return file_text(mails_path()); }
  std::string stats_log() { return file_text(h1().spool() + "/stats.log"); }
  std::string collector_log() { return file_text(h1().spool() + "/collector.log"); }

  // Manager and proxy on the first host, a worker on each other host; all running, and the
  // collector has seen them run.
  void start_cluster(int hosts) {
    SimHost& first = cluster_.add_host();
    cluster_.add_node(first, "manager", "manager");
    cluster_.add_node(first, "proxy-1", "proxy");
    for (int i = 1; i < hosts; ++i)
      cluster_.add_node(cluster_.add_host(), "worker-" + std::to_string(i), "worker");
    ASSERT_TRUE(cluster_.start().is_ok()) << cluster_.logs();
    ASSERT_NO_FATAL_FAILURE(start_collector());
    // Its subscription carries every host's events (a first heartbeat from each), so the
    // nodes' `running` events below reach it.
    for (std::size_t i = 0; i < cluster_.host_count(); ++i) {
      const std::string line = "reconciling " + cluster_.host(i).name() + " (subscribed)";
      ASSERT_TRUE(
          poll_until([&] { return collector_log().find(line) != std::string::npos; }, kWait))
          << line;
    }
    const ProcessResult r = cluster_.shell({"start"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    for (const std::string& node : cluster_.node_names()) {
      ASSERT_TRUE(poll_until(
          [&] { return stats_log().find(node + " action=started") != std::string::npos; }, kWait))
          << node;
    }
  }

  void start_collector() {
    RunOptions run;
    run.timeout = Millis(20000);
    const ProcessResult r =
        run_process({build_path("collector/brocluster-collector"), "--base", h1().base()}, run);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    collector_pid_ = read_pid_file(h1().spool() + "/collector.pid");
    ASSERT_GT(collector_pid_, 0);
  }

  // The worker's supervisor holds the collector's crash watch (its heartbeat says so).
  void await_crash_watch(const std::string& host) {
    auto tap = cluster_.shell_background({"tap", "--json"});
    const auto hb = next_json(
        *tap,
        [&](const Json& j) {
          return is_heartbeat(host, "supervisor")(j) &&
                 j["counters"]["crash_watchers"].integer() >= 1;
        },
        kWait);
    ASSERT_TRUE(hb.has_value()) << "no crash watch on " << host;
  }

  pid_t only_pid(const std::string& node) {
    const auto pids = cluster_.node_pids(node);
    return pids.size() == 1 ? pids.front() : 0;
  }

  // Nothing of `what` in stats.log for `window` (an absence, so a window).
  bool stays_absent(const std::string& what, Millis window) {
    return !poll_until([&] { return stats_log().find(what) != std::string::npos; }, window);
  }

  std::unique_ptr<TempDir> mail_dir_ = std::make_unique<TempDir>();  // before cluster_
  SimCluster cluster_{options(mail_dir_->path() + "/sendmail")};
  pid_t collector_pid_ = 0;
};

TEST_F(CollectorLiveness, ACollectorStalledForTwiceHostTimeoutRaisesNoHostDown) {
  ASSERT_NO_FATAL_FAILURE(start_cluster(3));
  ASSERT_EQ(kill(collector_pid_, SIGSTOP), 0);
  hold_fault_for(2 * kHostTimeout);
  ASSERT_EQ(kill(collector_pid_, SIGCONT), 0);
  ASSERT_TRUE(poll_until(
      [&] { return collector_log().find("collector was late") != std::string::npos; }, kWait));
  // Awake and caring: a crash now is repaired (it would not be on a host it thinks down).
  const pid_t old_pid = only_pid("worker-1");
  ASSERT_GT(old_pid, 0);
  ASSERT_EQ(kill(old_pid, SIGKILL), 0);
  ASSERT_TRUE(poll_until(
      [&] {
        const pid_t p = only_pid("worker-1");
        return p > 0 && p != old_pid;
      },
      kWait));
  EXPECT_TRUE(stays_absent("action=host-down", 2 * kHostTimeout));
  EXPECT_THAT(stats_log(), Not(HasSubstr("action=host-up")));
  EXPECT_THAT(mails(), Not(HasSubstr("host down")));
}

// The broker killed, or stopped (its connections stay open, nothing moves).
class CollectorBusOutage : public CollectorLiveness, public ::testing::WithParamInterface<int> {};

TEST_P(CollectorBusOutage, IsOneBusDownAndBusUpNoHostAlertAndACrashIsRepairedWithinASecond) {
  ASSERT_NO_FATAL_FAILURE(start_cluster(3));
  ASSERT_NO_FATAL_FAILURE(await_crash_watch(cluster_.host_of("worker-1").name()));
  const auto outage = SteadyClock::now();
  ASSERT_EQ(kill(cluster_.broker_pid(), GetParam()), 0);
  ASSERT_TRUE(
      poll_until([&] { return stats_log().find("action=bus-down") != std::string::npos; }, kWait));

  // A crash with the bus down: repaired within a second all the same.
  const pid_t old_pid = only_pid("worker-1");
  ASSERT_GT(old_pid, 0);
  const auto killed = SteadyClock::now();
  ASSERT_EQ(kill(old_pid, SIGKILL), 0);
  ASSERT_TRUE(poll_until(
      [&] {
        const pid_t p = only_pid("worker-1");
        return p > 0 && p != old_pid;
      },
      kWait));
  const double repair_s = std::chrono::duration<double>(SteadyClock::now() - killed).count();
  EXPECT_LT(repair_s, 1.0);

  const auto elapsed = SteadyClock::now() - outage;
  if (elapsed < 2 * kHostTimeout) {
    hold_fault_for(std::chrono::duration_cast<Millis>(2 * kHostTimeout - elapsed));
  }
  if (GetParam() == SIGKILL) {
    ASSERT_TRUE(cluster_.start_broker().is_ok()) << cluster_.logs();
  } else {
    ASSERT_EQ(kill(cluster_.broker_pid(), SIGCONT), 0);
  }
  ASSERT_TRUE(
      poll_until([&] { return stats_log().find("action=bus-up") != std::string::npos; }, kWait));
  // Heartbeats resume; no host is judged by the outage, then or later.
  EXPECT_TRUE(stays_absent("action=host-down", 2 * kHostTimeout));
  const std::string log = stats_log();
  EXPECT_EQ(count_of(log, "action=bus-down"), 1u) << log;
  EXPECT_EQ(count_of(log, "action=bus-up"), 1u) << log;
  EXPECT_EQ(count_of(log, "action=host-up"), 0u) << log;
  EXPECT_EQ(count_of(log, "worker-1 action=restarted"), 1u) << log;
  const std::string mail = mails();
  EXPECT_EQ(count_of(mail, "Subject: [Bro] event bus down"), 1u) << mail;
  EXPECT_EQ(count_of(mail, "Subject: [Bro] event bus up"), 1u) << mail;
  EXPECT_THAT(mail, Not(HasSubstr("host down")));
  EXPECT_EQ(cluster_.node_pids("worker-1").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(KilledOrStopped, CollectorBusOutage, ::testing::Values(SIGKILL, SIGSTOP),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return std::string(p.param == SIGKILL ? "Killed" : "Stopped");
                         });

}  // namespace
}  // namespace bc::test
