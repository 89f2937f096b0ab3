#include "messages/event_origin.h"

#include "messages/alert.h"
#include "messages/codec.h"
#include "messages/heartbeat.h"

namespace bc::msg {

std::string origin_of(std::string_view type, std::string_view body) {
  if (type == Heartbeat::kType) {
    auto hb = decode<Heartbeat>(body);
    return hb.is_ok() ? hb->role : "supervisor";
  }
  if (type == Alert::kType) return "collector";
  if (type == LogLine::kType) {
    auto log = decode<LogLine>(body);
    return log.is_ok() ? log->component : "log";
  }
  return "supervisor";
}

}  // namespace bc::msg
