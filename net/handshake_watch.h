#pragma once
// Whether a CURVE server refused our key. A server that refuses a key closes the
// connection in the handshake; without a socket monitor that looks like a server that never
// answers (or a bus that never carries anything), and the user waits for nothing. Every
// client socket of the shell and the daemons that may meet a refusal watches for it here.

#include <optional>
#include <string>
#include <zmq.hpp>

#include "common/status.h"

namespace bc::net {

class HandshakeWatch {
 public:
  // Watches `socket` (call before it connects) when `curve` is on; otherwise watches
  // nothing and never reports a refusal.
  HandshakeWatch(zmq::context_t& ctx, zmq::socket_t& socket, bool curve);

  // Reads the monitor's events: kPermissionDenied naming `endpoint` once the server
  // refused our key (it stays refused), ok otherwise.
  Status check(const std::string& endpoint);
  // The monitor to poll for ZMQ_POLLIN beside the socket; nullptr when not watching.
  zmq::socket_t* monitor() { return monitor_ ? &*monitor_ : nullptr; }

 private:
  std::optional<zmq::socket_t> monitor_;
  Status refused_;
};

}  // namespace bc::net
