#include "messages/crash.h"

#include "messages/checks.h"
#include "messages/node_events.h"

namespace bc::msg {

Status CrashReport::validate() const {
  Status s = first_error({
      env.validate(),
      check_non_empty("node", node),
      check_one_of("node_type", node_type, kNodeTypes),
      check_non_negative("pid", pid),
      check_non_negative("signal", signal),
      check_non_negative("started_at", started_at),
      check_non_negative("ended_at", ended_at),
      check_finite_non_negative("utime_s", utime_s),
      check_finite_non_negative("stime_s", stime_s),
      check_non_empty("record_dir", record_dir),
  });
  if (!s.is_ok()) return s;
  if (exit_code < -1) return Status::bad_message("field 'exit_code': must be >= -1");
  // started_at is 0 when the supervisor adopted a node whose start it never saw.
  if (started_at != 0 && ended_at < started_at) {
    return Status::bad_message("field 'ended_at': before started_at");
  }
  return Status::ok();
}

std::string topic_for(const CrashReport& m) {
  return "crash." + m.env.host + "." + m.node;
}

}  // namespace bc::msg
