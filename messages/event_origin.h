#pragma once
// Which daemon of a host published an event. Each numbers its events on its own, so a
// subscriber keys `seq` by (host, origin) (docs/PROTOCOL.md §2): a heartbeat's `role`,
// `collector` for alerts, a log line's `component`, `supervisor` for the rest.

#include <string>
#include <string_view>

namespace bc::msg {

// `type` is the event's envelope type, `body` the encoded event.
std::string origin_of(std::string_view type, std::string_view body);

}  // namespace bc::msg
