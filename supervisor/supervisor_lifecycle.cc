// The Supervisor's side of the lifecycle: performing the actions the transition table
// returns, in the order lifecycle.h defines, and keeping the state file in step.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/env_list.h"
#include "config/node_profile.h"
#include "supervisor/crash_recorder.h"
#include "supervisor/node_launcher.h"
#include "supervisor/node_registry.h"
#include "supervisor/state_store.h"
#include "supervisor/supervisor.h"
#include "supervisor/zeek_status.h"

namespace bc::sup {
void Supervisor::apply(Node& node, NodeEvent event, const std::shared_ptr<PendingReply>& request) {
  const Transition t = node.lifecycle.handle(event);
  if (!t.valid) {
    spdlog::debug("host {}: node {}: {} ignored in state {}", options_.host, node.spec.name,
                  event_name(event), state_name(node.lifecycle.state()));
    return;
  }
  if (t.from != t.to) {
    spdlog::info("host {}: node {}: {} -> {} ({}{}{})", options_.host, node.spec.name,
                 state_name(t.from), state_name(t.to), event_name(event),
                 node.last_reason.empty() ? "" : ": ", node.last_reason);
  }
  perform(node, t, request);
}

void Supervisor::perform(Node& node, const Transition& t,
                         const std::shared_ptr<PendingReply>& request) {
  const Actions a = t.actions;
  if (a.has(Action::kCancelTimers)) {
    for (auto* id : {&node.timers.ready, &node.timers.stop, &node.timers.kill}) {
      timers_.cancel(*id);
      *id = 0;
    }
  }
  bool parked = false;
  if (a.has(Action::kAwaitStart) && request) {
    node.awaiting_start.push_back(request);
    parked = true;
  }
  if (a.has(Action::kAwaitStop) && request) {
    node.awaiting_stop.push_back(request);
    parked = true;
  }
  if (a.has(Action::kSpawn)) {
    node.last_reason = "start";
    if (!spawn(node)) {
      apply(node, NodeEvent::kSpawnFailed, nullptr);  // answers the parked start
      return;
    }
  }
  if (a.has(Action::kSendTerm) && node.pid > 0) kill(-node.pid, SIGTERM);
  if (a.has(Action::kSendKill) && node.pid > 0) kill(-node.pid, SIGKILL);
  arm_timers(node, a);
  // The crash record is snapshotted after the state change is on the bus and written by
  // records_' thread: the collector's `start` is served meanwhile, and the snapshot holds
  // the logs' lengths and the crashed run's .cmdline/.env_vars, so a new process
  // appending to them changes nothing in the record.
  const bool record = a.has(Action::kWriteCrashRecord);
  const pid_t crashed_pid = node.pid;
  if (!has_process(t.to)) release_process(node);
  if (!node.configured && !has_process(t.to)) retire_later(node.spec.name);
  if (a.has(Action::kPersist)) mark_changed();
  for (Action reply : {Action::kReplyStartOk, Action::kReplyStartFailed, Action::kReplyStopOk,
                       Action::kReplyStopCrashed, Action::kReplyStopFailed, Action::kReplyOk,
                       Action::kReplyConflict}) {
    if (a.has(reply)) answer(node, reply, t.note, request, parked);
  }
  if (a.has(Action::kPublish)) publish_state(node, t.from);
  if (record) {
    node.record_pending = true;
    record_crash(node, crashed_pid);
  }
}

void Supervisor::answer(Node& node, Action action, std::string_view note,
                        const std::shared_ptr<PendingReply>& request, bool parked) {
  const std::string& name = node.spec.name;
  const bool start_kind = action == Action::kReplyStartOk || action == Action::kReplyStartFailed;
  const bool stop_kind = action == Action::kReplyStopOk || action == Action::kReplyStopCrashed ||
                         action == Action::kReplyStopFailed;
  Status outcome = Status::ok();
  msg::Value details = node_status(node);
  switch (action) {
    case Action::kReplyStartFailed:
      // A node that ended while starting has left its output behind: point the user to it
      // (docs/NODE-PROGRAM.md promises "<node> terminated immediately after starting; check
      // output with diag").
      outcome = Status(
          ErrorCode::kFailed,
          name + " " + std::string(note) +
              (node.lifecycle.state() == NodeState::kCrashed ? "; check output with diag" : "") +
              (node.last_reason.empty() ? "" : " (" + node.last_reason + ")"));
      break;
    case Action::kReplyStopOk:
      details.set("killed", node.lifecycle.killed());
      break;
    case Action::kReplyStopCrashed:
      details.set("killed", node.lifecycle.killed()).set("crashed_during_shutdown", true);
      break;
    case Action::kReplyStopFailed:
      outcome = Status(ErrorCode::kTimeout, name + " " + std::string(note));
      break;
    case Action::kReplyConflict:
      outcome = Status(ErrorCode::kConflict, name + " " + std::string(note));
      break;
    default:
      break;
  }
  if (request && !parked) request->report(name, outcome, details);
  auto& waiting = start_kind ? node.awaiting_start : node.awaiting_stop;
  if (start_kind || stop_kind) {
    for (auto& pending : waiting)
      pending->report(name, outcome, details);
    waiting.clear();
  }
}

bool Supervisor::is_zeek(const Node& node) const {
  return config::effective_profile(options_.cluster_options, node.spec) ==
         config::NodeProfile::kZeek;
}

Result<ZeekBinary> Supervisor::find_zeek(const Node& node) {
  std::vector<std::string> env = pass_through_environment();
  // A PATH in env_vars is the node's PATH: zeek is looked up there.
  for (const auto& [key, value] : node.spec.env_vars) {
    if (key == "PATH") set_env(env, key, value);
  }
  return zeek_probe_.find(zeek_program(options_, node.spec), env);
}

Result<SpawnSpec> Supervisor::spawn_spec(Node& node) {
  if (!is_zeek(node)) return make_spawn_spec(options_, node.spec);
  auto zeek = find_zeek(node);
  if (!zeek.is_ok()) return zeek.status();
  return make_zeek_spawn_spec(options_, node.spec, *zeek);
}

bool Supervisor::spawn(Node& node) {
  auto made = spawn_spec(node);
  if (!made.is_ok()) {
    node.last_reason = made.status().message();
    spdlog::error("host {}: node {}: {}", options_.host, node.spec.name, node.last_reason);
    return false;
  }
  SpawnSpec spec = std::move(*made);
  // Every file of the run is reached through this fd, never through a link in its place.
  auto dir = open_node_dir(options_, node.spec, CreateDirs::kYes);
  if (!dir.is_ok()) {
    node.last_reason = dir.status().message();
    spdlog::error("host {}: node {}: {}", options_.host, node.spec.name, node.last_reason);
    return false;
  }
  spec.cwd_fd = dir->get();
  const bool zeek = is_zeek(node);
  int pipe_fds[2] = {-1, -1};
  // Zeek says how far it got in .status; only our own node program gets the readiness pipe.
  if (!zeek && pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    node.last_reason = std::string("pipe: ") + strerror(errno);
    return false;
  }
  spec.notify_fd = pipe_fds[1];
  node.stale_core_mtime_us = file_mtime_us(*dir, "core");
  if (zeek) {
    // A .status left by the previous run must not pass for this one's.
    (void)remove_at(*dir, ".status");
    node.zeek_status.clear();
  }
  auto child = spawner_.spawn(spec);
  if (pipe_fds[1] >= 0) close(pipe_fds[1]);
  if (!child.is_ok()) {
    if (pipe_fds[0] >= 0) close(pipe_fds[0]);
    node.last_reason = child.status().message();
    spdlog::error("host {}: node {}: {}", options_.host, node.spec.name, node.last_reason);
    return false;
  }
  if (child->pidfd >= 0) close(child->pidfd);  // our child: SIGCHLD tells us when it ends
  node.pid = child->pid;
  node.pidfd = -1;
  node.adopted = false;
  node.start_ticks = child->start_ticks;
  node.started_at_us = clock_.wall_us();
  node.notify_fd = pipe_fds[0];
  node.notify_buffer.clear();
  node.last_exit.reset();
  node.peers.reset();  // the new process has its own, told by the next stats sample
  node.started_version = installer_.current_version().value_or("");
  node.cpu = CpuMeter();
  node.last_cpu_pct.reset();
  by_pid_[node.pid] = node.spec.name;
  // Diagnostics of the run, written while the new process starts (the spawn made the dir).
  (void)write_start_files(*dir, spec);
  (void)write_started_files(*dir, node.pid, node.started_at_us);
  heartbeat_if_due();  // a start of many nodes is one loop turn
  return true;
}

void Supervisor::arm_timers(Node& node, Actions a) {
  const auto now = clock_.now();
  Node* n = &node;  // nodes_ is a std::map: element addresses are stable
  if (a.has(Action::kArmReadyTimer)) {
    if (is_zeek(node)) {
      watch_zeek_status(node);
    } else {
      node.timers.ready = timers_.schedule(now + options_.ready_grace, [this, n] {
        n->timers.ready = 0;
        apply(*n, NodeEvent::kReady, nullptr);
      });
    }
    timers_.cancel(node.timers.start_deadline);
    node.timers.start_deadline = timers_.schedule(now + options_.start_timeout, [this, n] {
      n->timers.start_deadline = 0;
      if (n->lifecycle.state() != NodeState::kInitializing) return;
      const Status late(ErrorCode::kTimeout,
                        n->spec.name + " did not report ready within " +
                            std::to_string(options_.start_timeout.count() / 1000) +
                            " s; it is still initializing");
      for (auto& pending : n->awaiting_start)
        pending->report(n->spec.name, late, node_status(*n));
      n->awaiting_start.clear();
    });
  }
  if (a.has(Action::kArmStopTimer)) {
    node.timers.stop = timers_.schedule(now + options_.stop_timeout, [this, n] {
      n->timers.stop = 0;
      apply(*n, NodeEvent::kStopTimeout, nullptr);
    });
  }
  if (a.has(Action::kArmKillTimer)) {
    node.timers.kill = timers_.schedule(now + options_.kill_verify, [this, n] {
      n->timers.kill = 0;
      apply(*n, NodeEvent::kKillTimeout, nullptr);
    });
  }
}

// Zeek is running once its .status says RUNNING. Looked at every kZeekStatusPoll while it
// initializes (the ready timer's slot, so the lifecycle's kCancelTimers ends the watch); an
// empty or torn read is no news. A TERMINATED is kept for the start's error message: the
// exit itself arrives through SIGCHLD.
void Supervisor::watch_zeek_status(Node& node) {
  constexpr Millis kZeekStatusPoll{100};
  Node* n = &node;
  node.timers.ready = timers_.schedule(clock_.now() + kZeekStatusPoll, [this, n] {
    n->timers.ready = 0;
    if (n->lifecycle.state() != NodeState::kInitializing) return;
    auto dir = open_node_dir(options_, n->spec);
    const ZeekStatus status = dir.is_ok() ? read_zeek_status(*dir) : ZeekStatus{};
    if (status.state != ZeekState::kNone) n->zeek_status = status.line;
    if (status.state == ZeekState::kRunning) {
      apply(*n, NodeEvent::kReady, nullptr);
      return;
    }
    watch_zeek_status(*n);
  });
}

// Zeek ends a stop by writing TERMINATED; zeekctl calls an exit without it during a stop a
// crash during shutdown, and so do we (unless we had to SIGKILL it). The .status line joins
// the reason, so the start's error shows how far Zeek got.
NodeEvent Supervisor::zeek_exit_event(Node& node, const ExitInfo& exit) {
  auto dir = open_node_dir(options_, node.spec);
  const ZeekStatus status = dir.is_ok() ? read_zeek_status(*dir) : ZeekStatus{};
  if (status.state != ZeekState::kNone) node.zeek_status = status.line;
  if (!node.zeek_status.empty()) node.last_reason += "; .status: " + node.zeek_status;
  const NodeEvent event = exit_event(exit);
  if (event == NodeEvent::kExitClean && node.lifecycle.state() == NodeState::kTerminating &&
      !node.lifecycle.killed() && status.state != ZeekState::kTerminated) {
    node.last_reason += " (no TERMINATED in .status)";
    return NodeEvent::kExitAbnormal;
  }
  return event;
}

void Supervisor::release_process(Node& node) {
  if (node.pid > 0) by_pid_.erase(node.pid);
  if (node.pidfd >= 0) close(node.pidfd);
  if (node.notify_fd >= 0) close(node.notify_fd);
  timers_.cancel(node.timers.start_deadline);
  node.timers.start_deadline = 0;
  node.pidfd = node.notify_fd = -1;
  node.pid = 0;
  node.adopted = false;
}

void Supervisor::retire_later(const std::string& name) {
  timers_.schedule(clock_.now(), [this, name] {
    auto it = nodes_.find(name);
    if (it == nodes_.end()) return;
    Node& node = it->second;
    if (!should_retire(node.configured, node.lifecycle.state(), node.record_pending)) return;
    for (auto* id : {&node.timers.ready, &node.timers.stop, &node.timers.kill})
      timers_.cancel(*id);
    release_process(node);
    spdlog::info("host {}: node {} leaves the node table: it is {} and no longer configured",
                 options_.host, name, state_name(node.lifecycle.state()));
    nodes_.erase(it);
    mark_changed();
  });
}

void Supervisor::mark_changed() {
  ++state_version_;
  state_dirty_ = true;
}

void Supervisor::persist() {
  state_dirty_ = false;
  PersistedState state;
  state.host = options_.host;
  state.boot_id = boot_id_;
  state.version = state_version_;
  for (const auto& [name, node] : nodes_) {
    state.nodes[name] = PersistedNode{node.lifecycle.state(),
                                      node.lifecycle.desired(),
                                      node.pid,
                                      node.start_ticks,
                                      node.started_at_us,
                                      node.configured,
                                      std::string(node.type_name()),
                                      node.spec.program,
                                      node.started_version};
  }
  if (Status s = state_file_.save(state); !s.is_ok()) {
    spdlog::error("host {}: cannot save state: {}", options_.host, s.message());
  }
}

}  // namespace bc::sup
