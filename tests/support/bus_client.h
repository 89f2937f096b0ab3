#pragma once
// Test support: the two ways a test talks to running daemons. Client sends commands to a
// supervisor (a DEALER, through net::RequestMux) and waits for the reply with a
// deadline; EventTap subscribes to everything on the broker's XPUB and records every event
// so that a test can wait for the next event it expects, in order, with a deadline.
// Both are owned by one test thread and use a zmq::context_t that outlives them.

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <zmq.hpp>

#include "common/clock.h"
#include "messages/codec.h"
#include "net/request_mux.h"

namespace bc::test {

// {"nodes": [names...]}: the node selection argument of the supervisor's commands.
msg::Value nodes_arg(std::initializer_list<std::string> names);
msg::Value nodes_arg(const std::vector<std::string>& names);

// The entry of `node` in a reply: result.nodes[node] for lifecycle replies (a map by
// name), the element with that "name" for status/top/diag replies (a list). Nil if absent.
msg::Value node_entry(const msg::Reply& reply, const std::string& node);
// Typed field access for assertions: "" / -1 / false when absent or of another kind.
std::string str_field(const msg::Value& v, std::string_view key);
std::int64_t int_field(const msg::Value& v, std::string_view key);
bool bool_field(const msg::Value& v, std::string_view key);
// The reply as one JSON line, for assertion messages.
std::string describe(const msg::Reply& reply);

class Client {
 public:
  // With `security`, CURVE to the server whose key is named `server` (a host name).
  Client(zmq::context_t& ctx, const std::string& endpoint,
         const security::BusSecurity* security = nullptr, const std::string& server = {});

  // Sends a request and waits up to `timeout` for its reply. A reply that does not come in
  // time is returned as an error reply with kUnreachable, so assertions print why.
  msg::Reply call(std::string_view cmd, const msg::Value& args = msg::Value::empty_map(),
                  Millis timeout = Millis(10000));
  // The two halves of call(), for requests that must be outstanding together.
  std::uint64_t send(std::string_view cmd, const msg::Value& args = msg::Value::empty_map());
  msg::Reply wait(std::uint64_t id, Millis timeout = Millis(10000));
  // The reply to `id` if it has arrived by now (non-blocking).
  std::optional<msg::Reply> poll(std::uint64_t id);

  // The status entry of one node (nil when the call fails).
  msg::Value status_of(const std::string& node);

  zmq::socket_t& socket() { return mux_.socket(kServer); }

 private:
  static constexpr const char* kServer = "server";
  SystemClock clock_;
  net::RequestMux mux_;
};

// One event as the tap received it. The bodies of the types tests look at are decoded.
struct BusEvent {
  std::string topic;
  std::string type;  // the body's `type`; empty when undecodable
  std::string body;
  std::optional<msg::Heartbeat> heartbeat;
  std::optional<msg::NodeStateChange> state;
  std::optional<msg::CrashReport> crash;
  std::chrono::steady_clock::time_point received;
};
using EventPredicate = std::function<bool(const BusEvent&)>;

// Predicates for EventTap waits.
EventPredicate heartbeat_from(const std::string& host, std::int64_t pid = 0);  // role supervisor
EventPredicate broker_heartbeat();
EventPredicate node_state(const std::string& host, const std::string& node,
                          const std::string& state);
EventPredicate any_node_state(const std::string& host, const std::string& node);
EventPredicate crash_of(const std::string& host, const std::string& node);

class EventTap {
 public:
  // Subscribes to every topic at `endpoint` (the broker's XPUB). Subscribing is
  // asynchronous: wait for an event (a heartbeat) before relying on the subscription.
  // With `security`, CURVE to the broker.
  EventTap(zmq::context_t& ctx, const std::string& endpoint,
           const security::BusSecurity* security = nullptr);

  // The next matching event after the cursor; the cursor moves past it, so that
  // successive calls assert an order. nullopt when none arrives within `timeout`.
  std::optional<BusEvent> next(const EventPredicate& pred, Millis timeout = Millis(5000));
  // The first matching event since the tap started or since the last skip(), waiting up to
  // `timeout` for one to arrive; the cursor does not move.
  std::optional<BusEvent> wait_for(const EventPredicate& pred, Millis timeout = Millis(5000));
  // Forgets the past: next() and wait_for() see only events received from now on.
  void skip();
  // Every matching event received so far (after reading what is queued), from the start
  // or the last skip().
  std::vector<BusEvent> all(const EventPredicate& pred);
  // Every node and crash event received, one per line, for assertion messages.
  std::string history();

 private:
  // Receives one event, waiting up to `wait`; false when none came.
  bool receive(Millis wait);
  void drain();

  zmq::socket_t socket_;
  std::vector<BusEvent> events_;
  std::size_t origin_ = 0;  // index of the first event after skip()
  std::size_t cursor_ = 0;  // index of the first event next() looks at
};

}  // namespace bc::test
