#pragma once
// Publishes events to the broker's XSUB socket: topic frame, then msgpack body. Numbers
// every event (seq, per publisher, across topics) so subscribers can see gaps. Never
// blocks: an event that cannot be queued (peer gone, high-water mark) is counted as
// dropped, because a supervisor's loop must not stall on the bus.
// Owned by one event loop thread.

#include <cstdint>
#include <string>
#include <zmq.hpp>

#include "common/clock.h"
#include "messages/codec.h"
#include "messages/envelope.h"
#include "security/bus_security.h"

namespace bc::net {

class EventPublisher {
 public:
  // Connects to `endpoint` (the broker's publish-in). A not-yet-running broker is fine:
  // ZeroMQ reconnects by itself.
  // With `security` (CURVE on), the broker's key is security::kBrokerKeyName; the caller
  // checked that it is listed (BusSecurity::check_peer).
  EventPublisher(zmq::context_t& ctx, std::string host, const std::string& endpoint,
                 const Clock& clock, const security::BusSecurity* security = nullptr);

  template <msg::Event M>
  void publish(M& event) {
    msg::stamp(event, host_, ++seq_, clock_.wall_us());
    send(msg::topic_for(event), msg::encode(event));
  }

  std::uint64_t seq() const { return seq_; }
  std::uint64_t dropped() const { return dropped_; }
  const std::string& host() const { return host_; }

 private:
  void send(const std::string& topic, const std::string& body);

  zmq::socket_t socket_;
  std::string host_;
  const Clock& clock_;
  std::uint64_t seq_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace bc::net
