#include "security/request_gate.h"

#include <spdlog/spdlog.h>

#include "common/strings.h"

namespace bc::security {

RequestGate::RequestGate(const BusSecurity* security, Service service)
    : enabled_(security != nullptr && security->enabled()),
      service_(service),
      ring_(security != nullptr ? security->keys_dir() : std::string()),
      replay_(std::chrono::seconds(security != nullptr ? security->replay_window_s() : 60)) {
  if (enabled_) (void)ring_.load();
}

Status RequestGate::refuse(Status why) {
  ++refused_;
  return why;
}

Status RequestGate::admit(const zmq::message_t& frame, const msg::Request& request,
                          std::int64_t now_us) {
  if (!enabled_) return Status::ok();
  const std::optional<std::string> key = sender_key(frame);
  if (!key) {
    return refuse(Status(ErrorCode::kPermissionDenied, "request without an authenticated key"));
  }
  if (Status s = ring_.refresh(); !s.is_ok()) {
    spdlog::error("key lists: {} (the previous lists stay in force)", s.message());
  }
  const KeyEntry* entry = ring_.lists().find_key(*key);
  if (entry == nullptr) {
    return refuse(Status(
        ErrorCode::kPermissionDenied,
        "permission denied: key " + key->substr(0, 8) + "... is no longer listed (revoked)"));
  }
  const Principal who = principal_of(*entry);
  if (!command_allowed(service_, who, request.cmd)) {
    return refuse(Status(ErrorCode::kPermissionDenied,
                         "permission denied: key '" + entry->name + "' has role " +
                             std::string(role_name(entry->role)) + " (" +
                             std::string(principal_name(who)) + "), which may not send '" +
                             printable(request.cmd) + "' here"));
  }
  if (Status s = replay_.check(*key, request.nonce, request.ts, now_us); !s.is_ok()) {
    return refuse(s);
  }
  return Status::ok();
}

}  // namespace bc::security
