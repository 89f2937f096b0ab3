#include "web/cluster_state.h"

#include <algorithm>

#include "messages/codec.h"
#include "messages/event_origin.h"

namespace bc::web {
namespace {

constexpr std::size_t kAlertsKept = 100;

std::string str_of(const msg::Value& v, std::string_view key) {
  auto s = v.get_string(key);
  return s.is_ok() ? *s : std::string();
}

std::int64_t int_of(const msg::Value& v, std::string_view key) {
  auto i = v.get_int(key);
  return i.is_ok() ? *i : 0;
}

}  // namespace

void Histogram::observe(double v) {
  ++count;
  sum += v;
  for (std::size_t i = 0; i < kRestartBuckets.size(); ++i) {
    if (v <= kRestartBuckets[i]) {
      ++buckets[i];
      return;
    }
  }
}

NodeView& ClusterState::node(const std::string& name, const std::string& host,
                             const std::string& type) {
  NodeView& n = nodes_[name];
  n.name = name;
  if (!host.empty()) n.host = host;
  if (!type.empty()) n.type = type;
  return n;
}

void ClusterState::apply_snapshot(const msg::Value& result, std::int64_t now_us) {
  ++snapshots_;
  std::map<std::string, bool> fresh;  // hosts whose nodes the snapshot may overwrite
  if (const auto* hosts = result.find("hosts"); hosts && hosts->as_array()) {
    for (const msg::Value& h : *hosts->as_array()) {
      const std::string name = str_of(h, "host");
      if (name.empty()) continue;
      HostView& host = hosts_[name];
      host.name = name;
      host.supervised = true;
      if (auto up = h.get_bool("up"); up.is_ok()) host.up = *up;
      std::uint64_t seq = 0;
      if (const auto* seqs = h.find("seq")) {
        if (auto s = seqs->get_uint("supervisor"); s.is_ok()) seq = *s;
      }
      if (auto age = h.get_int("heartbeat_age_ms"); age.is_ok() && host.last_heartbeat_us == 0)
        host.last_heartbeat_us = now_us - *age * 1000;
      if (auto v = h.get_uint("state_version"); v.is_ok()) host.state_version = *v;
      // Events of that supervisor up to `seq` are in the snapshot; ours may be newer.
      fresh[name] = seq >= supervisor_seq_[name];
      follower_.snapshot(name, seq, now_us);
    }
  }
  if (const auto* nodes = result.find("nodes"); nodes && nodes->as_array()) {
    // A node the installed node.cfg no longer has is forgotten with its series.
    std::map<std::string, bool> listed;
    for (const msg::Value& v : *nodes->as_array())
      listed[str_of(v, "name")] = true;
    std::erase_if(nodes_, [&](const auto& kv) { return !listed.contains(kv.first); });
    for (const msg::Value& v : *nodes->as_array()) {
      const std::string host = str_of(v, "host");
      NodeView& n = node(str_of(v, "name"), host, str_of(v, "type"));
      if (n.name.empty()) continue;
      if (auto it = fresh.find(host); it != fresh.end() && !it->second && n.state != "unknown")
        continue;
      n.state = str_of(v, "state");
      n.desired = str_of(v, "desired");
      n.pid = int_of(v, "pid");
      n.started_at_us = int_of(v, "started_at");
      if (auto cpu = v.get_double("cpu"); cpu.is_ok()) {
        n.has_stats = true;
        n.cpu_pct = *cpu;
        n.rss = v.get_uint("rss").is_ok() ? *v.get_uint("rss") : 0;
        n.vsize = v.get_uint("vsize").is_ok() ? *v.get_uint("vsize") : 0;
      }
    }
  }
  if (const auto* alerts = result.find("alerts"); alerts && alerts->as_array() && alerts_.empty()) {
    for (const msg::Value& a : *alerts->as_array()) {
      alerts_.push_back(
          {str_of(a, "kind"), str_of(a, "severity"), str_of(a, "message"), "", int_of(a, "ts")});
    }
  }
}

ClusterState::Outcome ClusterState::apply_event(std::string_view topic, std::string_view body) {
  (void)topic;  // the body says everything the topic does
  Outcome out;
  auto type = msg::peek_type(body);
  if (!type.is_ok()) {
    ++undecodable_;
    return out;
  }
  out.type = *type;
  // Decoded whole before anything is counted: what does not decode is dropped.
  std::optional<msg::NodeStateChange> state;
  std::optional<msg::NodeStats> stats;
  std::optional<msg::Heartbeat> heartbeat;
  std::optional<msg::Alert> alert;
  const msg::Envelope* env = nullptr;
  std::optional<msg::Envelope> other;
  auto take = [&](auto result, auto& slot) {
    if (!result.is_ok()) return;
    slot = std::move(*result);
    env = &slot->env;
  };
  auto take_env = [&](auto result) {
    if (result.is_ok()) other = result->env, env = &*other;
  };
  if (out.type == msg::NodeStateChange::kType) {
    take(msg::decode<msg::NodeStateChange>(body), state);
  } else if (out.type == msg::NodeStats::kType) {
    take(msg::decode<msg::NodeStats>(body), stats);
  } else if (out.type == msg::Heartbeat::kType) {
    take(msg::decode<msg::Heartbeat>(body), heartbeat);
  } else if (out.type == msg::Alert::kType) {
    take(msg::decode<msg::Alert>(body), alert);
  } else if (out.type == msg::CrashReport::kType) {
    take_env(msg::decode<msg::CrashReport>(body));
  } else if (out.type == msg::HostStats::kType) {
    take_env(msg::decode<msg::HostStats>(body));
  } else if (out.type == msg::LogLine::kType) {
    take_env(msg::decode<msg::LogLine>(body));
  }
  if (env == nullptr) {
    ++undecodable_;
    return out;
  }
  // From what is decoded already; only a log line's component is read again.
  const std::string origin = heartbeat ? heartbeat->role
                             : alert   ? std::string("collector")
                                       : msg::origin_of(out.type, body);
  const auto verdict = follower_.admit(env->host, origin, env->seq, env->ts);
  if (verdict.gap) {
    ++gaps_;
    out.gap = true;
  }
  ++events_by_type_[out.type];
  if (!verdict.apply) return out;
  if (origin == "supervisor") supervisor_seq_[env->host] = env->seq;
  if (state) on_state(*state);
  if (stats) on_stats(*stats);
  if (heartbeat) on_heartbeat(*heartbeat);
  if (alert) on_alert(*alert);
  out.applied = true;
  return out;
}

void ClusterState::on_state(const msg::NodeStateChange& e) {
  NodeView& n = node(e.node, e.env.host, e.node_type);
  n.state = e.state;
  n.desired = e.desired;
  n.pid = e.pid;
  n.started_at_us = e.started_at;
  if (e.state == "crashed") {
    ++n.crashes;
    n.last_crash_us = e.env.ts;
    n.crash_pending_us = e.env.ts;
  } else if (n.crash_pending_us != 0 && e.prev_state == "crashed" &&
             (e.state == "initializing" || e.state == "running")) {
    ++n.restarts;
    if (e.state == "running") {
      restart_durations_.observe(static_cast<double>(e.env.ts - n.crash_pending_us) / 1e6);
      n.crash_pending_us = 0;
    }
  } else if (n.crash_pending_us != 0 && e.state == "running") {
    // initializing -> running of the restart counted above.
    restart_durations_.observe(static_cast<double>(e.env.ts - n.crash_pending_us) / 1e6);
    n.crash_pending_us = 0;
  } else if (e.state == "stopped" || e.state == "failed") {
    n.crash_pending_us = 0;
  }
}

void ClusterState::on_stats(const msg::NodeStats& e) {
  NodeView& n = node(e.node, e.env.host, e.node_type);
  if (n.stats_pid != 0 && n.stats_pid != e.pid) {
    // A new process: its counters start again from 0; keep the old one's totals.
    n.cpu_user_base += n.cpu_user_s.value_or(0);
    n.cpu_system_base += n.cpu_system_s.value_or(0);
    n.received_base += n.packets_received.value_or(0);
    n.dropped_base += n.packets_dropped.value_or(0);
    n.link_base += n.packets_link.value_or(0);
  }
  n.stats_pid = e.pid;
  n.has_stats = true;
  n.cpu_pct = e.cpu_pct;
  n.rss = e.rss_bytes;
  n.vsize = e.vsize_bytes;
  n.threads = e.threads;
  n.fds = e.fds;
  n.cpu_user_s = e.cpu_user_s;
  n.cpu_system_s = e.cpu_system_s;
  n.packets_received = e.packets_received;
  n.packets_dropped = e.packets_dropped;
  n.packets_link = e.packets_link;
}

void ClusterState::on_heartbeat(const msg::Heartbeat& e) {
  HostView& h = hosts_[e.env.host];
  h.name = e.env.host;
  DaemonView& d = h.daemons[e.role];
  d.last_heartbeat_us = e.env.ts;
  d.uptime_s = e.uptime_s;
  d.counters = e.counters;
  if (e.role == "supervisor") {
    h.supervised = true;
    h.up = true;
    h.last_heartbeat_us = e.env.ts;
    h.state_version = e.state_version;
  } else if (e.role == "collector") {
    collector_start_us_ = e.env.ts - static_cast<std::int64_t>(e.uptime_s * 1e6);
  }
}

void ClusterState::on_alert(const msg::Alert& e) {
  ++alerts_by_kind_[e.kind];
  const std::string subject = e.subject_host.value_or("");
  if (!subject.empty()) {
    if (e.kind == msg::kAlertHostDown) hosts_[subject].up = false;
    if (e.kind == msg::kAlertHostUp) hosts_[subject].up = true;
    hosts_[subject].supervised = true;
    hosts_[subject].name = subject;
  }
  alerts_.push_back({e.kind, e.severity, e.message, subject, e.env.ts});
  while (alerts_.size() > kAlertsKept)
    alerts_.pop_front();
}

msg::Value ClusterState::hosts_value(std::int64_t now_us) const {
  msg::Value hosts = msg::Value::empty_array();
  for (const auto& [name, h] : hosts_) {
    if (!h.supervised) continue;  // a broker box without nodes
    msg::Value v = msg::Value::empty_map();
    v.set("host", name).set("up", h.up).set("state_version", h.state_version);
    if (h.last_heartbeat_us > 0) v.set("heartbeat_age_ms", (now_us - h.last_heartbeat_us) / 1000);
    hosts.push_back(std::move(v));
  }
  return hosts;
}

msg::Value ClusterState::to_value(std::int64_t now_us) const {
  msg::Value hosts = hosts_value(now_us);
  msg::Value nodes = msg::Value::empty_array();
  for (const auto& [name, n] : nodes_) {
    msg::Value v = msg::Value::empty_map();
    v.set("name", name).set("host", n.host).set("type", n.type).set("state", n.state);
    v.set("desired", n.desired).set("pid", n.pid).set("started_at", n.started_at_us);
    v.set("crashes", n.crashes).set("restarts", n.restarts);
    if (n.last_crash_us > 0) v.set("last_crash", n.last_crash_us);
    if (n.has_stats) {
      v.set("cpu", n.cpu_pct).set("rss", n.rss).set("vsize", n.vsize);
      v.set("threads", n.threads).set("fds", n.fds);
    }
    if (n.packets_received) v.set("packets_received", *n.packets_received);
    if (n.packets_dropped) v.set("packets_dropped", *n.packets_dropped);
    if (n.packets_link) v.set("packets_link", *n.packets_link);
    nodes.push_back(std::move(v));
  }
  msg::Value alerts = msg::Value::empty_array();
  for (const AlertView& a : alerts_) {
    msg::Value v = msg::Value::empty_map();
    v.set("kind", a.kind).set("severity", a.severity).set("message", a.message).set("ts", a.ts_us);
    if (!a.host.empty()) v.set("host", a.host);
    alerts.push_back(std::move(v));
  }
  msg::Value out = msg::Value::empty_map();
  out.set("as_of", now_us).set("hosts", std::move(hosts)).set("nodes", std::move(nodes));
  out.set("alerts", std::move(alerts));
  return out;
}

}  // namespace bc::web
