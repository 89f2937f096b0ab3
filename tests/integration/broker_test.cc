// brocluster-broker as a process: it forwards every event below the high-water mark,
// counts what it forwards and what it drops as malformed, reports the counters in its
// heartbeat, and keeps serving while publishers and subscribers come and go.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>
#include <zmq.hpp>

#include "messages/codec.h"
#include "tests/support/cluster_harness.h"

namespace bc::test {
namespace {

constexpr Millis kWait{10000};
using SteadyClock = std::chrono::steady_clock;

class BrokerProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = choose_port_block(4);
    // The forwarding itself, with raw sockets: plain. The broker's CURVE side is covered by
    // the security tests and by every cluster test, which run encrypted.
    base_.write("etc/cluster.cfg",
                "BusSecurity = plain\n"
                "BrokerHost = 127.0.0.2\nBrokerPubPort = " +
                    std::to_string(port_) + "\nBrokerSubPort = " + std::to_string(port_ + 1) +
                    "\nSupervisorPort = " + std::to_string(port_ + 2) + "\nCollectorPort = " +
                    std::to_string(port_ + 3) + "\nHeartbeatInterval = 0.1\n");
    base_.write("etc/node.cfg",
                "[manager]\ntype=manager\nhost=127.0.0.2\n[proxy-1]\ntype=proxy\nhost=127.0.0.2\n"
                "[worker-1]\ntype=worker\nhost=127.0.0.2\n");
    RunOptions run;
    run.timeout = Millis(20000);
    const auto r =
        run_process({build_path("broker/brocluster-broker"), "--base", base_.path()}, run);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    pid_ = read_pid_file(base_.path() + "/spool/broker.pid");
    ASSERT_TRUE(pid_alive(pid_));
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << file_text(base_.path() + "/spool/broker.log");
    if (pid_belongs_to(pid_, {base_.path()})) kill(pid_, SIGKILL);
    kill_all_under({base_.path()});
  }

  zmq::socket_t publisher() {
    zmq::socket_t s(ctx_, zmq::socket_type::pub);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::sndhwm, 100000);
    s.connect("tcp://127.0.0.2:" + std::to_string(port_));
    return s;
  }
  zmq::socket_t subscriber(const std::string& prefix) {
    zmq::socket_t s(ctx_, zmq::socket_type::sub);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::rcvhwm, 100000);
    s.set(zmq::sockopt::subscribe, prefix);
    s.connect("tcp://127.0.0.2:" + std::to_string(port_ + 1));
    return s;
  }

  // Publishes `topic` probes until one arrives at `sub`: then the subscription has reached
  // the publisher through the broker (subscriptions travel asynchronously).
  bool handshake(zmq::socket_t& pub, zmq::socket_t& sub, const std::string& topic) {
    const auto deadline = SteadyClock::now() + kWait;
    while (SteadyClock::now() < deadline) {
      pub.send(zmq::buffer(topic), zmq::send_flags::sndmore);
      pub.send(zmq::str_buffer("probe"), zmq::send_flags::none);
      zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, Millis(20)) > 0) {
        drain(sub);
        return true;
      }
    }
    return false;
  }
  // Reads whatever is queued on `sub` until it stays quiet for 100 ms.
  void drain(zmq::socket_t& sub) {
    zmq::message_t m;
    for (;;) {
      zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, Millis(100)) == 0) return;
      while (sub.recv(m, zmq::recv_flags::dontwait)) {
      }
    }
  }
  // The next broker heartbeat published after `after_us` (wall clock).
  std::optional<msg::Heartbeat> heartbeat(zmq::socket_t& sub, std::int64_t after_us) {
    const auto deadline = SteadyClock::now() + kWait;
    zmq::message_t topic, body;
    while (SteadyClock::now() < deadline) {
      zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
      if (zmq::poll(&item, 1, Millis(100)) == 0) continue;
      if (!sub.recv(topic) || !topic.more() || !sub.recv(body)) continue;
      auto hb = msg::decode<msg::Heartbeat>(body.to_string_view());
      if (hb.is_ok() && hb->role == "broker" && hb->env.ts > after_us) return *hb;
    }
    return std::nullopt;
  }
  static std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  TempDir base_;
  int port_ = 0;
  pid_t pid_ = 0;
  zmq::context_t ctx_{1};
};

TEST_F(BrokerProcess, ForwardsEveryEventInOrderAndCountsInItsHeartbeat) {
  auto pub = publisher();
  auto sub = subscriber("t.");
  auto hb_sub = subscriber("hb.");
  ASSERT_TRUE(handshake(pub, sub, "t.probe"));

  constexpr int kEvents = 50000;  // below every high-water mark on the way
  for (int i = 0; i < kEvents; ++i) {
    const std::string seq = std::to_string(i);
    pub.send(zmq::str_buffer("t.x"), zmq::send_flags::sndmore);
    pub.send(zmq::buffer(seq), zmq::send_flags::none);
  }
  int received = 0;
  bool in_order = true;
  const auto deadline = SteadyClock::now() + kWait;
  zmq::message_t topic, body;
  while (received < kEvents && SteadyClock::now() < deadline) {
    zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, Millis(100)) == 0) continue;
    while (received < kEvents && sub.recv(topic, zmq::recv_flags::dontwait)) {
      (void)sub.recv(body);
      if (topic.to_string_view() != "t.x") continue;  // a late probe
      in_order = in_order && body.to_string() == std::to_string(received);
      ++received;
    }
  }
  EXPECT_EQ(received, kEvents);
  EXPECT_TRUE(in_order);

  // A one-frame message is not an event: dropped and counted, and the broker goes on.
  pub.send(zmq::str_buffer("t.malformed"), zmq::send_flags::none);
  ASSERT_TRUE(handshake(pub, sub, "t.after"));
  const auto hb = heartbeat(hb_sub, now_us());
  ASSERT_TRUE(hb);
  EXPECT_EQ(hb->pid, pid_);
  EXPECT_GE(hb->counters.at("forwarded"), static_cast<std::uint64_t>(kEvents));
  EXPECT_EQ(hb->counters.at("dropped"), 0u);
  EXPECT_EQ(hb->counters.at("malformed"), 1u);
  EXPECT_GE(hb->counters.at("subscriptions"), 2u);
}

TEST_F(BrokerProcess, PublishersAndSubscribersComeAndGo) {
  for (int round = 0; round < 3; ++round) {
    auto pub = publisher();
    auto sub = subscriber("t.");
    ASSERT_TRUE(handshake(pub, sub, "t.round")) << "round " << round;
    // Both closed at the end of the round; the next pair finds the broker serving.
  }
  // Two subscribers at once, one joining late: both are served.
  auto pub = publisher();
  auto first = subscriber("t.");
  ASSERT_TRUE(handshake(pub, first, "t.x"));
  auto late = subscriber("t.");
  ASSERT_TRUE(handshake(pub, late, "t.x"));
  EXPECT_TRUE(pid_alive(pid_));
}

}  // namespace
}  // namespace bc::test
