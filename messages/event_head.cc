#include "messages/event_head.h"

#include <array>

#include "messages/limits.h"
#include "messages/wire_scan.h"

namespace bc::msg {

Result<EventHead> peek_head(std::string_view body) {
  if (body.size() > kMaxFrameBytes) {
    return Status(ErrorCode::kTooLarge, "event body of " + std::to_string(body.size()) + " bytes");
  }
  static constexpr std::array<std::string_view, 3> kKeys = {"type", "host", "role"};
  std::array<std::string_view, 3> values;
  if (Status s = detail::scan_top_strings(body, kKeys, values); !s.is_ok()) return s;
  return EventHead{values[0], values[1], values[2]};
}

}  // namespace bc::msg
