// The collector's restart care: node events folded into the view, each node's RestartCare
// table fed with what happened and the facts it rests on, and the actions it returns
// performed (the timer, the `start`, the storm guard's `mark_failed`, alert and mail).

#include <algorithm>

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

std::string seconds_text(Duration d) {
  const double s = static_cast<double>(d.count()) / 1000.0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

}  // namespace

void Collector::on_node_state(const msg::NodeStateChange& e) {
  NodeView* node = view_.node(e.node);
  if (node == nullptr) return;  // not configured (any more): not ours to care for
  node->last_event_ts = std::max(node->last_event_ts, e.env.ts);
  const NodeState before = node->state;
  const NodeState state = node_state_or_unknown(e.state);
  const NodeState prev = node_state_or_unknown(e.prev_state);
  node->state = state;
  node->desired = desired_state_from_name(e.desired).value_or(node->desired);
  node->pid = e.pid;
  node->started_at = e.started_at;
  node->clean_exit = e.exit_code == 0 && e.signal == 0 && !e.core_dumped;
  if (prev == NodeState::kStopped || prev == NodeState::kFailed ||
      node->desired == DesiredState::kStopped) {
    care_event(*node, CareEvent::kOperatorAction, "started or stopped by hand");
  }
  if (state == NodeState::kRunning) {
    care_of(*node).care.on_running(clock_.now());
    action(e.env.host, e.node, "started", "pid " + std::to_string(e.pid));
    if (is_manager_like(node->spec.type)) manager_news();
  } else if (state == NodeState::kStopped && before != NodeState::kStopped) {
    action(e.env.host, e.node, "stopped");
  } else if (state == NodeState::kFailed) {
    action(e.env.host, e.node, "failed", e.reason.value_or(""));
  } else if (state == NodeState::kCrashed) {
    // The restart request goes out first; stats.log and the log line can wait.
    care_event(*node, CareEvent::kCrash, e.reason.value_or("crashed"));
    action(e.env.host, e.node, "crashed", e.reason.value_or(""));
  }
}

Collector::NodeCare& Collector::care_of(const NodeView& node) {
  auto it = care_.find(node.spec.name);
  if (it != care_.end()) return it->second;
  auto random01 = [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); };
  return care_
      .emplace(
          node.spec.name,
          NodeCare{RestartCare(config::restart_settings(cluster_, node.spec), random01), 0, {}})
      .first->second;
}

bool Collector::manager_down() const {
  for (const auto& [name, node] : const_cast<ClusterView&>(view_).nodes()) {
    if (is_manager_like(node.spec.type) && node.desired == DesiredState::kRunning &&
        node.state != NodeState::kRunning) {
      return true;
    }
  }
  return false;
}

CareFacts Collector::care_facts(const NodeView& node) const {
  CareFacts f;
  f.crashed = node.state == NodeState::kCrashed && node.desired == DesiredState::kRunning;
  f.clean_exit = node.clean_exit;
  f.cron_enabled = cron_enabled_;
  const HostView* host = const_cast<ClusterView&>(view_).host(node.spec.host);
  f.host_up = host == nullptr || host->up;
  f.manager_down = !is_manager_like(node.spec.type) &&
                   node.spec.type != config::NodeType::kStandalone && manager_down();
  return f;
}

void Collector::care_event(NodeView& node, CareEvent event, const std::string& why) {
  const std::string name = node.spec.name;
  NodeCare& c = care_of(node);
  const CareStep step = c.care.handle(event, care_facts(node), clock_.now());
  const CareActions a = step.actions;
  if (event == CareEvent::kCrash) {
    c.fates.push_back(fate_text(c, step));
    if (c.fates.size() > 16) c.fates.pop_front();
  } else if (event == CareEvent::kStartReply && a.has(CareAction::kCountCrash) &&
             !c.fates.empty()) {
    c.fates.back() = fate_text(c, step);  // the crash seen while our start was in flight
  }
  if (event == CareEvent::kCrash && step.verdict != CareVerdict::kRestart &&
      step.verdict != CareVerdict::kNotCrashed) {
    spdlog::info("node {} on {} crashed ({}); {}", name, node.spec.host, why,
                 care_verdict_text(step.verdict));
  }
  if (a.has(CareAction::kCancelTimer) && c.timer != 0) {
    timers_.cancel(c.timer);
    c.timer = 0;
  }
  if (a.has(CareAction::kMarkFailed)) mark_failed(node);
  if (a.has(CareAction::kReportStorm)) give_up(node, step.crashes_in_window);
  if (step.to != step.from && step.to == CareState::kWaitingForManager) {
    spdlog::info("restart of {} waits for the manager", name);
  }
  if (step.to != step.from && step.to == CareState::kWaitingForHost) {
    spdlog::info("restart of {} waits for host {} to answer again", name, node.spec.host);
  }
  if (a.has(CareAction::kSendStart)) send_start(name);
  if (a.has(CareAction::kArmTimer)) {
    spdlog::info("node {} on {} crashed ({}); restart in {} ms", name, node.spec.host, why,
                 step.delay.count());
    if (step.delay.count() == 0) {  // at once, as a timer due now would in this loop turn
      care_event(node, CareEvent::kTimerDue, why);
      return;
    }
    c.timer = timers_.schedule(clock_.now() + step.delay, [this, name, why] {
      auto it = care_.find(name);
      if (it != care_.end()) it->second.timer = 0;
      if (NodeView* n = view_.node(name)) care_event(*n, CareEvent::kTimerDue, why);
    });
  }
}

void Collector::manager_news() {
  if (manager_down()) return;
  for (auto& [name, node] : view_.nodes()) {
    if (care_of(node).care.state() == CareState::kWaitingForManager) {
      care_event(node, CareEvent::kManagerUp, "the manager runs");
    }
  }
}

void Collector::send_start(const std::string& name) {
  NodeView* node = view_.node(name);
  if (node == nullptr) return;
  const auto timeout = options_.start_timeout + options_.comm_timeout;
  const auto sent = requests_.send(
      node->spec.host, "start", one_node(name), timeout,
      [this, name](const Result<msg::Reply>& reply) {
        NodeView* n = view_.node(name);
        if (n == nullptr) return;  // removed by an install meanwhile
        ++n->restarts;
        const Status s = reply.is_ok() ? msg::reply_status(*reply) : reply.status();
        action(n->spec.host, name, "restarted", s.is_ok() ? "" : s.message());
        if (!s.is_ok()) spdlog::warn("restart of {} failed: {}", name, s.message());
        // The answer tells the node's state as well: its `running` event may never come
        // (the bus is down), and a manager known to run again releases whoever waits for it.
        const msg::Value* nodes =
            reply.is_ok() && reply->result ? reply->result->find("nodes") : nullptr;
        const msg::Value* status = nodes != nullptr ? nodes->find(name) : nullptr;
        const bool taken = status != nullptr && take_node_status(*n, *status);
        care_event(*n, CareEvent::kStartReply, "crashed again while being restarted");
        if (taken && n->state == NodeState::kRunning) manager_news();
      });
  if (!sent.is_ok()) {
    spdlog::warn("restart of {} not sent: {}", name, sent.status().message());
    care_event(*node, CareEvent::kStartReply, "not sent");
  }
}

void Collector::mark_failed(const NodeView& node) {
  const std::string name = node.spec.name;
  (void)requests_.send(node.spec.host, "mark_failed", one_node(name), options_.comm_timeout,
                       [name](const Result<msg::Reply>& reply) {
                         if (!reply.is_ok() || !reply->ok) {
                           spdlog::warn("could not mark {} failed: {}", name,
                                        reply.is_ok() ? msg::reply_status(*reply).message()
                                                      : reply.status().message());
                         }
                       });
}

void Collector::give_up(NodeView& node, int crashes) {
  const std::string name = node.spec.name;
  const RestartSettings& s = care_of(node).care.settings();
  const std::string message =
      name + " on " + node.spec.host + " crashed " + std::to_string(crashes) + " times within " +
      seconds_text(s.storm_window) + " s (RestartStormCount " + std::to_string(s.storm_count) +
      "); not restarting it again until it is started by hand";
  spdlog::error("{}", message);
  alert(msg::kAlertRestartStorm, "critical", message, node.spec.host, name);
  (void)mailer_.send("restart storm: " + name, message + "\n");
}

std::string Collector::fate_text(const NodeCare& c, const CareStep& step) const {
  if (step.to == CareState::kGivenUp && step.from != CareState::kGivenUp) {
    return "was NOT restarted: it crashed too often (RestartStormCount " +
           std::to_string(c.care.settings().storm_count) + " within " +
           seconds_text(c.care.settings().storm_window) +
           " s); it is marked failed until it is started by hand";
  }
  if (step.verdict == CareVerdict::kRestart) return "is restarted by the collector";
  if (step.verdict == CareVerdict::kNotCrashed) return "is not restarted (it was being stopped)";
  return "was " + std::string(care_verdict_text(step.verdict));
}

std::string Collector::crash_fate(const std::string& node_name) {
  auto it = care_.find(node_name);
  if (view_.node(node_name) == nullptr || it == care_.end()) {
    return "is not restarted (it is no longer configured)";
  }
  if (it->second.fates.empty()) return "is restarted by the collector";
  std::string fate = std::move(it->second.fates.front());
  it->second.fates.pop_front();
  return fate;
}

}  // namespace bc::collector
