#pragma once
// The event bus: XSUB (publishers connect) <-> XPUB (subscribers connect). Dumb and fast:
// it forwards two-frame events unchanged, passes subscriptions upstream, drops anything
// else (counted), and publishes its own heartbeat with its counters. With CURVE on, every
// event must come from a key that may publish it (origin.h); others are dropped, counted
// and logged (at most one line a second). Holds no state that
// a restart loses: publishers and subscribers reconnect on their own and re-subscribe.
// Owns its sockets; run() on one thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <zmq.hpp>

#include "broker/origin.h"
#include "common/clock.h"
#include "common/log_throttle.h"
#include "common/status.h"
#include "security/bus_security.h"

namespace bc::broker {

struct BrokerOptions {
  std::string host;     // our host name as node.cfg names it (for the heartbeat)
  std::string pub_in;   // XSUB bind endpoint
  std::string sub_out;  // XPUB bind endpoint
  int hwm = 100000;     // per-peer queue, both sides (see docs/PERFORMANCE.md)
  std::chrono::milliseconds heartbeat_interval{1000};
  // CURVE keys (the "broker" key); nullptr or disabled: plain TCP.
  std::shared_ptr<const security::BusSecurity> security;
};

struct BrokerCounters {
  std::uint64_t forwarded = 0;      // events passed to XPUB
  std::uint64_t dropped = 0;        // events XPUB refused (EAGAIN)
  std::uint64_t malformed = 0;      // not two frames, dropped
  std::uint64_t subscriptions = 0;  // subscribe/unsubscribe messages passed upstream
  std::uint64_t forged = 0;         // from a key that may not publish them, dropped
};

class Broker {
 public:
  Broker(zmq::context_t& ctx, BrokerOptions options, const Clock& clock);

  // Binds both sockets; kIo naming the endpoint when one cannot be bound.
  Status bind();
  // Forwards until stop() is called (from a signal handler's thread or another thread).
  void run();
  void stop() { stop_.store(true); }
  const BrokerCounters& counters() const { return counters_; }

 private:
  // Each forwards one message; false when none was waiting.
  bool forward_event();
  bool forward_subscription();
  // Whether the event may pass: always with CURVE off, else when its connection's key
  // may publish it (counted and logged when not).
  bool origin_allowed(const zmq::message_t& topic, const zmq::message_t& body);
  void log_forged(std::string_view key, std::string_view topic, const std::string& why);
  void publish_heartbeat();

  BrokerOptions options_;
  const Clock& clock_;
  zmq::socket_t in_;
  zmq::socket_t out_;
  BrokerCounters counters_;
  std::unique_ptr<OriginTable> origins_;                // with CURVE on
  LogThrottle forged_log_{1, std::chrono::seconds(1)};  // "forged" lines: one a second
  std::uint64_t seq_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::atomic<bool> stop_{false};
};

}  // namespace bc::broker
