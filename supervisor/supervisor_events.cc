// What the Supervisor tells the bus — state changes, crash reports, heartbeats, stats —
// and how it finds its nodes again after a restart.

#include <sys/syscall.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <thread>

#include "common/file_util.h"
#include "common/version.h"
#include "messages/codec.h"
#include "supervisor/core_backtrace.h"
#include "supervisor/crash_recorder.h"
#include "supervisor/netstats_sample.h"
#include "supervisor/node_launcher.h"
#include "supervisor/node_registry.h"
#include "supervisor/orphan_scan.h"
#include "supervisor/state_store.h"
#include "supervisor/supervisor.h"

namespace bc::sup {
namespace {

int open_pidfd(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

}  // namespace

void Supervisor::publish_state(Node& node, NodeState from) {
  msg::NodeStateChange e;
  e.node = node.spec.name;
  e.node_type = std::string(node.type_name());
  e.state = std::string(state_name(node.lifecycle.state()));
  e.prev_state = std::string(state_name(from));
  e.desired = std::string(desired_name(node.lifecycle.desired()));
  e.pid = node.pid;
  e.started_at = node.pid > 0 ? node.started_at_us : 0;
  if (!node.last_reason.empty()) e.reason = node.last_reason;
  if (node.last_exit && !has_process(node.lifecycle.state())) {
    e.exit_code = node.last_exit->exited ? node.last_exit->exit_code : -1;
    e.signal = node.last_exit->exited ? 0 : node.last_exit->signal;
    e.core_dumped = node.last_exit->core_dumped;
  }
  if (node.lifecycle.state() != NodeState::kCrashed) {
    // In the gate's order, so that a crash it still holds is not settled before it is told.
    gate_.publish([this, e = std::move(e)]() mutable {
      events_.publish(e);
      watchers_.settled(e.node);
    });
    return;
  }
  // The collector's restart waits on this one: its watch gets it straight away as well,
  // one hop shorter than the bus (crash_watchers.h).
  gate_.publish([this, e = std::move(e)]() mutable {
    events_.publish(e);
    watchers_.notify(e);
  });
}

void Supervisor::record_crash(Node& node, pid_t pid) {
  CrashSnapshot snapshot = snapshot_crash(options_, node, pid, node.last_exit, clock_.wall_us());
  if (!records_.submit(snapshot)) {
    on_record_written({node.spec.name, write_crash_record(snapshot)});
  }
}

void Supervisor::on_record_written(WrittenRecord written) {
  if (auto it = nodes_.find(written.node); it != nodes_.end() && it->second.record_pending) {
    it->second.record_pending = false;
    if (!it->second.configured) retire_later(written.node);  // after this turn's use below
  }
  if (!written.report.is_ok()) {
    spdlog::error("host {}: node {}: crash record not written: {}", options_.host, written.node,
                  written.report.status().message());
    return;
  }
  const msg::CrashReport& report = *written.report;
  // The backtrace takes seconds: the crash event waits for it (the record must be complete
  // before it is announced), the node's state change does not.
  Status s = start_backtrace(report, [this](const msg::CrashReport& done) { announce(done); });
  if (!s.is_ok()) announce(report);
}

Status Supervisor::start_backtrace(const msg::CrashReport& report,
                                   std::function<void(const msg::CrashReport&)> done) {
  const std::string gdb = find_gdb();
  if (gdb.empty()) return Status::unsupported("gdb is not installed on " + options_.host);
  if (!report.core_path) return Status::not_found("the crash record keeps no core file");
  auto node = nodes_.find(report.node);
  const std::string& program = node == nodes_.end() || node->second.spec.program.empty()
                                   ? options_.node_program
                                   : node->second.spec.program;
  const JobSpec spec = core_backtrace_job(gdb, program, *report.core_path, report.record_dir);
  return jobs_.start(
      spec, [this, pending = report, done = std::move(done)](const JobResult& result) mutable {
        pending.backtrace = backtrace_text(result);
        (void)update_crash_record(options_, pending);
        done(pending);
      });
}

void Supervisor::restore() {
  auto loaded = state_file_.load();
  if (!loaded.is_ok() && loaded.status().code() != ErrorCode::kNotFound) {
    spdlog::error("host {}: {}; looking for running nodes in /proc instead", options_.host,
                  loaded.status().message());
  }
  const bool same_boot = loaded.is_ok() && loaded->boot_id == boot_id_;
  if (loaded.is_ok()) state_version_ = loaded->version;
  for (auto& [name, node] : nodes_) {
    const PersistedNode* saved = nullptr;
    if (loaded.is_ok()) {
      auto it = loaded->nodes.find(name);
      if (it != loaded->nodes.end()) saved = &it->second;
    }
    readopt(node, saved, same_boot);
  }
  // Nodes an install removed while they ran (or that the snapshot lost while we were
  // down): watched and stoppable until they end, never started again.
  if (loaded.is_ok()) {
    for (const auto& [name, saved] : loaded->nodes) {
      if (nodes_.count(name) != 0 || !has_process(saved.state)) continue;
      Node& node = nodes_[name];
      node.spec = unconfigured_spec(name, options_.host, saved);
      node.configured = false;
      spdlog::warn("host {}: node {} (pid {}) is no longer configured; it runs until stopped",
                   options_.host, name, saved.pid);
      readopt(node, &saved, same_boot);
    }
  }
  persist();
}

void Supervisor::readopt(Node& node, const PersistedNode* saved, bool same_boot) {
  const std::string& name = node.spec.name;
  if (saved == nullptr) {
    // Unknown to the state file: adopt a copy that runs anyway rather than start another.
    const pid_t orphan = find_node_process("/proc", node_dir(options_, node.spec));
    if (orphan == 0) return;
    spdlog::warn("host {}: node {} runs as pid {} without a state record; adopting it",
                 options_.host, name, orphan);
    auto stat = proc_.read_proc_stat(orphan);
    node.lifecycle = NodeLifecycle(NodeState::kRunning, DesiredState::kRunning);
    node.pid = orphan;
    node.start_ticks = stat.is_ok() ? stat->start_ticks : 0;
  } else {
    node.lifecycle = NodeLifecycle(saved->state, saved->desired);
    node.pid = static_cast<pid_t>(saved->pid);
    node.start_ticks = saved->start_ticks;
    node.started_at_us = saved->started_at_us;
    node.started_version = saved->started_version;
    if (!has_process(saved->state)) {
      node.pid = 0;
      return;
    }
  }
  const bool alive = (same_boot || saved == nullptr) && node.pid > 0 &&
                     proc_.process_alive_with_start(node.pid, node.start_ticks);
  if (alive) {
    node.adopted = true;
    node.pidfd = open_pidfd(node.pid);
    by_pid_[node.pid] = name;
    node.last_reason = "re-adopted pid " + std::to_string(node.pid);
    apply(node, NodeEvent::kAdoptAlive, nullptr);
  } else {
    node.last_reason = same_boot ? "died while the supervisor was not running (exit status unknown)"
                                 : "host rebooted";
    apply(node, NodeEvent::kAdoptDead, nullptr);
  }
}

void Supervisor::publish_heartbeat() {
  heartbeat_if_due();
  timers_.schedule(next_heartbeat_, [this] { publish_heartbeat(); });
}

void Supervisor::heartbeat_if_due() {
  const auto now = clock_.now();
  if (now < next_heartbeat_) return;
  send_heartbeat();
  next_heartbeat_ = now + options_.heartbeat_interval;
}

void Supervisor::send_heartbeat() {
  msg::Heartbeat hb;
  hb.role = "supervisor";
  hb.pid = getpid();
  hb.uptime_s = std::chrono::duration<double>(clock_.now() - started_).count();
  hb.interval_ms = static_cast<std::uint32_t>(options_.heartbeat_interval.count());
  hb.state_version = state_version_;
  for (const auto& [name, node] : nodes_) {
    ++hb.nodes_total;
    if (node.lifecycle.state() == NodeState::kRunning) ++hb.nodes_running;
    if (node.lifecycle.state() == NodeState::kCrashed) ++hb.nodes_crashed;
  }
  hb.counters = {{"requests", counters_.requests},
                 {"malformed", counters_.malformed},
                 {"errors", counters_.errors},
                 {"events_dropped", events_.dropped()},
                 {"jobs", jobs_.running()},
                 {"crash_watchers", watchers_.size()},
                 {"requests_refused", request_gate_.refused()},
                 {"replay_nonces_shed", request_gate_.replay_shed()},
                 // Heartbeats pass the gate while it holds the node events back: only one
                 // that says it is open follows every event published before it.
                 {"bus_gate_open", gate_.is_open() ? 1 : 0}};
  hb.software = kVersion;
  events_.publish(hb);
}

void Supervisor::publish_node_stats(const Node& node, msg::NodeStats stats) {
  const std::string dir = node_dir(options_, node.spec);
  if (node.lifecycle.state() != NodeState::kRunning || !has_control_endpoint(options_, node.spec)) {
    events_.publish(stats);
    return;
  }
  const Millis wait = netstats_wait(options_.stats_interval);
  const std::string name = node.spec.name;
  Status asked =
      samples_.start(name, dir, 0, "netstats", msg::Value::empty_map(), clock_.now() + wait,
                     static_cast<long>(wait.count()),
                     [this, stats, name, dir, wait](const msg::Reply& reply) mutable {
                       fill_packets(stats, reply);
                       events_.publish(stats);
                       // The peers for `status` (its Peers column), sampled here so that status
                       // itself never waits on a node.
                       (void)samples_.start(name, dir, 0, "peerstatus", msg::Value::empty_map(),
                                            clock_.now() + wait, static_cast<long>(wait.count()),
                                            [this, name](const msg::Reply& peers) {
                                              if (auto it = nodes_.find(name); it != nodes_.end())
                                                it->second.peers = connected_peers(peers);
                                            });
                     });
  if (!asked.is_ok()) events_.publish(stats);
}

msg::Value Supervisor::node_status(const Node& node) const {
  msg::Value v = msg::Value::empty_map();
  v.set("name", node.spec.name)
      .set("type", std::string(node.type_name()))
      .set("host", options_.host)
      .set("state", std::string(state_name(node.lifecycle.state())))
      .set("desired", std::string(desired_name(node.lifecycle.desired())))
      .set("pid", static_cast<std::int64_t>(node.pid))
      .set("started_at", node.pid > 0 ? node.started_at_us : 0)
      .set("configured", node.configured)
      .set("version", node.pid > 0 ? node.started_version : std::string())
      .set("as_of", clock_.wall_us());
  if (!node.last_reason.empty()) v.set("reason", node.last_reason);
  if (node.lifecycle.state() == NodeState::kRunning) {
    if (node.peers) {
      v.set("peers", static_cast<std::int64_t>(*node.peers));
    } else if (!has_control_endpoint(options_, node.spec)) {
      v.set("peers", "n/a");  // a program without a control endpoint tells no peers
    }
  }
  return v;
}

msg::Value Supervisor::node_top(Node& node) {
  msg::Value v = node_status(node);
  if (node.pid <= 0) return v;
  auto stat = proc_.read_proc_stat(node.pid);
  if (!stat.is_ok()) return v;
  v.set("vsize", stat->vsize_bytes)
      .set("rss", stat->rss_bytes)
      .set("threads", static_cast<std::int64_t>(stat->threads))
      .set("fds", static_cast<std::int64_t>(proc_.count_fds(node.pid)))
      .set("cmd", stat->comm);
  if (auto pct = node.cpu.sample(stat->cpu_ticks, clock_.now())) node.last_cpu_pct = pct;
  v.set("cpu", node.last_cpu_pct.value_or(0.0));
  return v;
}

void Supervisor::publish_stats() {
  for (auto& [name, node] : nodes_) {
    if (node.pid <= 0) continue;
    auto stat = proc_.read_proc_stat(node.pid);
    if (!stat.is_ok()) continue;
    msg::NodeStats s;
    s.node = name;
    s.node_type = std::string(node.type_name());
    s.pid = node.pid;
    if (auto pct = node.cpu.sample(stat->cpu_ticks, clock_.now())) node.last_cpu_pct = pct;
    s.cpu_pct = node.last_cpu_pct.value_or(0.0);
    s.rss_bytes = stat->rss_bytes;
    s.vsize_bytes = stat->vsize_bytes;
    s.threads = static_cast<std::uint32_t>(std::max(stat->threads, 0L));
    s.fds = static_cast<std::uint32_t>(std::max(proc_.count_fds(node.pid), 0));
    s.cmd = stat->comm;
    s.cpu_user_s = ticks_to_seconds(stat->user_ticks);
    s.cpu_system_s = ticks_to_seconds(stat->system_ticks);
    publish_node_stats(node, std::move(s));
  }
  const HostSample host = proc_.read_host();
  msg::HostStats h;
  h.load1 = host.load1;
  h.load5 = host.load5;
  h.load15 = host.load15;
  h.cpu_count = std::thread::hardware_concurrency();
  h.mem_total = host.mem_total_bytes;
  h.mem_available = host.mem_available_bytes;
  for (const auto& path : options_.df_paths) {
    auto du = disk_usage(path);
    if (!du.is_ok()) continue;
    h.disks.push_back({path, du->total_bytes, du->avail_bytes, du->avail_pct, du->device});
  }
  events_.publish(h);
  timers_.schedule(clock_.now() + options_.stats_interval, [this] { publish_stats(); });
}

}  // namespace bc::sup
