#pragma once
// The door of a command server (supervisor, collector) with CURVE on: every request is
// admitted only when the key it came with (the ZAP handler's User-Id) has, in the key
// lists as they are now, a role that may send this command (command_policy.h), and when
// it is not a replay (replay_guard.h). With CURVE off every request is admitted.
// Owned by the server's event loop thread.

#include <chrono>
#include <string>
#include <zmq.hpp>

#include "common/status.h"
#include "messages/request.h"
#include "security/bus_security.h"
#include "security/command_policy.h"
#include "security/replay_guard.h"

namespace bc::security {

class RequestGate {
 public:
  // `security` may be nullptr (plain).
  RequestGate(const BusSecurity* security, Service service);

  // `frame` is the request's body frame as received (it carries the User-Id).
  Status admit(const zmq::message_t& frame, const msg::Request& request, std::int64_t now_us);
  std::uint64_t refused() const { return refused_; }

 private:
  Status refuse(Status why);

  bool enabled_ = false;
  Service service_;
  KeyRing ring_;
  ReplayGuard replay_;
  std::uint64_t refused_ = 0;
};

}  // namespace bc::security
