// brocluster-web on a one-box cluster the shell starts (issue 19): /metrics passes promtool
// (skipped, saying so, where Debian's prometheus package is not installed) and follows a
// kill -9, /services.json names our endpoint, the web daemon's monitor key is
// refused every command that changes something, a client that sends nothing neither holds
// up others nor stays past the request deadline, the client cap answers 503, and an event
// stream resumes from Last-Event-ID.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <iostream>

#include "tests/support/cluster_harness.h"
#include "tests/support/http_client.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kDaemons[] = {"broker", "supervisor", "collector", "web"};
constexpr Millis kWait{20000};

std::string series(const std::string& name, const std::string& node, const std::string& type,
                   const std::string& extra = {}) {
  return name + "{host=\"localhost\",node=\"" + node + "\",node_type=\"" + type + "\"" + extra +
         "}";
}

class WebDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const int port = choose_port_block(5);
    web_port_ = port + 4;
    base_.write("etc/cluster.cfg",
                "NodeProgram = " + build_path("tests/fake_node/brocluster-fake-node") +
                    "\nBrokerPubPort = " + std::to_string(port) + "\nBrokerSubPort = " +
                    std::to_string(port + 1) + "\nSupervisorPort = " + std::to_string(port + 2) +
                    "\nCollectorPort = " + std::to_string(port + 3) +
                    "\nWebPort = " + std::to_string(web_port_) +
                    "\nHeartbeatInterval = 0.2\nReadyGraceTime = 0.2\nStopTimeout = 2"
                    "\nStatsInterval = 1\n");
    base_.write("etc/node.cfg",
                "[manager]\ntype=manager\nhost=localhost\n[proxy-1]\ntype=proxy\nhost=localhost\n"
                "[worker]\ntype=worker\nhost=localhost\nlb_procs=2\n");
    const auto r = shell({"start"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ASSERT_TRUE(poll_until(
        [&] {
          auto m = http_get(web_port_, "/metrics");
          return m && metric_value(m->body, series("brocluster_node_state", "worker-1", "worker",
                                                   ",state=\"running\"")) == 1.0;
        },
        kWait))
        << "brocluster-web never showed worker-1 running";
  }
  void TearDown() override {
    if (HasFailure()) {
      for (const char* d : kDaemons)
        std::cerr << "--- " << d << ".log\n" << file_text(spool() + "/" + d + ".log");
    }
    for (const char* d : kDaemons) {
      const pid_t pid = read_pid_file(spool() + "/" + d + ".pid");
      if (pid_belongs_to(pid, {base_.path()})) kill(pid, SIGKILL);
    }
    kill_all_under({base_.path()});
  }
  std::string spool() const { return base_.path() + "/spool"; }
  ProcessResult shell(const std::vector<std::string>& args) const {
    return run_shell(base_.path(), args);
  }
  std::string metrics() const {
    auto m = http_get(web_port_, "/metrics");
    return m ? m->body : std::string();
  }

  TempDir base_;
  int web_port_ = 0;
};

TEST_F(WebDaemonTest, MetricsPassPromtool) {
  if (!std::filesystem::exists("/usr/bin/promtool")) {
    GTEST_SKIP() << "promtool not installed (Debian package prometheus; scripts/deps.sh)";
  }
  // After a crash and its restart too, so that every family has samples.
  const std::vector<pid_t> pids = pids_with_env("CLUSTER_SPOOL=" + spool() + "/worker-1");
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(kill(pids[0], SIGKILL), 0);
  std::string text;
  ASSERT_TRUE(poll_until(
      [&] {
        text = metrics();
        return metric_value(text, "brocluster_restart_duration_seconds_count") == 1.0;
      },
      kWait))
      << text;
  RunOptions run;
  run.stdin_data = text;
  run.timeout = Millis(30000);
  const auto check = run_process({"/usr/bin/promtool", "check", "metrics"}, run);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err << text;
}

TEST_F(WebDaemonTest, MetricsFollowAKill) {
  auto answer = http_get(web_port_, "/metrics");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  const std::string crashes = series("brocluster_node_crashes_total", "worker-1", "worker");
  const std::string restarts = series("brocluster_node_restarts_total", "worker-1", "worker");
  const std::string running =
      series("brocluster_node_state", "worker-1", "worker", ",state=\"running\"");
  EXPECT_EQ(metric_value(answer->body, crashes), 0.0) << answer->body;
  EXPECT_EQ(metric_value(answer->body, restarts), 0.0);
  EXPECT_TRUE(metric_value(answer->body, "brocluster_build_info{version=\"0.1.0\"}"));

  const std::vector<pid_t> pids = pids_with_env("CLUSTER_SPOOL=" + spool() + "/worker-1");
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(kill(pids[0], SIGKILL), 0);
  std::string text;
  EXPECT_TRUE(poll_until(
      [&] {
        text = metrics();
        return metric_value(text, crashes) == 1.0 && metric_value(text, restarts) == 1.0 &&
               metric_value(text, running) == 1.0;
      },
      kWait))
      << text;
  EXPECT_EQ(metric_value(text, "brocluster_restart_duration_seconds_count"), 1.0) << text;
  EXPECT_TRUE(metric_value(
      text, series("brocluster_node_last_crash_timestamp_seconds", "worker-1", "worker")));
  EXPECT_EQ(metric_value(text, series("brocluster_node_crashes_total", "worker-2", "worker")), 0.0);
}

// `start` on a fresh BroBase starts the daemons and then the nodes at once: one snapshot,
// taken once the web daemon's subscription is in place, and no gap after it (a snapshot
// lagging behind events already heard must not look like one).
TEST_F(WebDaemonTest, NodesStartedWithTheDaemonsAreFollowedWithoutAGap) {
  const std::string text = metrics();
  EXPECT_EQ(metric_value(text, "brocluster_bus_sequence_gaps_total"), 0.0) << text;
  EXPECT_EQ(metric_value(text, "brocluster_web_reconciliations_total"), 1.0) << text;
}

TEST_F(WebDaemonTest, ServicesJsonListsOurEndpointForHttpServiceDiscovery) {
  auto answer = http_get(web_port_, "/services.json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->headers["content-type"], "application/json");
  auto doc = Json::parse(answer->body);
  ASSERT_TRUE(doc && doc->is_array() && doc->size() == 1) << answer->body;
  EXPECT_EQ((*doc)[0]["targets"][0].str(), "127.0.0.1:" + std::to_string(web_port_));
  EXPECT_EQ((*doc)[0]["labels"]["brocluster_kind"].str(), "brocluster");
}

TEST_F(WebDaemonTest, TheWebKeyIsRefusedEveryMutatingCommand) {
  ASSERT_TRUE(std::filesystem::exists(base_.path() + "/etc/keys/secret/web.key"));
  auto r = shell({"--key", "web", "stop", "worker-1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out + r.err, HasSubstr("permission denied: key 'web' has role monitor"));
  r = shell({"stop", "worker-2"});  // as admin, so that a start has something to do
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = shell({"--key", "web", "start", "worker-2"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out + r.err, HasSubstr("permission denied: key 'web' has role monitor"));
  r = shell({"--key", "web", "cron", "disable"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.out + r.err, HasSubstr("may not send 'cron_disable'"));
  // What it may do, it can: the collector's snapshot is what it runs on.
  r = shell({"--key", "web", "cron", "?"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto nodes = shell({"--json", "status"});
  EXPECT_THAT(nodes.out, HasSubstr("\"worker-1\""));
}

TEST_F(WebDaemonTest, ASilentClientBlocksNobodyAndIsClosedAtTheRequestDeadline) {
  UniqueFd silent = open_idle_connection(web_port_);
  ASSERT_GE(silent.get(), 0);
  const auto t0 = SteadyClock::now();
  auto answer = http_get(web_port_, "/metrics", {}, Millis(1000));
  ASSERT_TRUE(answer) << "a silent client held up /metrics";
  EXPECT_EQ(answer->status, 200);
  EXPECT_LT(SteadyClock::now() - t0, Millis(1000));

  // Up to the cap (32) every connection is accepted; one more is refused with 503 at once.
  std::vector<UniqueFd> more;
  for (int i = 1; i < 32; ++i)
    more.push_back(open_idle_connection(web_port_));
  ASSERT_TRUE(poll_until(
      [&] {
        auto refused = http_get(web_port_, "/metrics", {}, Millis(1000));
        return refused && refused->status == 503;
      },
      Millis(5000)));

  std::string sent;
  EXPECT_TRUE(wait_closed(silent.get(), Millis(9000), &sent)) << "still open after 9 s";
  const auto held = SteadyClock::now() - t0;
  EXPECT_GE(held, Millis(4500)) << "closed before the 5 s request deadline";
  EXPECT_TRUE(sent.empty()) << sent;
  more.clear();
  EXPECT_TRUE(poll_until(
      [&] {
        auto again = http_get(web_port_, "/metrics", {}, Millis(1000));
        return again && again->status == 200;
      },
      Millis(5000)));
  EXPECT_GE(metric_value(metrics(), "brocluster_web_http_timeouts_total").value_or(0), 1.0);
}

TEST_F(WebDaemonTest, EventStreamResumesFromLastEventId) {
  SseStream first(web_port_, "/api/v1/events");
  ASSERT_TRUE(first.ok());
  auto snapshot = first.next(Millis(5000));
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->type, "snapshot");
  auto doc = Json::parse(snapshot->data);
  ASSERT_TRUE(doc) << snapshot->data;
  EXPECT_EQ((*doc)["nodes"].size(), 4u) << snapshot->data;

  const auto r = shell({"stop", "worker-2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<SseEvent> seen;
  const auto deadline = SteadyClock::now() + kWait;
  while (SteadyClock::now() < deadline) {
    auto e = first.next(Millis(2000));
    if (!e) continue;
    seen.push_back(*e);
    if (e->type == "node_state" && e->data.find("\"worker-2\"") != std::string::npos &&
        e->data.find("\"state\":\"stopped\"") != std::string::npos) {
      break;
    }
  }
  ASSERT_GE(seen.size(), 2u);
  ASSERT_EQ(seen.back().type, "node_state") << "worker-2 never stopped on the stream";
  // A browser that saw only the first of these reconnects and gets the rest, in order.
  const std::uint64_t resume_from = std::stoull(seen.front().id);
  SseStream again(web_port_, "/api/v1/events",
                  "Last-Event-ID: " + std::to_string(resume_from) + "\r\n");
  ASSERT_TRUE(again.ok());
  for (std::size_t i = 1; i < seen.size(); ++i) {
    auto e = again.next(Millis(5000));
    ASSERT_TRUE(e) << "event " << seen[i].id << " missing after the resume";
    EXPECT_EQ(e->id, seen[i].id);
    EXPECT_EQ(e->type, seen[i].type);
    EXPECT_EQ(e->data, seen[i].data);
  }
  // An id this daemon never gave out (from before a restart): the whole state again.
  SseStream stranger(web_port_, "/api/v1/events", "Last-Event-ID: 99999999\r\n");
  ASSERT_TRUE(stranger.ok());
  auto reset = stranger.next(Millis(5000));
  ASSERT_TRUE(reset);
  EXPECT_EQ(reset->type, "snapshot");
}

// docs/MONITORING.md's examples are what Prometheus accepts.
TEST(WebDocs, ExampleAlertRulesPassPromtool) {
  if (!std::filesystem::exists("/usr/bin/promtool")) {
    GTEST_SKIP() << "promtool not installed (Debian package prometheus; scripts/deps.sh)";
  }
  const std::string examples = std::string(BC_SOURCE_DIR) + "/docs/examples/";
  auto r = run_process({"/usr/bin/promtool", "check", "rules", examples + "brocluster-alerts.yml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = run_process({"/usr/bin/promtool", "check", "config", examples + "prometheus.yml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace bc::test
