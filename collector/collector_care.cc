// The collector's repairs: restarting crashed nodes (backoff, manager first, storm
// guard) and reconciling with the supervisors. Host liveness: collector_liveness.cc.

#include <spdlog/spdlog.h>

#include "collector/collector.h"
#include "messages/codec.h"

namespace bc::collector {
namespace {

bool is_manager_like(config::NodeType t) {
  return t == config::NodeType::kManager || t == config::NodeType::kLogger;
}

msg::Value one_node(const std::string& name) {
  return msg::Value::empty_map().set("nodes", msg::Value::empty_array().push_back(name));
}

}  // namespace

void Collector::on_node_state(const msg::NodeStateChange& e) {
  NodeView* node = view_.node(e.node);
  if (node == nullptr) return;
  node->last_event = ++events_applied_;
  const std::string before = node->state;
  node->state = e.state;
  node->desired = e.desired;
  node->pid = e.pid;
  node->started_at = e.started_at;
  NodeCare& care = care_[e.node];
  if (e.prev_state == "stopped" || e.prev_state == "failed" || e.desired == "stopped") {
    care.policy->reset();  // an operator's start or stop: a fresh start, no streak
  }
  if (e.state == "running") {
    care.policy->on_running(clock_.now());
    action(e.env.host, e.node, "started", "pid " + std::to_string(e.pid));
    if (is_manager_like(node->spec.type)) release_deferred();
  } else if (e.state == "stopped" && before != "stopped") {
    action(e.env.host, e.node, "stopped");
  } else if (e.state == "failed") {
    action(e.env.host, e.node, "failed", e.reason.value_or(""));
  } else if (e.state == "crashed") {
    // The restart request goes out first; stats.log and the log line can wait.
    if (e.desired == "running") handle_crash(*node, e.reason.value_or("crashed"));
    action(e.env.host, e.node, "crashed", e.reason.value_or(""));
  }
}

void Collector::on_crash_notice(const msg::NodeStateChange& e) {
  const NodeView* node = view_.node(e.node);
  if (node == nullptr || node->spec.host != e.env.host) return;
  if (notice_order_.accept_notice(e.node, e.env)) on_node_state(e);
}

void Collector::handle_crash(NodeView& node, const std::string& why) {
  if (!cron_enabled_) {
    // `cron disable` stops all automatic care, restarts included, as zeekctl's does.
    spdlog::info("cron is disabled; not restarting {} ({})", node.spec.name, why);
    return;
  }
  NodeCare& care = care_[node.spec.name];
  if (care.in_flight) {
    care.crashed_in_flight = true;  // counted when our start's answer arrives
    return;
  }
  if (care.pending != 0 || care.deferred) return;  // already on it
  const RestartDecision d = care.policy->on_crash(clock_.now());
  if (d.give_up) return give_up(node, d.crashes_in_window);
  schedule_restart(node, d.delay);
  spdlog::info("node {} on {} crashed ({}); restart in {} ms", node.spec.name, node.spec.host, why,
               d.delay.count());
}

void Collector::schedule_restart(NodeView& node, Duration delay) {
  const std::string name = node.spec.name;
  NodeCare& care = care_[name];
  if (delay.count() == 0) return try_restart(name);
  care.pending = timers_.schedule(clock_.now() + delay, [this, name] {
    care_[name].pending = 0;
    try_restart(name);
  });
}

bool Collector::manager_down() const {
  for (const auto& [name, node] : const_cast<ClusterView&>(view_).nodes()) {
    if (is_manager_like(node.spec.type) && node.desired == "running" && node.state != "running") {
      return true;
    }
  }
  return false;
}

void Collector::try_restart(const std::string& name) {
  NodeView* node = view_.node(name);
  NodeCare& care = care_[name];
  if (node == nullptr || care.in_flight) return;
  if (node->state != "crashed" || node->desired != "running") return;  // someone else acted
  const HostView* host = view_.host(node->spec.host);
  if (host != nullptr && !host->up) return;  // reconciled when the host comes back
  if (!is_manager_like(node->spec.type) && node->spec.type != config::NodeType::kStandalone &&
      manager_down()) {
    if (!care.deferred) spdlog::info("restart of {} waits for the manager", name);
    care.deferred = true;
    return;
  }
  care.deferred = false;
  care.in_flight = true;
  const auto timeout = options_.start_timeout + options_.comm_timeout;
  Status sent =
      requests_.send(node->spec.host, "start", one_node(name), timeout,
                     [this, name](const Result<msg::Reply>& reply) {
                       NodeCare& c = care_[name];
                       c.in_flight = false;
                       NodeView* n = view_.node(name);
                       if (n == nullptr) return;
                       ++n->restarts;
                       const Status s = reply.is_ok() ? msg::reply_status(*reply) : reply.status();
                       action(n->spec.host, name, "restarted", s.is_ok() ? "" : s.message());
                       if (!s.is_ok()) spdlog::warn("restart of {} failed: {}", name, s.message());
                       // It died again before we heard back: that crash counts now.
                       if (std::exchange(c.crashed_in_flight, false) && n->state == "crashed" &&
                           n->desired == "running") {
                         handle_crash(*n, "crashed again while being restarted");
                       }
                     });
  if (!sent.is_ok()) care.in_flight = false;
}

void Collector::release_deferred() {
  if (manager_down()) return;
  for (auto& [name, care] : care_) {
    if (care.deferred) {
      care.deferred = false;
      try_restart(name);
    }
  }
}

void Collector::give_up(NodeView& node, int crashes) {
  const std::string name = node.spec.name;
  const std::string message = name + " on " + node.spec.host + " crashed " +
                              std::to_string(crashes) +
                              " times within the restart-storm window; "
                              "not restarting it again until it is started by hand";
  spdlog::error("{}", message);
  (void)requests_.send(node.spec.host, "mark_failed", one_node(name), options_.comm_timeout,
                       [name](const Result<msg::Reply>& reply) {
                         if (!reply.is_ok() || !reply->ok) {
                           spdlog::warn("could not mark {} failed: {}", name,
                                        reply.is_ok() ? msg::reply_status(*reply).message()
                                                      : reply.status().message());
                         }
                       });
  alert(msg::kAlertRestartStorm, "critical", message, node.spec.host, name);
  (void)mailer_.send("restart storm: " + name, message + "\n");
}

void Collector::reconcile(const std::string& host, const std::string& why) {
  // Routine on start and at cron; anything else (a sequence gap, a host back) means events
  // were lost, which is worth a line.
  if (why == "cron" || why == "start") {
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
    if (node->last_event > asked_at || care_[node->spec.name].in_flight) continue;
    node->state = n.get_string("state").value_or(node->state);
    node->desired = n.get_string("desired").value_or(node->desired);
    node->pid = n.get_int("pid").value_or(0);
    node->started_at = n.get_int("started_at").value_or(0);
    if (node->state == "crashed" && node->desired == "running") {
      handle_crash(*node, "found crashed by reconciliation");
    }
  }
}

}  // namespace bc::collector
