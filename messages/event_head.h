#pragma once
// The head of an event body: the envelope's `type` and `host`, and a heartbeat's `role`,
// read without decoding the body (no allocation). For the broker, which checks every
// event's origin at the bus's full rate (docs/SECURITY.md, "Origin binding").

#include <string_view>

#include "common/status.h"

namespace bc::msg {

struct EventHead {
  // Views into the body passed to peek_head(); empty when absent or not a string.
  std::string_view type;
  std::string_view host;
  std::string_view role;
};

// The head of `body`; kBadMessage / kTooLarge when it is not one well-formed msgpack map
// within the limits of limits.h with string keys, or when type, host or role is given
// twice (what decode() refuses as well: whatever decodes has a head that agrees with it).
Result<EventHead> peek_head(std::string_view body);

}  // namespace bc::msg
