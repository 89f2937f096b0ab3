#pragma once
// The collector's picture of the cluster, folded from the bus: every host (last
// heartbeat, up or down, the last sequence number of each of its publishers) and every
// node (state, desired state, pid, latest stats). Events only ever move it forward;
// reconciliation replaces a host's node entries with what its supervisor says.
// Owned by the collector's event loop.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/node_state.h"
#include "config/cluster.h"
#include "messages/node_events.h"

namespace bc::collector {

using SteadyTime = std::chrono::steady_clock::time_point;

struct HostView {
  std::string name;
  bool up = true;  // until HostTimeout passes without a heartbeat
  bool seen = false;
  SteadyTime last_heartbeat{};
  std::uint64_t state_version = 0;
  std::map<std::string, std::uint64_t> last_seq;  // origin -> seq
  std::vector<msg::DiskUsage> disks;
};

struct NodeView {
  config::NodeSpec spec;
  NodeState state = NodeState::kUnknown;  // decoded once, where events and replies come in
  DesiredState desired = DesiredState::kStopped;
  bool clean_exit = false;  // the latest end was an exit with code 0 (restart_policy on-failure)
  std::int64_t pid = 0;
  std::int64_t started_at = 0;
  std::optional<msg::NodeStats> stats;
  int restarts = 0;
  // The `ts` of the newest node_state applied: its supervisor's clock, as a status entry's
  // `as_of` is, so the two can be ordered whichever way each came.
  std::int64_t last_event_ts = 0;
};

class ClusterView {
 public:
  explicit ClusterView(const config::Cluster& cluster);

  std::map<std::string, HostView>& hosts() { return hosts_; }
  std::map<std::string, NodeView>& nodes() { return nodes_; }
  HostView* host(const std::string& name);
  NodeView* node(const std::string& name);

  // Takes a new configuration's nodes and hosts: specs of kept nodes are replaced (their
  // state stays), new ones are added, those no longer configured are dropped. Hosts left
  // without nodes are dropped; new hosts start as up, never seen.
  struct Changes {
    std::vector<std::string> added, removed, new_hosts;
  };
  Changes apply(const config::Cluster& cluster);

  // Records `seq` for the publisher; true when it does not follow the previous one (a
  // gap: events were missed). A restarted publisher (seq 1) is a gap too, unless first.
  bool note_sequence(const std::string& host, const std::string& origin, std::uint64_t seq);

 private:
  std::map<std::string, HostView> hosts_;
  std::map<std::string, NodeView> nodes_;
};

}  // namespace bc::collector
