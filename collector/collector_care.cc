// The collector's repairs: reconciling with the supervisors. Restart care itself is in
// collector_restart.cc (and its table in restart_care.cc); host and bus liveness in
// collector_liveness.cc.

#include <spdlog/spdlog.h>

#include "collector/collector.h"
#include "messages/codec.h"

namespace bc::collector {

void Collector::reconcile(const std::string& host, const std::string& why) {
  // Routine on start and at cron; anything else (a sequence gap, a host back) means events
  // were lost, which is worth a line.
  if (why == kWhyCron || why == kWhyStart) {
    spdlog::debug("reconciling {} ({})", host, why);
  } else {
    spdlog::info("reconciling {} ({})", host, why);
  }
  (void)requests_.send(host, "status", msg::Value::empty_map(), options_.comm_timeout,
                       [this, host](const Result<msg::Reply>& reply) {
                         if (reply.is_ok() && reply->ok && reply->result) {
                           apply_status(host, *reply->result);
                         }
                       });
  fetch_crashes(host, crash_mail_.since(host));
  crash_watch_.arm(host);
}

void Collector::apply_status(const std::string& host, const msg::Value& result) {
  const msg::Value* nodes = result.find("nodes");
  if (nodes == nullptr || nodes->as_array() == nullptr) return;
  for (const msg::Value& n : *nodes->as_array()) {
    NodeView* node = view_.node(n.get_string("name").value_or(""));
    if (node == nullptr || node->spec.host != host) continue;
    // A node we are restarting is settled by our start's answer: applying its status here
    // would see a crash that is already being repaired.
    const CareState care = care_of(*node).care.state();
    if (care == CareState::kInFlight || care == CareState::kInFlightCrashed) continue;
    if (!take_node_status(*node, n)) continue;
    care_event(*node, CareEvent::kReconciliation, "found crashed by reconciliation");
  }
  // The manager may be among what this status told: whoever waits for it re-derives.
  manager_news();
}

bool Collector::take_node_status(NodeView& node, const msg::Value& status) {
  // The reply and the events take different paths, so either may be the newer. Ordered by
  // the supervisor's own clock, not by arrival: events that arrive after we asked may still
  // be older than the answer (a restarted supervisor's held re-adoption events were, and
  // hid a crash the answer told). An entry without `as_of` (an older supervisor) is taken.
  if (auto as_of = status.get_int("as_of"); as_of && node.last_event_ts > *as_of) return false;
  node.state = node_state_or_unknown(status.get_string("state").value_or(""));
  node.desired =
      desired_state_from_name(status.get_string("desired").value_or("")).value_or(node.desired);
  node.pid = status.get_int("pid").value_or(0);
  node.started_at = status.get_int("started_at").value_or(0);
  return true;
}

}  // namespace bc::collector
