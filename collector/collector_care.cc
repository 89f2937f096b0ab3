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
  const std::uint64_t asked_at = events_applied_;
  (void)requests_.send(host, "status", msg::Value::empty_map(), options_.comm_timeout,
                       [this, host, asked_at](const Result<msg::Reply>& reply) {
                         if (reply.is_ok() && reply->ok && reply->result) {
                           apply_status(host, *reply->result, asked_at);
                         }
                       });
  fetch_crashes(host, crash_mail_.since(host));
  crash_watch_.arm(host);
}

void Collector::apply_status(const std::string& host, const msg::Value& result,
                             std::uint64_t asked_at) {
  const msg::Value* nodes = result.find("nodes");
  if (nodes == nullptr || nodes->as_array() == nullptr) return;
  for (const msg::Value& n : *nodes->as_array()) {
    NodeView* node = view_.node(n.get_string("name").value_or(""));
    if (node == nullptr || node->spec.host != host) continue;
    // The snapshot may be older than what the bus has told us since we asked (the reply and
    // the events take different paths), and a node we are restarting is settled by our
    // start's answer: applying it would see a crash that is already being repaired.
    const CareState care = care_of(*node).care.state();
    if (node->last_event > asked_at || care == CareState::kInFlight ||
        care == CareState::kInFlightCrashed) {
      continue;
    }
    node->state = node_state_or_unknown(n.get_string("state").value_or(""));
    node->desired =
        desired_state_from_name(n.get_string("desired").value_or("")).value_or(node->desired);
    node->pid = n.get_int("pid").value_or(0);
    node->started_at = n.get_int("started_at").value_or(0);
    care_event(*node, CareEvent::kReconciliation, "found crashed by reconciliation");
  }
  // The manager may be among what this status told: whoever waits for it re-derives.
  manager_news();
}

}  // namespace bc::collector
