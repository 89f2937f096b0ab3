// Issue 16, points 1 and 2, from the outside: an attacker holding one worker host's key
// (h2's), on a two-host cluster with the default encrypted bus. Events it forges for the
// other host are dropped by the broker (counted, never forwarded), events about another
// host's nodes by the collector (counted, never acted on or mailed), and repair goes on.
// Its key may send no command to any supervisor. And the whole matrix of who may send
// what to whom, with each key of the cluster.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "messages/codec.h"
#include "net/event_publisher.h"
#include "supervisor/supervisor_commands.h"
#include "tests/support/bus_keys.h"
#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr Millis kWait{15000};

class Origin : public ::testing::Test {
 protected:
  void SetUp() override {
    mail_dir_.write("sendmail", "#!/bin/sh\n{ cat; echo '.'; } >> " + mails_path() + "\n");
    fs::permissions(mail_dir_.path() + "/sendmail", fs::perms::owner_all);
    h1_ = &cluster_.add_host();
    h2_ = &cluster_.add_host();
    cluster_.add_node(*h1_, "manager", "manager");
    cluster_.add_node(*h1_, "proxy-1", "proxy");
    cluster_.add_node(*h2_, "worker-1", "worker");
    ASSERT_TRUE(cluster_.start().is_ok()) << cluster_.logs();
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << cluster_.logs() << "\nmails:\n" << mails();
  }
  std::string mails_path() const { return mail_dir_.path() + "/mails.txt"; }
  std::string mails() const { return file_text(mails_path()); }
  std::string option(const std::string& name) const {
    const std::string cfg = file_text(h1_->base() + "/etc/cluster.cfg");
    const auto at = cfg.find(name + " = ");
    if (at == std::string::npos) return {};
    const auto begin = at + name.size() + 3;
    return cfg.substr(begin, cfg.find('\n', begin) - begin);
  }
  std::string endpoint(const std::string& port_option) const {
    return "tcp://" + h1_->name() + ":" + option(port_option);
  }
  void start_collector() {
    RunOptions o;
    o.timeout = Millis(20000);
    const ProcessResult r =
        run_process({build_path("collector/brocluster-collector"), "--base", h1_->base()}, o);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ASSERT_TRUE(cluster_.tap().wait_for(
        [](const BusEvent& e) { return e.heartbeat && e.heartbeat->role == "collector"; }, kWait));
  }
  // A key of the cluster as its holder has it (every base has a copy of etc/keys).
  std::shared_ptr<const security::BusSecurity> key(const std::string& name) {
    return admin_security(h1_->base(), name);
  }
  // The latest value of a counter in the heartbeats of `role`.
  std::uint64_t counter(const std::string& role, const std::string& name) {
    std::uint64_t value = 0;
    for (const auto& e : cluster_.tap().all(
             [&](const BusEvent& e) { return e.heartbeat && e.heartbeat->role == role; })) {
      auto it = e.heartbeat->counters.find(name);
      if (it != e.heartbeat->counters.end()) value = it->second;
    }
    return value;
  }
  // Publishes the forgeries until `done` (the publisher's connection is asynchronous).
  void forge_until(const std::function<void()>& forge, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      forge();
      (void)cluster_.tap().wait_for([](const BusEvent&) { return false; }, Millis(300));
      if (done()) return;
    }
    ADD_FAILURE() << "the forgeries never showed in the counters";
  }

  static msg::NodeStateChange crashed(const std::string& node, const std::string& type) {
    msg::NodeStateChange e;
    e.node = node;
    e.node_type = type;
    e.state = "crashed";
    e.prev_state = "running";
    e.desired = "running";
    e.reason = "SIGSEGV";
    e.signal = 11;
    return e;
  }
  static msg::CrashReport crash_report(const std::string& node) {
    msg::CrashReport r;
    r.node = node;
    r.node_type = "manager";
    r.pid = 4242;
    r.signal = 11;
    r.started_at = 1;
    r.ended_at = 2;
    r.stderr_tail = "ATTACKER-CHOSEN BODY";
    r.record_dir = "/tmp/forged";
    return r;
  }

  TempDir mail_dir_;
  SimCluster cluster_{[this] {
    SimOptions o;
    o.comm_timeout = 2;
    o.event_tap = true;
    o.extra = {"SendMailCommand = " + mail_dir_.path() + "/sendmail -t",
               "HostTimeout = 1",
               "RestartBackoffJitter = 0",
               "CronInterval = 3600",
               "PolicyDir = " + source_path("policy"),
               "SitePolicyPath = ${BroBase}/site:" + source_path("policy/local")};
    return o;
  }()};
  SimHost* h1_ = nullptr;
  SimHost* h2_ = nullptr;
  zmq::context_t ctx_;
  SystemClock clock_;
};

TEST_F(Origin, EventsForgedWithAnotherHostsKeyAreDroppedCountedNotMailedAndRepairGoesOn) {
  ASSERT_NO_FATAL_FAILURE(start_collector());
  ASSERT_EQ(cluster_.shell({"start"}).exit_code, 0);
  ASSERT_TRUE(cluster_.tap().wait_for(node_state(h1_->name(), "proxy-1", "running"), kWait));
  const auto h2_key = key(h2_->name());
  // h2's key claiming to be h1: the broker's check.
  net::EventPublisher as_h1(ctx_, h1_->name(), endpoint("BrokerPubPort"), clock_, h2_key.get());
  // h2's key, honest about its host, naming h1's nodes or no node at all: the collector's.
  net::EventPublisher as_h2(ctx_, h2_->name(), endpoint("BrokerPubPort"), clock_, h2_key.get());
  cluster_.tap().skip();
  forge_until(
      [&] {
        auto manager = crashed("manager", "manager");
        as_h1.publish(manager);
        for (int i = 0; i < 5; ++i) {
          auto proxy = crashed("proxy-1", "proxy");
          as_h1.publish(proxy);
        }
        msg::Heartbeat hb;
        hb.role = "supervisor";
        as_h1.publish(hb);
        msg::Alert alert;
        alert.kind = "host-down";
        alert.severity = "critical";
        alert.subject_host = h1_->name();
        alert.message = "FORGED host down";
        as_h1.publish(alert);
        as_h2.publish(alert);
        auto report = crash_report("manager");
        as_h1.publish(report);
        // Past the broker (h2's own host), stopped by the collector:
        auto manager_on_h2 = crashed("manager", "manager");
        as_h2.publish(manager_on_h2);
        auto report_on_h2 = crash_report("manager");
        as_h2.publish(report_on_h2);
        auto unknown = crash_report("no-such-node");
        as_h2.publish(unknown);
      },
      [&] {
        return counter("broker", "forged") >= 10 && counter("collector", "events_refused") >= 3;
      });
  // Nothing forged in h1's name reached a subscriber (h2's honest ones did: the
  // collector drops those).
  EXPECT_TRUE(
      cluster_.tap()
          .all([&](const BusEvent& e) {
            return (e.topic.starts_with("alert.") && e.body.find("FORGED") != std::string::npos) ||
                   (e.state && e.state->env.host == h1_->name()) ||
                   (e.crash && e.crash->env.host == h1_->name()) ||
                   (e.heartbeat && e.heartbeat->env.host == h1_->name() && e.heartbeat->pid == 0);
          })
          .empty())
      << cluster_.tap().history();

  // Repair is unaffected: a real crash of proxy-1 is repaired at once, not held back
  // "for the manager" nor turned into a restart storm by the five forged crashes.
  const auto pids = cluster_.node_pids("proxy-1");
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(kill(pids.front(), SIGKILL), 0);
  const auto back = cluster_.tap().next(node_state(h1_->name(), "proxy-1", "running"), kWait);
  ASSERT_TRUE(back) << cluster_.tap().history();
  EXPECT_NE(back->state->pid, pids.front());
  ASSERT_TRUE(poll_until([&] { return mails().find("crash report: proxy-1") != std::string::npos; },
                         kWait));
  EXPECT_THAT(mails(), Not(HasSubstr("ATTACKER-CHOSEN BODY")));
  EXPECT_THAT(mails(), Not(HasSubstr("no-such-node")));
  EXPECT_THAT(mails(), Not(HasSubstr("crash report: manager")));
  EXPECT_THAT(mails(), Not(HasSubstr("FORGED")));
  EXPECT_THAT(file_text(h1_->spool() + "/broker.log"), HasSubstr("dropped an event on"));
  // The manager, which never crashed, still runs as it did.
  EXPECT_EQ(cluster_.node_pids("manager").size(), 1u);
}

TEST_F(Origin, AHostKeyCannotStartANodeOnAnotherHost) {
  ASSERT_EQ(cluster_.shell({"start"}).exit_code, 0);
  ASSERT_EQ(cluster_.shell({"stop", "proxy-1"}).exit_code, 0);
  const auto h2_key = key(h2_->name());
  Client as_h2(ctx_, cluster_.supervisor_endpoint(*h1_), h2_key.get(), h1_->name());
  msg::Value args = msg::Value::empty_map();
  args.set("nodes", msg::Value::empty_array().push_back(std::string("proxy-1")));
  for (const char* cmd : {"start", "crashes", "mark_failed", "status"}) {
    const msg::Reply reply = as_h2.call(cmd, args);
    ASSERT_FALSE(reply.ok) << cmd;
    ASSERT_TRUE(reply.error) << cmd;
    EXPECT_EQ(reply.error->code, ErrorCode::kPermissionDenied) << cmd;
    EXPECT_THAT(reply.error->message, HasSubstr("a host's key")) << cmd;
  }
  EXPECT_TRUE(cluster_.node_pids("proxy-1").empty());
}

// Key x command x service, each cell sent with a real key (docs/SECURITY.md, "Who may
// send what"). With no node running and a node name that does not exist, every admitted
// command fails harmlessly after the gate; the gate's refusal is kPermissionDenied.
TEST_F(Origin, EveryKeyMaySendExactlyItsCommandsToEveryService) {
  ASSERT_NO_FATAL_FAILURE(start_collector());
  auto made = cluster_.shell({"keygen", "monitor", "mon"});
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  auto installed = cluster_.shell({"install"}, Millis(60000));
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
  const std::set<std::string> supervisor_commands = [] {
    std::set<std::string> all;
    for (auto name : sup::supervisor_command_names())
      all.emplace(name);
    return all;
  }();
  const std::vector<std::string> collector_commands = {
      "ping", "snapshot", "cron_status", "cron", "reload", "cron_disable", "cron_enable"};
  // The matrix as docs/SECURITY.md states it.
  using Allowed = std::set<std::string>;
  struct Row {
    std::string key;
    std::function<bool(const std::string&)> supervisor;
    std::function<bool(const std::string&)> collector;
  };
  const Allowed daemon_sup = {"ping", "status", "start", "mark_failed", "crashes", "watch_crashes"};
  const Allowed read_sup = {"ping", "status"};
  const Allowed read_col = {"ping", "snapshot", "cron_status"};
  const std::vector<Row> rows = {
      {h2_->name(), [](auto&) { return false; }, [](auto&) { return false; }},
      {h1_->name(), [](auto&) { return false; }, [](auto&) { return false; }},
      {"broker", [&](auto& c) { return daemon_sup.contains(c); },
       [&](auto& c) { return read_col.contains(c); }},
      {"mon", [&](auto& c) { return read_sup.contains(c); },
       [&](auto& c) { return read_col.contains(c); }},
      {"admin", [](auto&) { return true; }, [](auto&) { return true; }},
  };
  msg::Value args = msg::Value::empty_map();
  args.set("nodes", msg::Value::empty_array().push_back(std::string("no-such-node")));
  args.set("hold", 0.1);  // watch_crashes answers at once
  auto refused = [](const msg::Reply& r) {
    return !r.ok && r.error && r.error->code == ErrorCode::kPermissionDenied;
  };
  int cells = 0;
  for (const Row& row : rows) {
    const auto k = key(row.key);
    for (SimHost* target : {h1_, h2_}) {
      Client client(ctx_, cluster_.supervisor_endpoint(*target), k.get(), target->name());
      for (const std::string& cmd : supervisor_commands) {
        const msg::Reply r = client.call(cmd, args);
        EXPECT_NE(r.error ? r.error->code : ErrorCode::kOk, ErrorCode::kUnreachable)
            << row.key << " -> " << cmd << " on " << target->name();
        EXPECT_EQ(refused(r), !row.supervisor(cmd))
            << row.key << " -> " << cmd << " on " << target->name() << ": "
            << (r.error ? r.error->message : "ok");
        ++cells;
      }
    }
    Client collector(ctx_, endpoint("CollectorPort"), k.get(), "broker");
    for (const std::string& cmd : collector_commands) {
      const msg::Reply r = collector.call(cmd, msg::Value::empty_map());
      EXPECT_EQ(refused(r), !row.collector(cmd))
          << row.key << " -> collector " << cmd << ": " << (r.error ? r.error->message : "ok");
      ++cells;
    }
  }
  EXPECT_EQ(cells, static_cast<int>(rows.size() *
                                    (2 * supervisor_commands.size() + collector_commands.size())));
  // Nothing the matrix sent started a node.
  for (const char* node : {"manager", "proxy-1", "worker-1"})
    EXPECT_TRUE(cluster_.node_pids(node).empty()) << node;
}

}  // namespace
}  // namespace bc::test
