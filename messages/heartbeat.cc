#include "messages/heartbeat.h"

#include "messages/checks.h"

namespace bc::msg {

Status Heartbeat::validate() const {
  Status s = first_error({
      env.validate(),
      check_one_of("role", role, kRoles),
      check_non_negative("pid", pid),
      check_finite_non_negative("uptime_s", uptime_s),
  });
  if (!s.is_ok()) return s;
  // Running and crashed are disjoint subsets of the owned nodes.
  if (std::uint64_t{nodes_running} + nodes_crashed > nodes_total) {
    return Status::bad_message("field 'nodes_total': smaller than nodes_running + nodes_crashed");
  }
  return Status::ok();
}

std::string topic_for(const Heartbeat& hb) {
  return "hb." + hb.env.host;
}

}  // namespace bc::msg
