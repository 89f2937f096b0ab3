#include "collector/notice_order.h"

namespace bc::collector {

bool NoticeOrder::accept_notice(const std::string& node, const msg::Envelope& env) {
  // Told already: by the bus, which was quicker this time, or by another watch's answer.
  if (auto bus = last_bus_.find(node); bus != last_bus_.end() && not_newer(env, bus->second)) {
    return false;
  }
  if (auto told = notices_.find(node); told != notices_.end() && not_newer(env, told->second)) {
    return false;
  }
  notices_[node] = stamp_of(env);
  return true;
}

bool NoticeOrder::accept_bus(const std::string& node, const msg::Envelope& env) {
  if (auto told = notices_.find(node); told != notices_.end()) {
    if (same(told->second, env)) {  // the notice's own copy: the wait is over
      notices_.erase(told);
      return false;
    }
    if (not_newer(env, told->second)) return false;  // overtaken by the notice
    notices_.erase(told);  // its copy was lost on the bus; this one is newer
  }
  last_bus_[node] = stamp_of(env);
  return true;
}

}  // namespace bc::collector
