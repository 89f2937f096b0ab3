#pragma once
// Holds back the events a freshly started supervisor publishes until they can be heard.
//
// Why: a PUB socket drops every message for which it knows no subscriber, and it learns the
// subscriptions only once its connection to the broker's XSUB is up — milliseconds after
// start. But start() publishes at once: re-adoption restores every node and reports the
// ones that died while the supervisor was down. Without the gate those events were lost
// (found by the re-adoption integration test: the state changes of the first nodes never
// reached any subscriber).
//
// How: a SUB socket on the broker's XPUB subscribed to our own heartbeat topic. When a
// heartbeat of ours comes back, the path supervisor -> broker -> subscribers is up and the
// PUB has received the subscriptions the broker knew (XSUB hands them all to a new
// publisher, and later ones follow in order): the gate opens and the held events go out in
// the order they were published. If none comes back within the deadline (no broker), the
// gate opens anyway and the events are published as before (and dropped as before).
// Heartbeats and stats never wait: they repeat. Owned by the event loop thread.

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "security/bus_security.h"

namespace bc::sup {

class BusGate {
 public:
  // `sub_endpoint` is the broker's XPUB; empty: no probe, the gate is open from the start.
  BusGate(zmq::context_t& ctx, const std::string& host, const std::string& sub_endpoint,
          const security::BusSecurity* security = nullptr);

  bool is_open() const { return open_; }
  // The probe socket to poll for ZMQ_POLLIN while the gate is closed; nullptr once open.
  void* probe_handle() { return open_ ? nullptr : probe_.handle(); }
  // Reads what the probe received; opens the gate when it was a heartbeat of `self`.
  void on_probe_readable(pid_t self);
  // Queues a publication while closed; runs it at once while open.
  void publish(std::function<void()> publication);
  // Opens the gate (idempotent): closes the probe and runs the held publications in order.
  void open();

 private:
  zmq::socket_t probe_;
  std::vector<std::function<void()>> held_;
  bool open_ = false;
};

}  // namespace bc::sup
