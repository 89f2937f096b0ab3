#include "messages/request.h"

#include "messages/checks.h"

namespace bc::msg {

Status Request::validate() const {
  Status s = first_error({check_non_empty("cmd", cmd), check_non_negative("ts", ts)});
  if (!s.is_ok()) return s;
  if (!args.is_map()) return Status::bad_message("field 'args': must be a map");
  if (cmd.size() > kMaxCommandBytes) {
    return Status::bad_message("field 'cmd': " + std::to_string(cmd.size()) + " bytes, at most " +
                               std::to_string(kMaxCommandBytes));
  }
  if (nonce && nonce->size() > kMaxNonceBytes) {
    return Status::bad_message("field 'nonce': " + std::to_string(nonce->size()) +
                               " bytes, at most " + std::to_string(kMaxNonceBytes));
  }
  return Status::ok();
}

Status Reply::validate() const {
  if (ok && error) return Status::bad_message("field 'error': present although ok is true");
  if (!ok && !error) return Status::bad_message("missing required field 'error' (ok is false)");
  if (error) {
    auto raw = static_cast<std::uint16_t>(error->code);
    if (!is_known_error_code(raw) || error->code == ErrorCode::kOk) {
      return Status::bad_message("field 'error.code': unknown error code " + std::to_string(raw));
    }
  }
  return Status::ok();
}

Reply make_ok(std::uint64_t id, Value result) {
  Reply r;
  r.id = id;
  r.ok = true;
  r.result = std::move(result);
  return r;
}

Reply make_error(std::uint64_t id, const Status& status) {
  Reply r;
  r.id = id;
  r.ok = false;
  if (status.is_ok()) {
    r.error = ReplyError{ErrorCode::kInternal, "make_error called with an ok status"};
  } else {
    r.error = ReplyError{status.code(), status.message()};
  }
  return r;
}

Status reply_status(const Reply& reply) {
  if (reply.ok) return Status::ok();
  if (!reply.error) return Status::bad_message("reply without ok and without error");
  return Status(reply.error->code, reply.error->message);
}

}  // namespace bc::msg
