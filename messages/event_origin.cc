#include "messages/event_origin.h"

#include "messages/alert.h"
#include "messages/codec.h"
#include "messages/event_head.h"
#include "messages/heartbeat.h"

namespace bc::msg {

std::string origin_of(std::string_view type, std::string_view body) {
  if (type == Heartbeat::kType) {
    // The role without decoding the whole heartbeat (the collector asks for every event).
    auto head = peek_head(body);
    return head.is_ok() && !head->role.empty() ? std::string(head->role) : "supervisor";
  }
  if (type == Alert::kType) return "collector";
  if (type == LogLine::kType) {
    auto log = decode<LogLine>(body);
    return log.is_ok() ? log->component : "log";
  }
  return "supervisor";
}

}  // namespace bc::msg
