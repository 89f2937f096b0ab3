#pragma once
// Node events published by a supervisor: a node's state changes (node.<host>.<node>),
// periodic per-node resource samples (stats.<host>.<node>) and per-host samples
// (stats.<host>). The collector folds these into cluster state; `status` and `top`
// print them.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "messages/envelope.h"
#include "messages/fields.h"

namespace bc::msg {

// State names as the shell prints them. The lifecycle's "starting" is kInitializing and
// "stopping" is kTerminating (the BroControl names users know).
inline constexpr std::array<std::string_view, 7> kNodeStates = {
    "stopped", "initializing", "running", "terminating", "crashed", "failed", "unknown"};
inline constexpr std::array<std::string_view, 5> kNodeTypes = {"standalone", "logger", "manager",
                                                               "proxy", "worker"};
inline constexpr std::array<std::string_view, 2> kDesiredStates = {"running", "stopped"};

struct NodeStateChange {
  static constexpr std::string_view kType = "node_state";

  Envelope env = Envelope::of(kType);
  std::string node;       // node name from node.cfg, e.g. "worker-1"
  std::string node_type;  // one of kNodeTypes
  std::string state;      // one of kNodeStates: the state entered
  std::string prev_state;
  std::string desired;                // what the operator asked for: "running" or "stopped"
  std::int64_t pid = 0;               // 0 when no process
  std::int64_t started_at = 0;        // us since epoch of the current process, 0 if none
  std::optional<std::string> reason;  // why, in words ("start", "exit 1", "SIGSEGV")
  std::int32_t exit_code = -1;        // -1 when the process did not exit normally
  std::int32_t signal = 0;            // terminating signal, 0 if none
  bool core_dumped = false;

  template <class V>
  void fields(V& visit) {
    env.fields(visit);
    visit("node", node, Presence::kRequired);
    visit("node_type", node_type, Presence::kRequired);
    visit("state", state, Presence::kRequired);
    visit("prev_state", prev_state, Presence::kRequired);
    visit("desired", desired, Presence::kRequired);
    visit("pid", pid, Presence::kRequired);
    visit("started_at", started_at, Presence::kRequired);
    visit("reason", reason, Presence::kOptional);
    visit("exit_code", exit_code, Presence::kOptional);
    visit("signal", signal, Presence::kRequired);
    visit("core_dumped", core_dumped, Presence::kRequired);
  }
  Status validate() const;
  bool operator==(const NodeStateChange&) const = default;
};

struct NodeStats {
  static constexpr std::string_view kType = "node_stats";

  Envelope env = Envelope::of(kType);
  std::string node;
  std::string node_type;
  std::int64_t pid = 0;
  double cpu_pct = 0;  // over the last sample interval; may exceed 100 with threads
  std::uint64_t rss_bytes = 0;
  std::uint64_t vsize_bytes = 0;
  std::uint32_t threads = 0;
  std::uint32_t fds = 0;
  std::optional<std::string> cmd;  // process name, as `top` shows it
  // From the node control protocol's netstats, when the node program offers it.
  std::optional<std::uint64_t> packets_received;
  std::optional<std::uint64_t> packets_dropped;
  std::optional<std::uint64_t> packets_link;
  // CPU time the process has used since it started (/proc/<pid>/stat utime and stime), in
  // seconds: counters that only grow while the pid stays the same process.
  std::optional<double> cpu_user_s;
  std::optional<double> cpu_system_s;

  template <class V>
  void fields(V& visit) {
    env.fields(visit);
    visit("node", node, Presence::kRequired);
    visit("node_type", node_type, Presence::kRequired);
    visit("pid", pid, Presence::kRequired);
    visit("cpu_pct", cpu_pct, Presence::kRequired);
    visit("rss_bytes", rss_bytes, Presence::kRequired);
    visit("vsize_bytes", vsize_bytes, Presence::kRequired);
    visit("threads", threads, Presence::kRequired);
    visit("fds", fds, Presence::kRequired);
    visit("cmd", cmd, Presence::kOptional);
    visit("packets_received", packets_received, Presence::kOptional);
    visit("packets_dropped", packets_dropped, Presence::kOptional);
    visit("packets_link", packets_link, Presence::kOptional);
    visit("cpu_user_s", cpu_user_s, Presence::kOptional);
    visit("cpu_system_s", cpu_system_s, Presence::kOptional);
  }
  Status validate() const;
  bool operator==(const NodeStats&) const = default;
};

struct DiskUsage {
  std::string path;  // mount point or configured directory (SpoolDir, LogDir, ...)
  std::uint64_t total_bytes = 0;
  std::uint64_t avail_bytes = 0;
  double avail_pct = 0;  // 0..100
  // The filesystem (stat's st_dev): paths on one filesystem are one disk to alert about.
  std::optional<std::uint64_t> device;

  template <class V>
  void fields(V& visit) {
    visit("path", path, Presence::kRequired);
    visit("total_bytes", total_bytes, Presence::kRequired);
    visit("avail_bytes", avail_bytes, Presence::kRequired);
    visit("avail_pct", avail_pct, Presence::kRequired);
    visit("device", device, Presence::kOptional);
  }
  Status validate() const;
  bool operator==(const DiskUsage&) const = default;
};

struct HostStats {
  static constexpr std::string_view kType = "host_stats";

  Envelope env = Envelope::of(kType);
  double load1 = 0;
  double load5 = 0;
  double load15 = 0;
  std::uint32_t cpu_count = 0;
  std::uint64_t mem_total = 0;  // bytes
  std::uint64_t mem_available = 0;
  std::vector<DiskUsage> disks;

  template <class V>
  void fields(V& visit) {
    env.fields(visit);
    visit("load1", load1, Presence::kRequired);
    visit("load5", load5, Presence::kRequired);
    visit("load15", load15, Presence::kRequired);
    visit("cpu_count", cpu_count, Presence::kRequired);
    visit("mem_total", mem_total, Presence::kRequired);
    visit("mem_available", mem_available, Presence::kRequired);
    visit("disks", disks, Presence::kOptional);
  }
  Status validate() const;
  bool operator==(const HostStats&) const = default;
};

// "node.<host>.<node>"
std::string topic_for(const NodeStateChange& m);
// "stats.<host>.<node>"
std::string topic_for(const NodeStats& m);
// "stats.<host>"; a prefix of the node stats topics of the same host, so a subscriber
// that wants only host stats dispatches on the body's type.
std::string topic_for(const HostStats& m);

}  // namespace bc::msg
