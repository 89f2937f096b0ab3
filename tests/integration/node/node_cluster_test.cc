// A cluster of brocluster-node processes on loopback: a manager, a proxy and two workers,
// each worker reading its own pcap. A scanner whose connection attempts are split over
// both workers (15 hosts each, threshold 25) is caught by the proxy, and the manager writes
// exactly one notice and every worker's conn records.

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/integration/node/node_harness.h"
#include "tests/integration/node/traffic.h"
#include "tests/support/bus_client.h"
#include "tests/support/bus_keys.h"
#include "tests/support/processes.h"

namespace bc::test {
namespace {

const char* kClusterCfg =
    "[manager]\ntype=manager\nhost=127.0.0.1\n"
    "[proxy-1]\ntype=proxy\nhost=127.0.0.1\n"
    "[worker-1]\ntype=worker\nhost=127.0.0.1\ninterface=lo\n"
    "[worker-2]\ntype=worker\nhost=127.0.0.1\ninterface=lo\n";

using Rows = std::vector<std::vector<std::string>>;

class ClusterTest : public ::testing::Test {
 protected:
  std::unique_ptr<NodeRun> start(const std::string& node, const std::string& type,
                                 std::vector<std::string> args = {}) {
    auto run = std::make_unique<NodeRun>(site_, NodeStart{node, type, std::move(args), {}, {}});
    EXPECT_TRUE(run->wait_ready()) << run->diagnostics();
    return run;
  }
  std::string manager_log(const std::string& name) const {
    return site_.spool("manager") + "/" + name;
  }

  NodeSite site_{kClusterCfg};
};

TEST_F(ClusterTest, ScanSpreadOverTwoWorkersGivesOneNoticeAtTheManager) {
  const std::string pcap1 = write_pcap(site_.base() + "/w1.pcap", scan_pcap(1, 15));
  const std::string pcap2 = write_pcap(site_.base() + "/w2.pcap", scan_pcap(16, 15));
  auto manager = start("manager", "manager");
  auto proxy = start("proxy-1", "proxy");
  auto w1 = start("worker-1", "worker", {"-r", pcap1});
  auto w2 = start("worker-2", "worker", {"-r", pcap2});

  // 16 connections per worker (15 probes, one ordinary) reach the manager's conn.log.
  ASSERT_TRUE(
      poll_until([&] { return data_lines(manager_log("conn.log")).size() == 32; }, Millis(20000)))
      << file_text(manager_log("conn.log")) << w1->diagnostics() << manager->diagnostics();
  ASSERT_TRUE(
      poll_until([&] { return !data_lines(manager_log("notice.log")).empty(); }, Millis(20000)))
      << proxy->diagnostics();

  ControlClient worker(w1->control());
  const msg::Reply peers = worker.call("peerstatus");
  ASSERT_TRUE(peers.ok) << describe(peers);
  const msg::Value* list = peers.result->find("peers");
  ASSERT_TRUE(list != nullptr && list->as_array()->size() == 2) << describe(peers);
  for (const msg::Value& p : *list->as_array()) {
    EXPECT_EQ(str_field(p, "state"), "connected") << describe(peers);
    EXPECT_EQ(int_field(p, "dropped_records"), 0) << describe(peers);
  }
  EXPECT_EQ(str_field(list->as_array()->at(0), "node"), "manager");
  EXPECT_EQ(str_field(list->as_array()->at(1), "node"), "proxy-1");
  const msg::Reply proxy_notices = ControlClient(proxy->control()).call("notices");
  ASSERT_TRUE(proxy_notices.ok);
  EXPECT_EQ(int_field(*proxy_notices.result, "total"), 1) << describe(proxy_notices);

  // Stop order of the shell: workers, proxies, manager. Everything is flushed.
  EXPECT_EQ(w1->terminate(), 0);
  EXPECT_EQ(w2->terminate(), 0);
  EXPECT_EQ(proxy->terminate(), 0);
  const msg::Reply notices = ControlClient(manager->control()).call("notices");
  ASSERT_TRUE(notices.ok);
  EXPECT_EQ(int_field(*notices.result, "total"), 1) << describe(notices);
  EXPECT_EQ(manager->terminate(), 0);

  const Rows notice = bro_cut(manager_log("notice.log"), {"note", "src"});
  EXPECT_EQ(notice, (Rows{{"Scan::Address_Scan", "10.9.9.9"}}))
      << file_text(manager_log("notice.log"));
  EXPECT_EQ(bro_cut(manager_log("conn.log"), {"id.orig_h"}).size(), 32u);
  const Rows normal = bro_cut(manager_log("conn.log"), {"id.orig_h", "id.resp_h", "conn_state"});
  EXPECT_NE(std::find(normal.begin(), normal.end(),
                      std::vector<std::string>{"10.0.0.1", "192.0.2.200", "SF"}),
            normal.end());
  EXPECT_NE(std::find(normal.begin(), normal.end(),
                      std::vector<std::string>{"10.0.0.16", "192.0.2.200", "SF"}),
            normal.end());
  // Workers and proxies keep no logs of their own.
  EXPECT_TRUE(data_lines(site_.spool("worker-1") + "/conn.log").empty());
  EXPECT_EQ(manager->status_file(), "TERMINATED\n");
}

TEST_F(ClusterTest, WorkerBuffersWhileTheManagerIsAwayAndReportsIt) {
  const std::string pcap1 = write_pcap(site_.base() + "/w1.pcap", scan_pcap(1, 5));
  auto proxy = start("proxy-1", "proxy");
  auto w1 = start("worker-1", "worker", {"-r", pcap1});
  ControlClient worker(w1->control());
  const msg::Reply before = worker.call("peerstatus");
  ASSERT_TRUE(before.ok);
  EXPECT_NE(str_field(before.result->find("peers")->as_array()->at(0), "state"), "connected")
      << describe(before);
  // The records wait in the link's queue and arrive once the manager is there.
  auto manager = start("manager", "manager");
  ASSERT_TRUE(
      poll_until([&] { return data_lines(manager_log("conn.log")).size() == 6; }, Millis(20000)))
      << file_text(manager_log("conn.log")) << w1->diagnostics();
  ASSERT_TRUE(poll_until(
      [&] {
        const msg::Reply r = worker.call("peerstatus");
        return r.ok &&
               str_field(r.result->find("peers")->as_array()->at(0), "state") == "connected";
      },
      Millis(5000)));
  const msg::Reply manager_peers = ControlClient(manager->control()).call("peerstatus");
  ASSERT_TRUE(manager_peers.ok);
  EXPECT_EQ(str_field(*manager_peers.result, "listening"),
            "tcp://127.0.0.1:" + std::to_string(site_.port_base()));
  EXPECT_GE(int_field(*manager_peers.result, "received_messages"), 1);
}

TEST(ClusterWithLogger, TheLoggerWritesTheClusterLogs) {
  NodeSite site(
      "[logger]\ntype=logger\nhost=127.0.0.1\n"
      "[manager]\ntype=manager\nhost=127.0.0.1\n"
      "[proxy-1]\ntype=proxy\nhost=127.0.0.1\n"
      "[worker-1]\ntype=worker\nhost=127.0.0.1\ninterface=lo\n");
  const std::string pcap = write_pcap(site.base() + "/w1.pcap", scan_pcap(1, 30));
  std::vector<std::unique_ptr<NodeRun>> nodes;
  for (const auto& [name, type] : std::vector<std::pair<std::string, std::string>>{
           {"logger", "logger"}, {"manager", "manager"}, {"proxy-1", "proxy"}}) {
    nodes.push_back(std::make_unique<NodeRun>(site, NodeStart{name, type, {}, {}, {}}));
    ASSERT_TRUE(nodes.back()->wait_ready()) << nodes.back()->diagnostics();
  }
  NodeRun worker(site, NodeStart{"worker-1", "worker", {"-r", pcap}, {}, {}});
  ASSERT_TRUE(worker.wait_ready()) << worker.diagnostics();
  const std::string logs = site.spool("logger");
  ASSERT_TRUE(
      poll_until([&] { return data_lines(logs + "/conn.log").size() == 31; }, Millis(20000)))
      << file_text(logs + "/conn.log") << worker.diagnostics();
  ASSERT_TRUE(
      poll_until([&] { return data_lines(logs + "/notice.log").size() == 1; }, Millis(20000)));
  EXPECT_EQ(worker.terminate(), 0);
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it)
    EXPECT_EQ((*it)->terminate(), 0);
  EXPECT_EQ(bro_cut(logs + "/notice.log", {"note", "src"}),
            (Rows{{"Scan::Address_Scan", "10.9.9.9"}}));
  // The manager beside a logger writes nothing.
  EXPECT_FALSE(std::filesystem::exists(site.spool("manager") + "/conn.log"));
}

TEST_F(ClusterTest, ManagerCountsAndDropsMalformedClusterMessages) {
  auto manager = start("manager", "manager");
  zmq::context_t ctx;
  zmq::socket_t push(ctx, zmq::socket_type::dealer);
  push.set(zmq::sockopt::linger, 1000);
  // A peer holding the host's key (the links run over CURVE) that sends garbage.
  const auto host_key = admin_security(site_.base(), "127.0.0.1");
  ASSERT_TRUE(host_key->secure_client(push, "127.0.0.1").is_ok());
  push.connect("tcp://127.0.0.1:" + std::to_string(site_.port_base()));
  push.send(zmq::str_buffer("not msgpack at all"), zmq::send_flags::none);
  ControlClient control(manager->control());
  ASSERT_TRUE(poll_until(
      [&] {
        const msg::Reply r = control.call("peerstatus");
        return r.ok && int_field(*r.result, "malformed_messages") == 1;
      },
      Millis(5000)));
  EXPECT_EQ(control.call("status").ok, true);
}

}  // namespace
}  // namespace bc::test
