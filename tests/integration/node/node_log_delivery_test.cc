// Log delivery across a restart of the sink (issue 21 point 2): two workers capture live on
// the loopback interface while the test makes TCP connections to itself at a steady rate;
// the manager is frozen (so that batches sit unread in its socket buffers), SIGKILLed,
// left down for a while and started again. Every conn record of every worker for the
// test's connections is in the manager's conn.log exactly once.

#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <thread>

#include "node/engine/log_record.h"
#include "node/process/cluster_wire.h"
#include "tests/integration/node/node_harness.h"
#include "tests/support/bus_client.h"
#include "tests/support/bus_keys.h"
#include "tests/support/processes.h"

namespace bc::test {
namespace {

const char* kCfg =
    "[manager]\ntype=manager\nhost=127.0.0.1\n"
    "[proxy-1]\ntype=proxy\nhost=127.0.0.1\n"
    "[worker-1]\ntype=worker\nhost=127.0.0.1\ninterface=lo\n"
    "[worker-2]\ntype=worker\nhost=127.0.0.1\ninterface=lo\n";

// TCP connections to a listener of its own on 127.0.0.1, one every 20 ms, each with a byte
// of data and closed: one conn record per capturing worker.
class ConnectionMaker {
 public:
  ConnectionMaker() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listener_, 64);
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    address_ = a;
    thread_ = std::thread([this] { run(); });
  }
  ~ConnectionMaker() {
    stop();
    ::close(listener_);
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  int made() const { return made_; }

 private:
  void run() {
    while (!stop_) {
      const int c = ::socket(AF_INET, SOCK_STREAM, 0);
      if (::connect(c, reinterpret_cast<sockaddr*>(&address_), sizeof address_) == 0) {
        const int s = ::accept(listener_, nullptr, nullptr);
        (void)::write(c, "x", 1);
        char b;
        (void)::read(s, &b, 1);
        ::close(c);
        ::close(s);
        ++made_;
      } else {
        ::close(c);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the traffic's rate
    }
  }

  int listener_ = -1;
  int port_ = 0;
  sockaddr_in address_{};
  std::atomic<bool> stop_{false};
  std::atomic<int> made_{0};
  std::thread thread_;
};

// The uids of the test's connections in the manager's conn.log, and how often each appears.
std::map<std::string, int> uids_for_port(const std::string& log, int port) {
  std::map<std::string, int> out;
  for (const auto& row : bro_cut(log, {"uid", "id.resp_p"})) {
    if (row.size() == 2 && row[1] == std::to_string(port)) ++out[row[0]];
  }
  return out;
}

std::int64_t peer_field(ControlClient& c, const char* field) {
  const msg::Reply r = c.call("peerstatus");
  if (!r.ok || r.result->find("peers") == nullptr) return -1;
  return int_field(r.result->find("peers")->as_array()->at(0), field);
}

TEST(LogDelivery, ManagerKilledAndRestartedLosesAndDuplicatesNoRecord) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to capture on lo";
  NodeSite site(kCfg);
  const std::string conn_log = site.spool("manager") + "/conn.log";
  auto manager = std::make_unique<NodeRun>(site, NodeStart{"manager", "manager", {}, {}, {}});
  ASSERT_TRUE(manager->wait_ready()) << manager->diagnostics();
  NodeRun proxy(site, NodeStart{"proxy-1", "proxy", {}, {}, {}});
  ASSERT_TRUE(proxy.wait_ready()) << proxy.diagnostics();
  NodeRun w1(site, NodeStart{"worker-1", "worker", {}, {}, {}});
  NodeRun w2(site, NodeStart{"worker-2", "worker", {}, {}, {}});
  ASSERT_TRUE(w1.wait_ready()) << w1.diagnostics();
  ASSERT_TRUE(w2.wait_ready()) << w2.diagnostics();
  ControlClient c1(w1.control()), c2(w2.control());

  ConnectionMaker traffic;
  ASSERT_TRUE(poll_until([&] { return uids_for_port(conn_log, traffic.port()).size() >= 20; },
                         Millis(20000)))
      << file_text(conn_log) << w1.diagnostics();

  // Frozen: the workers' batches reach its socket buffers and are never read.
  const std::int64_t sent_before = peer_field(c1, "sent_records");
  ASSERT_EQ(::kill(manager->pid(), SIGSTOP), 0);
  ASSERT_TRUE(
      poll_until([&] { return peer_field(c1, "sent_records") > sent_before + 20; }, Millis(20000)));
  ASSERT_EQ(::kill(manager->pid(), SIGKILL), 0);
  EXPECT_EQ(manager->wait_exit(Millis(5000)), -1);  // died of the signal
  manager.reset();

  // Down: the workers keep what they make.
  const int made_at_kill = traffic.made();
  ASSERT_TRUE(poll_until([&] { return traffic.made() >= made_at_kill + 25; }, Millis(20000)));
  manager = std::make_unique<NodeRun>(site, NodeStart{"manager", "manager", {}, {}, {}});
  ASSERT_TRUE(manager->wait_ready()) << manager->diagnostics();
  const int made_at_restart = traffic.made();
  ASSERT_TRUE(poll_until([&] { return traffic.made() >= made_at_restart + 10; }, Millis(20000)));
  traffic.stop();

  const std::size_t expected = 2 * static_cast<std::size_t>(traffic.made());
  ASSERT_TRUE(poll_until([&] { return uids_for_port(conn_log, traffic.port()).size() >= expected; },
                         Millis(30000)))
      << uids_for_port(conn_log, traffic.port()).size() << " of " << expected << " records\n"
      << w1.diagnostics();
  ASSERT_TRUE(poll_until(
      [&] {
        return peer_field(c1, "buffered_records") == 0 && peer_field(c2, "buffered_records") == 0;
      },
      Millis(10000)));
  const msg::Reply status = c1.call("status");
  ASSERT_TRUE(status.ok);
  EXPECT_EQ(int_field(*status.result, "log_buffered"), 0) << describe(status);
  EXPECT_EQ(int_field(*status.result, "log_dropped"), 0) << describe(status);
  EXPECT_GE(peer_field(c1, "connects"), 2);  // it did reconnect to the new manager
  EXPECT_GE(peer_field(c1, "resent_batches"), 1);
  EXPECT_EQ(w1.terminate(), 0);
  EXPECT_EQ(w2.terminate(), 0);
  EXPECT_EQ(proxy.terminate(), 0);
  EXPECT_EQ(manager->terminate(), 0);

  const std::map<std::string, int> uids = uids_for_port(conn_log, traffic.port());
  EXPECT_EQ(uids.size(), expected);
  for (const auto& [uid, count] : uids)
    EXPECT_EQ(count, 1) << uid << " written " << count << " times";
}

// A sender of our own: a DEALER with the host's CURVE key, as a worker's link.
class RawSender {
 public:
  RawSender(const NodeSite& site) : socket_(ctx_, zmq::socket_type::dealer) {
    socket_.set(zmq::sockopt::linger, 0);
    const auto key = admin_security(site.base(), "127.0.0.1");
    EXPECT_TRUE(key->secure_client(socket_, "127.0.0.1").is_ok());
    socket_.connect("tcp://127.0.0.1:" + std::to_string(site.port_base()));
  }
  // Sends batch `seq` (one conn record with uid `uid`) and returns the ack's seq, or -1
  // when none came within 5 s.
  std::int64_t send(std::uint64_t seq, const std::string& uid) {
    node::LogBatch batch;
    batch.node = "worker-1";
    batch.sender = "test-sender";
    batch.seq = seq;
    batch.base = 1;
    node::LogRecord r{"conn",
                      std::vector<std::string>(node::log_schema("conn")->fields.size(), "-")};
    r.values[0] = "1700000000.000000";
    r.values[1] = uid;
    batch.records.push_back(r);
    const std::string bytes = node::encode_logs(batch);
    socket_.send(zmq::buffer(bytes), zmq::send_flags::none);
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(5000)) <= 0) return -1;
    zmq::message_t reply;
    if (!socket_.recv(reply)) return -1;
    Result<node::LogAck> ack = node::decode_ack(reply.to_string_view());
    return ack && ack->sender == "test-sender" ? static_cast<std::int64_t>(ack->seq) : -1;
  }

 private:
  zmq::context_t ctx_;
  zmq::socket_t socket_;
};

TEST(LogDelivery, TheSinkWritesAResentBatchOnceAlsoAfterItWasKilled) {
  NodeSite site(kCfg);
  const std::string conn_log = site.spool("manager") + "/conn.log";
  auto manager = std::make_unique<NodeRun>(site, NodeStart{"manager", "manager", {}, {}, {}});
  ASSERT_TRUE(manager->wait_ready()) << manager->diagnostics();
  {
    RawSender sender(site);
    EXPECT_EQ(sender.send(1, "CDEDUP1"), 1);
    EXPECT_EQ(sender.send(1, "CDEDUP1"), 1);  // resent: acked again, not written again
    EXPECT_EQ(sender.send(3, "CGAP3"), 1);    // 2 is missing: not written
  }
  ASSERT_EQ(::kill(manager->pid(), SIGKILL), 0);
  manager->wait_exit(Millis(5000));
  manager = std::make_unique<NodeRun>(site, NodeStart{"manager", "manager", {}, {}, {}});
  ASSERT_TRUE(manager->wait_ready()) << manager->diagnostics();
  {
    RawSender sender(site);
    EXPECT_EQ(sender.send(1, "CDEDUP1"), 1);  // the ledger survived the SIGKILL
    EXPECT_EQ(sender.send(2, "CDEDUP2"), 2);
  }
  const msg::Reply peers = ControlClient(manager->control()).call("peerstatus");
  ASSERT_TRUE(peers.ok);
  EXPECT_EQ(int_field(*peers.result, "duplicate_batches"), 1) << describe(peers);
  EXPECT_EQ(manager->terminate(), 0);
  std::map<std::string, int> uids;
  for (const auto& row : bro_cut(conn_log, {"uid"}))
    ++uids[row.at(0)];
  EXPECT_EQ(uids, (std::map<std::string, int>{{"CDEDUP1", 1}, {"CDEDUP2", 1}}))
      << file_text(conn_log);
}

}  // namespace
}  // namespace bc::test
