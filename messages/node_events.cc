#include "messages/node_events.h"

#include "messages/checks.h"

namespace bc::msg {

Status NodeStateChange::validate() const {
  Status s = first_error({
      env.validate(),
      check_non_empty("node", node),
      check_one_of("node_type", node_type, kNodeTypes),
      check_one_of("state", state, kNodeStates),
      check_one_of("prev_state", prev_state, kNodeStates),
      check_one_of("desired", desired, kDesiredStates),
      check_non_negative("pid", pid),
      check_non_negative("started_at", started_at),
      check_non_negative("signal", signal),
  });
  if (!s.is_ok()) return s;
  if (exit_code < -1) return Status::bad_message("field 'exit_code': must be >= -1");
  return Status::ok();
}

Status NodeStats::validate() const {
  return first_error({
      env.validate(),
      check_non_empty("node", node),
      check_one_of("node_type", node_type, kNodeTypes),
      check_non_negative("pid", pid),
      check_finite_non_negative("cpu_pct", cpu_pct),
      check_finite_non_negative("cpu_user_s", cpu_user_s.value_or(0)),
      check_finite_non_negative("cpu_system_s", cpu_system_s.value_or(0)),
  });
}

Status DiskUsage::validate() const {
  Status s = first_error({
      check_non_empty("path", path),
      check_finite_non_negative("avail_pct", avail_pct),
  });
  if (!s.is_ok()) return s;
  if (avail_pct > 100) return Status::bad_message("field 'avail_pct': above 100");
  if (avail_bytes > total_bytes) {
    return Status::bad_message("field 'avail_bytes': larger than total_bytes");
  }
  return Status::ok();
}

Status HostStats::validate() const {
  Status s = first_error({
      env.validate(),
      check_finite_non_negative("load1", load1),
      check_finite_non_negative("load5", load5),
      check_finite_non_negative("load15", load15),
  });
  if (!s.is_ok()) return s;
  if (mem_available > mem_total) {
    return Status::bad_message("field 'mem_available': larger than mem_total");
  }
  for (const DiskUsage& d : disks) {
    if (Status ds = d.validate(); !ds.is_ok()) return Status::bad_message("disks: " + ds.message());
  }
  return Status::ok();
}

std::string topic_for(const NodeStateChange& m) {
  return "node." + m.env.host + "." + m.node;
}
std::string topic_for(const NodeStats& m) {
  return "stats." + m.env.host + "." + m.node;
}
std::string topic_for(const HostStats& m) {
  return "stats." + m.env.host;
}

}  // namespace bc::msg
