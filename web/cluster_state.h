#pragma once
// brocluster-web's picture of the cluster: the collector's snapshot, then the bus events
// newer than it (the Clone pattern, messages/clone_follower.h), plus what only a watcher of
// the bus can count — crashes and restarts seen since this daemon started, how long each
// restart took, events by type, sequence gaps, alerts by kind. Pure state, no sockets; the
// daemon feeds it and the /metrics, /api/v1 renderers read it. Owned by the daemon's thread.

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/alert.h"
#include "messages/clone_follower.h"
#include "messages/crash.h"
#include "messages/heartbeat.h"
#include "messages/node_events.h"
#include "messages/value.h"

namespace bc::web {

struct NodeView {
  std::string name;
  std::string host;
  std::string type;
  std::string state = "unknown";  // a node state, or "unreachable" (collector's verdict)
  std::string desired;
  std::int64_t pid = 0;
  std::int64_t started_at_us = 0;
  // Counted from the bus since brocluster-web started.
  std::uint64_t crashes = 0;
  std::uint64_t restarts = 0;
  std::int64_t last_crash_us = 0;
  std::int64_t crash_pending_us = 0;  // ts of a crash not yet followed by a restart
  // From the last node_stats (or the snapshot's cpu/rss/vsize).
  bool has_stats = false;
  double cpu_pct = 0;
  std::uint64_t rss = 0;
  std::uint64_t vsize = 0;
  std::uint32_t threads = 0;
  std::uint32_t fds = 0;
  std::optional<double> cpu_user_s, cpu_system_s;
  std::optional<std::uint64_t> packets_received, packets_dropped, packets_link;
  // Per-process CPU and packet counters restart at 0 with each new process; what earlier
  // processes of the node used is kept here so the exported counters never go down.
  double cpu_user_base = 0, cpu_system_base = 0;
  std::uint64_t received_base = 0, dropped_base = 0, link_base = 0;
  std::int64_t stats_pid = 0;
};

struct DaemonView {
  std::int64_t last_heartbeat_us = 0;
  double uptime_s = 0;
  std::map<std::string, std::uint64_t> counters;
};

struct HostView {
  std::string name;
  bool supervised = false;  // a host of node.cfg (snapshot, or its supervisor was heard)
  bool up = false;
  std::int64_t last_heartbeat_us = 0;  // of its supervisor
  std::uint64_t state_version = 0;
  std::map<std::string, DaemonView> daemons;  // by role
};

struct AlertView {
  std::string kind, severity, message, host;
  std::int64_t ts_us = 0;
};

// Upper bounds of restart_duration_seconds, from 1 ms.
inline constexpr std::array<double, 14> kRestartBuckets = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

struct Histogram {
  std::array<std::uint64_t, kRestartBuckets.size()> buckets{};  // non-cumulative
  std::uint64_t count = 0;
  double sum = 0;
  void observe(double v);
};

class ClusterState {
 public:
  // Applies the collector's `snapshot` result (docs/PROTOCOL.md §3.6), received at
  // `now_us` (our wall clock). Hosts whose supervisor we have heard later than the snapshot
  // keep what the events said.
  void apply_snapshot(const msg::Value& result, std::int64_t now_us);

  struct Outcome {
    bool applied = false;  // false: older than the snapshot (or not decodable)
    bool gap = false;      // events were missed: take a new snapshot
    std::string type;      // the event's type
  };
  // One bus event (topic frame, msgpack body).
  Outcome apply_event(std::string_view topic, std::string_view body);

  const std::map<std::string, NodeView>& nodes() const { return nodes_; }
  const std::map<std::string, HostView>& hosts() const { return hosts_; }
  const std::deque<AlertView>& alerts() const { return alerts_; }
  const std::map<std::string, std::uint64_t>& events_by_type() const { return events_by_type_; }
  const std::map<std::string, std::uint64_t>& alerts_by_kind() const { return alerts_by_kind_; }
  const Histogram& restart_durations() const { return restart_durations_; }
  std::uint64_t gaps() const { return gaps_; }
  std::uint64_t snapshots() const { return snapshots_; }
  std::uint64_t undecodable() const { return undecodable_; }
  bool have_snapshot() const { return snapshots_ > 0; }
  // When the collector started (us), from its heartbeat; 0 before the first.
  std::int64_t collector_start_us() const { return collector_start_us_; }

  // The cluster as JSON (the /api/v1/snapshot body and the first event of a stream).
  msg::Value to_value(std::int64_t now_us) const;
  // Its `hosts` part alone (the `hosts` event of a stream).
  msg::Value hosts_value(std::int64_t now_us) const;

 private:
  NodeView& node(const std::string& name, const std::string& host, const std::string& type);
  void on_state(const msg::NodeStateChange& e);
  void on_stats(const msg::NodeStats& e);
  void on_heartbeat(const msg::Heartbeat& e);
  void on_alert(const msg::Alert& e);

  std::map<std::string, NodeView> nodes_;  // by node name (unique in node.cfg)
  std::map<std::string, HostView> hosts_;
  std::deque<AlertView> alerts_;  // the latest 100
  std::map<std::string, std::uint64_t> events_by_type_;
  std::map<std::string, std::uint64_t> alerts_by_kind_;
  Histogram restart_durations_;
  msg::CloneFollower follower_{true};
  std::map<std::string, std::uint64_t> supervisor_seq_;  // last applied, by host
  std::uint64_t gaps_ = 0;
  std::uint64_t snapshots_ = 0;
  std::uint64_t undecodable_ = 0;
  std::int64_t collector_start_us_ = 0;
};

}  // namespace bc::web
