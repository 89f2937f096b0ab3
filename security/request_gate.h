#pragma once
// The door of a command server (supervisor, collector) with CURVE on: every request is
// admitted only when the key it came with (the ZAP handler's User-Id) has, in the key
// lists as they are now, a role that may send this command (command_policy.h), and when
// it is not a replay (replay_guard.h). With CURVE off every request is admitted.
// Owned by the server's event loop thread.

#include <chrono>
#include <string>
#include <zmq.hpp>

#include "common/log_throttle.h"
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
  // Replay-guard nonces forgotten early because its memory bound was reached.
  std::uint64_t replay_shed() const { return replay_.shed(); }
  // Whether a refused or malformed request may be logged now (at most 10 lines per 10 s,
  // so that nobody holding a key can rotate a log's history away); `left_out` as in
  // LogThrottle::allow.
  bool may_log_refusal(LogThrottle::TimePoint now, std::uint64_t& left_out) {
    return refusal_log_.allow(now, left_out);
  }

 private:
  Status refuse(Status why);

  bool enabled_ = false;
  Service service_;
  KeyRing ring_;
  ReplayGuard replay_;
  std::uint64_t refused_ = 0;
  LogThrottle refusal_log_;
};

}  // namespace bc::security
