// The node control protocol through the supervisors: the shell's print, netstats,
// peerstatus, update and attachgdb, and the supervisor's node_control and backtrace, on a
// cluster whose manager and worker-1 are brocluster-node processes and whose proxy-1 and
// worker-2 are the fake node (which has no control endpoint). One simulated host.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <zmq.hpp>

#include "tests/support/bus_client.h"
#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

msg::Value control_args(const std::string& node, const std::string& cmd,
                        msg::Value args = msg::Value::empty_map()) {
  msg::Value v = msg::Value::empty_map();
  v.set("node", node).set("cmd", cmd).set("args", std::move(args));
  return v;
}

msg::Value id_arg(const std::string& id) {
  msg::Value v = msg::Value::empty_map();
  v.set("id", id);
  return v;
}

SimOptions node_program_options() {
  SimOptions o;
  o.ready_grace = 60;  // both node programs say "ready" on the notify fd
  o.extra = {"PolicyDir = " + source_path("policy"),
             "SitePolicyPath = ${BroBase}/site:" + source_path("policy/local"),
             "NodePortBase = " + std::to_string(choose_port_block(20))};
  return o;
}

class NodeControl : public ::testing::Test {
 protected:
  NodeControl() : cluster_(node_program_options()) {}
  void TearDown() override {
    if (HasFailure()) std::cerr << cluster_.logs();
  }

  // manager and worker-1 run brocluster-node, proxy-1 and worker-2 the fake node; all
  // started.
  void start_cluster() {
    host_ = &cluster_.add_host();
    const std::string node = "program=" + build_path("node/process/brocluster-node");
    write_site("redef Scan::scan_interval = 6 min;\n");
    cluster_.add_node(*host_, "manager", "manager", {node});
    cluster_.add_node(*host_, "proxy-1", "proxy");
    cluster_.add_node(*host_, "worker-1", "worker", {node, "interface=lo"});
    cluster_.add_node(*host_, "worker-2", "worker", {"interface=lo"});
    const Status started = cluster_.start();
    ASSERT_TRUE(started.is_ok()) << started.message() << cluster_.logs();
    const auto r = cluster_.shell({"start"}, Millis(60000));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    client_ = std::make_unique<Client>(ctx_, cluster_.supervisor_endpoint(*host_),
                                       cluster_.security(), host_->name());
  }
  // The site policy of managers and workers, found in ${BroBase}/site before the samples.
  void write_site(const std::string& text) {
    std::filesystem::create_directories(host_->base() + "/site");
    for (const char* file : {"/site/local-manager.bro", "/site/local-worker.bro"})
      std::ofstream(host_->base() + file) << "@load local\n" << text;
  }
  msg::Reply control(const std::string& node, const std::string& cmd,
                     msg::Value args = msg::Value::empty_map()) {
    return client_->call("node_control", control_args(node, cmd, std::move(args)), Millis(15000));
  }

  SimCluster cluster_;
  SimHost* host_ = nullptr;
  zmq::context_t ctx_;
  std::unique_ptr<Client> client_;
};

TEST_F(NodeControl, PrintNetstatsPeerstatusThroughShellAndSupervisor) {
  start_cluster();
  if (HasFatalFailure()) return;

  // The raw supervisor command relays the node's own result.
  msg::Reply reply = control("manager", "print", id_arg("Scan::scan_interval"));
  ASSERT_TRUE(reply.ok) << describe(reply);
  EXPECT_EQ(str_field(*reply.result, "value"), "6.0 mins") << describe(reply);
  EXPECT_EQ(str_field(*reply.result, "type"), "interval");
  reply = control("manager", "print", id_arg("nosuch"));
  EXPECT_FALSE(reply.ok);
  EXPECT_EQ(msg::reply_status(reply).code(), ErrorCode::kNotFound) << describe(reply);

  // The shell: one line per node; the fake node has no control endpoint.
  auto r = cluster_.shell({"print", "Scan::scan_interval"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("manager    Scan::scan_interval = 6.0 mins\n")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("worker-1   Scan::scan_interval = 6.0 mins\n")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("worker-2   not supported by this node program\n")) << r.out;
  r = cluster_.shell({"print", "Scan::scan_interval", "worker-1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(split_lines(r.out).size(), 1u) << r.out;
  r = cluster_.shell({"--json", "print", "Scan::scan_interval", "manager"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json = Json::parse(r.out);
  ASSERT_TRUE(json && json->size() == 1) << r.out;
  EXPECT_EQ((*json)[std::size_t{0}]["result"]["value"].str(), "6.0 mins") << r.out;

  reply = control("worker-2", "status");
  EXPECT_EQ(msg::reply_status(reply).code(), ErrorCode::kUnsupported) << describe(reply);
  EXPECT_THAT(msg::reply_status(reply).message(), HasSubstr("worker-2: not supported"));

  // netstats: the workers by default.
  reply = control("worker-1", "netstats");
  ASSERT_TRUE(reply.ok) << describe(reply);
  EXPECT_EQ(str_field(*reply.result, "node"), "worker-1");
  r = cluster_.shell({"netstats"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // worker-2 cannot answer
  EXPECT_THAT(r.out, HasSubstr("worker-1: ")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("worker-2: not supported by this node program")) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("manager"))) << r.out;
  r = cluster_.shell({"netstats", "worker-1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  // peerstatus: the worker connects to the manager, the manager listens.
  reply = control("worker-1", "peerstatus");
  ASSERT_TRUE(reply.ok) << describe(reply);
  r = cluster_.shell({"peerstatus", "manager", "worker-1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("manager:\n  listening on tcp://")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("worker-1:\n  manager (manager) tcp://")) << r.out;
  // The log link's delivery (docs/NODE-PROTOCOL.md, "Delivery"): the worker's acked and
  // buffered records, the manager's senders and duplicates.
  EXPECT_THAT(r.out, HasSubstr(" acked=")) << r.out;
  EXPECT_THAT(r.out, HasSubstr(" buffered=")) << r.out;
  EXPECT_THAT(r.out, HasSubstr(" senders=")) << r.out;
  EXPECT_THAT(r.out, HasSubstr(" duplicate_batches=0")) << r.out;

  // status's Peers column (issue 18: always "-"): the connected peers of the supervisor's
  // last stats sample; "n/a" for the fake node, which has no control endpoint.
  std::map<std::string, std::string> peers;
  EXPECT_TRUE(poll_until(
      [&] {
        const auto status = cluster_.shell({"status"});
        std::istringstream lines(status.out);
        for (std::string line; std::getline(lines, line);) {
          std::istringstream words(line);
          std::vector<std::string> w{std::istream_iterator<std::string>(words), {}};
          if (w.size() >= 6) peers[w[0]] = w[5];
        }
        return peers["worker-1"] == "1";
      },
      Millis(10000)))
      << "worker-1 Peers: " << peers["worker-1"];
  EXPECT_EQ(peers["proxy-1"], "n/a");
  EXPECT_EQ(peers["worker-2"], "n/a");
  EXPECT_EQ(peers["Name"], "Peers");

  // Bad requests are refused before anything is sent.
  for (const auto& [args, code] : std::vector<std::pair<msg::Value, ErrorCode>>{
           {control_args("manager", "frobnicate"), ErrorCode::kInvalidArgument},
           {control_args("nosuch", "status"), ErrorCode::kNotFound},
           {control_args("", "status"), ErrorCode::kInvalidArgument},
           {control_args("manager", "status").set("args", "x"), ErrorCode::kInvalidArgument},
           {control_args("manager", "status").set("timeout_ms", 5), ErrorCode::kInvalidArgument},
           {control_args("manager", "status").set("timeout_ms", 600000),
            ErrorCode::kInvalidArgument}}) {
    reply = client_->call("node_control", args);
    EXPECT_FALSE(reply.ok) << describe(reply);
    EXPECT_EQ(msg::reply_status(reply).code(), code) << describe(reply);
  }

  // attachgdb without a terminal: the backtrace of every thread, from the supervisor.
  if (!std::filesystem::exists("/usr/bin/gdb") && !std::filesystem::exists("/usr/local/bin/gdb")) {
    GTEST_SKIP() << "gdb is not installed";
  }
  r = cluster_.shell({"attachgdb", "worker-1"}, Millis(60000));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[worker-1] pid ")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("Thread ")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("#0 ")) << r.out;
  // The node survives gdb's visit.
  reply = control("worker-1", "status");
  EXPECT_TRUE(reply.ok) << describe(reply);
}

TEST_F(NodeControl, StoppedAndSilentNodes) {
  start_cluster();
  if (HasFatalFailure()) return;

  // A node that does not answer (stopped by SIGSTOP) times out within its deadline, and
  // the supervisor serves meanwhile.
  const auto pids = cluster_.node_pids("worker-1");
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(kill(pids[0], SIGSTOP), 0);
  const auto sent = std::chrono::steady_clock::now();
  const std::uint64_t id =
      client_->send("node_control", control_args("worker-1", "status").set("timeout_ms", 1500));
  Client other(ctx_, cluster_.supervisor_endpoint(*host_), cluster_.security(), host_->name());
  msg::Reply ping = other.call("ping", msg::Value::empty_map(), Millis(1000));
  EXPECT_TRUE(ping.ok) << describe(ping);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, Millis(1000));
  msg::Reply reply = client_->wait(id, Millis(10000));
  const auto took = std::chrono::steady_clock::now() - sent;
  (void)kill(pids[0], SIGCONT);
  EXPECT_EQ(msg::reply_status(reply).code(), ErrorCode::kTimeout) << describe(reply);
  EXPECT_EQ(msg::reply_status(reply).message(), "worker-1 did not answer within 1500 ms");
  EXPECT_GE(took, Millis(1400));
  EXPECT_LT(took, Millis(5000));
  // Answered again once it runs (its late answer to the timed-out request is dropped).
  reply = control("worker-1", "status");
  EXPECT_TRUE(reply.ok) << describe(reply);

  // A stopped node is not running.
  auto r = cluster_.shell({"stop", "worker-1"}, Millis(60000));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  reply = control("worker-1", "status");
  EXPECT_EQ(msg::reply_status(reply).code(), ErrorCode::kConflict) << describe(reply);
  EXPECT_EQ(msg::reply_status(reply).message(), "worker-1 is not running");
  r = cluster_.shell({"print", "Scan::scan_interval", "worker-1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, "worker-1   not running\n");
  r = cluster_.shell({"peerstatus", "worker-1"});
  EXPECT_EQ(r.out, "worker-1: not running\n");
  reply = client_->call("backtrace", control_args("worker-1", "status"));
  EXPECT_EQ(msg::reply_status(reply).code(), ErrorCode::kConflict) << describe(reply);
}

// Disabled: the manager (brocluster-node) answers `update` with nothing changed although
// its site script was rewritten (the relayed reply is the node's own); to be looked at
// on the node side (policy reload) before this is enabled.
// The manual's rule: edit, check, install, then update. The running node sees nothing of
// an edit before the install, and `update` applies the new &redef value live afterwards.
TEST_F(NodeControl, UpdateAfterInstallAppliesAChangedRedef) {
  start_cluster();
  if (HasFatalFailure()) return;
  auto r = cluster_.shell({"stop", "worker-1"}, Millis(60000));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto manager = cluster_.node_pids("manager");

  r = cluster_.shell({"update"});
  EXPECT_THAT(r.out, HasSubstr("manager: nothing changed\n")) << r.out << r.err;
  r = cluster_.shell({"print", "Scan::scan_interval", "manager"});
  EXPECT_EQ(r.out, "manager   Scan::scan_interval = 6.0 mins\n") << r.err;

  write_site("redef Scan::scan_interval = 7 min;\nconst site_limit: count = 4;\n");
  r = cluster_.shell({"update", "manager"});
  EXPECT_THAT(r.out, HasSubstr("manager: nothing changed\n")) << "edited but not installed";
  r = cluster_.shell({"install"}, Millis(60000));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = cluster_.shell({"update"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the fake node cannot update
  EXPECT_THAT(r.out, HasSubstr("manager: updated Scan::scan_interval\n")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("manager: site_limit needs a restart: ")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("worker-1: skipped (not running)\n")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("worker-2: not supported by this node program\n")) << r.out;
  // The refused change stays refused until a restart, and says so in the exit code too
  // (issue 18: `update` exited 0 with a change refused).
  r = cluster_.shell({"update", "manager", "worker-1"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("manager: site_limit needs a restart: ")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("worker-1: skipped (not running)\n")) << r.out;

  r = cluster_.shell({"print", "Scan::scan_interval", "manager"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "manager   Scan::scan_interval = 7.0 mins\n");
  EXPECT_EQ(cluster_.node_pids("manager"), manager) << "update restarts nothing";
  // A node started after the install runs the installed version from its start.
  r = cluster_.shell({"start", "worker-1"}, Millis(60000));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = cluster_.shell({"print", "Scan::scan_interval", "worker-1"});
  EXPECT_EQ(r.out, "worker-1   Scan::scan_interval = 7.0 mins\n") << r.err;
}

}  // namespace
}  // namespace bc::test
