#pragma once
// Request and Reply: the command conversation between a client (shell, collector) DEALER
// and a supervisor or collector ROUTER. One frame each after the routing envelope. A reply
// may arrive long after its request and out of order, so the client matches them by id.
// Neither carries an event Envelope and neither has a `type` key on the wire: the socket
// says which one it is.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "messages/fields.h"
#include "messages/limits.h"
#include "messages/value.h"

namespace bc::msg {

struct Request {
  static constexpr std::string_view kType = "request";

  int v = kProtocolVersion;
  std::uint64_t id = 0;              // chosen by the client, echoed in the reply
  std::string cmd;                   // command name, e.g. "start", "status"
  Value args = Value::empty_map();   // command arguments; always a map
  std::int64_t ts = 0;               // us since epoch at the client
  std::optional<std::string> nonce;  // reserved for the security design (replay guard)

  template <class V>
  void fields(V& visit) {
    visit("v", v, Presence::kRequired);
    visit("id", id, Presence::kRequired);
    visit("cmd", cmd, Presence::kRequired);
    visit("args", args, Presence::kOptional);
    visit("ts", ts, Presence::kRequired);
    visit("nonce", nonce, Presence::kOptional);
  }
  Status validate() const;
  bool operator==(const Request&) const = default;
};

struct ReplyError {
  ErrorCode code = ErrorCode::kInternal;  // a known ErrorCode other than kOk
  std::string message;

  template <class V>
  void fields(V& visit) {
    visit("code", code, Presence::kRequired);
    visit("message", message, Presence::kRequired);
  }
  bool operator==(const ReplyError&) const = default;
};

struct Reply {
  static constexpr std::string_view kType = "reply";

  int v = kProtocolVersion;
  std::uint64_t id = 0;  // the request's id
  bool ok = false;
  std::optional<Value> result;      // usually with ok; allowed with !ok for partial results
  std::optional<ReplyError> error;  // required when !ok, forbidden when ok

  template <class V>
  void fields(V& visit) {
    visit("v", v, Presence::kRequired);
    visit("id", id, Presence::kRequired);
    visit("ok", ok, Presence::kRequired);
    visit("result", result, Presence::kOptional);
    visit("error", error, Presence::kOptional);
  }
  Status validate() const;
  bool operator==(const Reply&) const = default;
};

Reply make_ok(std::uint64_t id, Value result);
// REQUIRES: !status.is_ok(). An ok status is reported as kInternal rather than as success,
// because a handler that reaches make_error with ok has a bug.
Reply make_error(std::uint64_t id, const Status& status);
// Status::ok() for a successful reply, otherwise the carried code and message.
Status reply_status(const Reply& reply);

}  // namespace bc::msg
